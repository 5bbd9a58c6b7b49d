import { encodeBase64 } from "./base64.js";
import { hmacSha256Web, signedContent } from "./hmac-web.js";
import { decodeSecret } from "./secret.js";
import { type SignWebhookOptions, timestampSeconds } from "./sign-options.js";

/**
 * {@link signWebhook} with WebCrypto, for runtimes without `node:crypto`; resolves to the
 * `webhook-signature` value (`v1,<base64>`).
 *
 * @example
 * ```ts
 * import { signWebhookAsync } from "@timecard/webhooks/web";
 *
 * const timestamp = Math.floor(Date.now() / 1000);
 * const signature = await signWebhookAsync({ id: "evt_123", timestamp, payload: body, secret });
 * ```
 */
export async function signWebhookAsync(options: SignWebhookOptions): Promise<string> {
  const { id, timestamp, payload, secret } = options;
  const seconds = timestampSeconds(timestamp);
  const key = decodeSecret(secret);
  return `v1,${encodeBase64(await hmacSha256Web(key, signedContent(id, seconds, payload)))}`;
}
