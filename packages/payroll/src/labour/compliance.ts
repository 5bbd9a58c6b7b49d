import { overtimeLimits, overtimeStatus, settlementPeriod } from "./overtime.js";
import {
  CZ_MAX_AVERAGE_WEEKLY_OVERTIME_HOURS,
  CZ_MAX_WEEKLY_ORDERED_OVERTIME_HOURS,
  DAILY_REST_HOURS,
  MAX_DAILY_HOURS,
  PL_MAX_AVERAGE_WEEKLY_HOURS,
  WEEKLY_REST_HOURS,
} from "./rules.js";
import { splitWork } from "./split-work.js";
import type {
  ComplianceDetails,
  ComplianceFinding,
  ComplianceKind,
  ComplianceSeverity,
  Country,
  LabourRules,
  OvertimeWarningData,
  WorkPiece,
  WorkSession,
} from "./types.js";
import {
  dateOfDayNumber,
  dayNumberOf,
  isoWeekdayOf,
  localDateTimeOf,
  localDayNumber,
  zonedSecond,
} from "./zoned-time.js";

/** What `checkCompliance` reads: one employee's completed work and the organization's rules. */
export interface ComplianceInput {
  readonly employee: { readonly id: string; readonly name: string };
  /**
   * The employee's completed sessions (others' are ignored), at least from 7 days before
   * 1 January of the year of `from` (see `complianceHistoryStart`): the yearly kinds count the
   * year so far, the settlement period lies within the year, and rest is judged across the week
   * before. Missing history can only hide a finding, never invent one.
   */
  readonly sessions: readonly WorkSession[];
  readonly rules: LabourRules;
  /** The moment of the check: rest is judged only in periods that are over by then. */
  readonly now: Date;
  /** Only findings about periods that end after this instant; all that the sessions allow when omitted. */
  readonly from?: Date;
}

const H = 3600;
const DAY = 86_400;
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const RULES: Record<ComplianceKind, Record<Country, string>> = {
  daily_rest: { PL: "PL Kodeks pracy art. 132 § 1", CZ: "CZ zákoník práce § 90 odst. 1" },
  weekly_rest: { PL: "PL Kodeks pracy art. 133 § 1", CZ: "CZ zákoník práce § 92 odst. 1" },
  weekly_average_exceeded: { PL: "PL Kodeks pracy art. 131 § 1", CZ: "CZ zákoník práce § 93 odst. 4" },
  yearly_overtime_approaching: { PL: "PL Kodeks pracy art. 151 § 3", CZ: "CZ zákoník práce § 93 odst. 2 and 4" },
  yearly_overtime_exceeded: { PL: "PL Kodeks pracy art. 151 § 3", CZ: "CZ zákoník práce § 93 odst. 2 and 4" },
  weekly_overtime_threshold: {
    PL: "PL organization's weekly threshold (overtime.weekly_threshold_hours)",
    CZ: "CZ organization's weekly threshold (overtime.weekly_threshold_hours)",
  },
  daily_hours_exceeded: { PL: "PL Kodeks pracy art. 129 § 1 and art. 132", CZ: "CZ zákoník práce § 83" },
};
const CZ_WEEKLY_ORDERED_OVERTIME_RULE = "CZ zákoník práce § 93 odst. 2";

const SEVERITY: Record<ComplianceKind, ComplianceSeverity> = {
  daily_rest: "violation",
  weekly_rest: "violation",
  weekly_average_exceeded: "violation",
  yearly_overtime_approaching: "warning",
  yearly_overtime_exceeded: "violation",
  weekly_overtime_threshold: "warning",
  daily_hours_exceeded: "violation",
};

/** Uninterrupted work: sessions that overlap or touch, merged. Seconds since the epoch. */
interface Block {
  readonly start: number;
  end: number;
  readonly firstSessionId: string;
  /** The session that ends the block (the latest end). */
  lastSessionId: string;
  readonly sessionIds: string[];
}

/**
 * The local date (`YYYY-MM-DD`) from which `checkCompliance` needs an employee's sessions to
 * judge periods from `date` on: 7 days before 1 January of its year.
 *
 * @example
 * ```ts
 * complianceHistoryStart("2026-10-07"); // "2025-12-25"
 * ```
 */
export function complianceHistoryStart(date: string): string {
  return dateOfDayNumber(dayNumberOf(`${date.slice(0, 4)}-01-01`) - 7);
}

/**
 * Checks one employee's recorded work against the working-time rules of the organization's
 * country and returns a finding for each rule broken or nearly broken (the API's compliance
 * alerts, see the *Compliance* table of the spec). Pure: the server stores each finding once
 * by its `key`.
 *
 * How each rule is read, as Timecard knows no shift schedule:
 *
 * - `daily_rest` (PL art. 132 § 1, CZ § 90 odst. 1; violation): each local day on which work
 *   starts opens a 24-hour period at its first start (PL doba pracownicza, art. 128 § 3 pkt 1);
 *   its longest uninterrupted break, counting from the last work in it to its end, must be at
 *   least 11 hours. Judged once the 24 hours are over. Key: the day.
 * - `daily_hours_exceeded` (PL art. 129 § 1 with art. 132: more than 13 hours leaves less than
 *   the daily rest; CZ § 83: a shift of at most 12 hours, all work in the 24 hours taken as the
 *   shift): work inside the same 24-hour periods. Key: the day.
 * - `weekly_rest` (PL art. 133 § 1, CZ § 92 odst. 1; violation): the longest uninterrupted break
 *   inside each Monday–Sunday week, the edges included (from Monday 00:00 to the first work and
 *   from the last work to the end of Sunday), clipped to the week, must be at least 35 hours.
 *   Judged once the week is over. Key: the week.
 * - `weekly_average_exceeded` (violation): PL art. 131 § 1, the work of the settlement period
 *   so far is already more than 48 hours × its weeks (days / 7), so its weekly average must end
 *   above 48; CZ § 93 odst. 4, the overtime of the settlement period so far is more than 8 hours
 *   × its weeks. Key: the settlement period.
 * - `weekly_overtime_threshold` (warning): more worked in a Monday–Sunday week than
 *   `overtime.weeklyThresholdHours`; in CZ also more than 8 hours of overtime in the week
 *   (§ 93 odst. 2), which takes precedence: its threshold is then 8 hours of overtime. Key: the week.
 * - `yearly_overtime_approaching` (warning) and `yearly_overtime_exceeded` (violation): the
 *   calendar year's overtime reached `yearlyWarningRatio` of `yearlyCapHours`, or went above
 *   the cap (PL art. 151 § 3, CZ § 93 odst. 2 and 4). Both are found once the overtime is past
 *   them (an `exceeded` year is also `approaching`). Key: the year.
 *
 * The overtime kinds carry their `overtime.warning` data. Findings come sorted by the start of
 * their period, then kind.
 *
 * @example
 * ```ts
 * const findings = checkCompliance({
 *   employee: { id: "emp_1", name: "Jan Kowalski" },
 *   sessions, // the employee's completed sessions since complianceHistoryStart(today)
 *   rules: defaultLabourRules("PL"),
 *   now: new Date(),
 * });
 * for (const f of findings) console.log(f.key, f.rule, f.message);
 * ```
 */
export function checkCompliance(input: ComplianceInput): ComplianceFinding[] {
  const { employee, rules } = input;
  const now = Math.floor(input.now.getTime() / 1000);
  const from = input.from ? Math.floor(input.from.getTime() / 1000) : Number.NEGATIVE_INFINITY;
  if (Number.isNaN(now) || Number.isNaN(from)) throw new RangeError("now and from must be valid Dates.");
  const sessions = input.sessions
    .filter((s) => s.employeeId === employee.id)
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const context: Context = {
    employee,
    rules,
    country: rules.country,
    zone: rules.timeZone,
    now,
    from,
    findings: [],
  };
  const pieces = splitWork(sessions, rules);
  const blocks = mergeSessions(sessions);
  checkDays(context, blocks);
  checkWeeklyRest(context, blocks);
  checkWeeks(context, pieces);
  checkSettlementPeriods(context, pieces);
  checkYears(context, pieces);
  const order = Object.keys(SEVERITY);
  return context.findings.sort(
    (a, b) =>
      a.periodStart.getTime() - b.periodStart.getTime() ||
      order.indexOf(a.kind) - order.indexOf(b.kind) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

interface Context {
  readonly employee: ComplianceInput["employee"];
  readonly rules: LabourRules;
  readonly country: Country;
  readonly zone: string;
  readonly now: number;
  readonly from: number;
  readonly findings: ComplianceFinding[];
}

function add(
  context: Context,
  kind: ComplianceKind,
  periodKey: string,
  start: number,
  end: number,
  details: ComplianceDetails,
  message: string,
  sessionIds: readonly string[],
  overtimeWarning: OvertimeWarningData | null = null,
  rule: string = RULES[kind][context.country],
): void {
  if (end <= context.from) return;
  context.findings.push({
    key: `${kind}/${context.employee.id}/${periodKey}`,
    kind,
    severity: SEVERITY[kind],
    rule,
    country: context.country,
    employeeId: context.employee.id,
    periodStart: new Date(start * 1000),
    periodEnd: new Date(end * 1000),
    details,
    message,
    sessionIds: [...new Set(sessionIds)],
    overtimeWarning,
  });
}

function mergeSessions(sessions: readonly WorkSession[]): Block[] {
  const blocks: Block[] = [];
  let last: Block | undefined;
  for (const session of sessions) {
    const start = Math.floor(session.startedAt.getTime() / 1000);
    const end = Math.floor(session.endedAt.getTime() / 1000);
    if (!(end > start)) continue;
    if (last && start <= last.end) {
      last.sessionIds.push(session.id);
      if (end >= last.end) {
        last.end = end;
        last.lastSessionId = session.id;
      }
      continue;
    }
    last = { start, end, firstSessionId: session.id, lastSessionId: session.id, sessionIds: [session.id] };
    blocks.push(last);
  }
  return blocks;
}

/** Daily rest and daily hours, over the 24 hours from the first start of work of each local day. */
function checkDays(context: Context, blocks: readonly Block[]): void {
  const { zone, country } = context;
  const requiredRest = DAILY_REST_HOURS * H;
  const maxWork = MAX_DAILY_HOURS[country] * H;
  const reported = new Set<string>();
  let previousDay = Number.NaN;
  for (let k = 0; k < blocks.length; k++) {
    const first = blocks[k] as Block;
    const day = localDayNumber(first.start, zone);
    if (day === previousDay) continue;
    previousDay = day;
    const start = first.start;
    const end = start + DAY;
    let worked = 0;
    let longest = -1;
    let restFrom = start;
    let restTo = start;
    const ids: string[] = [];
    for (let j = k; j < blocks.length; j++) {
      const block = blocks[j] as Block;
      if (block.start >= end) break;
      worked += Math.min(block.end, end) - block.start;
      ids.push(...block.sessionIds);
      // The break after this block, inside the 24 hours.
      if (block.end >= end) break;
      const next = blocks[j + 1];
      const breakEnd = next && next.start < end ? next.start : end;
      if (breakEnd - block.end > longest) {
        longest = breakEnd - block.end;
        restFrom = block.end;
        restTo = breakEnd;
      }
    }
    const date = dateOfDayNumber(day);
    const name = context.employee.name;
    if (worked > maxWork) {
      const limit = country === "PL" ? "at most 13 hours are allowed" : "a shift may last at most 12 hours";
      add(
        context,
        "daily_hours_exceeded",
        date,
        start,
        end,
        { worked_seconds: worked, threshold_seconds: maxWork },
        `${name} worked ${duration(worked)} in the 24 hours from ${when(start, zone)}; ${limit}.`,
        ids,
      );
    }
    if (end > context.now) continue; // rest is judged once the 24 hours are over
    const rest = Math.max(0, longest);
    if (rest >= requiredRest) continue;
    const restKey = `${restFrom}-${restTo}`;
    if (longest > 0 && reported.has(restKey)) continue;
    reported.add(restKey);
    const ending = blocks.find((b) => b.end === restFrom);
    const starting = blocks.find((b) => b.start === restTo);
    const sessionIds = [ending?.lastSessionId, starting?.firstSessionId].filter((id): id is string => !!id);
    const message =
      longest > 0 && starting
        ? `${name} rested ${duration(rest)} between the end of work on ${when(restFrom, zone)} and its start on ${when(restTo, zone, restFrom)}; at least ${DAILY_REST_HOURS} hours are required.`
        : `${name} had ${longest > 0 ? `at most ${duration(rest)} of` : "no"} uninterrupted rest in the 24 hours from ${when(start, zone)}; at least ${DAILY_REST_HOURS} hours are required.`;
    add(
      context,
      "daily_rest",
      date,
      longest > 0 ? restFrom : start,
      longest > 0 ? restTo : end,
      { required_rest_seconds: requiredRest, actual_rest_seconds: rest },
      message,
      longest > 0 ? sessionIds : ids,
    );
  }
}

/** Weekly rest: the longest break inside each Monday–Sunday week that has work and is over. */
function checkWeeklyRest(context: Context, blocks: readonly Block[]): void {
  const { zone } = context;
  const required = WEEKLY_REST_HOURS * H;
  let k = 0;
  while (k < blocks.length) {
    const day = localDayNumber((blocks[k] as Block).start, zone);
    const monday = day - isoWeekdayOf(day) + 1;
    const start = zonedSecond(monday, 0, zone);
    const end = zonedSecond(monday + 7, 0, zone);
    // A block from the week before may run into this one.
    let cursor = start;
    let longest = 0;
    let restFrom = start;
    let restTo = start;
    const ids: string[] = [];
    let j = k > 0 && (blocks[k - 1] as Block).end > start ? k - 1 : k;
    for (; j < blocks.length; j++) {
      const block = blocks[j] as Block;
      if (block.start >= end) break;
      const workFrom = Math.max(block.start, start);
      if (workFrom - cursor > longest) {
        longest = workFrom - cursor;
        restFrom = cursor;
        restTo = workFrom;
      }
      cursor = Math.max(cursor, Math.min(block.end, end));
      ids.push(...block.sessionIds);
    }
    if (end - cursor > longest) {
      longest = end - cursor;
      restFrom = cursor;
      restTo = end;
    }
    // The next week with work starts with the first block starting at or after `end`.
    k = j;
    if (end > context.now || longest >= required) continue;
    const name = context.employee.name;
    const week = dateOfDayNumber(monday);
    const where = longest > 0 ? ` (from ${when(restFrom, zone)} to ${when(restTo, zone, restFrom)})` : "";
    add(
      context,
      "weekly_rest",
      week,
      start,
      end,
      { required_rest_seconds: required, actual_rest_seconds: longest },
      `${name}'s longest uninterrupted rest in the week of ${longDate(monday)} was ${duration(longest)}${where}; at least ${WEEKLY_REST_HOURS} hours are required.`,
      ids,
    );
  }
}

/** Sums of pieces in order, remembering the piece whose seconds crossed a limit. */
function crossing(pieces: readonly WorkPiece[], limit: number, field: "workedSeconds" | "overtimeSeconds") {
  let sum = 0;
  for (const piece of pieces) {
    const before = sum;
    sum += piece[field];
    if (before <= limit && sum > limit) return piece.sessionId;
  }
  return undefined;
}

/** Reaching (not passing) a limit: the piece whose seconds brought the sum to `limit` or beyond. */
function reaching(pieces: readonly WorkPiece[], limit: number, field: "workedSeconds" | "overtimeSeconds") {
  let sum = 0;
  for (const piece of pieces) {
    const before = sum;
    sum += piece[field];
    if (before < limit && sum >= limit && piece[field] > 0) return piece.sessionId;
  }
  return undefined;
}

function groupBy(pieces: readonly WorkPiece[], keyOf: (piece: WorkPiece) => string): Map<string, WorkPiece[]> {
  const groups = new Map<string, WorkPiece[]>();
  for (const piece of pieces) {
    const key = keyOf(piece);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(piece);
  }
  return groups;
}

function total(pieces: readonly WorkPiece[], field: "workedSeconds" | "overtimeSeconds"): number {
  let sum = 0;
  for (const piece of pieces) sum += piece[field];
  return sum;
}

/** The weekly threshold of the organization, and in CZ the 8 hours of ordered overtime a week. */
function checkWeeks(context: Context, pieces: readonly WorkPiece[]): void {
  const { zone, country, rules } = context;
  const { weekly, cap } = overtimeLimits(rules);
  const czLimit = CZ_MAX_WEEKLY_ORDERED_OVERTIME_HOURS * H;
  const weeks = groupBy(pieces, (p) => {
    const day = dayNumberOf(p.date);
    return dateOfDayNumber(day - isoWeekdayOf(day) + 1);
  });
  for (const [week, own] of weeks) {
    const worked = total(own, "workedSeconds");
    const overtime = total(own, "overtimeSeconds");
    const law = country === "CZ" && overtime > czLimit;
    if (!law && !(worked > weekly)) continue;
    const monday = dayNumberOf(week);
    const threshold = law ? czLimit : weekly;
    const beyond = law ? overtime - czLimit : worked - weekly;
    const sessionId = law ? crossing(own, czLimit, "overtimeSeconds") : crossing(own, weekly, "workedSeconds");
    const name = context.employee.name;
    const message = law
      ? `${name} worked ${duration(overtime)} of overtime in the week of ${longDate(monday)}, ${duration(beyond)} more than the ${CZ_MAX_WEEKLY_ORDERED_OVERTIME_HOURS} hours a week allowed.`
      : `${name} worked ${duration(worked)} in the week of ${longDate(monday)}, ${duration(beyond)} more than the weekly threshold of ${duration(weekly)}.`;
    add(
      context,
      "weekly_overtime_threshold",
      week,
      zonedSecond(monday, 0, zone),
      zonedSecond(monday + 7, 0, zone),
      { worked_seconds: worked, threshold_seconds: threshold, overtime_seconds: beyond },
      message,
      sessionId ? [sessionId] : [],
      {
        employee_id: context.employee.id,
        kind: "weekly_threshold",
        week_start: week,
        year: Number(week.slice(0, 4)),
        overtime_seconds: beyond,
        threshold_seconds: threshold,
        cap_seconds: cap,
      },
      law ? CZ_WEEKLY_ORDERED_OVERTIME_RULE : undefined,
    );
  }
}

/** The weekly average over each settlement period: PL 48 h of work, CZ 8 h of overtime. */
function checkSettlementPeriods(context: Context, pieces: readonly WorkPiece[]): void {
  const { zone, country, rules } = context;
  const periods = groupBy(pieces, (p) => {
    const period = settlementPeriod(p.date, rules);
    return `${period.start}/${period.end}`;
  });
  const field = country === "PL" ? "workedSeconds" : "overtimeSeconds";
  const weeklyLimit = (country === "PL" ? PL_MAX_AVERAGE_WEEKLY_HOURS : CZ_MAX_AVERAGE_WEEKLY_OVERTIME_HOURS) * H;
  for (const [key, own] of periods) {
    const [first, last] = key.split("/") as [string, string];
    const firstDay = dayNumberOf(first);
    const days = dayNumberOf(last) - firstDay + 1;
    const limit = Math.round((weeklyLimit * days) / 7);
    const sum = total(own, field);
    if (!(sum > limit)) continue;
    const average = Math.round((sum * 7) / days);
    const weeks = Math.max(1, Math.round(days / 7));
    const sessionId = crossing(own, limit, field);
    const span = `${longDate(firstDay)} to ${longDate(firstDay + days - 1)}`;
    const name = context.employee.name;
    const message =
      country === "PL"
        ? `${name} has worked ${duration(sum)} in the settlement period from ${span}, more than the ${duration(limit)} that an average of ${PL_MAX_AVERAGE_WEEKLY_HOURS} hours a week allows over its ${days} days (an average of ${duration(average)} a week).`
        : `${name} has worked ${duration(sum)} of overtime in the settlement period from ${span}, more than the ${duration(limit)} that an average of ${CZ_MAX_AVERAGE_WEEKLY_OVERTIME_HOURS} hours a week allows over its ${days} days (an average of ${duration(average)} a week).`;
    add(
      context,
      "weekly_average_exceeded",
      first,
      zonedSecond(firstDay, 0, zone),
      zonedSecond(firstDay + days, 0, zone),
      { average_weekly_seconds: average, threshold_seconds: weeklyLimit, period_weeks: weeks },
      message,
      sessionId ? [sessionId] : [],
    );
  }
}

/** The calendar year's overtime against the warning threshold and the cap. */
function checkYears(context: Context, pieces: readonly WorkPiece[]): void {
  const { zone, rules } = context;
  const { cap, warning } = overtimeLimits(rules);
  const years = groupBy(pieces, (p) => p.date.slice(0, 4));
  for (const [year, own] of years) {
    const overtime = total(own, "overtimeSeconds");
    const status = overtimeStatus(overtime, cap, warning);
    if (status === "ok") continue;
    const start = zonedSecond(dayNumberOf(`${year}-01-01`), 0, zone);
    const end = zonedSecond(dayNumberOf(`${Number(year) + 1}-01-01`), 0, zone);
    const name = context.employee.name;
    const percent = cap > 0 ? `${Math.round((overtime / cap) * 1000) / 10}%` : "no cap";
    const data = (kind: OvertimeWarningData["kind"], threshold: number): OvertimeWarningData => ({
      employee_id: context.employee.id,
      kind,
      week_start: null,
      year: Number(year),
      overtime_seconds: overtime,
      threshold_seconds: threshold,
      cap_seconds: cap,
    });
    // An exceeded year has reached the warning threshold too (unless a ratio above 1 puts it past the cap).
    if (overtime >= warning) {
      const sessionId = reaching(own, warning, "overtimeSeconds");
      add(
        context,
        "yearly_overtime_approaching",
        year,
        start,
        end,
        { overtime_seconds: overtime, threshold_seconds: warning, cap_seconds: cap },
        `${name} has worked ${hours(overtime)} of the ${hours(cap)} overtime hours allowed in ${year} (${percent}).`,
        sessionId ? [sessionId] : [],
        data("yearly_approaching", warning),
      );
    }
    if (status === "exceeded") {
      const sessionId = crossing(own, cap, "overtimeSeconds");
      add(
        context,
        "yearly_overtime_exceeded",
        year,
        start,
        end,
        { overtime_seconds: overtime, threshold_seconds: cap, cap_seconds: cap },
        `${name} has worked ${duration(overtime)} of overtime in ${year}, more than the ${hours(cap)} hours allowed (${percent}).`,
        sessionId ? [sessionId] : [],
        data("yearly_exceeded", cap),
      );
    }
  }
}

/** `7 h 30 min`, `11 h`, `45 min`. */
function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Hours to one decimal at most: `120`, `152.5`. */
function hours(seconds: number): string {
  return String(Math.round((seconds / H) * 10) / 10);
}

function longDate(day: number, withYear = true): string {
  const date = dateOfDayNumber(day);
  const text = `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]}`;
  return withYear ? `${text} ${date.slice(0, 4)}` : text;
}

/** `6 October 2026 at 23:30` in local time; without the year when `after` is in the same year. */
function when(second: number, zone: string, after?: number): string {
  const { date, time } = localDateTimeOf(new Date(second * 1000), zone);
  const day = dayNumberOf(date);
  const sameYear = after !== undefined && date.slice(0, 4) === dateOfDayNumber(localDayNumber(after, zone)).slice(0, 4);
  return `${longDate(day, !sameYear)} at ${time}`;
}
