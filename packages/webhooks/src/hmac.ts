import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { signedContentPrefix } from "./delivery.js";

// Keyed by the cached key bytes from decodeSecret: a KeyObject is prepared once per secret, and
// createHmac takes it without copying or re-checking the bytes.
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

function keyObject(key: Uint8Array): KeyObject {
  let object = keyObjects.get(key);
  if (object === undefined) {
    object = createSecretKey(key);
    keyObjects.set(key, object);
  }
  return object;
}

/** HMAC-SHA256 of `<id>.<timestamp>.<payload>` (Standard Webhooks' signed content) with node:crypto. */
export function hmacSha256(key: Uint8Array, id: string, timestamp: string, payload: string | Uint8Array): Buffer {
  return createHmac("sha256", keyObject(key)).update(signedContentPrefix(id, timestamp)).update(payload).digest();
}
