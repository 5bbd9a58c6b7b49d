import { describe, expect, it } from "vitest";
import { newId } from "../src/ids.js";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import { eventsOf, insertSession as insertSessionRow, type SessionRowInput } from "./support/rows.js";

const server = useTestServer();

/** Writes a session straight into the table (the sessions API is another area's). */
const insertSession = (world: World, s: Omit<SessionRowInput, "billable">) =>
  insertSessionRow(server, world, { ...s, billable: false });

async function createProject(world: World, body: Record<string, unknown> = {}) {
  const res = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Website relaunch", ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; billable: boolean };
}

async function createTask(world: World, projectId: string, body: Record<string, unknown> = {}) {
  const res = await call(server, world.manager.key, "POST", "/v1/tasks", {
    project_id: projectId,
    name: "Design",
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; project_id: string; [key: string]: unknown };
}

async function runningSessions(world: World) {
  return server.storage.db
    .selectFrom("sessions")
    .selectAll()
    .where("organization_id", "=", world.organizationId)
    .where("ended_at", "is", null)
    .execute();
}

describe("tasks", () => {
  it("lets a manager create a task that everyone reads, with task.created", async () => {
    server.clock.set("2026-09-14T08:15:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const created = await call(server, world.manager.key, "POST", "/v1/tasks", {
      project_id: project.id,
      name: "Design",
      description: "Wireframes and visual design of the new pages.",
      assignee_ids: [world.employee.id, world.colleague.id],
      estimate_seconds: 144000,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^tsk_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      project_id: project.id,
      name: "Design",
      description: "Wireframes and visual design of the new pages.",
      status: "open",
      assignee_ids: [world.employee.id, world.colleague.id],
      estimate_seconds: 144000,
      tracked_seconds: 0,
      created_at: "2026-09-14T08:15:00.000Z",
      updated_at: "2026-09-14T08:15:00.000Z",
      closed_at: null,
    });
    const read = await call(server, world.outsider.readKey, "GET", `/v1/tasks/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const minimal = await createTask(world, project.id, { name: "Minimal" });
    expect(minimal).toMatchObject({ description: null, assignee_ids: [], estimate_seconds: null });

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual(["project.created", "task.created", "task.created"]);
    expect(events[1]).toEqual({
      type: "task.created",
      data: created.body,
      resource_ids: [created.body.id, project.id],
      employee_id: null,
    });
  });

  it("refuses a project or assignee outside the organization with 422 and a closed project with 409", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const project = await createProject(world);
    const foreignProject = await createProject(other);

    const badProject = await call(server, world.admin.key, "POST", "/v1/tasks", {
      project_id: foreignProject.id,
      name: "X",
    });
    expect(badProject.status).toBe(422);
    expect(badProject.body.code).toBe("validation_failed");
    expect(badProject.body.errors).toEqual([{ field: "body.project_id", message: expect.any(String) }]);

    await server.storage.db
      .updateTable("employees")
      .set({ status: "deactivated", deactivated_at: new Date() })
      .where("id", "=", world.colleague.id)
      .execute();
    const badAssignees = await call(server, world.admin.key, "POST", "/v1/tasks", {
      project_id: project.id,
      name: "X",
      assignee_ids: [world.employee.id, other.employee.id, world.colleague.id, newId("emp")],
    });
    expect(badAssignees.status).toBe(422);
    expect(badAssignees.body.errors.map((e: { field: string }) => e.field)).toEqual([
      "body.assignee_ids.1",
      "body.assignee_ids.2",
      "body.assignee_ids.3",
    ]);

    const schema = await call(server, world.admin.key, "POST", "/v1/tasks", {
      project_id: project.id,
      name: "",
      estimate_seconds: -5,
      assignee_ids: [world.employee.id, world.employee.id],
    });
    expect(schema.status).toBe(422);
    expect(schema.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(["body.name", "body.estimate_seconds", "body.assignee_ids"]),
    );

    await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`);
    const closed = await call(server, world.manager.key, "POST", "/v1/tasks", { project_id: project.id, name: "Late" });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe("invalid_state");

    const tasks = await server.storage.db
      .selectFrom("tasks")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(tasks).toEqual([]);
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual(["project.created", "project.closed"]);

    const reopened = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(
      (await call(server, world.manager.key, "POST", "/v1/tasks", { project_id: project.id, name: "Now" })).status,
    ).toBe(201);
  });

  it("lets only admins and managers create, change and close tasks", async () => {
    const world = await createWorld(server);
    const project = await createProject(world);
    const task = await createTask(world, project.id);
    for (const res of [
      await call(server, world.employee.key, "POST", "/v1/tasks", { project_id: project.id, name: "X" }),
      await call(server, world.employee.key, "PATCH", `/v1/tasks/${task.id}`, { name: "X" }),
      await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/close`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    const read = await call(server, world.manager.readKey, "POST", `/v1/tasks/${task.id}/close`);
    expect(read.status).toBe(403);
    expect(read.body.code).toBe("insufficient_scope");
    const readTrack = await call(server, world.employee.readKey, "POST", `/v1/tasks/${task.id}/track`);
    expect(readTrack.status).toBe(403);
    expect(readTrack.body.code).toBe("insufficient_scope");
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual(["project.created", "task.created"]);
  });

  it("answers 404 for another organization's task and for a missing one", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const foreign = await createTask(other, (await createProject(other)).id);
    for (const id of [foreign.id, newId("tsk")]) {
      for (const [method, url, body] of [
        ["GET", `/v1/tasks/${id}`, undefined],
        ["PATCH", `/v1/tasks/${id}`, { name: "Mine" }],
        ["POST", `/v1/tasks/${id}/close`, undefined],
        ["POST", `/v1/tasks/${id}/track`, undefined],
        ["POST", `/v1/tasks/${id}/stop`, undefined],
      ] as const) {
        const res = await call(server, world.admin.key, method, url, body);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe("not_found");
      }
    }
    const bad = await call(server, world.admin.key, "GET", "/v1/tasks/prj_0000000000000000");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("path.task_id");
    expect(await runningSessions(world)).toEqual([]);
  });

  it("lists tasks newest first, by project, status and assignee, with a cursor", async () => {
    const world = await createWorld(server);
    const web = await createProject(world, { name: "Web" });
    const app = await createProject(world, { name: "App" });
    const t1 = await createTask(world, web.id, { name: "One", assignee_ids: [world.employee.id] });
    const t2 = await createTask(world, app.id, { name: "Two", assignee_ids: [world.colleague.id, world.employee.id] });
    const t3 = await createTask(world, web.id, { name: "Three" });
    const t4 = await createTask(world, web.id, { name: "Four", assignee_ids: [world.colleague.id] });
    await call(server, world.admin.key, "POST", `/v1/tasks/${t3.id}/close`);
    const elsewhere = await createWorld(server);
    await createTask(elsewhere, (await createProject(elsewhere)).id);

    const ids = async (query: string) => {
      const res = await call(server, world.employee.key, "GET", `/v1/tasks${query}`);
      expect(res.status).toBe(200);
      return res.body.data.map((t: { id: string }) => t.id);
    };
    expect(await ids("")).toEqual([t4.id, t3.id, t2.id, t1.id]);
    expect(await ids(`?project_id=${web.id}`)).toEqual([t4.id, t3.id, t1.id]);
    expect(await ids("?status=closed")).toEqual([t3.id]);
    expect(await ids(`?status=open&project_id=${web.id}`)).toEqual([t4.id, t1.id]);
    expect(await ids(`?assignee_id=${world.employee.id}`)).toEqual([t2.id, t1.id]);
    expect(await ids(`?assignee_id=${world.colleague.id}&project_id=${app.id}`)).toEqual([t2.id]);
    expect(await ids(`?assignee_id=${world.manager.id}`)).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/tasks?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.employee.key, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual([t4.id, t3.id, t2.id, t1.id]);

    const bad = await call(server, world.employee.key, "GET", "/v1/tasks?assignee_id=nobody");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("query.assignee_id");
  });

  it("sums tracked_seconds over the task's completed, non-rejected sessions", async () => {
    const world = await createWorld(server);
    const project = await createProject(world);
    const task = await createTask(world, project.id);
    const other = await createTask(world, project.id, { name: "Other" });
    const e = world.employee.id;
    await insertSession(world, {
      employeeId: e,
      projectId: project.id,
      taskId: task.id,
      start: "2026-10-01T07:00:00Z",
      end: "2026-10-01T15:00:00Z",
    });
    await insertSession(world, {
      employeeId: world.colleague.id,
      projectId: project.id,
      taskId: task.id,
      start: "2026-10-01T07:00:00Z",
      end: "2026-10-01T07:10:00Z",
      approval: "approved",
    });
    await insertSession(world, {
      employeeId: e,
      projectId: project.id,
      taskId: task.id,
      start: "2026-10-02T07:00:00Z",
      end: "2026-10-02T09:00:00Z",
      approval: "rejected",
    });
    await insertSession(world, {
      employeeId: e,
      projectId: project.id,
      taskId: task.id,
      start: "2026-10-03T07:00:00Z",
      end: null,
    });
    await insertSession(world, {
      employeeId: world.manager.id,
      projectId: project.id,
      taskId: null,
      start: "2026-10-01T07:00:00Z",
      end: "2026-10-01T08:00:00Z",
    });
    await insertSession(world, {
      employeeId: world.manager.id,
      projectId: project.id,
      taskId: other.id,
      start: "2026-10-02T07:00:00Z",
      end: "2026-10-02T07:00:07Z",
    });

    expect((await call(server, world.employee.key, "GET", `/v1/tasks/${task.id}`)).body.tracked_seconds).toBe(
      8 * 3600 + 600,
    );
    const list = await call(server, world.employee.key, "GET", `/v1/tasks?project_id=${project.id}`);
    expect(list.body.data.map((t: { tracked_seconds: number }) => t.tracked_seconds)).toEqual([7, 8 * 3600 + 600]);
    expect((await call(server, world.employee.key, "GET", `/v1/projects/${project.id}`)).body.tracked_seconds).toBe(
      8 * 3600 + 600 + 3600 + 7,
    );
  });

  it("updates the fields sent, replaces assignees, also when closed, with task.updated", async () => {
    server.clock.set("2026-09-14T08:15:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const task = await createTask(world, project.id, {
      description: "Wireframes",
      assignee_ids: [world.employee.id],
      estimate_seconds: 144000,
    });
    server.clock.set("2026-10-06T09:20:00Z");
    const updated = await call(server, world.admin.key, "PATCH", `/v1/tasks/${task.id}`, {
      assignee_ids: [world.colleague.id, world.outsider.id],
      estimate_seconds: 172800,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      ...task,
      assignee_ids: [world.colleague.id, world.outsider.id],
      estimate_seconds: 172800,
      updated_at: "2026-10-06T09:20:00.000Z",
    });
    const cleared = await call(server, world.manager.key, "PATCH", `/v1/tasks/${task.id}`, {
      description: null,
      estimate_seconds: null,
      assignee_ids: [],
    });
    expect(cleared.body).toMatchObject({ description: null, estimate_seconds: null, assignee_ids: [], name: "Design" });

    await call(server, world.manager.key, "POST", `/v1/tasks/${task.id}/close`);
    const renamed = await call(server, world.manager.key, "PATCH", `/v1/tasks/${task.id}`, { name: "Design v2" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Design v2", status: "closed" });

    const other = await createWorld(server);
    const bad = await call(server, world.manager.key, "PATCH", `/v1/tasks/${task.id}`, {
      name: "Never",
      assignee_ids: [other.employee.id],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: "body.assignee_ids.0", message: expect.any(String) }]);
    const move = await call(server, world.manager.key, "PATCH", `/v1/tasks/${task.id}`, { project_id: project.id });
    expect(move.status).toBe(422);
    expect(move.body.errors[0].field).toBe("body.project_id");
    expect((await call(server, world.manager.key, "GET", `/v1/tasks/${task.id}`)).body.name).toBe("Design v2");

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "project.created",
      "task.created",
      "task.updated",
      "task.updated",
      "task.closed",
      "task.updated",
    ]);
    expect(events[2]?.data).toEqual(updated.body);
  });

  it("closes a task, refusing running sessions with 409 conflict unless told to stop them", async () => {
    server.clock.set("2026-10-16T15:40:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const task = await createTask(world, project.id);
    const sibling = await createTask(world, project.id, { name: "Sibling" });
    const s1 = await insertSession(world, {
      employeeId: world.employee.id,
      projectId: project.id,
      taskId: task.id,
      start: "2026-10-16T12:00:00Z",
      end: null,
    });
    const s2 = await insertSession(world, {
      employeeId: world.colleague.id,
      projectId: project.id,
      taskId: sibling.id,
      start: "2026-10-16T12:00:00Z",
      end: null,
    });

    const refused = await call(server, world.manager.key, "POST", `/v1/tasks/${task.id}/close`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("conflict");
    expect((await call(server, world.manager.key, "GET", `/v1/tasks/${task.id}`)).body.status).toBe("open");
    expect((await runningSessions(world)).map((s) => s.id).sort()).toEqual([s1, s2].sort());

    const closed = await call(server, world.manager.key, "POST", `/v1/tasks/${task.id}/close`, {
      stop_running_sessions: true,
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: "closed",
      closed_at: "2026-10-16T15:40:00.000Z",
      tracked_seconds: 3 * 3600 + 40 * 60,
    });
    expect((await runningSessions(world)).map((s) => s.id)).toEqual([s2]);

    const again = await call(server, world.manager.key, "POST", `/v1/tasks/${task.id}/close`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "project.created",
      "task.created",
      "task.created",
      "session.stopped",
      "task.closed",
    ]);
    expect(events[3]?.data).toMatchObject({
      id: s1,
      task_id: task.id,
      status: "completed",
      ended_at: "2026-10-16T15:40:00.000Z",
      duration_seconds: 3 * 3600 + 40 * 60,
      approval_status: "pending",
    });
    expect(events[3]?.employee_id).toBe(world.employee.id);
    expect(events[4]?.data).toEqual(closed.body);
  });

  it("tracks and stops time on a task for the caller, with session.started and session.stopped", async () => {
    server.clock.set("2026-10-05T07:00:00Z");
    const world = await createWorld(server);
    const project = await createProject(world, { billable: true });
    const task = await createTask(world, project.id);
    const started = await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/track`, {
      note: "Homepage hero variants",
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      id: expect.stringMatching(/^ses_/),
      organization_id: world.organizationId,
      employee_id: world.employee.id,
      project_id: project.id,
      task_id: task.id,
      status: "running",
      approval_status: "pending",
      started_at: "2026-10-05T07:00:00.000Z",
      ended_at: null,
      duration_seconds: null,
      source: "api",
      note: "Homepage hero variants",
      billable: true,
    });

    const twice = await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/track`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("session_already_running");

    server.clock.set("2026-10-05T11:30:00Z");
    const stopped = await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      id: started.body.id,
      status: "completed",
      approval_status: "pending",
      ended_at: "2026-10-05T11:30:00.000Z",
      duration_seconds: 16200,
    });
    const stopAgain = await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/stop`);
    expect(stopAgain.status).toBe(409);
    expect(stopAgain.body.code).toBe("conflict");
    expect((await call(server, world.employee.key, "GET", `/v1/tasks/${task.id}`)).body.tracked_seconds).toBe(16200);

    const events = (await eventsOf(server, world)).filter((e) => e.type.startsWith("session."));
    expect(events.map((e) => e.type)).toEqual(["session.started", "session.stopped"]);
    expect(events[0]?.data).toEqual(started.body);
    expect(events[1]?.data).toEqual(stopped.body);
  });

  it("takes billable from the project and refuses a stop on another task with 409 conflict", async () => {
    server.clock.set("2026-10-05T07:00:00Z");
    const world = await createWorld(server);
    const project = await createProject(world, { billable: false });
    const task = await createTask(world, project.id);
    const other = await createTask(world, project.id, { name: "Other" });
    const started = await call(server, world.employee.key, "POST", `/v1/tasks/${task.id}/track`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ billable: false, note: null, source: "api" });
    const wrong = await call(server, world.employee.key, "POST", `/v1/tasks/${other.id}/stop`);
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe("conflict");
    expect((await runningSessions(world)).map((s) => s.id)).toEqual([started.body.id]);
  });

  it("lets managers track and stop for their reports, admins for anyone, and nobody else", async () => {
    server.clock.set("2026-10-05T07:00:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const task = await createTask(world, project.id);
    const track = (key: string, employeeId?: string) =>
      call(server, key, "POST", `/v1/tasks/${task.id}/track`, employeeId ? { employee_id: employeeId } : {});
    const stop = (key: string, employeeId?: string) =>
      call(server, key, "POST", `/v1/tasks/${task.id}/stop`, employeeId ? { employee_id: employeeId } : {});

    for (const res of [
      await track(world.employee.key, world.colleague.id),
      await track(world.manager.key, world.outsider.id),
      await track(world.manager.key, world.admin.id),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    expect(await runningSessions(world)).toEqual([]);

    const forReport = await track(world.manager.key, world.employee.id);
    expect(forReport.status).toBe(201);
    expect(forReport.body.employee_id).toBe(world.employee.id);
    const forOutsider = await track(world.admin.key, world.outsider.id);
    expect(forOutsider.status).toBe(201);
    expect(forOutsider.body.employee_id).toBe(world.outsider.id);
    const own = await track(world.manager.key);
    expect(own.status).toBe(201);
    expect(own.body.employee_id).toBe(world.manager.id);

    server.clock.set("2026-10-05T08:00:00Z");
    const colleagueStopsEmployee = await stop(world.colleague.key, world.employee.id);
    expect(colleagueStopsEmployee.status).toBe(403);
    expect(colleagueStopsEmployee.body.code).toBe("forbidden");
    const managerStopsOutsider = await stop(world.manager.key, world.outsider.id);
    expect(managerStopsOutsider.status).toBe(403);
    expect(managerStopsOutsider.body.code).toBe("forbidden");
    expect((await runningSessions(world)).length).toBe(3);

    const managerStopsReport = await stop(world.manager.key, world.employee.id);
    expect(managerStopsReport.status).toBe(200);
    expect(managerStopsReport.body).toMatchObject({ employee_id: world.employee.id, status: "completed" });
    const adminStopsOutsider = await stop(world.admin.key, world.outsider.id);
    expect(adminStopsOutsider.status).toBe(200);
    expect(adminStopsOutsider.body).toMatchObject({ employee_id: world.outsider.id, duration_seconds: 3600 });
    expect((await runningSessions(world)).map((s) => s.employee_id)).toEqual([world.manager.id]);
  });

  it("never leaves a session running on a project closed while timers start on it", async () => {
    const world = await createWorld(server);
    for (let round = 0; round < 3; round++) {
      const project = await createProject(world, { name: `Race ${round}` });
      const task = await createTask(world, project.id);
      const users = [world.admin, world.manager, world.employee, world.colleague, world.outsider];
      const [close, ...tracks] = await Promise.all([
        call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`, { stop_running_sessions: true }),
        ...users.map((u) => call(server, u.key, "POST", `/v1/tasks/${task.id}/track`)),
      ]);
      expect(close?.status).toBe(200);
      for (const t of tracks) {
        expect([201, 409]).toContain(t.status);
        if (t.status === 409) expect(t.body.code).toBe("invalid_state");
      }
      expect(await runningSessions(world)).toEqual([]);
      const events = await eventsOf(server, world);
      const started = events.filter((e) => e.type === "session.started" && e.data.project_id === project.id);
      const stopped = events.filter((e) => e.type === "session.stopped" && e.data.project_id === project.id);
      expect(started.length).toBe(tracks.filter((t) => t.status === 201).length);
      expect(stopped.map((e) => e.data.id).sort()).toEqual(started.map((e) => e.data.id).sort());
    }
  });

  it("refuses tracking on a closed task, in a closed project or for a deactivated employee with 409 invalid_state", async () => {
    const world = await createWorld(server);
    const project = await createProject(world);
    const closedTask = await createTask(world, project.id, { name: "Done" });
    await call(server, world.admin.key, "POST", `/v1/tasks/${closedTask.id}/close`);
    const onClosedTask = await call(server, world.employee.key, "POST", `/v1/tasks/${closedTask.id}/track`);
    expect(onClosedTask.status).toBe(409);
    expect(onClosedTask.body.code).toBe("invalid_state");

    const openTask = await createTask(world, project.id, { name: "Open" });
    await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`);
    const inClosedProject = await call(server, world.employee.key, "POST", `/v1/tasks/${openTask.id}/track`);
    expect(inClosedProject.status).toBe(409);
    expect(inClosedProject.body.code).toBe("invalid_state");

    await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/reopen`);
    await server.storage.db
      .updateTable("employees")
      .set({ status: "deactivated", deactivated_at: new Date() })
      .where("id", "=", world.outsider.id)
      .execute();
    const deactivated = await call(server, world.admin.key, "POST", `/v1/tasks/${openTask.id}/track`, {
      employee_id: world.outsider.id,
    });
    expect(deactivated.status).toBe(409);
    expect(deactivated.body.code).toBe("invalid_state");

    expect(await runningSessions(world)).toEqual([]);
    expect((await eventsOf(server, world)).filter((e) => e.type.startsWith("session."))).toEqual([]);
  });
});
