import { describe, expect, it } from "vitest";
import {
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from "../src/index.js";
import { VECTORS } from "./vectors.js";

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

function codeOf(run: () => unknown): WebhookVerificationErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  return undefined;
}

describe("verifyWebhook: official vectors", () => {
  const cases = VECTORS.official_verify_cases.filter((c) => c.webhook_signature_header !== undefined);

  it("covers every verify case with a header", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases)("$id is $expect", (vector) => {
    const run = () =>
      verifyWebhook({
        payload: vector.payload ?? "",
        headers: {
          "webhook-id": vector.msg_id ?? "",
          "webhook-timestamp": String(vector.timestamp),
          "webhook-signature": vector.webhook_signature_header ?? "",
        },
        secret: vector.secret,
        now: at(vector.timestamp ?? 0),
      });
    if (vector.expect === "valid") expect(run()).toEqual(JSON.parse(vector.payload ?? ""));
    else expect(["no_matching_signature", "invalid_header"]).toContain(codeOf(run));
  });

  it.each(VECTORS.official_verify_cases.filter((c) => c.expect === "constructor error"))(
    "$id refuses the secret",
    (vector) => {
      expect(codeOf(() => verifyWebhook({ payload: "{}", headers: headersFor(), secret: vector.secret }))).toBe(
        "invalid_secret",
      );
    },
  );

  it.each([...VECTORS.official_sign_vectors, ...VECTORS.derived_vectors_not_in_repo])(
    "sign vector $id verifies",
    (vector) => {
      const headers = {
        "webhook-id": vector.msg_id,
        "webhook-timestamp": String(vector.timestamp),
        "webhook-signature": vector.expected_signature,
      };
      const event = verifyWebhook({
        payload: vector.payload,
        headers,
        secret: vector.secret,
        now: at(vector.timestamp),
      });
      expect(event).toEqual(JSON.parse(vector.payload));
    },
  );
});

describe("verifyWebhook: one test per error code", () => {
  const base: VerifyWebhookOptions = { payload: PAYLOAD, headers: headersFor(), secret: SECRET, now: at(TS) };
  const without = (name: string) => Object.fromEntries(Object.entries(headersFor()).filter(([k]) => k !== name));

  it.each<[string, Partial<VerifyWebhookOptions>, WebhookVerificationErrorCode]>([
    ["no webhook-id", { headers: without("webhook-id") }, "missing_header"],
    ["no webhook-timestamp", { headers: without("webhook-timestamp") }, "missing_header"],
    ["no webhook-signature nor X-Signature", { headers: without("webhook-signature") }, "missing_header"],
    ["an empty webhook-id", { headers: { ...headersFor(), "webhook-id": "" } }, "missing_header"],
    [
      "a timestamp in milliseconds' clothing",
      { headers: { ...headersFor(), "webhook-timestamp": "1.7e9" } },
      "invalid_header",
    ],
    ["a negative timestamp", { headers: { ...headersFor(), "webhook-timestamp": "-5" } }, "invalid_header"],
    ["a signature header without entries", { headers: headersFor("garbage") }, "invalid_header"],
    ["an empty v1 entry", { headers: headersFor("v1,") }, "invalid_header"],
    ["a timestamp 301 s old", { now: at(TS + 301) }, "timestamp_too_old"],
    ["a timestamp 301 s ahead", { now: at(TS - 301) }, "timestamp_too_new"],
    ["a tampered body", { payload: PAYLOAD.replace("ses_1", "ses_2") }, "no_matching_signature"],
    ["re-serialized JSON", { payload: JSON.stringify(EVENT, null, 2) }, "no_matching_signature"],
    ["a different secret", { secret: OTHER_SECRET }, "no_matching_signature"],
    ["only v2 entries", { headers: headersFor(SIGNATURE.replace("v1,", "v2,")) }, "no_matching_signature"],
    [
      "a signature for another id",
      { headers: { ...headersFor(), "webhook-id": "evt_other" } },
      "no_matching_signature",
    ],
    ["an empty secret", { secret: "whsec_" }, "invalid_secret"],
    ["a secret that is not base64", { secret: "whsec_!!!!" }, "invalid_secret"],
    ["no secret at all", { secret: undefined }, "invalid_secret"],
    ["one bad secret among good ones", { secrets: ["whsec_"] }, "invalid_secret"],
  ])("%s → %s", (_name, override, code) => {
    expect(codeOf(() => verifyWebhook({ ...base, ...override }))).toBe(code);
  });

  it("invalid_payload: a correctly signed body that is not JSON", () => {
    const payload = "not json";
    const signature = signWebhook({ id: ID, timestamp: TS, payload, secret: SECRET });
    expect(codeOf(() => verifyWebhook({ ...base, payload, headers: headersFor(signature) }))).toBe("invalid_payload");
  });

  it("throws a TypeError for parsed JSON instead of the raw body", () => {
    expect(() => verifyWebhook({ ...base, payload: EVENT as unknown as string })).toThrow(TypeError);
  });

  it("errors carry their name and never the secret", () => {
    try {
      verifyWebhook({ ...base, secret: OTHER_SECRET });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("WebhookVerificationError");
      expect((error as Error).message).not.toContain(OTHER_SECRET.slice(6));
    }
  });
});

describe("verifyWebhook: tolerance", () => {
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
  ])("%s", (_name, nowSeconds, toleranceSeconds, code) => {
    const options: VerifyWebhookOptions = {
      payload: PAYLOAD,
      headers: headersFor(),
      secret: SECRET,
      now: () => new Date(nowSeconds * 1000),
    };
    if (toleranceSeconds !== undefined) options.toleranceSeconds = toleranceSeconds;
    expect(codeOf(() => verifyWebhook(options))).toBe(code);
  });

  it("uses the real clock by default", () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook({ id: ID, timestamp, payload: PAYLOAD, secret: SECRET });
    const headers = { ...headersFor(signature), "webhook-timestamp": String(timestamp) };
    expect(verifyWebhook({ payload: PAYLOAD, headers, secret: SECRET })).toEqual(EVENT);
    expect(codeOf(() => verifyWebhook({ payload: PAYLOAD, headers: headersFor(), secret: SECRET }))).toBe(
      "timestamp_too_old",
    );
  });
});

describe("verifyWebhook: header shapes", () => {
  const fetchHeaders = new Headers(headersFor());
  const repeated = new Headers({ "webhook-id": ID, "webhook-timestamp": String(TS) });
  repeated.append("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
  repeated.append("webhook-signature", SIGNATURE);

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
  ])("accepts %s", (_name, headers) => {
    expect(verifyWebhook({ payload: PAYLOAD, headers, secret: SECRET, now: at(TS) })).toEqual(EVENT);
  });

  it("prefers webhook-signature over X-Signature", () => {
    const headers = { ...headersFor("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="), "x-signature": SIGNATURE };
    expect(codeOf(() => verifyWebhook({ payload: PAYLOAD, headers, secret: SECRET, now: at(TS) }))).toBe(
      "no_matching_signature",
    );
  });
});

describe("verifyWebhook: payloads, secrets and rotation", () => {
  const bytes = new TextEncoder().encode(PAYLOAD);
  const headers = headersFor();

  it.each<[string, string | Uint8Array]>([
    ["a string", PAYLOAD],
    ["a Uint8Array", bytes],
    ["a Buffer", Buffer.from(PAYLOAD)],
  ])("accepts the body as %s", (_name, payload) => {
    expect(verifyWebhook({ payload, headers, secret: SECRET, now: at(TS) })).toEqual(EVENT);
  });

  it("verifies non-ASCII bodies byte for byte", () => {
    const payload = JSON.stringify({ ...EVENT, data: { note: "Příliš žluťoučký kůň 🐎" } });
    const signature = signWebhook({ id: ID, timestamp: TS, payload, secret: SECRET });
    const asBytes = new TextEncoder().encode(payload);
    expect(verifyWebhook({ payload: asBytes, headers: headersFor(signature), secret: SECRET, now: at(TS) })).toEqual(
      JSON.parse(payload),
    );
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
  ])("%s", (_name, signature, secrets) => {
    expect(verifyWebhook({ payload: PAYLOAD, headers: headersFor(signature), now: at(TS), ...secrets })).toEqual(EVENT);
  });
});
