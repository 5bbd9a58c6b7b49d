import { describe, expect, it } from "vitest";
import { PROJECT_PALETTE } from "../src/domain/projects.js";
import { newId } from "../src/ids.js";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import { eventsOf, insertSession as insertSessionRow, type SessionRowInput } from "./support/rows.js";

const server = useTestServer();

/** Writes a session straight into the table (the sessions API is another area's). */
const insertSession = (world: World, s: Omit<SessionRowInput, "billable">) =>
  insertSessionRow(server, world, { ...s, billable: true });

const WEBSITE = {
  name: "Website relaunch",
  code: "WEB",
  client_name: "Bałtyk Logistics S.A.",
  color: "#2F80ED",
  billable: true,
  hourly_rate: { amount_minor: 18000, currency: "PLN" },
  budget_hours: 320,
  description: "Redesign and rebuild of the client's public website.",
  metadata: { crm_deal_id: "D-2026-118" },
};

async function createProject(world: World, body: Record<string, unknown> = {}) {
  const res = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Project", ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; [key: string]: unknown };
}

describe("projects", () => {
  it("lets an admin create a project that everyone reads, with project.created", async () => {
    server.clock.set("2026-09-14T08:00:00Z");
    const world = await createWorld(server);
    const created = await call(server, world.admin.key, "POST", "/v1/projects", WEBSITE);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^prj_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      ...WEBSITE,
      status: "open",
      tracked_seconds: 0,
      created_at: "2026-09-14T08:00:00.000Z",
      updated_at: "2026-09-14T08:00:00.000Z",
      closed_at: null,
    });

    for (const key of [world.employee.readKey, world.manager.key, world.outsider.key]) {
      const read = await call(server, key, "GET", `/v1/projects/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
    }

    const events = await eventsOf(server, world);
    expect(events).toEqual([
      { type: "project.created", data: created.body, resource_ids: [created.body.id], employee_id: null },
    ]);
  });

  it("fills defaults: no code, not billable, no rate, a palette color that changes from project to project", async () => {
    const world = await createWorld(server);
    const first = await call(server, world.manager.key, "POST", "/v1/projects", { name: "Internal tools" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      code: null,
      client_name: null,
      billable: false,
      hourly_rate: null,
      budget_hours: null,
      description: null,
      metadata: {},
      status: "open",
    });
    const second = await createProject(world, { name: "Second" });
    expect(PROJECT_PALETTE).toContain(first.body.color);
    expect(PROJECT_PALETTE).toContain(second.color);
    expect(second.color).not.toBe(first.body.color);
  });

  it("refuses a code in use, case-insensitively and among closed projects, with 409 already_exists", async () => {
    const world = await createWorld(server);
    await createProject(world, { code: "WEB" });
    const dup = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Other", code: "WEB" });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("already_exists");

    // A closed project holding a lower-case code (written before the API pattern existed).
    const legacy = await createProject(world, { code: "OLD1" });
    await server.storage.db.updateTable("projects").set({ code: "old1" }).where("id", "=", legacy.id).execute();
    expect((await call(server, world.admin.key, "POST", `/v1/projects/${legacy.id}/close`)).status).toBe(200);
    const clash = await call(server, world.admin.key, "POST", "/v1/projects", { name: "New", code: "OLD1" });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe("already_exists");

    // Another organization may use the same code.
    const other = await createWorld(server);
    expect((await call(server, other.admin.key, "POST", "/v1/projects", { name: "X", code: "WEB" })).status).toBe(201);

    const count = await server.storage.db
      .selectFrom("projects")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", world.organizationId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual([
      "project.created",
      "project.created",
      "project.closed",
    ]);
  });

  it("answers concurrent creates of one code with one 201 and 409 already_exists for the others", async () => {
    const world = await createWorld(server);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(server, i % 2 ? world.admin.key : world.manager.key, "POST", "/v1/projects", {
          name: `P${i}`,
          code: "RACE",
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.code).toBe("already_exists");
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual(["project.created"]);
  });

  it("validates the body with field paths", async () => {
    const world = await createWorld(server);
    const res = await call(server, world.admin.key, "POST", "/v1/projects", {
      name: "",
      code: "web",
      color: "blue",
      budget_hours: -1,
      hourly_rate: { amount_minor: 100, currency: "USD" },
      extra: true,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "body.name",
        "body.code",
        "body.color",
        "body.budget_hours",
        "body.hourly_rate.currency",
        "body.extra",
      ]),
    );
    const missing = await call(server, world.admin.key, "POST", "/v1/projects", {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: "body.name", message: expect.any(String) }]);
    expect(await eventsOf(server, world)).toEqual([]);
  });

  it("lets only admins and managers change projects, and only with a full key", async () => {
    const world = await createWorld(server);
    const project = await createProject(world);
    const denied = [
      await call(server, world.employee.key, "POST", "/v1/projects", { name: "X" }),
      await call(server, world.employee.key, "PATCH", `/v1/projects/${project.id}`, { name: "X" }),
      await call(server, world.employee.key, "POST", `/v1/projects/${project.id}/close`),
      await call(server, world.employee.key, "POST", `/v1/projects/${project.id}/reopen`),
    ];
    for (const res of denied) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    const read = await call(server, world.admin.readKey, "POST", "/v1/projects", { name: "X" });
    expect(read.status).toBe(403);
    expect(read.body.code).toBe("insufficient_scope");
    const readPatch = await call(server, world.manager.readKey, "PATCH", `/v1/projects/${project.id}`, { name: "X" });
    expect(readPatch.status).toBe(403);
    expect(readPatch.body.code).toBe("insufficient_scope");
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual(["project.created"]);
  });

  it("answers 404 for another organization's project and for a missing one", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const foreign = await createProject(other, { code: "FOR" });
    const missing = newId("prj");
    for (const id of [foreign.id, missing]) {
      for (const [method, url, body] of [
        ["GET", `/v1/projects/${id}`, undefined],
        ["PATCH", `/v1/projects/${id}`, { name: "Mine now" }],
        ["POST", `/v1/projects/${id}/close`, undefined],
        ["POST", `/v1/projects/${id}/reopen`, undefined],
      ] as const) {
        const res = await call(server, world.admin.key, method, url, body);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe("not_found");
      }
    }
    const bad = await call(server, world.admin.key, "GET", "/v1/projects/nope");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("path.project_id");
    expect((await call(server, other.admin.key, "GET", `/v1/projects/${foreign.id}`)).body.name).toBe("Project");
  });

  it("lists projects by name, case-insensitively, with status and accent-insensitive q filters and a cursor", async () => {
    const world = await createWorld(server);
    for (const name of ["beta", "Alpha", "gamma", "Delta", "alpha two"]) await createProject(world, { name });
    const closed = await createProject(world, { name: "Closed one" });
    await call(server, world.admin.key, "POST", `/v1/projects/${closed.id}/close`);
    await createProject(await createWorld(server), { name: "Aardvark elsewhere" });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.employee.key, "GET", url);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((p: { name: string }) => p.name));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(["Alpha", "alpha two", "beta", "Closed one", "Delta", "gamma"]);

    const open = await call(server, world.employee.key, "GET", "/v1/projects?status=open");
    expect(open.body.data.map((p: { name: string }) => p.name)).toEqual([
      "Alpha",
      "alpha two",
      "beta",
      "Delta",
      "gamma",
    ]);
    const onlyClosed = await call(server, world.employee.key, "GET", "/v1/projects?status=closed");
    expect(onlyClosed.body.data.map((p: { id: string }) => p.id)).toEqual([closed.id]);

    await createProject(world, { name: "Wdrożenie systemu Łódź" });
    await createProject(world, { name: "Účetnictví Plzeň" });
    const search = async (q: string) => {
      const res = await call(server, world.manager.key, "GET", `/v1/projects?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.data.map((p: { name: string }) => p.name);
    };
    expect(await search("wdroz")).toEqual(["Wdrożenie systemu Łódź"]);
    expect(await search("LODZ")).toEqual(["Wdrożenie systemu Łódź"]);
    expect(await search("łódź")).toEqual(["Wdrożenie systemu Łódź"]);
    expect(await search("ucetnictvi plz")).toEqual(["Účetnictví Plzeň"]);
    expect(await search("ALPHA")).toEqual(["Alpha", "alpha two"]);
    expect(await search("%")).toEqual([]);
    expect(await search("zzz")).toEqual([]);

    const badCursor = await call(server, world.employee.key, "GET", "/v1/projects?cursor=garbage");
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe("invalid_cursor");
    const badStatus = await call(server, world.employee.key, "GET", "/v1/projects?status=archived");
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors[0].field).toBe("query.status");
  });

  it("sums tracked_seconds over completed, non-rejected sessions only", async () => {
    const world = await createWorld(server);
    const project = await createProject(world, { name: "Tracked" });
    const other = await createProject(world, { name: "Other" });
    const e = world.employee.id;
    await insertSession(world, {
      employeeId: e,
      projectId: project.id,
      start: "2026-10-05T07:00:00Z",
      end: "2026-10-05T08:00:00Z",
    });
    await insertSession(world, {
      employeeId: world.colleague.id,
      projectId: project.id,
      start: "2026-10-05T09:00:00Z",
      end: "2026-10-05T09:30:00Z",
      approval: "approved",
    });
    await insertSession(world, {
      employeeId: e,
      projectId: project.id,
      start: "2026-10-05T10:00:00Z",
      end: "2026-10-05T12:00:00Z",
      approval: "rejected",
    });
    await insertSession(world, {
      employeeId: world.manager.id,
      projectId: project.id,
      start: "2026-10-06T07:00:00Z",
      end: null,
    });
    await insertSession(world, {
      employeeId: e,
      projectId: other.id,
      start: "2026-10-06T07:00:00Z",
      end: "2026-10-06T07:00:42Z",
    });

    const got = await call(server, world.employee.key, "GET", `/v1/projects/${project.id}`);
    expect(got.body.tracked_seconds).toBe(5400);
    const list = await call(server, world.employee.key, "GET", "/v1/projects");
    const byName = Object.fromEntries(
      list.body.data.map((p: { name: string; tracked_seconds: number }) => [p.name, p.tracked_seconds]),
    );
    expect(byName).toEqual({ Other: 42, Tracked: 5400 });
  });

  it("updates the fields sent, clears with null, also when closed, with project.updated", async () => {
    server.clock.set("2026-10-05T07:30:00Z");
    const world = await createWorld(server);
    const project = await createProject(world, WEBSITE);
    server.clock.set("2026-10-06T09:12:00Z");
    const updated = await call(server, world.manager.key, "PATCH", `/v1/projects/${project.id}`, {
      budget_hours: 360,
      hourly_rate: { amount_minor: 19000, currency: "PLN" },
      client_name: null,
      code: "WEB2",
      metadata: { crm_deal_id: "D-2" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      ...project,
      budget_hours: 360,
      hourly_rate: { amount_minor: 19000, currency: "PLN" },
      client_name: null,
      code: "WEB2",
      metadata: { crm_deal_id: "D-2" },
      updated_at: "2026-10-06T09:12:00.000Z",
    });

    const cleared = await call(server, world.admin.key, "PATCH", `/v1/projects/${project.id}`, {
      hourly_rate: null,
      budget_hours: null,
      description: null,
      code: null,
    });
    expect(cleared.body).toMatchObject({ hourly_rate: null, budget_hours: null, description: null, code: null });
    expect(cleared.body.name).toBe("Website relaunch");

    await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`);
    const renamed = await call(server, world.admin.key, "PATCH", `/v1/projects/${project.id}`, {
      name: "Website 2026",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Website 2026", status: "closed" });

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "project.created",
      "project.updated",
      "project.updated",
      "project.closed",
      "project.updated",
    ]);
    expect(events[1]?.data).toEqual(updated.body);
  });

  it("refuses a code used by another project with 409 already_exists and changes nothing", async () => {
    const world = await createWorld(server);
    await createProject(world, { name: "A", code: "AAA" });
    const b = await createProject(world, { name: "B", code: "BBB" });
    const res = await call(server, world.admin.key, "PATCH", `/v1/projects/${b.id}`, { name: "B2", code: "AAA" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("already_exists");
    const after = await call(server, world.admin.key, "GET", `/v1/projects/${b.id}`);
    expect(after.body).toMatchObject({ name: "B", code: "BBB" });
    // Keeping its own code is no conflict.
    const same = await call(server, world.admin.key, "PATCH", `/v1/projects/${b.id}`, { code: "BBB" });
    expect(same.status).toBe(200);
    const empty = await call(server, world.admin.key, "PATCH", `/v1/projects/${b.id}`, {});
    expect(empty.status).toBe(422);
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual([
      "project.created",
      "project.created",
      "project.updated",
    ]);
  });

  it("closes and reopens a project, refusing the same transition twice with 409 invalid_state", async () => {
    server.clock.set("2026-10-28T15:00:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const closed = await call(server, world.manager.key, "POST", `/v1/projects/${project.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: "closed",
      closed_at: "2026-10-28T15:00:00.000Z",
      updated_at: "2026-10-28T15:00:00.000Z",
    });
    const again = await call(server, world.manager.key, "POST", `/v1/projects/${project.id}/close`, {
      stop_running_sessions: true,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invalid_state");

    server.clock.set("2026-10-30T08:45:00Z");
    const reopened = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: "open", closed_at: null, updated_at: "2026-10-30T08:45:00.000Z" });
    const reopenAgain = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/reopen`);
    expect(reopenAgain.status).toBe(409);
    expect(reopenAgain.body.code).toBe("invalid_state");

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual(["project.created", "project.closed", "project.reopened"]);
    expect(events[1]?.data).toEqual(closed.body);
    expect(events[2]?.data).toEqual(reopened.body);
  });

  it("refuses to close a project with running sessions (409 conflict) unless told to stop them", async () => {
    server.clock.set("2026-10-05T11:30:00Z");
    const world = await createWorld(server);
    const project = await createProject(world);
    const elsewhere = await createProject(world, { name: "Elsewhere" });
    const s1 = await insertSession(world, {
      employeeId: world.employee.id,
      projectId: project.id,
      start: "2026-10-05T07:00:00Z",
      end: null,
    });
    const s2 = await insertSession(world, {
      employeeId: world.colleague.id,
      projectId: project.id,
      start: "2026-10-05T09:00:00Z",
      end: null,
    });
    const s3 = await insertSession(world, {
      employeeId: world.manager.id,
      projectId: elsewhere.id,
      start: "2026-10-05T09:00:00Z",
      end: null,
    });

    const refused = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("conflict");
    const explicitNo = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`, {
      stop_running_sessions: false,
    });
    expect(explicitNo.status).toBe(409);
    expect((await call(server, world.admin.key, "GET", `/v1/projects/${project.id}`)).body.status).toBe("open");
    expect((await eventsOf(server, world)).map((e) => e.type)).toEqual(["project.created", "project.created"]);

    const closed = await call(server, world.admin.key, "POST", `/v1/projects/${project.id}/close`, {
      stop_running_sessions: true,
    });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("closed");
    expect(closed.body.tracked_seconds).toBe(4.5 * 3600 + 2.5 * 3600);

    const sessions = await server.storage.db
      .selectFrom("sessions")
      .select(["id", "ended_at", "approval_status"])
      .where("organization_id", "=", world.organizationId)
      .orderBy("id")
      .execute();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    expect(byId.get(s1)?.ended_at?.toISOString()).toBe("2026-10-05T11:30:00.000Z");
    expect(byId.get(s2)?.ended_at?.toISOString()).toBe("2026-10-05T11:30:00.000Z");
    expect(byId.get(s3)?.ended_at).toBeNull();

    const events = await eventsOf(server, world);
    expect(events.map((e) => e.type)).toEqual([
      "project.created",
      "project.created",
      "session.stopped",
      "session.stopped",
      "project.closed",
    ]);
    const stopped = events.filter((e) => e.type === "session.stopped");
    expect(stopped.map((e) => e.data.id).sort()).toEqual([s1, s2].sort());
    expect(stopped.map((e) => e.employee_id).sort()).toEqual([world.employee.id, world.colleague.id].sort());
    for (const e of stopped) {
      expect(e.data).toMatchObject({
        status: "completed",
        approval_status: "pending",
        project_id: project.id,
        ended_at: "2026-10-05T11:30:00.000Z",
      });
    }
    expect(stopped.find((e) => e.data.id === s1)?.data.duration_seconds).toBe(4.5 * 3600);
  });
});
