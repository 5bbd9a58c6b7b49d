import { createHash, timingSafeEqual } from "node:crypto";
import { randomBase62 } from "../../ids.js";
import { checksum, hashSecret } from "../api-key-secret.js";

// The OAuth secrets, opaque to clients. Tokens and client secrets are a prefix, 34 random base62
// characters and a 6-character base62 CRC32 of what comes before (like the API keys), so a
// mistyped or truncated one is refused before any lookup and secret scanners can find leaked
// ones by prefix. Codes and sessions are short-lived and never typed: random only. The database
// keeps SHA-256 hashes only (`hashSecret`).

/** What each kind of secret starts with (the spec's examples: `tcat_…`, `tcrt_…`, `tcs_…`, `ac_…`). */
export const SECRET_PREFIX = {
  accessToken: "tcat_",
  refreshToken: "tcrt_",
  clientSecret: "tcs_",
  code: "ac_",
  session: "tcss_",
} as const;

type Kind = keyof typeof SECRET_PREFIX;
const CHECKSUMMED: ReadonlySet<Kind> = new Set(["accessToken", "refreshToken", "clientSecret"]);
const RANDOM_LENGTH = 34;

/** A new secret of this kind and its hash (what is stored). */
export function createOAuthSecret(kind: Kind): { readonly secret: string; readonly hash: string } {
  const prefix = SECRET_PREFIX[kind];
  const secret = CHECKSUMMED.has(kind)
    ? (() => {
        const body = prefix + randomBase62(RANDOM_LENGTH);
        return body + checksum(body);
      })()
    : prefix + randomBase62(kind === "code" ? 32 : 40);
  return { secret, hash: hashSecret(secret) };
}

/** Whether `value` is a well-formed secret of this kind (checksum included). */
export function isOAuthSecret(kind: Kind, value: string): boolean {
  const prefix = SECRET_PREFIX[kind];
  if (!value.startsWith(prefix)) return false;
  const rest = value.slice(prefix.length);
  if (!CHECKSUMMED.has(kind)) return /^[0-9A-Za-z]{32,40}$/.test(rest);
  if (!/^[0-9A-Za-z]{40}$/.test(rest)) return false;
  const expected = Buffer.from(checksum(value.slice(0, -6)));
  return timingSafeEqual(expected, Buffer.from(value.slice(-6)));
}

/** `BASE64URL(SHA256(verifier))` without padding: the PKCE S256 challenge (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Compares two strings in constant time (for equal lengths; different lengths are simply unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export { hashSecret };
