import { describe, expect, it } from "vitest";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";

// Webhook endpoints: CRUD, secrets (reveal, rotate), URL rules and the audit trail. The
// dispatcher is off: deliveries that events queue stay RETRYING, which is what these tests read.
const server = useTestServer({ TIMECARD_WEBHOOK_DISPATCHER: "false" });

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const PUBLIC_URL = "https://203.0.113.10/timecard";
const DAY_MS = 24 * 3600 * 1000;

async function createEndpoint(world: World, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await call(
    server,
    world.admin.key,
    "POST",
    "/v1/webhook-endpoints",
    { url: PUBLIC_URL, ...body },
    headers,
  );
  expect(res.status).toBe(201);
  return res.body;
}

async function endpointCount(s: TestServer, organizationId: string): Promise<number> {
  const rows = await s.storage.db
    .selectFrom("webhook_endpoints")
    .select("id")
    .where("organization_id", "=", organizationId)
    .execute();
  return rows.length;
}

async function auditEntries(organizationId: string, resourceId: string) {
  return server.storage.db
    .selectFrom("audit_log")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("resource_id", "=", resourceId)
    .orderBy("id")
    .execute();
}

async function deliveriesOf(endpointId: string) {
  return server.storage.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("endpoint_id", "=", endpointId)
    .orderBy("id")
    .execute();
}

function expectField(res: { status: number; body: { code: string; errors?: { field: string }[] } }, field: string) {
  expect(res.status).toBe(422);
  expect(res.body.code).toBe("validation_failed");
  expect(res.body.errors?.map((e) => e.field)).toContain(field);
}

describe("webhook endpoints", () => {
  it("creates an endpoint with a one-time secret, then reads and lists it without the secret", async () => {
    const world = await createWorld(server);
    server.clock.set("2026-10-01T08:00:00Z");
    const created = await call(server, world.admin.key, "POST", "/v1/webhook-endpoints", {
      url: PUBLIC_URL,
      description: "Payroll sync (HR system)",
      events: ["session.stopped", "leave.approved"],
      employee_id: world.employee.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^whe_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      url: PUBLIC_URL,
      description: "Payroll sync (HR system)",
      events: ["session.stopped", "leave.approved"],
      enabled: true,
      employee_id: world.employee.id,
      secret: expect.stringMatching(SECRET),
      secret_prefix: created.body.secret.slice(0, 10),
      secret_rotated_at: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      created_at: "2026-10-01T08:00:00.000Z",
      updated_at: "2026-10-01T08:00:00.000Z",
    });
    expect(created.body.secret_prefix).toMatch(/^whsec_[A-Za-z0-9+/]{4}$/);
    const { secret, ...endpoint } = created.body;

    const got = await call(server, world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(endpoint);
    expect(got.raw.body).not.toContain(secret);

    // A read key of an admin may read (the scope is `read`).
    const list = await call(server, world.admin.readKey, "GET", "/v1/webhook-endpoints");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [endpoint], has_more: false, next_cursor: null });
    expect(list.raw.body).not.toContain(secret);
    // Events are not written for endpoint changes.
    const events = await server.storage.db
      .selectFrom("events")
      .select("type")
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(events).toEqual([]);
  });

  it("defaults events to every type and enabled to true; creates a disabled endpoint without a URL", async () => {
    const world = await createWorld(server);
    const plain = await call(server, world.admin.key, "POST", "/v1/webhook-endpoints", { url: PUBLIC_URL });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({
      events: ["*"],
      enabled: true,
      description: null,
      employee_id: null,
      disabled_reason: null,
    });
    const prepared = await call(server, world.admin.key, "POST", "/v1/webhook-endpoints", {
      enabled: false,
      description: "Receiver not written yet",
    });
    expect(prepared.status).toBe(201);
    expect(prepared.body).toMatchObject({ url: null, enabled: false, disabled_reason: "manual", events: ["*"] });
    expect(prepared.body.secret).toMatch(SECRET);
    const disabledWithUrl = await createEndpoint(world, { enabled: false });
    expect(disabledWithUrl).toMatchObject({ url: PUBLIC_URL, enabled: false, disabled_reason: "manual" });
    // webhook.test is an event type like the others.
    expect((await createEndpoint(world, { events: ["webhook.test"] })).events).toEqual(["webhook.test"]);
  });

  it("refuses invalid endpoints with 422 and writes nothing", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const post = (body: Record<string, unknown>) =>
      call(server, world.admin.key, "POST", "/v1/webhook-endpoints", body);
    expectField(await post({ description: "no url" }), "body.url");
    expectField(await post({ url: "ftp://203.0.113.10/hook" }), "body.url");
    expectField(await post({ url: "javascript:alert(1)" }), "body.url");
    expectField(await post({ url: "https://user:password@203.0.113.10/hook" }), "body.url");
    expectField(await post({ url: "https://user@203.0.113.10/hook" }), "body.url");
    expectField(await post({ url: "http://10.0.0.7/hook" }), "body.url");
    expectField(await post({ url: "http://localhost:3000/hook" }), "body.url");
    expectField(await post({ url: PUBLIC_URL, events: ["session.stopped", "session.exploded"] }), "body.events.1");
    expectField(await post({ url: PUBLIC_URL, events: ["*", "session.stopped"] }), "body.events");
    expectField(await post({ url: PUBLIC_URL, events: [] }), "body.events");
    const missing = await post({ url: PUBLIC_URL, employee_id: "emp_0000000000000000" });
    expectField(missing, "body.employee_id");
    const foreign = await post({ url: PUBLIC_URL, employee_id: other.employee.id });
    expectField(foreign, "body.employee_id");
    // Another organization's employee is refused exactly like a missing one.
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect(await endpointCount(server, world.organizationId)).toBe(0);
    const audited = await server.storage.db
      .selectFrom("audit_log")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .where("action", "like", "webhook_endpoint.%")
      .execute();
    expect(audited).toEqual([]);
  });

  it("lets only admins manage endpoints, and only with a full key to change them", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world);
    const base = `/v1/webhook-endpoints/${endpoint.id}`;
    const operations: [string, string, unknown?][] = [
      ["GET", "/v1/webhook-endpoints"],
      ["POST", "/v1/webhook-endpoints", { url: PUBLIC_URL }],
      ["GET", base],
      ["PATCH", base, { description: "x" }],
      ["DELETE", base],
      ["POST", `${base}/reveal-secret`],
      ["POST", `${base}/rotate-secret`],
    ];
    for (const user of [world.manager, world.employee]) {
      for (const [method, url, body] of operations) {
        for (const key of [user.key, user.readKey]) {
          const res = await call(server, key, method as "GET", url, body);
          expect(res.status, `${user.role} ${method} ${url}`).toBe(403);
        }
      }
    }
    for (const [method, url, body] of operations.filter(([method]) => method !== "GET")) {
      const res = await call(server, world.admin.readKey, method as "POST", url, body);
      expect(res.status, `read key ${method} ${url}`).toBe(403);
      expect(res.body.code).toBe("insufficient_scope");
    }
    // Nothing was changed by the refused calls.
    const after = await call(server, world.admin.key, "GET", base);
    expect(after.body).toEqual((({ secret: _, ...rest }) => rest)(endpoint));
    expect(await endpointCount(server, world.organizationId)).toBe(1);
  });

  it("answers 404 for a missing endpoint and for another organization's", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const foreign = await createEndpoint(other);
    for (const id of ["whe_0000000000000000", foreign.id]) {
      const base = `/v1/webhook-endpoints/${id}`;
      for (const [method, url, body] of [
        ["GET", base],
        ["PATCH", base, { description: "mine now" }],
        ["DELETE", base],
        ["POST", `${base}/reveal-secret`],
        ["POST", `${base}/rotate-secret`],
      ] as [string, string, unknown?][]) {
        const res = await call(server, world.admin.key, method as "GET", url, body);
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body.code).toBe("not_found");
      }
    }
    const list = await call(server, world.admin.key, "GET", "/v1/webhook-endpoints");
    expect(list.body.data).toEqual([]);
    const untouched = await call(server, other.admin.key, "GET", `/v1/webhook-endpoints/${foreign.id}`);
    expect(untouched.body.description).toBeNull();
    expect(untouched.body.secret_rotated_at).toBeNull();
  });

  it("lists newest first in pages, filtered by enabled and by event type (including *)", async () => {
    const world = await createWorld(server);
    const all = await createEndpoint(world, { events: ["*"] });
    const stopped = await createEndpoint(world, { events: ["session.stopped", "leave.approved"] });
    const projects = await createEndpoint(world, { events: ["project.created"] });
    const off = await createEndpoint(world, { events: ["session.stopped"], enabled: false });
    const last = await createEndpoint(world, { events: ["leave.approved"] });
    const ids = async (query: string) => {
      const res = await call(server, world.admin.key, "GET", `/v1/webhook-endpoints${query}`);
      expect(res.status).toBe(200);
      return res.body.data.map((e: { id: string }) => e.id);
    };
    expect(await ids("")).toEqual([last.id, off.id, projects.id, stopped.id, all.id]);
    expect(await ids("?event=session.stopped")).toEqual([off.id, stopped.id, all.id]);
    expect(await ids("?event=project.created&enabled=true")).toEqual([projects.id, all.id]);
    expect(await ids("?enabled=false")).toEqual([off.id]);
    expect(await ids("?enabled=true")).toEqual([last.id, projects.id, stopped.id, all.id]);
    expect(await ids("?event=export.completed")).toEqual([all.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/webhook-endpoints?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.admin.key, "GET", url);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([last.id, off.id, projects.id, stopped.id, all.id]);

    const badEvent = await call(server, world.admin.key, "GET", "/v1/webhook-endpoints?event=nope.nope");
    expect(badEvent.status).toBe(422);
    const badCursor = await call(server, world.admin.key, "GET", "/v1/webhook-endpoints?cursor=garbage");
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe("invalid_cursor");
  });

  it("updates the fields sent, clears with null, and keeps the secret", async () => {
    const world = await createWorld(server);
    server.clock.set("2026-10-01T08:00:00Z");
    const endpoint = await createEndpoint(world, { description: "Payroll", employee_id: world.employee.id });
    server.clock.set("2026-10-02T09:30:00Z");
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const changed = await call(server, world.admin.key, "PATCH", url, {
      events: ["session.stopped", "session.rejected"],
      url: "https://hooks.example.com/v2",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      url: "https://hooks.example.com/v2",
      events: ["session.stopped", "session.rejected"],
      description: "Payroll",
      employee_id: world.employee.id,
      enabled: true,
      secret_prefix: endpoint.secret_prefix,
      created_at: "2026-10-01T08:00:00.000Z",
      updated_at: "2026-10-02T09:30:00.000Z",
    });
    expect(changed.body).not.toHaveProperty("secret");
    const cleared = await call(server, world.admin.key, "PATCH", url, { description: null, employee_id: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: null, employee_id: null });
    const narrowed = await call(server, world.admin.key, "PATCH", url, { employee_id: world.colleague.id });
    expect(narrowed.body.employee_id).toBe(world.colleague.id);

    const reveal = await call(server, world.admin.key, "POST", `${url}/reveal-secret`);
    expect(reveal.body.secret).toBe(endpoint.secret);

    const entries = (await auditEntries(world.organizationId, endpoint.id)).filter(
      (e) => e.action === "webhook_endpoint.updated",
    );
    expect(entries.map((e) => e.changes)).toEqual([
      {
        url: { from: PUBLIC_URL, to: "https://hooks.example.com/v2" },
        events: { from: ["*"], to: ["session.stopped", "session.rejected"] },
      },
      { description: { from: "Payroll", to: null }, employee_id: { from: world.employee.id, to: null } },
      { employee_id: { from: null, to: world.colleague.id } },
    ]);
  });

  it("refuses invalid updates with 422 and changes nothing", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const endpoint = await createEndpoint(world, { events: ["session.stopped"] });
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const patch = (body: Record<string, unknown>) => call(server, world.admin.key, "PATCH", url, body);
    expectField(await patch({ url: null }), "body.url");
    expectField(await patch({ url: "ftp://203.0.113.10/x" }), "body.url");
    expectField(await patch({ url: "javascript:alert(1)" }), "body.url");
    expectField(await patch({ url: "https://a:b@203.0.113.10/x" }), "body.url");
    expectField(await patch({ url: "http://192.168.1.20/x" }), "body.url");
    expectField(await patch({ events: ["session.stopped", "nope.nope"] }), "body.events.1");
    expectField(await patch({ events: ["session.stopped", "*"] }), "body.events");
    expectField(await patch({ employee_id: "emp_0000000000000000" }), "body.employee_id");
    expectField(await patch({ employee_id: other.admin.id }), "body.employee_id");
    expect((await patch({ description: "x", unknown: 1 })).status).toBe(422);
    const empty = await patch({});
    expect(empty.status).toBe(422);
    const got = await call(server, world.admin.key, "GET", url);
    expect(got.body).toEqual((({ secret: _, ...rest }) => rest)(endpoint));

    // Enabling an endpoint without a URL is refused; with a URL it works.
    const bare = await call(server, world.admin.key, "POST", "/v1/webhook-endpoints", { enabled: false });
    const bareUrl = `/v1/webhook-endpoints/${bare.body.id}`;
    expectField(await call(server, world.admin.key, "PATCH", bareUrl, { enabled: true }), "body.enabled");
    expectField(await call(server, world.admin.key, "PATCH", bareUrl, { enabled: true, url: null }), "body.enabled");
    expect((await call(server, world.admin.key, "GET", bareUrl)).body).toMatchObject({
      enabled: false,
      disabled_reason: "manual",
    });
    const enabled = await call(server, world.admin.key, "PATCH", bareUrl, { enabled: true, url: PUBLIC_URL });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, url: PUBLIC_URL, disabled_reason: null });
  });

  it("disables (manual) and enables again; removes the URL only together with disabling", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world);
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const off = await call(server, world.admin.key, "PATCH", url, { enabled: false, url: null });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, url: null, disabled_reason: "manual" });
    const on = await call(server, world.admin.key, "PATCH", url, { enabled: true, url: "https://8.8.8.8/hook" });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ enabled: true, url: "https://8.8.8.8/hook", disabled_reason: null });
    await call(server, world.admin.key, "PATCH", url, { enabled: false });
    const urlRemoved = await call(server, world.admin.key, "PATCH", url, { url: null });
    expect(urlRemoved.status).toBe(200);
    expect(urlRemoved.body).toMatchObject({ enabled: false, url: null });

    // An endpoint disabled by a 410 keeps that reason when disabled again, and loses it when enabled.
    await server.storage.db
      .updateTable("webhook_endpoints")
      .set({ enabled: false, disabled_reason: "gone_410", url: PUBLIC_URL })
      .where("id", "=", endpoint.id)
      .execute();
    const still = await call(server, world.admin.key, "PATCH", url, { enabled: false });
    expect(still.body).toMatchObject({ enabled: false, disabled_reason: "gone_410" });
    const back = await call(server, world.admin.key, "PATCH", url, { enabled: true });
    expect(back.body).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it("turns RETRYING deliveries into FAILED when an endpoint is disabled, in the same change", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world, { events: ["project.created"] });
    const bystander = await createEndpoint(world, { events: ["*"] });
    const project = await call(server, world.manager.key, "POST", "/v1/projects", { name: "Website relaunch" });
    expect(project.status).toBe(201);
    const queued = await deliveriesOf(endpoint.id);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ status: "RETRYING", event_type: "project.created" });
    expect(queued[0]?.next_attempt_at).toBeInstanceOf(Date);

    const off = await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, {
      enabled: false,
    });
    expect(off.status).toBe(200);
    const failed = await deliveriesOf(endpoint.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id: queued[0]?.id, status: "FAILED", next_attempt_at: null });
    // Another endpoint's delivery of the same event is untouched.
    const other = await deliveriesOf(bystander.id);
    expect(other).toHaveLength(1);
    expect(other[0]?.status).toBe("RETRYING");

    // A disabled endpoint gets no new deliveries; enabling it again leaves FAILED ones failed.
    await call(server, world.manager.key, "POST", "/v1/projects", { name: "Second" });
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true });
    expect((await deliveriesOf(endpoint.id))[0]?.status).toBe("FAILED");
    expect(await deliveriesOf(bystander.id)).toHaveLength(2);
  });

  it("deletes an endpoint with its deliveries, and audits it", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world, { description: "Goes away" });
    await call(server, world.manager.key, "POST", "/v1/projects", { name: "Queued" });
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const deleted = await call(server, world.admin.key, "DELETE", url);
    expect(deleted.status).toBe(204);
    expect(deleted.raw.body).toBe("");
    expect((await call(server, world.admin.key, "GET", url)).status).toBe(404);
    expect((await call(server, world.admin.key, "DELETE", url)).status).toBe(404);
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
    expect(await endpointCount(server, world.organizationId)).toBe(0);
    const entry = (await auditEntries(world.organizationId, endpoint.id)).find(
      (e) => e.action === "webhook_endpoint.deleted",
    );
    expect(entry).toMatchObject({ actor_employee_id: world.admin.id, resource_type: "webhook_endpoint" });
    expect(entry?.changes).toMatchObject({ url: { from: PUBLIC_URL, to: null }, description: { from: "Goes away" } });
  });

  it("reveals the secret to admins (audited) and rotates it with a 24-hour overlap", async () => {
    const world = await createWorld(server);
    server.clock.set("2026-10-12T09:00:00Z");
    const endpoint = await createEndpoint(world);
    const url = `/v1/webhook-endpoints/${endpoint.id}`;
    const first = await call(server, world.admin.key, "POST", `${url}/reveal-secret`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ secret: endpoint.secret, previous_secret: null, previous_secret_expires_at: null });

    const rotated = await call(server, world.admin.key, "POST", `${url}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(SECRET);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body).toMatchObject({
      id: endpoint.id,
      secret_prefix: rotated.body.secret.slice(0, 10),
      secret_rotated_at: "2026-10-12T09:00:00.000Z",
      previous_secret_expires_at: "2026-10-13T09:00:00.000Z",
      updated_at: "2026-10-12T09:00:00.000Z",
    });
    server.clock.set("2026-10-13T08:59:59Z");
    const inOverlap = await call(server, world.admin.key, "POST", `${url}/reveal-secret`);
    expect(inOverlap.body).toEqual({
      secret: rotated.body.secret,
      previous_secret: endpoint.secret,
      previous_secret_expires_at: "2026-10-13T09:00:00.000Z",
    });
    expect((await call(server, world.admin.key, "GET", url)).body.previous_secret_expires_at).toBe(
      "2026-10-13T09:00:00.000Z",
    );

    server.clock.set(new Date(Date.parse("2026-10-12T09:00:00Z") + DAY_MS + 1000));
    const after = await call(server, world.admin.key, "POST", `${url}/reveal-secret`);
    expect(after.body).toEqual({
      secret: rotated.body.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
    });
    const got = await call(server, world.admin.key, "GET", url);
    expect(got.body).toMatchObject({
      previous_secret_expires_at: null,
      secret_rotated_at: "2026-10-12T09:00:00.000Z",
    });
    const listed = await call(server, world.admin.key, "GET", "/v1/webhook-endpoints");
    expect(listed.body.data[0].previous_secret_expires_at).toBeNull();

    // Rotating twice within the overlap retires the oldest secret at once.
    server.clock.set("2026-10-20T10:00:00Z");
    const second = await call(server, world.admin.key, "POST", `${url}/rotate-secret`);
    server.clock.set("2026-10-20T11:00:00Z");
    const third = await call(server, world.admin.key, "POST", `${url}/rotate-secret`);
    const revealed = await call(server, world.admin.key, "POST", `${url}/reveal-secret`);
    expect(revealed.body).toEqual({
      secret: third.body.secret,
      previous_secret: second.body.secret,
      previous_secret_expires_at: "2026-10-21T11:00:00.000Z",
    });

    const entries = await auditEntries(world.organizationId, endpoint.id);
    expect(entries.map((e) => e.action)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.secret_revealed",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.secret_revealed",
      "webhook_endpoint.secret_revealed",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.secret_revealed",
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        actor_type: "api_key",
        actor_employee_id: world.admin.id,
        resource_type: "webhook_endpoint",
        method: "POST",
      });
      expect(entry.ip).toEqual(expect.any(String));
      expect(entry.request_id).toMatch(/^req_/);
    }
    expect(entries[1]?.changes).toBeNull();
    expect(entries[2]?.changes).toEqual({
      secret_rotated_at: { from: null, to: "2026-10-12T09:00:00.000Z" },
      previous_secret_expires_at: { from: null, to: "2026-10-13T09:00:00.000Z" },
    });
  });

  it("never stores a secret in clear: not in the endpoint, the audit log or idempotent replays", async () => {
    const world = await createWorld(server);
    const created = await call(
      server,
      world.admin.key,
      "POST",
      "/v1/webhook-endpoints",
      { url: PUBLIC_URL, description: "Secret keeper" },
      { "idempotency-key": `create-${world.organizationId}` },
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    // The same request again is answered from the idempotency store with the same secret.
    const replay = await call(
      server,
      world.admin.key,
      "POST",
      "/v1/webhook-endpoints",
      { url: PUBLIC_URL, description: "Secret keeper" },
      { "idempotency-key": `create-${world.organizationId}` },
    );
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body.secret).toBe(created.body.secret);
    expect(await endpointCount(server, world.organizationId)).toBe(1);

    const rotated = await call(
      server,
      world.admin.key,
      "POST",
      `/v1/webhook-endpoints/${id}/rotate-secret`,
      undefined,
      {
        "idempotency-key": `rotate-${world.organizationId}`,
      },
    );
    expect(rotated.status).toBe(200);
    const revealed = await call(
      server,
      world.admin.key,
      "POST",
      `/v1/webhook-endpoints/${id}/reveal-secret`,
      undefined,
      {
        "idempotency-key": `reveal-${world.organizationId}`,
      },
    );
    expect(revealed.body).toMatchObject({ secret: rotated.body.secret, previous_secret: created.body.secret });
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${id}`, { description: "Changed" });
    const db = server.storage.db;
    const endpointRows = await db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).execute();
    expect(endpointRows).toHaveLength(1);
    await call(server, world.admin.key, "DELETE", `/v1/webhook-endpoints/${id}`);
    await server.app.audit.flush();

    const secrets = [created.body.secret, rotated.body.secret];
    const needles = secrets.flatMap((s: string) => [s, s.slice("whsec_".length)]);
    const stored = [
      ...endpointRows,
      ...(await db.selectFrom("audit_log").selectAll().where("organization_id", "=", world.organizationId).execute()),
      ...(await db
        .selectFrom("idempotency_keys")
        .selectAll()
        .where("organization_id", "=", world.organizationId)
        .execute()),
      ...(await db.selectFrom("events").selectAll().where("organization_id", "=", world.organizationId).execute()),
    ];
    const idempotent = await db
      .selectFrom("idempotency_keys")
      .select("response_body")
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(idempotent).toHaveLength(3);
    const text = JSON.stringify(stored);
    for (const needle of needles) expect(text).not.toContain(needle);
    const audit = await db
      .selectFrom("audit_log")
      .select("action")
      .where("organization_id", "=", world.organizationId)
      .where("resource_id", "=", id)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.secret_revealed",
      "webhook_endpoint.updated",
      "webhook_endpoint.deleted",
    ]);
  });

  it("stores the secret sealed in the endpoint row", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world);
    await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    const row = await server.storage.db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    const text = JSON.stringify(row);
    expect(text).not.toContain(endpoint.secret);
    expect(text).not.toContain(endpoint.secret.slice(6));
    expect(row.previous_secret_sealed).toEqual(expect.any(String));
    expect(row.secret_sealed).not.toBe(row.previous_secret_sealed);
    expect(row.secret_prefix).toMatch(/^whsec_/);
  });

  it("audits creation and updates with the actor, the IP and the changes", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(world, { events: ["leave.approved"], employee_id: world.employee.id });
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { enabled: false });
    const entries = await auditEntries(world.organizationId, endpoint.id);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      action: "webhook_endpoint.created",
      actor_employee_id: world.admin.id,
      resource_type: "webhook_endpoint",
      method: "POST",
      path: "/v1/webhook-endpoints",
      changes: {
        url: { from: null, to: PUBLIC_URL },
        events: { from: null, to: ["leave.approved"] },
        enabled: { from: null, to: true },
        employee_id: { from: null, to: world.employee.id },
      },
    });
    expect(entries[1]).toMatchObject({
      action: "webhook_endpoint.updated",
      method: "PATCH",
      path: `/v1/webhook-endpoints/${endpoint.id}`,
      changes: { enabled: { from: true, to: false }, disabled_reason: { from: null, to: "manual" } },
    });
    for (const entry of entries) {
      expect(entry.ip).toBe("127.0.0.1");
      expect(entry.actor_api_key_id).toMatch(/^key_/);
    }
  });
});
