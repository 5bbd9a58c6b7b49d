import type { Handlers } from "./types.js";

/** Webhook deliveries: lists, retry, and the test event. */
export function webhookDeliveryHandlers(): Handlers {
  return {};
}
