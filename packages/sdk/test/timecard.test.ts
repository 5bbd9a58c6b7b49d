import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { World } from "../../server/test/support/harness.js";
import { type Receiver, startReceiver } from "../../server/test/support/webhook-receiver.js";
import {
  type ApiSchema,
  AuthenticationError,
  ConflictError,
  createTimecard,
  NotFoundError,
  PermissionDeniedError,
  type RateLimitState,
  type Timecard,
  TimecardError,
  ValidationError,
} from "../src/index.js";
import { at, T0, thrown, useSdkTestServer } from "./server-support.js";

// The generated methods against the real reference server, in this process on a loopback
// port: one realistic flow per resource, the typed errors the server answers, pagination
// across real pages and the rate-limit headers. Each test makes its own organization.
// More flows, one per remaining resource, are in timecard-flows.test.ts.

const sdk = useSdkTestServer({ TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8" }, { ownDatabase: true });
const { server, setUp } = sdk;

describe("employees", () => {
  it("creates, reads, updates, finds and deactivates an employee", async () => {
    const { world, admin } = await setUp();
    const email = `jan.kowalski.${world.organizationId}@example.com`;
    const created = await admin.employees.create({ name: "Jan Kowalski", email, manager_id: world.manager.id });
    expect(created).toMatchObject({ id: expect.stringMatching(/^emp_/), role: "employee", status: "active" });
    expect(created.lastResponse.status).toBe(201);

    expect(await admin.employees.get(created.id)).toEqual(created);
    const renamed = await admin.employees.update(created.id, { name: "Jan Nowak" });
    expect(renamed.name).toBe("Jan Nowak");

    const found = await admin.employees.list({ email });
    expect(found.data.map((e) => e.id)).toEqual([created.id]);

    const deactivated = await admin.employees.deactivate(created.id);
    expect(deactivated.status).toBe("deactivated");
    const active = await admin.employees.list({ status: "active" }).toArray();
    expect(active.map((e) => e.id)).not.toContain(created.id);
  });
});

describe("projects and tasks", () => {
  it("creates a project and a task, tracks time on the task and closes the project", async () => {
    const { world, manager, employee } = await setUp();
    server.clock.set(T0);
    const project = await manager.projects.create({ name: "Website relaunch", client_name: "Kowalski Software" });
    expect(project).toMatchObject({ id: expect.stringMatching(/^prj_/), status: "open", billable: false });
    const task = await manager.projects
      .get(project.id)
      .then((p) => manager.tasks.create({ project_id: p.id, name: "Design", assignee_ids: [world.employee.id] }));
    expect(task).toMatchObject({ project_id: project.id, name: "Design" });

    const tracking = await employee.tasks.track(task.id);
    expect(tracking).toMatchObject({ task_id: task.id, project_id: project.id, status: "running" });
    server.clock.set(at(45));
    const stopped = await employee.tasks.stop(task.id);
    expect(stopped).toMatchObject({ id: tracking.id, status: "completed", duration_seconds: 45 * 60 });

    const tasks = await employee.tasks.list({ project_id: project.id }).toArray();
    expect(tasks.map((t) => t.id)).toEqual([task.id]);
    const closed = await manager.projects.close(project.id);
    expect(closed.status).toBe("closed");
    expect((await manager.projects.reopen(project.id)).status).toBe("open");
  });
});

describe("sessions", () => {
  it("starts, stops and approves a session, and lists it", async () => {
    const { world, manager, employee } = await setUp();
    server.clock.set(T0);
    const started = await employee.sessions.start({ note: "Standup" });
    expect(started).toMatchObject({ status: "running", source: "api", employee_id: world.employee.id });

    const again = await thrown(() => employee.sessions.start());
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ status: 409, code: "session_already_running" });

    server.clock.set(at(90));
    const stopped = await employee.sessions.stop(started.id, { note: "Planning" });
    expect(stopped).toMatchObject({ status: "completed", duration_seconds: 5400, note: "Planning" });
    const approved = await manager.sessions.approve(started.id);
    expect(approved).toMatchObject({ approval_status: "approved", approved_by: world.manager.id });

    expect(await employee.sessions.get(started.id)).toEqual(approved);
    const mine: ApiSchema<"Session">[] = [];
    for await (const session of employee.sessions.list({ approval_status: "approved" })) mine.push(session);
    expect(mine.map((s) => s.id)).toEqual([started.id]);
  });
});

describe("leave", () => {
  it("requests leave, approves it and shows it in the balance", async () => {
    const { world, manager, employee } = await setUp();
    server.clock.set(T0);
    const requested = await employee.leave.create({
      type: "vacation",
      start_date: "2026-11-09",
      end_date: "2026-11-13",
      note: "Family trip to Zakopane.",
    });
    // 11 November is Independence Day.
    expect(requested).toMatchObject({ status: "requested", days: 4, half_day_start: false });

    const approved = await manager.leave.approve(requested.id, { note: "Enjoy the mountains." });
    expect(approved).toMatchObject({ status: "approved", decided_by: world.manager.id });
    expect(await employee.leave.get(requested.id)).toEqual(approved);

    const balances = await employee.leave.listEmployeeBalances(world.employee.id, { year: 2026 }).toArray();
    expect(balances.find((b) => b.type === "vacation")).toMatchObject({ planned_days: 4 });
    const requests = await manager.leave.list({ status: "approved" }).toArray();
    expect(requests.map((r) => r.id)).toEqual([requested.id]);
  });
});

describe("API keys", () => {
  it("creates, rotates and revokes a key, and the revoked key is refused", async () => {
    const { world, admin } = await setUp();
    const key = await admin.apiKeys.create({ name: "CI", scope: "read" });
    expect(key).toMatchObject({ id: expect.stringMatching(/^key_/), scope: "read", secret: expect.any(String) });
    const ci = createTimecard({ apiKey: key.secret, baseUrl: sdk.baseUrl, maxRetries: 0 });
    expect((await ci.me.get()).user.id).toBe(world.admin.id);

    const rotated = await admin.apiKeys.rotate(key.id, { expire_current_in_seconds: 0 });
    expect(rotated.id).not.toBe(key.id);
    expect(await thrown(() => ci.me.get())).toBeInstanceOf(AuthenticationError);

    await admin.apiKeys.revoke(rotated.id);
    const refused = await thrown(() => createTimecard({ apiKey: rotated.secret, baseUrl: sdk.baseUrl }).me.get());
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: "key_revoked" });
    // The key is in no part of the error, however it is printed.
    for (const text of [JSON.stringify(refused), inspect(refused, { depth: 10 }), String(refused)]) {
      expect(text).not.toContain(rotated.secret);
    }

    await server.app.audit.flush();
    const trail = await admin.apiKeys.listAuditEntries(key.id).toArray();
    expect(trail.map((e) => e.action)).toContain("api_key.rotated");
  });
});

describe("webhooks", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it("creates an endpoint, sends it a test event and verifies the delivery", async () => {
    const { admin } = await setUp();
    const endpoint = await admin.webhooks.createEndpoint({ url: `${receiver.url}/hooks`, events: ["*"] });
    expect(endpoint).toMatchObject({ id: expect.stringMatching(/^whe_/), secret: expect.stringMatching(/^whsec_/) });

    const test = await admin.webhooks.testEndpoint(endpoint.id);
    const [request] = await receiver.waitFor(1);
    const event = await admin.webhooks.verify({
      payload: request?.body ?? "",
      headers: request?.headers ?? {},
      secret: endpoint.secret,
      now: () => server.clock.now,
    });
    expect(event).toMatchObject({ id: test.event_id, type: "webhook.test" });

    const deliveries = await admin.webhooks.listEndpointDeliveries(endpoint.id).toArray();
    expect(deliveries.map((d) => d.event_id)).toContain(test.event_id);
    await admin.webhooks.deleteEndpoint(endpoint.id);
    expect(await thrown(() => admin.webhooks.getEndpoint(endpoint.id))).toBeInstanceOf(NotFoundError);
  });
});

describe("events and the audit log", () => {
  it("walks every page of the events, fetching no page beyond what is asked", async () => {
    const { world } = await setUp();
    const requests: string[] = [];
    const admin = createTimecard({
      apiKey: world.admin.key,
      baseUrl: sdk.baseUrl,
      onRequest: (info) => {
        requests.push(info.url);
      },
    });
    const names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"];
    for (const name of names) await admin.projects.create({ name });

    const first = await admin.events.list({ type: "project.created", limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);

    requests.length = 0;
    const all = [];
    for await (const event of admin.events.list({ type: "project.created", limit: 2 })) all.push(event);
    expect(all).toHaveLength(5);
    expect(new Set(all.map((e) => e.id)).size).toBe(5);
    expect(requests).toHaveLength(3);
    expect(requests.slice(1).every((url) => new URL(url).searchParams.has("cursor"))).toBe(true);

    requests.length = 0;
    expect(await admin.events.list({ type: "project.created", limit: 2 }).toArray({ max: 3 })).toHaveLength(3);
    expect(requests).toHaveLength(2);

    const pages = [];
    for await (const page of admin.events.list({ type: "project.created", limit: 2 }).pages()) pages.push(page);
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
  });

  it("reads the audit log of the calls made", async () => {
    const { admin } = await setUp();
    const project = await admin.projects.create({ name: "Audited" });
    await server.app.audit.flush(); // the server writes the log in batches, off the request path
    const entries = await admin.auditLog.list({ method: "POST", path_prefix: "/v1/projects" }).toArray();
    expect(entries).toHaveLength(1);
    const entry = await admin.auditLog.get(entries[0]?.id ?? "");
    expect(entry).toMatchObject({
      action: "api_request",
      request: { method: "POST", path: "/v1/projects", status: 201 },
    });
    expect(entry.request?.request_id).toBe(project.lastResponse.requestId);
  });
});

describe("typed errors from the server", () => {
  it("throws NotFoundError for an unknown id, with the request id", async () => {
    const { admin } = await setUp();
    const error = await thrown(() => admin.sessions.get("ses_0000000000000000"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(TimecardError);
    expect(error).toMatchObject({ status: 404, code: "not_found", requestId: expect.any(String) });
  });

  it("throws ValidationError with the field errors", async () => {
    const { admin } = await setUp();
    const error = await thrown(() => admin.employees.create({ name: "Jan", email: "not-an-email" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, code: "validation_failed" });
    expect((error as ValidationError).errors.map((e) => e.field)).toContain("body.email");
  });

  it("throws PermissionDeniedError when the role may not", async () => {
    const { employee } = await setUp();
    const error = await thrown(() => employee.employees.create({ name: "Jan", email: "jan@example.com" }));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403 });
  });

  it("refuses a missing path parameter before sending anything", async () => {
    const { admin } = await setUp();
    expect(() => admin.sessions.get("")).toThrow(TypeError);
    expect(() => admin.sessions.get(undefined as unknown as string)).toThrow(/session_id/);
  });
});

describe("rate limits and the raw client", () => {
  it("shows the rate limit on every result and on the client", async () => {
    const { world } = await setUp();
    const low: RateLimitState[] = [];
    const admin = createTimecard({
      apiKey: world.admin.key,
      baseUrl: sdk.baseUrl,
      rateLimitLowThreshold: 10_000,
      onRateLimitLow: (state) => low.push(state),
    });
    expect(admin.rateLimit).toBeNull();
    const me = await admin.me.get();
    const first = me.lastResponse.rateLimit;
    expect(first).toMatchObject({ limit: 1000, remaining: expect.any(Number), reset: expect.any(Date) });
    expect(admin.rateLimit).toEqual(first);
    const page = await admin.employees.list();
    expect(page.lastResponse.rateLimit?.remaining).toBe((first?.remaining ?? 0) - 1);
    expect(admin.rateLimit).toEqual(page.lastResponse.rateLimit);
    expect(low).toHaveLength(2);
    // Non-enumerable: the result is exactly the JSON the server sent.
    expect(Object.keys(me)).not.toContain("lastResponse");
  });

  it("shares the core with the raw openapi-fetch client", async () => {
    const { world, admin } = await setUp();
    const { data, error, response } = await admin.raw.GET("/v1/employees/{employee_id}", {
      params: { path: { employee_id: world.manager.id } },
    });
    expect(error).toBeUndefined();
    expect(data?.id).toBe(world.manager.id);
    expect(response.headers.get("x-ratelimit-limit")).toBe("1000");
    expect(admin.rateLimit?.limit).toBe(1000);
  });
});

describe("types", () => {
  it("types methods from the spec", () => {
    type Client = Timecard;
    expectTypeOf<Client["sessions"]["get"]>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<Client["sessions"]["get"]>>>().toExtend<ApiSchema<"Session">>();
    expectTypeOf<Client["sessions"]["start"]>().toBeCallableWith();
    expectTypeOf<Client["employees"]["create"]>().toBeCallableWith({ name: "Jan", email: "jan@example.com" });
    // @ts-expect-error: email is required
    expectTypeOf<Client["employees"]["create"]>().toBeCallableWith({ name: "Jan" });
    expectTypeOf<ReturnType<Client["sessions"]["delete"]>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<World>().not.toBeAny();
  });
});
