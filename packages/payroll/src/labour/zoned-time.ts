// Local dates and wall times in an IANA time zone, from `Intl` alone (no dependency). Labour law
// counts days, nights, weeks and months on the wall clock of the organization's time zone, while
// sessions are instants; these helpers convert between the two.
//
// Everything internal works on whole seconds since the epoch and on "day numbers" (days since
// 1970-01-01 of a calendar date), so the engine can split 200,000 sessions without building a
// formatter or a string per session. UTC offsets are read from `Intl.DateTimeFormat` once per
// hour of time and cached; an hour that contains a change of offset is never cached.

const DAY_SECONDS = 86_400;
const HOUR_SECONDS = 3_600;
const MAX_CACHED_HOURS = 200_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for a time zone the runtime does not know, which is what callers want.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The UTC offset, in seconds, of `timeZone` at the instant `second` (seconds since the epoch). */
function readOffset(timeZone: string, second: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let sec = 0;
  for (const part of formatterFor(timeZone).formatToParts(second * 1000)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        sec = Number(part.value);
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, sec) / 1000 - second;
}

/** The UTC offset of `timeZone` at `second`, in seconds (cached per hour without a change of offset). */
export function offsetAt(timeZone: string, second: number): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    formatterFor(timeZone);
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const hour = Math.floor(second / HOUR_SECONDS);
  const cached = cache.get(hour);
  if (cached !== undefined) return cached;
  const first = readOffset(timeZone, hour * HOUR_SECONDS);
  const last = readOffset(timeZone, hour * HOUR_SECONDS + HOUR_SECONDS - 1);
  if (first !== last) return readOffset(timeZone, second);
  if (cache.size >= MAX_CACHED_HOURS) cache.clear();
  cache.set(hour, first);
  return first;
}

/** The day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function dayNumberOf(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError(`"${date}" is not a date of the form YYYY-MM-DD.`);
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const n = ms / (DAY_SECONDS * 1000);
  if (!Number.isInteger(n) || dateOfDayNumber(n) !== date) throw new RangeError(`"${date}" is not a calendar date.`);
  return n;
}

/** The `YYYY-MM-DD` date of a day number. */
export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/** The ISO weekday of a day number: 1 Monday … 7 Sunday. */
export function isoWeekdayOf(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The local day number of the instant `second` in `timeZone`. */
export function localDayNumber(second: number, timeZone: string): number {
  return Math.floor((second + offsetAt(timeZone, second)) / DAY_SECONDS);
}

/**
 * The instant (seconds since the epoch) at which the local wall clock of `timeZone` shows
 * `minutes` minutes after midnight of the local day `day`.
 *
 * Around a change of offset, JavaScript's `Temporal` "compatible" rule applies: a wall time
 * that happens twice (the autumn overlap) is the earlier of its two instants; a wall time that
 * never happens (the spring gap) is moved forward by the length of the gap (02:30 on the day
 * clocks go from 02:00 to 03:00 is 03:30). Both cases resolve to the offset in force before
 * the change.
 */
export function zonedSecond(day: number, minutes: number, timeZone: string): number {
  const wall = day * DAY_SECONDS + minutes * 60;
  // Offsets a day before and after the wall time, taken at instants that are surely on either
  // side of any change near it (no zone changes its offset twice within two days).
  const before = offsetAt(timeZone, wall - DAY_SECONDS);
  const after = offsetAt(timeZone, wall + DAY_SECONDS);
  const early = wall - before;
  if (before === after) return early;
  const late = wall - after;
  const earlyValid = offsetAt(timeZone, early) === before;
  const lateValid = offsetAt(timeZone, late) === after;
  // Overlap: both valid, take the earlier (offset before). Gap: neither valid, move forward
  // (again the offset before). Otherwise the one that is valid.
  if (lateValid && !earlyValid) return late;
  return early;
}

function toSecond(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date.");
  return Math.floor(ms / 1000);
}

function parseWallTime(time: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new TypeError(`"${time}" is not a local time of the form HH:MM (00:00 to 23:59).`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes after midnight of an `HH:MM` wall time; throws a `TypeError` on another shape. */
export function minutesOfWallTime(time: string): number {
  return parseWallTime(time);
}

/**
 * The local calendar date (`YYYY-MM-DD`) of an instant in an IANA time zone.
 *
 * @example
 * ```ts
 * localDateOf(new Date("2026-10-06T22:30:00Z"), "Europe/Warsaw"); // "2026-10-07" (00:30 CEST)
 * ```
 */
export function localDateOf(instant: Date, timeZone: string): string {
  return dateOfDayNumber(localDayNumber(toSecond(instant), timeZone));
}

/**
 * The local date and wall time (`HH:MM`) of an instant in an IANA time zone.
 *
 * @example
 * ```ts
 * localDateTimeOf(new Date("2026-10-06T21:30:00Z"), "Europe/Warsaw"); // { date: "2026-10-06", time: "23:30" }
 * ```
 */
export function localDateTimeOf(instant: Date, timeZone: string): { date: string; time: string } {
  const second = toSecond(instant);
  const local = second + offsetAt(timeZone, second);
  const day = Math.floor(local / DAY_SECONDS);
  const minutes = Math.floor((local - day * DAY_SECONDS) / 60);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return { date: dateOfDayNumber(day), time: `${hh}:${mm}` };
}

/**
 * The instant at which the wall clock of `timeZone` shows `time` (`HH:MM`) on `date`
 * (`YYYY-MM-DD`). A time in the autumn overlap is its first occurrence; a time in the spring
 * gap is moved forward by the gap (as `Temporal`'s "compatible" disambiguation does).
 *
 * @example
 * ```ts
 * zonedDateTime("2026-10-25", "02:30", "Europe/Warsaw"); // 2026-10-25T00:30:00Z (CEST, the first 02:30)
 * zonedDateTime("2026-03-29", "02:30", "Europe/Warsaw"); // 2026-03-29T01:30:00Z (03:30 CEST: 02:30 never happens)
 * ```
 */
export function zonedDateTime(date: string, time: string, timeZone: string): Date {
  return new Date(zonedSecond(dayNumberOf(date), parseWallTime(time), timeZone) * 1000);
}

/**
 * The first instant of the local day `date` in `timeZone` (its midnight, or the end of a gap
 * where a zone skips midnight). The day ends where the next one starts, so a local day lasts
 * 23, 24 or 25 hours.
 *
 * @example
 * ```ts
 * startOfLocalDay("2026-11-11", "Europe/Warsaw"); // 2026-11-10T23:00:00Z
 * ```
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(zonedSecond(dayNumberOf(date), 0, timeZone) * 1000);
}

/**
 * The Monday (`YYYY-MM-DD`) of the ISO week (Monday to Sunday) that contains `date`.
 *
 * @example
 * ```ts
 * isoWeekMonday("2026-11-15"); // "2026-11-09" (15 November 2026 is a Sunday)
 * ```
 */
export function isoWeekMonday(date: string): string {
  const day = dayNumberOf(date);
  return dateOfDayNumber(day - isoWeekdayOf(day) + 1);
}

/**
 * `date` (`YYYY-MM-DD`) moved by `days` calendar days.
 *
 * @example
 * ```ts
 * addDays("2026-12-31", 1); // "2027-01-01"
 * ```
 */
export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/**
 * The last date (`YYYY-MM-DD`) of the month `month` (`YYYY-MM`).
 *
 * @example
 * ```ts
 * lastDateOfMonth("2028-02"); // "2028-02-29"
 * ```
 */
export function lastDateOfMonth(month: string): string {
  const first = dayNumberOf(`${month}-01`);
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  return dateOfDayNumber(first + days - 1);
}
