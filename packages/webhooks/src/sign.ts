import { hmacSha256 } from "./hmac.js";
import { decodeSecret } from "./secret.js";
import { type SignWebhookOptions, timestampSeconds } from "./sign-options.js";

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
  const seconds = timestampSeconds(timestamp);
  return `v1,${hmacSha256(decodeSecret(secret), id, seconds, payload).toString("base64")}`;
}
