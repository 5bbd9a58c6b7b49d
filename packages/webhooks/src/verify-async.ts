import { noMatchingSignature, parseEvent, readDelivery, type VerifyWebhookOptions } from "./delivery.js";
import type { WebhookEvent } from "./generated/events.js";
import { constantTimeEqual, hmacSha256Web, signedContent } from "./hmac-web.js";

/**
 * {@link verifyWebhook} with WebCrypto (`globalThis.crypto.subtle`), for runtimes without
 * `node:crypto`: edge runtimes, Cloudflare Workers, Deno, browsers. Same options, same event,
 * same {@link WebhookVerificationError} codes, as a promise.
 *
 * @example
 * ```ts
 * import { verifyWebhookAsync } from "@timecard/webhooks/web";
 *
 * const event = await verifyWebhookAsync({
 *   payload: await request.text(),
 *   headers: request.headers,
 *   secret: env.TIMECARD_WEBHOOK_SECRET,
 * });
 * ```
 */
export async function verifyWebhookAsync(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const { id, timestamp, keys, signatures } = readDelivery(options);
  const content = signedContent(id, timestamp, options.payload);
  let matched = false;
  for (const key of keys) {
    const expected = await hmacSha256Web(key, content);
    for (const signature of signatures) {
      if (constantTimeEqual(expected, signature)) matched = true;
    }
  }
  if (!matched) throw noMatchingSignature();
  return parseEvent(options.payload);
}
