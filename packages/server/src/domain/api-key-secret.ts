import { createHash, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";
import { base62, randomBase62 } from "../ids.js";

// An API key: `tc_live_` or `tc_test_`, 32 random base62 characters, then a 6-character base62
// CRC32 of everything before it. The checksum refuses typos and truncations before any lookup
// (as GitHub's token format does), and the prefix lets secret scanners find leaked keys.
const FORMAT = /^tc_(live|test)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

/** A key mode: live data, or the sandbox's test data. */
export type KeyMode = "live" | "test";

/** A freshly made key: the secret (shown once) and what is stored. */
export interface NewKeySecret {
  readonly secret: string;
  readonly hash: string;
  readonly prefix: string;
  readonly lastFour: string;
}

/** The 6-character base62 CRC32 of `body` that ends a checksummed secret (API keys, OAuth tokens). */
export function checksum(body: string): string {
  return base62(crc32(body), 6);
}

/** Makes a new key secret for the mode. */
export function createKeySecret(mode: KeyMode): NewKeySecret {
  const body = `tc_${mode}_${randomBase62(32)}`;
  return describeSecret(body + checksum(body));
}

/** What is stored of a secret: its hash, the visible prefix and its last four characters. */
export function describeSecret(secret: string): NewKeySecret {
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, 12), lastFour: secret.slice(-4) };
}

/** SHA-256 of the secret, hex: what the database keeps. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The key's mode when `secret` is well-formed and its checksum matches, else `null`. */
export function parseKeySecret(secret: string): KeyMode | null {
  const match = FORMAT.exec(secret);
  if (!match) return null;
  const expected = Buffer.from(checksum(secret.slice(0, -6)));
  const actual = Buffer.from(match[3] ?? "");
  return timingSafeEqual(expected, actual) ? (match[1] as KeyMode) : null;
}
