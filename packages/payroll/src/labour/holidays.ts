import Holidays from "date-holidays";
import type { Country, DayKind } from "./types.js";
import { dayNumberOf, isoWeekdayOf } from "./zoned-time.js";

// Public holidays (days free from work by law) of the countries Timecard serves, from the
// maintained `date-holidays` package: PL ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od
// pracy (with Christmas Eve from 2025), CZ zákon č. 245/2000 Sb. Only holidays of type `public`
// count; observances, school and optional days do not free anyone from work.

/** One public holiday: its date (`YYYY-MM-DD`, local) and its name in the country's language. */
export interface PublicHoliday {
  readonly date: string;
  readonly name: string;
}

const calendars = new Map<Country, Holidays>();
const byYear = new Map<string, { list: readonly PublicHoliday[]; dates: ReadonlySet<string> }>();

function calendar(country: Country): Holidays {
  let hd = calendars.get(country);
  if (!hd) {
    if (country !== "PL" && country !== "CZ") throw new TypeError(`Timecard serves PL and CZ, not "${country}".`);
    hd = new Holidays(country, { types: ["public"] });
    calendars.set(country, hd);
  }
  return hd;
}

function holidaysOf(country: Country, year: number) {
  const key = `${country}:${year}`;
  let entry = byYear.get(key);
  if (!entry) {
    const seen = new Map<string, string>();
    for (const h of calendar(country).getHolidays(year)) {
      // `date` is the local start, "YYYY-MM-DD hh:mm:ss".
      const date = h.date.slice(0, 10);
      if (h.type === "public" && !seen.has(date)) seen.set(date, h.name);
    }
    const list = [...seen].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
    entry = { list, dates: new Set(seen.keys()) };
    byYear.set(key, entry);
  }
  return entry;
}

/**
 * The public holidays of a country in a calendar year, by date (also those on a Saturday or a
 * Sunday).
 *
 * @example
 * ```ts
 * publicHolidays("CZ", 2026)[0]; // { date: "2026-01-01", name: "Nový rok a Den obnovy samostatného českého státu" }
 * ```
 */
export function publicHolidays(country: Country, year: number): readonly PublicHoliday[] {
  return holidaysOf(country, year).list;
}

/**
 * Whether `date` (`YYYY-MM-DD`) is a public holiday in `country`.
 *
 * @example
 * ```ts
 * isPublicHoliday("PL", "2026-11-11"); // true: Narodowe Święto Niepodległości
 * ```
 */
export function isPublicHoliday(country: Country, date: string): boolean {
  return holidaysOf(country, Number(date.slice(0, 4))).dates.has(date);
}

/** `dayKind` of a day number (days since 1970-01-01), for the engine's loops. */
export function dayKindOf(day: number, date: string, country: Country): DayKind {
  if (isPublicHoliday(country, date)) return "holiday";
  const weekday = isoWeekdayOf(day);
  return weekday === 6 ? "saturday" : weekday === 7 ? "sunday" : "working";
}

/**
 * What kind of day `date` (`YYYY-MM-DD`) is in `country`: a public holiday (also on a weekend),
 * a Saturday, a Sunday or a working day.
 *
 * @example
 * ```ts
 * dayKind("2026-11-11", "PL"); // "holiday" (Independence Day, a Wednesday)
 * dayKind("2026-10-28", "CZ"); // "holiday" (Den vzniku samostatného československého státu)
 * dayKind("2026-11-14", "PL"); // "saturday"
 * ```
 */
export function dayKind(date: string, country: Country): DayKind {
  return dayKindOf(dayNumberOf(date), date, country);
}
