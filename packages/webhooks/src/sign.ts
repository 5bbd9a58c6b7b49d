import { decodeSecret } from "./secret.js";
import { computeSignature } from "./signature.js";

/** What {@link signWebhook} signs. */
export interface SignWebhookOptions {
  /** The `webhook-id` header (the event id, `evt_…`). */
  id: string;
  /** The `webhook-timestamp` header, Unix time in seconds. */
  timestamp: number;
  /** The raw body exactly as sent. */
  payload: string | Uint8Array;
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret: string;
}

/**
 * Signs a delivery the way Timecard does and returns the `webhook-signature` value (`v1,<base64>`);
 * for tests and local tooling.
 *
 * @example
 * ```ts
 * const timestamp = Math.floor(Date.now() / 1000);
 * const signature = signWebhook({ id: "evt_123", timestamp, payload: body, secret });
 * await fetch(url, {
 *   method: "POST",
 *   body,
 *   headers: { "webhook-id": "evt_123", "webhook-timestamp": String(timestamp), "webhook-signature": signature },
 * });
 * ```
 */
export function signWebhook(options: SignWebhookOptions): string {
  const { id, timestamp, payload, secret } = options;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError("timestamp must be a whole number of seconds since the Unix epoch, not milliseconds.");
  }
  return `v1,${computeSignature(decodeSecret(secret), id, String(timestamp), payload)}`;
}
