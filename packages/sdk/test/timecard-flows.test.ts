import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  ensureSandboxSeed,
  SANDBOX_KEYS,
  SANDBOX_ORGANIZATION_IDS,
  SEED_VERSION,
} from "../../server/src/sandbox/seed.js";
import { type Receiver, startReceiver } from "../../server/test/support/webhook-receiver.js";
import { settlePendingDeliveries } from "../../server/test/support/webhook-server.js";
import {
  type ApiSchema,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  type Timecard,
  ValidationError,
} from "../src/index.js";
import { at, T0, thrown, useSdkTestServer } from "./server-support.js";

// One realistic flow per resource through the generated methods, against the real reference
// server in this process (the flows of timecard.test.ts are not repeated here): organization,
// me, activities, incoming webhooks, webhook deliveries, events, tasks, leave, sessions,
// employees, leave types and the sandbox operations, then the operations the server does not
// implement yet. Each test makes its own organization.

const sdk = useSdkTestServer({ TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8" }, { ownDatabase: true });
const { server, setUp } = sdk;
/** A second server, in sandbox mode, for the sandbox-only operations. */
const sandbox = useSdkTestServer({ TIMECARD_SANDBOX: "true" });

describe("organization and me", () => {
  it("reads the organization, changes its working-time settings and shows who the key is", async () => {
    const { world, admin, employee } = await setUp();
    server.clock.set(T0);
    const organization = await admin.organization.get();
    expect(organization).toMatchObject({
      id: world.organizationId,
      country: "PL",
      time_zone: "Europe/Warsaw",
      weekly_hours_norm: 40,
      daily_hours_norm: 8,
    });
    expect(await employee.organization.get()).toEqual(organization);

    server.clock.set(at(5));
    const updated = await admin.organization.update({
      name: "Kowalski Software sp. z o.o.",
      weekly_hours_norm: 35,
      daily_hours_norm: 7,
      overtime: { weekly_threshold_hours: 35, yearly_cap_hours: 150, yearly_warning_ratio: 0.9 },
    });
    expectTypeOf(updated).toExtend<ApiSchema<"Organization">>();
    expect(updated).toMatchObject({
      weekly_hours_norm: 35,
      daily_hours_norm: 7,
      id: world.organizationId,
      name: "Kowalski Software sp. z o.o.",
      overtime: { weekly_threshold_hours: 35, yearly_cap_hours: 150, yearly_warning_ratio: 0.9 },
      created_at: organization.created_at,
      updated_at: at(5),
    });
    expect(await employee.organization.get()).toEqual(updated);
    const refused = await thrown(() => employee.organization.update({ weekly_hours_norm: 20 }));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(await thrown(() => admin.organization.update({ weekly_hours_norm: 100 }))).toBeInstanceOf(ValidationError);

    const me = await sdk.client(world.employee.readKey).me.get();
    expect(me).toMatchObject({
      user: { id: world.employee.id, name: "Ewa Employee", role: "employee" },
      organization: { id: world.organizationId, name: "Kowalski Software sp. z o.o.", country: "PL" },
      credential: { type: "api_key", scope: "read", mode: "test", id: expect.stringMatching(/^key_/) },
      rate_limit: { limit: 1000, remaining: expect.any(Number) },
    });
    expect(me.user.email).toMatch(/^ewa\.employee\..+@example\.com$/);
    expect((await admin.me.get()).user).toMatchObject({ id: world.admin.id, role: "admin" });
  });
});

describe("activities", () => {
  it("submits activity on a running session, skips a resent interval and lists it per session", async () => {
    const { world, employee, manager } = await setUp();
    server.clock.set(T0);
    const session = await employee.sessions.start({ note: "Homepage wireframes" });
    server.clock.set(at(25));
    const interval = (from: number, to: number, overall: number) => ({
      period_start: at(from),
      period_end: at(to),
      keyboard_percent: overall - 20,
      mouse_percent: overall,
      overall_percent: overall,
    });
    const submitted = await employee.activities.submit(session.id, {
      intervals: [
        {
          ...interval(0, 10, 80),
          apps: [
            { name: "Slack", seconds: 60 },
            { name: "Figma", seconds: 480 },
          ],
          urls: [{ domain: "docs.google.com", seconds: 90 }],
        },
        interval(10, 20, 40),
      ],
    });
    expect(submitted.lastResponse.status).toBe(201);
    expect(submitted.accepted).toBe(2);
    const [first, second] = submitted.data;
    expect(first).toEqual({
      id: expect.stringMatching(/^act_/),
      session_id: session.id,
      employee_id: world.employee.id,
      ...interval(0, 10, 80),
      // Longest first.
      apps: [
        { name: "Figma", seconds: 480 },
        { name: "Slack", seconds: 60 },
      ],
      urls: [{ domain: "docs.google.com", seconds: 90 }],
      created_at: at(25),
    });
    expect(second).toMatchObject({ period_start: at(10), overall_percent: 40, apps: [], urls: [] });
    // A client resending its buffer: the known interval is skipped.
    const resent = await employee.activities.submit(session.id, { intervals: [interval(10, 20, 40)] });
    expect(resent).toMatchObject({ accepted: 0, data: [] });
    expect((await employee.sessions.get(session.id)).activity_percent).toBe(60);

    const forSession = await employee.activities.listForSession(session.id).toArray();
    // A timeline: oldest first.
    expect(forSession).toEqual(submitted.data);
    // Across sessions, newest first; `from` and `to` select by period_start.
    const team = await manager.activities.list({ employee_id: world.employee.id }).toArray();
    expect(team.map((a) => a.id)).toEqual([second?.id, first?.id]);
    const later = await manager.activities.list({ employee_id: world.employee.id, from: at(5), to: at(30) }).toArray();
    expect(later.map((a) => a.period_start)).toEqual([at(10)]);
    // Only the session's own employee submits.
    const refused = await thrown(() => manager.activities.submit(session.id, { intervals: [interval(20, 25, 50)] }));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    await employee.sessions.stop(session.id);
  });
});

describe("incoming webhooks", () => {
  it("creates a hook, calls its URL to create a project, lists and deletes it", async () => {
    const { world, admin, employee } = await setUp();
    server.clock.set(T0);
    const hook = await admin.incomingWebhooks.create({ name: "Zapier: new deals" });
    expect(hook).toMatchObject({
      id: expect.stringMatching(/^inh_/),
      name: "Zapier: new deals",
      acts_as_employee_id: world.admin.id,
      slack_signing_secret_set: false,
      last_used_at: null,
    });
    // The secret URL is under the address the hook was created through.
    expect(hook.url.startsWith(`${sdk.baseUrl}/v1/hooks/`)).toBe(true);

    server.clock.set(at(3));
    const response = await fetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "add_project", name: "Deal: Nowak Logistics" }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as ApiSchema<"IncomingActionResult">;
    expect(answer).toMatchObject({ action: "add_project", ok: true, result: { name: "Deal: Nowak Logistics" } });
    const projects = await employee.projects.list().toArray();
    expect(projects.map((p) => ({ id: p.id, name: p.name, status: p.status }))).toEqual([
      { id: answer.result.id, name: "Deal: Nowak Logistics", status: "open" },
    ]);

    const hooks = await admin.incomingWebhooks.list().toArray();
    expect(hooks).toEqual([
      {
        id: hook.id,
        name: "Zapier: new deals",
        url_preview: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/hooks\/.{4}…$/),
        acts_as_employee_id: world.admin.id,
        slack_signing_secret_set: false,
        created_at: hook.created_at,
        last_used_at: at(3),
      },
    ]);
    expect(await thrown(() => employee.incomingWebhooks.list())).toBeInstanceOf(PermissionDeniedError);

    const deleted = await admin.incomingWebhooks.delete(hook.id);
    expect(deleted).toBeUndefined();
    expect(await admin.incomingWebhooks.list().toArray()).toEqual([]);
    const gone = await fetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "add_project", name: "Too late" }),
    });
    expect(gone.status).toBe(404);
    // The generated method calls the same URL.
    const token = hook.url.slice(hook.url.lastIndexOf("/") + 1);
    const refused = await thrown(() =>
      admin.incomingWebhooks.receive(token, { action: "add_project", name: "Too late" }),
    );
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((await employee.projects.list().toArray()).map((p) => p.name)).toEqual(["Deal: Nowak Logistics"]);
  });
});

describe("webhook deliveries", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await settlePendingDeliveries(server);
  });

  it("lists a failed delivery, and retries it once the endpoint is enabled again", async () => {
    const { admin } = await setUp();
    server.clock.set(T0);
    const runDue = () => server.app.webhooks.dispatcher.runDue();
    receiver.setDefault({ status: 503, body: "Service Unavailable" });
    const endpoint = await admin.webhooks.createEndpoint({ url: `${receiver.url}/crm`, events: ["project.created"] });
    const project = await admin.projects.create({ name: "Website relaunch" });
    await runDue();

    const [queued] = await admin.webhooks.listDeliveries({ endpoint_id: endpoint.id }).toArray();
    expect(queued).toMatchObject({
      endpoint_id: endpoint.id,
      event_type: "project.created",
      status: "RETRYING",
      attempt: 1,
      http_status: 503,
      error_preview: "Service Unavailable",
      next_attempt_at: new Date(Date.parse(T0) + 60_000).toISOString(),
    });
    const event = await admin.events.get(queued?.event_id ?? "");
    expect(event.type === "project.created" && event.data.id).toBe(project.id);

    // Disabling the endpoint fails the pending retry.
    const disabled = await admin.webhooks.updateEndpoint(endpoint.id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: "manual" });
    const failed = await admin.webhooks.listDeliveries({ status: "FAILED" }).toArray();
    expect(failed.map((d) => d.id)).toEqual([queued?.id]);
    expect(await admin.webhooks.listDeliveries({ status: "RETRYING" }).toArray()).toEqual([]);
    const delivery = await admin.webhooks.getDelivery(queued?.id ?? "");
    expectTypeOf(delivery.status).toEqualTypeOf<ApiSchema<"WebhookDeliveryStatus">>();
    expect(delivery).toMatchObject({ status: "FAILED", attempt: 1, next_attempt_at: null });
    expect(delivery.attempts).toEqual([
      { attempt: 1, at: T0, http_status: 503, duration_ms: expect.any(Number), error_preview: "Service Unavailable" },
    ]);
    const whileDisabled = await thrown(() => admin.webhooks.retryDelivery(delivery.id));
    expect(whileDisabled).toBeInstanceOf(ConflictError);
    expect(whileDisabled).toMatchObject({ status: 409, code: "invalid_state" });

    // Enabled again, the delivery stays failed until it is retried by hand.
    await admin.webhooks.updateEndpoint(endpoint.id, { enabled: true });
    expect((await admin.webhooks.getDelivery(delivery.id)).status).toBe("FAILED");
    receiver.setDefault({ status: 200, body: "ok" });
    server.clock.set(at(10));
    const retried = await admin.webhooks.retryDelivery(delivery.id);
    expect(retried.lastResponse.status).toBe(202);
    expect(retried).toMatchObject({ id: delivery.id, status: "RETRYING", next_attempt_at: at(10) });
    await runDue();
    const succeeded = await admin.webhooks.getDelivery(delivery.id);
    expect(succeeded).toMatchObject({ status: "SUCCESS", attempt: 2, http_status: 200, error_preview: null });
    expect(succeeded.attempts.map((a) => [a.at, a.http_status])).toEqual([
      [T0, 503],
      [at(10), 200],
    ]);
    // The same event, with the same webhook-id, reached the receiver the second time.
    expect(receiver.requests.map((r) => [r.path, r.headers["webhook-id"]])).toEqual([
      ["/crm", delivery.event_id],
      ["/crm", delivery.event_id],
    ]);
    const successes = await admin.webhooks.listDeliveries({ status: "SUCCESS", event_type: "project.created" });
    expect(successes.data.map((d) => d.id)).toEqual([delivery.id]);
  });
});

describe("events", () => {
  it("gets each event of a session's life by id, typed by its type", async () => {
    const { world, admin, employee } = await setUp();
    server.clock.set(T0);
    const session = await employee.sessions.start();
    server.clock.set(at(30));
    await employee.sessions.stop(session.id);

    const listed = await admin.events.list({ resource_id: session.id }).toArray();
    expect(listed.map((e) => e.type)).toEqual(["session.stopped", "session.started"]);
    const stopped = await employee.events.get(listed[0]?.id ?? "");
    expect(stopped).toEqual(listed[0]);
    expect(stopped).toMatchObject({ organization_id: world.organizationId, created_at: at(30) });
    if (stopped.type !== "session.stopped") throw new Error(`expected session.stopped, got ${stopped.type}`);
    // Narrowed by `type`: `data` is the stopped session.
    expect(stopped.data).toMatchObject({ id: session.id, status: "completed", duration_seconds: 1800 });

    expect(await thrown(() => admin.events.get("evt_0000000000000000"))).toBeInstanceOf(NotFoundError);
  });
});

describe("tasks", () => {
  it("updates a task's assignees and estimate, and filters the tasks by project, status and assignee", async () => {
    const { world, manager, employee } = await setUp();
    const website = await manager.projects.create({ name: "Website relaunch" });
    const mobile = await manager.projects.create({ name: "Mobile app" });
    const design = await manager.tasks.create({ project_id: website.id, name: "Design" });
    const copy = await manager.tasks.create({ project_id: website.id, name: "Copywriting" });
    const api = await manager.tasks.create({ project_id: mobile.id, name: "API", assignee_ids: [world.employee.id] });

    const updated = await manager.tasks.update(design.id, {
      name: "Homepage design",
      description: "Hero, navigation and footer",
      assignee_ids: [world.employee.id, world.colleague.id],
      estimate_seconds: 16 * 3600,
    });
    expect(updated).toMatchObject({
      id: design.id,
      project_id: website.id,
      name: "Homepage design",
      description: "Hero, navigation and footer",
      status: "open",
      estimate_seconds: 57_600,
      tracked_seconds: 0,
    });
    expect([...updated.assignee_ids].sort()).toEqual([world.employee.id, world.colleague.id].sort());
    expect(await employee.tasks.get(design.id)).toEqual(updated);
    const closed = await manager.tasks.close(copy.id);
    expect(closed).toMatchObject({ status: "closed", closed_at: expect.any(String) });

    const names = async (query: Parameters<Timecard["tasks"]["list"]>[0]) =>
      (await employee.tasks.list(query).toArray()).map((t) => t.name).sort();
    expect(await names({ project_id: website.id })).toEqual(["Copywriting", "Homepage design"]);
    expect(await names({ project_id: website.id, status: "open" })).toEqual(["Homepage design"]);
    expect(await names({ status: "closed" })).toEqual(["Copywriting"]);
    expect(await names({ assignee_id: world.employee.id })).toEqual(["API", "Homepage design"]);
    expect(await names({ assignee_id: world.colleague.id, project_id: mobile.id })).toEqual([]);
    expect((await manager.tasks.update(api.id, { assignee_ids: [] })).assignee_ids).toEqual([]);
    expect(await names({ assignee_id: world.employee.id })).toEqual(["Homepage design"]);
  });
});

describe("leave: reject, cancel and the leave types", () => {
  it("rejects one request with a reason, cancels another, and gives the days back", async () => {
    const { world, manager, employee } = await setUp();
    server.clock.set(T0);
    const balance = async () =>
      (await employee.leave.listEmployeeBalances(world.employee.id, { year: 2026 }).toArray()).find(
        (b) => b.type === "vacation",
      );
    const before = await balance();

    const week = await employee.leave.create({ type: "vacation", start_date: "2026-11-16", end_date: "2026-11-20" });
    expect(week).toMatchObject({ status: "requested", days: 5 });
    expect(await balance()).toMatchObject({ requested_days: (before?.requested_days ?? 0) + 5 });
    const reason = "The release is planned for that week; please choose other dates.";
    const rejected = await manager.leave.reject(week.id, { reason });
    expect(rejected).toMatchObject({
      status: "rejected",
      decided_by: world.manager.id,
      decided_at: T0,
      decision_note: reason,
    });
    const again = await thrown(() => manager.leave.approve(week.id));
    expect(again).toMatchObject({ status: 409, code: "invalid_state" });

    const friday = await employee.leave.create({ type: "vacation", start_date: "2026-11-27", end_date: "2026-11-27" });
    const approved = await manager.leave.approve(friday.id);
    expect(await balance()).toMatchObject({ planned_days: (before?.planned_days ?? 0) + 1 });
    const cancelled = await employee.leave.cancel(approved.id);
    expect(cancelled).toMatchObject({ id: friday.id, status: "cancelled", cancelled_at: T0 });
    expect(await balance()).toEqual(before);

    const requests = await employee.leave.list().toArray();
    expect(requests.map((r) => [r.start_date, r.status]).sort()).toEqual([
      ["2026-11-16", "rejected"],
      ["2026-11-27", "cancelled"],
    ]);
  });

  it("lists the leave types of a country", async () => {
    const { employee } = await setUp();
    const poland = await employee.leave.listTypes({ country: "PL" }).toArray();
    // In the order of the enum.
    expect(poland.map((t) => t.code)).toEqual(["vacation", "on_demand", "sick", "unpaid", "childcare", "other"]);
    expect(poland.find((t) => t.code === "sick")).toMatchObject({
      paid: true,
      counts_against_balance: false,
      requires_approval: false,
    });
    expect(poland.find((t) => t.code === "vacation")).toMatchObject({
      counts_against_balance: true,
      requires_approval: true,
      countries: expect.arrayContaining(["PL", "CZ"]),
    });
    const czechia = await employee.leave.listTypes({ country: "CZ" }).toArray();
    expect(czechia.map((t) => t.code)).not.toContain("on_demand");
    expect(czechia.every((t) => t.countries.includes("CZ"))).toBe(true);
  });
});

describe("manual sessions", () => {
  it("records a forgotten day, corrects it after a rejection and deletes another", async () => {
    const { world, manager, employee } = await setUp();
    server.clock.set(T0);
    const project = await manager.projects.create({ name: "Workshops", billable: true });
    const workshop = await employee.sessions.create({
      started_at: "2026-10-02T06:30:00.000Z",
      ended_at: "2026-10-02T14:30:00.000Z",
      project_id: project.id,
      note: "Requirements workshop in Kraków",
    });
    expect(workshop.lastResponse.status).toBe(201);
    expect(workshop).toMatchObject({
      employee_id: world.employee.id,
      project_id: project.id,
      status: "completed",
      approval_status: "pending",
      duration_seconds: 8 * 3600,
      billable: true,
      source: "api",
    });
    const overlap = await thrown(() =>
      employee.sessions.create({ started_at: "2026-10-02T13:00:00.000Z", ended_at: "2026-10-02T15:00:00.000Z" }),
    );
    expect(overlap).toBeInstanceOf(ConflictError);
    expect(overlap).toMatchObject({ code: "session_overlap" });

    const reason = "The lunch break 12:00–12:45 is included; please split the session.";
    const rejected = await manager.sessions.reject(workshop.id, { reason });
    expect(rejected).toMatchObject({ approval_status: "rejected", rejection_reason: reason, approved_by: null });
    // Correcting a rejected session sends it back for approval.
    const corrected = await employee.sessions.update(workshop.id, {
      ended_at: "2026-10-02T13:45:00.000Z",
      note: "Requirements workshop in Kraków, without the lunch break",
    });
    expect(corrected).toMatchObject({
      approval_status: "pending",
      rejection_reason: null,
      duration_seconds: 7.25 * 3600,
      note: "Requirements workshop in Kraków, without the lunch break",
    });
    expect((await manager.sessions.approve(workshop.id)).approval_status).toBe("approved");
    const locked = await thrown(() => employee.sessions.delete(workshop.id));
    expect(locked).toMatchObject({ status: 409, code: "invalid_state" });

    const mistake = await employee.sessions.create({
      started_at: "2026-10-03T08:00:00.000Z",
      ended_at: "2026-10-03T09:00:00.000Z",
    });
    expect(await employee.sessions.delete(mistake.id)).toBeUndefined();
    expect(await thrown(() => employee.sessions.get(mistake.id))).toBeInstanceOf(NotFoundError);
    const october = await employee.sessions
      .list({ from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z" })
      .toArray();
    expect(october.map((s) => [s.id, s.approval_status])).toEqual([[workshop.id, "approved"]]);
  });
});

describe("employees: auto-pagination", () => {
  it("walks every page of the employees and of a manager's team", async () => {
    const { world, admin, manager } = await setUp();
    const hired: ApiSchema<"Employee">[] = [];
    for (const name of ["Piotr Zieliński", "Katarzyna Wójcik", "Tomasz Lewandowski"]) {
      const email = `${name.split(" ")[0]?.toLowerCase()}.${world.organizationId}@example.com`;
      hired.push(await admin.employees.create({ name, email, manager_id: world.manager.id }));
    }
    const everyone = [world.admin, world.manager, world.employee, world.colleague, world.outsider]
      .map((u) => u.id)
      .concat(hired.map((e) => e.id));

    const all: ApiSchema<"Employee">[] = [];
    for await (const e of admin.employees.list({ limit: 3 })) all.push(e);
    expect(all.map((e) => e.id).sort()).toEqual([...everyone].sort());
    const pages = [];
    for await (const page of admin.employees.list({ limit: 3 }).pages()) pages.push(page.data.length);
    expect(pages).toEqual([3, 3, 2]);
    expect(await admin.employees.list({ limit: 3 }).toArray({ max: 4 })).toHaveLength(4);

    const team = await manager.employees.list({ manager_id: world.manager.id, limit: 2 }).toArray();
    expect(team.map((e) => e.name).sort()).toEqual([
      "Cyril Colleague",
      "Ewa Employee",
      "Katarzyna Wójcik",
      "Piotr Zieliński",
      "Tomasz Lewandowski",
    ]);
    const admins = await admin.employees.list({ role: "admin", limit: 1 }).toArray();
    expect(admins.map((e) => e.id)).toEqual([world.admin.id]);
  });
});

describe("sandbox", () => {
  const key = (role: string) => {
    const found = SANDBOX_KEYS.find((k) => k.country === "PL" && k.role === role && k.scope === "full");
    if (!found) throw new Error(`no sandbox key for a PL ${role}`);
    return found.secret;
  };
  beforeAll(async () => {
    await ensureSandboxSeed(sandbox.server.storage.db, sandbox.server.clock.now);
  });

  it("triggers a sample event, reads it back and resets the organization to the seed", async () => {
    const admin = sandbox.client(key("admin"));
    expect((await admin.me.get()).organization.id).toBe(SANDBOX_ORGANIZATION_IDS.PL);
    const seeded = await admin.projects.list().toArray();

    const { event } = await admin.sandbox.triggerEvent({ type: "leave.approved" });
    expect(event).toMatchObject({ type: "leave.approved", organization_id: SANDBOX_ORGANIZATION_IDS.PL });
    expect(await admin.events.get(event.id)).toEqual(event);
    const scratch = await admin.projects.create({ name: "Scratch" });

    sandbox.server.clock.set(at(1));
    const reset = await admin.sandbox.reset();
    expect(reset).toEqual({ reset_at: at(1), seed: SEED_VERSION });
    expect(await thrown(() => admin.projects.get(scratch.id))).toBeInstanceOf(NotFoundError);
    expect(await thrown(() => admin.events.get(event.id))).toBeInstanceOf(NotFoundError);
    expect((await admin.projects.list().toArray()).map((p) => p.id)).toEqual(seeded.map((p) => p.id));
  });

  it("answers 404 outside sandbox mode, as if the operations did not exist", async () => {
    const { admin } = await setUp();
    expect(await thrown(() => admin.sandbox.reset())).toBeInstanceOf(NotFoundError);
    const trigger = await thrown(() => admin.sandbox.triggerEvent({ type: "session.started" }));
    expect(trigger).toMatchObject({ status: 404, code: "not_found" });
  });
});

describe("reports, compliance alerts and payroll exports", () => {
  it("splits a month's work, raises and acknowledges a rest alert, and exports the month", async () => {
    const { world, admin, manager, employee } = await setUp();
    server.clock.set(T0);
    // Warsaw is UTC+2 in September. Tuesday 29th 08:00–19:00 local: 8 h regular, 3 h overtime.
    // Wednesday 30th 04:00–12:00: 8 h regular, 2 h of them at night (04:00–06:00), after only
    // 9 h of rest (PL art. 132 § 1 asks 11).
    const long = await employee.sessions.create({
      started_at: "2026-09-29T06:00:00.000Z",
      ended_at: "2026-09-29T17:00:00.000Z",
    });
    const early = await employee.sessions.create({
      started_at: "2026-09-30T02:00:00.000Z",
      ended_at: "2026-09-30T10:00:00.000Z",
    });
    await manager.sessions.approve(long.id);
    await manager.sessions.approve(early.id);

    const hours = await admin.reports.getHours({
      from: "2026-09-01",
      to: "2026-09-30",
      group_by: "employee",
      employee_id: world.employee.id,
    });
    expect(hours.rows).toEqual([
      expect.objectContaining({
        key: world.employee.id,
        worked_seconds: 19 * 3600,
        regular_seconds: 16 * 3600,
        overtime_seconds: 3 * 3600,
        night_seconds: 2 * 3600,
        sunday_holiday_seconds: 0,
        sessions: 2,
      }),
    ]);
    const overtime = await employee.reports.getOvertime({ year: 2026 });
    expect(overtime.employees.map((e) => [e.employee_id, e.overtime_seconds, e.status])).toEqual([
      [world.employee.id, 3 * 3600, "ok"],
    ]);

    const alerts = await manager.compliance.list({ employee_id: world.employee.id, kind: "daily_rest" }).toArray();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as (typeof alerts)[number];
    expect(alert).toMatchObject({ severity: "violation", rule: "PL Kodeks pracy art. 132 § 1", acknowledged_at: null });
    expect(alert.session_ids.sort()).toEqual([long.id, early.id].sort());
    expect((await employee.compliance.get(alert.id)).id).toBe(alert.id);
    const acknowledged = await manager.compliance.acknowledge(alert.id);
    expect(acknowledged.acknowledged_by).toBe(world.manager.id);
    expect(await thrown(() => manager.compliance.acknowledge(alert.id))).toBeInstanceOf(ConflictError);

    const formats = await admin.exports.listFormats({ country: "PL" }).toArray();
    expect(formats.map((f) => f.id)).toContain("symfonia-rcp");
    await admin.employees.update(world.employee.id, { payroll_number: "00042", clock_card_number: "4242" });
    const created = await admin.exports.create({
      format: "custom-csv",
      month: "2026-09",
      employee_ids: [world.employee.id],
      options: {
        columns: ["payroll_number", "worked_hours", "overtime_hours", "night_hours"],
        rows: "employee_month",
        decimal_separator: ".",
      },
    });
    expect(created).toMatchObject({ status: "queued", file: null });
    expect(created.lastResponse.status).toBe(202);
    expect(await server.app.exports.runDue()).toBe(1);
    const done = await admin.exports.get(created.id);
    expect(done.status).toBe("completed");
    expect((await manager.exports.list({ month: "2026-09" }).toArray()).map((e) => e.id)).toEqual([created.id]);
    const file = await admin.raw.GET("/v1/exports/{export_id}/file", {
      params: { path: { export_id: created.id } },
      parseAs: "text",
    });
    expect(file.response.status).toBe(200);
    expect(file.data).toBe("payroll_number;worked_hours;overtime_hours;night_hours\r\n00042;19.0;3.0;2.0\r\n");
  });

  it("manages OAuth apps and reads the authorization server's metadata", async () => {
    const { world, admin } = await setUp();
    const metadata = await admin.oauth.getServerMetadata();
    expect(metadata.token_endpoint).toBe(`${metadata.issuer}/oauth/token`);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    const app = await admin.oauthApps.create({
      name: "Payroll sync",
      redirect_uris: ["https://payroll.example.com/callback"],
      allowed_scopes: ["read"],
      grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      confidential: true,
      client_credentials_employee_id: world.admin.id,
    });
    expect(app.client_secret).toMatch(/\S{20,}/);
    expect((await admin.oauthApps.get(app.id)).name).toBe("Payroll sync");
    expect((await admin.oauthApps.list().toArray()).map((a) => a.id)).toEqual([app.id]);
    await admin.oauthApps.delete(app.id);
    expect(await thrown(() => admin.oauthApps.get(app.id))).toMatchObject({ status: 404 });
  });
});
