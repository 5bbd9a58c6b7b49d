import { WebhookVerificationError } from "./errors.js";

const PREFIX = "whsec_";
// Standard base64 alphabet, padding optional (Standard Webhooks' Python library accepts unpadded secrets).
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a `whsec_<base64>` signing secret (prefix optional) into the HMAC key. */
export function decodeSecret(secret: string): Buffer {
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
  return Buffer.from(encoded, "base64");
}
