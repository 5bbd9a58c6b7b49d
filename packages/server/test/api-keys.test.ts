import { createHash } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { parseKeySecret } from "../src/domain/api-key-secret.js";
import { createOrganization, createPerson, issueApiKey } from "../src/domain/bootstrap.js";
import { call, createWorld, type TestServer, useTestServer } from "./support/harness.js";

const server = useTestServer();
const DAY = 24 * 3600 * 1000;

async function eventsOf(s: TestServer, organizationId: string) {
  return s.storage.db
    .selectFrom("events")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .orderBy("id")
    .execute();
}

async function auditOf(s: TestServer, organizationId: string, action?: string) {
  await s.app.audit.flush();
  let q = s.storage.db.selectFrom("audit_log").selectAll().where("organization_id", "=", organizationId);
  if (action) q = q.where("action", "=", action);
  return q.orderBy("id").execute();
}

async function keyRow(s: TestServer, id: string) {
  return s.storage.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function createKey(key: string, body: Record<string, unknown> = {}) {
  const res = await call(server, key, "POST", "/v1/api-keys", { name: "Payroll sync", ...body });
  expect(res.status).toBe(201);
  return res.body;
}

describe("creating API keys", () => {
  it("creates a key for the caller, returns its secret once and stores only its hash", async () => {
    const world = await createWorld(server);
    const res = await call(server, world.employee.key, "POST", "/v1/api-keys", {
      name: "Payroll sync (Money S3)",
      rate_limit_per_hour: 500,
    });
    expect(res.status).toBe(201);
    const key = res.body;
    expect(key).toEqual({
      id: expect.stringMatching(/^key_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      employee_id: world.employee.id,
      name: "Payroll sync (Money S3)",
      scope: "full",
      mode: "test",
      prefix: key.secret.slice(0, 12),
      last_four: key.secret.slice(-4),
      rate_limit_per_hour: 500,
      expires_at: null,
      last_used_at: null,
      last_used_ip: null,
      status: "active",
      revoked_at: null,
      rotated_to: null,
      created_at: server.clock.now.toISOString(),
      created_by: world.employee.id,
      secret: expect.stringMatching(/^tc_test_[0-9A-Za-z]{38}$/),
    });
    expect(parseKeySecret(key.secret)).toBe("test");

    const row = await keyRow(server, key.id);
    expect(row.secret_hash).toBe(createHash("sha256").update(key.secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(key.secret);

    // The key works, as its user, at once.
    const me = await call(server, key.secret, "GET", "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(world.employee.id);
    expect(me.body.credential).toMatchObject({ id: key.id, scope: "full", mode: "test" });
    expect(me.headers["x-ratelimit-limit"]).toBe("500");

    // Reading it again never shows the secret.
    const got = await call(server, world.employee.key, "GET", `/v1/api-keys/${key.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty("secret");
    expect(got.body.id).toBe(key.id);

    const events = await eventsOf(server, world.organizationId);
    expect(events.map((e) => e.type)).toEqual(["api_key.created"]);
    expect(events[0]?.employee_id).toBe(world.employee.id);
    expect(events[0]?.resource_ids).toEqual([key.id, world.employee.id]);
    const { secret: _secret, ...withoutSecret } = key;
    expect(events[0]?.data).toEqual(withoutSecret);

    const audit = await auditOf(server, world.organizationId, "api_key.created");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_type: "api_key",
      actor_employee_id: world.employee.id,
      resource_type: "api_key",
      resource_id: key.id,
      method: "POST",
      path: "/v1/api-keys",
      changes: {
        employee_id: { from: null, to: world.employee.id },
        name: { from: null, to: "Payroll sync (Money S3)" },
        scope: { from: null, to: "full" },
        rate_limit_per_hour: { from: null, to: 500 },
      },
    });
  });

  it("gives the new key the mode of the credential that creates it", async () => {
    const world = await createWorld(server);
    const live = await issueApiKey(server.storage.db, {
      organizationId: world.organizationId,
      employeeId: world.admin.id,
      name: "live",
      scope: "full",
      mode: "live",
    });
    const fromLive = await createKey(live.secret);
    expect(fromLive.mode).toBe("live");
    expect(fromLive.prefix).toMatch(/^tc_live_/);
    expect(fromLive.secret).toMatch(/^tc_live_[0-9A-Za-z]{38}$/);
    const fromTest = await createKey(world.admin.key);
    expect(fromTest.mode).toBe("test");
    expect(fromTest.secret).toMatch(/^tc_test_/);
  });

  it("takes scope, expiry in days or at a time, and refuses invalid values with field paths", async () => {
    const world = await createWorld(server);
    const now = server.clock.now.getTime();
    const read = await createKey(world.manager.key, { scope: "read", expires_in_days: 30 });
    expect(read).toMatchObject({ scope: "read", expires_at: new Date(now + 30 * DAY).toISOString() });
    const readMe = await call(server, read.secret, "GET", "/v1/me");
    expect(readMe.body.credential.scope).toBe("read");
    const at = new Date(now + 10 * DAY).toISOString();
    expect((await createKey(world.manager.key, { expires_at: at })).expires_at).toBe(at);

    const invalid: [Record<string, unknown>, string][] = [
      [{ rate_limit_per_hour: 99 }, "body.rate_limit_per_hour"],
      [{ rate_limit_per_hour: 10001 }, "body.rate_limit_per_hour"],
      [{ name: "" }, "body.name"],
      [{ name: "x".repeat(101) }, "body.name"],
      [{ scope: "admin" }, "body.scope"],
      [{ expires_in_days: 731 }, "body.expires_in_days"],
      [{ expires_in_days: 0 }, "body.expires_in_days"],
      [{ expires_at: new Date(now - 1000).toISOString() }, "body.expires_at"],
      [{ expires_at: new Date(now + 731 * DAY).toISOString() }, "body.expires_at"],
      [{ expires_at: "tomorrow" }, "body.expires_at"],
      [{ secret: "tc_test_mine" }, "body.secret"],
    ];
    for (const [body, field] of invalid) {
      const res = await call(server, world.manager.key, "POST", "/v1/api-keys", { name: "k", ...body });
      expect({ body, status: res.status, code: res.body.code }).toEqual({
        body,
        status: 422,
        code: "validation_failed",
      });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const both = await call(server, world.manager.key, "POST", "/v1/api-keys", {
      name: "k",
      expires_at: new Date(now + DAY).toISOString(),
      expires_in_days: 1,
    });
    expect(both.status).toBe(422);
    expect(both.body.code).toBe("validation_failed");
    const missing = await call(server, world.manager.key, "POST", "/v1/api-keys", {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toContainEqual({ field: "body.name", message: "is required" });

    const keys = await server.storage.db
      .selectFrom("api_keys")
      .select("id")
      .where("employee_id", "=", world.manager.id)
      .execute();
    expect(keys).toHaveLength(4); // full + read of the world, and the two created above
  });

  it("lets only admins create keys for someone else, and refuses a deactivated employee", async () => {
    const world = await createWorld(server);
    const forEmployee = await createKey(world.admin.key, { employee_id: world.employee.id });
    expect(forEmployee).toMatchObject({ employee_id: world.employee.id, created_by: world.admin.id });
    const me = await call(server, forEmployee.secret, "GET", "/v1/me");
    expect(me.body.user.id).toBe(world.employee.id);

    const bySelf = await createKey(world.employee.key, { employee_id: world.employee.id });
    expect(bySelf.employee_id).toBe(world.employee.id);

    const byManager = await call(server, world.manager.key, "POST", "/v1/api-keys", {
      name: "for my report",
      employee_id: world.employee.id,
    });
    expect(byManager.status).toBe(403);
    expect(byManager.body.code).toBe("forbidden");

    const other = await createWorld(server);
    const foreign = await call(server, world.admin.key, "POST", "/v1/api-keys", {
      name: "k",
      employee_id: other.employee.id,
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors.map((e: { field: string }) => e.field)).toEqual(["body.employee_id"]);

    expect((await call(server, world.admin.key, "POST", `/v1/employees/${world.outsider.id}/deactivate`)).status).toBe(
      200,
    );
    const before = await eventsOf(server, world.organizationId);
    const gone = await call(server, world.admin.key, "POST", "/v1/api-keys", {
      name: "k",
      employee_id: world.outsider.id,
    });
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe("invalid_state");
    // Nothing half-written.
    expect(await eventsOf(server, world.organizationId)).toHaveLength(before.length);
    const outsiderKeys = await server.storage.db
      .selectFrom("api_keys")
      .select("id")
      .where("employee_id", "=", world.outsider.id)
      .execute();
    expect(outsiderKeys).toHaveLength(2);
  });

  it("refuses read keys every change with 403 insufficient_scope, but lets them list", async () => {
    const world = await createWorld(server);
    const target = await createKey(world.admin.key);
    const attempts: [string, string, unknown][] = [
      ["POST", "/v1/api-keys", { name: "k" }],
      ["PATCH", `/v1/api-keys/${target.id}`, { name: "x" }],
      ["POST", `/v1/api-keys/${target.id}/revoke`, undefined],
      ["POST", `/v1/api-keys/${target.id}/rotate`, {}],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(server, world.admin.readKey, method as "POST", url, body);
      expect({ url, status: res.status, code: res.body.code }).toEqual({
        url,
        status: 403,
        code: "insufficient_scope",
      });
    }
    expect((await call(server, world.admin.readKey, "GET", "/v1/api-keys")).status).toBe(200);
    expect((await call(server, world.admin.readKey, "GET", `/v1/api-keys/${target.id}`)).status).toBe(200);
    expect((await keyRow(server, target.id)).revoked_at).toBeNull();
  });

  it("replays a create with the same Idempotency-Key instead of making a second key", async () => {
    const world = await createWorld(server);
    const headers = { "idempotency-key": `create-${world.organizationId}` };
    const first = await call(server, world.employee.key, "POST", "/v1/api-keys", { name: "CI" }, headers);
    const again = await call(server, world.employee.key, "POST", "/v1/api-keys", { name: "CI" }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const created = (await eventsOf(server, world.organizationId)).filter((e) => e.type === "api_key.created");
    expect(created).toHaveLength(1);
  });
});

describe("reading API keys", () => {
  it("lists own keys for everyone and everyone's for admins, newest first, with filters and pages", async () => {
    const world = await createWorld(server);
    const a = await createKey(world.employee.key, { name: "a" });
    const b = await createKey(world.employee.key, { name: "b" });
    await createKey(world.colleague.key, { name: "colleague's" });

    const own = await call(server, world.employee.key, "GET", "/v1/api-keys");
    expect(own.status).toBe(200);
    expect(own.body.data.map((k: { name: string }) => k.name)).toEqual(["b", "a", "read", "full"]);
    expect(own.body.data.every((k: object) => !("secret" in k))).toBe(true);
    expect(own.body).toMatchObject({ has_more: false, next_cursor: null });

    const ownById = await call(server, world.employee.key, "GET", `/v1/api-keys?employee_id=${world.employee.id}`);
    expect(ownById.body.data).toHaveLength(4);
    const others = await call(server, world.manager.key, "GET", `/v1/api-keys?employee_id=${world.employee.id}`);
    expect(others.status).toBe(403);
    expect(others.body.code).toBe("forbidden");

    const all = await call(server, world.admin.readKey, "GET", "/v1/api-keys?limit=100");
    expect(all.body.data).toHaveLength(5 * 2 + 3);
    const ids = all.body.data.map((k: { id: string }) => k.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const filtered = await call(server, world.admin.key, "GET", `/v1/api-keys?employee_id=${world.employee.id}`);
    expect(filtered.body.data.map((k: { id: string }) => k.id).slice(0, 2)).toEqual([b.id, a.id]);
    expect(filtered.body.data.every((k: { employee_id: string }) => k.employee_id === world.employee.id)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/api-keys?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.admin.key, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((k: { id: string }) => k.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(ids);

    const bad = await call(server, world.admin.key, "GET", "/v1/api-keys?cursor=nonsense");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_cursor");
    const badStatus = await call(server, world.admin.key, "GET", "/v1/api-keys?status=lost");
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors[0].field).toBe("query.status");
  });

  it("filters by status: active, revoked and expired", async () => {
    const world = await createWorld(server);
    const expiring = await createKey(world.employee.key, { name: "expiring", expires_in_days: 1 });
    const revoked = await createKey(world.employee.key, { name: "revoked" });
    expect((await call(server, world.employee.key, "POST", `/v1/api-keys/${revoked.id}/revoke`)).status).toBe(200);
    const graced = await createKey(world.employee.key, { name: "graced" });
    const rotated = await call(server, world.employee.key, "POST", `/v1/api-keys/${graced.id}/rotate`, {
      expire_current_in_seconds: 86400,
    });
    expect(rotated.status).toBe(201);
    const names = async (status: string) =>
      (await call(server, world.employee.key, "GET", `/v1/api-keys?status=${status}`)).body.data.map(
        (k: { name: string; status: string }) => `${k.name}:${k.status}`,
      );
    expect(await names("active")).toEqual([
      "graced:active",
      "graced:active",
      "expiring:active",
      "read:active",
      "full:active",
    ]);
    expect(await names("expired")).toEqual([]);
    server.clock.advance(DAY + 1000);
    expect(await names("expired")).toEqual(["expiring:expired"]);
    expect(await names("revoked")).toEqual(["graced:revoked", "revoked:revoked"]);
    expect(await names("active")).toEqual(["graced:active", "read:active", "full:active"]);
    const got = await call(server, world.employee.key, "GET", `/v1/api-keys/${expiring.id}`);
    expect(got.body.status).toBe("expired");
  });

  it("answers 404 for another user's key (unless admin) and for another organization's", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key);
    expect((await call(server, world.employee.readKey, "GET", `/v1/api-keys/${key.id}`)).status).toBe(200);
    for (const caller of [world.colleague.key, world.manager.key]) {
      const res = await call(server, caller, "GET", `/v1/api-keys/${key.id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    expect((await call(server, world.admin.key, "GET", `/v1/api-keys/${key.id}`)).body.employee_id).toBe(
      world.employee.id,
    );
    const other = await createWorld(server);
    const foreign = await call(server, other.admin.key, "GET", `/v1/api-keys/${key.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("not_found");
    const malformed = await call(server, world.admin.key, "GET", "/v1/api-keys/nope");
    expect(malformed.status).toBe(422);
  });

  it("shows when and from where a key was last used", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key);
    expect((await call(server, key.secret, "GET", "/v1/me")).status).toBe(200);
    let got = await call(server, world.employee.key, "GET", `/v1/api-keys/${key.id}`);
    for (let i = 0; i < 50 && got.body.last_used_at === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      got = await call(server, world.employee.key, "GET", `/v1/api-keys/${key.id}`);
    }
    expect(got.body.last_used_at).toBe(server.clock.now.toISOString());
    expect(got.body.last_used_ip).toBe("127.0.0.1");
  });
});

describe("updating API keys", () => {
  it("changes the fields sent, audits the changes, emits no event, and applies on the next request", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key, { expires_in_days: 10 });
    const eventsBefore = await eventsOf(server, world.organizationId);
    const res = await call(server, world.employee.key, "PATCH", `/v1/api-keys/${key.id}`, {
      name: "Payroll sync (nightly)",
      rate_limit_per_hour: 5000,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: key.id,
      name: "Payroll sync (nightly)",
      rate_limit_per_hour: 5000,
      expires_at: key.expires_at,
      scope: "full",
    });
    expect(res.body).not.toHaveProperty("secret");
    const me = await call(server, key.secret, "GET", "/v1/me");
    expect(me.headers["x-ratelimit-limit"]).toBe("5000");

    const never = await call(server, world.admin.key, "PATCH", `/v1/api-keys/${key.id}`, { expires_at: null });
    expect(never.status).toBe(200);
    expect(never.body).toMatchObject({ expires_at: null, name: "Payroll sync (nightly)" });
    expect((await keyRow(server, key.id)).expires_at).toBeNull();

    expect(await eventsOf(server, world.organizationId)).toHaveLength(eventsBefore.length);
    const audit = await auditOf(server, world.organizationId, "api_key.updated");
    expect(audit.map((a) => a.changes)).toEqual([
      {
        name: { from: "Payroll sync", to: "Payroll sync (nightly)" },
        rate_limit_per_hour: { from: 1000, to: 5000 },
      },
      { expires_at: { from: key.expires_at, to: null } },
    ]);
    expect(audit.map((a) => [a.resource_id, a.actor_employee_id])).toEqual([
      [key.id, world.employee.id],
      [key.id, world.admin.id],
    ]);
  });

  it("refuses invalid fields, other users' keys, and revoked or expired keys", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key, { expires_in_days: 1 });
    const now = server.clock.now.getTime();
    const invalid: [Record<string, unknown>, string][] = [
      [{}, "body"],
      [{ scope: "read" }, "body.scope"],
      [{ employee_id: world.colleague.id }, "body.employee_id"],
      [{ rate_limit_per_hour: 50 }, "body.rate_limit_per_hour"],
      [{ expires_at: new Date(now - 1).toISOString() }, "body.expires_at"],
      [{ expires_at: new Date(now + 800 * DAY).toISOString() }, "body.expires_at"],
    ];
    for (const [body, field] of invalid) {
      const res = await call(server, world.employee.key, "PATCH", `/v1/api-keys/${key.id}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const byColleague = await call(server, world.colleague.key, "PATCH", `/v1/api-keys/${key.id}`, { name: "x" });
    expect(byColleague.status).toBe(404);

    const revoked = await createKey(world.employee.key);
    await call(server, world.employee.key, "POST", `/v1/api-keys/${revoked.id}/revoke`);
    const onRevoked = await call(server, world.employee.key, "PATCH", `/v1/api-keys/${revoked.id}`, { name: "x" });
    expect(onRevoked.status).toBe(409);
    expect(onRevoked.body.code).toBe("invalid_state");

    server.clock.advance(DAY + 1000);
    const onExpired = await call(server, world.employee.key, "PATCH", `/v1/api-keys/${key.id}`, { expires_at: null });
    expect(onExpired.status).toBe(409);
    expect(onExpired.body.code).toBe("invalid_state");
    const row = await keyRow(server, key.id);
    expect(row.name).toBe("Payroll sync");
    expect(row.expires_at).not.toBeNull();
    expect(await auditOf(server, world.organizationId, "api_key.updated")).toHaveLength(0);
  });
});

describe("revoking API keys", () => {
  it("refuses the key from the very next request, keeps it listed, and emits api_key.revoked", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key);
    expect((await call(server, key.secret, "GET", "/v1/me")).status).toBe(200);
    const res = await call(server, world.employee.key, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: key.id, status: "revoked", revoked_at: server.clock.now.toISOString() });

    const next = await call(server, key.secret, "GET", "/v1/me");
    expect(next.status).toBe(401);
    expect(next.body.code).toBe("key_revoked");

    const listed = await call(server, world.employee.key, "GET", "/v1/api-keys?status=revoked");
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([key.id]);

    const again = await call(server, world.employee.key, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");

    const events = (await eventsOf(server, world.organizationId)).filter((e) => e.type === "api_key.revoked");
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual(res.body);
    const audit = await auditOf(server, world.organizationId, "api_key.revoked");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      resource_id: key.id,
      changes: { revoked_at: { from: null, to: res.body.revoked_at } },
    });
  });

  it("lets a key revoke itself: that request completes, the next is refused", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.manager.key);
    const res = await call(server, key.secret, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("revoked");
    const next = await call(server, key.secret, "GET", "/v1/api-keys");
    expect(next.status).toBe(401);
    expect(next.body.code).toBe("key_revoked");
  });

  it("lets admins revoke anyone's key; others get 404 for keys not theirs", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key);
    const byManager = await call(server, world.manager.key, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(byManager.status).toBe(404);
    const other = await createWorld(server);
    expect((await call(server, other.admin.key, "POST", `/v1/api-keys/${key.id}/revoke`)).status).toBe(404);
    expect((await keyRow(server, key.id)).revoked_at).toBeNull();
    const byAdmin = await call(server, world.admin.key, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(byAdmin.status).toBe(200);
    expect((await call(server, key.secret, "GET", "/v1/me")).body.code).toBe("key_revoked");
  });

  it("stops a rotated key in its grace period at once", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key);
    const rotated = await call(server, world.employee.key, "POST", `/v1/api-keys/${key.id}/rotate`, {
      expire_current_in_seconds: 3600,
    });
    expect(rotated.status).toBe(201);
    expect((await call(server, key.secret, "GET", "/v1/me")).status).toBe(200);
    const res = await call(server, world.employee.key, "POST", `/v1/api-keys/${key.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "revoked", revoked_at: server.clock.now.toISOString() });
    expect((await call(server, key.secret, "GET", "/v1/me")).body.code).toBe("key_revoked");
    expect((await call(server, rotated.body.secret, "GET", "/v1/me")).status).toBe(200);
  });
});

describe("rotating API keys", () => {
  it("replaces a key at once: the old one is refused on the next request, the new one works", async () => {
    const world = await createWorld(server);
    const old = await createKey(world.employee.key, {
      name: "Deploy",
      scope: "read",
      rate_limit_per_hour: 2000,
      expires_in_days: 90,
    });
    const res = await call(server, world.employee.key, "POST", `/v1/api-keys/${old.id}/rotate`);
    expect(res.status).toBe(201);
    const fresh = res.body;
    expect(fresh).toMatchObject({
      employee_id: world.employee.id,
      name: "Deploy",
      scope: "read",
      mode: "test",
      rate_limit_per_hour: 2000,
      expires_at: old.expires_at,
      status: "active",
      rotated_to: null,
      revoked_at: null,
      created_by: world.employee.id,
      secret: expect.stringMatching(/^tc_test_[0-9A-Za-z]{38}$/),
    });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.secret).not.toBe(old.secret);

    const oldNext = await call(server, old.secret, "GET", "/v1/me");
    expect(oldNext.status).toBe(401);
    expect(oldNext.body.code).toBe("key_revoked");
    const freshMe = await call(server, fresh.secret, "GET", "/v1/me");
    expect(freshMe.status).toBe(200);
    expect(freshMe.body.credential.id).toBe(fresh.id);

    const oldNow = await call(server, world.employee.key, "GET", `/v1/api-keys/${old.id}`);
    expect(oldNow.body).toMatchObject({
      status: "revoked",
      rotated_to: fresh.id,
      revoked_at: server.clock.now.toISOString(),
    });

    const events = (await eventsOf(server, world.organizationId)).filter((e) => e.type.startsWith("api_key."));
    expect(events.map((e) => e.type)).toEqual(["api_key.created", "api_key.rotated"]);
    expect(events[1]?.data).toEqual(oldNow.body);
    expect(events[1]?.resource_ids).toEqual([old.id, world.employee.id, fresh.id]);
    const audit = await auditOf(server, world.organizationId, "api_key.rotated");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      resource_type: "api_key",
      resource_id: old.id,
      changes: {
        rotated_to: { from: null, to: fresh.id },
        revoked_at: { from: null, to: server.clock.now.toISOString() },
      },
    });

    const twice = await call(server, world.employee.key, "POST", `/v1/api-keys/${old.id}/rotate`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("invalid_state");
  });

  it("keeps the old key working until expire_current_in_seconds has passed", async () => {
    const world = await createWorld(server);
    const old = await createKey(world.employee.key);
    const res = await call(server, world.employee.key, "POST", `/v1/api-keys/${old.id}/rotate`, {
      expire_current_in_seconds: 3600,
    });
    expect(res.status).toBe(201);
    const stopsAt = new Date(server.clock.now.getTime() + 3600 * 1000).toISOString();
    const graced = await call(server, world.employee.key, "GET", `/v1/api-keys/${old.id}`);
    expect(graced.body).toMatchObject({ status: "active", revoked_at: stopsAt, rotated_to: res.body.id });
    const event = (await eventsOf(server, world.organizationId)).find((e) => e.type === "api_key.rotated");
    expect(event?.data).toMatchObject({ status: "active", revoked_at: stopsAt, rotated_to: res.body.id });

    const again = await call(server, world.employee.key, "POST", `/v1/api-keys/${old.id}/rotate`, {});
    expect(again.status).toBe(409);

    server.clock.advance(3599 * 1000);
    expect((await call(server, old.secret, "GET", "/v1/me")).status).toBe(200);
    expect((await call(server, res.body.secret, "GET", "/v1/me")).status).toBe(200);
    server.clock.advance(1000);
    const after = await call(server, old.secret, "GET", "/v1/me");
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("key_revoked");
    expect((await call(server, res.body.secret, "GET", "/v1/me")).status).toBe(200);
    const listed = await call(server, world.employee.key, "GET", `/v1/api-keys/${old.id}`);
    expect(listed.body.status).toBe("revoked");
  });

  it("refuses revoked, expired, others' and out-of-range rotations", async () => {
    const world = await createWorld(server);
    const revoked = await createKey(world.employee.key);
    await call(server, world.employee.key, "POST", `/v1/api-keys/${revoked.id}/revoke`);
    const onRevoked = await call(server, world.employee.key, "POST", `/v1/api-keys/${revoked.id}/rotate`, {});
    expect(onRevoked.status).toBe(409);
    expect(onRevoked.body.code).toBe("invalid_state");

    const key = await createKey(world.employee.key, { expires_in_days: 1 });
    const tooLong = await call(server, world.employee.key, "POST", `/v1/api-keys/${key.id}/rotate`, {
      expire_current_in_seconds: 86401,
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors[0].field).toBe("body.expire_current_in_seconds");
    const byColleague = await call(server, world.colleague.key, "POST", `/v1/api-keys/${key.id}/rotate`, {});
    expect(byColleague.status).toBe(404);
    const byAdmin = await call(server, world.admin.key, "POST", `/v1/api-keys/${key.id}/rotate`, {
      expire_current_in_seconds: 60,
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ employee_id: world.employee.id, created_by: world.admin.id });

    const expiring = await createKey(world.employee.key, { expires_in_days: 1 });
    server.clock.advance(DAY + 1000);
    const onExpired = await call(server, world.employee.key, "POST", `/v1/api-keys/${expiring.id}/rotate`, {});
    expect(onExpired.status).toBe(409);
    expect(onExpired.body.code).toBe("invalid_state");
    const keys = await server.storage.db
      .selectFrom("api_keys")
      .select("id")
      .where("employee_id", "=", world.employee.id)
      .execute();
    expect(keys).toHaveLength(2 + 3 + 1); // world's two, three created, one replacement
  });
});

describe("expiry", () => {
  it("refuses an expired key with 401 key_expired", async () => {
    const world = await createWorld(server);
    const key = await createKey(world.employee.key, { expires_in_days: 2 });
    server.clock.advance(2 * DAY - 1000);
    expect((await call(server, key.secret, "GET", "/v1/me")).status).toBe(200);
    server.clock.advance(1000);
    const res = await call(server, key.secret, "GET", "/v1/me");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("key_expired");
    const got = await call(server, world.employee.key, "GET", `/v1/api-keys/${key.id}`);
    expect(got.body.status).toBe("expired");
  });
});

describe("deactivating an employee", () => {
  it("revokes every active key of theirs in the same transaction, with an event and audit entry each", async () => {
    const world = await createWorld(server);
    const extra = await createKey(world.employee.key, { name: "extra" });
    const graced = await createKey(world.employee.key, { name: "graced" });
    const rotated = await call(server, world.employee.key, "POST", `/v1/api-keys/${graced.id}/rotate`, {
      expire_current_in_seconds: 86400,
    });
    const res = await call(server, world.admin.key, "POST", `/v1/employees/${world.employee.id}/deactivate`);
    expect(res.status).toBe(200);

    const rows = await server.storage.db
      .selectFrom("api_keys")
      .select(["id", "revoked_at"])
      .where("employee_id", "=", world.employee.id)
      .execute();
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.revoked_at?.getTime()).toBeLessThanOrEqual(server.clock.now.getTime());

    for (const secret of [
      world.employee.key,
      world.employee.readKey,
      extra.secret,
      graced.secret,
      rotated.body.secret,
    ]) {
      const next = await call(server, secret, "GET", "/v1/me");
      expect(next.status).toBe(401);
      expect(next.body.code).toBe("key_revoked");
    }
    const revokedEvents = (await eventsOf(server, world.organizationId)).filter((e) => e.type === "api_key.revoked");
    expect(revokedEvents.map((e) => (e.data as { id: string }).id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(revokedEvents.every((e) => (e.data as { status: string }).status === "revoked")).toBe(true);
    const audit = await auditOf(server, world.organizationId, "api_key.revoked");
    expect(audit).toHaveLength(5);
    expect(audit.every((a) => a.actor_employee_id === world.admin.id)).toBe(true);

    const listed = await call(server, world.admin.key, "GET", `/v1/api-keys?employee_id=${world.employee.id}`);
    expect(listed.body.data.map((k: { status: string }) => k.status)).toEqual(Array(5).fill("revoked"));
    // Other people's keys are untouched.
    expect((await call(server, world.colleague.key, "GET", "/v1/me")).status).toBe(200);
  });
});

describe("the secret", () => {
  it("never appears in the audit log, the events or any later response", async () => {
    const world = await createWorld(server);
    const created = await createKey(world.employee.key, { name: "Leak check" });
    const rotated = await call(server, world.employee.key, "POST", `/v1/api-keys/${created.id}/rotate`, {
      expire_current_in_seconds: 600,
    });
    expect(rotated.status).toBe(201);
    const secrets: string[] = [created.secret, rotated.body.secret];
    // Use both, make failing calls with them, change and revoke the keys.
    await call(server, created.secret, "GET", "/v1/me");
    await call(server, rotated.body.secret, "GET", "/v1/employees");
    await call(server, rotated.body.secret, "PATCH", `/v1/api-keys/${rotated.body.id}`, { name: "Leak check 2" });
    await call(server, rotated.body.secret, "POST", "/v1/employees", { name: "x", email: "x@example.com" });
    await call(server, world.employee.key, "POST", `/v1/api-keys/${rotated.body.id}/revoke`);
    const refused = await call(server, rotated.body.secret, "GET", "/v1/me");
    expect(refused.status).toBe(401);
    await call(server, `${rotated.body.secret.slice(0, -1)}x`, "GET", "/v1/me");
    await server.app.audit.flush();

    const later = [
      refused,
      await call(server, world.employee.key, "GET", "/v1/api-keys?limit=100"),
      await call(server, world.employee.key, "GET", `/v1/api-keys/${created.id}`),
      await call(server, world.employee.key, "GET", `/v1/api-keys/${rotated.body.id}`),
      await call(server, world.employee.key, "GET", `/v1/api-keys/${created.id}/audit-log?limit=100`),
      await call(server, world.admin.key, "GET", "/v1/audit-log?limit=100"),
      await call(server, world.admin.key, "GET", "/v1/events?limit=100"),
      await call(server, world.employee.key, "GET", "/v1/events?limit=100"),
    ];
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .select(sql<string>`row_to_json(audit_log)::text`.as("json"))
      .where("organization_id", "=", world.organizationId)
      .execute();
    const events = await server.storage.db
      .selectFrom("events")
      .select(sql<string>`row_to_json(events)::text`.as("json"))
      .where("organization_id", "=", world.organizationId)
      .execute();
    const keys = await server.storage.db
      .selectFrom("api_keys")
      .select(sql<string>`row_to_json(api_keys)::text`.as("json"))
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(audit.length).toBeGreaterThan(10);
    expect(events.map((e) => e.json).join("\n")).toContain(created.id);
    for (const secret of secrets) {
      const body = secret.slice(8, 40); // the random part, without the visible prefix and last four
      for (const text of [
        ...audit.map((a) => a.json),
        ...events.map((e) => e.json),
        ...keys.map((k) => k.json),
        ...later.map((r) => r.raw.body),
      ]) {
        expect(text).not.toContain(body);
      }
    }
  });
});

describe("the bootstrap helpers", () => {
  it("still issue keys the API lists (keys made outside the API look the same)", async () => {
    const orgId = await createOrganization(server.storage.db, { name: "Solo", country: "CZ", now: server.clock.now });
    const admin = await createPerson(server.storage.db, {
      organizationId: orgId,
      name: "Solo Admin",
      email: `solo.${orgId}@example.cz`,
      role: "admin",
      now: server.clock.now,
    });
    const key = await issueApiKey(server.storage.db, {
      organizationId: orgId,
      employeeId: admin,
      name: "boot",
      scope: "full",
      mode: "live",
      now: server.clock.now,
    });
    const listed = await call(server, key.secret, "GET", "/v1/api-keys");
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: key.id, mode: "live", status: "active", name: "boot", created_by: admin }),
    ]);
  });
});
