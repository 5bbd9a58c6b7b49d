/**
 * Verify Timecard webhook deliveries (Standard Webhooks) and get typed events.
 *
 * @packageDocumentation
 */

export { WebhookVerificationError, type WebhookVerificationErrorCode } from "./errors.js";
export { isWebhookEventType } from "./event-type.js";
export type {
  components as WebhookSchemas,
  WebhookEvent,
  WebhookEventOf,
  WebhookEventType,
} from "./generated/events.js";
export { WEBHOOK_EVENT_TYPES } from "./generated/events.js";
export type { HeadersLike, WebhookHeaders } from "./headers.js";
export { type SignWebhookOptions, signWebhook } from "./sign.js";
export { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, type VerifyWebhookOptions, verifyWebhook } from "./verify.js";
