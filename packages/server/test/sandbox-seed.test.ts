import { sql } from "kysely";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseKeySecret } from "../src/domain/api-key-secret.js";
import { createPerson, issueApiKey } from "../src/domain/bootstrap.js";
import {
  buildSeed,
  ensureSandboxSeed,
  resetSandboxOrganization,
  SANDBOX_KEYS,
  SANDBOX_ORGANIZATION_IDS,
  SEED_VERSION,
} from "../src/sandbox/seed.js";
import { OPENAPI_DOCUMENT } from "../src/spec.js";
import { call, createWorld, testStorageConfig, useTestServer } from "./support/harness.js";
import { expectSchema } from "./support/schema.js";

const server = useTestServer({ TIMECARD_SANDBOX: "true" });
const live = useTestServer();

// Thursday 5 November 2026, 10:00 UTC: the running sessions started at 08:00 and 08:45.
const NOW = "2026-11-05T10:00:00.000Z";
const PL = SANDBOX_ORGANIZATION_IDS.PL;
const CZ = SANDBOX_ORGANIZATION_IDS.CZ;
const JAN = "emp_6Tz1Yu8IoP4aSd2F";
const ANNA = "emp_4Fh8Jq2LmN6pRs3T";
const PIOTR = "emp_9Xc3Vb7NkM2qWe5R";

const key = (country: "PL" | "CZ", role: string, scope: string) => {
  const found = SANDBOX_KEYS.find((k) => k.country === country && k.role === role && k.scope === scope);
  if (!found) throw new Error(`no key ${country} ${role} ${scope}`);
  return found.secret;
};
const ADMIN = key("PL", "admin", "full");

// biome-ignore lint/suspicious/noExplicitAny: the spec document read as JSON
const spec = OPENAPI_DOCUMENT as any;
const example = (name: string) => structuredClone(spec.components.examples[name].value);
/** The API's timestamps carry milliseconds (`.000Z`); the docs' examples do not. */
function seconds<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/(T\d{2}:\d{2}:\d{2})\.000Z/g, "$1Z"));
}

async function counts(organizationId: string) {
  const db = server.storage.db;
  const count = async (table: "sessions" | "activities" | "leave_requests" | "events" | "projects" | "tasks") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .where("organization_id", "=", organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    sessions: await count("sessions"),
    activities: await count("activities"),
    leave: await count("leave_requests"),
    events: await count("events"),
    projects: await count("projects"),
    tasks: await count("tasks"),
  };
}

beforeAll(async () => {
  server.clock.set(NOW);
  await ensureSandboxSeed(server.storage.db, server.clock.now);
  // On a shared PostgreSQL an earlier run may have left the organizations: start from the seed.
  for (const id of [PL, CZ]) {
    await server.storage.db.transaction().execute((trx) => resetSandboxOrganization(trx, id, server.clock.now));
  }
});

describe("the seed", () => {
  it("is deterministic: the same clock gives the same rows, another clock moves only the running sessions", () => {
    const a = buildSeed("PL", new Date(NOW));
    expect(buildSeed("PL", new Date(NOW))).toEqual(a);
    const b = buildSeed("PL", new Date("2026-12-01T09:00:00Z"));
    const fixed = (rows: typeof a) => ({
      ...rows,
      sessions: rows.sessions.filter((s) => s.ended_at !== null),
      events: rows.events.filter((e) => e.type !== "session.started"),
    });
    expect(fixed(b)).toEqual(fixed(a));
    expect(b.sessions.filter((s) => s.ended_at === null).map((s) => s.started_at)).toEqual([
      new Date("2026-12-01T07:00:00Z"),
      new Date("2026-12-01T07:45:00Z"),
    ]);
    // Running sessions never start before the seeded month is over.
    const early = buildSeed("PL", new Date("2026-10-15T09:00:00Z"));
    for (const s of early.sessions.filter((r) => r.ended_at === null)) {
      expect(new Date(s.started_at).getTime()).toBeGreaterThanOrEqual(Date.parse("2026-11-02T10:00:00Z"));
    }
  });

  it.each(["PL", "CZ"] as const)(
    "is consistent in %s: no overlaps, nothing before it existed, tasks in their projects",
    (country) => {
      const rows = buildSeed(country, new Date(NOW));
      const created = new Map(rows.employees.map((e) => [e.id, new Date(e.created_at).getTime()]));
      const taskProject = new Map(rows.tasks.map((t) => [t.id, t.project_id]));
      const byEmployee = new Map<string, { start: number; end: number }[]>();
      for (const s of rows.sessions) {
        const start = new Date(s.started_at).getTime();
        const end = s.ended_at ? new Date(s.ended_at).getTime() : Date.parse(NOW);
        expect(start).toBeGreaterThanOrEqual(created.get(s.employee_id) ?? Number.NaN);
        expect(end).toBeGreaterThan(start);
        if (s.task_id) expect(taskProject.get(s.task_id)).toBe(s.project_id);
        byEmployee.set(s.employee_id, [...(byEmployee.get(s.employee_id) ?? []), { start, end }]);
      }
      for (const list of byEmployee.values()) {
        list.sort((a, b) => a.start - b.start);
        for (let i = 1; i < list.length; i++) expect(list[i]?.start).toBeGreaterThanOrEqual(list[i - 1]?.end ?? 0);
      }
      const ids = [...rows.sessions, ...rows.leaveRequests, ...rows.events, ...rows.activities].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const leave of rows.leaveRequests) expect(leave.days).toBeGreaterThan(0);
      expect(rows.organization.mode).toBe("test");
    },
  );

  it("serves the docs' examples under the docs' ids", async () => {
    const get = async (path: string) => {
      const res = await call(server, ADMIN, "GET", path);
      expect(res.status, path).toBe(200);
      return seconds(res.body);
    };
    expect(await get("/v1/organization")).toEqual(example("OrganizationPL"));
    expect(await get(`/v1/employees/${JAN}`)).toEqual(example("EmployeeJan"));
    expect(await get(`/v1/employees/${ANNA}`)).toEqual(example("EmployeeAnna"));
    expect(await get("/v1/sessions/ses_5Op7As9Df1Gh3Jk4")).toEqual(example("SessionApproved"));
    expect(await get("/v1/leave-requests/lv_2Lz4Xc6Vb8Nm0Qw1")).toEqual(example("LeaveRequestApproved"));
    const { tracked_seconds: _p, ...project } = example("ProjectWebsiteRelaunch");
    expect(await get("/v1/projects/prj_3Gh5Jk7Lz9Xc1Vb2")).toMatchObject(project);
    const { tracked_seconds: _t, ...task } = example("TaskDesign");
    expect(await get("/v1/tasks/tsk_8Nm4Qw6Er2Ty0Ui3")).toMatchObject(task);
    const me = await get("/v1/me");
    expect(me.credential).toMatchObject({ id: "key_1Df3Gh5Jk7Lz9Xc0", scope: "full", mode: "test" });
  });

  it("has a month of sessions in every state, with activities, in both organizations", async () => {
    for (const org of [PL, CZ]) {
      const rows = await server.storage.db
        .selectFrom("sessions")
        .select(["approval_status", "ended_at", "started_at", "activity_percent"])
        .where("organization_id", "=", org)
        .execute();
      const running = rows.filter((r) => r.ended_at === null);
      expect(running).toHaveLength(2);
      for (const r of running) expect(r.started_at.getTime()).toBeLessThan(Date.parse(NOW));
      const done = rows.filter((r) => r.ended_at !== null);
      const by = (status: string) => done.filter((r) => r.approval_status === status).length;
      expect(by("approved")).toBeGreaterThan(by("pending"));
      expect(by("pending")).toBeGreaterThan(10);
      expect(by("rejected")).toBe(1);
      for (const r of done) {
        expect(r.started_at.toISOString() >= "2026-09-30T22:00:00.000Z").toBe(true);
        expect(r.started_at.toISOString() < "2026-11-01T00:00:00.000Z").toBe(true);
      }
      expect(done.filter((r) => r.activity_percent !== null).length).toBeGreaterThan(0);
      const statuses = await server.storage.db
        .selectFrom("leave_requests")
        .select("status")
        .distinct()
        .where("organization_id", "=", org)
        .execute();
      expect(statuses.map((s) => s.status).sort()).toEqual(["approved", "cancelled", "rejected", "requested"]);
    }
    // The docs' session has the tracking client's ten-minute intervals behind its 74 %.
    const res = await call(server, ADMIN, "GET", "/v1/sessions/ses_5Op7As9Df1Gh3Jk4/activities?limit=100");
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(51);
    for (const a of res.body.data) expectSchema("Activity", a);
  });

  it("the Czech organization is Czech", async () => {
    const res = await call(server, key("CZ", "admin", "read"), "GET", "/v1/organization");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: CZ, country: "CZ", time_zone: "Europe/Prague", currency: "CZK" });
    const people = await call(server, key("CZ", "admin", "read"), "GET", "/v1/employees?limit=100");
    expect(people.body.data.map((e: { name: string }) => e.name)).toContain("Tomáš Dvořák");
    expect(new Set(people.body.data.map((e: { role: string }) => e.role))).toEqual(
      new Set(["admin", "manager", "employee"]),
    );
    // 28 October is a public holiday in Czechia: nobody worked.
    const holiday = await server.storage.db
      .selectFrom("sessions")
      .select("id")
      .where("organization_id", "=", CZ)
      .where("started_at", ">=", new Date("2026-10-27T23:00:00Z"))
      .where("started_at", "<", new Date("2026-10-28T23:00:00Z"))
      .execute();
    expect(holiday).toEqual([]);
  });

  it("publishes a working key for every role and scope of both organizations", async () => {
    expect(SANDBOX_KEYS).toHaveLength(12);
    for (const k of SANDBOX_KEYS) {
      expect(parseKeySecret(k.secret)).toBe("test");
      const me = await call(server, k.secret, "GET", "/v1/me");
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ id: k.employeeId, role: k.role });
      expect(me.body.organization.id).toBe(k.organizationId);
      expect(me.body.credential.scope).toBe(k.scope);
    }
    const write = await call(server, key("PL", "employee", "read"), "POST", "/v1/sessions/start", {});
    expect(write.status).toBe(403);
    expect(write.body.code).toBe("insufficient_scope");
  });

  it("seeding again leaves existing organizations alone", async () => {
    expect(await ensureSandboxSeed(server.storage.db, server.clock.now)).toEqual([]);
  });
});

describe("POST /v1/sandbox/reset", () => {
  afterEach(() => server.clock.set(NOW));

  it("restores the seed and keeps the integration's keys", async () => {
    const before = await counts(PL);
    const db = server.storage.db;
    // Change everything reset must restore.
    expect((await call(server, ADMIN, "PATCH", "/v1/organization", { name: "Renamed" })).status).toBe(200);
    const project = await call(server, ADMIN, "POST", "/v1/projects", { name: "Throwaway" });
    expect(project.status).toBe(201);
    const pending = await db
      .selectFrom("sessions")
      .select("id")
      .where("employee_id", "=", JAN)
      .where("approval_status", "=", "pending")
      .where("ended_at", "is not", null)
      .orderBy("started_at")
      .executeTakeFirstOrThrow();
    expect((await call(server, ADMIN, "DELETE", `/v1/sessions/${pending.id}`)).status).toBe(204);
    const jan = key("PL", "employee", "full");
    const runningBefore = await call(server, jan, "GET", "/v1/sessions?status=running");
    expect(runningBefore.body.data).toHaveLength(1);
    const stop = await call(server, jan, "POST", `/v1/sessions/${runningBefore.body.data[0].id}/stop`, {});
    expect(stop.status).toBe(200);
    const created = await call(server, ADMIN, "POST", "/v1/employees", {
      name: "Ola Nowa",
      email: `ola.${Date.now()}@example.pl`,
    });
    expect(created.status).toBe(201);
    const temp = await call(server, ADMIN, "POST", "/v1/employees", {
      name: "Temp Orary",
      email: `temp.${Date.now()}@example.pl`,
    });
    expect(temp.status).toBe(201);
    const olaKey = await issueApiKey(db, {
      organizationId: PL,
      employeeId: created.body.id,
      name: "integration",
      scope: "full",
      mode: "test",
    });
    // Deactivating Jan revokes his keys, the published ones included.
    expect((await call(server, ADMIN, "POST", `/v1/employees/${JAN}/deactivate`, {})).status).toBe(200);
    expect((await call(server, key("PL", "employee", "read"), "GET", "/v1/me")).status).toBe(401);
    const czechBefore = await counts(CZ);

    server.clock.set("2026-11-05T11:00:00.000Z");
    const reset = await call(server, ADMIN, "POST", "/v1/sandbox/reset");
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ reset_at: "2026-11-05T11:00:00.000Z", seed: SEED_VERSION });
    expectSchema("SandboxReset", reset.body);

    const after = await counts(PL);
    expect(after).toEqual(before);
    expect((await call(server, ADMIN, "GET", "/v1/organization")).body.name).toBe("Kowalski Software sp. z o.o.");
    expect((await call(server, ADMIN, "GET", `/v1/projects/${project.body.id}`)).status).toBe(404);
    expect((await call(server, ADMIN, "GET", `/v1/sessions/${pending.id}`)).status).toBe(200);
    expect(seconds((await call(server, ADMIN, "GET", `/v1/employees/${JAN}`)).body)).toEqual(example("EmployeeJan"));
    // The published keys work again; the integration's key stays, with its employee; the
    // employee nothing refers to is gone.
    expect((await call(server, key("PL", "employee", "read"), "GET", "/v1/me")).status).toBe(200);
    const ola = await call(server, olaKey.secret, "GET", "/v1/me");
    expect(ola.status).toBe(200);
    expect(ola.body.user.id).toBe(created.body.id);
    expect((await call(server, ADMIN, "GET", `/v1/employees/${temp.body.id}`)).status).toBe(404);
    // Jan's running session runs again, from an hour later's clock.
    const running = await call(server, key("PL", "employee", "read"), "GET", "/v1/sessions?status=running");
    expect(running.body.data.map((s: { started_at: string }) => s.started_at)).toEqual(["2026-11-05T09:00:00.000Z"]);
    // The other organization was not touched; reset wrote no event but an audit entry.
    expect(await counts(CZ)).toEqual(czechBefore);
    const audit = await db
      .selectFrom("audit_log")
      .select(["action", "resource_id"])
      .where("organization_id", "=", PL)
      .where("request_id", "=", String(reset.headers["x-request-id"]))
      .where("action", "!=", "api_request")
      .execute();
    expect(audit).toEqual([{ action: "sandbox.reset", resource_id: PL }]);
    const events = await db
      .selectFrom("events")
      .select("type")
      .where("organization_id", "=", PL)
      .where("created_at", ">=", new Date("2026-11-05T10:59:00Z"))
      .execute();
    expect(events).toEqual([]);
  });

  it("is for admins: other roles get 403", async () => {
    for (const role of ["manager", "employee"]) {
      const res = await call(server, key("PL", role, "full"), "POST", "/v1/sandbox/reset");
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    const read = await call(server, key("PL", "admin", "read"), "POST", "/v1/sandbox/reset");
    expect(read.status).toBe(403);
    expect(read.body.code).toBe("insufficient_scope");
  });

  it("answers 404 with a live credential, outside the sandbox, and for an organization without a seed", async () => {
    const liveKey = await issueApiKey(server.storage.db, {
      organizationId: PL,
      employeeId: ANNA,
      name: "live",
      scope: "full",
      mode: "live",
    });
    const withLive = await call(server, liveKey.secret, "POST", "/v1/sandbox/reset");
    expect(withLive.status).toBe(404);
    expect(withLive.body.code).toBe("not_found");
    await server.storage.db.deleteFrom("api_keys").where("id", "=", liveKey.id).execute();

    const world = await createWorld(server);
    const noSeed = await call(server, world.admin.key, "POST", "/v1/sandbox/reset");
    expect(noSeed.status).toBe(404);

    const outside = await createWorld(live);
    const res = await call(live, outside.admin.key, "POST", "/v1/sandbox/reset");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
  });

  it.skipIf(testStorageConfig().kind !== "postgres")("answers 409 while another reset runs", async () => {
    // Hold the reset's lock from another transaction, as a running reset does.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = server.storage.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${7_303_001}, hashtext(${PL}))`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const res = await call(server, ADMIN, "POST", "/v1/sandbox/reset");
    release();
    await holder;
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("conflict");
  });
});

describe("POST /v1/sandbox/trigger", () => {
  const types: string[] = spec.components.schemas.EventType.enum;

  it.each(types)("builds a valid %s event from the seed and writes it", async (type) => {
    const res = await call(server, ADMIN, "POST", "/v1/sandbox/trigger", { type });
    expect(res.status).toBe(201);
    expectSchema("SandboxTriggerResult", res.body);
    const event = res.body.event;
    expect(event).toMatchObject({ type, organization_id: PL, created_at: NOW, api_version: "2026-10-01" });
    const row = await server.storage.db
      .selectFrom("events")
      .selectAll()
      .where("id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(row.data).toEqual(event.data);
    // Everything in it belongs to the sandbox organization.
    if ("organization_id" in event.data) expect(event.data.organization_id).toBe(PL);
    if (type.startsWith("session.") || type.startsWith("leave.") || type === "overtime.warning") {
      expect(event.data.employee_id).toBe(JAN);
      expect(row.employee_id).toBe(JAN);
    }
    const listed = await call(server, ADMIN, "GET", `/v1/events/${event.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(event);
  });

  it("makes the sample about the employee asked for, from their own data, and changes nothing else", async () => {
    const before = await counts(PL);
    const piotrSession = await server.storage.db
      .selectFrom("sessions")
      .select("id")
      .where("employee_id", "=", PIOTR)
      .orderBy("started_at", "desc")
      .executeTakeFirstOrThrow();
    const res = await call(server, ADMIN, "POST", "/v1/sandbox/trigger", {
      type: "session.approved",
      employee_id: PIOTR,
    });
    expect(res.status).toBe(201);
    expect(res.body.event.data).toMatchObject({
      id: piotrSession.id,
      employee_id: PIOTR,
      approval_status: "approved",
      approved_by: ANNA,
      approved_at: NOW,
    });
    const started = await call(server, ADMIN, "POST", "/v1/sandbox/trigger", { type: "session.started" });
    expect(started.body.event.data).toMatchObject({ employee_id: JAN, status: "running", ended_at: null });
    const stored = await server.storage.db
      .selectFrom("sessions")
      .select("approval_status")
      .where("id", "=", piotrSession.id)
      .executeTakeFirstOrThrow();
    expect(stored.approval_status).toBe("pending");
    expect(await counts(PL)).toEqual({ ...before, events: before.events + 2 });
  });

  it("in the Czech organization, defaults to its employee", async () => {
    const res = await call(server, key("CZ", "admin", "full"), "POST", "/v1/sandbox/trigger", {
      type: "compliance.violation",
    });
    expect(res.status).toBe(201);
    const lucie = SANDBOX_KEYS.find((k) => k.country === "CZ" && k.role === "employee")?.employeeId;
    expect(res.body.event.data).toMatchObject({ organization_id: CZ, employee_id: lucie, country: "CZ" });
    expect(res.body.event.data.message).toContain("Lucie Černá");
  });

  it("answers 404 for an employee of another organization or none, and outside the sandbox", async () => {
    const czech = SANDBOX_KEYS.find((k) => k.country === "CZ")?.employeeId;
    for (const employee_id of [czech, "emp_0000000000000000"]) {
      const res = await call(server, ADMIN, "POST", "/v1/sandbox/trigger", { type: "leave.requested", employee_id });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    const outside = await createWorld(live);
    const res = await call(live, outside.admin.key, "POST", "/v1/sandbox/trigger", { type: "session.started" });
    expect(res.status).toBe(404);
  });

  it("works in a sandbox organization without a seed, about its own people", async () => {
    const world = await createWorld(server);
    const res = await call(server, world.admin.key, "POST", "/v1/sandbox/trigger", {
      type: "session.stopped",
      employee_id: world.employee.id,
    });
    expect(res.status).toBe(201);
    expectSchema("SandboxTriggerResult", res.body);
    expect(res.body.event.data).toMatchObject({
      organization_id: world.organizationId,
      employee_id: world.employee.id,
    });
    const other = await createPerson(server.storage.db, {
      organizationId: world.organizationId,
      name: "Nobody Yet",
      email: `nobody.${Date.now()}@example.com`,
      role: "employee",
    });
    const leave = await call(server, world.admin.key, "POST", "/v1/sandbox/trigger", {
      type: "leave.approved",
      employee_id: other,
    });
    expect(leave.status).toBe(201);
    expectSchema("SandboxTriggerResult", leave.body);
  });

  it("refuses an unknown type with 422", async () => {
    const res = await call(server, ADMIN, "POST", "/v1/sandbox/trigger", { type: "session.exploded" });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
  });
});
