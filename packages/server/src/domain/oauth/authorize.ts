import { createHash } from "node:crypto";
import { ApiProblem } from "../../errors.js";
import type { OAuthAppRow } from "../../storage/schema.js";
import type { Db } from "../actor.js";
import { authenticate } from "../authenticate.js";
import { field, findClient, type OAuthForm } from "./clients.js";
import { OAuthError, type OAuthErrorCode } from "./errors.js";
import { formatScopes, isSubset, type OAuthScope, parseScopes } from "./scopes.js";
import { createOAuthSecret, hashSecret, SECRET_PREFIX, safeEqual } from "./secrets.js";
import { CODE_SECONDS, newFamilyId, type OAuthDeps } from "./tokens.js";

// The authorization endpoint (RFC 6749 §4.1.1, PKCE RFC 7636 §4.3) and its sign-in and consent
// page. The reference server has no passwords, so a user signs in on the page with one of
// their API keys (a `full` key to grant `write` or `admin`; `read` keys may grant `read` only):
// the form posts it to `POST /oauth/authorize` (same origin only), never in a URL. Signing in
// opens a consent session, a `tcss_` cookie (HttpOnly, SameSite=Lax, 12 hours, stored hashed)
// that stands for the key's user; a signed-in user who already granted an app the scopes it asks
// for skips the page (the spec's step 3), and one who has not approves with the session and the
// page's CSRF token, without typing the key again.

/** How long a consent session lasts. */
export const SESSION_SECONDS = 12 * 3600;
/** The consent session cookie's name. */
export const SESSION_COOKIE = "tc_oauth_session";

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1)(?::(\d{1,5}))?(\/[^#]*)?$/;

/**
 * Whether `given` is one of the `registered` redirect URIs: exactly, except that the port of an
 * `http://localhost` or `http://127.0.0.1` URI is ignored (RFC 8252 §7.3: native apps listen on
 * whatever port is free).
 */
export function isRegisteredRedirect(registered: readonly string[], given: string): boolean {
  if (registered.includes(given)) return true;
  const g = LOOPBACK.exec(given);
  if (!g) return false;
  return registered.some((uri) => {
    const r = LOOPBACK.exec(uri);
    return r !== null && r[1] === g[1] && (r[3] ?? "") === (g[3] ?? "");
  });
}

/** An error to send back to the client's redirect URI (RFC 6749 §4.1.2.1). */
export class AuthorizationRedirectError extends Error {
  override readonly name = "AuthorizationRedirectError";
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** Where the browser goes, with `error`, `error_description` and `state`. */
    readonly location: string,
  ) {
    super(description);
  }
}

/** `uri` with these query parameters added (its own query kept). */
export function withParams(uri: string, params: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

/** A checked authorization request: the client, where to send the browser, and what it asks for. */
export interface AuthorizationRequest {
  readonly app: OAuthAppRow;
  readonly redirectUri: string;
  readonly scopes: readonly OAuthScope[];
  readonly state: string | undefined;
  readonly codeChallenge: string;
}

/**
 * Checks an authorization request, from the query of `GET /oauth/authorize` or the consent form.
 * An unknown client or an unregistered (or missing) `redirect_uri` throws a 400 `OAuthError`:
 * the browser is never redirected there (no open redirector). Anything wrong after that throws
 * an `AuthorizationRedirectError` that goes back to the client.
 */
export async function checkAuthorizationRequest(db: Db, params: OAuthForm): Promise<AuthorizationRequest> {
  const clientId = field(params, "client_id");
  if (clientId === undefined) throw new OAuthError("invalid_request", "client_id is required.");
  const app = await findClient(db, clientId);
  if (!app) throw new OAuthError("invalid_request", `client_id ${clientId} is not a registered app.`);
  const redirectUri = field(params, "redirect_uri");
  if (redirectUri === undefined) throw new OAuthError("invalid_request", "redirect_uri is required.");
  if (redirectUri.length > 2000 || !isRegisteredRedirect(app.redirect_uris, redirectUri)) {
    throw new OAuthError(
      "invalid_request",
      `redirect_uri ${redirectUri.slice(0, 200)} is not registered for client ${app.id}.`,
    );
  }
  const rawState = params.state;
  const state = typeof rawState === "string" && rawState.length <= 500 ? rawState : undefined;
  const fail = (error: OAuthErrorCode, description: string): never => {
    throw new AuthorizationRedirectError(
      error,
      description,
      withParams(redirectUri, { error, error_description: description, state }),
    );
  };
  if (rawState !== undefined && state === undefined)
    fail("invalid_request", "state must be one string of at most 500 characters.");
  let responseType: string | undefined;
  let challenge: string | undefined;
  let method: string | undefined;
  let scope: string | undefined;
  try {
    responseType = field(params, "response_type");
    challenge = field(params, "code_challenge");
    method = field(params, "code_challenge_method");
    scope = field(params, "scope");
  } catch (error) {
    fail("invalid_request", (error as OAuthError).description);
  }
  if (responseType === undefined) fail("invalid_request", "response_type is required.");
  if (responseType !== "code") fail("unsupported_response_type", "response_type must be code.");
  if (!app.grant_types.includes("authorization_code")) {
    fail("unauthorized_client", `App ${app.id} is not allowed the authorization_code grant.`);
  }
  // PKCE with S256 for every client, confidential or public.
  if (challenge === undefined || !CODE_CHALLENGE.test(challenge)) {
    fail("invalid_request", "code_challenge is required: BASE64URL(SHA256(code_verifier)), 43 characters.");
  }
  if (method !== "S256") fail("invalid_request", "code_challenge_method must be S256.");
  const scopes = scope === undefined ? [...app.allowed_scopes] : parseScopes(scope);
  if (!scopes) return fail("invalid_scope", "scope must be space-separated names among read, write and admin.");
  if (!isSubset(scopes, app.allowed_scopes)) {
    fail("invalid_scope", `scope ${scope} is outside the app's allowed_scopes (${formatScopes(app.allowed_scopes)}).`);
  }
  return { app, redirectUri, scopes, state, codeChallenge: challenge as string };
}

/** Who is signed in on the consent page. */
export interface ConsentUser {
  readonly organizationId: string;
  readonly employeeId: string;
  readonly name: string;
  readonly mode: "live" | "test";
  /** Whether the sign-in may grant `write` and `admin` (a `read` API key may not). */
  readonly full: boolean;
}

/** The consent session of a cookie, while it lasts and its user is active. */
export async function findConsentSession(db: Db, token: string | undefined, now: Date): Promise<ConsentUser | null> {
  if (!token?.startsWith(SECRET_PREFIX.session)) return null;
  const row = await db
    .selectFrom("oauth_sessions")
    .innerJoin("employees", "employees.id", "oauth_sessions.employee_id")
    .select([
      "oauth_sessions.organization_id",
      "oauth_sessions.employee_id",
      "oauth_sessions.mode",
      "oauth_sessions.full_scope",
      "oauth_sessions.expires_at",
      "employees.name",
      "employees.status",
    ])
    .where("oauth_sessions.session_hash", "=", hashSecret(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now || row.status !== "active") return null;
  return {
    organizationId: row.organization_id,
    employeeId: row.employee_id,
    name: row.name,
    mode: row.mode,
    full: row.full_scope,
  };
}

/** The consent form's CSRF token for a session: only a page that holds the cookie's value can make it. */
export function csrfToken(sessionToken: string): string {
  return createHash("sha256").update(`csrf:${sessionToken}`).digest("base64url");
}

/** Whether the user already granted the app at least these scopes. */
async function alreadyGranted(db: Db, appId: string, employeeId: string, scopes: readonly OAuthScope[]) {
  const row = await db
    .selectFrom("oauth_grants")
    .select("scopes")
    .where("app_id", "=", appId)
    .where("employee_id", "=", employeeId)
    .executeTakeFirst();
  return row !== undefined && isSubset(scopes, parseScopes(row.scopes) ?? []);
}

/** Issues a code for an approved request and answers where the browser goes (RFC 6749 §4.1.2). */
async function issueCode(db: Db, now: Date, request: AuthorizationRequest, user: ConsentUser): Promise<string> {
  const code = createOAuthSecret("code");
  await db
    .insertInto("oauth_codes")
    .values({
      code_hash: code.hash,
      organization_id: request.app.organization_id,
      app_id: request.app.id,
      employee_id: user.employeeId,
      redirect_uri: request.redirectUri,
      scopes: formatScopes(request.scopes),
      code_challenge: request.codeChallenge,
      family_id: newFamilyId(),
      mode: request.app.mode,
      created_at: now,
      expires_at: new Date(now.getTime() + CODE_SECONDS * 1000),
      used_at: null,
    })
    .execute();
  return withParams(request.redirectUri, { code: code.secret, state: request.state });
}

/** Why a user cannot approve this app (another organization, another mode, a read-only key), or null. */
function refusal(request: AuthorizationRequest, user: ConsentUser): string | null {
  if (user.organizationId !== request.app.organization_id) {
    return "This app belongs to another organization: sign in as one of its users.";
  }
  if (user.mode !== request.app.mode) {
    return request.app.mode === "test"
      ? "This is a sandbox app: sign in with a tc_test_ key."
      : "This is a live app: sign in with a tc_live_ key.";
  }
  if (!user.full && request.scopes.some((s) => s !== "read")) {
    return "This API key is read-only: sign in with a full key to grant write or admin.";
  }
  return null;
}

/** What the authorization endpoint answers: a redirect, or the page. */
export type AuthorizationOutcome =
  | { readonly kind: "redirect"; readonly location: string; readonly session?: string }
  | {
      readonly kind: "page";
      readonly status: number;
      readonly request: AuthorizationRequest;
      /** The signed-in user (the page then asks for approval only), or null (it asks for an API key too). */
      readonly user: ConsentUser | null;
      readonly csrf: string | null;
      readonly message: string | null;
    };

/**
 * `GET /oauth/authorize` once the request is checked: a signed-in user (of the app's
 * organization) who already granted these scopes gets the code at once; everyone else the page.
 */
export async function startAuthorization(
  deps: OAuthDeps,
  request: AuthorizationRequest,
  sessionToken: string | undefined,
): Promise<AuthorizationOutcome> {
  const now = deps.now();
  const session = await findConsentSession(deps.db, sessionToken, now);
  const user = session && refusal(request, session) === null ? session : null;
  if (user && (await alreadyGranted(deps.db, request.app.id, user.employeeId, request.scopes))) {
    return { kind: "redirect", location: await issueCode(deps.db, now, request, user) };
  }
  const csrf = user && sessionToken ? csrfToken(sessionToken) : null;
  return { kind: "page", status: 200, request, user, csrf, message: null };
}

/**
 * `POST /oauth/authorize`, the consent form: `decision=deny` sends `access_denied` back to the
 * client; `decision=approve` needs the user, signed in with `api_key` or by the session cookie
 * with the page's `csrf`, then records the grant, opens a session (after a key sign-in) and
 * sends the code back. A failed sign-in shows the page again with why.
 */
export async function decideAuthorization(
  deps: OAuthDeps,
  request: AuthorizationRequest,
  form: OAuthForm,
  sessionToken: string | undefined,
): Promise<AuthorizationOutcome> {
  const now = deps.now();
  if (form.decision !== "approve") {
    const description = "The user declined the authorization.";
    return {
      kind: "redirect",
      location: withParams(request.redirectUri, {
        error: "access_denied",
        error_description: description,
        state: request.state,
      }),
    };
  }
  const page = (status: number, message: string, user: ConsentUser | null = null, csrf: string | null = null) =>
    ({ kind: "page", status, request, user, csrf, message }) as const;
  const apiKey = typeof form.api_key === "string" ? form.api_key.trim() : "";
  let user: ConsentUser | null = null;
  let newSession: string | undefined;
  if (apiKey !== "") {
    try {
      const actor = await authenticate(deps.db, `Bearer ${apiKey}`, now);
      if (actor.credential.type !== "api_key") throw new ApiProblem(401, "invalid_api_key", "Sign in with an API key.");
      const employee = await deps.db
        .selectFrom("employees")
        .select("name")
        .where("id", "=", actor.employeeId)
        .executeTakeFirstOrThrow();
      user = {
        organizationId: actor.organizationId,
        employeeId: actor.employeeId,
        name: employee.name,
        mode: actor.credential.mode,
        full: actor.credential.scope === "full",
      };
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return page(401, "That API key is not valid, or it was revoked or has expired.");
    }
  } else {
    const session = await findConsentSession(deps.db, sessionToken, now);
    const csrf = typeof form.csrf === "string" ? form.csrf : "";
    if (!session || !sessionToken || !safeEqual(csrf, csrfToken(sessionToken))) {
      return page(401, "Sign in with your API key to approve.");
    }
    user = session;
  }
  const refused = refusal(request, user);
  if (refused) return page(403, refused);
  await deps.db.transaction().execute(async (tx) => {
    const previous = await tx
      .selectFrom("oauth_grants")
      .select("scopes")
      .where("app_id", "=", request.app.id)
      .where("employee_id", "=", user.employeeId)
      .forUpdate()
      .executeTakeFirst();
    const scopes = formatScopes([...(parseScopes(previous?.scopes ?? "") ?? []), ...request.scopes]);
    await tx
      .insertInto("oauth_grants")
      .values({
        app_id: request.app.id,
        employee_id: user.employeeId,
        organization_id: request.app.organization_id,
        scopes,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["app_id", "employee_id"]).doUpdateSet({ scopes, updated_at: now }))
      .execute();
    if (apiKey !== "") {
      const session = createOAuthSecret("session");
      await tx
        .insertInto("oauth_sessions")
        .values({
          session_hash: session.hash,
          organization_id: user.organizationId,
          employee_id: user.employeeId,
          mode: user.mode,
          full_scope: user.full,
          created_at: now,
          expires_at: new Date(now.getTime() + SESSION_SECONDS * 1000),
        })
        .execute();
      // Expired sessions go as new ones come.
      await tx.deleteFrom("oauth_sessions").where("expires_at", "<=", now).execute();
      newSession = session.secret;
    }
  });
  const location = await issueCode(deps.db, now, request, user);
  return { kind: "redirect", location, ...(newSession ? { session: newSession } : {}) };
}
