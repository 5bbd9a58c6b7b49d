import { describe, expect, it } from "vitest";
import { type Country, isPublicHoliday, publicHolidays } from "../src/domain/holidays.js";
import {
  addDays,
  calendarDays,
  isWorkingDay,
  localDate,
  workingDays,
  yearsOf,
} from "../src/domain/leave/working-days.js";

type Row = [
  label: string,
  country: Country,
  start: string,
  end: string,
  halfDayStart: boolean,
  halfDayEnd: boolean,
  expected: number,
];

const CASES: Row[] = [
  ["a plain week", "PL", "2026-10-05", "2026-10-09", false, false, 5],
  ["PL Independence Day (Wed 11 Nov)", "PL", "2026-11-09", "2026-11-13", false, false, 4],
  ["the same week in CZ", "CZ", "2026-11-09", "2026-11-13", false, false, 5],
  ["CZ Struggle for Freedom Day (Tue 17 Nov)", "CZ", "2026-11-16", "2026-11-20", false, false, 4],
  ["the same week in PL", "PL", "2026-11-16", "2026-11-20", false, false, 5],
  ["a weekend only", "PL", "2026-11-14", "2026-11-15", false, false, 0],
  ["a public holiday only", "PL", "2026-11-11", "2026-11-11", false, false, 0],
  ["over a weekend", "PL", "2026-10-08", "2026-10-13", false, false, 4],
  ["afternoon of the first day", "PL", "2026-11-09", "2026-11-13", true, false, 3.5],
  ["morning of the last day", "PL", "2026-11-09", "2026-11-13", false, true, 3.5],
  ["both half days", "PL", "2026-11-09", "2026-11-13", true, true, 3],
  ["a half day on a holiday counts nothing", "PL", "2026-11-11", "2026-11-13", true, false, 2],
  ["a half day on a Sunday counts nothing", "PL", "2026-10-04", "2026-10-06", true, false, 2],
  ["one half day", "CZ", "2026-10-07", "2026-10-07", false, true, 0.5],
  ["one whole day", "CZ", "2026-10-07", "2026-10-07", false, false, 1],
  ["PL Easter Monday", "PL", "2026-04-06", "2026-04-10", false, false, 4],
  ["CZ Good Friday and Easter Monday", "CZ", "2026-03-30", "2026-04-10", false, false, 8],
  ["PL Good Friday is a working day", "PL", "2026-03-30", "2026-04-03", false, false, 5],
  ["PL Corpus Christi (Thu 4 Jun)", "PL", "2026-06-01", "2026-06-05", false, false, 4],
  ["CZ has no Corpus Christi", "CZ", "2026-06-01", "2026-06-05", false, false, 5],
  ["CZ Cyril, Methodius and Jan Hus (5–6 Jul)", "CZ", "2026-07-06", "2026-07-10", false, false, 4],
  ["CZ 8 May", "CZ", "2026-05-04", "2026-05-08", false, false, 4],
  ["PL 1 and 3 May: a Friday and a Sunday", "PL", "2026-04-27", "2026-05-03", false, false, 4],
  ["PL Christmas 2026 with Christmas Eve (since 2025)", "PL", "2026-12-21", "2026-12-31", false, false, 7],
  ["PL Christmas 2024: Christmas Eve was a working day", "PL", "2024-12-23", "2024-12-27", false, false, 3],
  ["CZ Christmas 2024", "CZ", "2024-12-23", "2024-12-27", false, false, 2],
  ["PL over New Year and Epiphany", "PL", "2026-12-28", "2027-01-08", false, false, 8],
  ["CZ over New Year (no Epiphany)", "CZ", "2026-12-28", "2027-01-08", false, false, 9],
  ["a leap day", "PL", "2028-02-28", "2028-03-01", false, false, 3],
  ["a whole year in PL", "PL", "2026-01-01", "2026-12-31", false, false, 253],
  ["a whole year in CZ", "CZ", "2026-01-01", "2026-12-31", false, false, 250],
];

describe("working days", () => {
  it.each(CASES)("%s (%s %s – %s)", (_label, country, start, end, halfDayStart, halfDayEnd, expected) => {
    expect(workingDays(country, { start, end, halfDayStart, halfDayEnd })).toBe(expected);
  });

  it("counts only the days within a window, with the half days where they fall", () => {
    const period = { start: "2026-12-28", end: "2027-01-08", halfDayStart: true, halfDayEnd: true };
    expect(workingDays("PL", period)).toBe(7);
    expect(workingDays("PL", period, { from: "2026-01-01", to: "2026-12-31" })).toBe(3.5);
    expect(workingDays("PL", period, { from: "2027-01-01", to: "2027-12-31" })).toBe(3.5);
    expect(workingDays("PL", period, { from: "2027-02-01", to: "2027-01-31" })).toBe(0);
    expect(yearsOf(period)).toEqual([2026, 2027]);
  });

  it("steps calendar dates without time-zone shifts", () => {
    expect(addDays("2026-03-28", 1)).toBe("2026-03-29");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(calendarDays("2026-01-01", "2026-12-31")).toBe(365);
    expect(calendarDays("2028-01-01", "2028-12-31")).toBe(366);
    expect(calendarDays("2026-01-02", "2026-01-01")).toBe(0);
    expect(localDate(new Date("2026-12-31T23:30:00Z"), "Europe/Warsaw")).toBe("2027-01-01");
    expect(localDate(new Date("2026-12-31T22:30:00Z"), "Europe/Prague")).toBe("2026-12-31");
    expect(isWorkingDay("PL", "2026-11-11")).toBe(false);
    expect(isWorkingDay("PL", "2026-11-12")).toBe(true);
  });
});

describe("public holidays", () => {
  it("lists the statutory public holidays of each country", () => {
    expect(publicHolidays("PL", 2026).map((h) => h.date)).toEqual([
      "2026-01-01",
      "2026-01-06",
      "2026-04-05",
      "2026-04-06",
      "2026-05-01",
      "2026-05-03",
      "2026-05-24",
      "2026-06-04",
      "2026-08-15",
      "2026-11-01",
      "2026-11-11",
      "2026-12-24",
      "2026-12-25",
      "2026-12-26",
    ]);
    expect(publicHolidays("CZ", 2026).map((h) => h.date)).toEqual([
      "2026-01-01",
      "2026-04-03",
      "2026-04-06",
      "2026-05-01",
      "2026-05-08",
      "2026-07-05",
      "2026-07-06",
      "2026-09-28",
      "2026-10-28",
      "2026-11-17",
      "2026-12-24",
      "2026-12-25",
      "2026-12-26",
    ]);
    expect(publicHolidays("PL", 2026)[10]).toEqual({ date: "2026-11-11", name: "Narodowe Święto Niepodległości" });
  });

  it("answers whether a date is a public holiday, and not for observances", () => {
    expect(isPublicHoliday("PL", "2026-11-11")).toBe(true);
    expect(isPublicHoliday("CZ", "2026-11-11")).toBe(false);
    expect(isPublicHoliday("PL", "2024-12-24")).toBe(false);
    expect(isPublicHoliday("PL", "2025-12-24")).toBe(true);
    // Observances (Dzień Babci, Fat Thursday) and school days off (Maundy Thursday) are working days.
    expect(isPublicHoliday("PL", "2026-01-21")).toBe(false);
    expect(isPublicHoliday("PL", "2026-04-02")).toBe(false);
    expect(isPublicHoliday("CZ", "2026-04-02")).toBe(false);
  });
});
