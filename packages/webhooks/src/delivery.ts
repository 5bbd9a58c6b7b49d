import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./generated/events.js";
import { readWebhookHeaders, type WebhookHeaders } from "./headers.js";
import { decodeSecret } from "./secret.js";
import { parseSignatureHeader } from "./signature-header.js";

// What verifyWebhook (node:crypto) and verifyWebhookAsync (WebCrypto) share: everything but the HMAC.

/** Standard Webhooks' reference libraries allow five minutes of clock difference. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** What {@link verifyWebhook} and {@link verifyWebhookAsync} check. */
export interface VerifyWebhookOptions {
  /** The raw request body exactly as received (a string or bytes), never parsed JSON. */
  payload: string | Uint8Array;
  /** The request headers: Fetch `Headers`, Node's `req.headers` or a plain object; names are case-insensitive. */
  headers: WebhookHeaders;
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret?: string;
  /** Several secrets, e.g. the old and the new one while a rotation overlaps; any may match. */
  secrets?: readonly string[];
  /** How far `webhook-timestamp` may be from `now`, in seconds; default 300. `Infinity` turns the check off. */
  toleranceSeconds?: number;
  /** The clock; inject one in tests. */
  now?: () => Date;
}

/** A delivery whose headers, timestamp and secrets passed every check but the signature's. */
export interface Delivery {
  id: string;
  timestamp: string;
  /** The HMAC keys, one per secret. */
  keys: Uint8Array[];
  /** The decoded `v1` signatures of the header; may be empty (then nothing can match). */
  signatures: Uint8Array[];
}

/** Runs every check that needs no HMAC, in the order both verifiers report failures. */
export function readDelivery(options: VerifyWebhookOptions): Delivery {
  const { payload, headers, toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS, now } = options;
  if (typeof payload !== "string" && !(payload instanceof Uint8Array)) {
    throw new TypeError(
      "payload must be the raw request body (string or Buffer), not parsed JSON: use express.raw() or request.text().",
    );
  }
  const keys = decodeSecrets(options);

  const values = readWebhookHeaders(headers);
  const id = required(values.id, "webhook-id");
  const timestamp = required(values.timestamp, "webhook-timestamp");
  if (values.signature === undefined) {
    throw new WebhookVerificationError(
      "missing_header",
      "The webhook-signature header is missing: make sure your framework or proxy forwards the webhook-* headers.",
    );
  }

  checkTimestamp(timestamp, toleranceSeconds, now === undefined ? Date.now() : now().getTime());

  const signatures = parseSignatureHeader(values.signature);
  if (signatures === undefined) {
    throw new WebhookVerificationError(
      "invalid_header",
      "The webhook-signature header holds no `v1,<base64>` entry: pass the header exactly as received.",
    );
  }
  return { id, timestamp, keys, signatures };
}

/** `<webhook-id>.<webhook-timestamp>.`, what the signed content starts with before the body. */
export function signedContentPrefix(id: string, timestamp: string): string {
  return `${id}.${timestamp}.`;
}

/** The failure when no signature matched any key. */
export function noMatchingSignature(): WebhookVerificationError {
  return new WebhookVerificationError(
    "no_matching_signature",
    "No signature matches: pass the raw request body (not parsed or re-serialized JSON) and this endpoint's secret.",
  );
}

const decoder = new TextDecoder();

/** Parses a verified body into its event. */
export function parseEvent(payload: string | Uint8Array): WebhookEvent {
  const text = typeof payload === "string" ? payload : decoder.decode(payload);
  try {
    return JSON.parse(text) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError(
      "invalid_payload",
      "The signature matches but the body is not JSON: pass the body bytes unchanged (no re-encoding).",
    );
  }
}

function decodeSecrets({ secret, secrets }: VerifyWebhookOptions): Uint8Array[] {
  if (secret !== undefined && secrets === undefined) return [decodeSecret(secret)];
  const all = [...(secret === undefined ? [] : [secret]), ...(secrets ?? [])];
  if (all.length === 0) {
    throw new WebhookVerificationError(
      "invalid_secret",
      "No webhook secret given: pass `secret` (or `secrets` during a rotation) with the endpoint's `whsec_…` value.",
    );
  }
  return all.map(decodeSecret);
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === "") {
    throw new WebhookVerificationError(
      "missing_header",
      `The ${name} header is missing: make sure your framework or proxy forwards the webhook-* headers.`,
    );
  }
  return value;
}

function checkTimestamp(timestamp: string, toleranceSeconds: number, nowMs: number): void {
  const sent = wholeSeconds(timestamp);
  if (sent === undefined) {
    throw new WebhookVerificationError(
      "invalid_header",
      "The webhook-timestamp header must be Unix time in whole seconds: pass the header exactly as received.",
    );
  }
  const current = Math.floor(nowMs / 1000);
  if (current - sent > toleranceSeconds) {
    throw new WebhookVerificationError(
      "timestamp_too_old",
      "The delivery's timestamp is too old (a replay, or a wrong server clock): check that your clock uses NTP.",
    );
  }
  if (sent - current > toleranceSeconds) {
    throw new WebhookVerificationError(
      "timestamp_too_new",
      "The delivery's timestamp is in the future: check that your server's clock uses NTP.",
    );
  }
}

/** 1 to 15 ASCII digits (no sign, point or exponent) as a number, else `undefined`. */
function wholeSeconds(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}
