import { describe, expect, it } from "vitest";
import { newId } from "../src/ids.js";
import { type Call, call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";

const server = useTestServer();

/** A call from a given client address with a given User-Agent. */
async function callFrom(
  s: TestServer,
  ip: string,
  key: string,
  method: "GET" | "POST" | "PATCH",
  url: string,
  body?: object,
): Promise<Call> {
  const raw = await s.app.inject({
    method,
    url,
    remoteAddress: ip,
    headers: { authorization: `Bearer ${key}`, "user-agent": "timecard-cli/1.4.0 node/20.19.0" },
    ...(body ? { payload: body } : {}),
  });
  return { status: raw.statusCode, headers: raw.headers, body: raw.body ? JSON.parse(raw.body) : null, raw };
}

async function log(world: World, query = "", key = world.admin.key) {
  await server.app.audit.flush();
  const res = await call(server, key, "GET", `/v1/audit-log?limit=100${query ? `&${query}` : ""}`);
  expect(res.status).toBe(200);
  return res.body.data as {
    id: string;
    action: string;
    actor: { type: string; employee_id: string | null; api_key_id: string | null };
    request: { method: string; path: string; status: number; request_id: string } | null;
    ip: string | null;
    resource: { type: string; id: string } | null;
    changes: unknown;
  }[];
}

/** The key id behind a secret, as /v1/me reports it. */
async function keyIdOf(secret: string): Promise<string> {
  return (await call(server, secret, "GET", "/v1/me")).body.credential.id;
}

describe("the audit log", () => {
  it("records every request with a key, and each change with its request, newest first", async () => {
    const world = await createWorld(server);
    const adminKeyId = await keyIdOf(world.admin.key);
    const read = await callFrom(server, "203.0.113.24", world.admin.key, "GET", "/v1/employees?limit=1");
    expect(read.status).toBe(200);
    const created = await callFrom(server, "203.0.113.24", world.admin.key, "POST", "/v1/api-keys", {
      name: "SIEM feed",
      scope: "read",
    });
    expect(created.status).toBe(201);
    const requestId = created.headers["x-request-id"];

    const entries = await log(world);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const readEntry = entries.find((e) => e.request?.request_id === read.headers["x-request-id"]);
    expect(readEntry).toEqual({
      id: expect.stringMatching(/^aud_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      occurred_at: server.clock.now.toISOString(),
      actor: { type: "api_key", employee_id: world.admin.id, api_key_id: adminKeyId, oauth_app_id: null },
      action: "api_request",
      request: {
        method: "GET",
        path: "/v1/employees",
        status: 200,
        duration_ms: expect.any(Number),
        request_id: read.headers["x-request-id"],
        user_agent: "timecard-cli/1.4.0 node/20.19.0",
      },
      ip: "203.0.113.24",
      resource: null,
      changes: null,
    });
    expect(Number.isInteger(readEntry?.request?.status)).toBe(true);

    const ofCreate = entries.filter((e) => e.request?.request_id === requestId);
    expect(ofCreate.map((e) => e.action).sort()).toEqual(["api_key.created", "api_request"]);
    const change = ofCreate.find((e) => e.action === "api_key.created");
    expect(change).toMatchObject({
      actor: { type: "api_key", employee_id: world.admin.id, api_key_id: adminKeyId },
      request: { method: "POST", path: "/v1/api-keys", status: 201, request_id: requestId },
      ip: "203.0.113.24",
      resource: { type: "api_key", id: created.body.id },
      changes: { name: { from: null, to: "SIEM feed" }, scope: { from: null, to: "read" } },
    });

    const one = await call(server, world.admin.key, "GET", `/v1/audit-log/${change?.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(change);
  });

  it("records the creation of employees and of payroll exports, with the request that made them", async () => {
    const world = await createWorld(server);
    const hired = await call(server, world.admin.key, "POST", "/v1/employees", {
      name: "Nina Nowa",
      email: `nina.${Date.now()}@example.com`,
    });
    expect(hired.status).toBe(201);
    const exported = await call(server, world.admin.key, "POST", "/v1/exports", {
      format: "custom-csv",
      month: "2026-09",
    });
    expect(exported.status).toBe(202);

    const entry = (e: Awaited<ReturnType<typeof log>>[number]) => [
      e.action,
      e.resource?.id,
      e.request?.method,
      e.request?.path,
    ];
    expect((await log(world, "action=employee.created")).map(entry)).toEqual([
      ["employee.created", hired.body.id, "POST", "/v1/employees"],
    ]);
    expect((await log(world, "action=export.created")).map(entry)).toEqual([
      ["export.created", exported.body.id, "POST", "/v1/exports"],
    ]);
  });

  it("is for admins only, read keys included; managers and employees get 403 forbidden", async () => {
    const world = await createWorld(server);
    await call(server, world.admin.key, "GET", "/v1/me");
    const entries = await log(world, "", world.admin.readKey);
    expect(entries.length).toBeGreaterThan(0);
    const id = entries[0]?.id;
    expect((await call(server, world.admin.readKey, "GET", `/v1/audit-log/${id}`)).status).toBe(200);
    for (const key of [world.manager.key, world.employee.key, world.manager.readKey]) {
      for (const url of ["/v1/audit-log", `/v1/audit-log/${id}`]) {
        const res = await call(server, key, "GET", url);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe("forbidden");
      }
    }
  });

  it("answers 404 for another organization's entry and for a missing one", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    await call(server, other.admin.key, "GET", "/v1/me");
    const theirs = await log(other);
    const res = await call(server, world.admin.key, "GET", `/v1/audit-log/${theirs[0]?.id}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect((await call(server, world.admin.key, "GET", `/v1/audit-log/${newId("aud")}`)).status).toBe(404);
    expect((await call(server, world.admin.key, "GET", "/v1/audit-log/evt_0000000000000000")).status).toBe(422);
    // And the list never shows another organization's entries.
    expect((await log(world)).some((e) => e.id === theirs[0]?.id)).toBe(false);
  });

  it("filters by actor, key, action and action family", async () => {
    const world = await createWorld(server);
    const employeeKeyId = await keyIdOf(world.employee.key);
    const made = await call(server, world.employee.key, "POST", "/v1/api-keys", { name: "mine" });
    await call(server, world.employee.key, "PATCH", `/v1/api-keys/${made.body.id}`, { name: "mine 2" });
    await call(server, world.admin.key, "POST", `/v1/api-keys/${made.body.id}/revoke`);
    await call(server, made.body.secret, "GET", "/v1/me"); // refused: no actor, no entry
    await call(server, world.admin.key, "PATCH", `/v1/employees/${world.colleague.id}`, { weekly_hours_norm: 32 });

    const byEmployee = await log(world, `actor_id=${world.employee.id}`);
    expect(byEmployee.length).toBeGreaterThan(0);
    expect(byEmployee.every((e) => e.actor.employee_id === world.employee.id)).toBe(true);

    const aboutKey = await log(world, `key_id=${made.body.id}`);
    expect(aboutKey.map((e) => e.action).sort()).toEqual(["api_key.created", "api_key.revoked", "api_key.updated"]);
    const withKey = await log(world, `key_id=${employeeKeyId}`);
    expect(withKey.every((e) => e.actor.api_key_id === employeeKeyId)).toBe(true);
    expect(withKey.map((e) => e.action)).toContain("api_key.created");

    const updated = await log(world, "action=api_key.updated");
    expect(updated.map((e) => e.changes)).toEqual([{ name: { from: "mine", to: "mine 2" } }]);
    const family = await log(world, "action=api_key.*");
    expect(family.map((e) => e.action)).toEqual(["api_key.revoked", "api_key.updated", "api_key.created"]);
    const employees = await log(world, "action=employee.*");
    expect(employees.map((e) => e.action)).toEqual(["employee.updated"]);
    expect(employees[0]?.changes).toEqual({ weekly_hours_norm: { from: 40, to: 32 } });
    // `_` is not a wildcard: api_key.* does not match a look-alike action.
    await server.storage.db
      .insertInto("audit_log")
      .values({
        id: newId("aud", server.clock.now),
        organization_id: world.organizationId,
        occurred_at: server.clock.now,
        actor_type: "system",
        actor_employee_id: null,
        actor_api_key_id: null,
        actor_oauth_app_id: null,
        action: "apixkey.created",
        method: null,
        path: null,
        status: null,
        duration_ms: null,
        request_id: null,
        user_agent: null,
        ip: null,
        resource_type: null,
        resource_id: null,
        changes: null,
      })
      .execute();
    expect((await log(world, "action=api_key.*")).map((e) => e.action)).not.toContain("apixkey.created");
    const system = (await log(world, "action=apixkey.created"))[0];
    expect(system).toMatchObject({
      actor: { type: "system", employee_id: null, api_key_id: null, oauth_app_id: null },
      request: null,
      ip: null,
      resource: null,
    });
    const bad = await call(server, world.admin.key, "GET", "/v1/audit-log?action=API_KEY");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("query.action");
  });

  it("filters by client IP address and CIDR range, IPv4 and IPv6", async () => {
    const world = await createWorld(server);
    await callFrom(server, "203.0.113.24", world.admin.key, "GET", "/v1/me");
    await callFrom(server, "203.0.113.200", world.admin.key, "GET", "/v1/organization");
    await callFrom(server, "198.51.100.7", world.admin.key, "GET", "/v1/employees");
    await callFrom(server, "2001:db8::42", world.admin.key, "GET", "/v1/api-keys");
    await callFrom(server, "::ffff:192.0.2.9", world.admin.key, "GET", "/v1/projects");
    const paths = async (ip: string) =>
      (await log(world, `ip=${encodeURIComponent(ip)}&action=api_request`)).map((e) => e.request?.path);
    expect(await paths("203.0.113.24")).toEqual(["/v1/me"]);
    expect(await paths("203.0.113.0/24")).toEqual(["/v1/organization", "/v1/me"]);
    expect(await paths("203.0.113.128/25")).toEqual(["/v1/organization"]);
    expect(await paths("128.0.0.0/1")).toEqual(["/v1/projects", "/v1/employees", "/v1/organization", "/v1/me"]);
    expect(await paths("2001:0db8:0::42")).toEqual(["/v1/api-keys"]);
    expect(await paths("2001:db8::/32")).toEqual(["/v1/api-keys"]);
    expect(await paths("192.0.2.9")).toEqual(["/v1/projects"]);
    expect(await paths("10.0.0.1")).toEqual([]);
    for (const ip of ["203.0.113.0/33", "999.1.1.1", "2001:db8::/129", "1.2.3", "::::"]) {
      const res = await call(server, world.admin.key, "GET", `/v1/audit-log?ip=${encodeURIComponent(ip)}`);
      expect({ ip, status: res.status }).toEqual({ ip, status: 422 });
      expect(res.body.errors[0].field).toBe("query.ip");
    }
  });

  it("filters by method, status, path prefix and time, and pages with a cursor", async () => {
    const world = await createWorld(server);
    const start = server.clock.now;
    await call(server, world.admin.key, "GET", "/v1/employees");
    await call(server, world.employee.key, "POST", "/v1/employees", { name: "X", email: "x@example.com" });
    server.clock.advance(60_000);
    const middle = server.clock.now;
    const made = await call(server, world.admin.key, "POST", "/v1/api-keys", { name: "k" });
    await call(server, world.admin.key, "GET", `/v1/employees/${world.employee.id}`);
    server.clock.advance(60_000);
    await call(server, world.admin.key, "GET", "/v1/organization");

    const forbidden = await log(world, "status=403");
    expect(forbidden.map((e) => [e.request?.method, e.request?.path])).toEqual([["POST", "/v1/employees"]]);
    const created = await log(world, "status=201");
    expect(created.map((e) => e.action).sort()).toEqual(["api_key.created", "api_request"]);
    expect(created.every((e) => e.request?.request_id === made.headers["x-request-id"])).toBe(true);
    const posts = await log(world, "method=POST");
    expect(posts.every((e) => e.request?.method === "POST")).toBe(true);
    expect(posts).toHaveLength(3);
    const employeePaths = await log(world, "path_prefix=/v1/employees");
    expect(employeePaths.map((e) => e.request?.path)).toEqual([
      `/v1/employees/${world.employee.id}`,
      "/v1/employees",
      "/v1/employees",
    ]);

    const between = await log(
      world,
      `from=${middle.toISOString()}&to=${new Date(middle.getTime() + 60_000).toISOString()}`,
    );
    expect(between.map((e) => e.request?.path).sort()).toEqual([
      "/v1/api-keys",
      "/v1/api-keys",
      `/v1/employees/${world.employee.id}`,
    ]);
    const before = (await log(world, `to=${middle.toISOString()}`)) as unknown as { occurred_at: string }[];
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.every((e) => e.occurred_at === start.toISOString())).toBe(true);
    const reversed = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/audit-log?from=${middle.toISOString()}&to=${start.toISOString()}`,
    );
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].field).toBe("query.from");
    const badStatus = await call(server, world.admin.key, "GET", "/v1/audit-log?status=700");
    expect(badStatus.status).toBe(422);

    const all = await log(world);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.admin.key, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    // The paging requests themselves are audited too, after the first page was read.
    expect(seen.slice(-all.length)).toEqual(all.map((e) => e.id));
  });

  it("never breaks on an address it cannot read", async () => {
    const world = await createWorld(server);
    await server.storage.db
      .insertInto("audit_log")
      .values({
        id: newId("aud", server.clock.now),
        organization_id: world.organizationId,
        occurred_at: server.clock.now,
        actor_type: "api_key",
        actor_employee_id: world.admin.id,
        actor_api_key_id: null,
        actor_oauth_app_id: null,
        action: "api_request",
        method: "GET",
        path: "/v1/me",
        status: 200,
        duration_ms: 1.6,
        request_id: "req_x",
        user_agent: null,
        ip: "not an address",
        resource_type: null,
        resource_id: null,
        changes: null,
      })
      .execute();
    const res = await call(server, world.admin.key, "GET", "/v1/audit-log?ip=10.0.0.0/8");
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    const rows = await log(world, "ip=127.0.0.1");
    expect(rows.length).toBeGreaterThan(0);
    const odd = (await log(world)).find((e) => e.ip === "not an address") as unknown as {
      request: { duration_ms: number };
    };
    expect(odd.request.duration_ms).toBe(2);
  });
});

describe("a key's audit trail", () => {
  it("lists the requests made with a key and the changes made to it, for its owner and admins", async () => {
    const world = await createWorld(server);
    const made = await call(server, world.employee.key, "POST", "/v1/api-keys", { name: "CI" });
    const key = made.body;
    await call(server, key.secret, "GET", "/v1/me");
    await call(server, key.secret, "GET", "/v1/projects");
    await call(server, world.employee.key, "PATCH", `/v1/api-keys/${key.id}`, { rate_limit_per_hour: 200 });
    await call(server, world.colleague.key, "GET", "/v1/me");
    await server.app.audit.flush();

    const trail = await call(server, world.employee.key, "GET", `/v1/api-keys/${key.id}/audit-log`);
    expect(trail.status).toBe(200);
    expect(
      trail.body.data.map((e: { action: string; request: { path: string } }) => `${e.action} ${e.request.path}`),
    ).toEqual([
      `api_key.updated /v1/api-keys/${key.id}`,
      "api_request /v1/projects",
      "api_request /v1/me",
      "api_key.created /v1/api-keys",
    ]);
    const own = await call(server, key.secret, "GET", `/v1/api-keys/${key.id}/audit-log?action=api_request`);
    expect(own.status).toBe(200);
    expect(own.body.data.map((e: { request: { path: string } }) => e.request.path)).toEqual(["/v1/projects", "/v1/me"]);
    const filtered = await call(
      server,
      world.employee.readKey,
      "GET",
      `/v1/api-keys/${key.id}/audit-log?path_prefix=/v1/m&method=GET`,
    );
    expect(filtered.body.data).toHaveLength(1);

    const byAdmin = await call(server, world.admin.readKey, "GET", `/v1/api-keys/${key.id}/audit-log?limit=2`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.has_more).toBe(true);
    for (const caller of [world.manager.key, world.colleague.key]) {
      const res = await call(server, caller, "GET", `/v1/api-keys/${key.id}/audit-log`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    const other = await createWorld(server);
    expect((await call(server, other.admin.key, "GET", `/v1/api-keys/${key.id}/audit-log`)).status).toBe(404);
  });
});
