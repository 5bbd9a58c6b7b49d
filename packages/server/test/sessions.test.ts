import { describe, expect, it } from "vitest";
import { newId } from "../src/ids.js";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";
import { eventsOf } from "./support/rows.js";

const server = useTestServer();

const T0 = "2026-10-05T12:00:00.000Z";
/** An ISO time `minutes` after T0 (negative: before). */
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** A project (and optionally a task in it) written straight to the database. */
async function makeProject(
  s: TestServer,
  world: World,
  options: { status?: "open" | "closed"; billable?: boolean } = {},
): Promise<string> {
  const now = new Date(T0);
  const id = newId("prj", now);
  await s.storage.db
    .insertInto("projects")
    .values({
      id,
      organization_id: world.organizationId,
      name: `Project ${id}`,
      code: null,
      client_name: null,
      color: "#336699",
      status: options.status ?? "open",
      billable: options.billable ?? true,
      hourly_rate_minor: null,
      hourly_rate_currency: null,
      budget_hours: null,
      description: null,
      metadata: "{}",
      created_at: now,
      updated_at: now,
      closed_at: options.status === "closed" ? now : null,
    })
    .execute();
  return id;
}

async function makeTask(
  s: TestServer,
  world: World,
  projectId: string,
  status: "open" | "closed" = "open",
): Promise<string> {
  const now = new Date(T0);
  const id = newId("tsk", now);
  await s.storage.db
    .insertInto("tasks")
    .values({
      id,
      organization_id: world.organizationId,
      project_id: projectId,
      name: `Task ${id}`,
      description: null,
      status,
      assignee_ids: "[]",
      estimate_seconds: null,
      created_at: now,
      updated_at: now,
      closed_at: status === "closed" ? now : null,
    })
    .execute();
  return id;
}

async function sessionCount(s: TestServer, world: World): Promise<number> {
  const rows = await s.storage.db
    .selectFrom("sessions")
    .select("id")
    .where("organization_id", "=", world.organizationId)
    .execute();
  return rows.length;
}

/** A completed manual session of the world's employee, created by them. */
async function manual(world: World, from: number, to: number, extra: Record<string, unknown> = {}) {
  const res = await call(server, world.employee.key, "POST", "/v1/sessions", {
    started_at: at(from),
    ended_at: at(to),
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe("start and stop", () => {
  it("clocks in and out, with session.started and session.stopped", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const started = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      id: expect.stringMatching(/^ses_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      employee_id: world.employee.id,
      project_id: null,
      task_id: null,
      status: "running",
      approval_status: "pending",
      started_at: T0,
      ended_at: null,
      duration_seconds: null,
      billable: false,
      source: "api",
      note: null,
      activity_percent: null,
      metadata: {},
      approved_by: null,
      approved_at: null,
      rejection_reason: null,
    });

    const again = await call(server, world.employee.key, "POST", "/v1/sessions/start", {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("session_already_running");

    server.clock.set(at(90));
    const stopped = await call(server, world.employee.key, "POST", "/v1/sessions/stop", { note: "Planning" });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      id: started.body.id,
      status: "completed",
      approval_status: "pending",
      ended_at: at(90),
      duration_seconds: 5400,
      note: "Planning",
      updated_at: at(90),
    });

    const none = await call(server, world.employee.key, "POST", "/v1/sessions/stop");
    expect(none.status).toBe(409);
    expect(none.body.code).toBe("conflict");

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual(["session.started", "session.stopped"]);
    expect(events[1]?.data).toEqual(stopped.body);
    expect(events[0]?.employee_id).toBe(world.employee.id);
    expect(events[0]?.resource_ids).toEqual([started.body.id, world.employee.id]);
  });

  it("starts on a task: the project follows the task, billable defaults to true", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const project = await makeProject(server, world);
    const task = await makeTask(server, world, project);
    const res = await call(server, world.employee.key, "POST", "/v1/sessions/start", {
      task_id: task,
      note: "Wireframes",
      source: "desktop",
      metadata: { device: "laptop" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      project_id: project,
      task_id: task,
      billable: true,
      source: "desktop",
      note: "Wireframes",
      metadata: { device: "laptop" },
    });
    const events = await eventsOf(server, world);
    expect(events[0]?.resource_ids).toEqual([res.body.id, world.employee.id, project, task]);
  });

  it("checks the project and task: 422 when unknown or mismatched, 409 when closed", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const other = await createWorld(server);
    const project = await makeProject(server, world);
    const secondProject = await makeProject(server, world);
    const task = await makeTask(server, world, project);
    const closedProject = await makeProject(server, world, { status: "closed" });
    const closedTask = await makeTask(server, world, project, "closed");
    const taskOfClosedProject = await makeTask(server, world, closedProject);
    const foreignProject = await makeProject(server, other);

    const start = (body: Record<string, unknown>) =>
      call(server, world.employee.key, "POST", "/v1/sessions/start", body);

    const unknown = await start({ project_id: "prj_0000000000000000" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe("validation_failed");
    expect(unknown.body.errors).toEqual([{ field: "body.project_id", message: expect.any(String) }]);

    const foreign = await start({ project_id: foreignProject });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].field).toBe("body.project_id");

    const unknownTask = await start({ task_id: "tsk_0000000000000000" });
    expect(unknownTask.status).toBe(422);
    expect(unknownTask.body.errors[0].field).toBe("body.task_id");

    const mismatch = await start({ project_id: secondProject, task_id: task });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.errors[0].field).toBe("body.task_id");

    for (const body of [{ project_id: closedProject }, { task_id: closedTask }, { task_id: taskOfClosedProject }]) {
      const closed = await start(body);
      expect(closed.status).toBe(409);
      expect(closed.body.code).toBe("invalid_state");
    }

    const malformed = await start({ project_id: "nope" });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].field).toBe("body.project_id");

    expect(await sessionCount(server, world)).toBe(0);
    expect(await eventsOf(server, world)).toEqual([]);
  });

  it("allows started_at up to 10 minutes back, never in the future, never inside a completed session", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const start = (body: Record<string, unknown>) =>
      call(server, world.employee.key, "POST", "/v1/sessions/start", body);

    const future = await start({ started_at: at(1) });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ field: "body.started_at", message: expect.any(String) }]);

    const tooEarly = await start({ started_at: at(-11) });
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.body.errors[0].field).toBe("body.started_at");

    await manual(world, -60, -5);
    const inside = await start({ started_at: at(-8) });
    expect(inside.status).toBe(409);
    expect(inside.body.code).toBe("session_overlap");

    const touching = await start({ started_at: at(-5) });
    expect(touching.status).toBe(201);
    expect(touching.body.started_at).toBe(at(-5));
  });

  it("lets employees start only for themselves, managers for their reports, admins for anyone", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const startFor = (key: string, employeeId: string) =>
      call(server, key, "POST", "/v1/sessions/start", { employee_id: employeeId });

    const forColleague = await startFor(world.employee.key, world.colleague.id);
    expect(forColleague.status).toBe(403);
    expect(forColleague.body.code).toBe("forbidden");

    const forOutsider = await startFor(world.manager.key, world.outsider.id);
    expect(forOutsider.status).toBe(403);
    expect(forOutsider.body.code).toBe("forbidden");

    const readKey = await call(server, world.employee.readKey, "POST", "/v1/sessions/start");
    expect(readKey.status).toBe(403);
    expect(readKey.body.code).toBe("insufficient_scope");

    const forReport = await startFor(world.manager.key, world.employee.id);
    expect(forReport.status).toBe(201);
    expect(forReport.body.employee_id).toBe(world.employee.id);

    const byAdmin = await startFor(world.admin.key, world.outsider.id);
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.employee_id).toBe(world.outsider.id);

    const unknown = await startFor(world.admin.key, "emp_0000000000000000");
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("body.employee_id");

    // Stopping for someone follows the same rules.
    const stopOther = await call(server, world.colleague.key, "POST", "/v1/sessions/stop", {
      employee_id: world.employee.id,
    });
    expect(stopOther.status).toBe(403);
    const stopByManager = await call(server, world.manager.key, "POST", "/v1/sessions/stop", {
      employee_id: world.employee.id,
    });
    expect(stopByManager.status).toBe(200);
    expect(stopByManager.body.id).toBe(forReport.body.id);
    const stopByManagerOutsider = await call(server, world.manager.key, "POST", "/v1/sessions/stop", {
      employee_id: world.outsider.id,
    });
    expect(stopByManagerOutsider.status).toBe(403);
  });

  it("refuses a deactivated employee and stops the running session on deactivation", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const running = await call(server, world.admin.key, "POST", "/v1/sessions/start", {
      employee_id: world.colleague.id,
    });
    expect(running.status).toBe(201);
    server.clock.set(at(30));
    const deactivated = await call(server, world.admin.key, "POST", `/v1/employees/${world.colleague.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    const session = await call(server, world.admin.key, "GET", `/v1/sessions/${running.body.id}`);
    expect(session.body).toMatchObject({ status: "completed", ended_at: at(30), duration_seconds: 1800 });
    const types = (await eventsOf(server, world)).map((e) => e.type).filter((t) => !t.startsWith("api_key."));
    expect(types).toEqual(["session.started", "session.stopped", "employee.deactivated"]);

    const start = await call(server, world.admin.key, "POST", "/v1/sessions/start", {
      employee_id: world.colleague.id,
    });
    expect(start.status).toBe(409);
    expect(start.body.code).toBe("invalid_state");
    const create = await call(server, world.admin.key, "POST", "/v1/sessions", {
      employee_id: world.colleague.id,
      started_at: at(-120),
      ended_at: at(-60),
    });
    expect(create.status).toBe(409);
    expect(create.body.code).toBe("invalid_state");
  });

  it("checks an earlier ended_at on stop", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    await call(server, world.employee.key, "POST", "/v1/sessions/start");
    server.clock.set(at(60));
    const before = await call(server, world.employee.key, "POST", "/v1/sessions/stop", { ended_at: at(0) });
    expect(before.status).toBe(422);
    expect(before.body.errors).toEqual([{ field: "body.ended_at", message: expect.any(String) }]);
    const future = await call(server, world.employee.key, "POST", "/v1/sessions/stop", { ended_at: at(61) });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe("body.ended_at");
    const ok = await call(server, world.employee.key, "POST", "/v1/sessions/stop", { ended_at: at(45) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ended_at: at(45), duration_seconds: 2700 });
  });

  it("replays a start with the same Idempotency-Key instead of starting twice", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const headers = { "idempotency-key": `start-${world.organizationId}` };
    const first = await call(server, world.employee.key, "POST", "/v1/sessions/start", {}, headers);
    const second = await call(server, world.employee.key, "POST", "/v1/sessions/start", {}, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(await sessionCount(server, world)).toBe(1);
  });

  it("lets only one of concurrent starts win", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call(server, world.employee.key, "POST", "/v1/sessions/start")),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe("session_already_running");
    expect(await sessionCount(server, world)).toBe(1);
    expect((await eventsOf(server, world)).length).toBe(1);
  });
});

describe("manual sessions", () => {
  it("records a completed session pending approval, with session.created", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const project = await makeProject(server, world, { billable: false });
    const res = await call(server, world.employee.key, "POST", "/v1/sessions", {
      started_at: at(-480),
      ended_at: at(-60),
      project_id: project,
      note: "Workshop in Kraków",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      employee_id: world.employee.id,
      project_id: project,
      task_id: null,
      status: "completed",
      approval_status: "pending",
      started_at: at(-480),
      ended_at: at(-60),
      duration_seconds: 25200,
      billable: false, // the project's setting
      source: "api",
      note: "Workshop in Kraków",
      created_at: T0,
    });
    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual(["session.created"]);
    expect(events[0]?.data).toEqual(res.body);
  });

  it("refuses bad times with 422 and field paths", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const create = (body: Record<string, unknown>) => call(server, world.employee.key, "POST", "/v1/sessions", body);

    const reversed = await create({ started_at: at(-60), ended_at: at(-120) });
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors).toEqual([{ field: "body.ended_at", message: expect.any(String) }]);

    const empty = await create({ started_at: at(-60), ended_at: at(-60) });
    expect(empty.status).toBe(422);

    const future = await create({ started_at: at(-60), ended_at: at(5) });
    expect(future.status).toBe(422);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(["body.ended_at"]);

    const missing = await create({ started_at: at(-60) });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: "body.ended_at", message: "is required" }]);

    const unknownField = await create({ started_at: at(-60), ended_at: at(-30), status: "completed" });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors[0].field).toBe("body.status");

    const slack = await create({ started_at: at(-60), ended_at: at(-30), source: "slack" });
    expect(slack.status).toBe(422);
    expect(slack.body.errors[0].field).toBe("body.source");

    expect(await sessionCount(server, world)).toBe(0);
  });

  it("refuses overlaps with completed and running sessions (409 session_overlap), allows touching", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    await manual(world, -240, -120);
    const create = (from: number, to: number) =>
      call(server, world.employee.key, "POST", "/v1/sessions", { started_at: at(from), ended_at: at(to) });

    for (const [from, to] of [
      [-300, -200],
      [-150, -60],
      [-200, -180],
      [-300, -60],
    ] as const) {
      const res = await create(from, to);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("session_overlap");
    }
    expect((await create(-300, -240)).status).toBe(201);
    expect((await create(-120, -100)).status).toBe(201);

    // A running session reaches to now: a manual session after its start overlaps it.
    server.clock.set(at(60));
    await call(server, world.employee.key, "POST", "/v1/sessions/start", { started_at: at(55) });
    const overRunning = await create(50, 58);
    expect(overRunning.status).toBe(409);
    expect(overRunning.body.code).toBe("session_overlap");
    expect((await create(30, 55)).status).toBe(201);

    // Another employee's sessions do not count.
    const colleague = await call(server, world.colleague.key, "POST", "/v1/sessions", {
      started_at: at(-240),
      ended_at: at(-120),
    });
    expect(colleague.status).toBe(201);
    const types = (await eventsOf(server, world)).map((e) => e.type);
    expect(types.filter((t) => t === "session.created").length).toBe(5);
  });

  it("serializes concurrent overlapping creates for one employee", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const results = await Promise.all(
      [0, 10, 20, 30].map((shift) =>
        call(server, world.employee.key, "POST", "/v1/sessions", {
          started_at: at(-120 + shift),
          ended_at: at(-60 + shift),
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await sessionCount(server, world)).toBe(1);
  });

  it("lets employees create only their own sessions, managers their reports'", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const body = (employeeId: string) => ({ employee_id: employeeId, started_at: at(-60), ended_at: at(-30) });
    const byEmployee = await call(server, world.employee.key, "POST", "/v1/sessions", body(world.colleague.id));
    expect(byEmployee.status).toBe(403);
    expect(byEmployee.body.code).toBe("forbidden");
    const byManager = await call(server, world.manager.key, "POST", "/v1/sessions", body(world.outsider.id));
    expect(byManager.status).toBe(403);
    const forReport = await call(server, world.manager.key, "POST", "/v1/sessions", body(world.employee.id));
    expect(forReport.status).toBe(201);
    expect(forReport.body.employee_id).toBe(world.employee.id);
    const byAdmin = await call(server, world.admin.key, "POST", "/v1/sessions", body(world.outsider.id));
    expect(byAdmin.status).toBe(201);
  });
});

describe("reading sessions", () => {
  it("shows employees their own, managers their reports', admins everything; others 404", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const other = await createWorld(server);
    const mine = await manual(world, -120, -60);
    const outsiders = await call(server, world.outsider.key, "POST", "/v1/sessions", {
      started_at: at(-120),
      ended_at: at(-60),
    });
    const get = (key: string, id: string) => call(server, key, "GET", `/v1/sessions/${id}`);

    const own = await get(world.employee.readKey, mine.id);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(mine);
    expect((await get(world.colleague.key, mine.id)).status).toBe(404);
    expect((await get(world.manager.key, mine.id)).status).toBe(200);
    expect((await get(world.manager.key, outsiders.body.id)).status).toBe(404);
    expect((await get(world.admin.key, outsiders.body.id)).status).toBe(200);
    const foreign = await get(other.admin.key, mine.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("not_found");
    expect((await get(world.admin.key, "ses_0000000000000000")).status).toBe(404);
  });

  it("lists newest first by started_at, pages with a cursor and filters", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const project = await makeProject(server, world);
    const task = await makeTask(server, world, project);
    // Created out of order: the list follows started_at, not creation.
    const b = await manual(world, -300, -240, { project_id: project });
    const a = await manual(world, -500, -400);
    const c = await manual(world, -200, -100, { task_id: task });
    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    const colleague = await call(server, world.colleague.key, "POST", "/v1/sessions", {
      started_at: at(-50),
      ended_at: at(-10),
    });
    const outsider = await call(server, world.outsider.key, "POST", "/v1/sessions", {
      started_at: at(-50),
      ended_at: at(-10),
    });
    const list = async (key: string, qs = "") => {
      const res = await call(server, key, "GET", `/v1/sessions${qs}`);
      expect(res.status).toBe(200);
      return res.body.data.map((s: { id: string }) => s.id);
    };

    expect(await list(world.employee.key)).toEqual([running.body.id, c.id, b.id, a.id]);
    expect(await list(world.manager.key)).toEqual([running.body.id, colleague.body.id, c.id, b.id, a.id]);
    expect(await list(world.admin.key, `?employee_id=${world.outsider.id}`)).toEqual([outsider.body.id]);
    expect(await list(world.manager.key, `?employee_id=${world.outsider.id}`)).toEqual([]);
    expect(await list(world.employee.key, `?employee_id=${world.colleague.id}`)).toEqual([]);
    expect(await list(world.employee.key, "?status=running")).toEqual([running.body.id]);
    expect(await list(world.employee.key, "?status=completed")).toEqual([c.id, b.id, a.id]);
    expect(await list(world.employee.key, `?project_id=${project}`)).toEqual([c.id, b.id]);
    expect(await list(world.employee.key, `?task_id=${task}`)).toEqual([c.id]);
    expect(await list(world.employee.key, `?from=${at(-300)}&to=${at(-200)}`)).toEqual([b.id]);
    expect(await list(world.employee.key, `?from=${at(-200)}`)).toEqual([running.body.id, c.id]);

    await call(server, world.manager.key, "POST", `/v1/sessions/${b.id}/approve`);
    expect(await list(world.employee.key, "?approval_status=approved")).toEqual([b.id]);
    expect(await list(world.employee.key, "?approval_status=pending")).toEqual([running.body.id, c.id, a.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/sessions?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.manager.key, "GET", url);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((s: { id: string }) => s.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([running.body.id, colleague.body.id, c.id, b.id, a.id]);

    const reversed = await call(server, world.employee.key, "GET", `/v1/sessions?from=${at(0)}&to=${at(-10)}`);
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].field).toBe("query.from");
    const badCursor = await call(server, world.employee.key, "GET", "/v1/sessions?cursor=garbage");
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe("invalid_cursor");
    const badStatus = await call(server, world.employee.key, "GET", "/v1/sessions?status=paused");
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors[0].field).toBe("query.status");
  });
});

describe("editing and deleting", () => {
  it("changes times and fields, recomputes the duration, with session.updated", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const project = await makeProject(server, world);
    const task = await makeTask(server, world, project);
    const session = await manual(world, -240, -60, { project_id: project, note: "draft" });
    server.clock.set(at(10));
    const res = await call(server, world.employee.key, "PATCH", `/v1/sessions/${session.id}`, {
      ended_at: at(-120),
      note: null,
      task_id: task,
      metadata: { ticket: "T-1" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ended_at: at(-120),
      duration_seconds: 7200,
      note: null,
      project_id: project,
      task_id: task,
      metadata: { ticket: "T-1" },
      updated_at: at(10),
      created_at: T0,
    });

    const cleared = await call(server, world.employee.key, "PATCH", `/v1/sessions/${session.id}`, {
      project_id: null,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ project_id: null, task_id: null });

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual(["session.created", "session.updated", "session.updated"]);
    expect(events[1]?.data).toEqual(res.body);
    expect(events[1]?.resource_ids).toEqual([session.id, world.employee.id, project, task]);
  });

  it("checks times (422), overlaps (409), running and approved sessions (409), closed projects (409)", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const closed = await makeProject(server, world, { status: "closed" });
    const first = await manual(world, -300, -200);
    const second = await manual(world, -150, -100);
    const patch = (id: string, body: Record<string, unknown>, key = world.employee.key) =>
      call(server, key, "PATCH", `/v1/sessions/${id}`, body);

    const reversed = await patch(second.id, { started_at: at(-90) });
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors).toEqual([{ field: "body.started_at", message: expect.any(String) }]);
    const future = await patch(second.id, { ended_at: at(1) });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe("body.ended_at");
    const empty = await patch(second.id, {});
    expect(empty.status).toBe(422);

    const overlap = await patch(second.id, { started_at: at(-210) });
    expect(overlap.status).toBe(409);
    expect(overlap.body.code).toBe("session_overlap");
    const touching = await patch(second.id, { started_at: at(-200) });
    expect(touching.status).toBe(200);
    expect(touching.body.duration_seconds).toBe(6000);

    const closedProject = await patch(second.id, { project_id: closed });
    expect(closedProject.status).toBe(409);
    expect(closedProject.body.code).toBe("invalid_state");
    const unknownProject = await patch(second.id, { project_id: "prj_0000000000000000" });
    expect(unknownProject.status).toBe(422);
    expect(unknownProject.body.errors[0].field).toBe("body.project_id");

    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    const endRunning = await patch(running.body.id, { ended_at: at(0) });
    expect(endRunning.status).toBe(409);
    expect(endRunning.body.code).toBe("invalid_state");
    // A running session's start may move, but not into another session.
    const moveRunning = await patch(running.body.id, { started_at: at(-50) });
    expect(moveRunning.status).toBe(200);
    expect(moveRunning.body).toMatchObject({ status: "running", started_at: at(-50), duration_seconds: null });
    const moveIntoOther = await patch(running.body.id, { started_at: at(-150) });
    expect(moveIntoOther.status).toBe(409);
    expect(moveIntoOther.body.code).toBe("session_overlap");

    await call(server, world.manager.key, "POST", `/v1/sessions/${first.id}/approve`);
    const approved = await patch(first.id, { note: "late fix" });
    expect(approved.status).toBe(409);
    expect(approved.body.code).toBe("invalid_state");

    expect((await patch(first.id, { note: "x" }, world.colleague.key)).status).toBe(404);

    const types = (await eventsOf(server, world)).map((e) => e.type);
    expect(types).toEqual([
      "session.created",
      "session.created",
      "session.updated",
      "session.started",
      "session.updated",
      "session.approved",
    ]);
  });

  it("sends an edited rejected session back to pending", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const session = await manual(world, -300, -200);
    const rejected = await call(server, world.manager.key, "POST", `/v1/sessions/${session.id}/reject`, {
      reason: "Lunch break included",
    });
    expect(rejected.body).toMatchObject({ approval_status: "rejected", rejection_reason: "Lunch break included" });
    const edited = await call(server, world.employee.key, "PATCH", `/v1/sessions/${session.id}`, {
      ended_at: at(-230),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ approval_status: "pending", rejection_reason: null, duration_seconds: 4200 });
  });

  it("deletes a session and its activities, with session.deleted; approved ones are locked", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const session = await manual(world, -300, -200);
    const submitted = await call(server, world.employee.key, "POST", `/v1/sessions/${session.id}/activities`, {
      intervals: [
        { period_start: at(-300), period_end: at(-290), keyboard_percent: 1, mouse_percent: 2, overall_percent: 3 },
      ],
    });
    expect(submitted.status).toBe(201);

    expect((await call(server, world.colleague.key, "DELETE", `/v1/sessions/${session.id}`)).status).toBe(404);
    const deleted = await call(server, world.employee.key, "DELETE", `/v1/sessions/${session.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.raw.body).toBe("");
    const again = await call(server, world.employee.key, "DELETE", `/v1/sessions/${session.id}`);
    expect(again.status).toBe(404);
    expect((await call(server, world.employee.key, "GET", `/v1/sessions/${session.id}`)).status).toBe(404);
    const activities = await server.storage.db
      .selectFrom("activities")
      .select("id")
      .where("session_id", "=", session.id)
      .execute();
    expect(activities).toEqual([]);

    // A running session is discarded without session.stopped.
    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    expect((await call(server, world.manager.key, "DELETE", `/v1/sessions/${running.body.id}`)).status).toBe(204);

    const locked = await manual(world, -150, -100);
    await call(server, world.admin.key, "POST", `/v1/sessions/${locked.id}/approve`);
    const refused = await call(server, world.admin.key, "DELETE", `/v1/sessions/${locked.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("invalid_state");

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "session.created",
      "session.deleted",
      "session.started",
      "session.deleted",
      "session.created",
      "session.approved",
    ]);
    expect(events[1]?.data).toMatchObject({ id: session.id, status: "completed", activity_percent: 3 });
    expect(events[3]?.data).toMatchObject({ id: running.body.id, status: "running" });
  });

  it("stops a session by id; a completed one answers 409 invalid_state", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    const id = running.body.id;
    server.clock.set(at(30));
    expect((await call(server, world.colleague.key, "POST", `/v1/sessions/${id}/stop`)).status).toBe(404);
    const early = await call(server, world.manager.key, "POST", `/v1/sessions/${id}/stop`, { ended_at: at(-1) });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].field).toBe("body.ended_at");
    const stopped = await call(server, world.manager.key, "POST", `/v1/sessions/${id}/stop`, { note: "Done" });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: "completed", ended_at: at(30), duration_seconds: 1800, note: "Done" });
    const again = await call(server, world.employee.key, "POST", `/v1/sessions/${id}/stop`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");
  });
});

describe("approval", () => {
  it("lets the manager approve and reject their reports' sessions, with events", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const session = await manual(world, -300, -200);
    const url = (action: string) => `/v1/sessions/${session.id}/${action}`;

    server.clock.set(at(5));
    const approved = await call(server, world.manager.key, "POST", url("approve"));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      approval_status: "approved",
      approved_by: world.manager.id,
      approved_at: at(5),
      rejection_reason: null,
    });
    const twice = await call(server, world.manager.key, "POST", url("approve"));
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("invalid_state");

    const rejected = await call(server, world.manager.key, "POST", url("reject"), { reason: "Wrong project" });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      approval_status: "rejected",
      approved_by: null,
      approved_at: null,
      rejection_reason: "Wrong project",
    });
    const rejectTwice = await call(server, world.manager.key, "POST", url("reject"), { reason: "Again" });
    expect(rejectTwice.status).toBe(409);
    expect(rejectTwice.body.code).toBe("invalid_state");

    const reapproved = await call(server, world.admin.key, "POST", url("approve"));
    expect(reapproved.status).toBe(200);
    expect(reapproved.body).toMatchObject({ approval_status: "approved", approved_by: world.admin.id });
    expect(reapproved.body.rejection_reason).toBeNull();

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "session.created",
      "session.approved",
      "session.rejected",
      "session.approved",
    ]);
    expect(events[2]?.data).toEqual(rejected.body);
    expect(events[2]?.employee_id).toBe(world.employee.id);
  });

  it("refuses the wrong people, running sessions and bad bodies", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const other = await createWorld(server);
    const session = await manual(world, -300, -200);
    const managers = await call(server, world.manager.key, "POST", "/v1/sessions", {
      started_at: at(-300),
      ended_at: at(-200),
    });
    const outsiders = await call(server, world.outsider.key, "POST", "/v1/sessions", {
      started_at: at(-300),
      ended_at: at(-200),
    });
    const admins = await call(server, world.admin.key, "POST", "/v1/sessions", {
      started_at: at(-300),
      ended_at: at(-200),
    });
    const approve = (key: string, id: string) => call(server, key, "POST", `/v1/sessions/${id}/approve`);

    const byEmployee = await approve(world.employee.key, session.id);
    expect(byEmployee.status).toBe(403);
    expect(byEmployee.body.code).toBe("forbidden");
    const ownByManager = await approve(world.manager.key, managers.body.id);
    expect(ownByManager.status).toBe(403);
    expect(ownByManager.body.code).toBe("forbidden");
    const ownReject = await call(server, world.manager.key, "POST", `/v1/sessions/${managers.body.id}/reject`, {
      reason: "x",
    });
    expect(ownReject.status).toBe(403);
    expect((await approve(world.manager.key, outsiders.body.id)).status).toBe(404);
    expect((await approve(other.admin.key, session.id)).status).toBe(404);
    const readKey = await approve(world.manager.readKey, session.id);
    expect(readKey.status).toBe(403);
    expect(readKey.body.code).toBe("insufficient_scope");
    expect((await approve(world.admin.key, admins.body.id)).status).toBe(200);

    const running = await call(server, world.employee.key, "POST", "/v1/sessions/start");
    const approveRunning = await approve(world.manager.key, running.body.id);
    expect(approveRunning.status).toBe(409);
    expect(approveRunning.body.code).toBe("invalid_state");
    const rejectRunning = await call(server, world.manager.key, "POST", `/v1/sessions/${running.body.id}/reject`, {
      reason: "x",
    });
    expect(rejectRunning.status).toBe(409);

    const noReason = await call(server, world.manager.key, "POST", `/v1/sessions/${session.id}/reject`, {});
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([{ field: "body.reason", message: "is required" }]);
    const blank = await call(server, world.manager.key, "POST", `/v1/sessions/${session.id}/reject`, { reason: "" });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].field).toBe("body.reason");

    const unchanged = await call(server, world.admin.key, "GET", `/v1/sessions/${session.id}`);
    expect(unchanged.body.approval_status).toBe("pending");
  });
});
