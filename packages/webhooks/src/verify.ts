import { timingSafeEqual } from "node:crypto";
import { noMatchingSignature, parseEvent, readDelivery, type VerifyWebhookOptions } from "./delivery.js";
import type { WebhookEvent } from "./generated/events.js";
import { hmacSha256 } from "./hmac.js";

/**
 * Verifies a Timecard webhook delivery (Standard Webhooks, HMAC-SHA256) and returns its event.
 *
 * Throws {@link WebhookVerificationError} when a header is missing or malformed, the timestamp is
 * outside the tolerance, or no `v1` signature matches any secret. The body is parsed only after a
 * signature matched. The event's `type` may be one this version does not know yet: check it with
 * {@link isWebhookEventType} and acknowledge the rest. Uses `node:crypto`; see
 * {@link verifyWebhookAsync} for runtimes without it.
 *
 * @example
 * ```ts
 * app.post("/webhooks/timecard", express.raw({ type: "application/json" }), (req, res) => {
 *   const event = verifyWebhook({ payload: req.body, headers: req.headers, secret: process.env.TIMECARD_WEBHOOK_SECRET });
 *   if (event.type === "session.stopped") console.log(event.data.duration_seconds);
 *   res.sendStatus(204);
 * });
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookEvent {
  const { id, timestamp, keys, signatures } = readDelivery(options);
  let matched = false;
  for (const key of keys) {
    const expected = hmacSha256(key, id, timestamp, options.payload);
    for (const signature of signatures) {
      // Compare every candidate in constant time and do not stop early, so timing reveals nothing.
      if (timingSafeEqual(expected, signature)) matched = true;
    }
  }
  if (!matched) throw noMatchingSignature();
  return parseEvent(options.payload);
}
