import type { WebhookConfig } from "../../config.js";
import type { Allowlist, HostResolver } from "./url-safety.js";

/** What the webhook operations need besides the database: the configuration, the keys and the dispatcher. */
export interface WebhookContext {
  readonly config: WebhookConfig;
  /** Seals and opens webhook and Slack signing secrets. */
  readonly masterKey: Buffer;
  /** Hosts that endpoints may use although they are not public (the sandbox's loopback). */
  readonly allowlist: Allowlist;
  /** Resolves endpoint hosts, at creation and at every delivery (tests inject their own). */
  readonly resolve: HostResolver;
  readonly dispatcher: Dispatcher;
}

/**
 * Sends the queued webhook deliveries: claims due ones (`FOR UPDATE SKIP LOCKED`, with a lease
 * so that several processes never send the same attempt), POSTs them signed, and records each
 * attempt and what follows from it (success, the next retry, dead-letter, a 410 disabling the
 * endpoint).
 */
export interface Dispatcher {
  /** Starts the background loop: it wakes on NOTIFY and on each next due time, and polls as a fallback. */
  start(): Promise<void>;
  /** Stops the loop and waits for the attempts in flight to be recorded. */
  stop(): Promise<void>;
  /** Asks the loop to look for due deliveries now (after a commit that queued some). */
  wake(): void;
  /** Sends every delivery due at the clock's now, once; resolves to how many attempts were made. */
  runDue(): Promise<number>;
  /** Makes the due attempt of one delivery now and resolves once it is recorded. */
  attemptNow(deliveryId: string): Promise<void>;
}
