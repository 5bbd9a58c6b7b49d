import { describe, expect, it } from "vitest";
import { type Country, type DateRange, defaultLabourRules, expandLeave, type LabourRules } from "../../src/index.js";

const H = 3600;

function leave(startDate: string, endDate: string, halfDayStart = false, halfDayEnd = false) {
  return { employeeId: "emp_1", type: "vacation" as const, startDate, endDate, halfDayStart, halfDayEnd };
}

describe("expandLeave", () => {
  it.each<[string, Country, ReturnType<typeof leave>, DateRange | undefined, [string, number][]]>([
    [
      // Mon 9 – Fri 13 Nov 2026; Wed 11 Nov is PL Independence Day.
      "a PL week with a holiday",
      "PL",
      leave("2026-11-09", "2026-11-13"),
      undefined,
      [
        ["2026-11-09", 1],
        ["2026-11-10", 1],
        ["2026-11-12", 1],
        ["2026-11-13", 1],
      ],
    ],
    [
      // Mon 26 – Fri 30 Oct 2026; Wed 28 Oct is a CZ holiday; the afternoon of Monday and the
      // morning of Friday only.
      "a CZ week with a holiday and both half days",
      "CZ",
      leave("2026-10-26", "2026-10-30", true, true),
      undefined,
      [
        ["2026-10-26", 0.5],
        ["2026-10-27", 1],
        ["2026-10-29", 1],
        ["2026-10-30", 0.5],
      ],
    ],
    [
      // Thu 29 Oct – Tue 3 Nov 2026, clipped to November: Sun 1 Nov is a weekend day (and a PL
      // holiday), so Mon 2 and the morning of Tue 3 are left.
      "a leave over a month boundary, clipped to the month",
      "PL",
      leave("2026-10-29", "2026-11-03", false, true),
      { from: "2026-11-01", to: "2026-11-30" },
      [
        ["2026-11-02", 1],
        ["2026-11-03", 0.5],
      ],
    ],
    ["a half day on a holiday counts nothing", "PL", leave("2026-11-11", "2026-11-11", true), undefined, []],
    ["a weekend", "CZ", leave("2026-11-14", "2026-11-15"), undefined, []],
    [
      "a range that misses the leave",
      "CZ",
      leave("2026-10-05", "2026-10-09"),
      { from: "2026-11-01", to: "2026-11-30" },
      [],
    ],
    [
      // PL Christmas 2025: Wed 24, Thu 25 and Fri 26 Dec are holidays; Mon 22, Tue 23 remain.
      "PL Christmas 2025",
      "PL",
      leave("2025-12-22", "2025-12-28"),
      undefined,
      [
        ["2025-12-22", 1],
        ["2025-12-23", 1],
      ],
    ],
  ])("%s", (_label, country, period, range, expected) => {
    const days = expandLeave(period, defaultLabourRules(country), range);
    expect(days.map((d) => [d.date, d.days])).toEqual(expected);
    for (const d of days) {
      expect(d).toMatchObject({ employeeId: "emp_1", type: "vacation", seconds: d.days * 8 * H });
    }
  });

  it("values a day at the organization's daily norm", () => {
    const rules: LabourRules = { ...defaultLabourRules("CZ"), dailyHoursNorm: 7.5 };
    // Fri 9 Oct 2026 morning only: 0.5 × 7.5 h = 3 h 45 min = 13,500 s.
    expect(expandLeave(leave("2026-10-09", "2026-10-09", false, true), rules)).toEqual([
      { employeeId: "emp_1", date: "2026-10-09", type: "vacation", days: 0.5, seconds: 13_500 },
    ]);
  });
});
