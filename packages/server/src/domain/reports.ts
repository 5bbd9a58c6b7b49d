import type { LabourRules, LeaveDay, LeaveType, WorkPiece, WorkSession } from "@timecard/payroll";
import { expandLeave, overtimeReport, settlementPeriod, splitWork, sumHours } from "@timecard/payroll";
import type { components } from "@timecard/sdk";
import { invalidField } from "../errors.js";
import type { OrganizationRow, SessionRow } from "../storage/schema.js";
import type { Db, DomainContext } from "./actor.js";
import { addDays, calendarDays, localDate } from "./leave/working-days.js";
import { listScope } from "./sessions.js";

type HoursReport = components["schemas"]["HoursReport"];
type HoursReportRow = components["schemas"]["HoursReportRow"];
type OvertimeReport = components["schemas"]["OvertimeReport"];
type OvertimeReportRow = components["schemas"]["OvertimeReportRow"];

/** The longest report: 366 days, a leap year (the spec's `to` is at most 366 days after `from`). */
const MAX_REPORT_DAYS = 366;
const DAY_MS = 24 * 3600 * 1000;
/** Employees read per query when a report or an export pages through them. */
export const EMPLOYEE_PAGE = 200;

// ---------------------------------------------------------------------------------------------
// The organization's rules

/**
 * The labour rules of an organization: its country and time zone (columns) and its norms
 * (`settings`: PL Kodeks pracy art. 129 § 1 / CZ § 79 norms, the night window of PL art. 151⁷
 * § 1 / CZ § 78 odst. 1 písm. j), the overtime cap of PL art. 151 § 3 / CZ § 93 odst. 2).
 */
export function labourRulesOf(org: Pick<OrganizationRow, "country" | "time_zone" | "settings">): LabourRules {
  const s = org.settings;
  return {
    country: org.country,
    timeZone: org.time_zone,
    dailyHoursNorm: s.daily_hours_norm,
    weeklyHoursNorm: s.weekly_hours_norm,
    settlementPeriodMonths: s.settlement_period_months,
    nightStart: s.night_start,
    nightEnd: s.night_end,
    overtime: {
      weeklyThresholdHours: s.overtime.weekly_threshold_hours,
      yearlyCapHours: s.overtime.yearly_cap_hours,
      yearlyWarningRatio: s.overtime.yearly_warning_ratio,
    },
  };
}

/** The organization row of the caller (or of `organizationId`). */
export async function loadOrganization(db: Db, organizationId: string): Promise<OrganizationRow> {
  return db.selectFrom("organizations").selectAll().where("id", "=", organizationId).executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------
// Work and leave of a range of local days

/** Which sessions count: reports take pending and approved ones, exports approved ones only. */
export type Approval = "not_rejected" | "approved";

/** A session as the reports and exports read it. */
export type WorkSessionRow = Pick<
  SessionRow,
  "id" | "employee_id" | "project_id" | "task_id" | "started_at" | "ended_at" | "note"
>;

/** A range of local days, both included (`YYYY-MM-DD`). */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The completed sessions of these employees that may have a part on the days of `range`:
 * running sessions never count; rejected ones never, pending ones only in reports. The
 * instants are widened by a day on each side (no time zone is a day off UTC); the pieces
 * outside the range are dropped after the split.
 */
export async function loadSessions(
  db: Db,
  organizationId: string,
  employeeIds: readonly string[],
  range: DayRange,
  approval: Approval,
): Promise<WorkSessionRow[]> {
  if (employeeIds.length === 0) return [];
  const after = new Date(Date.parse(`${range.from}T00:00:00Z`) - DAY_MS);
  const before = new Date(Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY_MS);
  let q = db
    .selectFrom("sessions")
    .select(["id", "employee_id", "project_id", "task_id", "started_at", "ended_at", "note"])
    .where("organization_id", "=", organizationId)
    .where("employee_id", "in", [...employeeIds])
    .where("ended_at", "is not", null)
    .where("ended_at", ">", after)
    .where("started_at", "<", before);
  q =
    approval === "approved"
      ? q.where("approval_status", "=", "approved")
      : q.where("approval_status", "!=", "rejected");
  return q.orderBy("employee_id").orderBy("started_at").orderBy("id").execute();
}

/** The engine's view of session rows. */
export function toWorkSessions(rows: readonly WorkSessionRow[]): WorkSession[] {
  return rows.map((row) => ({
    id: row.id,
    employeeId: row.employee_id,
    projectId: row.project_id,
    taskId: row.task_id,
    startedAt: row.started_at,
    endedAt: row.ended_at as Date,
  }));
}

/**
 * The pieces of work on the days of `range` (by the engine's `splitWork`): each session is
 * split on local midnights, overtime is counted chronologically over each employee's day, and
 * only the pieces dated in the range are kept.
 */
export function piecesInRange(sessions: readonly WorkSessionRow[], rules: LabourRules, range: DayRange): WorkPiece[] {
  return splitWork(toWorkSessions(sessions), rules).filter((p) => p.date >= range.from && p.date <= range.to);
}

/** The days of approved leave of these employees on the working days of `range` (the engine's `expandLeave`). */
export async function loadLeaveDays(
  db: Db,
  organizationId: string,
  employeeIds: readonly string[],
  range: DayRange,
  rules: LabourRules,
): Promise<LeaveDay[]> {
  if (employeeIds.length === 0) return [];
  const rows = await db
    .selectFrom("leave_requests")
    .select(["employee_id", "type", "start_date", "end_date", "half_day_start", "half_day_end"])
    .where("organization_id", "=", organizationId)
    .where("employee_id", "in", [...employeeIds])
    .where("status", "=", "approved")
    .where("start_date", "<=", range.to)
    .where("end_date", ">=", range.from)
    .orderBy("employee_id")
    .orderBy("start_date")
    .execute();
  return rows.flatMap((row) =>
    expandLeave(
      {
        employeeId: row.employee_id,
        type: row.type as LeaveType,
        startDate: row.start_date,
        endDate: row.end_date,
        halfDayStart: row.half_day_start,
        halfDayEnd: row.half_day_end,
      },
      rules,
      range,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// GET /v1/reports/hours

/** 422 for a `to` before `from` or a range of more than 366 days. */
function assertDayRange(from: string, to: string): void {
  if (to < from) throw invalidField("query.to", "must not be before from");
  if (calendarDays(from, to) > MAX_REPORT_DAYS) {
    throw invalidField("query.to", `must be at most ${MAX_REPORT_DAYS} days after from, both included`);
  }
}

interface Bucket {
  key: string;
  label: string;
  pieces: WorkPiece[];
  leaveDays: number;
}

/**
 * `GET /v1/reports/hours`: the completed, not rejected sessions and the approved leave of the
 * days `from`..`to` (organization time zone) of the employees the caller may see, summed per
 * employee, project, task or day. Every figure is the labour engine's (`splitWork`, `sumHours`),
 * the same as the exports'.
 */
export async function getHoursReport(
  ctx: DomainContext,
  query: {
    from: string;
    to: string;
    group_by: HoursReport["group_by"];
    employee_id?: string;
    project_id?: string;
  },
): Promise<HoursReport> {
  assertDayRange(query.from, query.to);
  const org = await loadOrganization(ctx.db, ctx.actor.organizationId);
  const rules = labourRulesOf(org);
  const range = { from: query.from, to: query.to };
  const head = {
    from: query.from,
    to: query.to,
    group_by: query.group_by,
    country: org.country,
    time_zone: org.time_zone as HoursReport["time_zone"],
  };
  const scope = await listScope(ctx, query.employee_id);
  const employees = await employeesInScope(ctx, scope);
  const buckets = new Map<string, Bucket>();
  const bucket = (key: string, label: string): Bucket => {
    let b = buckets.get(key);
    if (!b) {
      b = { key, label, pieces: [], leaveDays: 0 };
      buckets.set(key, b);
    }
    return b;
  };
  const sessionIds = new Set<string>();
  let leaveTotal = 0;
  // Leave has no project or task: only employee and day reports without a project filter count it.
  const withLeave = query.project_id === undefined && (query.group_by === "employee" || query.group_by === "day");

  for (let i = 0; i < employees.length; i += EMPLOYEE_PAGE) {
    const page = employees.slice(i, i + EMPLOYEE_PAGE);
    const ids = page.map((e) => e.id);
    const sessions = await loadSessions(ctx.db, ctx.actor.organizationId, ids, range, "not_rejected");
    // The whole day of every session is split, so that overtime counts chronologically over the
    // employee's day; the project filter applies to the pieces afterwards.
    let pieces = piecesInRange(sessions, rules, range);
    if (query.project_id !== undefined) pieces = pieces.filter((p) => p.projectId === query.project_id);
    const leave = withLeave ? await loadLeaveDays(ctx.db, org.id, ids, range, rules) : [];
    const nameOf = new Map(page.map((e) => [e.id, e.name]));
    for (const piece of pieces) {
      sessionIds.add(piece.sessionId);
      switch (query.group_by) {
        case "employee":
          bucket(piece.employeeId, nameOf.get(piece.employeeId) ?? piece.employeeId).pieces.push(piece);
          break;
        case "day":
          bucket(piece.date, piece.date).pieces.push(piece);
          break;
        case "project":
          bucket(piece.projectId ?? "none", "").pieces.push(piece);
          break;
        case "task":
          bucket(piece.taskId ?? "none", "").pieces.push(piece);
          break;
      }
    }
    for (const day of leave) {
      leaveTotal += day.days;
      if (query.group_by === "employee")
        bucket(day.employeeId, nameOf.get(day.employeeId) ?? day.employeeId).leaveDays += day.days;
      if (query.group_by === "day") bucket(day.date, day.date).leaveDays += day.days;
    }
  }
  if (query.group_by === "project" || query.group_by === "task") await labelWork(ctx, query.group_by, buckets);

  const rows = [...buckets.values()].map(toRow);
  rows.sort((a, b) =>
    query.group_by === "day"
      ? a.key.localeCompare(b.key)
      : a.label.localeCompare(b.label) || a.key.localeCompare(b.key),
  );
  const totals = sumHours([...buckets.values()].flatMap((b) => b.pieces));
  return {
    ...head,
    rows,
    totals: {
      worked_seconds: totals.workedSeconds,
      regular_seconds: totals.regularSeconds,
      overtime_seconds: totals.overtimeSeconds,
      night_seconds: totals.nightSeconds,
      sunday_holiday_seconds: totals.sundayHolidaySeconds,
      leave_days: leaveTotal,
      sessions: sessionIds.size,
    },
  };
}

function toRow(b: Bucket): HoursReportRow {
  const split = sumHours(b.pieces);
  return {
    key: b.key,
    label: b.label,
    worked_seconds: split.workedSeconds,
    regular_seconds: split.regularSeconds,
    overtime_seconds: split.overtimeSeconds,
    night_seconds: split.nightSeconds,
    sunday_holiday_seconds: split.sundayHolidaySeconds,
    leave_days: b.leaveDays,
    sessions: new Set(b.pieces.map((p) => p.sessionId)).size,
  };
}

/** Names the project or task rows; `none` is the row of sessions without one. */
async function labelWork(ctx: DomainContext, kind: "project" | "task", buckets: Map<string, Bucket>): Promise<void> {
  const ids = [...buckets.keys()].filter((key) => key !== "none");
  const names = await workNames(ctx.db, ctx.actor.organizationId, kind === "project" ? "projects" : "tasks", ids);
  for (const b of buckets.values()) {
    b.label = b.key === "none" ? (kind === "project" ? "No project" : "No task") : (names.get(b.key) ?? b.key);
  }
}

/** The names of an organization's projects or tasks, by id; ids it does not have are left out. */
export async function workNames(
  db: Db,
  organizationId: string,
  table: "projects" | "tasks",
  ids: Iterable<string>,
): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom(table)
    .select(["id", "name"])
    .where("organization_id", "=", organizationId)
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The employees of a scope (`null`: the whole organization), by name. */
async function employeesInScope(
  ctx: DomainContext,
  scope: string[] | null,
): Promise<{ id: string; name: string; status: string }[]> {
  if (scope !== null && scope.length === 0) return [];
  let q = ctx.db
    .selectFrom("employees")
    .select(["id", "name", "status"])
    .where("organization_id", "=", ctx.actor.organizationId);
  if (scope !== null) q = q.where("id", "in", scope);
  return q.orderBy("name").orderBy("id").execute();
}

// ---------------------------------------------------------------------------------------------
// GET /v1/reports/overtime

/**
 * `GET /v1/reports/overtime`: each visible employee's overtime of a calendar year against the
 * yearly cap (PL Kodeks pracy art. 151 § 3, CZ zákoník práce § 93 odst. 2 and 4), and the weeks
 * of the settlement period (PL art. 129 § 1), from the engine's `overtimeReport`.
 */
export async function getOvertimeReport(
  ctx: DomainContext,
  query: { year?: number; employee_id?: string },
): Promise<OvertimeReport> {
  const org = await loadOrganization(ctx.db, ctx.actor.organizationId);
  const rules = labourRulesOf(org);
  const today = localDate(ctx.now(), org.time_zone);
  const thisYear = Number(today.slice(0, 4));
  const year = query.year ?? thisYear;
  if (year < 2000 || year > thisYear + 1) {
    throw invalidField("query.year", `must be from 2000 to ${thisYear + 1}`);
  }
  const range = { from: `${year}-01-01`, to: `${year}-12-31` };
  // The settlement period the weeks cover: the current one for this year, the last of another.
  const reference = year === thisYear ? today : year < thisYear ? range.to : range.from;
  const period = settlementPeriod(reference, rules);
  const scope = await listScope(ctx, query.employee_id);
  const employees = await employeesInScope(ctx, scope);
  const rows: OvertimeReportRow[] = [];
  for (let i = 0; i < employees.length; i += EMPLOYEE_PAGE) {
    const page = employees.slice(i, i + EMPLOYEE_PAGE);
    const ids = page.map((e) => e.id);
    // The weeks of the period reach into the days around it: a week starting in December.
    const wide = { from: addDays(range.from, -7), to: addDays(range.to, 7) };
    const pieces = piecesInRange(await loadSessions(ctx.db, org.id, ids, wide, "not_rejected"), rules, wide);
    const byEmployee = new Map<string, WorkPiece[]>(ids.map((id) => [id, []]));
    for (const piece of pieces) byEmployee.get(piece.employeeId)?.push(piece);
    for (const employee of page) {
      const own = byEmployee.get(employee.id) ?? [];
      // Deactivated employees appear only with work in the year.
      if (employee.status !== "active" && !own.some((p) => p.date >= range.from && p.date <= range.to)) continue;
      const report = overtimeReport(own, rules, year, today);
      rows.push({
        employee_id: employee.id,
        employee_name: employee.name,
        overtime_seconds: report.overtimeSeconds,
        cap_seconds: report.capSeconds,
        cap_percent: report.capPercent,
        status: report.status,
        weeks: report.weeks.map((w) => ({
          week_start: w.weekStart,
          worked_seconds: w.workedSeconds,
          overtime_seconds: w.overtimeSeconds,
          over_threshold: w.overThreshold,
        })),
      });
    }
  }
  rows.sort((a, b) => a.employee_name.localeCompare(b.employee_name) || a.employee_id.localeCompare(b.employee_id));
  return {
    year,
    country: org.country,
    time_zone: org.time_zone as OvertimeReport["time_zone"],
    yearly_cap_seconds: Math.round(rules.overtime.yearlyCapHours * 3600),
    warning_ratio: rules.overtime.yearlyWarningRatio,
    weekly_threshold_seconds: Math.round(rules.overtime.weeklyThresholdHours * 3600),
    settlement_period: { start: period.start, end: period.end, months: period.months },
    employees: rows,
  };
}
