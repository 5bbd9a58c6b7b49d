import { describe, expect, it } from "vitest";
import { type BalancePolicy, type BalanceSubject, computeBalances } from "../src/domain/leave/balances.js";
import { type Call, call, createWorld, type TestUser, useTestServer, type World } from "./support/harness.js";
import { expectSchema } from "./support/schema.js";

const server = useTestServer();

// Monday 5 October 2026, 09:30 in Warsaw.
const T0 = "2026-10-05T07:30:00.000Z";

async function newWorld(country: "PL" | "CZ" = "PL"): Promise<World> {
  server.clock.set(T0);
  return createWorld(server, country);
}

interface LeaveBody {
  type: string;
  start_date: string;
  end_date: string;
  employee_id?: string;
  half_day_start?: boolean;
  half_day_end?: boolean;
  note?: string;
}

async function requestLeave(user: TestUser, body: LeaveBody): Promise<Call> {
  const res = await call(server, user.key, "POST", "/v1/leave-requests", body);
  if (res.status === 201) expectSchema("LeaveRequest", res.body);
  return res;
}

/** Files and approves (as `approver`) a request; answers the approved request. */
async function approvedLeave(user: TestUser, approver: TestUser, body: LeaveBody) {
  const created = await requestLeave(user, body);
  expect(created.status).toBe(201);
  const approved = await call(server, approver.key, "POST", `/v1/leave-requests/${created.body.id}/approve`);
  expect(approved.status).toBe(200);
  return approved.body;
}

async function eventsOf(world: World) {
  return server.storage.db
    .selectFrom("events")
    .select(["type", "data", "employee_id", "resource_ids"])
    .where("organization_id", "=", world.organizationId)
    .where("type", "like", "leave.%")
    .orderBy("id")
    .execute();
}

async function countRows(world: World) {
  const [requests, events] = await Promise.all([
    server.storage.db
      .selectFrom("leave_requests")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", world.organizationId)
      .executeTakeFirstOrThrow(),
    server.storage.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", world.organizationId)
      .executeTakeFirstOrThrow(),
  ]);
  return { requests: Number(requests.n), events: Number(events.n) };
}

function expectProblem(res: Call, status: number, code: string, field?: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

async function balancesOf(user: TestUser, employeeId: string, year?: number) {
  const res = await call(
    server,
    user.key,
    "GET",
    `/v1/employees/${employeeId}/leave-balances${year ? `?year=${year}` : ""}`,
  );
  expect(res.status).toBe(200);
  expectSchema("LeaveBalanceList", res.body);
  return res.body.data;
}

describe("leave types", () => {
  it("lists the six types in the enum's order, by country, page by page", async () => {
    const world = await newWorld();
    const all = await call(server, world.employee.readKey, "GET", "/v1/leave-types");
    expect(all.status).toBe(200);
    expectSchema("LeaveTypeList", all.body);
    expect(all.body.data.map((t: { code: string }) => t.code)).toEqual([
      "vacation",
      "on_demand",
      "sick",
      "unpaid",
      "childcare",
      "other",
    ]);
    expect(all.body.data[2]).toMatchObject({ code: "sick", requires_approval: false, counts_against_balance: false });
    expect(all.body).toMatchObject({ has_more: false, next_cursor: null });

    const cz = await call(server, world.employee.key, "GET", "/v1/leave-types?country=CZ");
    expect(cz.body.data.map((t: { code: string }) => t.code)).toEqual([
      "vacation",
      "sick",
      "unpaid",
      "childcare",
      "other",
    ]);

    const first = await call(server, world.employee.key, "GET", "/v1/leave-types?limit=4");
    expect(first.body.data).toHaveLength(4);
    expect(first.body.has_more).toBe(true);
    const second = await call(server, world.employee.key, "GET", `/v1/leave-types?cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((t: { code: string }) => t.code)).toEqual(["childcare", "other"]);
    expect(second.body.next_cursor).toBeNull();

    expectProblem(
      await call(server, world.employee.key, "GET", "/v1/leave-types?cursor=bm9wZQ"),
      400,
      "invalid_cursor",
    );
    expectProblem(
      await call(server, world.employee.key, "GET", "/v1/leave-types?country=DE"),
      422,
      "validation_failed",
    );
  });
});

describe("leave requests", () => {
  it("requests, approves and cancels vacation, with an event for each step in the data's state", async () => {
    const world = await newWorld();
    const created = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-09",
      end_date: "2026-11-13",
      note: "Family trip to Zakopane.",
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^lv_[0-9A-Za-z]{16}$/),
      organization_id: world.organizationId,
      employee_id: world.employee.id,
      type: "vacation",
      status: "requested",
      start_date: "2026-11-09",
      end_date: "2026-11-13",
      half_day_start: false,
      half_day_end: false,
      // 11 November is Independence Day.
      days: 4,
      hours: 32,
      note: "Family trip to Zakopane.",
      decided_by: null,
      decided_at: null,
      decision_note: null,
      cancelled_at: null,
      created_at: T0,
      updated_at: T0,
    });
    const id = created.body.id;
    const requestedBalance = await balancesOf(world.employee, world.employee.id, 2026);
    expect(requestedBalance[0]).toMatchObject({ requested_days: 4, planned_days: 0, remaining_days: 22 });

    server.clock.set("2026-10-06T08:15:00.000Z");
    const approved = await call(server, world.manager.key, "POST", `/v1/leave-requests/${id}/approve`, {
      note: "Enjoy the mountains.",
    });
    expect(approved.status).toBe(200);
    expectSchema("LeaveRequest", approved.body);
    expect(approved.body).toEqual({
      ...created.body,
      status: "approved",
      decided_by: world.manager.id,
      decided_at: "2026-10-06T08:15:00.000Z",
      decision_note: "Enjoy the mountains.",
      updated_at: "2026-10-06T08:15:00.000Z",
    });
    const read = await call(server, world.employee.readKey, "GET", `/v1/leave-requests/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(approved.body);

    expect(await balancesOf(world.employee, world.employee.id, 2026)).toEqual([
      {
        employee_id: world.employee.id,
        type: "vacation",
        year: 2026,
        entitled_days: 26,
        carried_over_days: 0,
        used_days: 0,
        planned_days: 4,
        requested_days: 0,
        remaining_days: 22,
        on_demand_entitled_days: 4,
        on_demand_used_days: 0,
      },
      {
        employee_id: world.employee.id,
        type: "childcare",
        year: 2026,
        entitled_days: 2,
        carried_over_days: 0,
        used_days: 0,
        planned_days: 0,
        requested_days: 0,
        remaining_days: 2,
        on_demand_entitled_days: null,
        on_demand_used_days: null,
      },
    ]);

    server.clock.set("2026-10-20T13:05:00.000Z");
    const cancelled = await call(server, world.employee.key, "POST", `/v1/leave-requests/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({
      ...approved.body,
      status: "cancelled",
      cancelled_at: "2026-10-20T13:05:00.000Z",
      updated_at: "2026-10-20T13:05:00.000Z",
    });
    expect((await balancesOf(world.employee, world.employee.id, 2026))[0]).toMatchObject({
      planned_days: 0,
      remaining_days: 26,
    });

    const events = await eventsOf(world);
    expect(events.map((e) => e.type)).toEqual(["leave.requested", "leave.approved", "leave.cancelled"]);
    expect(events.map((e) => e.data)).toEqual([created.body, approved.body, cancelled.body]);
    for (const event of events) {
      expect(event.employee_id).toBe(world.employee.id);
      expect(event.resource_ids).toEqual([id, world.employee.id]);
    }
  });

  it("rejects a request with a reason, and cancels an undecided one", async () => {
    const world = await newWorld();
    const first = await requestLeave(world.employee, {
      type: "unpaid",
      start_date: "2026-11-16",
      end_date: "2026-11-17",
    });
    const rejected = await call(server, world.admin.key, "POST", `/v1/leave-requests/${first.body.id}/reject`, {
      reason: "The release is that week.",
    });
    expect(rejected.status).toBe(200);
    expectSchema("LeaveRequest", rejected.body);
    expect(rejected.body).toMatchObject({
      status: "rejected",
      decided_by: world.admin.id,
      decided_at: T0,
      decision_note: "The release is that week.",
      cancelled_at: null,
    });

    const second = await requestLeave(world.employee, {
      type: "other",
      start_date: "2026-11-16",
      end_date: "2026-11-16",
    });
    expect(second.status).toBe(201);
    const cancelled = await call(server, world.employee.key, "POST", `/v1/leave-requests/${second.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", decided_at: null, decided_by: null, cancelled_at: T0 });

    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${second.body.id}/reject`, {}),
      422,
      "validation_failed",
      "body.reason",
    );
    expect((await eventsOf(world)).map((e) => e.type)).toEqual([
      "leave.requested",
      "leave.rejected",
      "leave.requested",
      "leave.cancelled",
    ]);
  });

  it("records sick leave as approved at once, without decided_by, outside any balance", async () => {
    const world = await newWorld();
    const sick = await requestLeave(world.admin, {
      type: "sick",
      employee_id: world.employee.id,
      start_date: "2026-10-01",
      end_date: "2026-10-07",
      note: "e-ZLA issued by the doctor.",
    });
    expect(sick.status).toBe(201);
    expect(sick.body).toMatchObject({
      employee_id: world.employee.id,
      status: "approved",
      days: 5,
      hours: 40,
      decided_by: null,
      decided_at: T0,
      decision_note: null,
    });
    const events = await eventsOf(world);
    expect(events.map((e) => e.type)).toEqual(["leave.requested", "leave.approved"]);
    expect(events.map((e) => e.data)).toEqual([sick.body, sick.body]);
    expect((await balancesOf(world.employee, world.employee.id))[0]).toMatchObject({
      year: 2026,
      used_days: 0,
      planned_days: 0,
      remaining_days: 26,
    });
    // Approved at once: there is nothing left to decide.
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${sick.body.id}/approve`),
      409,
      "invalid_state",
    );
  });

  it("counts half days and the employee's daily norm", async () => {
    const world = await newWorld();
    const half = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-09",
      end_date: "2026-11-13",
      half_day_start: true,
      half_day_end: true,
    });
    expect(half.body).toMatchObject({ days: 3, hours: 24, half_day_start: true, half_day_end: true });

    const patched = await call(server, world.admin.key, "PATCH", `/v1/employees/${world.colleague.id}`, {
      weekly_hours_norm: 20,
    });
    expect(patched.status).toBe(200);
    const partTime = await requestLeave(world.colleague, {
      type: "vacation",
      start_date: "2026-11-12",
      end_date: "2026-11-13",
      half_day_end: true,
    });
    expect(partTime.body).toMatchObject({ days: 1.5, hours: 6 });
    // Part-time: half of 26 days.
    expect((await balancesOf(world.colleague, world.colleague.id))[0]).toMatchObject({
      entitled_days: 13,
      requested_days: 1.5,
      remaining_days: 11.5,
    });
  });

  it("lets employees request only for themselves, managers for their reports, admins for anyone", async () => {
    const world = await newWorld();
    const body = { type: "vacation", start_date: "2026-11-16", end_date: "2026-11-16" };
    expectProblem(await requestLeave(world.employee, { ...body, employee_id: world.colleague.id }), 403, "forbidden");
    expectProblem(await requestLeave(world.manager, { ...body, employee_id: world.outsider.id }), 403, "forbidden");
    expectProblem(
      await call(server, world.employee.readKey, "POST", "/v1/leave-requests", body),
      403,
      "insufficient_scope",
    );
    const forReport = await requestLeave(world.manager, { ...body, employee_id: world.colleague.id });
    expect(forReport.status).toBe(201);
    expect(forReport.body.employee_id).toBe(world.colleague.id);
    const forSelf = await requestLeave(world.employee, { ...body, employee_id: world.employee.id });
    expect(forSelf.body.employee_id).toBe(world.employee.id);
    const byAdmin = await requestLeave(world.admin, { ...body, employee_id: world.outsider.id });
    expect(byAdmin.body.employee_id).toBe(world.outsider.id);

    const other = await newWorld();
    expectProblem(
      await requestLeave(world.admin, { ...body, employee_id: other.employee.id }),
      422,
      "validation_failed",
      "body.employee_id",
    );
    expectProblem(
      await requestLeave(world.admin, { ...body, employee_id: "emp_0000000000000000" }),
      422,
      "validation_failed",
      "body.employee_id",
    );
  });

  it("refuses leave for a deactivated employee with 409 invalid_state", async () => {
    const world = await newWorld();
    const deactivated = await call(server, world.admin.key, "POST", `/v1/employees/${world.outsider.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    const before = await countRows(world);
    expectProblem(
      await requestLeave(world.admin, {
        type: "vacation",
        employee_id: world.outsider.id,
        start_date: "2026-11-16",
        end_date: "2026-11-16",
      }),
      409,
      "invalid_state",
    );
    expect(await countRows(world)).toEqual(before);
  });

  it("validates the dates, the half days and the type with field errors", async () => {
    const world = await newWorld();
    const cases: [LeaveBody | Record<string, unknown>, string][] = [
      [{ type: "vacation", start_date: "2026-11-13", end_date: "2026-11-09" }, "body.end_date"],
      [{ type: "unpaid", start_date: "2026-01-01", end_date: "2027-01-02" }, "body.end_date"],
      [
        {
          type: "vacation",
          start_date: "2026-11-10",
          end_date: "2026-11-10",
          half_day_start: true,
          half_day_end: true,
        },
        "body.half_day_end",
      ],
      [{ type: "vacation", start_date: "2026-11-14", end_date: "2026-11-15" }, "body.start_date"],
      [{ type: "vacation", start_date: "2026-11-11", end_date: "2026-11-11" }, "body.start_date"],
      [{ type: "holiday", start_date: "2026-11-09", end_date: "2026-11-09" }, "body.type"],
      [{ type: "vacation", start_date: "2026-02-30", end_date: "2026-03-02" }, "body.start_date"],
      [{ type: "vacation", end_date: "2026-03-02" }, "body.start_date"],
      [{ type: "vacation", start_date: "2026-03-02", end_date: "2026-03-02", days: 1 }, "body.days"],
    ];
    for (const [body, field] of cases) {
      const res = await call(server, world.employee.key, "POST", "/v1/leave-requests", body);
      expectProblem(res, 422, "validation_failed", field);
    }
    // A whole leap year is 366 days: allowed.
    const year = await requestLeave(world.admin, {
      type: "unpaid",
      employee_id: world.outsider.id,
      start_date: "2028-01-01",
      end_date: "2028-12-31",
    });
    expect(year.status).toBe(201);

    const cz = await newWorld("CZ");
    expectProblem(
      await requestLeave(cz.employee, { type: "on_demand", start_date: "2026-11-09", end_date: "2026-11-09" }),
      422,
      "validation_failed",
      "body.type",
    );
    expect(await countRows(world)).toMatchObject({ requests: 1 });
  });

  it("refuses overlapping requested or approved leave with 409 leave_overlap, writing nothing", async () => {
    const world = await newWorld();
    const first = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-09",
      end_date: "2026-11-13",
    });
    const before = await countRows(world);
    for (const [start, end] of [
      ["2026-11-12", "2026-11-16"],
      ["2026-11-02", "2026-11-09"],
      ["2026-11-10", "2026-11-10"],
      ["2026-11-01", "2026-11-30"],
    ] as const) {
      const res = await requestLeave(world.employee, { type: "unpaid", start_date: start, end_date: end });
      expectProblem(res, 409, "leave_overlap");
    }
    // Sick leave too, even entered by an admin.
    expectProblem(
      await requestLeave(world.admin, {
        type: "sick",
        employee_id: world.employee.id,
        start_date: "2026-11-13",
        end_date: "2026-11-13",
      }),
      409,
      "leave_overlap",
    );
    expect(await countRows(world)).toEqual(before);

    // Other employees and touching dates are fine.
    expect(
      (await requestLeave(world.colleague, { type: "vacation", start_date: "2026-11-09", end_date: "2026-11-13" }))
        .status,
    ).toBe(201);
    expect(
      (await requestLeave(world.employee, { type: "vacation", start_date: "2026-11-16", end_date: "2026-11-16" }))
        .status,
    ).toBe(201);

    // Rejected (or cancelled) leave frees its dates.
    await call(server, world.manager.key, "POST", `/v1/leave-requests/${first.body.id}/reject`, { reason: "No." });
    expect(
      (await requestLeave(world.employee, { type: "vacation", start_date: "2026-11-12", end_date: "2026-11-13" }))
        .status,
    ).toBe(201);
  });

  it("lets a morning half and an afternoon half of the same day coexist", async () => {
    const world = await newWorld();
    const morning = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-10-19",
      end_date: "2026-10-21",
      half_day_end: true,
    });
    expect(morning.body.days).toBe(2.5);
    const afternoon = await requestLeave(world.employee, {
      type: "other",
      start_date: "2026-10-21",
      end_date: "2026-10-22",
      half_day_start: true,
    });
    expect(afternoon.status).toBe(201);
    expect(afternoon.body.days).toBe(1.5);
    expectProblem(
      await requestLeave(world.employee, { type: "unpaid", start_date: "2026-10-21", end_date: "2026-10-21" }),
      409,
      "leave_overlap",
    );
    expectProblem(
      await requestLeave(world.employee, {
        type: "unpaid",
        start_date: "2026-10-22",
        end_date: "2026-10-23",
        half_day_start: true,
      }),
      409,
      "leave_overlap",
    );
  });

  it("serializes concurrent requests of one employee: exactly one of two overlapping requests wins", async () => {
    const world = await newWorld();
    const body = { type: "vacation", start_date: "2026-12-07", end_date: "2026-12-11" };
    const results = await Promise.all([
      requestLeave(world.employee, body),
      requestLeave(world.manager, { ...body, employee_id: world.employee.id }),
      requestLeave(world.admin, { ...body, employee_id: world.employee.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await countRows(world)).toMatchObject({ requests: 1 });
  });

  it("refuses days beyond the remaining balance with 422 on body.end_date", async () => {
    const world = await newWorld();
    const settings = await call(server, world.admin.key, "PATCH", "/v1/organization", {
      leave: { annual_days: 6, on_demand_days: 2 },
    });
    expect(settings.status).toBe(200);
    await approvedLeave(world.employee, world.manager, {
      type: "vacation",
      start_date: "2026-10-12",
      end_date: "2026-10-15",
    });
    const before = await countRows(world);
    // 4 planned of 6: two days are left; pending requests count too.
    expectProblem(
      await requestLeave(world.employee, { type: "vacation", start_date: "2026-11-02", end_date: "2026-11-04" }),
      422,
      "validation_failed",
      "body.end_date",
    );
    expect(await countRows(world)).toEqual(before);
    const one = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-02",
      end_date: "2026-11-02",
    });
    expect(one.status).toBe(201);
    expectProblem(
      await requestLeave(world.employee, { type: "on_demand", start_date: "2026-11-03", end_date: "2026-11-04" }),
      422,
      "validation_failed",
      "body.end_date",
    );
    expect(
      (await requestLeave(world.employee, { type: "on_demand", start_date: "2026-11-03", end_date: "2026-11-03" }))
        .status,
    ).toBe(201);
    expect((await balancesOf(world.employee, world.employee.id))[0]).toMatchObject({
      entitled_days: 6,
      on_demand_entitled_days: 2,
      planned_days: 4,
      requested_days: 2,
      remaining_days: 0,
    });

    // On-demand days are capped on their own, within the vacation balance.
    await approvedLeave(world.colleague, world.manager, {
      type: "on_demand",
      start_date: "2026-10-12",
      end_date: "2026-10-12",
    });
    expectProblem(
      await requestLeave(world.colleague, { type: "on_demand", start_date: "2026-10-19", end_date: "2026-10-20" }),
      422,
      "validation_failed",
      "body.end_date",
    );
    expect((await balancesOf(world.colleague, world.colleague.id))[0]).toMatchObject({
      on_demand_used_days: 1,
      planned_days: 1,
      remaining_days: 5,
    });

    // PL childcare: 2 days a year.
    expectProblem(
      await requestLeave(world.employee, { type: "childcare", start_date: "2026-12-01", end_date: "2026-12-03" }),
      422,
      "validation_failed",
      "body.end_date",
    );
    expect(
      (await requestLeave(world.employee, { type: "childcare", start_date: "2026-12-01", end_date: "2026-12-02" }))
        .status,
    ).toBe(201);
    // Types without a balance are not limited.
    expect(
      (await requestLeave(world.employee, { type: "unpaid", start_date: "2026-12-07", end_date: "2026-12-18" })).status,
    ).toBe(201);
  });

  it("has no childcare allowance in Czechia and 20 vacation days by default", async () => {
    const world = await newWorld("CZ");
    const childcare = await requestLeave(world.employee, {
      type: "childcare",
      start_date: "2026-11-16",
      end_date: "2026-11-20",
    });
    expect(childcare.status).toBe(201);
    // 17 November is a Czech public holiday.
    expect(childcare.body).toMatchObject({ days: 4, hours: 32 });
    expect(await balancesOf(world.employee, world.employee.id)).toEqual([
      {
        employee_id: world.employee.id,
        type: "vacation",
        year: 2026,
        entitled_days: 20,
        carried_over_days: 0,
        used_days: 0,
        planned_days: 0,
        requested_days: 0,
        remaining_days: 20,
        on_demand_entitled_days: null,
        on_demand_used_days: null,
      },
    ]);
  });

  it("lets the employee's manager or an admin decide, never a manager their own request", async () => {
    const world = await newWorld();
    const body = { type: "vacation", start_date: "2026-11-16", end_date: "2026-11-17" };
    const own = await requestLeave(world.manager, body);
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${own.body.id}/approve`),
      403,
      "forbidden",
    );
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${own.body.id}/reject`, { reason: "x" }),
      403,
      "forbidden",
    );
    const byAdmin = await call(server, world.admin.key, "POST", `/v1/leave-requests/${own.body.id}/approve`);
    expect(byAdmin.body).toMatchObject({ status: "approved", decided_by: world.admin.id, decision_note: null });

    const outsiders = await requestLeave(world.outsider, body);
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${outsiders.body.id}/approve`),
      404,
      "not_found",
    );
    const mine = await requestLeave(world.employee, body);
    expectProblem(
      await call(server, world.employee.key, "POST", `/v1/leave-requests/${mine.body.id}/approve`),
      403,
      "forbidden",
    );
    expectProblem(
      await call(server, world.manager.readKey, "POST", `/v1/leave-requests/${mine.body.id}/approve`),
      403,
      "insufficient_scope",
    );
    const other = await newWorld();
    expectProblem(
      await call(server, other.admin.key, "POST", `/v1/leave-requests/${mine.body.id}/approve`),
      404,
      "not_found",
    );
    expectProblem(
      await call(server, world.admin.key, "POST", "/v1/leave-requests/lv_0000000000000000/reject", { reason: "x" }),
      404,
      "not_found",
    );
    const still = await call(server, world.employee.key, "GET", `/v1/leave-requests/${mine.body.id}`);
    expect(still.body.status).toBe("requested");
  });

  it("answers 409 invalid_state for every transition the state machine does not allow", async () => {
    const world = await newWorld();
    const approve = (id: string) => call(server, world.manager.key, "POST", `/v1/leave-requests/${id}/approve`);
    const reject = (id: string) =>
      call(server, world.manager.key, "POST", `/v1/leave-requests/${id}/reject`, { reason: "No." });
    const cancel = (id: string, user: TestUser = world.employee) =>
      call(server, user.key, "POST", `/v1/leave-requests/${id}/cancel`);

    const approved = await approvedLeave(world.employee, world.manager, {
      type: "vacation",
      start_date: "2026-11-16",
      end_date: "2026-11-16",
    });
    expectProblem(await approve(approved.id), 409, "invalid_state");
    expectProblem(await reject(approved.id), 409, "invalid_state");

    const rejected = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-17",
      end_date: "2026-11-17",
    });
    await reject(rejected.body.id);
    expectProblem(await approve(rejected.body.id), 409, "invalid_state");
    expectProblem(await reject(rejected.body.id), 409, "invalid_state");
    expectProblem(await cancel(rejected.body.id), 409, "invalid_state");
    expectProblem(await cancel(rejected.body.id, world.admin), 409, "invalid_state");

    await cancel(approved.id);
    expectProblem(await approve(approved.id), 409, "invalid_state");
    expectProblem(await reject(approved.id), 409, "invalid_state");
    expectProblem(await cancel(approved.id), 409, "invalid_state");
    expectProblem(await cancel(approved.id, world.admin), 409, "invalid_state");
    expect((await eventsOf(world)).map((e) => e.type)).toEqual([
      "leave.requested",
      "leave.approved",
      "leave.requested",
      "leave.rejected",
      "leave.cancelled",
    ]);
  });

  it("lets the employee cancel approved leave only before it starts; admins at any time", async () => {
    const world = await newWorld();
    const leave = await approvedLeave(world.employee, world.manager, {
      type: "vacation",
      start_date: "2026-10-12",
      end_date: "2026-10-16",
    });
    // 23:30 on Sunday in Warsaw: leave that starts on Monday can still be cancelled.
    server.clock.set("2026-10-11T21:30:00.000Z");
    const colleagueLeave = await approvedLeave(world.colleague, world.manager, {
      type: "vacation",
      start_date: "2026-10-12",
      end_date: "2026-10-12",
    });
    expect(
      (await call(server, world.colleague.key, "POST", `/v1/leave-requests/${colleagueLeave.id}/cancel`)).status,
    ).toBe(200);
    // Monday 00:30 in Warsaw: the leave has started.
    server.clock.set("2026-10-11T22:30:00.000Z");
    expectProblem(
      await call(server, world.employee.key, "POST", `/v1/leave-requests/${leave.id}/cancel`),
      409,
      "invalid_state",
    );
    // The manager sees the request but may not cancel it.
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${leave.id}/cancel`),
      403,
      "forbidden",
    );
    // Another employee may not even see it.
    expectProblem(
      await call(server, world.colleague.key, "POST", `/v1/leave-requests/${leave.id}/cancel`),
      404,
      "not_found",
    );
    const byAdmin = await call(server, world.admin.key, "POST", `/v1/leave-requests/${leave.id}/cancel`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ status: "cancelled", cancelled_at: "2026-10-11T22:30:00.000Z" });
  });

  it("lets a manager cancel their own request but not a report's pending one", async () => {
    const world = await newWorld();
    const own = await requestLeave(world.manager, {
      type: "vacation",
      start_date: "2026-11-16",
      end_date: "2026-11-16",
    });
    expect((await call(server, world.manager.key, "POST", `/v1/leave-requests/${own.body.id}/cancel`)).status).toBe(
      200,
    );
    const report = await requestLeave(world.employee, {
      type: "vacation",
      start_date: "2026-11-16",
      end_date: "2026-11-16",
    });
    expectProblem(
      await call(server, world.manager.key, "POST", `/v1/leave-requests/${report.body.id}/cancel`),
      403,
      "forbidden",
    );
    expectProblem(
      await call(server, world.employee.readKey, "POST", `/v1/leave-requests/${report.body.id}/cancel`),
      403,
      "insufficient_scope",
    );
  });

  it("shows each caller only the requests they may see, and 404 for others", async () => {
    const world = await newWorld();
    const body = { type: "vacation", start_date: "2026-11-16", end_date: "2026-11-16" };
    const mine = await requestLeave(world.employee, body);
    const colleagues = await requestLeave(world.colleague, body);
    const managers = await requestLeave(world.manager, body);
    const outsiders = await requestLeave(world.outsider, body);
    const get = (user: TestUser, id: string) => call(server, user.readKey, "GET", `/v1/leave-requests/${id}`);

    expect((await get(world.employee, mine.body.id)).status).toBe(200);
    expectProblem(await get(world.employee, colleagues.body.id), 404, "not_found");
    expectProblem(await get(world.employee, managers.body.id), 404, "not_found");
    expect((await get(world.manager, colleagues.body.id)).status).toBe(200);
    expect((await get(world.manager, managers.body.id)).status).toBe(200);
    expectProblem(await get(world.manager, outsiders.body.id), 404, "not_found");
    expect((await get(world.admin, outsiders.body.id)).status).toBe(200);
    const other = await newWorld();
    expectProblem(await get(other.admin, mine.body.id), 404, "not_found");
    expectProblem(await get(world.admin, "lv_0000000000000000"), 404, "not_found");

    const list = async (user: TestUser, query = "") => {
      const res = await call(server, user.readKey, "GET", `/v1/leave-requests${query}`);
      expect(res.status).toBe(200);
      expectSchema("LeaveRequestList", res.body);
      return res.body.data.map((r: { employee_id: string }) => r.employee_id).sort();
    };
    expect(await list(world.employee)).toEqual([world.employee.id]);
    expect(await list(world.manager)).toEqual([world.employee.id, world.colleague.id, world.manager.id].sort());
    expect(await list(world.admin)).toHaveLength(4);
    expect(await list(world.manager, `?employee_id=${world.outsider.id}`)).toEqual([]);
    expect(await list(world.employee, `?employee_id=${world.colleague.id}`)).toEqual([]);
    expect(await list(world.admin, `?employee_id=${world.outsider.id}`)).toEqual([world.outsider.id]);
    expect(await list(other.admin)).toEqual([]);
  });

  it("filters by state, type and overlapping period, latest start first, page by page", async () => {
    const world = await newWorld();
    const periods: [string, string, string][] = [
      ["vacation", "2026-10-26", "2026-10-30"],
      ["unpaid", "2026-11-02", "2026-11-03"],
      ["vacation", "2026-11-30", "2026-12-02"],
      ["other", "2026-12-14", "2026-12-14"],
      ["vacation", "2026-11-16", "2026-11-20"],
    ];
    const ids: string[] = [];
    for (const [type, start_date, end_date] of periods) {
      const res = await requestLeave(world.employee, { type, start_date, end_date });
      ids.push(res.body.id);
    }
    await call(server, world.manager.key, "POST", `/v1/leave-requests/${ids[4]}/approve`);
    const starts = async (query: string) => {
      const res = await call(server, world.manager.key, "GET", `/v1/leave-requests${query}`);
      expect(res.status).toBe(200);
      return res.body.data.map((r: { start_date: string }) => r.start_date);
    };
    expect(await starts("")).toEqual(["2026-12-14", "2026-11-30", "2026-11-16", "2026-11-02", "2026-10-26"]);
    expect(await starts("?from=2026-11-01&to=2026-11-30")).toEqual(["2026-11-30", "2026-11-16", "2026-11-02"]);
    expect(await starts("?from=2026-10-30&to=2026-10-30")).toEqual(["2026-10-26"]);
    expect(await starts("?type=vacation")).toEqual(["2026-11-30", "2026-11-16", "2026-10-26"]);
    expect(await starts("?status=approved")).toEqual(["2026-11-16"]);
    expect(await starts("?status=requested&type=vacation")).toEqual(["2026-11-30", "2026-10-26"]);
    expect(await starts("?status=cancelled")).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/leave-requests?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.employee.key, "GET", url);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((r: { start_date: string }) => r.start_date));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(["2026-12-14", "2026-11-30", "2026-11-16", "2026-11-02", "2026-10-26"]);

    expectProblem(
      await call(server, world.employee.key, "GET", "/v1/leave-requests?cursor=xyz"),
      400,
      "invalid_cursor",
    );
    const forged = Buffer.from(JSON.stringify(["not a date", "lv_x"])).toString("base64url");
    expectProblem(
      await call(server, world.employee.key, "GET", `/v1/leave-requests?cursor=${forged}`),
      400,
      "invalid_cursor",
    );
    expectProblem(
      await call(server, world.employee.key, "GET", "/v1/leave-requests?status=pending"),
      422,
      "validation_failed",
      "query.status",
    );
  });
});

describe("leave balances", () => {
  it("splits approved leave into used and planned, counts each year's part, carries unused days over", async () => {
    const world = await newWorld();
    await approvedLeave(world.employee, world.manager, {
      type: "vacation",
      start_date: "2026-10-12",
      end_date: "2026-10-16",
    });
    const newYear = await approvedLeave(world.employee, world.manager, {
      type: "vacation",
      start_date: "2026-12-28",
      end_date: "2027-01-08",
    });
    expect(newYear.days).toBe(8);
    await approvedLeave(world.employee, world.admin, {
      type: "on_demand",
      start_date: "2026-11-02",
      end_date: "2026-11-02",
    });
    await requestLeave(world.employee, { type: "vacation", start_date: "2026-11-23", end_date: "2026-11-24" });
    await requestLeave(world.employee, { type: "childcare", start_date: "2026-11-05", end_date: "2026-11-05" });
    await approvedLeave(world.employee, world.manager, {
      type: "unpaid",
      start_date: "2026-11-09",
      end_date: "2026-11-10",
    });

    // Wednesday 14 October: Monday and Tuesday of the first leave have passed.
    server.clock.set("2026-10-14T10:00:00.000Z");
    const [vacation, childcare] = await balancesOf(world.employee, world.employee.id);
    expect(vacation).toEqual({
      employee_id: world.employee.id,
      type: "vacation",
      year: 2026,
      entitled_days: 26,
      carried_over_days: 0,
      used_days: 2,
      planned_days: 3 + 4 + 1,
      requested_days: 2,
      remaining_days: 14,
      on_demand_entitled_days: 4,
      on_demand_used_days: 1,
    });
    expect(childcare).toMatchObject({ type: "childcare", requested_days: 1, remaining_days: 1 });

    const [next] = await balancesOf(world.employee, world.employee.id, 2027);
    expect(next).toMatchObject({
      year: 2027,
      entitled_days: 26,
      carried_over_days: 14,
      used_days: 0,
      planned_days: 4,
      requested_days: 0,
      remaining_days: 36,
      on_demand_used_days: 0,
    });

    // A year later everything approved in 2026 has passed.
    server.clock.set("2027-01-05T10:00:00.000Z");
    const [later] = await balancesOf(world.manager, world.employee.id, 2026);
    expect(later).toMatchObject({ used_days: 10, planned_days: 0, requested_days: 2, remaining_days: 14 });
    const [current] = await balancesOf(world.manager, world.employee.id);
    expect(current).toMatchObject({
      year: 2027,
      used_days: 1,
      planned_days: 3,
      carried_over_days: 14,
      remaining_days: 36,
    });
  });

  it("lists the balances the caller may see, by employee name and type, page by page", async () => {
    const world = await newWorld();
    const list = async (user: TestUser, query = "") => {
      const res = await call(server, user.readKey, "GET", `/v1/leave-balances${query}`);
      expect(res.status).toBe(200);
      expectSchema("LeaveBalanceList", res.body);
      return res.body.data.map((b: { employee_id: string; type: string }) => `${b.employee_id}/${b.type}`);
    };
    const both = (u: TestUser) => [`${u.id}/vacation`, `${u.id}/childcare`];
    // Anna Admin, Cyril Colleague, Ewa Employee, Marek Manager, Olga Outsider.
    const everyone = [world.admin, world.colleague, world.employee, world.manager, world.outsider].flatMap(both);
    expect(await list(world.admin)).toEqual(everyone);
    expect(await list(world.admin, "?year=2026")).toEqual(everyone);
    expect(await list(world.manager)).toEqual([world.colleague, world.employee, world.manager].flatMap(both));
    expect(await list(world.employee)).toEqual(both(world.employee));
    expect(await list(world.employee, `?employee_id=${world.colleague.id}`)).toEqual([]);
    expect(await list(world.manager, `?employee_id=${world.outsider.id}`)).toEqual([]);
    expect(await list(world.admin, `?employee_id=${world.outsider.id}`)).toEqual(both(world.outsider));
    expect(await list(world.admin, "?type=childcare")).toEqual(everyone.filter((e) => e.endsWith("/childcare")));
    expect(await list(world.admin, "?type=sick")).toEqual([]);

    for (const limit of [1, 3, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/leave-balances?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await call(server, world.admin.key, "GET", url);
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.body.data.map((b: { employee_id: string; type: string }) => `${b.employee_id}/${b.type}`));
        cursor = page.body.next_cursor;
        expect(page.body.has_more).toBe(cursor !== null);
      } while (cursor);
      expect(seen).toEqual(everyone);
    }
    expectProblem(await call(server, world.admin.key, "GET", "/v1/leave-balances?cursor=xyz"), 400, "invalid_cursor");
    expectProblem(
      await call(server, world.admin.key, "GET", "/v1/leave-balances?year=1999"),
      422,
      "validation_failed",
      "query.year",
    );
  });

  it("prorates the year an employee left and leaves them out of later years", async () => {
    const world = await newWorld();
    const left = await call(server, world.admin.key, "POST", `/v1/employees/${world.outsider.id}/deactivate`);
    expect(left.status).toBe(200);
    // Left in October: 10 of 12 months of 26 days, rounded up.
    expect((await balancesOf(world.admin, world.outsider.id, 2026))[0]).toMatchObject({ entitled_days: 22 });
    expect((await balancesOf(world.admin, world.outsider.id, 2027))[0]).toMatchObject({
      entitled_days: 0,
      carried_over_days: 0,
      remaining_days: 0,
    });
    const res = await call(server, world.admin.key, "GET", "/v1/leave-balances?year=2027&type=vacation");
    expect(res.body.data.map((b: { employee_id: string }) => b.employee_id)).not.toContain(world.outsider.id);
    expect(res.body.data).toHaveLength(4);
    const thisYear = await call(server, world.admin.key, "GET", "/v1/leave-balances?year=2026&type=vacation");
    expect(thisYear.body.data.map((b: { employee_id: string }) => b.employee_id)).toContain(world.outsider.id);
  });

  it("answers 404 for an employee's balances the caller may not see", async () => {
    const world = await newWorld();
    expect(await balancesOf(world.manager, world.employee.id)).toHaveLength(2);
    expect(await balancesOf(world.manager, world.manager.id)).toHaveLength(2);
    const get = (user: TestUser, id: string) => call(server, user.readKey, "GET", `/v1/employees/${id}/leave-balances`);
    expectProblem(await get(world.manager, world.outsider.id), 404, "not_found");
    expectProblem(await get(world.employee, world.colleague.id), 404, "not_found");
    expectProblem(await get(world.employee, world.manager.id), 404, "not_found");
    expectProblem(await get(world.admin, "emp_0000000000000000"), 404, "not_found");
    const other = await newWorld();
    expectProblem(await get(other.admin, world.employee.id), 404, "not_found");

    const first = await call(
      server,
      world.employee.key,
      "GET",
      `/v1/employees/${world.employee.id}/leave-balances?limit=1`,
    );
    expect(first.body.data.map((b: { type: string }) => b.type)).toEqual(["vacation"]);
    const second = await call(
      server,
      world.employee.key,
      "GET",
      `/v1/employees/${world.employee.id}/leave-balances?limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data.map((b: { type: string }) => b.type)).toEqual(["childcare"]);
  });

  it("computes entitlements pro rata, with carry-over from the year the employee was added", () => {
    const policy: BalancePolicy = { weeklyHoursNorm: 40, annualDays: 26, onDemandDays: 4 };
    const subject: BalanceSubject = {
      id: "emp_1",
      country: "PL",
      time_zone: "Europe/Warsaw",
      weekly_hours_norm: 30,
      created_at: new Date("2025-03-01T00:00:00Z"),
      deactivated_at: null,
    };
    const leave = [
      {
        type: "vacation",
        status: "approved",
        start_date: "2025-07-07",
        end_date: "2025-07-11",
        half_day_start: false,
        half_day_end: false,
        days: 5,
      },
      {
        type: "vacation",
        status: "rejected",
        start_date: "2025-08-04",
        end_date: "2025-08-08",
        half_day_start: false,
        half_day_end: false,
        days: 5,
      },
    ];
    // 3/4 time: 19.5 days, rounded up to 20; 15 unused days of 2025 carry into 2026.
    const [vacation2026] = computeBalances(subject, policy, leave, 2026, "2026-10-05");
    expect(vacation2026).toMatchObject({ entitled_days: 20, carried_over_days: 15, remaining_days: 35 });
    // Nothing carries into the year the employee was added.
    const [vacation2025] = computeBalances(subject, policy, leave, 2025, "2026-10-05");
    expect(vacation2025).toMatchObject({ carried_over_days: 0, used_days: 5, remaining_days: 15 });
    // Left on 1 February 2027 (Warsaw): 2 months of 20 days, rounded up.
    const leaving = { ...subject, deactivated_at: new Date("2027-01-31T23:30:00Z") };
    expect(computeBalances(leaving, policy, leave, 2027, "2027-02-01")[0]).toMatchObject({ entitled_days: 4 });
  });
});
