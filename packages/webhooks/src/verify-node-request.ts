import type { WebhookEvent } from "./generated/events.js";
import type { WebhookHeaders } from "./headers.js";
import type { VerifyRequestOptions } from "./request.js";
import { verifyWebhook } from "./verify.js";

/** A Node `http.IncomingMessage`, an Express, Koa (`ctx.req`) or Fastify (`request.raw`) request: only its headers are read. */
export interface NodeRequestLike {
  readonly headers: WebhookHeaders;
}

/**
 * Verifies a Node request whose raw body you already hold (`express.raw()`, Fastify's `rawBody`,
 * or your own stream reader) and returns its event; throws {@link WebhookVerificationError}.
 *
 * @example
 * ```ts
 * app.post("/webhooks/timecard", express.raw({ type: "application/json" }), (req, res) => {
 *   try {
 *     const event = verifyNodeRequest(req, req.body, { secret: process.env.TIMECARD_WEBHOOK_SECRET });
 *     console.log(event.type);
 *     res.sendStatus(204);
 *   } catch (error) {
 *     if (!(error instanceof WebhookVerificationError)) throw error;
 *     res.status(error.status).json({ code: error.code, message: error.message });
 *   }
 * });
 * ```
 */
export function verifyNodeRequest(
  req: NodeRequestLike,
  rawBody: string | Uint8Array,
  options: VerifyRequestOptions,
): WebhookEvent {
  return verifyWebhook({ ...options, payload: rawBody, headers: req.headers });
}
