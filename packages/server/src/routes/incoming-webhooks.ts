import type { Handlers, PublicHandlers } from "./types.js";

/** Incoming webhooks: the admins' operations. */
export function incomingWebhookHandlers(): Handlers {
  return {};
}

/** The public receiver of incoming webhooks' URLs. */
export function incomingWebhookPublicHandlers(): PublicHandlers {
  return {};
}
