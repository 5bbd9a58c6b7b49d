/**
 * Verify Timecard webhook deliveries with WebCrypto, for runtimes without `node:crypto`: Cloudflare
 * Workers, Vercel Edge, Deno, browsers. Nothing imported from here loads `node:*` modules or uses `Buffer`.
 *
 * @packageDocumentation
 */

export { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, type VerifyWebhookOptions } from "./delivery.js";
export {
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
  type WebhookVerificationErrorStatus,
} from "./errors.js";
export { isWebhookEventType } from "./event-type.js";
export type {
  components as WebhookSchemas,
  WebhookEvent,
  WebhookEventOf,
  WebhookEventType,
} from "./generated/events.js";
export { WEBHOOK_EVENT_TYPES } from "./generated/events.js";
export type { HeadersLike, WebhookHeaders } from "./headers.js";
export type { FetchRequestLike, VerifyRequestOptions } from "./request.js";
export { signWebhookAsync } from "./sign-async.js";
export type { SignWebhookOptions } from "./sign-options.js";
export { verifyWebhookAsync } from "./verify-async.js";
export { verifyRequest } from "./verify-request-web.js";
