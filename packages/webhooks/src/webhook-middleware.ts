import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./generated/events.js";
import type { VerifyRequestOptions } from "./request.js";
import { verifyWebhook } from "./verify.js";

/** Bodies larger than this are refused with `413` unless `maxBodyBytes` says otherwise. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/** What {@link createWebhookMiddleware} verifies with: the secret(s), tolerance, clock and a body size limit. */
export interface WebhookMiddlewareOptions extends VerifyRequestOptions {
  /** The largest body read from the stream, in bytes; default 1 MiB. Larger deliveries get `413`. */
  maxBodyBytes?: number;
}

/** The request the middleware takes: Node's `IncomingMessage`, or Express's request built on it. */
export interface WebhookMiddlewareRequest extends AsyncIterable<unknown> {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body when `express.raw()` (a Buffer) or `express.text()` (a string) already read it. */
  body?: unknown;
  readonly readableEnded?: boolean;
  /** Set to the verified event before `next()` is called. */
  webhookEvent?: WebhookEvent;
}

/** The response the middleware answers failures on: Node's `ServerResponse` or Express's. */
export interface WebhookMiddlewareResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** A Connect/Express-style middleware; also callable from a plain `node:http` handler. */
export type WebhookMiddleware = (
  req: WebhookMiddlewareRequest,
  res: WebhookMiddlewareResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Creates a middleware that verifies each delivery, sets `req.webhookEvent` and calls `next()`.
 *
 * It uses the raw body `express.raw()` left in `req.body`, or reads the stream itself. A delivery
 * that fails verification is answered with the error's `status` (400 malformed, 401 bad signature
 * or timestamp, 500 bad secret) and a JSON body `{ code, message }`; `next` is not called. A body
 * already parsed by `express.json()` cannot be verified: that is passed to `next(error)`.
 *
 * @example
 * ```ts
 * app.post(
 *   "/webhooks/timecard",
 *   createWebhookMiddleware({ secret: process.env.TIMECARD_WEBHOOK_SECRET }),
 *   (req, res) => {
 *     const event = req.webhookEvent;
 *     console.log(event.type);
 *     res.sendStatus(204);
 *   },
 * );
 * ```
 */
export function createWebhookMiddleware(options: WebhookMiddlewareOptions): WebhookMiddleware {
  const { maxBodyBytes = DEFAULT_WEBHOOK_MAX_BODY_BYTES, ...verifyOptions } = options;
  return (req, res, next) => {
    verifyIncoming(req, res, verifyOptions, maxBodyBytes).then((event) => {
      if (event === undefined) return;
      req.webhookEvent = event;
      next();
    }, next);
  };
}

async function verifyIncoming(
  req: WebhookMiddlewareRequest,
  res: WebhookMiddlewareResponse,
  options: VerifyRequestOptions,
  maxBodyBytes: number,
): Promise<WebhookEvent | undefined> {
  let payload: string | Uint8Array | undefined =
    typeof req.body === "string" || req.body instanceof Uint8Array ? req.body : undefined;
  if (payload === undefined) {
    if (req.readableEnded === true) {
      throw new TypeError(
        "The request body was already read and parsed (express.json()?), so its signature cannot be checked: " +
          "mount createWebhookMiddleware before any body parser on this route, or use express.raw({ type: 'application/json' }).",
      );
    }
    if (Number(req.headers["content-length"]) > maxBodyBytes) {
      // Node discards the unread body itself, keeping the connection usable.
      reply(res, 413, "payload_too_large", tooLarge(maxBodyBytes));
      return undefined;
    }
    payload = await readBody(req, maxBodyBytes);
    if (payload === undefined) {
      reply(res, 413, "payload_too_large", tooLarge(maxBodyBytes));
      return undefined;
    }
  }
  try {
    return verifyWebhook({ ...options, payload, headers: req.headers });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    reply(res, error.status, error.code, error.message);
    return undefined;
  }
}

/** Reads the whole body, or drains it and returns `undefined` once it exceeds `limit` bytes. */
async function readBody(req: AsyncIterable<unknown>, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size <= limit) chunks.push(bytes);
  }
  return size > limit ? undefined : Buffer.concat(chunks, size);
}

function tooLarge(limit: number): string {
  return `The body is larger than ${limit} bytes: raise maxBodyBytes if your events are that large.`;
}

function reply(res: WebhookMiddlewareResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify({ code, message }));
}
