import { signedContentPrefix } from "./delivery.js";

// WebCrypto only (edge runtimes, Deno, browsers, workers): this module must never import node:*.

type Subtle = typeof globalThis.crypto.subtle;
type HmacKey = Awaited<ReturnType<Subtle["importKey"]>>;

const encoder = new TextEncoder();
// Keyed by the cached key bytes from decodeSecret, so each secret is imported once.
const imported = new WeakMap<Uint8Array, Promise<HmacKey>>();

function subtle(): Subtle {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error(
      "WebCrypto (globalThis.crypto.subtle) is not available here: on Node, use verifyWebhook from @timecard/webhooks.",
    );
  }
  return subtle;
}

function importKey(key: Uint8Array): Promise<HmacKey> {
  let cryptoKey = imported.get(key);
  if (cryptoKey === undefined) {
    cryptoKey = subtle().importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    imported.set(key, cryptoKey);
    cryptoKey.catch(() => imported.delete(key));
  }
  return cryptoKey;
}

/** The bytes of `<id>.<timestamp>.<payload>` (Standard Webhooks' signed content). */
export function signedContent(id: string, timestamp: string, payload: string | Uint8Array): Uint8Array {
  if (typeof payload === "string") return encoder.encode(signedContentPrefix(id, timestamp) + payload);
  const prefix = encoder.encode(signedContentPrefix(id, timestamp));
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  return content;
}

/** HMAC-SHA256 of `content` with WebCrypto. */
export async function hmacSha256Web(key: Uint8Array, content: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign("HMAC", await importKey(key), content));
}

/**
 * Compares two byte arrays in time that depends only on their length, never on where they differ,
 * so a forger learns nothing from how long a rejection takes (WebCrypto has no timingSafeEqual).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
