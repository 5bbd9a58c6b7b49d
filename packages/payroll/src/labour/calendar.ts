import { dayKindOf } from "./holidays.js";
import type { Country, DayKind, LabourRules } from "./types.js";
import { dateOfDayNumber, minutesOfWallTime, zonedSecond } from "./zoned-time.js";

// The local days of an organization, computed once per (country, zone, night window, day) and
// shared by every session, employee and call: a month of 10,000 employees touches ~31 days.

/** One local calendar day of an organization, in seconds since the epoch. */
export interface LocalDay {
  /** Days since 1970-01-01. */
  readonly day: number;
  readonly date: string;
  readonly kind: DayKind;
  /** The first second of the day (local midnight, DST-correct). */
  readonly start: number;
  /** The first second of the next day: a day lasts 23, 24 or 25 hours. */
  readonly end: number;
  /** The night window's parts on this day, as `[start, end, start, end…]`, in order. */
  readonly night: readonly number[];
}

/** The days of one organization's calendar. */
export interface Calendar {
  readonly country: Country;
  readonly timeZone: string;
  day(day: number): LocalDay;
}

const MAX_DAYS = 50_000;
const calendars = new Map<string, Calendar>();

/** The calendar of `rules` (cached by country, time zone and night window). */
export function calendarOf(rules: LabourRules): Calendar {
  const key = `${rules.country}|${rules.timeZone}|${rules.nightStart}|${rules.nightEnd}`;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = createCalendar(rules);
    calendars.set(key, calendar);
  }
  return calendar;
}

function createCalendar(rules: LabourRules): Calendar {
  const { country, timeZone } = rules;
  const nightStart = minutesOfWallTime(rules.nightStart);
  const nightEnd = minutesOfWallTime(rules.nightEnd);
  zonedSecond(0, 0, timeZone); // a RangeError now for an unknown zone
  const days = new Map<number, LocalDay>();
  return {
    country,
    timeZone,
    day(day) {
      let local = days.get(day);
      if (local) return local;
      const date = dateOfDayNumber(day);
      const start = zonedSecond(day, 0, timeZone);
      const end = zonedSecond(day + 1, 0, timeZone);
      // The night window in local wall time (PL art. 151⁷ § 1, CZ § 78 odst. 1 písm. j). One
      // that wraps midnight (22:00–06:00) gives two parts on each day: from midnight to its end
      // and from its start to the next midnight. Equal start and end mean no night window.
      const night: number[] = [];
      if (nightStart < nightEnd) {
        night.push(zonedSecond(day, nightStart, timeZone), zonedSecond(day, nightEnd, timeZone));
      } else if (nightStart > nightEnd) {
        if (nightEnd > 0) night.push(start, zonedSecond(day, nightEnd, timeZone));
        night.push(zonedSecond(day, nightStart, timeZone), end);
      }
      local = { day, date, kind: dayKindOf(day, date, country), start, end, night };
      if (days.size >= MAX_DAYS) days.clear();
      days.set(day, local);
      return local;
    },
  };
}

/** Seconds of `[from, to)` inside the night window parts of `day`. */
export function nightOverlap(day: LocalDay, from: number, to: number): number {
  let seconds = 0;
  const night = day.night;
  for (let i = 0; i < night.length; i += 2) {
    const a = Math.max(from, night[i] as number);
    const b = Math.min(to, night[i + 1] as number);
    if (b > a) seconds += b - a;
  }
  return seconds;
}
