/**
 * Typed Timecard webhook events. Signature verification (Standard Webhooks) lands here too.
 *
 * @packageDocumentation
 */

export { isWebhookEventType } from "./event-type.js";
export type {
  components as WebhookSchemas,
  WebhookEvent,
  WebhookEventOf,
  WebhookEventType,
} from "./generated/events.js";
export { WEBHOOK_EVENT_TYPES } from "./generated/events.js";
