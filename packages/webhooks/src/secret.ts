import { decodeBase64 } from "./base64.js";
import { WebhookVerificationError } from "./errors.js";

const PREFIX = "whsec_";
// Standard base64 alphabet, padding optional (Standard Webhooks' Python library accepts unpadded secrets).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// A receiver verifies every delivery with the same one or two secrets: decode each once.
const CACHE_LIMIT = 64;
const cache = new Map<string, Uint8Array>();

/** Decodes a `whsec_<base64>` signing secret (prefix optional) into the HMAC key; callers must not mutate it. */
export function decodeSecret(secret: string): Uint8Array {
  const cached = cache.get(secret);
  if (cached !== undefined) return cached;
  if (typeof secret !== "string") {
    throw new WebhookVerificationError("invalid_secret", "The webhook secret must be a string like `whsec_…`.");
  }
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded) || encoded.replace(/=+$/, "").length % 4 === 1) {
    throw new WebhookVerificationError(
      "invalid_secret",
      "The webhook secret is empty or not base64: copy the whole `whsec_…` value from the endpoint's settings.",
    );
  }
  const key = decodeBase64(encoded);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(secret, key);
  return key;
}
