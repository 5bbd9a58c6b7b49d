import type { components } from "@timecard/sdk";
import type { Insertable } from "kysely";
import { ApiProblem } from "../../errors.js";
import { randomBase62 } from "../../ids.js";
import type { OAuthAppRow, OAuthTokenTable } from "../../storage/schema.js";
import type { Actor, Db } from "../actor.js";
import { authenticateClient, field, type OAuthForm } from "./clients.js";
import { OAuthError } from "./errors.js";
import { formatScopes, isSubset, type OAuthScope, parseScopes } from "./scopes.js";
import { createOAuthSecret, hashSecret, isOAuthSecret, SECRET_PREFIX, s256, safeEqual } from "./secrets.js";

type OAuthTokenResponse = components["schemas"]["OAuthTokenResponse"];

/** Access tokens live one hour (the spec's `expires_in: 3600`). */
export const ACCESS_TOKEN_SECONDS = 3600;
/** Refresh tokens are valid for 90 days. */
export const REFRESH_TOKEN_DAYS = 90;
/** Authorization codes are valid for 10 minutes, once (RFC 6749 §4.1.2 recommends at most 10). */
export const CODE_SECONDS = 600;
/** What an access token may send per hour: the default of an API key. */
const TOKEN_RATE_LIMIT_PER_HOUR = 1000;

type GrantType = components["schemas"]["OAuthGrantType"];
const GRANT_TYPES = [
  "authorization_code",
  "client_credentials",
  "refresh_token",
] as const satisfies readonly GrantType[];
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The clock and database the token endpoint works with. */
export interface OAuthDeps {
  readonly db: Db;
  readonly now: () => Date;
}

/** A new token family id: one authorization and the refreshes that follow it. */
export function newFamilyId(): string {
  return `tfm_${randomBase62(24)}`;
}

const invalidGrant = (detail: string) => new OAuthError("invalid_grant", detail);

async function activeEmployee(db: Db, organizationId: string, employeeId: string): Promise<boolean> {
  const row = await db
    .selectFrom("employees")
    .select("status")
    .where("organization_id", "=", organizationId)
    .where("id", "=", employeeId)
    .executeTakeFirst();
  return row?.status === "active";
}

/** Revokes every token of a family that is not revoked yet. */
async function revokeFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db
    .updateTable("oauth_tokens")
    .set({ revoked_at: now })
    .where("family_id", "=", familyId)
    .where("revoked_at", "is", null)
    .execute();
}

/** Issues an access token (and a refresh token when `refresh`) in a family, answering RFC 6749 §5.1. */
async function issueTokens(
  db: Db,
  now: Date,
  grant: {
    app: OAuthAppRow;
    employeeId: string;
    familyId: string;
    scopes: readonly OAuthScope[];
    refreshScopes?: readonly OAuthScope[];
    mode: "live" | "test";
  },
  refresh: boolean,
): Promise<OAuthTokenResponse> {
  const common = {
    family_id: grant.familyId,
    organization_id: grant.app.organization_id,
    app_id: grant.app.id,
    employee_id: grant.employeeId,
    mode: grant.mode,
    created_at: now,
    revoked_at: null,
    rotated_at: null,
  };
  const access = createOAuthSecret("accessToken");
  const rows: Insertable<OAuthTokenTable>[] = [
    {
      ...common,
      token_hash: access.hash,
      kind: "access",
      scopes: formatScopes(grant.scopes),
      expires_at: new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000),
    },
  ];
  const refreshToken = refresh ? createOAuthSecret("refreshToken") : null;
  if (refreshToken) {
    rows.push({
      ...common,
      token_hash: refreshToken.hash,
      kind: "refresh",
      // A refresh token keeps the scopes of the grant, even when this access token asked for fewer (RFC 6749 §6).
      scopes: formatScopes(grant.refreshScopes ?? grant.scopes),
      expires_at: new Date(now.getTime() + REFRESH_TOKEN_DAYS * 24 * 3600 * 1000),
    });
  }
  await db.insertInto("oauth_tokens").values(rows).execute();
  return {
    access_token: access.secret,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    ...(refreshToken ? { refresh_token: refreshToken.secret } : {}),
    scope: formatScopes(grant.scopes),
  };
}

/** The `scope` field of a request: the scopes asked for, a subset of `allowed`; all of them when absent. */
function askedScopes(form: OAuthForm, allowed: readonly OAuthScope[], what: string): OAuthScope[] {
  const raw = field(form, "scope");
  if (raw === undefined) return [...allowed];
  const scopes = parseScopes(raw);
  if (!scopes)
    throw new OAuthError("invalid_scope", "scope must be space-separated names among read, write and admin.");
  if (!isSubset(scopes, allowed)) {
    throw new OAuthError("invalid_scope", `scope ${raw} is wider than ${what} (${formatScopes(allowed)}).`);
  }
  return scopes;
}

/**
 * The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6; PKCE RFC 7636 §4.6): authenticates the
 * client, checks that the app may use the grant type, then redeems the grant. Throws `OAuthError`.
 *
 * @example
 * ```ts
 * const token = await exchangeToken({ db, now }, request.headers.authorization, {
 *   grant_type: "authorization_code", code, redirect_uri, code_verifier, client_id,
 * });
 * ```
 */
export async function exchangeToken(
  deps: OAuthDeps,
  authorization: string | undefined,
  form: OAuthForm,
): Promise<OAuthTokenResponse> {
  const grantType = field(form, "grant_type");
  if (grantType === undefined) throw new OAuthError("invalid_request", "grant_type is required.");
  if (!(GRANT_TYPES as readonly string[]).includes(grantType)) {
    throw new OAuthError(
      "unsupported_grant_type",
      "grant_type must be authorization_code, client_credentials or refresh_token.",
    );
  }
  const grant = grantType as GrantType;
  const app = await authenticateClient(deps.db, authorization, form);
  if (!app.grant_types.includes(grant) || (grant === "client_credentials" && !app.confidential)) {
    throw new OAuthError("unauthorized_client", `App ${app.id} is not allowed the ${grant} grant.`);
  }
  switch (grant) {
    case "authorization_code":
      return redeemCode(deps, app, form);
    case "client_credentials":
      return clientCredentials(deps, app, form);
    case "refresh_token":
      return refresh(deps, app, form);
  }
}

async function redeemCode(deps: OAuthDeps, app: OAuthAppRow, form: OAuthForm): Promise<OAuthTokenResponse> {
  const code = field(form, "code");
  const redirectUri = field(form, "redirect_uri");
  const verifier = field(form, "code_verifier");
  for (const [name, value] of [
    ["code", code],
    ["redirect_uri", redirectUri],
    ["code_verifier", verifier],
  ] as const) {
    if (value === undefined) throw new OAuthError("invalid_request", `${name} is required for authorization_code.`);
  }
  if (!VERIFIER.test(verifier as string)) {
    throw new OAuthError("invalid_request", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.");
  }
  const stale = "The authorization code is expired, already used, or was issued for another client or redirect_uri.";
  // Marking the code used and revoking on reuse must outlive the refusal: the transaction answers the error.
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const now = deps.now();
    const row = await tx
      .selectFrom("oauth_codes")
      .selectAll()
      .where("code_hash", "=", hashSecret(code as string))
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.app_id !== app.id) return invalidGrant(stale);
    if (row.used_at) {
      // A code redeemed twice: the tokens issued from it are revoked too (RFC 6749 §4.1.2).
      await revokeFamily(tx, row.family_id, now);
      return invalidGrant(stale);
    }
    // Used from now on, whatever follows: a code gets one redemption attempt.
    await tx.updateTable("oauth_codes").set({ used_at: now }).where("code_hash", "=", row.code_hash).execute();
    if (row.expires_at <= now || row.redirect_uri !== redirectUri) return invalidGrant(stale);
    if (!safeEqual(s256(verifier as string), row.code_challenge)) {
      return invalidGrant("The code_verifier does not match the code_challenge of the authorization request.");
    }
    if (!(await activeEmployee(tx, row.organization_id, row.employee_id))) {
      return invalidGrant("The user who authorized this code is deactivated.");
    }
    const scopes = parseScopes(row.scopes) ?? [];
    return issueTokens(
      tx,
      now,
      { app, employeeId: row.employee_id, familyId: row.family_id, scopes, mode: row.mode },
      app.grant_types.includes("refresh_token"),
    );
  });
  if (outcome instanceof OAuthError) throw outcome;
  return outcome;
}

async function clientCredentials(deps: OAuthDeps, app: OAuthAppRow, form: OAuthForm): Promise<OAuthTokenResponse> {
  const scopes = askedScopes(form, app.allowed_scopes, "the app's allowed_scopes");
  const employeeId = app.client_credentials_employee_id;
  if (!employeeId || !(await activeEmployee(deps.db, app.organization_id, employeeId))) {
    throw invalidGrant(`The employee that app ${app.id} acts as is not set or is deactivated.`);
  }
  // No refresh token: the client can ask again (RFC 6749 §4.4.3).
  return issueTokens(deps.db, deps.now(), { app, employeeId, familyId: newFamilyId(), scopes, mode: app.mode }, false);
}

async function refresh(deps: OAuthDeps, app: OAuthAppRow, form: OAuthForm): Promise<OAuthTokenResponse> {
  const token = field(form, "refresh_token");
  if (token === undefined) throw new OAuthError("invalid_request", "refresh_token is required.");
  const stale = "The refresh token is invalid, expired, revoked or was issued to another client.";
  // Reuse revokes the family, and that must outlive the refusal: the transaction answers the error.
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const now = deps.now();
    const row = isOAuthSecret("refreshToken", token)
      ? await tx
          .selectFrom("oauth_tokens")
          .selectAll()
          .where("token_hash", "=", hashSecret(token))
          .where("kind", "=", "refresh")
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!row || row.app_id !== app.id) return invalidGrant(stale);
    if (row.rotated_at) {
      // A rotated refresh token presented again: taken as a theft, the whole chain is revoked.
      await revokeFamily(tx, row.family_id, now);
      return invalidGrant(stale);
    }
    if (row.revoked_at || row.expires_at <= now) return invalidGrant(stale);
    if (!(await activeEmployee(tx, row.organization_id, row.employee_id))) {
      return invalidGrant("The user of this refresh token is deactivated.");
    }
    const granted = parseScopes(row.scopes) ?? [];
    let scopes: OAuthScope[];
    try {
      scopes = askedScopes(form, granted, "the original grant");
    } catch (error) {
      return error as OAuthError;
    }
    await tx
      .updateTable("oauth_tokens")
      .set({ rotated_at: now, revoked_at: now })
      .where("token_hash", "=", row.token_hash)
      .execute();
    return issueTokens(
      tx,
      now,
      { app, employeeId: row.employee_id, familyId: row.family_id, scopes, refreshScopes: granted, mode: row.mode },
      true,
    );
  });
  if (outcome instanceof OAuthError) throw outcome;
  return outcome;
}

/**
 * Token revocation (RFC 7009): after the client authenticates, a refresh token of this client
 * is revoked with every token of its family (§2.1), an access token alone. Unknown tokens,
 * tokens of other clients and revoked ones are left as they are, and the answer is the same.
 */
export async function revokeToken(deps: OAuthDeps, authorization: string | undefined, form: OAuthForm): Promise<void> {
  const app = await authenticateClient(deps.db, authorization, form);
  const token = field(form, "token");
  if (token === undefined) throw new OAuthError("invalid_request", "The token parameter is required.");
  const row = await deps.db
    .selectFrom("oauth_tokens")
    .select(["token_hash", "kind", "family_id"])
    .where("token_hash", "=", hashSecret(token))
    .where("app_id", "=", app.id)
    .executeTakeFirst();
  if (!row) return;
  const now = deps.now();
  if (row.kind === "refresh") {
    await revokeFamily(deps.db, row.family_id, now);
    return;
  }
  await deps.db
    .updateTable("oauth_tokens")
    .set({ revoked_at: now })
    .where("token_hash", "=", row.token_hash)
    .where("revoked_at", "is", null)
    .execute();
}

/** Whether a bearer credential looks like an access token (rather than an API key). */
export function isAccessToken(token: string): boolean {
  return token.startsWith(SECRET_PREFIX.accessToken);
}

/**
 * The caller behind an access token: its user (who must still be active), its app's scopes and
 * the token's mode. An unknown, malformed, expired or revoked token, or one whose app was
 * deleted, is `401 invalid_token`.
 */
export async function authenticateAccessToken(db: Db, token: string, now: Date): Promise<Actor> {
  const invalid = new ApiProblem(401, "invalid_token", "The access token is unknown, expired or revoked.");
  if (!isOAuthSecret("accessToken", token)) throw invalid;
  const row = await db
    .selectFrom("oauth_tokens")
    .innerJoin("employees", "employees.id", "oauth_tokens.employee_id")
    .select([
      "oauth_tokens.family_id",
      "oauth_tokens.organization_id",
      "oauth_tokens.employee_id",
      "oauth_tokens.app_id",
      "oauth_tokens.scopes",
      "oauth_tokens.mode",
      "oauth_tokens.expires_at",
      "oauth_tokens.revoked_at",
      "employees.role",
      "employees.status",
    ])
    .where("oauth_tokens.token_hash", "=", hashSecret(token))
    .where("oauth_tokens.kind", "=", "access")
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= now || row.status !== "active") throw invalid;
  const scopes = parseScopes(row.scopes) ?? [];
  return {
    organizationId: row.organization_id,
    employeeId: row.employee_id,
    role: row.role,
    credential: {
      type: "oauth_token",
      id: row.family_id,
      scope: scopes.includes("write") ? "full" : "read",
      mode: row.mode,
      expiresAt: row.expires_at,
      rateLimitPerHour: TOKEN_RATE_LIMIT_PER_HOUR,
      oauth: { appId: row.app_id, scopes },
    },
  };
}
