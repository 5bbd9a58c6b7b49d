import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// AES-256-GCM under the server's master key (TIMECARD_MASTER_KEY), for what must be readable
// again later but never sits in the database in clear: webhook secrets, and stored responses
// that carry a one-time secret. Format: base64url(version ‖ 12-byte IV ‖ 16-byte tag ‖ ciphertext).
const VERSION = 1;

/** Encrypts `plaintext` with the 32-byte `key`. */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Decrypts what `seal` made with the same key; throws when it was altered or the key differs. */
export function open(key: Buffer, sealed: string): string {
  const data = Buffer.from(sealed, "base64url");
  if (data[0] !== VERSION || data.length < 29) throw new Error("Not a sealed value of a known version");
  const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(1, 13));
  decipher.setAuthTag(data.subarray(13, 29));
  return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]).toString("utf8");
}
