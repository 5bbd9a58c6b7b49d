import type { WebhookEvent } from "./generated/events.js";
import { type FetchRequestLike, readFetchRequest, type VerifyRequestOptions } from "./request.js";
import { verifyWebhook } from "./verify.js";

/**
 * Verifies a Fetch `Request` (Next.js route handlers, Hono, Bun, Deno) with `node:crypto`: reads
 * its raw body and headers, then checks them like {@link verifyWebhook}. Rejects with
 * {@link WebhookVerificationError}; answer with its `status`. On runtimes without `node:crypto`,
 * import the same function from `@timecard/webhooks/web`.
 *
 * @example
 * ```ts
 * // app/webhooks/timecard/route.ts (Next.js)
 * import { verifyRequest, WebhookVerificationError } from "@timecard/webhooks";
 *
 * export async function POST(request: Request) {
 *   try {
 *     const event = await verifyRequest(request, { secret: process.env.TIMECARD_WEBHOOK_SECRET });
 *     console.log(event.type);
 *     return new Response(null, { status: 204 });
 *   } catch (error) {
 *     if (!(error instanceof WebhookVerificationError)) throw error;
 *     return Response.json({ code: error.code, message: error.message }, { status: error.status });
 *   }
 * }
 * ```
 */
export async function verifyRequest(request: FetchRequestLike, options: VerifyRequestOptions): Promise<WebhookEvent> {
  return verifyWebhook({ ...options, ...(await readFetchRequest(request)) });
}
