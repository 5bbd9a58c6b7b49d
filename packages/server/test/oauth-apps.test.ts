import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import {
  approve,
  basic,
  codeFlow,
  expectOAuthError,
  injectTransport,
  pkce,
  tokenRequest,
} from "./support/oauth-flow.js";
import { expectProblem } from "./support/spec-walk.js";

// OAuth apps (admins only), and what their tokens may do: the token's scopes intersected with
// its user's role, within its organization only. Deleting an app revokes everything it holds.
const server = useTestServer();
let world: World;
let other: World;
const WEB = "https://bridge.example.com/oauth/callback";
const t = () => injectTransport(server, `203.0.113.${Math.floor(Math.random() * 250) + 1}`);

beforeAll(async () => {
  world = await createWorld(server);
  other = await createWorld(server);
});

/** An app that may ask for every scope, for `authorization_code` and `client_credentials`. */
async function createApp(name: string, world_: World = world) {
  const res = await call(server, world_.admin.key, "POST", "/v1/oauth-apps", {
    name,
    redirect_uris: [WEB],
    allowed_scopes: ["read", "write", "admin"],
    grant_types: ["authorization_code", "refresh_token", "client_credentials"],
    client_credentials_employee_id: world_.admin.id,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("managing apps", () => {
  it("shows a confidential app's secret once and stores only its hash", async () => {
    const app = await createApp("Payroll Bridge");
    expect(app).toMatchObject({
      id: expect.stringMatching(/^app_/),
      organization_id: world.organizationId,
      client_id: app.id,
      confidential: true,
      client_credentials_employee_id: world.admin.id,
      client_secret: expect.stringMatching(/^tcs_[0-9A-Za-z]{40}$/),
    });
    const got = await call(server, world.admin.key, "GET", `/v1/oauth-apps/${app.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty("client_secret");
    const { client_secret, ...rest } = app;
    expect(got.body).toEqual(rest);
    const list = await call(server, world.admin.readKey, "GET", "/v1/oauth-apps");
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(app.id);
    expect(JSON.stringify(list.body)).not.toContain(client_secret);
    const row = await server.storage.db
      .selectFrom("oauth_apps")
      .select("client_secret_hash")
      .where("id", "=", app.id)
      .executeTakeFirstOrThrow();
    expect(row.client_secret_hash).toBe(createHash("sha256").update(client_secret).digest("hex"));
  });

  it("gives a public app no secret", async () => {
    const res = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
      name: "Desktop",
      redirect_uris: ["http://localhost/cb"],
      allowed_scopes: ["read"],
      confidential: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      confidential: false,
      client_secret: null,
      grant_types: ["authorization_code", "refresh_token"],
    });
  });

  it("pages newest first", async () => {
    const own = await createWorld(server);
    const ids = [];
    for (const name of ["A", "B", "C"]) ids.push((await createApp(name, own)).id);
    const first = await call(server, own.admin.key, "GET", "/v1/oauth-apps?limit=2");
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const next = await call(server, own.admin.key, "GET", `/v1/oauth-apps?limit=2&cursor=${first.body.next_cursor}`);
    expect(next.body).toMatchObject({ data: [{ id: ids[0] }], has_more: false, next_cursor: null });
  });

  it("checks the rules the schema cannot say with 422, and names with 409", async () => {
    const post = (body: Record<string, unknown>) => call(server, world.admin.key, "POST", "/v1/oauth-apps", body);
    const field = async (body: Record<string, unknown>) => {
      const res = await post(body);
      expectProblem(res, 422, "validation_failed");
      return res.body.errors[0].field;
    };
    expect(await field({ name: "No URI", allowed_scopes: ["read"] })).toBe("body.redirect_uris");
    expect(
      await field({
        name: "Public CC",
        allowed_scopes: ["read"],
        grant_types: ["client_credentials"],
        confidential: false,
        client_credentials_employee_id: world.admin.id,
      }),
    ).toBe("body.confidential");
    expect(await field({ name: "CC", allowed_scopes: ["read"], grant_types: ["client_credentials"] })).toBe(
      "body.client_credentials_employee_id",
    );
    expect(
      await field({
        name: "CC",
        allowed_scopes: ["read"],
        grant_types: ["client_credentials"],
        client_credentials_employee_id: other.admin.id,
      }),
    ).toBe("body.client_credentials_employee_id");
    expect(await field({ name: "X", redirect_uris: ["http://example.com/cb"], allowed_scopes: ["read"] })).toMatch(
      /^body\.redirect_uris/,
    );
    await createApp("Twice");
    expectProblem(await post({ name: "Twice", redirect_uris: [WEB], allowed_scopes: ["read"] }), 409, "already_exists");
  });

  it("is for admins: other roles are forbidden, read credentials cannot create", async () => {
    expectProblem(await call(server, world.manager.key, "GET", "/v1/oauth-apps"), 403, "forbidden");
    expectProblem(
      await call(server, world.admin.readKey, "POST", "/v1/oauth-apps", {
        name: "R",
        redirect_uris: [WEB],
        allowed_scopes: ["read"],
      }),
      403,
      "insufficient_scope",
    );
  });

  it("audits creation and deletion, never with the secret", async () => {
    const app = await createApp("Audited");
    expect((await call(server, world.admin.key, "DELETE", `/v1/oauth-apps/${app.id}`)).status).toBe(204);
    const entries = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("resource_id", "=", app.id)
      .orderBy("id")
      .execute();
    expect(entries.map((e) => [e.action, e.actor_employee_id])).toEqual([
      ["oauth_app.created", world.admin.id],
      ["oauth_app.deleted", world.admin.id],
    ]);
    expect(entries[0]?.changes).toMatchObject({
      name: { from: null, to: "Audited" },
      allowed_scopes: { to: ["read", "write", "admin"] },
    });
    expect(JSON.stringify(entries)).not.toContain(app.client_secret);
    expectProblem(await call(server, world.admin.key, "GET", `/v1/oauth-apps/${app.id}`), 404, "not_found");
  });

  it("deleting an app revokes its tokens, refresh tokens and codes at once", async () => {
    const app = await createApp("Doomed");
    const tr = t();
    const tokens = await codeFlow(tr, app, WEB, world.employee.key);
    // A code issued but not redeemed yet.
    await approve(tr, { clientId: app.id, redirectUri: WEB, challenge: pkce().challenge }, world.employee.key);
    expect((await call(server, tokens.access_token, "GET", "/v1/me")).status).toBe(200);
    expect((await call(server, world.admin.key, "DELETE", `/v1/oauth-apps/${app.id}`)).status).toBe(204);
    const me = await call(server, tokens.access_token, "GET", "/v1/me");
    expectProblem(me, 401, "invalid_token");
    expectOAuthError(
      await tokenRequest(
        tr,
        { grant_type: "refresh_token", refresh_token: tokens.refresh_token },
        basic(app.id, app.client_secret),
      ),
      401,
      "invalid_client",
    );
    const left = await server.storage.db
      .selectFrom("oauth_tokens")
      .select("token_hash")
      .where("app_id", "=", app.id)
      .execute();
    expect(left).toEqual([]);
    expect(
      await server.storage.db.selectFrom("oauth_codes").select("code_hash").where("app_id", "=", app.id).execute(),
    ).toEqual([]);
  });
});

describe("what a token may do: its scopes intersected with its user's role", () => {
  let app: { id: string; client_secret: string };
  beforeAll(async () => {
    app = await createApp("Scopes");
  });

  it("a read token cannot write", async () => {
    const tokens = await codeFlow(t(), app, WEB, world.employee.key, "read");
    expect((await call(server, tokens.access_token, "GET", "/v1/projects")).status).toBe(200);
    const res = await call(server, tokens.access_token, "POST", "/v1/sessions/start", { note: "x" });
    expectProblem(res, 403, "insufficient_scope");
  });

  it("a write token without admin cannot do admin things, even for an admin", async () => {
    const tokens = await codeFlow(t(), app, WEB, world.admin.key, "read write");
    const res = await call(server, tokens.access_token, "POST", "/v1/employees", {
      name: "N",
      email: `n.${Date.now()}@example.com`,
    });
    expectProblem(res, 403, "insufficient_scope");
    expect((await call(server, tokens.access_token, "POST", "/v1/sessions/start", {})).status).toBe(201);
  });

  it("an admin-scoped token of an employee cannot do admin things; of an admin it can", async () => {
    const employee = await codeFlow(t(), app, WEB, world.colleague.key, "read write admin");
    expect(employee.scope).toBe("read write admin");
    const me = await call(server, employee.access_token, "GET", "/v1/me");
    expect(me.body.credential.oauth_scopes).toEqual(["read", "write"]);
    const body = { name: "New Hire", email: `hire.${Date.now()}@example.com` };
    expectProblem(await call(server, employee.access_token, "POST", "/v1/employees", body), 403, "forbidden");
    expectProblem(await call(server, employee.access_token, "GET", "/v1/oauth-apps"), 403, "forbidden");
    const admin = await codeFlow(t(), app, WEB, world.admin.key, "read write admin");
    expect((await call(server, admin.access_token, "POST", "/v1/employees", body)).status).toBe(201);
    expect((await call(server, admin.access_token, "GET", "/v1/oauth-apps")).status).toBe(200);
  });

  it("client credentials tokens act as the app's employee, with that employee's role", async () => {
    const manager = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
      name: "Manager bot",
      allowed_scopes: ["read", "write", "admin"],
      grant_types: ["client_credentials"],
      client_credentials_employee_id: world.manager.id,
    });
    const res = await tokenRequest(
      t(),
      { grant_type: "client_credentials" },
      basic(manager.body.id, manager.body.client_secret),
    );
    const token = res.json().access_token;
    expect((await call(server, token, "GET", "/v1/me")).body.user.id).toBe(world.manager.id);
    expectProblem(await call(server, token, "GET", "/v1/oauth-apps"), 403, "forbidden");
  });

  it("a token sees only its organization", async () => {
    const tokens = await codeFlow(t(), app, WEB, world.admin.key, "read");
    const theirs = await call(server, tokens.access_token, "GET", `/v1/employees/${other.employee.id}`);
    expectProblem(theirs, 404, "not_found");
    const list = await call(server, tokens.access_token, "GET", "/v1/employees?limit=100");
    const orgs = new Set(list.body.data.map((e: { organization_id: string }) => e.organization_id));
    expect([...orgs]).toEqual([world.organizationId]);
    // Nor another organization's apps.
    const otherApp = await createApp("Theirs", other);
    expectProblem(await call(server, tokens.access_token, "GET", `/v1/oauth-apps/${otherApp.id}`), 404, "not_found");
  });
});
