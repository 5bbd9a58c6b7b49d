import { calendarOf } from "./calendar.js";
import { dailyNormSeconds } from "./split-work.js";
import type { DateRange, LabourRules, LeaveDay, LeavePeriod } from "./types.js";
import { dayNumberOf } from "./zoned-time.js";

/**
 * The working days of an approved leave, one `LeaveDay` each: weekends and public holidays are
 * not leave days (PL Kodeks pracy art. 154² § 1: leave is granted for the days that are working
 * days for the employee; CZ zákoník práce § 212 odst. 1 with § 91), and a half day at either end
 * counts 0.5. Each day is worth `days × dailyHoursNorm` hours, in seconds. With `range`, only
 * the days inside it (a month of a leave that spans two).
 *
 * @example
 * ```ts
 * // Mon 9 – Fri 13 Nov 2026 in Poland, the afternoon of the Monday only; Wed 11 Nov is a holiday.
 * expandLeave(
 *   { employeeId: "emp_1", type: "vacation", startDate: "2026-11-09", endDate: "2026-11-13",
 *     halfDayStart: true, halfDayEnd: false },
 *   defaultLabourRules("PL"),
 * ).map((d) => [d.date, d.days]);
 * // [["2026-11-09", 0.5], ["2026-11-10", 1], ["2026-11-12", 1], ["2026-11-13", 1]]
 * ```
 */
export function expandLeave(leave: LeavePeriod, rules: LabourRules, range?: DateRange): LeaveDay[] {
  const calendar = calendarOf(rules);
  const norm = dailyNormSeconds(rules);
  const start = dayNumberOf(leave.startDate);
  const end = dayNumberOf(leave.endDate);
  const from = range ? Math.max(start, dayNumberOf(range.from)) : start;
  const to = range ? Math.min(end, dayNumberOf(range.to)) : end;
  const days: LeaveDay[] = [];
  for (let day = from; day <= to; day++) {
    const local = calendar.day(day);
    if (local.kind !== "working") continue;
    const half = (day === start && leave.halfDayStart) || (day === end && leave.halfDayEnd);
    const count = half ? 0.5 : 1;
    days.push({
      employeeId: leave.employeeId,
      date: local.date,
      type: leave.type,
      days: count,
      seconds: Math.round(count * norm),
    });
  }
  return days;
}
