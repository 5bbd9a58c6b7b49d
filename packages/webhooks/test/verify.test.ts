import { describe, expect, it } from "vitest";
import type { WebhookEvent } from "../src/index.js";
import {
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookAsync,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from "../src/index.js";
import * as web from "../src/web.js";
import { VECTORS } from "./vectors.js";

// Every behaviour below holds for the node:crypto verifier and both exports of the WebCrypto one.
type Verify = (options: VerifyWebhookOptions) => Promise<WebhookEvent>;
const VERIFIERS: [string, Verify][] = [
  ["verifyWebhook", async (options) => verifyWebhook(options)],
  ["verifyWebhookAsync", verifyWebhookAsync],
  ["verifyWebhookAsync from /web", web.verifyWebhookAsync],
];

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9u";
const ID = "evt_01HZX";
const TS = 1_700_000_000;
const EVENT = {
  id: ID,
  type: "session.started",
  created_at: "2023-11-14T22:13:20Z",
  organization_id: "org_1",
  api_version: "v1",
  data: { id: "ses_1" },
};
const PAYLOAD = JSON.stringify(EVENT);
const SIGNATURE = signWebhook({ id: ID, timestamp: TS, payload: PAYLOAD, secret: SECRET });
const at = (seconds: number) => () => new Date(seconds * 1000);

function headersFor(signature = SIGNATURE): Record<string, string> {
  return { "webhook-id": ID, "webhook-timestamp": String(TS), "webhook-signature": signature };
}

async function codeOf(run: () => Promise<unknown>): Promise<WebhookVerificationErrorCode | undefined> {
  try {
    await run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  return undefined;
}

describe.each(VERIFIERS)("%s", (_name, verify) => {
  describe("official vectors", () => {
    const cases = VECTORS.official_verify_cases.filter((c) => c.webhook_signature_header !== undefined);

    it("covers every verify case with a header", () => {
      expect(cases.length).toBeGreaterThanOrEqual(4);
    });

    it.each(cases)("$id is $expect", async (vector) => {
      const run = () =>
        verify({
          payload: vector.payload ?? "",
          headers: {
            "webhook-id": vector.msg_id ?? "",
            "webhook-timestamp": String(vector.timestamp),
            "webhook-signature": vector.webhook_signature_header ?? "",
          },
          secret: vector.secret,
          now: at(vector.timestamp ?? 0),
        });
      if (vector.expect === "valid") expect(await run()).toEqual(JSON.parse(vector.payload ?? ""));
      else expect(["no_matching_signature", "invalid_header"]).toContain(await codeOf(run));
    });

    it.each(VECTORS.official_verify_cases.filter((c) => c.expect === "constructor error"))(
      "$id refuses the secret",
      async (vector) => {
        expect(await codeOf(() => verify({ payload: "{}", headers: headersFor(), secret: vector.secret }))).toBe(
          "invalid_secret",
        );
      },
    );

    it.each([...VECTORS.official_sign_vectors, ...VECTORS.derived_vectors_not_in_repo])(
      "sign vector $id verifies",
      async (vector) => {
        const headers = {
          "webhook-id": vector.msg_id,
          "webhook-timestamp": String(vector.timestamp),
          "webhook-signature": vector.expected_signature,
        };
        const event = await verify({
          payload: vector.payload,
          headers,
          secret: vector.secret,
          now: at(vector.timestamp),
        });
        expect(event).toEqual(JSON.parse(vector.payload));
      },
    );
  });

  describe("one test per error code", () => {
    const base: VerifyWebhookOptions = { payload: PAYLOAD, headers: headersFor(), secret: SECRET, now: at(TS) };
    const without = (name: string) => Object.fromEntries(Object.entries(headersFor()).filter(([k]) => k !== name));
    const last = SIGNATURE.at(-2) ?? "";
    // The same 32 bytes with the two unused bits of the last character set: not canonical base64.
    const loose = `${SIGNATURE.slice(0, -2)}${String.fromCharCode(last.charCodeAt(0) + 1)}=`;

    it.each<[string, Partial<VerifyWebhookOptions>, WebhookVerificationErrorCode, number]>([
      ["no webhook-id", { headers: without("webhook-id") }, "missing_header", 400],
      ["no webhook-timestamp", { headers: without("webhook-timestamp") }, "missing_header", 400],
      ["no webhook-signature nor X-Signature", { headers: without("webhook-signature") }, "missing_header", 400],
      ["an empty webhook-id", { headers: { ...headersFor(), "webhook-id": "" } }, "missing_header", 400],
      [
        "a timestamp in milliseconds' clothing",
        { headers: { ...headersFor(), "webhook-timestamp": "1.7e9" } },
        "invalid_header",
        400,
      ],
      ["a negative timestamp", { headers: { ...headersFor(), "webhook-timestamp": "-5" } }, "invalid_header", 400],
      [
        "a 16-digit timestamp",
        { headers: { ...headersFor(), "webhook-timestamp": "1700000000000000" } },
        "invalid_header",
        400,
      ],
      ["a signature header without entries", { headers: headersFor("garbage") }, "invalid_header", 400],
      ["an empty v1 entry", { headers: headersFor("v1,") }, "invalid_header", 400],
      ["a signature header of commas and spaces", { headers: headersFor(" ,, ,") }, "invalid_header", 400],
      ["a timestamp 301 s old", { now: at(TS + 301) }, "timestamp_too_old", 401],
      ["a timestamp 301 s ahead", { now: at(TS - 301) }, "timestamp_too_new", 401],
      ["a tampered body", { payload: PAYLOAD.replace("ses_1", "ses_2") }, "no_matching_signature", 401],
      ["re-serialized JSON", { payload: JSON.stringify(EVENT, null, 2) }, "no_matching_signature", 401],
      ["a different secret", { secret: OTHER_SECRET }, "no_matching_signature", 401],
      ["only v2 entries", { headers: headersFor(SIGNATURE.replace("v1,", "v2,")) }, "no_matching_signature", 401],
      ["a v1 entry in non-canonical base64", { headers: headersFor(loose) }, "no_matching_signature", 401],
      ["a v1 entry cut short", { headers: headersFor(SIGNATURE.slice(0, -1)) }, "no_matching_signature", 401],
      ["a v1 entry with a stray character", { headers: headersFor(`${SIGNATURE}A`) }, "no_matching_signature", 401],
      [
        "a signature for another id",
        { headers: { ...headersFor(), "webhook-id": "evt_other" } },
        "no_matching_signature",
        401,
      ],
      ["an empty secret", { secret: "whsec_" }, "invalid_secret", 500],
      ["a secret that is not base64", { secret: "whsec_!!!!" }, "invalid_secret", 500],
      ["no secret at all", { secret: undefined }, "invalid_secret", 500],
      ["one bad secret among good ones", { secrets: ["whsec_"] }, "invalid_secret", 500],
    ])("%s → %s (%i)", async (_name, override, code, status) => {
      const error = await verify({ ...base, ...override }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error).toMatchObject({ code, status });
    });

    it("invalid_payload: a correctly signed body that is not JSON", async () => {
      const payload = "not json";
      const signature = signWebhook({ id: ID, timestamp: TS, payload, secret: SECRET });
      const error = await verify({ ...base, payload, headers: headersFor(signature) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "invalid_payload", status: 400 });
    });

    it("rejects parsed JSON instead of the raw body with a TypeError", async () => {
      await expect(verify({ ...base, payload: EVENT as unknown as string })).rejects.toThrow(TypeError);
    });

    it("errors carry their name and never the secret", async () => {
      const error = await verify({ ...base, secret: OTHER_SECRET }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("WebhookVerificationError");
      expect((error as Error).message).not.toContain(OTHER_SECRET.slice(6));
    });
  });

  describe("tolerance", () => {
    it.each<[string, number, number | undefined, WebhookVerificationErrorCode | undefined]>([
      ["exactly 300 s old", TS + 300, undefined, undefined],
      ["300.999 s old (whole seconds)", TS + 300.999, undefined, undefined],
      ["301 s old", TS + 301, undefined, "timestamp_too_old"],
      ["exactly 300 s ahead", TS - 300, undefined, undefined],
      ["301 s ahead", TS - 301, undefined, "timestamp_too_new"],
      ["10 s old, tolerance 10", TS + 10, 10, undefined],
      ["11 s old, tolerance 10", TS + 11, 10, "timestamp_too_old"],
      ["11 s ahead, tolerance 10", TS - 11, 10, "timestamp_too_new"],
      ["a year old, tolerance Infinity", TS + 31_536_000, Number.POSITIVE_INFINITY, undefined],
    ])("%s", async (_name, nowSeconds, toleranceSeconds, code) => {
      const options: VerifyWebhookOptions = {
        payload: PAYLOAD,
        headers: headersFor(),
        secret: SECRET,
        now: () => new Date(nowSeconds * 1000),
      };
      if (toleranceSeconds !== undefined) options.toleranceSeconds = toleranceSeconds;
      expect(await codeOf(() => verify(options))).toBe(code);
    });

    it("uses the real clock by default", async () => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = signWebhook({ id: ID, timestamp, payload: PAYLOAD, secret: SECRET });
      const headers = { ...headersFor(signature), "webhook-timestamp": String(timestamp) };
      expect(await verify({ payload: PAYLOAD, headers, secret: SECRET })).toEqual(EVENT);
      expect(await codeOf(() => verify({ payload: PAYLOAD, headers: headersFor(), secret: SECRET }))).toBe(
        "timestamp_too_old",
      );
    });
  });

  describe("header shapes", () => {
    const fetchHeaders = new Headers(headersFor());
    const repeated = new Headers({ "webhook-id": ID, "webhook-timestamp": String(TS) });
    repeated.append("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
    repeated.append("webhook-signature", SIGNATURE);
    const nullPrototype: Record<string, string> = Object.assign(Object.create(null), headersFor());

    it.each<[string, WebhookHeaders]>([
      ["a Fetch Headers", fetchHeaders],
      ["a Fetch Headers with the signature header repeated", repeated],
      [
        "a plain object in mixed case",
        { "Webhook-Id": ID, "WEBHOOK-TIMESTAMP": String(TS), "Webhook-Signature": SIGNATURE },
      ],
      [
        "Node-style arrays",
        { "webhook-id": [ID], "webhook-timestamp": String(TS), "webhook-signature": ["v1,AAAA", SIGNATURE], host: "x" },
      ],
      [
        "X-Signature instead of webhook-signature",
        { "webhook-id": ID, "webhook-timestamp": String(TS), "X-Signature": SIGNATURE },
      ],
      [
        "X-Signature in a Fetch Headers",
        new Headers({ "webhook-id": ID, "webhook-timestamp": String(TS), "x-signature": SIGNATURE }),
      ],
      ["undefined entries as Node leaves them", { ...headersFor(), "content-type": undefined }],
      ["an object without a prototype", nullPrototype],
      [
        "a signature header split across mixed-case names",
        {
          "webhook-id": ID,
          "webhook-timestamp": String(TS),
          "webhook-signature": "v1,AAAA",
          "Webhook-Signature": SIGNATURE,
        },
      ],
      ["a header with tabs and repeated spaces", headersFor(`\tv1,AAAA  ${SIGNATURE}\t`)],
      [
        "a header joined with commas by a proxy",
        headersFor(`v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, ${SIGNATURE}`),
      ],
    ])("accepts %s", async (_name, headers) => {
      expect(await verify({ payload: PAYLOAD, headers, secret: SECRET, now: at(TS) })).toEqual(EVENT);
    });

    it("prefers webhook-signature over X-Signature", async () => {
      const headers = { ...headersFor("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="), "x-signature": SIGNATURE };
      expect(await codeOf(() => verify({ payload: PAYLOAD, headers, secret: SECRET, now: at(TS) }))).toBe(
        "no_matching_signature",
      );
    });

    it("treats an empty array as an absent header", async () => {
      const options = { payload: PAYLOAD, secret: SECRET, now: at(TS) };
      const noSignature = { ...headersFor(), "webhook-signature": [], "x-signature": SIGNATURE };
      expect(await verify({ ...options, headers: noSignature })).toEqual(EVENT);
      const noId = { ...headersFor(), "webhook-id": [] };
      expect(await codeOf(() => verify({ ...options, headers: noId }))).toBe("missing_header");
    });
  });

  describe("payloads, secrets and rotation", () => {
    const bytes = new TextEncoder().encode(PAYLOAD);
    const headers = headersFor();

    it.each<[string, string | Uint8Array]>([
      ["a string", PAYLOAD],
      ["a Uint8Array", bytes],
      ["a Buffer", Buffer.from(PAYLOAD)],
      ["a Uint8Array view into a larger buffer", new Uint8Array([0, 0, ...bytes, 0]).subarray(2, 2 + bytes.length)],
    ])("accepts the body as %s", async (_name, payload) => {
      expect(await verify({ payload, headers, secret: SECRET, now: at(TS) })).toEqual(EVENT);
    });

    it("verifies non-ASCII bodies byte for byte", async () => {
      const payload = JSON.stringify({ ...EVENT, data: { note: "Příliš žluťoučký kůň 🐎" } });
      const signature = signWebhook({ id: ID, timestamp: TS, payload, secret: SECRET });
      const asBytes = new TextEncoder().encode(payload);
      const options = { headers: headersFor(signature), secret: SECRET, now: at(TS) };
      expect(await verify({ ...options, payload: asBytes })).toEqual(JSON.parse(payload));
      expect(await verify({ ...options, payload })).toEqual(JSON.parse(payload));
    });

    it("accepts a secret without its whsec_ prefix and without base64 padding", async () => {
      const secret = "whsec_c2VjcmV0LW51bWJlci10d28tZm9yLXJvdGF0aW9uMQ==";
      const signature = signWebhook({ id: ID, timestamp: TS, payload: PAYLOAD, secret });
      for (const variant of [secret, secret.slice(6), secret.replace(/=+$/, "")]) {
        expect(
          await verify({ payload: PAYLOAD, headers: headersFor(signature), secret: variant, now: at(TS) }),
        ).toEqual(EVENT);
      }
    });

    const oldSig = signWebhook({ id: ID, timestamp: TS, payload: PAYLOAD, secret: SECRET });
    const newSig = signWebhook({ id: ID, timestamp: TS, payload: PAYLOAD, secret: OTHER_SECRET });

    it.each<[string, string, Partial<VerifyWebhookOptions>]>([
      ["sender signs with both, receiver has the old", `${oldSig} ${newSig}`, { secret: SECRET }],
      ["sender signs with both, receiver has the new", `${oldSig} ${newSig}`, { secret: OTHER_SECRET }],
      ["sender signs with new, receiver has both", newSig, { secrets: [SECRET, OTHER_SECRET] }],
      ["sender signs with old, receiver has both", oldSig, { secrets: [OTHER_SECRET, SECRET] }],
      ["secret and secrets together", newSig, { secret: SECRET, secrets: [OTHER_SECRET] }],
      ["unknown versions alongside", `v1a,abcd ${newSig} v2,${newSig.slice(3)}`, { secret: OTHER_SECRET }],
    ])("%s", async (_name, signature, secrets) => {
      expect(await verify({ payload: PAYLOAD, headers: headersFor(signature), now: at(TS), ...secrets })).toEqual(
        EVENT,
      );
    });

    it("refuses a signature made with a third secret while two are configured", async () => {
      const third = "whsec_dGhpcmQtc2VjcmV0LW5vdC1jb25maWd1cmVk";
      const signature = signWebhook({ id: ID, timestamp: TS, payload: PAYLOAD, secret: third });
      const run = () =>
        verify({ payload: PAYLOAD, headers: headersFor(signature), now: at(TS), secrets: [SECRET, OTHER_SECRET] });
      expect(await codeOf(run)).toBe("no_matching_signature");
    });
  });
});

describe("verifyWebhook", () => {
  it("is synchronous: it returns the event and throws, without a promise", () => {
    expect(verifyWebhook({ payload: PAYLOAD, headers: headersFor(), secret: SECRET, now: at(TS) })).toEqual(EVENT);
    expect(() => verifyWebhook({ payload: PAYLOAD, headers: headersFor(), secret: OTHER_SECRET, now: at(TS) })).toThrow(
      WebhookVerificationError,
    );
  });

  it("shares WebhookVerificationError with the /web entry", () => {
    expect(web.WebhookVerificationError).toBe(WebhookVerificationError);
  });
});
