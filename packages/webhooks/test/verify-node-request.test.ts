import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { signWebhook, verifyNodeRequest, WebhookVerificationError } from "../src/index.js";
import { post, serve } from "./http.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "evt_01HZX";
const EVENT = { id: ID, type: "session.stopped", data: { id: "ses_1", duration_seconds: 3600 } };
const PAYLOAD = JSON.stringify(EVENT);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("verifyNodeRequest over real HTTP", () => {
  it.each([
    ["a signed delivery", PAYLOAD, 200, { type: "session.stopped" }],
    ["a tampered delivery", PAYLOAD.replace("3600", "36000"), 401, { code: "no_matching_signature" }],
  ])("%s", async (_name, body, status, expected) => {
    const server = await serve(async (req, res) => {
      try {
        const event = verifyNodeRequest(req, await readBody(req), { secret: SECRET });
        res.end(JSON.stringify({ type: event.type }));
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        res.statusCode = error.status;
        res.end(JSON.stringify({ code: error.code }));
      }
    });
    close = server.close;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": ID,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook({ id: ID, timestamp, payload: PAYLOAD, secret: SECRET }),
    };
    expect(await post(server.url, body, headers)).toMatchObject({ status, body: expected });
  });
});
