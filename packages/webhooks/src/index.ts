/**
 * Verify Timecard webhook deliveries (Standard Webhooks) and get typed events, on Node (`node:crypto`).
 * For runtimes without `node:crypto`, import from `@timecard/webhooks/web`.
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
export { signWebhook } from "./sign.js";
export { signWebhookAsync } from "./sign-async.js";
export type { SignWebhookOptions } from "./sign-options.js";
export { verifyWebhook } from "./verify.js";
export { verifyWebhookAsync } from "./verify-async.js";
export { type NodeRequestLike, verifyNodeRequest } from "./verify-node-request.js";
export { verifyRequest } from "./verify-request.js";
export {
  createWebhookMiddleware,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  type WebhookMiddleware,
  type WebhookMiddlewareOptions,
  type WebhookMiddlewareRequest,
  type WebhookMiddlewareResponse,
} from "./webhook-middleware.js";
