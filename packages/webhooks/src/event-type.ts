import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./generated/events.js";

const KNOWN: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/**
 * True when `value` is an event type that this version of the package knows.
 *
 * Timecard adds event types within an API version, so a receiver should ignore (and
 * acknowledge) events whose type this returns false for, rather than fail.
 *
 * @example
 * ```ts
 * if (!isWebhookEventType(body.type)) return res.status(204).end();
 * ```
 */
export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === "string" && KNOWN.has(value);
}
