import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server.js";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import {
  approve,
  authorizePath,
  basic,
  codeFlow,
  type Exchange,
  expectOAuthError,
  fetchTransport,
  injectTransport,
  locationParams,
  pkce,
  postConsent,
  revokeRequest,
  type Transport,
  tokenRequest,
} from "./support/oauth-flow.js";

// The authorization server: authorization code with PKCE (S256 for every client), client
// credentials, rotating refresh tokens, revocation (RFC 7009) and metadata (RFC 8414), on the
// reference server's own storage. The happy path runs over real HTTP with the server's logs
// captured; the failure modes run in process, with the clock moved where time matters.
const server = useTestServer();
let world: World;
let other: World;
// biome-ignore lint/suspicious/noExplicitAny: API answers are read like JSON
let publicApp: any;
// biome-ignore lint/suspicious/noExplicitAny: API answers are read like JSON
let confidentialApp: any;
const LOOPBACK = "http://127.0.0.1/callback";
const WEB = "https://bridge.example.com/oauth/callback";
let t: Transport;
let address = 0;
/** A transport from a new address, so that no test runs into another's per-IP limit. */
const fresh = () => injectTransport(server, `198.51.100.${(++address % 250) + 1}`);

beforeAll(async () => {
  world = await createWorld(server);
  other = await createWorld(server);
  t = fresh();
  const pub = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
    name: "CLI",
    redirect_uris: [LOOPBACK],
    allowed_scopes: ["read", "write"],
    confidential: false,
  });
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  publicApp = pub.body;
  const conf = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
    name: "Payroll Bridge",
    redirect_uris: [WEB],
    allowed_scopes: ["read", "write", "admin"],
    grant_types: ["authorization_code", "refresh_token", "client_credentials"],
    client_credentials_employee_id: world.manager.id,
  });
  expect(conf.status, JSON.stringify(conf.body)).toBe(201);
  confidentialApp = conf.body;
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("the authorization code flow with PKCE over real HTTP", () => {
  let running: RunningServer;
  const lines: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    running = await startServer({
      config: { ...server.config, port: 0, host: "127.0.0.1", logLevel: "info" },
      storage: server.storage,
      now: () => server.clock.now,
      signals: [],
      logStream: { write: (line: string) => lines.push(line) },
    });
  });
  afterAll(async () => {
    await running?.close();
  });

  it("authorize → consent → code and state → token → API → refresh → revoke → 401", async () => {
    const http = fetchTransport(running.url);
    const { verifier, challenge } = pkce();
    // A native app listens on whatever port is free: the registered loopback URI has none (RFC 8252 §7.3).
    const redirectUri = "http://127.0.0.1:53682/callback";
    const p = { clientId: publicApp.id, redirectUri, challenge, scope: "read write", state: "xyz-Ä 1" };

    const page = await http("GET", authorizePath(p));
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.headers["x-ratelimit-limit"]).toBe("100");
    expect(page.text).toContain("CLI");
    expect(page.text).toContain('name="api_key"');

    const consent = await postConsent(http, p, { api_key: world.employee.key, decision: "approve" });
    const back = locationParams(consent);
    expect(consent.headers.location?.startsWith(`${redirectUri}?`)).toBe(true);
    expect(back.get("state")).toBe("xyz-Ä 1");
    const code = back.get("code") as string;
    expect(code).toMatch(/^ac_[0-9A-Za-z]{32}$/);
    const cookie = consent.headers["set-cookie"] as string;
    expect(cookie).toMatch(/^tc_oauth_session=tcss_\w+; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=43200$/);

    const token = await tokenRequest(http, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: publicApp.id,
    });
    expect(token.status, token.text).toBe(200);
    expect(token.headers["cache-control"]).toBe("no-store");
    expect(token.headers.pragma).toBe("no-cache");
    const first = token.json();
    expect(first).toEqual({
      access_token: expect.stringMatching(/^tcat_[0-9A-Za-z]{40}$/),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^tcrt_[0-9A-Za-z]{40}$/),
      scope: "read write",
    });

    const me = await http("GET", "/v1/me", { headers: bearer(first.access_token) });
    expect(me.status, me.text).toBe(200);
    expect(me.json().user.id).toBe(world.employee.id);
    expect(me.json().credential).toMatchObject({
      type: "oauth_token",
      id: publicApp.id,
      scope: "full",
      oauth_scopes: ["read", "write"],
      // The app was made with a tc_test_ key: its tokens are test credentials, as sandbox keys are.
      mode: "test",
    });
    const started = await http("POST", "/v1/sessions/start", {
      headers: { ...bearer(first.access_token), "content-type": "application/json" },
      body: JSON.stringify({ note: "via OAuth" }),
    });
    expect(started.status, started.text).toBe(201);
    expect(started.json().employee_id).toBe(world.employee.id);

    const refreshed = await tokenRequest(http, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: publicApp.id,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    const second = refreshed.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await http("GET", "/v1/me", { headers: bearer(second.access_token) })).status).toBe(200);

    const revoked = await revokeRequest(http, {
      token: second.refresh_token,
      token_type_hint: "refresh_token",
      client_id: publicApp.id,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe("");
    // Revoking a refresh token revokes the access tokens of its family (RFC 7009 §2.1).
    const after = await http("GET", "/v1/me", { headers: bearer(second.access_token) });
    expect(after.status).toBe(401);
    expect(after.json().code).toBe("invalid_token");
    const oldRefresh = await tokenRequest(http, {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: publicApp.id,
    });
    expectOAuthError(oldRefresh, 400, "invalid_grant");

    // Signed in and already granted: the next authorization skips the page.
    const again = await http("GET", authorizePath({ ...p, challenge: pkce().challenge, state: "two" }), {
      headers: { cookie: cookie.split(";")[0] as string },
    });
    const skipped = locationParams(again);
    expect(skipped.get("code")).toMatch(/^ac_/);
    expect(skipped.get("state")).toBe("two");

    secrets.push(
      code,
      verifier,
      first.access_token,
      first.refresh_token,
      second.access_token,
      second.refresh_token,
      world.employee.key,
      (cookie.split(";")[0] as string).split("=")[1] as string,
      skipped.get("code") as string,
    );
  });

  it("writes no code, token, verifier, key or session to the logs or the audit log", async () => {
    expect(secrets.length).toBe(9);
    await server.app.audit.flush();
    await running.app.audit.flush();
    const text = lines.join("\n");
    expect(text).toContain("/oauth/token");
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .execute();
    const auditText = JSON.stringify(audit);
    // The API calls made with the token are in the audit log, under the app and the user.
    expect(audit.some((a) => a.actor_type === "oauth_app" && a.actor_oauth_app_id === publicApp.id)).toBe(true);
    const hashes = secrets.map((s) => createHash("sha256").update(s).digest("hex"));
    for (const secret of [...secrets, ...hashes]) {
      expect(text.includes(secret), `log has ${secret.slice(0, 8)}…`).toBe(false);
      expect(auditText.includes(secret), `audit has ${secret.slice(0, 8)}…`).toBe(false);
    }
    // The database keeps hashes only.
    const tokens = await server.storage.db
      .selectFrom("oauth_tokens")
      .select("token_hash")
      .where("app_id", "=", publicApp.id)
      .execute();
    expect(tokens.map((r) => r.token_hash)).toEqual(expect.arrayContaining([hashes[2], hashes[3]]));
  });
});

describe("redeeming a code", () => {
  async function codeFor(app = publicApp, redirectUri = LOOPBACK) {
    const { verifier, challenge } = pkce();
    const { code } = await approve(t, { clientId: app.id, redirectUri, challenge }, world.employee.key);
    return { code, verifier, redirectUri };
  }
  const redeem = (c: { code: string; verifier: string; redirectUri: string }, extra = {}) =>
    tokenRequest(t, {
      grant_type: "authorization_code",
      code: c.code,
      redirect_uri: c.redirectUri,
      code_verifier: c.verifier,
      client_id: publicApp.id,
      ...extra,
    });

  it("refuses a wrong code_verifier with invalid_grant, and the code is spent", async () => {
    const c = await codeFor();
    expectOAuthError(await redeem(c, { code_verifier: pkce().verifier }), 400, "invalid_grant");
    expectOAuthError(await redeem(c), 400, "invalid_grant");
  });

  it("refuses a code used twice, and revokes the tokens it gave", async () => {
    const c = await codeFor();
    const first = await redeem(c);
    expect(first.status).toBe(200);
    const { access_token } = first.json();
    expect((await call(server, access_token, "GET", "/v1/me")).status).toBe(200);
    expectOAuthError(await redeem(c), 400, "invalid_grant");
    const me = await call(server, access_token, "GET", "/v1/me");
    expect(me.status).toBe(401);
    expect(me.body.code).toBe("invalid_token");
  });

  it("refuses a code after its 10 minutes", async () => {
    const c = await codeFor();
    server.clock.advance(10 * 60 * 1000 + 1000);
    try {
      expectOAuthError(await redeem(c), 400, "invalid_grant");
    } finally {
      server.clock.set(new Date());
    }
  });

  it("refuses another redirect_uri, another client, a malformed verifier", async () => {
    const c = await codeFor();
    expectOAuthError(await redeem(c, { redirect_uri: "http://127.0.0.1/other" }), 400, "invalid_grant");
    const d = await codeFor();
    expectOAuthError(
      await redeem(d, { client_id: confidentialApp.id, client_secret: confidentialApp.client_secret }),
      400,
      "invalid_grant",
    );
    const e = await codeFor();
    expectOAuthError(await redeem(e, { code_verifier: "short" }), 400, "invalid_request");
    expectOAuthError(await redeem(e, { code: undefined }), 400, "invalid_request");
  });

  it("an access token expires after an hour", async () => {
    const c = await codeFor();
    const { access_token } = (await redeem(c)).json();
    server.clock.advance(3600 * 1000);
    try {
      const res = await call(server, access_token, "GET", "/v1/me");
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_token");
    } finally {
      server.clock.set(new Date());
    }
  });
});

describe("the authorization endpoint", () => {
  const base = () => ({ clientId: publicApp.id, redirectUri: LOOPBACK, challenge: pkce().challenge, state: "st" });

  it("never redirects to an unknown client's or an unregistered redirect_uri", async () => {
    const cases = [
      { ...base(), clientId: "app_0000000000000000" },
      { ...base(), redirectUri: "https://evil.example.com/callback" },
      { ...base(), redirectUri: "http://127.0.0.1:8080/other" },
      { ...base(), redirectUri: "http://localhost/callback" },
      { ...base(), redirectUri: "http://127.0.0.1.evil.example.com/callback" },
      { ...base(), redirectUri: "http://127.0.0.1@evil.example.com/callback" },
    ];
    for (const p of cases) expectOAuthError(await t("GET", authorizePath(p)), 400, "invalid_request");
    const missing = await t("GET", `/oauth/authorize?response_type=code&client_id=${publicApp.id}`);
    expectOAuthError(missing, 400, "invalid_request");
    // Errors of a known client and URI are sent back to it, with the state.
    const bad = await t("GET", authorizePath({ ...base(), scope: "admin" }));
    expect(Object.fromEntries(locationParams(bad))).toMatchObject({ error: "invalid_scope", state: "st" });
  });

  it("ignores the port of a loopback redirect URI only (RFC 8252 §7.3)", async () => {
    for (const port of ["", ":1", ":8080", ":65535"]) {
      const res = await t("GET", authorizePath({ ...base(), redirectUri: `http://127.0.0.1${port}/callback` }));
      expect(res.status, port).toBe(200);
    }
    const web = {
      ...base(),
      clientId: confidentialApp.id,
      redirectUri: "https://bridge.example.com:8443/oauth/callback",
    };
    expectOAuthError(await t("GET", authorizePath(web)), 400, "invalid_request");
    expect((await t("GET", authorizePath({ ...web, redirectUri: WEB }))).status).toBe(200);
  });

  it("sends the request's errors back to the client", async () => {
    const p = base();
    const path = (q: Record<string, string>) => `${authorizePath(p)}&${new URLSearchParams(q)}`;
    const errorOf = async (url: string) => locationParams(await t("GET", url)).get("error");
    expect(await errorOf(path({ code_challenge_method: "plain" }).replace("code_challenge_method=S256&", ""))).toBe(
      "invalid_request",
    );
    expect(await errorOf(authorizePath(p).replace(/code_challenge=[^&]+&/, ""))).toBe("invalid_request");
    expect(await errorOf(authorizePath(p).replace("response_type=code", "response_type=token"))).toBe(
      "unsupported_response_type",
    );
    expect(await errorOf(authorizePath({ ...p, scope: "read delete" }))).toBe("invalid_scope");
    const denied = await postConsent(t, p, { decision: "deny" });
    expect(Object.fromEntries(locationParams(denied))).toMatchObject({ error: "access_denied", state: "st" });
  });

  it("asks for the key again when it is wrong, and refuses a cross-site post", async () => {
    const p = base();
    const wrong = await postConsent(t, p, { api_key: "tc_live_nope", decision: "approve" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.location).toBeUndefined();
    expect(wrong.text).toContain('name="api_key"');
    const crossSite = await postConsent(
      t,
      p,
      { api_key: world.employee.key, decision: "approve" },
      { origin: "https://evil.example.com" },
    );
    expectOAuthError(crossSite, 400, "invalid_request");
    // Another organization's user cannot approve this organization's app; a read key cannot grant write.
    expect((await postConsent(t, p, { api_key: other.admin.key, decision: "approve" })).status).toBe(403);
    expect((await postConsent(t, p, { api_key: world.employee.readKey, decision: "approve" })).status).toBe(403);
    const readOnly = await postConsent(
      t,
      { ...p, scope: "read" },
      { api_key: world.employee.readKey, decision: "approve" },
    );
    expect(locationParams(readOnly).get("code")).toMatch(/^ac_/);
  });

  it("approves with the session and its CSRF token, not with the cookie alone", async () => {
    const p = base();
    const { cookie } = await approve(t, { ...p, scope: "read" }, world.colleague.key);
    const headers = { cookie: cookie as string };
    // Signed in, but `write` was never granted: the page asks, already signed in.
    const page = await t("GET", authorizePath({ ...p, scope: "read write" }), { headers });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="api_key"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(csrf).toBeTruthy();
    const noCsrf = await postConsent(t, { ...p, scope: "read write" }, { decision: "approve" }, headers);
    expect(noCsrf.status).toBe(401);
    const ok = await postConsent(t, { ...p, scope: "read write" }, { decision: "approve", csrf }, headers);
    expect(locationParams(ok).get("code")).toMatch(/^ac_/);
  });
});

describe("the token endpoint", () => {
  it("client credentials: a confidential app acts as its employee, without a refresh token", async () => {
    const res = await tokenRequest(
      t,
      { grant_type: "client_credentials", scope: "read" },
      basic(confidentialApp.id, confidentialApp.client_secret),
    );
    expect(res.status, res.text).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      access_token: expect.stringMatching(/^tcat_/),
      token_type: "Bearer",
      expires_in: 3600,
      scope: "read",
    });
    const me = await call(server, body.access_token, "GET", "/v1/me");
    expect(me.body.user.id).toBe(world.manager.id);
    expect(me.body.credential.oauth_scopes).toEqual(["read"]);
    const post = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: confidentialApp.id,
      client_secret: confidentialApp.client_secret,
    });
    expect(post.json().scope).toBe("read write admin");
  });

  it("client credentials are refused to a public app and to an app without the grant", async () => {
    expectOAuthError(
      await tokenRequest(t, { grant_type: "client_credentials", client_id: publicApp.id }),
      400,
      "unauthorized_client",
    );
    const noGrant = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
      name: "Web only",
      redirect_uris: [WEB],
      allowed_scopes: ["read"],
    });
    expectOAuthError(
      await tokenRequest(t, { grant_type: "client_credentials" }, basic(noGrant.body.id, noGrant.body.client_secret)),
      400,
      "unauthorized_client",
    );
  });

  it("authenticates the client, or answers 401 invalid_client", async () => {
    const secret = confidentialApp.client_secret as string;
    const wrong = await tokenRequest(t, { grant_type: "client_credentials" }, basic(confidentialApp.id, `${secret}x`));
    expectOAuthError(wrong, 401, "invalid_client");
    expect(wrong.headers["www-authenticate"]).toBe('Basic realm="timecard"');
    const post = await tokenRequest(t, {
      grant_type: "client_credentials",
      client_id: confidentialApp.id,
      client_secret: "tcs_x",
    });
    expectOAuthError(post, 401, "invalid_client");
    expect(post.headers["www-authenticate"]).toBeUndefined();
    // A confidential app without its secret, an unknown client, a public client with a secret.
    expectOAuthError(
      await tokenRequest(t, { grant_type: "client_credentials", client_id: confidentialApp.id }),
      401,
      "invalid_client",
    );
    expectOAuthError(
      await tokenRequest(t, { grant_type: "refresh_token", refresh_token: "x", client_id: "app_0000000000000000" }),
      401,
      "invalid_client",
    );
    expectOAuthError(
      await tokenRequest(t, {
        grant_type: "refresh_token",
        refresh_token: "x",
        client_id: publicApp.id,
        client_secret: "s",
      }),
      401,
      "invalid_client",
    );
    // Both methods at once.
    const both = await tokenRequest(
      t,
      { grant_type: "client_credentials", client_secret: secret },
      basic(confidentialApp.id, secret),
    );
    expectOAuthError(both, 400, "invalid_request");
  });

  it("answers malformed requests with 400 OAuth errors, never problems", async () => {
    expectOAuthError(await tokenRequest(t, { client_id: publicApp.id }), 400, "invalid_request");
    expectOAuthError(
      await tokenRequest(t, { grant_type: "password", client_id: publicApp.id }),
      400,
      "unsupported_grant_type",
    );
    expectOAuthError(
      await tokenRequest(t, { grant_type: "refresh_token", client_id: publicApp.id }),
      400,
      "invalid_request",
    );
    const json = await t("POST", "/oauth/token", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expectOAuthError(json, 400, "invalid_request");
    expectOAuthError(await t("POST", "/oauth/token"), 400, "invalid_request");
    const nul = await tokenRequest(t, {
      grant_type: "refresh_token",
      refresh_token: "a\u0000b",
      client_id: publicApp.id,
    });
    expectOAuthError(nul, 400, "invalid_request");
  });

  it("refuses scopes wider than allowed or granted with invalid_scope", async () => {
    const tokens = await codeFlow(t, publicApp, LOOPBACK, world.employee.key, "read");
    const wider = await tokenRequest(t, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: publicApp.id,
      scope: "read write",
    });
    expectOAuthError(wider, 400, "invalid_scope");
    const narrowerApp = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
      name: "Reader",
      allowed_scopes: ["read"],
      grant_types: ["client_credentials"],
      client_credentials_employee_id: world.admin.id,
    });
    const cc = await tokenRequest(
      t,
      { grant_type: "client_credentials", scope: "write" },
      basic(narrowerApp.body.id, narrowerApp.body.client_secret),
    );
    expectOAuthError(cc, 400, "invalid_scope");
  });

  it("a rotated refresh token presented again revokes the whole chain", async () => {
    const tokens = await codeFlow(t, publicApp, LOOPBACK, world.employee.key);
    const refresh = (token: string) =>
      tokenRequest(t, { grant_type: "refresh_token", refresh_token: token, client_id: publicApp.id });
    const next = (await refresh(tokens.refresh_token)).json();
    expect((await call(server, next.access_token, "GET", "/v1/me")).status).toBe(200);
    expectOAuthError(await refresh(tokens.refresh_token), 400, "invalid_grant");
    expect((await call(server, next.access_token, "GET", "/v1/me")).status).toBe(401);
    expectOAuthError(await refresh(next.refresh_token), 400, "invalid_grant");
  });

  it("a deactivated user's tokens stop working", async () => {
    const user = await call(server, world.admin.key, "POST", "/v1/employees", {
      name: "Leaving Soon",
      email: `leaving.${Date.now()}@example.com`,
    });
    const key = await call(server, world.admin.key, "POST", "/v1/api-keys", { name: "k", employee_id: user.body.id });
    const tokens = await codeFlow(t, publicApp, LOOPBACK, key.body.secret);
    expect((await call(server, tokens.access_token, "GET", "/v1/me")).status).toBe(200);
    expect((await call(server, world.admin.key, "POST", `/v1/employees/${user.body.id}/deactivate`)).status).toBe(200);
    expect((await call(server, tokens.access_token, "GET", "/v1/me")).status).toBe(401);
    expectOAuthError(
      await tokenRequest(t, {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: publicApp.id,
      }),
      400,
      "invalid_grant",
    );
  });
});

describe("revocation (RFC 7009)", () => {
  it("answers 200 for unknown tokens and other apps' tokens, which stay valid", async () => {
    const tokens = await codeFlow(t, publicApp, LOOPBACK, world.employee.key);
    expect((await revokeRequest(t, { token: "tcat_unknown", client_id: publicApp.id })).status).toBe(200);
    const elsewhere = await revokeRequest(
      t,
      { token: tokens.access_token },
      basic(confidentialApp.id, confidentialApp.client_secret),
    );
    expect(elsewhere.status).toBe(200);
    expect((await call(server, tokens.access_token, "GET", "/v1/me")).status).toBe(200);
    // An access token alone: its refresh token still works.
    expect(
      (
        await revokeRequest(t, {
          token: tokens.access_token,
          token_type_hint: "refresh_token",
          client_id: publicApp.id,
        })
      ).status,
    ).toBe(200);
    expect((await call(server, tokens.access_token, "GET", "/v1/me")).status).toBe(401);
    const refreshed = await tokenRequest(t, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: publicApp.id,
    });
    expect(refreshed.status).toBe(200);
  });

  it("refuses a missing token with 400 and a failed client authentication with 401", async () => {
    expectOAuthError(await revokeRequest(t, { client_id: publicApp.id }), 400, "invalid_request");
    expectOAuthError(await revokeRequest(t, { token: "x" }, basic(confidentialApp.id, "wrong")), 401, "invalid_client");
  });
});

describe("server metadata (RFC 8414)", () => {
  it("names the endpoints and what they support, cacheable for an hour", async () => {
    const res: Exchange = await t("GET", "/.well-known/oauth-authorization-server");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=3600");
    expect(res.headers["x-ratelimit-limit"]).toBe("100");
    expect(res.json()).toEqual({
      issuer: "http://localhost:80",
      authorization_endpoint: "http://localhost:80/oauth/authorize",
      token_endpoint: "http://localhost:80/oauth/token",
      revocation_endpoint: "http://localhost:80/oauth/revoke",
      scopes_supported: ["read", "write", "admin"],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      service_documentation: "https://docs.timecard.dev/oauth",
    });
  });
});
