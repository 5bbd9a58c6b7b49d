import type { Handlers } from "./types.js";

/** Webhook endpoints: CRUD, secrets (reveal, rotate). */
export function webhookEndpointHandlers(): Handlers {
  return {};
}
