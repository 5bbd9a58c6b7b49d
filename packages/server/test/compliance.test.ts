import { describe, expect, it } from "vitest";
import { createComplianceSweeper } from "../src/domain/compliance.js";
import { call, createWorld, type TestUser, useTestServer, type World } from "./support/harness.js";
import { eventsOf } from "./support/rows.js";
import { expectSchema } from "./support/schema.js";
import { expectProblem } from "./support/spec-walk.js";

const server = useTestServer();

const H = 3600;

// Early October 2026 in Warsaw is UTC+2: Monday 5 October 14:00 local is 12:00Z.
async function newWorld(): Promise<World> {
  server.clock.set("2026-10-10T10:00:00Z");
  return createWorld(server);
}

async function record(user: TestUser, startedAt: string, endedAt: string, employeeId?: string) {
  const res = await call(server, user.key, "POST", "/v1/sessions", {
    started_at: startedAt,
    ended_at: endedAt,
    ...(employeeId ? { employee_id: employeeId } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/**
 * Two days with 10 hours of rest between them: Mon 14:00–23:00, Tue 09:00–13:00 (local). The
 * 24 hours from Monday 14:00 hold 13 hours of work: not more than 13, no daily_hours_exceeded.
 */
async function tenHourRest(user: TestUser, employeeId?: string): Promise<[string, string]> {
  const first = await record(user, "2026-10-05T12:00:00Z", "2026-10-05T21:00:00Z", employeeId);
  const second = await record(user, "2026-10-06T07:00:00Z", "2026-10-06T11:00:00Z", employeeId);
  return [first, second];
}

async function alertsOf(world: World, employeeId: string) {
  return server.storage.db
    .selectFrom("compliance_alerts")
    .selectAll()
    .where("organization_id", "=", world.organizationId)
    .where("employee_id", "=", employeeId)
    .orderBy("id")
    .execute();
}

describe("alerts raised when sessions change", () => {
  it("a 10-hour rest between two days raises one daily_rest violation and emits compliance.violation", async () => {
    const world = await newWorld();
    const [first, second] = await tenHourRest(world.employee);
    const list = await call(server, world.employee.key, "GET", "/v1/compliance-alerts?kind=daily_rest");
    expect(list.status).toBe(200);
    expectSchema("ComplianceAlertList", list.body);
    expect(list.body.data).toHaveLength(1);
    const [alert] = list.body.data;
    expect(alert).toMatchObject({
      organization_id: world.organizationId,
      employee_id: world.employee.id,
      kind: "daily_rest",
      severity: "violation",
      rule: "PL Kodeks pracy art. 132 § 1",
      country: "PL",
      period_start: "2026-10-05T21:00:00.000Z",
      period_end: "2026-10-06T07:00:00.000Z",
      details: { required_rest_seconds: 11 * H, actual_rest_seconds: 10 * H },
      acknowledged_at: null,
      acknowledged_by: null,
    });
    expect(alert.session_ids).toEqual([first, second]);
    expect(alert.message).toContain("Ewa Employee");

    const violations = (await eventsOf(server, world)).filter((e) => e.type === "compliance.violation");
    expect(violations).toHaveLength(1);
    expect(violations[0]?.data).toEqual(alert);
    expect(violations[0]?.employee_id).toBe(world.employee.id);
    expect(violations[0]?.resource_ids).toEqual(expect.arrayContaining([alert.id, world.employee.id, first, second]));
  });

  it("stores each finding once: checking again after an edit raises nothing new", async () => {
    const world = await newWorld();
    const [first] = await tenHourRest(world.employee);
    const edited = await call(server, world.employee.key, "PATCH", `/v1/sessions/${first}`, { note: "late shift" });
    expect(edited.status).toBe(200);
    expect((await alertsOf(world, world.employee.id)).filter((a) => a.kind === "daily_rest")).toHaveLength(1);
    const violations = (await eventsOf(server, world)).filter((e) => e.type === "compliance.violation");
    expect(violations).toHaveLength(1);
  });

  it("stopping a running session runs the check too, in the same transaction", async () => {
    const world = await newWorld();
    await record(world.colleague, "2026-10-05T12:00:00Z", "2026-10-05T21:00:00Z");
    // Tuesday 09:00 local: clock in; at 15:00, clock out. Rest is judged once the 24 hours from
    // Monday 14:00 are over: at the stop they are.
    server.clock.set("2026-10-06T07:00:00Z");
    expect((await call(server, world.colleague.key, "POST", "/v1/sessions/start", {})).status).toBe(201);
    expect(await alertsOf(world, world.colleague.id)).toEqual([]);
    server.clock.advance(6 * H * 1000);
    expect((await call(server, world.colleague.key, "POST", "/v1/sessions/stop", {})).status).toBe(200);
    const alerts = await alertsOf(world, world.colleague.id);
    expect(alerts.map((a) => a.kind)).toContain("daily_rest");
  });

  it("a week over the weekly threshold raises a warning and emits overtime.warning, not compliance.violation", async () => {
    const world = await newWorld();
    // Monday 5 to Friday 9 October, 07:00–16:00 local: 5 × 9 h = 45 h, 5 h over the 40 h threshold.
    for (const day of ["05", "06", "07", "08", "09"]) {
      await record(world.colleague, `2026-10-${day}T05:00:00Z`, `2026-10-${day}T14:00:00Z`);
    }
    const alerts = await alertsOf(world, world.colleague.id);
    const weekly = alerts.filter((a) => a.kind === "weekly_overtime_threshold");
    expect(weekly).toHaveLength(1);
    expect(weekly[0]?.severity).toBe("warning");
    expect(weekly[0]?.details).toMatchObject({ worked_seconds: 45 * H, threshold_seconds: 40 * H });
    const events = await eventsOf(server, world);
    const warnings = events.filter((e) => e.type === "overtime.warning");
    expect(warnings.map((e) => e.data)).toEqual([
      {
        employee_id: world.colleague.id,
        kind: "weekly_threshold",
        week_start: "2026-10-05",
        year: 2026,
        overtime_seconds: 5 * H,
        threshold_seconds: 40 * H,
        cap_seconds: 150 * H,
      },
    ]);
    expectSchema("OvertimeWarning", warnings[0]?.data);
    expect(events.filter((e) => e.type === "compliance.violation")).toEqual([]);
  });
});

describe("the daily check", () => {
  it("raises what a session change could not judge yet: the rest of a 24-hour period not over then", async () => {
    const world = await newWorld();
    await record(world.colleague, "2026-10-05T12:00:00Z", "2026-10-05T21:00:00Z");
    // Tuesday 09:00–13:00 local, stopped at 13:00: the 24 hours from Monday 14:00 are not over.
    server.clock.set("2026-10-06T07:00:00Z");
    expect((await call(server, world.colleague.key, "POST", "/v1/sessions/start", {})).status).toBe(201);
    server.clock.advance(4 * H * 1000);
    expect((await call(server, world.colleague.key, "POST", "/v1/sessions/stop", {})).status).toBe(200);
    expect(await alertsOf(world, world.colleague.id)).toEqual([]);

    const sweeper = createComplianceSweeper({
      db: server.storage.db,
      now: () => server.clock.now,
      log: server.app.log,
    });
    server.clock.set("2026-10-07T01:00:00Z");
    expect(await sweeper.runOnce({ organizationId: world.organizationId })).toBe(1);
    const alerts = await alertsOf(world, world.colleague.id);
    expect(alerts.map((a) => [a.kind, a.details])).toEqual([
      ["daily_rest", { required_rest_seconds: 11 * H, actual_rest_seconds: 10 * H }],
    ]);
    const violations = (await eventsOf(server, world)).filter((e) => e.type === "compliance.violation");
    expect(violations.map((e) => (e.data as { id: string }).id)).toEqual([alerts[0]?.id]);
    // The next day's check finds nothing new.
    server.clock.set("2026-10-08T01:00:00Z");
    expect(await sweeper.runOnce({ organizationId: world.organizationId })).toBe(0);
  });
});

describe("who sees and acknowledges alerts", () => {
  it("employees see their own, managers their own and their reports', admins all; others answer 404", async () => {
    const world = await newWorld();
    await tenHourRest(world.employee);
    await tenHourRest(world.outsider);
    const [mine] = (await alertsOf(world, world.employee.id)).filter((a) => a.kind === "daily_rest");
    const [outsiders] = (await alertsOf(world, world.outsider.id)).filter((a) => a.kind === "daily_rest");
    const owners = async (user: TestUser) =>
      [
        ...new Set(
          (
            (await call(server, user.key, "GET", "/v1/compliance-alerts?limit=100")).body.data as {
              employee_id: string;
            }[]
          ).map((a) => a.employee_id),
        ),
      ].sort();
    expect(await owners(world.admin)).toEqual([world.employee.id, world.outsider.id].sort());
    expect(await owners(world.manager)).toEqual([world.employee.id]);
    expect(await owners(world.employee)).toEqual([world.employee.id]);
    expect(await owners(world.colleague)).toEqual([]);

    expect((await call(server, world.employee.key, "GET", `/v1/compliance-alerts/${mine?.id}`)).status).toBe(200);
    expectProblem(
      await call(server, world.colleague.key, "GET", `/v1/compliance-alerts/${mine?.id}`),
      404,
      "not_found",
    );
    expectProblem(
      await call(server, world.manager.key, "GET", `/v1/compliance-alerts/${outsiders?.id}`),
      404,
      "not_found",
    );
    const filtered = await call(
      server,
      world.manager.key,
      "GET",
      `/v1/compliance-alerts?employee_id=${world.outsider.id}`,
    );
    expect(filtered.body.data).toEqual([]);
  });

  it("filters by kind, severity, period and acknowledgement, and pages newest first", async () => {
    const world = await newWorld();
    await tenHourRest(world.employee);
    await tenHourRest(world.colleague);
    const get = async (query: string) =>
      (await call(server, world.admin.key, "GET", `/v1/compliance-alerts?${query}`)).body;
    expect((await get("severity=violation&kind=daily_rest")).data).toHaveLength(2);
    expect((await get("severity=warning&kind=daily_rest")).data).toHaveLength(0);
    expect((await get("from=2026-10-05T00:00:00Z&to=2026-10-07T00:00:00Z&kind=daily_rest")).data).toHaveLength(2);
    expect((await get("from=2026-10-07T00:00:00Z&kind=daily_rest")).data).toHaveLength(0);
    const first = await get("limit=1&kind=daily_rest");
    expect(first.has_more).toBe(true);
    const second = await get(`limit=1&kind=daily_rest&cursor=${first.next_cursor}`);
    expect(second.has_more).toBe(false);
    expect(second.data[0].id).not.toBe(first.data[0].id);
    // Newest first: the colleague's alert was raised last.
    expect(first.data[0].employee_id).toBe(world.colleague.id);
    expectProblem(
      await call(
        server,
        world.admin.key,
        "GET",
        "/v1/compliance-alerts?from=2026-10-07T00:00:00Z&to=2026-10-06T00:00:00Z",
      ),
      422,
      "validation_failed",
    );
    const open = (await get("acknowledged=false&kind=daily_rest")).data;
    const ack = await call(server, world.admin.key, "POST", `/v1/compliance-alerts/${open[0].id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect((await get("acknowledged=false&kind=daily_rest")).data).toHaveLength(1);
    expect((await get("acknowledged=true&kind=daily_rest")).data.map((a: { id: string }) => a.id)).toEqual([
      open[0].id,
    ]);
  });

  it("a manager acknowledges a report's alert once (audited, no event); 409 the second time", async () => {
    const world = await newWorld();
    await tenHourRest(world.employee);
    const [alert] = (await alertsOf(world, world.employee.id)).filter((a) => a.kind === "daily_rest");
    const eventsBefore = (await eventsOf(server, world)).length;
    server.clock.set("2026-10-10T11:00:00Z");
    const res = await call(server, world.manager.key, "POST", `/v1/compliance-alerts/${alert?.id}/acknowledge`);
    expect(res.status).toBe(200);
    expectSchema("ComplianceAlert", res.body);
    expect(res.body).toMatchObject({ acknowledged_at: "2026-10-10T11:00:00.000Z", acknowledged_by: world.manager.id });
    const again = await call(server, world.admin.key, "POST", `/v1/compliance-alerts/${alert?.id}/acknowledge`);
    expectProblem(again, 409, "invalid_state");
    expect((await eventsOf(server, world)).length).toBe(eventsBefore);
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .where("action", "=", "compliance_alert.acknowledged")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ resource_id: alert?.id, actor_employee_id: world.manager.id });
    // The alert stays listed.
    const listed = await call(server, world.employee.key, "GET", "/v1/compliance-alerts?kind=daily_rest");
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([alert?.id]);
  });

  it("managers may not acknowledge their own alerts; employees none; admins any", async () => {
    const world = await newWorld();
    await tenHourRest(world.manager);
    await tenHourRest(world.employee);
    const [own] = (await alertsOf(world, world.manager.id)).filter((a) => a.kind === "daily_rest");
    const [report] = (await alertsOf(world, world.employee.id)).filter((a) => a.kind === "daily_rest");
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/compliance-alerts/${own?.id}/acknowledge`),
      403,
      "forbidden",
    );
    expectProblem(
      await call(server, world.employee.key, "POST", `/v1/compliance-alerts/${report?.id}/acknowledge`),
      403,
    );
    expectProblem(
      await call(server, world.manager.readKey, "POST", `/v1/compliance-alerts/${report?.id}/acknowledge`),
      403,
    );
    expect((await call(server, world.admin.key, "POST", `/v1/compliance-alerts/${own?.id}/acknowledge`)).status).toBe(
      200,
    );
    const unknown = await call(
      server,
      world.admin.key,
      "POST",
      "/v1/compliance-alerts/alr_0000000000000000/acknowledge",
    );
    expectProblem(unknown, 404, "not_found");
  });
});
