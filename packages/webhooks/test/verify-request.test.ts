import { describe, expect, it } from "vitest";
import { type FetchRequestLike, signWebhook, type VerifyRequestOptions, verifyRequest } from "../src/index.js";
import type { WebhookEvent } from "../src/web.js";
import * as web from "../src/web.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "evt_01HZX";
const TS = 1_700_000_000;
const EVENT = { id: ID, type: "leave.approved", data: { id: "lv_1", note: "Příliš žluťoučký kůň" } };
const PAYLOAD = JSON.stringify(EVENT);
const now = () => new Date(TS * 1000);

function requestOf(
  body: string | Uint8Array,
  signedPayload: string | Uint8Array = PAYLOAD,
  extra: Record<string, string> = {},
) {
  return new Request("https://receiver.example/webhooks/timecard", {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "Webhook-Id": ID,
      "Webhook-Timestamp": String(TS),
      "Webhook-Signature": signWebhook({ id: ID, timestamp: TS, payload: signedPayload, secret: SECRET }),
      ...extra,
    },
  });
}

type VerifyRequest = (request: FetchRequestLike, options: VerifyRequestOptions) => Promise<WebhookEvent>;
const ADAPTERS: [string, VerifyRequest][] = [
  ["verifyRequest (node:crypto)", verifyRequest],
  ["verifyRequest from /web (WebCrypto)", web.verifyRequest],
];

describe.each(ADAPTERS)("%s with a Fetch Request", (_name, verify) => {
  it("returns the event of a signed delivery", async () => {
    expect(await verify(requestOf(PAYLOAD), { secret: SECRET, now })).toEqual(EVENT);
  });

  it("verifies the bytes as sent: a byte-order mark that text() would drop is part of what was signed", async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(PAYLOAD)]);
    expect(await verify(requestOf(withBom, withBom), { secret: SECRET, now })).toEqual(EVENT);
    await expect(verify(requestOf(withBom, PAYLOAD), { secret: SECRET, now })).rejects.toMatchObject({
      code: "no_matching_signature",
    });
  });

  it.each([
    ["a tampered body", requestOf(PAYLOAD.replace("lv_1", "lv_2")), "no_matching_signature", 401],
    ["no webhook-id", requestOf(PAYLOAD, PAYLOAD, { "Webhook-Id": "" }), "missing_header", 400],
  ])("rejects %s", async (_name, request, code, status) => {
    await expect(verify(request, { secret: SECRET, now })).rejects.toMatchObject({ code, status });
  });

  it("accepts either secret during a rotation", async () => {
    const secrets = ["whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u", SECRET];
    expect(await verify(requestOf(PAYLOAD), { secrets, now })).toEqual(EVENT);
  });

  it("refuses a request whose body was already read, with a TypeError", async () => {
    const request = requestOf(PAYLOAD);
    await request.text();
    await expect(verify(request, { secret: SECRET, now })).rejects.toThrow(TypeError);
  });
});
