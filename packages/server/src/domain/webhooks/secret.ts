import { randomBytes } from "node:crypto";
import { signWebhook } from "@timecard/webhooks";
import { open, seal } from "../../crypto/secret-box.js";

// Webhook signing secrets: `whsec_` + base64 of 32 random bytes (Standard Webhooks), sealed with
// the master key at rest. The server signs with the same code receivers verify with.

/** How long the secret before a rotation still signs deliveries. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A new signing secret, its sealed form for the database and its prefix for display. */
export function createWebhookSecret(masterKey: Buffer): { secret: string; sealed: string; prefix: string } {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  return { secret, sealed: seal(masterKey, secret), prefix: secret.slice(0, 10) };
}

/** The secret in a sealed column. */
export function openWebhookSecret(masterKey: Buffer, sealed: string): string {
  return open(masterKey, sealed);
}

/** The secrets that sign a delivery at `now`: the current one, and the previous one during its overlap. */
export function signingSecrets(
  masterKey: Buffer,
  endpoint: {
    secret_sealed: string;
    previous_secret_sealed: string | null;
    previous_secret_expires_at: Date | null;
  },
  now: Date,
): string[] {
  const secrets = [openWebhookSecret(masterKey, endpoint.secret_sealed)];
  if (
    endpoint.previous_secret_sealed &&
    endpoint.previous_secret_expires_at &&
    endpoint.previous_secret_expires_at > now
  ) {
    secrets.push(openWebhookSecret(masterKey, endpoint.previous_secret_sealed));
  }
  return secrets;
}

/**
 * The `webhook-signature` header for a delivery: `v1,<base64>` per secret, space-separated
 * (the new secret first), as Standard Webhooks allows during a rotation.
 */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((secret) => signWebhook({ id, timestamp, payload: body, secret })).join(" ");
}
