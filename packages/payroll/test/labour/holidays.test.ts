import { describe, expect, it } from "vitest";
import { type Country, type DayKind, dayKind, isPublicHoliday, publicHolidays } from "../../src/index.js";

// The holidays of the two laws: PL ustawa o dniach wolnych od pracy (13 days, 14 with Christmas
// Eve since 2025), CZ zákon č. 245/2000 Sb. (13 days: 12 dates plus the movable Good Friday and
// Easter Monday, minus nothing).
describe("dayKind", () => {
  it.each<[string, string, Country, DayKind]>([
    ["PL Independence Day (Wed 11 Nov 2026)", "2026-11-11", "PL", "holiday"],
    ["the same day in CZ", "2026-11-11", "CZ", "working"],
    ["CZ Independent Czechoslovak State Day (Wed 28 Oct 2026)", "2026-10-28", "CZ", "holiday"],
    ["the same day in PL", "2026-10-28", "PL", "working"],
    ["PL Christmas Eve 2025 (a Wednesday, a holiday from 2025)", "2025-12-24", "PL", "holiday"],
    ["PL Christmas Eve 2024 was a working day (a Tuesday)", "2024-12-24", "PL", "working"],
    ["CZ Christmas Eve", "2026-12-24", "CZ", "holiday"],
    ["PL Assumption on a Saturday (15 Aug 2026): holiday wins", "2026-08-15", "PL", "holiday"],
    ["PL Easter Sunday (5 Apr 2026): holiday wins over Sunday", "2026-04-05", "PL", "holiday"],
    ["CZ Easter Sunday is not a public holiday there", "2026-04-05", "CZ", "sunday"],
    ["a plain Saturday", "2026-11-14", "PL", "saturday"],
    ["a plain Sunday", "2026-11-15", "CZ", "sunday"],
    ["a plain Monday", "2026-11-16", "PL", "working"],
    ["CZ Struggle for Freedom and Democracy Day (Tue 17 Nov)", "2026-11-17", "CZ", "holiday"],
  ])("%s", (_label, date, country, kind) => {
    expect(dayKind(date, country)).toBe(kind);
  });

  it("refuses a malformed date and a country Timecard does not serve", () => {
    expect(() => dayKind("2026-13-01", "PL")).toThrow(RangeError);
    expect(() => dayKind("2026-12-01", "DE" as Country)).toThrow(TypeError);
  });
});

describe("publicHolidays", () => {
  it("lists 14 Polish holidays from 2025 and 13 before", () => {
    expect(publicHolidays("PL", 2024)).toHaveLength(13);
    expect(publicHolidays("PL", 2026)).toHaveLength(14);
    expect(publicHolidays("PL", 2026).map((h) => h.date)).toContain("2026-12-24");
  });

  it("lists the 13 Czech holidays, sorted by date", () => {
    const dates = publicHolidays("CZ", 2026).map((h) => h.date);
    expect(dates).toHaveLength(13);
    expect([...dates].sort()).toEqual(dates);
    expect(isPublicHoliday("CZ", "2026-04-03")).toBe(true); // Good Friday
    expect(isPublicHoliday("PL", "2026-04-03")).toBe(false);
  });
});
