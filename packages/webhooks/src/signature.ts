import { createHmac } from "node:crypto";

/** Base64 HMAC-SHA256 of `<id>.<timestamp>.<payload>` (Standard Webhooks "signed content"). */
export function computeSignature(key: Buffer, id: string, timestamp: string, payload: string | Uint8Array): string {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`).update(payload).digest("base64");
}

/** One `<version>,<signature>` entry of a `webhook-signature` header. */
export interface SignatureEntry {
  version: string;
  signature: string;
}

/**
 * Splits a `webhook-signature` value into its space-delimited entries. Commas that a proxy or
 * `Headers` adds when it joins repeated headers are dropped (base64 never contains one).
 */
export function parseSignatureHeader(value: string): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  for (const token of value.split(/\s+/)) {
    const entry = token.replace(/,+$/, "");
    const comma = entry.indexOf(",");
    if (comma <= 0 || comma === entry.length - 1) continue;
    entries.push({ version: entry.slice(0, comma), signature: entry.slice(comma + 1) });
  }
  return entries;
}
