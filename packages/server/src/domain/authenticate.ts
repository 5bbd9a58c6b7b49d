import { ApiProblem } from "../errors.js";
import type { CredentialCache, CredentialRow } from "../storage/credential-cache.js";
import type { Actor, Db } from "./actor.js";
import { hashSecret, parseKeySecret } from "./api-key-secret.js";
import { authenticateAccessToken, isAccessToken } from "./oauth/tokens.js";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Finds who an `Authorization` header speaks for, or throws the 401 problem that says why not.
 * The credential is an API key (`tc_live_…`, `tc_test_…`) or an OAuth access token (`tcat_…`).
 * A malformed key or token, or a failed checksum, is refused before any database lookup.
 */
export async function authenticate(
  db: Db,
  authorization: string | undefined,
  now: Date,
  cache?: CredentialCache,
): Promise<Actor> {
  if (!authorization) {
    throw new ApiProblem(401, "unauthenticated", "Send your API key as `Authorization: Bearer tc_live_…`.");
  }
  const token = BEARER.exec(authorization)?.[1];
  if (!token) {
    throw new ApiProblem(
      401,
      "invalid_api_key",
      "The Authorization header must be `Bearer ` followed by an API key or access token.",
    );
  }
  // Access tokens are looked up every time (no cache): revoking one, or deleting its app, acts at once.
  if (isAccessToken(token)) return authenticateAccessToken(db, token, now);
  if (!token.startsWith("tc_")) {
    throw new ApiProblem(401, "invalid_token", "The access token is unknown, expired or revoked.");
  }
  if (!parseKeySecret(token)) {
    throw new ApiProblem(
      401,
      "invalid_api_key",
      "The API key is malformed or fails its checksum. Check that you copied the whole key.",
    );
  }
  const hash = hashSecret(token);
  const row = cache?.get(hash) ?? (await lookUpCredential(db, hash, cache));
  if (!row) {
    throw new ApiProblem(401, "invalid_api_key", "The API key is unknown. Check that you copied the whole key.");
  }
  if ((row.revoked_at && row.revoked_at <= now) || row.status !== "active") {
    throw new ApiProblem(401, "key_revoked", "This API key was revoked or replaced by a rotation. Use a current key.");
  }
  if (row.expires_at && row.expires_at <= now) {
    throw new ApiProblem(
      401,
      "key_expired",
      `This API key expired at ${row.expires_at.toISOString()}. Create a new key.`,
    );
  }
  return {
    organizationId: row.organization_id,
    employeeId: row.employee_id,
    role: row.role,
    credential: {
      type: "api_key",
      id: row.id,
      scope: row.scope,
      mode: row.mode,
      expiresAt: row.expires_at,
      rateLimitPerHour: row.rate_limit_per_hour,
    },
  };
}

async function lookUpCredential(db: Db, hash: string, cache?: CredentialCache): Promise<CredentialRow | undefined> {
  const generation = cache?.generation ?? 0;
  const row = await db
    .selectFrom("api_keys")
    .innerJoin("employees", "employees.id", "api_keys.employee_id")
    .select([
      "api_keys.id",
      "api_keys.organization_id",
      "api_keys.employee_id",
      "api_keys.scope",
      "api_keys.mode",
      "api_keys.expires_at",
      "api_keys.revoked_at",
      "api_keys.rate_limit_per_hour",
      "employees.role",
      "employees.status",
    ])
    .where("api_keys.secret_hash", "=", hash)
    .executeTakeFirst();
  if (row && cache) cache.set(hash, row, generation);
  return row;
}

/**
 * Throws the 403 problem when the actor's scope or role does not allow an operation. An OAuth
 * token needs the operation's scope among its scopes (the spec's `security` names it); an API
 * key's `full` scope is `read write admin`. The role is checked apart, so an `admin`-scoped
 * token of an employee still cannot do what only admins may.
 */
export function authorize(actor: Actor, rule: { scope: string | null; roles: readonly string[] }): void {
  const oauth = actor.credential.oauth;
  if (oauth && rule.scope && !(oauth.scopes as readonly string[]).includes(rule.scope)) {
    throw new ApiProblem(
      403,
      "insufficient_scope",
      `This operation needs the OAuth scope ${rule.scope}; this token has ${oauth.scopes.join(" ")}.`,
    );
  }
  if (!oauth && rule.scope && rule.scope !== "read" && actor.credential.scope === "read") {
    throw new ApiProblem(
      403,
      "insufficient_scope",
      `This operation needs a key with scope full; this key has scope read.`,
    );
  }
  if (rule.roles.length > 0 && !rule.roles.includes(actor.role)) {
    throw new ApiProblem(
      403,
      "forbidden",
      `The ${actor.role} role may not do this; it needs ${rule.roles.join(" or ")}.`,
    );
  }
}
