import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../src/ids.js";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";
import { insertSession } from "./support/rows.js";
import { expectSchema } from "./support/schema.js";
import { expectFieldError, expectProblem } from "./support/spec-walk.js";

const server = useTestServer();

const H = 3600;

/** Approved leave written straight into the table. */
async function insertLeave(
  s: TestServer,
  world: World,
  employeeId: string,
  startDate: string,
  endDate: string,
  status: "approved" | "requested" = "approved",
): Promise<void> {
  const now = s.clock.now;
  await s.storage.db
    .insertInto("leave_requests")
    .values({
      id: newId("lv", now),
      organization_id: world.organizationId,
      employee_id: employeeId,
      type: "vacation",
      status,
      start_date: startDate,
      end_date: endDate,
      half_day_start: false,
      half_day_end: false,
      days: 0,
      hours: 0,
      note: null,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      cancelled_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/**
 * November 2026 in Warsaw (UTC+1 all month): a hand-computed month for `employee`, with the
 * default PL rules (8 h a day, night 22:00–06:00). Local times are UTC+1.
 *
 * | session (local)              | worked | regular | overtime | night | Sun/holiday |
 * |------------------------------|--------|---------|----------|-------|-------------|
 * | Sat 31 Oct 22:00 – Sun 1 Nov 02:00: only 1 Nov counts (All Saints', a Sunday) | 2 h | 0 | 2 h | 2 h | 2 h |
 * | Mon 2 Nov 08:00–16:00        | 8 h    | 8 h     | 0        | 0     | 0           |
 * | Tue 3 Nov 08:00–18:00        | 10 h   | 8 h     | 2 h      | 0     | 0           |
 * | Thu 5 Nov 20:00 – Fri 6 Nov 04:00 (4 h + 4 h) | 8 h | 8 h | 0 | 2 h + 4 h | 0 |
 * | Sat 7 Nov 09:00–13:00        | 4 h    | 0       | 4 h      | 0     | 0           |
 * | Wed 11 Nov 10:00–14:00 (Independence Day) | 4 h | 0 | 4 h | 0 | 4 h |
 * | Sun 15 Nov 10:00–12:00       | 2 h    | 0       | 2 h      | 0     | 2 h         |
 * | total                        | 38 h   | 24 h    | 14 h     | 8 h   | 8 h         |
 *
 * Left out: a rejected session, a running one. Leave: Thu 12 – Fri 13 Nov (2 days) and Mon 30
 * Nov – Wed 2 Dec (1 day in November); a requested, not approved, leave does not count.
 */
const MONTH = {
  worked: 38 * H,
  regular: 24 * H,
  overtime: 14 * H,
  night: 8 * H,
  sundayHoliday: 8 * H,
  sessions: 7,
  leave: 3,
};

async function seedMonth(world: World, projectId: string | null) {
  const e = world.employee.id;
  const add = (
    start: string,
    end: string | null,
    approval?: "pending" | "approved" | "rejected",
    project = projectId,
  ) =>
    insertSession(server, world, { employeeId: e, projectId: project, start, end, ...(approval ? { approval } : {}) });
  await add("2026-10-31T21:00:00Z", "2026-11-01T01:00:00Z");
  await add("2026-11-02T07:00:00Z", "2026-11-02T15:00:00Z", "approved");
  await add("2026-11-03T07:00:00Z", "2026-11-03T17:00:00Z", "pending", null);
  await add("2026-11-05T19:00:00Z", "2026-11-06T03:00:00Z");
  await add("2026-11-07T08:00:00Z", "2026-11-07T12:00:00Z");
  await add("2026-11-11T09:00:00Z", "2026-11-11T13:00:00Z");
  await add("2026-11-15T09:00:00Z", "2026-11-15T11:00:00Z");
  await add("2026-11-17T07:00:00Z", "2026-11-17T15:00:00Z", "rejected");
  await insertLeave(server, world, e, "2026-11-12", "2026-11-13");
  await insertLeave(server, world, e, "2026-11-30", "2026-12-02");
  await insertLeave(server, world, e, "2026-11-19", "2026-11-20", "requested");
}

async function makeProject(world: World, name: string): Promise<string> {
  const res = await call(server, world.manager.key, "POST", "/v1/projects", { name });
  expect(res.status).toBe(201);
  return res.body.id;
}

let world: World;
let projectId: string;

beforeAll(async () => {
  server.clock.set("2026-12-05T10:00:00Z");
  world = await createWorld(server);
  projectId = await makeProject(world, "Website relaunch");
  await seedMonth(world, projectId);
  // The employee's running session, and the colleague's day, for visibility.
  await insertSession(server, world, {
    employeeId: world.employee.id,
    projectId: null,
    start: "2026-11-30T07:00:00Z",
    end: null,
  });
  await insertSession(server, world, {
    employeeId: world.colleague.id,
    projectId: null,
    start: "2026-11-02T07:00:00Z",
    end: "2026-11-02T13:00:00Z",
  });
  await insertSession(server, world, {
    employeeId: world.outsider.id,
    projectId: null,
    start: "2026-11-02T07:00:00Z",
    end: "2026-11-02T11:00:00Z",
  });
}, 60_000);

const hours = (query: string, key = world.admin.key) => call(server, key, "GET", `/v1/reports/hours?${query}`);

describe("GET /v1/reports/hours", () => {
  it("sums a hand-computed month per employee: midnight crossing, a holiday, a Saturday, leave", async () => {
    const res = await hours(`from=2026-11-01&to=2026-11-30&group_by=employee&employee_id=${world.employee.id}`);
    expect(res.status).toBe(200);
    expectSchema("HoursReport", res.body);
    expect(res.body).toMatchObject({ country: "PL", time_zone: "Europe/Warsaw", group_by: "employee" });
    expect(res.body.rows).toEqual([
      {
        key: world.employee.id,
        label: "Ewa Employee",
        worked_seconds: MONTH.worked,
        regular_seconds: MONTH.regular,
        overtime_seconds: MONTH.overtime,
        night_seconds: MONTH.night,
        sunday_holiday_seconds: MONTH.sundayHoliday,
        leave_days: MONTH.leave,
        sessions: MONTH.sessions,
      },
    ]);
    expect(res.body.totals).toEqual({
      worked_seconds: MONTH.worked,
      regular_seconds: MONTH.regular,
      overtime_seconds: MONTH.overtime,
      night_seconds: MONTH.night,
      sunday_holiday_seconds: MONTH.sundayHoliday,
      leave_days: MONTH.leave,
      sessions: MONTH.sessions,
    });
  });

  it("splits a session across midnight into its two days (group_by=day)", async () => {
    const res = await hours(`from=2026-11-05&to=2026-11-07&group_by=day&employee_id=${world.employee.id}`);
    expect(res.status).toBe(200);
    const byDay = Object.fromEntries(res.body.rows.map((r: { key: string }) => [r.key, r]));
    expect(Object.keys(byDay)).toEqual(["2026-11-05", "2026-11-06", "2026-11-07"]);
    // Thu 20:00–24:00: 4 h, night 22–24; Fri 00:00–04:00: 4 h, all night; Sat: 4 h, all overtime.
    expect(byDay["2026-11-05"]).toMatchObject({ worked_seconds: 4 * H, night_seconds: 2 * H, overtime_seconds: 0 });
    expect(byDay["2026-11-06"]).toMatchObject({ worked_seconds: 4 * H, night_seconds: 4 * H, overtime_seconds: 0 });
    expect(byDay["2026-11-07"]).toMatchObject({ worked_seconds: 4 * H, overtime_seconds: 4 * H, label: "2026-11-07" });
    // The session is one session of the report, counted in both days' rows.
    expect(byDay["2026-11-05"].sessions).toBe(1);
    expect(byDay["2026-11-06"].sessions).toBe(1);
    expect(res.body.totals.sessions).toBe(2);
  });

  it("groups by project, with sessions without one under `none`, and leaves leave out", async () => {
    const res = await hours(`from=2026-11-01&to=2026-11-30&group_by=project&employee_id=${world.employee.id}`);
    expect(res.status).toBe(200);
    const rows = res.body.rows as { key: string; label: string; worked_seconds: number; leave_days: number }[];
    expect(rows.map((r) => [r.key, r.label])).toEqual([
      ["none", "No project"],
      [projectId, "Website relaunch"],
    ]);
    expect(rows.find((r) => r.key === "none")?.worked_seconds).toBe(10 * H);
    expect(rows.find((r) => r.key === projectId)?.worked_seconds).toBe(28 * H);
    expect(rows.every((r) => r.leave_days === 0)).toBe(true);
    expect(res.body.totals.leave_days).toBe(0);

    const only = await hours(
      `from=2026-11-01&to=2026-11-30&group_by=employee&employee_id=${world.employee.id}&project_id=${projectId}`,
    );
    // All but Tuesday: regular Mon 8 h + Thu/Fri 8 h; overtime 1 Nov 2 h, Sat 4 h, 11 Nov 4 h, Sun 2 h.
    expect(only.body.rows[0]).toMatchObject({
      worked_seconds: 28 * H,
      regular_seconds: 16 * H,
      overtime_seconds: 12 * H,
      leave_days: 0,
      sessions: 6,
    });
  });

  it("shows employees themselves, managers themselves and their reports, admins everyone", async () => {
    const keysOf = async (key: string, filter = "") =>
      ((await hours(`from=2026-11-01&to=2026-11-30&group_by=employee${filter}`, key)).body.rows as { key: string }[])
        .map((r) => r.key)
        .sort();
    expect(await keysOf(world.admin.key)).toEqual([world.employee.id, world.colleague.id, world.outsider.id].sort());
    expect(await keysOf(world.manager.key)).toEqual([world.employee.id, world.colleague.id].sort());
    expect(await keysOf(world.employee.key)).toEqual([world.employee.id]);
    // Someone the caller may not see gives an empty report, as an unknown id does.
    const hidden = await hours(
      `from=2026-11-01&to=2026-11-30&group_by=employee&employee_id=${world.outsider.id}`,
      world.manager.key,
    );
    expect(hidden.status).toBe(200);
    expect(hidden.body.rows).toEqual([]);
    expect(hidden.body.totals.worked_seconds).toBe(0);
    expect(await keysOf(world.employee.key, `&employee_id=${world.colleague.id}`)).toEqual([]);
  });

  it("answers 422 for `to` before `from`, a range over 366 days, a missing group_by", async () => {
    expectFieldError(await hours("from=2026-11-02&to=2026-11-01&group_by=day"), "query.to");
    expectFieldError(await hours("from=2025-01-01&to=2026-01-02&group_by=day"), "query.to");
    expect((await hours("from=2028-01-01&to=2028-12-31&group_by=employee")).status).toBe(200);
    expectProblem(await hours("from=2026-11-01&to=2026-11-30"), 422, "validation_failed");
  });
});

describe("GET /v1/reports/overtime", () => {
  it("counts the year's overtime against the cap, with the weeks of the settlement period", async () => {
    const res = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/reports/overtime?year=2026&employee_id=${world.employee.id}`,
    );
    expect(res.status).toBe(200);
    expectSchema("OvertimeReport", res.body);
    expect(res.body).toMatchObject({
      year: 2026,
      country: "PL",
      yearly_cap_seconds: 150 * H,
      warning_ratio: 0.8,
      weekly_threshold_seconds: 40 * H,
    });
    // Today is 5 December 2026; the default settlement period is one month: December.
    expect(res.body.settlement_period).toEqual({ start: "2026-12-01", end: "2026-12-31", months: 1 });
    const [row] = res.body.employees;
    // November's 14 h of overtime and Saturday 31 October 22:00–24:00 (2 h); the rejected
    // and the running session do not count.
    expect(row).toMatchObject({
      employee_id: world.employee.id,
      overtime_seconds: 16 * H,
      cap_seconds: 150 * H,
      status: "ok",
    });
    expect(row.cap_percent).toBe(10.7);
  });

  it("gives the last settlement period of a past year, and rows by visibility", async () => {
    const past = await call(server, world.employee.key, "GET", "/v1/reports/overtime?year=2025");
    expect(past.status).toBe(200);
    expect(past.body.settlement_period).toEqual({ start: "2025-12-01", end: "2025-12-31", months: 1 });
    expect(past.body.employees.map((r: { employee_id: string }) => r.employee_id)).toEqual([world.employee.id]);
    const manager = await call(server, world.manager.key, "GET", "/v1/reports/overtime?year=2026");
    expect(manager.body.employees.map((r: { employee_id: string }) => r.employee_id).sort()).toEqual(
      [world.manager.id, world.employee.id, world.colleague.id].sort(),
    );
  });

  it("answers 422 for a year after next year", async () => {
    expectFieldError(await call(server, world.admin.key, "GET", "/v1/reports/overtime?year=2028"), "query.year");
    expectProblem(
      await call(server, world.admin.key, "GET", "/v1/reports/overtime?year=1999"),
      422,
      "validation_failed",
    );
    expect((await call(server, world.admin.key, "GET", "/v1/reports/overtime?year=2027")).status).toBe(200);
  });
});
