import { timingSafeEqual } from "node:crypto";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./generated/events.js";
import { readHeader, type WebhookHeaders } from "./headers.js";
import { decodeSecret } from "./secret.js";
import { computeSignature, parseSignatureHeader } from "./signature.js";

/** Standard Webhooks' reference libraries allow five minutes of clock difference. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** What {@link verifyWebhook} checks. */
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

/**
 * Verifies a Timecard webhook delivery (Standard Webhooks, HMAC-SHA256) and returns its event.
 *
 * Throws {@link WebhookVerificationError} when a header is missing or malformed, the timestamp is
 * outside the tolerance, or no `v1` signature matches any secret. The body is parsed only after a
 * signature matched. The event's `type` may be one this version does not know yet: check it with
 * {@link isWebhookEventType} and acknowledge the rest.
 *
 * @example
 * ```ts
 * app.post("/webhooks/timecard", express.raw({ type: "application/json" }), (req, res) => {
 *   const event = verifyWebhook({ payload: req.body, headers: req.headers, secret: process.env.TIMECARD_WEBHOOK_SECRET });
 *   if (event.type === "session.stopped") console.log(event.data.duration_seconds);
 *   res.sendStatus(204);
 * });
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookEvent {
  const { payload, headers, toleranceSeconds = DEFAULT_WEBHOOK_TOLERANCE_SECONDS, now = () => new Date() } = options;
  if (typeof payload !== "string" && !(payload instanceof Uint8Array)) {
    throw new TypeError(
      "payload must be the raw request body (string or Buffer), not parsed JSON: use express.raw() or request.text().",
    );
  }
  const keys = collectSecrets(options).map(decodeSecret);

  const id = required(headers, "webhook-id");
  const timestamp = required(headers, "webhook-timestamp");
  const signatureHeader = readHeader(headers, "webhook-signature", " ") ?? readHeader(headers, "x-signature", " ");
  if (signatureHeader === undefined) {
    throw new WebhookVerificationError(
      "missing_header",
      "The webhook-signature header is missing: make sure your framework or proxy forwards the webhook-* headers.",
    );
  }

  checkTimestamp(timestamp, toleranceSeconds, now);

  const entries = parseSignatureHeader(signatureHeader);
  if (entries.length === 0) {
    throw new WebhookVerificationError(
      "invalid_header",
      "The webhook-signature header holds no `v1,<base64>` entry: pass the header exactly as received.",
    );
  }
  const candidates = entries.filter((entry) => entry.version === "v1").map((entry) => Buffer.from(entry.signature));
  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(computeSignature(key, id, timestamp, payload));
    for (const candidate of candidates) {
      // Compare every candidate in constant time and do not stop early, so timing reveals nothing.
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookVerificationError(
      "no_matching_signature",
      "No signature matches: pass the raw request body (not parsed or re-serialized JSON) and this endpoint's secret.",
    );
  }
  return parseEvent(payload);
}

function collectSecrets(options: VerifyWebhookOptions): string[] {
  const secrets = [...(options.secret === undefined ? [] : [options.secret]), ...(options.secrets ?? [])];
  if (secrets.length === 0) {
    throw new WebhookVerificationError(
      "invalid_secret",
      "No webhook secret given: pass `secret` (or `secrets` during a rotation) with the endpoint's `whsec_…` value.",
    );
  }
  return secrets;
}

function required(headers: WebhookHeaders, name: string): string {
  const value = readHeader(headers, name);
  if (value === undefined || value === "") {
    throw new WebhookVerificationError(
      "missing_header",
      `The ${name} header is missing: make sure your framework or proxy forwards the webhook-* headers.`,
    );
  }
  return value;
}

function checkTimestamp(timestamp: string, toleranceSeconds: number, now: () => Date): void {
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      "invalid_header",
      "The webhook-timestamp header must be Unix time in whole seconds: pass the header exactly as received.",
    );
  }
  const sent = Number(timestamp);
  const current = Math.floor(now().getTime() / 1000);
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

function parseEvent(payload: string | Uint8Array): WebhookEvent {
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  try {
    return JSON.parse(text) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError(
      "invalid_payload",
      "The signature matches but the body is not JSON: pass the body bytes unchanged (no re-encoding).",
    );
  }
}
