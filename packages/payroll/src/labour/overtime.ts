import type {
  LabourRules,
  OvertimeStatus,
  OvertimeSummary,
  OvertimeWeek,
  SettlementPeriod,
  WorkPiece,
} from "./types.js";
import { dateOfDayNumber, dayNumberOf, isoWeekdayOf, lastDateOfMonth } from "./zoned-time.js";

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * The settlement period (PL okres rozliczeniowy, Kodeks pracy art. 129 § 1; CZ vyrovnávací
 * období) that contains `date`: periods of `settlementPeriodMonths` months counted from January
 * of each year (Jan–Mar, Apr–Jun… for 3 months). When the length does not divide 12, the last
 * period of a year is cut short at 31 December, so no period spans two years.
 *
 * @example
 * ```ts
 * settlementPeriod("2026-05-20", { ...defaultLabourRules("PL"), settlementPeriodMonths: 4 });
 * // { start: "2026-05-01", end: "2026-08-31", months: 4 }
 * ```
 */
export function settlementPeriod(date: string, rules: Pick<LabourRules, "settlementPeriodMonths">): SettlementPeriod {
  const months = rules.settlementPeriodMonths;
  if (!Number.isInteger(months) || months < 1 || months > 12) {
    throw new RangeError(`settlementPeriodMonths must be a whole number from 1 to 12, not ${months}.`);
  }
  dayNumberOf(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const first = Math.floor((month - 1) / months) * months + 1;
  const last = Math.min(12, first + months - 1);
  return {
    start: `${pad(year, 4)}-${pad(first)}-01`,
    end: lastDateOfMonth(`${pad(year, 4)}-${pad(last)}`),
    months,
  };
}

/** The yearly cap, its warning threshold and the weekly threshold of `rules`, in seconds. */
export function overtimeLimits(rules: LabourRules): { cap: number; warning: number; weekly: number } {
  const { yearlyCapHours, yearlyWarningRatio, weeklyThresholdHours } = rules.overtime;
  const cap = Math.round(yearlyCapHours * 3600);
  return { cap, warning: Math.round(cap * yearlyWarningRatio), weekly: Math.round(weeklyThresholdHours * 3600) };
}

/** The status of a year's overtime: `approaching` needs some overtime, even with a ratio of 0. */
export function overtimeStatus(overtimeSeconds: number, cap: number, warning: number): OvertimeStatus {
  if (overtimeSeconds > cap) return "exceeded";
  if (overtimeSeconds > 0 && overtimeSeconds >= warning) return "approaching";
  return "ok";
}

/**
 * One employee's overtime report (the API's `OvertimeReportRow`, PL Kodeks pracy art. 151 § 3,
 * CZ zákoník práce § 93 odst. 2 and 4): the overtime of the calendar year `year` against the
 * yearly cap, its status, and the weeks of a settlement period — the one containing `today`
 * (`YYYY-MM-DD`, local) for the current year, the last one of a past year, the first one of a
 * future year. Pass the pieces (`splitWork`) of that one employee covering the year and the
 * days of the first week before 1 January; pieces of other dates are ignored. A week counts only
 * its days inside the period and is `overThreshold` when more than
 * `overtime.weeklyThresholdHours` was worked in them.
 *
 * @example
 * ```ts
 * const rules = defaultLabourRules("PL");
 * const row = overtimeReport(splitWork(sessionsOf2026, rules), rules, 2026, "2026-10-13");
 * row.status; // "ok" | "approaching" | "exceeded"
 * row.weeks.map((w) => w.weekStart); // ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
 * ```
 */
export function overtimeReport(
  pieces: Iterable<WorkPiece>,
  rules: LabourRules,
  year: number,
  today: string,
): OvertimeSummary {
  const thisYear = Number(today.slice(0, 4));
  const y = pad(year, 4);
  const reference = year === thisYear ? today : year < thisYear ? `${y}-12-31` : `${y}-01-01`;
  const period = settlementPeriod(reference, rules);
  const { cap, warning, weekly } = overtimeLimits(rules);
  const periodStart = dayNumberOf(period.start);
  const periodEnd = dayNumberOf(period.end);
  const firstMonday = periodStart - isoWeekdayOf(periodStart) + 1;
  const weekCount = Math.floor((periodEnd - firstMonday) / 7) + 1;
  const worked = new Array<number>(weekCount).fill(0);
  const overtime = new Array<number>(weekCount).fill(0);
  let yearOvertime = 0;
  for (const piece of pieces) {
    if (piece.date.startsWith(y)) yearOvertime += piece.overtimeSeconds;
    if (piece.date < period.start || piece.date > period.end) continue;
    const week = Math.floor((dayNumberOf(piece.date) - firstMonday) / 7);
    worked[week] = (worked[week] as number) + piece.workedSeconds;
    overtime[week] = (overtime[week] as number) + piece.overtimeSeconds;
  }
  const weeks: OvertimeWeek[] = worked.map((workedSeconds, i) => ({
    weekStart: dateOfDayNumber(firstMonday + 7 * i),
    workedSeconds,
    overtimeSeconds: overtime[i] as number,
    overThreshold: workedSeconds > weekly,
  }));
  const percent = cap > 0 ? Math.round((yearOvertime / cap) * 1000) / 10 : yearOvertime > 0 ? 1000 : 0;
  return {
    year,
    overtimeSeconds: yearOvertime,
    capSeconds: cap,
    warningSeconds: warning,
    capPercent: Math.min(1000, percent),
    status: overtimeStatus(yearOvertime, cap, warning),
    settlementPeriod: period,
    weeks,
  };
}
