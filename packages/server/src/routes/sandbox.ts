import { resetSandbox, triggerSandboxEvent } from "../sandbox/operations.js";
import type { Handlers } from "./types.js";

/** The sandbox-only operations: reset to the seed, trigger a sample event. `404 not_found` outside the sandbox. */
export function sandboxHandlers(): Handlers {
  return {
    resetSandbox: async ({ ctx }) => resetSandbox(ctx),
    triggerSandboxEvent: async ({ ctx, body }, reply) => {
      const result = await triggerSandboxEvent(ctx, body);
      reply.code(201);
      return result;
    },
  };
}
