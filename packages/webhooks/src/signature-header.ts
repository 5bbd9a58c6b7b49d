import { decodeMac256 } from "./base64.js";

const SPACE = 32;
const COMMA = 44;
const V = 118;
const ONE = 49;
const MAC_BASE64_LENGTH = 44;

function isSpace(code: number): boolean {
  return code === SPACE || (code >= 9 && code <= 13);
}

/**
 * Parses a `webhook-signature` value, space-delimited `<version>,<signature>` entries (Standard
 * Webhooks), into its `v1` signatures decoded once; entries that are not the canonical base64 of
 * 32 bytes are left out. Gives `undefined` when the value holds no well-formed entry of any version.
 * Commas that a proxy or `Headers` adds when it joins repeated headers are dropped (base64 never
 * contains one). One scan, no intermediate strings: this runs on every delivery.
 */
export function parseSignatureHeader(value: string): Uint8Array[] | undefined {
  // The usual header, one `v1,<44 characters>` entry, needs no scan.
  if (value.length === MAC_BASE64_LENGTH + 3 && value.startsWith("v1,")) {
    const signature = decodeMac256(value, 3);
    return signature === undefined ? [] : [signature];
  }
  const v1: Uint8Array[] = [];
  let entries = 0;
  let i = 0;
  while (i < value.length) {
    while (i < value.length && isSpace(value.charCodeAt(i))) i++;
    let end = i;
    while (end < value.length && !isSpace(value.charCodeAt(end))) end++;
    let last = end;
    while (last > i && value.charCodeAt(last - 1) === COMMA) last--;
    const comma = value.indexOf(",", i);
    // An entry needs a version before its first comma and a signature after it.
    if (comma > i && comma < last - 1) {
      entries++;
      const isV1 = comma === i + 2 && value.charCodeAt(i) === V && value.charCodeAt(i + 1) === ONE;
      if (isV1 && last - comma - 1 === MAC_BASE64_LENGTH) {
        const signature = decodeMac256(value, comma + 1);
        if (signature !== undefined) v1.push(signature);
      }
    }
    i = end;
  }
  return entries === 0 ? undefined : v1;
}
