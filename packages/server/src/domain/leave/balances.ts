import type { components } from "@timecard/sdk";
import { ApiProblem, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import type { EmployeeRow } from "../../storage/schema.js";
import type { DomainContext } from "../actor.js";
import type { Country } from "../holidays.js";
import type { LeaveType } from "./types.js";
import { addDays, earlierDate, type LeavePeriod, localDate, workingDays, yearsOf, yearWindow } from "./working-days.js";

type LeaveBalance = components["schemas"]["LeaveBalance"];

/** The balances a country keeps: vacation (with PL on-demand leave in it) and PL childcare (art. 188). */
export type BalancePool = "vacation" | "childcare";

/** PL art. 188: two days a year of paid time off to care for a child under 14. */
const PL_CHILDCARE_DAYS = 2;

/** The employee fields a balance depends on. */
export interface BalanceSubject {
  readonly id: string;
  readonly country: Country;
  readonly time_zone: string;
  readonly weekly_hours_norm: number;
  readonly created_at: Date;
  readonly deactivated_at: Date | null;
}

/** The organization's leave settings. */
export interface BalancePolicy {
  /** The organization's full-time weekly norm, against which part-time is measured. */
  readonly weeklyHoursNorm: number;
  readonly annualDays: number;
  readonly onDemandDays: number;
}

/** A leave request as balances read it. */
export interface CountedLeave {
  readonly type: string;
  readonly status: string;
  readonly start_date: string;
  readonly end_date: string;
  readonly half_day_start: boolean;
  readonly half_day_end: boolean;
  /** The stored working days of the whole request. */
  readonly days: number;
}

/** The balances an employee of `country` has, in the order of the `LeaveType` enum. */
export function balancePools(country: Country): readonly BalancePool[] {
  return country === "PL" ? ["vacation", "childcare"] : ["vacation"];
}

/** The balance a leave type is deducted from in `country`, or null when it has none (sick, unpaid, other, CZ childcare). */
export function poolOf(type: string, country: Country): BalancePool | null {
  if (type === "vacation" || type === "on_demand") return "vacation";
  if (type === "childcare" && country === "PL") return "childcare";
  return null;
}

function periodOf(leave: CountedLeave): LeavePeriod {
  return {
    start: leave.start_date,
    end: leave.end_date,
    halfDayStart: leave.half_day_start,
    halfDayEnd: leave.half_day_end,
  };
}

/** The months of `year` the employee was employed: all 12 unless they left in or before it (a started month counts whole). */
function monthsEmployed(subject: BalanceSubject, year: number): number {
  if (!subject.deactivated_at) return 12;
  const left = localDate(subject.deactivated_at, subject.time_zone);
  const leftYear = Number(left.slice(0, 4));
  if (leftYear > year) return 12;
  if (leftYear < year) return 0;
  return Number(left.slice(5, 7));
}

/**
 * Days the employee is entitled to in `year`: the organization's annual days, pro rata for
 * part-time work (the employee's weekly norm against the organization's) and for the year in
 * which they left (a started month counts whole); a fraction of a day is rounded up to a whole
 * day (PL art. 154 §2, art. 155¹ §3). PL childcare is 2 days a year.
 */
export function entitledDays(subject: BalanceSubject, policy: BalancePolicy, pool: BalancePool, year: number): number {
  const months = monthsEmployed(subject, year);
  if (months === 0) return 0;
  if (pool === "childcare") return PL_CHILDCARE_DAYS;
  const fraction = policy.weeklyHoursNorm > 0 ? Math.min(1, subject.weekly_hours_norm / policy.weeklyHoursNorm) : 1;
  return Math.ceil((policy.annualDays * fraction * months) / 12 - 1e-9);
}

interface Tally {
  used: number;
  planned: number;
  requested: number;
  onDemandApproved: number;
  onDemandRequested: number;
}

/** Sums the requested and approved leave of one balance in one year; approved days before `today` are used, the rest planned. */
function tally(
  country: Country,
  leave: readonly CountedLeave[],
  pool: BalancePool,
  year: number,
  today: string,
): Tally {
  const out: Tally = { used: 0, planned: 0, requested: 0, onDemandApproved: 0, onDemandRequested: 0 };
  const window = yearWindow(year);
  for (const request of leave) {
    if (poolOf(request.type, country) !== pool) continue;
    if (request.status !== "requested" && request.status !== "approved") continue;
    if (request.end_date < window.from || request.start_date > window.to) continue;
    const period = periodOf(request);
    const inOneYear = request.start_date >= window.from && request.end_date <= window.to;
    const total = inOneYear ? request.days : workingDays(country, period, window);
    if (request.status === "requested") {
      out.requested += total;
      if (request.type === "on_demand") out.onDemandRequested += total;
      continue;
    }
    let used: number;
    if (request.end_date < today) used = total;
    else if (request.start_date >= today) used = 0;
    else {
      used = workingDays(country, period, { from: window.from, to: earlierDate(addDays(today, -1), window.to) });
    }
    // Never more than the stored total (it is what the request deducts).
    used = Math.min(used, total);
    out.used += used;
    out.planned += total - used;
    if (request.type === "on_demand") out.onDemandApproved += total;
  }
  return out;
}

/**
 * Unused vacation carried into `year`: the previous year's remaining days, never below zero,
 * counted from the year the employee was added to Timecard (each year's entitlement plus what
 * it carried, less its approved and pending leave).
 */
function carriedOver(
  subject: BalanceSubject,
  policy: BalancePolicy,
  leave: readonly CountedLeave[],
  year: number,
  today: string,
): number {
  // Nothing carries into a year after the employee left (unused leave is settled when they leave).
  if (monthsEmployed(subject, year) === 0) return 0;
  const firstYear = Number(localDate(subject.created_at, subject.time_zone).slice(0, 4));
  let carry = 0;
  for (let y = firstYear; y < year; y++) {
    const t = tally(subject.country, leave, "vacation", y, today);
    carry = Math.max(0, entitledDays(subject, policy, "vacation", y) + carry - t.used - t.planned - t.requested);
  }
  return carry;
}

/**
 * One employee's balance of one pool for one year, as the API shows it; `leave` is the
 * employee's leave requests (any state and type; only requested and approved leave counts).
 * `today` is the current date in the employee's time zone.
 */
export function computeBalance(
  subject: BalanceSubject,
  policy: BalancePolicy,
  leave: readonly CountedLeave[],
  pool: BalancePool,
  year: number,
  today: string,
): LeaveBalance {
  const entitled = entitledDays(subject, policy, pool, year);
  const carried = pool === "vacation" ? carriedOver(subject, policy, leave, year, today) : 0;
  const t = tally(subject.country, leave, pool, year, today);
  const onDemand = pool === "vacation" && subject.country === "PL";
  return {
    employee_id: subject.id,
    type: pool,
    year,
    entitled_days: entitled,
    carried_over_days: carried,
    used_days: t.used,
    planned_days: t.planned,
    requested_days: t.requested,
    remaining_days: entitled + carried - t.used - t.planned - t.requested,
    on_demand_entitled_days: onDemand ? policy.onDemandDays : null,
    on_demand_used_days: onDemand ? t.onDemandApproved : null,
  };
}

/** Every balance of one employee for one year, in the enum's order. */
export function computeBalances(
  subject: BalanceSubject,
  policy: BalancePolicy,
  leave: readonly CountedLeave[],
  year: number,
  today: string,
): LeaveBalance[] {
  return balancePools(subject.country).map((pool) => computeBalance(subject, policy, leave, pool, year, today));
}

/**
 * Why a new request cannot be filed against the employee's balance, or null when it can: in
 * each year it touches, its days there must not exceed the remaining days of its balance, and
 * on-demand leave must also stay within the on-demand days.
 */
export function balanceShortfall(
  subject: BalanceSubject,
  policy: BalancePolicy,
  leave: readonly CountedLeave[],
  candidate: { type: LeaveType; period: LeavePeriod },
  today: string,
): ApiProblem | null {
  const pool = poolOf(candidate.type, subject.country);
  if (!pool) return null;
  for (const year of yearsOf(candidate.period)) {
    const days = workingDays(subject.country, candidate.period, yearWindow(year));
    if (days === 0) continue;
    const balance = computeBalance(subject, policy, leave, pool, year, today);
    const what = pool === "vacation" ? "vacation balance" : "childcare allowance";
    if (days > balance.remaining_days) {
      return shortfall(`exceeds the remaining ${what} of ${Math.max(0, balance.remaining_days)} days in ${year}`);
    }
    if (candidate.type === "on_demand") {
      const t = tally(subject.country, leave, pool, year, today);
      const left = policy.onDemandDays - t.onDemandApproved - t.onDemandRequested;
      if (days > left) return shortfall(`exceeds the remaining on-demand days of ${Math.max(0, left)} in ${year}`);
    }
  }
  return null;
}

function shortfall(message: string): ApiProblem {
  return new ApiProblem(422, "validation_failed", `body.end_date ${message}.`, [{ field: "body.end_date", message }]);
}

/** The organization's leave policy and time zone. */
export async function loadPolicy(ctx: DomainContext): Promise<BalancePolicy & { timeZone: string }> {
  const org = await ctx.db
    .selectFrom("organizations")
    .select(["settings", "time_zone"])
    .where("id", "=", ctx.actor.organizationId)
    .executeTakeFirstOrThrow();
  return {
    weeklyHoursNorm: org.settings.weekly_hours_norm,
    annualDays: org.settings.leave.annual_days,
    onDemandDays: org.settings.leave.on_demand_days,
    timeZone: org.time_zone,
  };
}

/** The requested and approved leave of these employees that can count against a balance, up to the end of `year`. */
export async function loadCountedLeave(
  ctx: DomainContext,
  employeeIds: readonly string[],
  year: number,
): Promise<Map<string, CountedLeave[]>> {
  const byEmployee = new Map<string, CountedLeave[]>(employeeIds.map((id) => [id, []]));
  if (employeeIds.length === 0) return byEmployee;
  const rows = await ctx.db
    .selectFrom("leave_requests")
    .select(["employee_id", "type", "status", "start_date", "end_date", "half_day_start", "half_day_end", "days"])
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("employee_id", "in", [...employeeIds])
    .where("status", "in", ["requested", "approved"])
    .where("type", "in", ["vacation", "on_demand", "childcare"])
    .where("start_date", "<=", yearWindow(year).to)
    .execute();
  for (const row of rows) byEmployee.get(row.employee_id)?.push(row);
  return byEmployee;
}

const POOL_ORDER: Record<BalancePool, number> = { vacation: 0, childcare: 1 };

/** The position of a pool named in a cursor, or undefined for anything else. */
function poolOrder(name: string | undefined): number | undefined {
  return name !== undefined && Object.hasOwn(POOL_ORDER, name) ? POOL_ORDER[name as BalancePool] : undefined;
}

function yearOf(query: { year?: number }, policy: { timeZone: string }, now: Date): number {
  return query.year ?? Number(localDate(now, policy.timeZone).slice(0, 4));
}

/** Whether the caller may see this employee's leave: admins anyone, managers themselves and their reports, employees themselves. */
export function canSeeLeaveOf(ctx: DomainContext, employee: Pick<EmployeeRow, "id" | "manager_id">): boolean {
  const { actor } = ctx;
  if (actor.role === "admin" || employee.id === actor.employeeId) return true;
  return actor.role === "manager" && employee.manager_id === actor.employeeId;
}

/** One employee's balances for a year; 404 for an employee the caller may not see. */
export async function listEmployeeLeaveBalances(
  ctx: DomainContext,
  employeeId: string,
  query: { limit?: number; cursor?: string; year?: number },
): Promise<Page<LeaveBalance>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  const employee = await ctx.db
    .selectFrom("employees")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", employeeId)
    .executeTakeFirst();
  if (!employee || !canSeeLeaveOf(ctx, employee)) throw notFound("employee", employeeId);
  const policy = await loadPolicy(ctx);
  const year = yearOf(query, policy, ctx.now());
  const leave = (await loadCountedLeave(ctx, [employee.id], year)).get(employee.id) ?? [];
  const today = localDate(ctx.now(), employee.time_zone);
  let balances = computeBalances(employee, policy, leave, year, today);
  if (after) {
    const from = poolOrder(after[1]);
    if (from === undefined) throw invalidCursor();
    balances = balances.filter((b) => POOL_ORDER[b.type as BalancePool] > from);
  }
  return toPage(
    balances,
    limit,
    (b) => [b.type, b.type],
    (b) => b,
  );
}

/**
 * The balances of a year of every employee the caller may see, by employee name, then type.
 * Employees who left before the year are left out.
 */
export async function listLeaveBalances(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; year?: number; employee_id?: string; type?: LeaveType },
): Promise<Page<LeaveBalance>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let resume: { name: string; id: string; pool: number } | undefined;
  if (after) {
    const [id, pool] = after[1].split("/");
    const order = poolOrder(pool);
    if (!id || order === undefined) throw invalidCursor();
    resume = { name: after[0], id, pool: order };
  }
  if (query.type && query.type !== "vacation" && query.type !== "childcare") {
    return { data: [], has_more: false, next_cursor: null };
  }
  const policy = await loadPolicy(ctx);
  const year = yearOf(query, policy, ctx.now());
  const { actor } = ctx;

  let base = ctx.db
    .selectFrom("employees")
    .selectAll()
    .where("organization_id", "=", actor.organizationId)
    // Left before the year: not listed (refined below in the employee's time zone).
    .where((eb) =>
      eb.or([
        eb("deactivated_at", "is", null),
        eb("deactivated_at", ">=", new Date(Date.UTC(year, 0, 1) - 86_400_000)),
      ]),
    );
  if (actor.role === "employee") base = base.where("id", "=", actor.employeeId);
  if (actor.role === "manager") {
    base = base.where((eb) => eb.or([eb("id", "=", actor.employeeId), eb("manager_id", "=", actor.employeeId)]));
  }
  if (query.employee_id) base = base.where("id", "=", query.employee_id);
  if (query.type === "childcare") base = base.where("country", "=", "PL");

  const entries: { name: string; balance: LeaveBalance }[] = [];
  // Employees in batches from the cursor's employee (inclusive: some of their balances may be left).
  let from = resume ? { name: resume.name, id: resume.id, inclusive: true } : undefined;
  const batch = limit + 1;
  for (;;) {
    let q = base;
    if (from) {
      const { name, id, inclusive } = from;
      q = q.where((eb) =>
        eb.or([eb("name", ">", name), eb.and([eb("name", "=", name), eb("id", inclusive ? ">=" : ">", id)])]),
      );
    }
    const employees = await q.orderBy("name").orderBy("id").limit(batch).execute();
    const leave = await loadCountedLeave(
      ctx,
      employees.map((e) => e.id),
      year,
    );
    for (const employee of employees) {
      if (monthsEmployed(employee, year) === 0) continue;
      const today = localDate(ctx.now(), employee.time_zone);
      for (const pool of balancePools(employee.country)) {
        if (query.type && query.type !== pool) continue;
        if (resume && employee.id === resume.id && POOL_ORDER[pool] <= resume.pool) continue;
        const balance = computeBalance(employee, policy, leave.get(employee.id) ?? [], pool, year, today);
        entries.push({ name: employee.name, balance });
      }
    }
    const last = employees.at(-1);
    if (employees.length < batch || entries.length > limit || !last) break;
    from = { name: last.name, id: last.id, inclusive: false };
  }
  return toPage(
    entries.slice(0, limit + 1),
    limit,
    (e) => [e.name, `${e.balance.employee_id}/${e.balance.type}`],
    (e) => e.balance,
  );
}

function invalidCursor(): ApiProblem {
  return new ApiProblem(
    400,
    "invalid_cursor",
    "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
  );
}
