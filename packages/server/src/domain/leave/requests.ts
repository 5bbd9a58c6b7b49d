import type { components } from "@timecard/sdk";
import { ApiProblem, forbidden, invalidField, invalidState, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import { newId } from "../../ids.js";
import type { EmployeeRow, LeaveRequestRow } from "../../storage/schema.js";
import { type DomainContext, inTransaction } from "../actor.js";
import { recordEvent } from "../events.js";
import { balanceShortfall, canSeeLeaveOf, loadCountedLeave, loadPolicy } from "./balances.js";
import { type LeaveType, leaveTypeDefinition, leaveTypeExistsIn } from "./types.js";
import { calendarDays, type LeavePeriod, localDate, workingDays } from "./working-days.js";

type LeaveRequest = components["schemas"]["LeaveRequest"];
type LeaveRequestCreate = components["schemas"]["LeaveRequestCreate"];
type LeaveStatus = components["schemas"]["LeaveStatus"];

/** The longest period one request may cover, in calendar days. */
const MAX_CALENDAR_DAYS = 366;

/** The API shape of a leave request. */
export function toLeaveRequest(row: LeaveRequestRow): LeaveRequest {
  return {
    id: row.id,
    organization_id: row.organization_id,
    employee_id: row.employee_id,
    type: row.type as LeaveType,
    status: row.status,
    start_date: row.start_date,
    end_date: row.end_date,
    half_day_start: row.half_day_start,
    half_day_end: row.half_day_end,
    days: row.days,
    hours: row.hours,
    note: row.note,
    decided_by: row.decided_by,
    decided_at: row.decided_at?.toISOString() ?? null,
    decision_note: row.decision_note,
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The working hours of `days` of leave: the employee's daily norm is their weekly norm over five days. */
export function leaveHours(days: number, weeklyHoursNorm: number): number {
  return Math.round(((days * weeklyHoursNorm) / 5) * 100) / 100;
}

async function recordLeaveEvent(ctx: DomainContext, type: string, request: LeaveRequest, now: Date): Promise<void> {
  await recordEvent(ctx.db, {
    organizationId: request.organization_id,
    type,
    data: request,
    employeeId: request.employee_id,
    resourceIds: [request.id, request.employee_id],
    now,
  });
}

/** The request with this id and its employee, when the caller may see it; 404 otherwise. */
async function findVisibleRequest(
  ctx: DomainContext,
  id: string,
  { forUpdate = false } = {},
): Promise<{ row: LeaveRequestRow; employee: EmployeeRow }> {
  let query = ctx.db
    .selectFrom("leave_requests")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("leave request", id);
  const employee = await ctx.db
    .selectFrom("employees")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", row.employee_id)
    .executeTakeFirstOrThrow();
  if (!canSeeLeaveOf(ctx, employee)) throw notFound("leave request", id);
  return { row, employee };
}

/** Returns one leave request the caller may see. */
export async function getLeaveRequest(ctx: DomainContext, id: string): Promise<LeaveRequest> {
  return toLeaveRequest((await findVisibleRequest(ctx, id)).row);
}

/** Lists the leave requests the caller may see, latest `start_date` first. */
export async function listLeaveRequests(
  ctx: DomainContext,
  query: {
    limit?: number;
    cursor?: string;
    employee_id?: string;
    status?: LeaveStatus;
    type?: LeaveType;
    from?: string;
    to?: string;
  },
): Promise<Page<LeaveRequest>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  if (after && !/^\d{4}-\d{2}-\d{2}$/.test(after[0])) {
    throw new ApiProblem(
      400,
      "invalid_cursor",
      "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
    );
  }
  const { actor } = ctx;
  let q = ctx.db.selectFrom("leave_requests").selectAll().where("organization_id", "=", actor.organizationId);
  if (actor.role === "employee") q = q.where("employee_id", "=", actor.employeeId);
  if (actor.role === "manager") {
    q = q.where((eb) =>
      eb.or([
        eb("employee_id", "=", actor.employeeId),
        eb(
          "employee_id",
          "in",
          eb
            .selectFrom("employees")
            .select("employees.id")
            .where("employees.organization_id", "=", actor.organizationId)
            .where("employees.manager_id", "=", actor.employeeId),
        ),
      ]),
    );
  }
  if (query.employee_id) q = q.where("employee_id", "=", query.employee_id);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.type) q = q.where("type", "=", query.type);
  if (query.from) q = q.where("end_date", ">=", query.from);
  if (query.to) q = q.where("start_date", "<=", query.to);
  if (after) {
    const [start, id] = after;
    q = q.where((eb) =>
      eb.or([eb("start_date", "<", start), eb.and([eb("start_date", "=", start), eb("id", "<", id)])]),
    );
  }
  const rows = await q
    .orderBy("start_date", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.start_date, r.id], toLeaveRequest);
}

/** Whether two periods share a working moment: touching half days (morning of one, afternoon of the other) do not. */
function periodsOverlap(a: LeavePeriod, b: LeavePeriod): boolean {
  if (a.start > b.end || b.start > a.end) return false;
  if (a.end === b.start && a.halfDayEnd && b.halfDayStart) return false;
  if (b.end === a.start && b.halfDayEnd && a.halfDayStart) return false;
  return true;
}

function periodOfRow(row: Pick<LeaveRequestRow, "start_date" | "end_date" | "half_day_start" | "half_day_end">) {
  return { start: row.start_date, end: row.end_date, halfDayStart: row.half_day_start, halfDayEnd: row.half_day_end };
}

/**
 * Files a leave request for the caller or (managers, admins) for someone they may request for.
 * Sick leave is approved at once. Emits `leave.requested` (and `leave.approved`).
 * Requests of one employee are serialized by locking the employee's row.
 */
export async function createLeaveRequest(ctx: DomainContext, body: LeaveRequestCreate): Promise<LeaveRequest> {
  const { actor } = ctx;
  const employeeId = body.employee_id ?? actor.employeeId;
  const period: LeavePeriod = {
    start: body.start_date,
    end: body.end_date,
    halfDayStart: body.half_day_start ?? false,
    halfDayEnd: body.half_day_end ?? false,
  };
  if (period.end < period.start) throw invalidField("body.end_date", "must be on or after start_date");
  if (calendarDays(period.start, period.end) > MAX_CALENDAR_DAYS) {
    throw invalidField("body.end_date", `must be at most ${MAX_CALENDAR_DAYS} days after start_date`);
  }
  if (period.start === period.end && period.halfDayStart && period.halfDayEnd) {
    throw invalidField("body.half_day_end", "cannot be set with half_day_start on a one-day request");
  }

  return inTransaction(ctx, async (tx) => {
    if (employeeId !== actor.employeeId) {
      if (actor.role === "employee") throw forbidden("Employees may request leave only for themselves.");
      if (actor.role === "manager") {
        const report = await tx.db
          .selectFrom("employees")
          .select("id")
          .where("organization_id", "=", actor.organizationId)
          .where("id", "=", employeeId)
          .where("manager_id", "=", actor.employeeId)
          .executeTakeFirst();
        if (!report) throw forbidden("Managers may request leave only for themselves and their direct reports.");
      }
    }
    // The lock serializes the requests of one employee: the overlap and balance checks below
    // see every request committed before this one.
    const employee = await tx.db
      .selectFrom("employees")
      .selectAll()
      .where("organization_id", "=", actor.organizationId)
      .where("id", "=", employeeId)
      .forUpdate()
      .executeTakeFirst();
    if (!employee) throw invalidField("body.employee_id", "is not an employee of this organization");
    if (employee.status === "deactivated") {
      throw invalidState(`Employee ${employee.id} is deactivated and cannot request leave.`);
    }
    if (!leaveTypeExistsIn(body.type, employee.country)) {
      throw invalidField("body.type", `does not exist in ${employee.country}`);
    }
    const days = workingDays(employee.country, period);
    if (days === 0) throw invalidField("body.start_date", "the period covers no working day");

    const active = await tx.db
      .selectFrom("leave_requests")
      .selectAll()
      .where("organization_id", "=", actor.organizationId)
      .where("employee_id", "=", employee.id)
      .where("status", "in", ["requested", "approved"])
      .where("start_date", "<=", period.end)
      .where("end_date", ">=", period.start)
      .orderBy("start_date")
      .execute();
    const clash = active.find((other) => periodsOverlap(period, periodOfRow(other)));
    if (clash) {
      throw new ApiProblem(
        409,
        "leave_overlap",
        `The request overlaps leave request ${clash.id} (${clash.start_date} to ${clash.end_date}).`,
      );
    }

    const now = tx.now();
    const definition = leaveTypeDefinition(body.type);
    if (definition.counts_against_balance) {
      const policy = await loadPolicy(tx);
      const leave = (await loadCountedLeave(tx, [employee.id], Number(period.end.slice(0, 4)))).get(employee.id) ?? [];
      const problem = balanceShortfall(
        employee,
        policy,
        leave,
        { type: body.type, period },
        localDate(now, employee.time_zone),
      );
      if (problem) throw problem;
    }

    const approvedAtOnce = !definition.requires_approval;
    const row = await tx.db
      .insertInto("leave_requests")
      .values({
        id: newId("lv", now),
        organization_id: actor.organizationId,
        employee_id: employee.id,
        type: body.type,
        status: approvedAtOnce ? "approved" : "requested",
        start_date: period.start,
        end_date: period.end,
        half_day_start: period.halfDayStart,
        half_day_end: period.halfDayEnd,
        days,
        hours: leaveHours(days, employee.weekly_hours_norm),
        note: body.note ?? null,
        decided_by: null,
        decided_at: approvedAtOnce ? now : null,
        decision_note: null,
        cancelled_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const request = toLeaveRequest(row);
    await recordLeaveEvent(tx, "leave.requested", request, now);
    if (approvedAtOnce) await recordLeaveEvent(tx, "leave.approved", request, now);
    return request;
  });
}

/** Approves or rejects a `requested` request: the employee's manager or an admin, never a manager their own. */
async function decide(
  ctx: DomainContext,
  id: string,
  decision: "approved" | "rejected",
  note: string | null,
): Promise<LeaveRequest> {
  return inTransaction(ctx, async (tx) => {
    const { row } = await findVisibleRequest(tx, id, { forUpdate: true });
    if (tx.actor.role !== "admin" && row.employee_id === tx.actor.employeeId) {
      throw forbidden("A manager cannot decide their own leave request; it goes to their manager or an admin.");
    }
    if (row.status !== "requested") {
      throw invalidState(
        `The leave request ${id} is ${row.status} and cannot be ${decision === "approved" ? "approved" : "rejected"}.`,
      );
    }
    const now = tx.now();
    const updated = await tx.db
      .updateTable("leave_requests")
      .set({ status: decision, decided_by: tx.actor.employeeId, decided_at: now, decision_note: note, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const request = toLeaveRequest(updated);
    await recordLeaveEvent(tx, decision === "approved" ? "leave.approved" : "leave.rejected", request, now);
    return request;
  });
}

/** Approves a `requested` leave request. Emits `leave.approved`. */
export function approveLeaveRequest(ctx: DomainContext, id: string, note?: string): Promise<LeaveRequest> {
  return decide(ctx, id, "approved", note ?? null);
}

/** Rejects a `requested` leave request with a reason. Emits `leave.rejected`. */
export function rejectLeaveRequest(ctx: DomainContext, id: string, reason: string): Promise<LeaveRequest> {
  return decide(ctx, id, "rejected", reason);
}

/**
 * Cancels a requested or approved leave request: admins any, everyone else their own, approved
 * leave only before it starts (in the employee's time zone). Emits `leave.cancelled`.
 */
export async function cancelLeaveRequest(ctx: DomainContext, id: string): Promise<LeaveRequest> {
  return inTransaction(ctx, async (tx) => {
    const { row, employee } = await findVisibleRequest(tx, id, { forUpdate: true });
    const admin = tx.actor.role === "admin";
    if (!admin && row.employee_id !== tx.actor.employeeId) {
      throw forbidden("Only the employee or an admin may cancel a leave request; a manager rejects it instead.");
    }
    if (row.status !== "requested" && row.status !== "approved") {
      throw invalidState(`The leave request ${id} is ${row.status} and cannot be cancelled.`);
    }
    const now = tx.now();
    if (!admin && row.status === "approved" && row.start_date <= localDate(now, employee.time_zone)) {
      throw invalidState(`The leave request ${id} has already started; ask an admin to cancel it.`);
    }
    const updated = await tx.db
      .updateTable("leave_requests")
      .set({ status: "cancelled", cancelled_at: now, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const request = toLeaveRequest(updated);
    await recordLeaveEvent(tx, "leave.cancelled", request, now);
    return request;
  });
}
