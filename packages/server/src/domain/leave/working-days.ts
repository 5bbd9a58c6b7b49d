import { addDays, dayKind, defaultLabourRules, expandLeave, localDateOf } from "@timecard/payroll";
import type { Country } from "../holidays.js";

// Calendar dates are `YYYY-MM-DD` strings throughout (as the database returns them), compared as
// strings. Stepping days, local dates and which days are leave days come from the labour engine
// of @timecard/payroll, so leave balances count leave exactly as reports and exports do.

export { addDays };

/** The calendar date (`YYYY-MM-DD`) of `instant` in `timeZone`. */
export const localDate: (instant: Date, timeZone: string) => string = localDateOf;

const DAY_MS = 86_400_000;

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** Calendar days from `from` to `to`, both inclusive (0 when `to` is before `from`). */
export function calendarDays(from: string, to: string): number {
  return Math.max(0, Math.round((toUtc(to) - toUtc(from)) / DAY_MS) + 1);
}

/** The earlier of two dates. */
export function earlierDate(a: string, b: string): string {
  return b < a ? b : a;
}

/** Whether `date` is a working day in `country`: not a weekend day and not a public holiday. */
export function isWorkingDay(country: Country, date: string): boolean {
  return dayKind(date, country) === "working";
}

/** A period of leave: whole days from `start` to `end` (inclusive), maybe half days at either end. */
export interface LeavePeriod {
  readonly start: string;
  readonly end: string;
  /** Only the afternoon half of `start` is taken. */
  readonly halfDayStart: boolean;
  /** Only the morning half of `end` is taken. */
  readonly halfDayEnd: boolean;
}

/**
 * The working days a period of leave covers, in half-day steps: every day from `start` to
 * `end` that is neither a weekend day nor a public holiday of `country` counts 1, or 0.5 when it
 * is a half day. With `within`, only the days inside that window count (for example one year
 * of leave that spans two).
 *
 * @example
 * ```ts
 * // Mon 9 – Fri 13 November 2026 in Poland: Wednesday 11 November is Independence Day.
 * workingDays("PL", { start: "2026-11-09", end: "2026-11-13", halfDayStart: false, halfDayEnd: false }); // 4
 * ```
 */
export function workingDays(
  country: Country,
  period: LeavePeriod,
  within?: { readonly from: string; readonly to: string },
): number {
  const leave = { employeeId: "", type: "vacation" as const, startDate: period.start, endDate: period.end };
  const days = expandLeave(
    { ...leave, halfDayStart: period.halfDayStart, halfDayEnd: period.halfDayEnd },
    rulesOf(country),
    within,
  );
  return days.reduce((sum, day) => sum + day.days, 0);
}

const rulesByCountry = new Map<Country, ReturnType<typeof defaultLabourRules>>();

/** The country's rules, made once: only the calendar matters to which days are leave days. */
function rulesOf(country: Country) {
  let rules = rulesByCountry.get(country);
  if (!rules) {
    rules = defaultLabourRules(country);
    rulesByCountry.set(country, rules);
  }
  return rules;
}

/** The calendar years a period touches, in order. */
export function yearsOf(period: Pick<LeavePeriod, "start" | "end">): number[] {
  const years: number[] = [];
  for (let y = Number(period.start.slice(0, 4)); y <= Number(period.end.slice(0, 4)); y++) years.push(y);
  return years;
}

/** The first and last day of a calendar year. */
export function yearWindow(year: number): { from: string; to: string } {
  const y = String(year).padStart(4, "0");
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}
