// The Czech reading of a month's pieces that the Czech formats (Money S3 attendance and payroll
// transfer, PAMICA, ABRA Flexi) share, so that they all say the same thing:
// - worked (Odpracováno) is all work EXCEPT work on a public holiday falling on a working day
//   (Mon–Fri): the schemas count that apart ("bez svátků připadajících na pracovní den"), in
//   Svatky / OdprSv;
// - a worked day is a day on which a shift (session) starts, as a shift belongs to the day it
//   begins; a night across midnight is one worked day, its hours fall on both dates;
// - surcharges: overtime = the pieces' overtime (zákoník práce § 114; note that Timecard counts
//   all work on Saturdays, Sundays and holidays as overtime, see the spec's getHoursReport),
//   holiday = all work on public holidays (§ 115), night = the pieces' night (§ 116), Saturday
//   and Sunday = all work on Saturdays and Sundays, holidays included (§ 118); a holiday on a
//   Sunday therefore counts in both, as both surcharges are due.
// All hours are sums of the pieces' seconds, rounded to hundredths only when written.

import type { PayrollEmployee } from "../formatter.js";
import { dayKind } from "../labour/holidays.js";
import type { Country, LeaveDay, LeaveType, WorkPiece } from "../labour/types.js";
import { dateOfDayNumber, dayNumberOf, isoWeekdayOf } from "../labour/zoned-time.js";

/** Saturday or Sunday. */
function isWeekend(date: string): boolean {
  return isoWeekdayOf(dayNumberOf(date)) >= 6;
}

/** The Czech payroll figures of an employee's month, in seconds, summed from the pieces. */
export interface CzechMonthFigures {
  /** All work: Σ workedSeconds. */
  readonly workedSeconds: number;
  /** Work except work on holidays falling on Mon–Fri (Odpracováno). */
  readonly ordinarySeconds: number;
  /** Days on which a shift starts, except holidays falling on Mon–Fri. */
  readonly ordinaryDays: number;
  /** Work on holidays falling on Mon–Fri, by date (Svatky, OdprSv). */
  readonly workdayHolidays: readonly { readonly date: string; readonly seconds: number }[];
  readonly workdayHolidaySeconds: number;
  /** Days on holidays falling on Mon–Fri on which a shift starts. */
  readonly workdayHolidayDays: number;
  readonly overtimeSeconds: number;
  readonly nightSeconds: number;
  /** All work on public holidays, whatever the weekday (§ 115). */
  readonly holidaySeconds: number;
  /** All work on Saturdays and Sundays, holidays included (§ 118). */
  readonly weekendSeconds: number;
}

/** Reads an employee's month the Czech way (see the file comment). */
export function czechMonthFigures(employee: PayrollEmployee): CzechMonthFigures {
  const sessionStarts = new Map(employee.sessions.map((s) => [s.id, s.startedAt.getTime()]));
  const seenSessions = new Set<string>();
  const shiftDays = new Set<string>();
  const holidayByDate = new Map<string, number>();
  let worked = 0;
  let overtime = 0;
  let night = 0;
  let holiday = 0;
  let weekend = 0;
  for (const piece of employee.pieces) {
    worked += piece.workedSeconds;
    overtime += piece.overtimeSeconds;
    night += piece.nightSeconds;
    if (piece.dayKind === "holiday") holiday += piece.workedSeconds;
    if (isWeekend(piece.date)) weekend += piece.workedSeconds;
    if (piece.dayKind === "holiday" && !isWeekend(piece.date)) {
      holidayByDate.set(piece.date, (holidayByDate.get(piece.date) ?? 0) + piece.workedSeconds);
    }
    if (!seenSessions.has(piece.sessionId)) {
      seenSessions.add(piece.sessionId);
      const start = sessionStarts.get(piece.sessionId);
      // The first piece of a session begun in the previous month is not the start of a shift.
      if (start === undefined || start === piece.start.getTime()) shiftDays.add(piece.date);
    }
  }
  const workdayHolidays = [...holidayByDate].map(([date, seconds]) => ({ date, seconds }));
  const workdayHolidaySeconds = workdayHolidays.reduce((sum, h) => sum + h.seconds, 0);
  const workdayHolidayDays = [...shiftDays].filter((d) => holidayByDate.has(d)).length;
  return {
    workedSeconds: worked,
    ordinarySeconds: worked - workdayHolidaySeconds,
    ordinaryDays: shiftDays.size - workdayHolidayDays,
    workdayHolidays,
    workdayHolidaySeconds,
    workdayHolidayDays,
    overtimeSeconds: overtime,
    nightSeconds: night,
    holidaySeconds: holiday,
    weekendSeconds: weekend,
  };
}

/** Seconds worked on a date, from the pieces. */
export function workedSecondsOn(pieces: readonly WorkPiece[], date: string): number {
  let seconds = 0;
  for (const piece of pieces) if (piece.date === date) seconds += piece.workedSeconds;
  return seconds;
}

/** Consecutive leave days of one type: one absence as the payroll programs record it. */
export interface LeaveRun {
  readonly type: LeaveType;
  readonly from: string;
  readonly to: string;
  /** Leave days (halves count 0.5). */
  readonly days: number;
  readonly seconds: number;
  /** Calendar days from `from` to `to`, both included. */
  readonly calendarDays: number;
  readonly first: LeaveDay;
  readonly last: LeaveDay;
  /** Public holidays on Mon–Fri between `from` and `to`: not leave days, but inside the absence. */
  readonly workdayHolidays: number;
}

/**
 * Groups leave days into absences: days of the same type follow each other when only days off
 * (weekends, public holidays of `country`) lie between them. A half day can only start or end a
 * run (the first or last day of a leave request) and, with `splitHalfDays`, stands alone.
 */
export function leaveRuns(leave: readonly LeaveDay[], country: Country, { splitHalfDays = false } = {}): LeaveRun[] {
  const runs: LeaveDay[][] = [];
  let current: LeaveDay[] = [];
  for (const day of leave) {
    const previous = current[current.length - 1];
    const follows =
      previous !== undefined &&
      previous.type === day.type &&
      // A half day is the first or the last day of a leave, never one in the middle.
      (previous.days === 1 || current.length === 1) &&
      !(splitHalfDays && (day.days !== 1 || previous.days !== 1)) &&
      onlyDaysOffBetween(previous.date, day.date, country);
    if (!follows && current.length > 0) {
      runs.push(current);
      current = [];
    }
    current.push(day);
  }
  if (current.length > 0) runs.push(current);
  return runs.map((days) => {
    const first = days[0] as LeaveDay;
    const last = days[days.length - 1] as LeaveDay;
    return {
      type: first.type,
      from: first.date,
      to: last.date,
      days: days.reduce((sum, d) => sum + d.days, 0),
      seconds: days.reduce((sum, d) => sum + d.seconds, 0),
      calendarDays: dayNumberOf(last.date) - dayNumberOf(first.date) + 1,
      first,
      last,
      workdayHolidays: datesBetween(first.date, last.date).filter(
        (date) => !isWeekend(date) && dayKind(date, country) === "holiday",
      ).length,
    };
  });
}

/** The dates strictly between `from` and `to`. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = dayNumberOf(from) + 1; day < dayNumberOf(to); day++) out.push(dateOfDayNumber(day));
  return out;
}

function onlyDaysOffBetween(previous: string, next: string, country: Country): boolean {
  return next > previous && datesBetween(previous, next).every((date) => dayKind(date, country) !== "working");
}

/** The year and two-digit month of a `YYYY-MM` month. */
export function monthParts(month: string): { year: string; month: string } {
  return { year: month.slice(0, 4), month: month.slice(5, 7) };
}
