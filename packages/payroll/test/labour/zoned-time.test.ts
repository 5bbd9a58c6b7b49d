import { describe, expect, it } from "vitest";
import {
  addDays,
  isoWeekMonday,
  localDateOf,
  localDateTimeOf,
  startOfLocalDay,
  zonedDateTime,
} from "../../src/index.js";

// Europe/Warsaw and Europe/Prague: CET (+01:00) in winter, CEST (+02:00) in summer. In 2026
// clocks go forward on Sunday 29 March at 02:00 CET (01:00Z) and back on Sunday 25 October at
// 03:00 CEST (01:00Z).

describe("localDateOf", () => {
  it.each([
    ["just before midnight in winter", "2026-01-15T22:59:59Z", "Europe/Warsaw", "2026-01-15"],
    ["midnight in winter (+01:00)", "2026-01-15T23:00:00Z", "Europe/Warsaw", "2026-01-16"],
    ["midnight in summer (+02:00)", "2026-07-15T22:00:00Z", "Europe/Prague", "2026-07-16"],
    ["the last second before summer midnight", "2026-07-15T21:59:59Z", "Europe/Prague", "2026-07-15"],
    ["New Year's Eve in UTC is New Year in Warsaw", "2026-12-31T23:30:00Z", "Europe/Warsaw", "2027-01-01"],
    ["UTC itself", "2026-12-31T23:30:00Z", "UTC", "2026-12-31"],
    ["behind UTC", "2026-01-01T03:00:00Z", "America/New_York", "2025-12-31"],
  ])("%s", (_label, instant, zone, date) => {
    expect(localDateOf(new Date(instant), zone)).toBe(date);
  });

  it("refuses an unknown time zone and an invalid date", () => {
    expect(() => localDateOf(new Date(), "Europe/Atlantis")).toThrow(RangeError);
    expect(() => localDateOf(new Date(Number.NaN), "Europe/Warsaw")).toThrow(RangeError);
  });
});

describe("localDateTimeOf", () => {
  it.each([
    ["the first 02:30 of the October overlap", "2026-10-25T00:30:00Z", "2026-10-25", "02:30"],
    ["the second 02:30 of the October overlap", "2026-10-25T01:30:00Z", "2026-10-25", "02:30"],
    ["just after the March gap", "2026-03-29T01:00:00Z", "2026-03-29", "03:00"],
    ["just before the March gap", "2026-03-29T00:59:00Z", "2026-03-29", "01:59"],
  ])("%s", (_label, instant, date, time) => {
    expect(localDateTimeOf(new Date(instant), "Europe/Warsaw")).toEqual({ date, time });
  });
});

describe("zonedDateTime", () => {
  it.each([
    ["a winter wall time", "2026-01-15", "08:00", "Europe/Warsaw", "2026-01-15T07:00:00Z"],
    ["a summer wall time", "2026-07-15", "08:00", "Europe/Prague", "2026-07-15T06:00:00Z"],
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 02:30 never happens; it moves forward by
    // the gap to 03:30 CEST = 01:30Z.
    ["in the March gap", "2026-03-29", "02:30", "Europe/Warsaw", "2026-03-29T01:30:00Z"],
    ["the end of the March gap", "2026-03-29", "03:00", "Europe/Prague", "2026-03-29T01:00:00Z"],
    ["before the March gap", "2026-03-29", "01:59", "Europe/Prague", "2026-03-29T00:59:00Z"],
    // 25 October 2026: 03:00 CEST goes back to 02:00 CET, so 02:30 happens at 00:30Z (CEST) and at
    // 01:30Z (CET); the first one is taken.
    ["in the October overlap", "2026-10-25", "02:30", "Europe/Warsaw", "2026-10-25T00:30:00Z"],
    ["after the October overlap", "2026-10-25", "03:00", "Europe/Warsaw", "2026-10-25T02:00:00Z"],
    ["before the October overlap", "2026-10-25", "01:59", "Europe/Prague", "2026-10-24T23:59:00Z"],
  ])("%s", (_label, date, time, zone, instant) => {
    expect(zonedDateTime(date, time, zone).toISOString()).toBe(new Date(instant).toISOString());
  });

  it("refuses malformed dates and times", () => {
    expect(() => zonedDateTime("2026-02-30", "08:00", "Europe/Warsaw")).toThrow(RangeError);
    expect(() => zonedDateTime("2026-2-3", "08:00", "Europe/Warsaw")).toThrow(TypeError);
    expect(() => zonedDateTime("2026-02-03", "24:00", "Europe/Warsaw")).toThrow(TypeError);
  });
});

describe("startOfLocalDay", () => {
  it.each([
    ["a winter day", "2026-11-11", "Europe/Warsaw", "2026-11-10T23:00:00Z"],
    ["a summer day", "2026-07-01", "Europe/Prague", "2026-06-30T22:00:00Z"],
    ["the day clocks go forward (23 h long)", "2026-03-29", "Europe/Warsaw", "2026-03-28T23:00:00Z"],
    ["the day after it", "2026-03-30", "Europe/Warsaw", "2026-03-29T22:00:00Z"],
    ["the day clocks go back (25 h long)", "2026-10-25", "Europe/Warsaw", "2026-10-24T22:00:00Z"],
    ["the day after it", "2026-10-26", "Europe/Warsaw", "2026-10-25T23:00:00Z"],
    // America/Santiago skips midnight when it goes forward (2026-09-06 00:00 → 01:00).
    ["a zone whose midnight falls in a gap", "2026-09-06", "America/Santiago", "2026-09-06T04:00:00Z"],
  ])("%s", (_label, date, zone, instant) => {
    expect(startOfLocalDay(date, zone).toISOString()).toBe(new Date(instant).toISOString());
  });
});

describe("calendar arithmetic", () => {
  it.each([
    ["2026-11-09", "2026-11-09"], // a Monday
    ["2026-11-15", "2026-11-09"], // a Sunday
    ["2026-01-01", "2025-12-29"], // a Thursday: the week starts in the previous year
    ["2028-03-01", "2028-02-28"], // across a leap day
  ])("isoWeekMonday(%s) = %s", (date, monday) => {
    expect(isoWeekMonday(date)).toBe(monday);
  });

  it("adds days across months, years and leap days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
