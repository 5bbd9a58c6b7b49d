import { randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The prefix of each kind of id (`emp_…`), as the spec lists them. */
export type IdPrefix =
  | "org"
  | "emp"
  | "prj"
  | "tsk"
  | "ses"
  | "act"
  | "lv"
  | "alr"
  | "exp"
  | "key"
  | "aud"
  | "whe"
  | "whd"
  | "evt"
  | "inh"
  | "app"
  | "req";

/** Encodes a non-negative integer in base62, left-padded with zeros to `width`. */
export function base62(value: bigint | number, width: number): string {
  let n = BigInt(value);
  let out = "";
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, "0");
}

/** `count` random base62 characters. */
export function randomBase62(count: number): string {
  const bytes = randomBytes(count * 2);
  let out = "";
  // 248 = 4 × 62: rejecting bytes at or above it keeps every character equally likely.
  for (const byte of bytes) {
    if (byte < 248) out += BASE62[byte % 62];
    if (out.length === count) return out;
  }
  return out + randomBase62(count - out.length);
}

let lastMs = 0;
let sequence = 0;

/**
 * A new id: the prefix, 7 base62 characters of the millisecond clock, a 3-character sequence
 * within the millisecond and 6 random characters. Ids of one process sort by creation (ASCII
 * order equals base62 order), so lists page by id; across processes, by millisecond.
 */
export function newId(prefix: IdPrefix, now: Date = new Date()): string {
  const ms = Math.max(now.getTime(), lastMs);
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  return `${prefix}_${base62(ms, 7)}${base62(sequence % 238_328, 3)}${randomBase62(6)}`;
}
