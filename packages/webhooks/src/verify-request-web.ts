import type { WebhookEvent } from "./generated/events.js";
import { type FetchRequestLike, readFetchRequest, type VerifyRequestOptions } from "./request.js";
import { verifyWebhookAsync } from "./verify-async.js";

/**
 * Verifies a Fetch `Request` with WebCrypto (Cloudflare Workers, Vercel Edge, Deno Deploy, Hono
 * on any of them): reads its raw body and headers, then checks them like {@link verifyWebhookAsync}.
 * Rejects with {@link WebhookVerificationError}; answer with its `status`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { verifyRequest, WebhookVerificationError } from "@timecard/webhooks/web";
 *
 * const app = new Hono<{ Bindings: { TIMECARD_WEBHOOK_SECRET: string } }>();
 * app.post("/webhooks/timecard", async (c) => {
 *   try {
 *     const event = await verifyRequest(c.req.raw, { secret: c.env.TIMECARD_WEBHOOK_SECRET });
 *     console.log(event.type);
 *     return c.body(null, 204);
 *   } catch (error) {
 *     if (!(error instanceof WebhookVerificationError)) throw error;
 *     return c.json({ code: error.code, message: error.message }, error.status);
 *   }
 * });
 * ```
 */
export async function verifyRequest(request: FetchRequestLike, options: VerifyRequestOptions): Promise<WebhookEvent> {
  return verifyWebhookAsync({ ...options, ...(await readFetchRequest(request)) });
}
