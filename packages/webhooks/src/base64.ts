// Standard base64 (RFC 4648 §4) by hand, so the WebCrypto entry needs neither Buffer nor atob.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 64;
const VALUES = new Uint8Array(128).fill(INVALID);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? (VALUES[code] as number) : INVALID;
}

/**
 * Decodes base64 that the caller has already checked holds only alphabet characters and up to
 * two trailing `=`; padding is optional and leftover bits are dropped, as Node's decoder does.
 */
export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const bytes = new Uint8Array((end * 3) >> 2);
  let bits = 0;
  let buffer = 0;
  let j = 0;
  for (let i = 0; i < end; i++) {
    buffer = ((buffer << 6) | sextet(text, i)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

/**
 * Decodes the 44 characters at `start` if they are the canonical base64 of 32 bytes (an
 * HMAC-SHA256): 43 alphabet characters, the last with its two unused bits zero, then `=`.
 * Anything else could never equal a computed MAC, so it gives `undefined`.
 */
export function decodeMac256(text: string, start: number): Uint8Array | undefined {
  if (text.charCodeAt(start + 43) !== 61) return undefined;
  const bytes = new Uint8Array(32);
  let seen = 0;
  let j = 0;
  for (let i = start; i < start + 40; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    seen |= a | b | c | d;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[j++] = (n >> 16) & 0xff;
    bytes[j++] = (n >> 8) & 0xff;
    bytes[j++] = n & 0xff;
  }
  const a = sextet(text, start + 40);
  const b = sextet(text, start + 41);
  const c = sextet(text, start + 42);
  seen |= a | b | c;
  if ((seen & INVALID) !== 0 || (c & 3) !== 0) return undefined;
  const n = (a << 18) | (b << 12) | (c << 6);
  bytes[30] = (n >> 16) & 0xff;
  bytes[31] = (n >> 8) & 0xff;
  return bytes;
}

/** Encodes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    text += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63);
    text += ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    text += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    text += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}${ALPHABET.charAt((n >> 6) & 63)}=`;
  }
  return text;
}
