import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWebhookMiddleware,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  signWebhook,
  type WebhookMiddlewareOptions,
  type WebhookMiddlewareRequest,
} from "../src/index.js";
import { post, postChunked, serve } from "./http.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u";
const ID = "evt_01HZX";
const TS = 1_700_000_000;
const EVENT = { id: ID, type: "session.started", data: { id: "ses_1", note: "žluťoučký 🐎" } };
const PAYLOAD = JSON.stringify(EVENT);
const now = () => new Date(TS * 1000);

function signed(payload = PAYLOAD, secret = SECRET): Record<string, string> {
  return {
    "content-type": "application/json",
    "webhook-id": ID,
    "webhook-timestamp": String(TS),
    "webhook-signature": signWebhook({ id: ID, timestamp: TS, payload, secret }),
  };
}

type Step = (req: IncomingMessage & WebhookMiddlewareRequest, res: ServerResponse, next: () => void) => void;

/** Stands in for express.raw() / express.text() / express.json(): reads the body before the middleware. */
function bodyParser(into: (bytes: Buffer) => unknown): Step {
  return (req, _res, next) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      req.body = into(Buffer.concat(parts));
      next();
    });
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/**
 * A node:http receiver running `before` (a stand-in body parser, if any), the middleware, and a
 * handler that echoes `req.webhookEvent`; an error passed to `next` becomes a 500 naming it.
 */
async function receiver(options: WebhookMiddlewareOptions, before?: Step): Promise<string> {
  const middleware = createWebhookMiddleware(options);
  const server = await serve((req: IncomingMessage & WebhookMiddlewareRequest, res) => {
    const run = () =>
      middleware(req, res, (error?: unknown) => {
        if (error !== undefined) {
          res.statusCode = 500;
          res.end(JSON.stringify({ passedToNext: (error as Error).name }));
          return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ received: req.webhookEvent }));
      });
    if (before) before(req, res, run);
    else run();
  });
  close = server.close;
  return server.url;
}

describe("createWebhookMiddleware over real HTTP", () => {
  it("sets req.webhookEvent and calls next for a signed delivery", async () => {
    const url = await receiver({ secret: SECRET, now });
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 200, body: { received: EVENT } });
  });

  it("reads a chunked body it receives in pieces", async () => {
    const url = await receiver({ secret: SECRET, now });
    const bytes = Buffer.from(PAYLOAD);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 30), bytes.subarray(30)];
    expect(await postChunked(url, chunks, signed())).toMatchObject({ status: 200, body: { received: EVENT } });
  });

  it.each<[string, WebhookMiddlewareOptions, string, Record<string, string>, number, string]>([
    [
      "a tampered body",
      { secret: SECRET, now },
      PAYLOAD.replace("ses_1", "ses_2"),
      signed(),
      401,
      "no_matching_signature",
    ],
    ["the wrong secret", { secret: OTHER_SECRET, now }, PAYLOAD, signed(), 401, "no_matching_signature"],
    [
      "no signature header",
      { secret: SECRET, now },
      PAYLOAD,
      { "webhook-id": ID, "webhook-timestamp": String(TS) },
      400,
      "missing_header",
    ],
    [
      "a malformed timestamp",
      { secret: SECRET, now },
      PAYLOAD,
      { ...signed(), "webhook-timestamp": "soon" },
      400,
      "invalid_header",
    ],
    ["a stale delivery", { secret: SECRET }, PAYLOAD, signed(), 401, "timestamp_too_old"],
    ["a body that is not JSON", { secret: SECRET, now }, "not json", signed("not json"), 400, "invalid_payload"],
    ["a misconfigured secret", { secret: "whsec_!", now }, PAYLOAD, signed(), 500, "invalid_secret"],
  ])(
    "answers %s with its status and a JSON body, without calling next",
    async (_name, options, body, headers, status, code) => {
      const url = await receiver(options);
      const reply = await post(url, body, headers);
      expect(reply).toMatchObject({ status, body: { code } });
      expect(reply.contentType).toMatch(/^application\/json/);
      expect((reply.body as { message: string }).message.length).toBeGreaterThan(10);
    },
  );

  it("accepts either secret during a rotation", async () => {
    const url = await receiver({ secrets: [SECRET, OTHER_SECRET], now });
    expect(await post(url, PAYLOAD, signed(PAYLOAD, OTHER_SECRET))).toMatchObject({ status: 200 });
    expect(await post(url, PAYLOAD, signed(PAYLOAD, SECRET))).toMatchObject({ status: 200 });
  });

  it("uses the Buffer express.raw() left in req.body", async () => {
    const url = await receiver(
      { secret: SECRET, now },
      bodyParser((bytes) => bytes),
    );
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 200, body: { received: EVENT } });
    expect(await post(url, `${PAYLOAD} `, signed())).toMatchObject({ status: 401 });
  });

  it("uses the string express.text() left in req.body", async () => {
    const url = await receiver(
      { secret: SECRET, now },
      bodyParser((bytes) => bytes.toString("utf8")),
    );
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 200, body: { received: EVENT } });
  });

  it("passes a TypeError to next when express.json() already parsed the body", async () => {
    const url = await receiver(
      { secret: SECRET, now },
      bodyParser((bytes) => JSON.parse(bytes.toString("utf8"))),
    );
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 500, body: { passedToNext: "TypeError" } });
  });

  it("reads the stream itself when a body parser skipped the request and left req.body = {}", async () => {
    const url = await receiver({ secret: SECRET, now }, (req, _res, next) => {
      req.body = {};
      next();
    });
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 200, body: { received: EVENT } });
  });

  it("answers 413 when Content-Length exceeds maxBodyBytes, without reading the body", async () => {
    const url = await receiver({ secret: SECRET, now, maxBodyBytes: 64 });
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
  });

  it("answers 413 when a chunked body grows past maxBodyBytes", async () => {
    const url = await receiver({ secret: SECRET, now, maxBodyBytes: 64 });
    const bytes = Buffer.from(PAYLOAD);
    const reply = await postChunked(url, [bytes.subarray(0, 40), bytes.subarray(40)], signed());
    expect(reply).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
  });

  it("accepts a body of exactly maxBodyBytes", async () => {
    const url = await receiver({ secret: SECRET, now, maxBodyBytes: Buffer.byteLength(PAYLOAD) });
    expect(await post(url, PAYLOAD, signed())).toMatchObject({ status: 200 });
    expect(DEFAULT_WEBHOOK_MAX_BODY_BYTES).toBe(1024 * 1024);
  });
});
