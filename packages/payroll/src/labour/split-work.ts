import { calendarOf, nightOverlap } from "./calendar.js";
import type { HoursSplit, LabourRules, WorkPiece, WorkSession } from "./types.js";
import { localDayNumber } from "./zoned-time.js";

type MutablePiece = { -readonly [K in keyof WorkPiece]: WorkPiece[K] };

/** The seconds of the daily norm (`dailyHoursNorm` may be fractional: 7.5 h is 27,000 s). */
export function dailyNormSeconds(rules: LabourRules): number {
  const norm = rules.dailyHoursNorm;
  if (!Number.isFinite(norm) || norm < 0)
    throw new RangeError(`dailyHoursNorm must be a number of hours ≥ 0, not ${norm}.`);
  return Math.round(norm * 3600);
}

function secondOf(instant: Date, what: string): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid Date.`);
  return Math.floor(ms / 1000);
}

function comparePieces(a: WorkPiece, b: WorkPiece): number {
  if (a.employeeId !== b.employeeId) return a.employeeId < b.employeeId ? -1 : 1;
  const byStart = a.start.getTime() - b.start.getTime();
  if (byStart !== 0) return byStart;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/**
 * Splits completed work sessions (of any number of employees) into pieces, one for each local
 * day a session touches, and splits each piece's time the way the labour codes count it:
 *
 * - A piece ends at local midnight of the organization's time zone; its seconds are real
 *   elapsed seconds, so a night across the October change counts 9 hours from 22:00 to 06:00.
 * - `regularSeconds` / `overtimeSeconds`: on a working day (Monday to Friday, not a public
 *   holiday) the first `dailyHoursNorm` hours of the employee's work that day, counted in the
 *   order it was done across all the day's pieces, are regular and the rest is overtime; all
 *   work on Saturdays, Sundays and public holidays is overtime (PL Kodeks pracy art. 151 § 1
 *   with the norms of art. 129 § 1; CZ zákoník práce § 78 odst. 1 písm. i with § 79).
 * - `nightSeconds`: the overlap with the night window `nightStart`–`nightEnd` in local wall
 *   time, which may wrap midnight (PL art. 151⁷ § 1, CZ § 78 odst. 1 písm. j).
 * - `sundayHolidaySeconds`: all work of pieces on Sundays and public holidays (PL art. 151⁹–
 *   151¹¹, CZ § 91 and § 115).
 *
 * Seconds are whole: every instant is truncated to its second, so a session lasts
 * `⌊end⌋ − ⌊start⌋` seconds and its pieces add up to exactly that (a session shorter than that
 * gives no piece). `worked = regular + overtime` exactly; `night ≤ worked`;
 * `sundayHoliday ≤ worked`. The first piece of a session starts at its `startedAt` and the last
 * ends at its `endedAt`, to the millisecond. Pieces come sorted by employee id, then start,
 * then session id. Throws a `RangeError` for a session that ends before it starts.
 *
 * @example
 * ```ts
 * const rules = defaultLabourRules("PL");
 * const pieces = splitWork(
 *   [{ id: "ses_1", employeeId: "emp_1", projectId: null, taskId: null,
 *      startedAt: new Date("2026-10-06T18:00:00Z"), endedAt: new Date("2026-10-07T02:00:00Z") }],
 *   rules,
 * );
 * // Tue 6 Oct 20:00 – Wed 7 Oct 04:00 Warsaw time: 4 h on each day, 2 h + 4 h of night.
 * pieces.map((p) => [p.date, p.workedSeconds, p.nightSeconds]);
 * // [["2026-10-06", 14400, 7200], ["2026-10-07", 14400, 14400]]
 * ```
 */
export function splitWork(sessions: readonly WorkSession[], rules: LabourRules): WorkPiece[] {
  const calendar = calendarOf(rules);
  const norm = dailyNormSeconds(rules);
  const zone = rules.timeZone;
  const pieces: MutablePiece[] = [];
  for (const session of sessions) {
    const first = secondOf(session.startedAt, `Session ${session.id}'s startedAt`);
    const last = secondOf(session.endedAt, `Session ${session.id}'s endedAt`);
    if (last < first) throw new RangeError(`Session ${session.id} ends before it starts.`);
    let from = first;
    let day = localDayNumber(from, zone);
    while (from < last) {
      let local = calendar.day(day);
      if (from < local.start || from >= local.end) {
        day = localDayNumber(from, zone);
        local = calendar.day(day);
        // Cannot happen with a consistent time zone database; never loop on one that is not.
        if (from < local.start || from >= local.end) throw new Error(`No local day of ${zone} holds ${from}.`);
      }
      const to = Math.min(last, local.end);
      const worked = to - from;
      const restDay = local.kind === "sunday" || local.kind === "holiday";
      pieces.push({
        sessionId: session.id,
        employeeId: session.employeeId,
        projectId: session.projectId,
        taskId: session.taskId,
        date: local.date,
        dayKind: local.kind,
        start: from === first ? session.startedAt : new Date(from * 1000),
        end: to === last ? session.endedAt : new Date(to * 1000),
        workedSeconds: worked,
        regularSeconds: 0,
        overtimeSeconds: worked,
        nightSeconds: nightOverlap(local, from, to),
        sundayHolidaySeconds: restDay ? worked : 0,
      });
      from = to;
      day++;
    }
  }
  pieces.sort(comparePieces);
  // The daily norm, chronologically per employee and working day. Pieces of one employee's
  // day are adjacent: they are sorted by start, and every start on a day precedes the next day.
  let employeeId = "";
  let date = "";
  let done = 0;
  for (const piece of pieces) {
    if (piece.employeeId !== employeeId || piece.date !== date) {
      employeeId = piece.employeeId;
      date = piece.date;
      done = 0;
    }
    if (piece.dayKind !== "working") continue;
    const regular = Math.min(piece.workedSeconds, Math.max(0, norm - done));
    done += piece.workedSeconds;
    piece.regularSeconds = regular;
    piece.overtimeSeconds = piece.workedSeconds - regular;
  }
  return pieces;
}

/**
 * The totals of pieces of work (all of them: filter first for one employee, day or project).
 *
 * @example
 * ```ts
 * const month = splitWork(sessions, rules).filter((p) => p.date.startsWith("2026-10"));
 * sumHours(month).overtimeSeconds;
 * ```
 */
export function sumHours(pieces: Iterable<HoursSplit>): HoursSplit {
  let workedSeconds = 0;
  let regularSeconds = 0;
  let overtimeSeconds = 0;
  let nightSeconds = 0;
  let sundayHolidaySeconds = 0;
  for (const piece of pieces) {
    workedSeconds += piece.workedSeconds;
    regularSeconds += piece.regularSeconds;
    overtimeSeconds += piece.overtimeSeconds;
    nightSeconds += piece.nightSeconds;
    sundayHolidaySeconds += piece.sundayHolidaySeconds;
  }
  return { workedSeconds, regularSeconds, overtimeSeconds, nightSeconds, sundayHolidaySeconds };
}
