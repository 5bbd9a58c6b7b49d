import type { FastifyBaseLogger } from "fastify";
import type { WebhookConfig } from "../../config.js";
import type { Storage } from "../../storage/connect.js";
import type { Dispatcher } from "./runtime.js";
import type { Allowlist, HostResolver } from "./url-safety.js";

/** What a dispatcher works with. */
export interface DispatcherOptions {
  readonly storage: Storage;
  readonly config: WebhookConfig;
  readonly masterKey: Buffer;
  readonly allowlist: Allowlist;
  readonly resolve: HostResolver;
  /** The clock that decides what is due (tests move it). */
  readonly now: () => Date;
  readonly log: FastifyBaseLogger;
}

// TEMPORARY (this session): the real dispatcher replaces this before it is committed.
export function createDispatcher(_options: DispatcherOptions): Dispatcher {
  return {
    start: async () => {},
    stop: async () => {},
    wake: () => {},
    runDue: async () => 0,
    attemptNow: async () => {
      throw new Error("dispatcher not written yet");
    },
  };
}
