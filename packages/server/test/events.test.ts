import { describe, expect, it } from "vitest";
import { recordEvent } from "../src/domain/events.js";
import { newId } from "../src/ids.js";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";

const server = useTestServer();
const DAY = 24 * 3600 * 1000;

/** Writes an event as the areas that own the type would (sessions, exports, webhooks…). */
async function emit(
  s: TestServer,
  world: World,
  type: string,
  employeeId: string | null,
  data: Record<string, unknown> = {},
  resourceIds: string[] = [],
): Promise<string> {
  const now = s.clock.now;
  await recordEvent(s.storage.db, {
    organizationId: world.organizationId,
    type,
    data: { organization_id: world.organizationId, ...data },
    employeeId,
    resourceIds: [...resourceIds, ...(employeeId ? [employeeId] : [])],
    now,
  });
  const row = await s.storage.db
    .selectFrom("events")
    .select("id")
    .where("organization_id", "=", world.organizationId)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function list(key: string, query = "") {
  const res = await call(server, key, "GET", `/v1/events?limit=100${query ? `&${query}` : ""}`);
  expect(res.status).toBe(200);
  return res.body.data as { id: string; type: string; created_at: string; data: Record<string, unknown> }[];
}

/** One event of each family, about the world's people. */
async function seed(world: World) {
  const ids = {
    projectCreated: await emit(server, world, "project.created", null, { id: "prj_1" }),
    taskCreated: await emit(server, world, "task.created", null, { id: "tsk_1" }),
    employeeSession: await emit(server, world, "session.started", world.employee.id, { id: "ses_e" }),
    colleagueLeave: await emit(server, world, "leave.requested", world.colleague.id, { id: "lv_c" }),
    outsiderSession: await emit(server, world, "session.stopped", world.outsider.id, { id: "ses_o" }),
    managerOvertime: await emit(server, world, "overtime.warning", world.manager.id, { employee_id: world.manager.id }),
    employeeAlert: await emit(server, world, "compliance.violation", world.employee.id, { id: "alr_e" }),
    exportDone: await emit(server, world, "export.completed", null, { id: "exp_1" }),
    webhookTest: await emit(server, world, "webhook.test", null, { message: "hi", endpoint_id: "whe_1" }),
    adminSession: await emit(server, world, "session.started", world.admin.id, { id: "ses_a" }),
  };
  const employeeKey = await call(server, world.employee.key, "POST", "/v1/api-keys", { name: "mine" });
  const managerKey = await call(server, world.manager.key, "POST", "/v1/api-keys", { name: "mine" });
  const updated = await call(server, world.admin.key, "PATCH", `/v1/employees/${world.employee.id}`, {
    payroll_number: "0042",
    hourly_rate: { amount_minor: 6500, currency: "PLN" },
  });
  expect(updated.status).toBe(200);
  await call(server, world.admin.key, "PATCH", `/v1/employees/${world.outsider.id}`, { weekly_hours_norm: 20 });
  return { ids, employeeKeyId: employeeKey.body.id as string, managerKeyId: managerKey.body.id as string };
}

describe("listing events", () => {
  it("shows admins every event of the organization, newest first, in the envelope", async () => {
    const world = await createWorld(server);
    const { ids } = await seed(world);
    const events = await list(world.admin.key);
    expect(events.map((e) => e.type)).toEqual([
      "employee.updated",
      "employee.updated",
      "api_key.created",
      "api_key.created",
      "session.started",
      "webhook.test",
      "export.completed",
      "compliance.violation",
      "overtime.warning",
      "session.stopped",
      "leave.requested",
      "session.started",
      "task.created",
      "project.created",
    ]);
    const project = events.find((e) => e.id === ids.projectCreated);
    expect(project).toEqual({
      id: ids.projectCreated,
      type: "project.created",
      created_at: server.clock.now.toISOString(),
      organization_id: world.organizationId,
      api_version: "2026-10-01",
      data: { organization_id: world.organizationId, id: "prj_1" },
    });
    const employee = events.find((e) => e.type === "employee.updated" && e.data.id === world.employee.id);
    expect(employee?.data).toMatchObject({
      payroll_number: "0042",
      hourly_rate: { amount_minor: 6500, currency: "PLN" },
    });
    const one = await call(server, world.admin.key, "GET", `/v1/events/${ids.webhookTest}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids.webhookTest, type: "webhook.test", data: { endpoint_id: "whe_1" } });
  });

  it("shows managers their own and their direct reports' events, and exports", async () => {
    const world = await createWorld(server);
    const { ids, managerKeyId } = await seed(world);
    const events = await list(world.manager.readKey);
    expect(events.map((e) => e.id).sort()).toEqual(
      [
        ...events.filter((e) => e.type === "employee.updated").map((e) => e.id),
        ids.projectCreated,
        ids.taskCreated,
        ids.employeeSession,
        ids.colleagueLeave,
        ids.managerOvertime,
        ids.employeeAlert,
        ids.exportDone,
        ...events.filter((e) => e.type === "api_key.created").map((e) => e.id),
      ].sort(),
    );
    // Only the report's employee.updated, without rates and payroll ids; only their own key's event.
    const employeeEvents = events.filter((e) => e.type === "employee.updated");
    expect(employeeEvents.map((e) => e.data.id)).toEqual([world.employee.id]);
    expect(employeeEvents[0]?.data).not.toHaveProperty("payroll_number");
    expect(employeeEvents[0]?.data).not.toHaveProperty("hourly_rate");
    expect(employeeEvents[0]?.data).not.toHaveProperty("clock_card_number");
    expect(employeeEvents[0]?.data).toMatchObject({ id: world.employee.id, name: "Ewa Employee" });
    expect(events.filter((e) => e.type === "api_key.created").map((e) => e.data.id)).toEqual([managerKeyId]);

    for (const hidden of [ids.outsiderSession, ids.webhookTest, ids.adminSession]) {
      const res = await call(server, world.manager.key, "GET", `/v1/events/${hidden}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    expect((await call(server, world.manager.key, "GET", `/v1/events/${ids.colleagueLeave}`)).status).toBe(200);
  });

  it("shows employees their own events and the organization's projects and tasks", async () => {
    const world = await createWorld(server);
    const { ids, employeeKeyId } = await seed(world);
    const events = await list(world.employee.key);
    expect(events.map((e) => e.type)).toEqual([
      "employee.updated",
      "api_key.created",
      "compliance.violation",
      "session.started",
      "task.created",
      "project.created",
    ]);
    expect(events[0]?.data.id).toBe(world.employee.id);
    expect(events[0]?.data).not.toHaveProperty("hourly_rate");
    expect(events[1]?.data.id).toBe(employeeKeyId);
    expect(events.map((e) => e.id)).toContain(ids.employeeSession);

    const colleague = await list(world.colleague.key);
    expect(colleague.map((e) => e.type)).toEqual(["leave.requested", "task.created", "project.created"]);
    for (const hidden of [ids.employeeSession, ids.exportDone, ids.managerOvertime]) {
      expect((await call(server, world.colleague.key, "GET", `/v1/events/${hidden}`)).status).toBe(404);
    }
    const full = await call(server, world.employee.key, "GET", `/v1/events/${events[0]?.id}`);
    expect(full.body.data).not.toHaveProperty("payroll_number");
  });

  it("filters by type, type prefix, time and resource id", async () => {
    const world = await createWorld(server);
    const first = server.clock.now;
    const early = await emit(server, world, "session.started", world.employee.id, { id: "ses_1" }, ["ses_1", "prj_9"]);
    server.clock.advance(60_000);
    const middle = server.clock.now;
    const stopped = await emit(server, world, "session.stopped", world.employee.id, { id: "ses_1" }, [
      "ses_1",
      "prj_9",
    ]);
    const leave = await emit(server, world, "leave.requested", world.colleague.id, { id: "lv_1" }, ["lv_1"]);
    server.clock.advance(60_000);
    const late = await emit(server, world, "project.updated", null, { id: "prj_9" }, ["prj_9"]);

    const ids = async (query: string) => (await list(world.admin.key, query)).map((e) => e.id);
    expect(await ids("type=session.stopped")).toEqual([stopped]);
    expect(await ids("type_prefix=session.")).toEqual([stopped, early]);
    expect(await ids(`from=${middle.toISOString()}`)).toEqual([late, leave, stopped]);
    expect(await ids(`to=${middle.toISOString()}`)).toEqual([early]);
    expect(await ids(`from=${first.toISOString()}&to=${first.toISOString()}`)).toEqual([]);
    expect(await ids(`from=${middle.toISOString()}&to=${new Date(middle.getTime() + 1).toISOString()}`)).toEqual([
      leave,
      stopped,
    ]);
    expect(await ids("resource_id=prj_9xxxxxxxxxxxxxxx")).toEqual([]);
    expect(await ids(`resource_id=${world.employee.id}`)).toEqual([stopped, early]);
    expect(await ids(`resource_id=${world.colleague.id}&type_prefix=leave.`)).toEqual([leave]);

    const reversed = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/events?from=${middle.toISOString()}&to=${first.toISOString()}`,
    );
    expect(reversed.status).toBe(422);
    expect(reversed.body.code).toBe("validation_failed");
    expect(reversed.body.errors[0].field).toBe("query.from");
    for (const [query, field] of [
      ["type=session.paused", "query.type"],
      ["type_prefix=session", "query.type_prefix"],
      ["resource_id=usr_1234567890123456", "query.resource_id"],
      ["limit=101", "query.limit"],
      ["from=yesterday", "query.from"],
    ]) {
      const res = await call(server, world.admin.key, "GET", `/v1/events?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it("lists by resource id the events of an employee, their keys included", async () => {
    const world = await createWorld(server);
    const key = await call(server, world.admin.key, "POST", "/v1/api-keys", {
      name: "for Ewa",
      employee_id: world.employee.id,
    });
    await call(server, world.admin.key, "POST", `/v1/api-keys/${key.body.id}/revoke`);
    await call(server, world.admin.key, "POST", "/v1/api-keys", { name: "admin's" });
    const byEmployee = await list(world.admin.key, `resource_id=${world.employee.id}`);
    expect(byEmployee.map((e) => e.type)).toEqual(["api_key.revoked", "api_key.created"]);
    const byKey = await list(world.admin.key, `resource_id=${key.body.id}`);
    expect(byKey.map((e) => e.type)).toEqual(["api_key.revoked", "api_key.created"]);
    // The key was made by the admin for Ewa: its events are Ewa's, not the admin's.
    const asEmployee = await list(world.employee.key, "type_prefix=api_key.");
    expect(asEmployee.map((e) => e.type)).toEqual(["api_key.revoked", "api_key.created"]);
  });

  it("pages newest first with a cursor that survives new events", async () => {
    const world = await createWorld(server);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(await emit(server, world, "task.updated", null, { id: `tsk_${i}` }));
      if (i % 2 === 0) server.clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.employee.key, "GET", url);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
      if (pages++ === 0) await emit(server, world, "task.created", null, { id: "tsk_new" });
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    const bad = await call(server, world.employee.key, "GET", "/v1/events?cursor=WyJub3QgYSBkYXRlIiwiZXZ0XzEiXQ");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_cursor");
  });

  it("keeps events for 30 days: older ones are neither listed nor found", async () => {
    const world = await createWorld(server);
    const old = await emit(server, world, "project.created", null, { id: "prj_old" });
    server.clock.advance(29 * DAY);
    const recent = await emit(server, world, "project.updated", null, { id: "prj_old" });
    expect((await list(world.admin.key)).map((e) => e.id)).toEqual([recent, old]);
    server.clock.advance(DAY + 1000);
    expect((await list(world.admin.key)).map((e) => e.id)).toEqual([recent]);
    const gone = await call(server, world.admin.key, "GET", `/v1/events/${old}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe("not_found");
    expect((await call(server, world.admin.key, "GET", `/v1/events/${recent}`)).status).toBe(200);
  });

  it("answers 404 for another organization's event and a missing one, and writes no event itself", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const theirs = await emit(server, other, "project.created", null, { id: "prj_x" });
    const res = await call(server, world.admin.key, "GET", `/v1/events/${theirs}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect((await call(server, world.admin.key, "GET", `/v1/events/${newId("evt")}`)).status).toBe(404);
    expect((await call(server, world.admin.key, "GET", "/v1/events/aud_1234567890123456")).status).toBe(422);
    expect(await list(world.admin.key)).toEqual([]);
    const count = await server.storage.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", world.organizationId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const noKey = await call(server, null, "GET", "/v1/events");
    expect(noKey.status).toBe(401);
  });
});
