import { describe, expect, it } from "vitest";
import {
  addDays,
  defaultLabourRules,
  type LabourRules,
  overtimeReport,
  settlementPeriod,
  splitWork,
  type WorkSession,
  zonedDateTime,
} from "../../src/index.js";

const H = 3600;
const PL = defaultLabourRules("PL");

let counter = 0;
/** A session on `date` from `from` to `to`, Warsaw wall time. */
function work(date: string, from: string, to: string): WorkSession {
  return {
    id: `ses_${++counter}`,
    employeeId: "emp_1",
    projectId: null,
    taskId: null,
    startedAt: zonedDateTime(date, from, PL.timeZone),
    endedAt: zonedDateTime(date, to, PL.timeZone),
  };
}

// One employee's 2026 in Poland:
// - 12 Saturdays from 3 January, 08:00–18:00: 12 × 10 h = 120 h of overtime (all Saturday work).
// - Mon 28 Sep – Fri 2 Oct, 8 h a day: no overtime; only Thu 1 and Fri 2 are in October (16 h).
// - Mon 5 – Fri 9 Oct, 9 h a day: 45 h, 5 h of overtime (1 h a day beyond the norm).
// - Mon 12 – Fri 16 Oct, 8 h a day: exactly 40 h, the weekly threshold: not over it.
// Year: 120 + 5 = 125 h of overtime = 450,000 s; 125 / 150 = 83.3 %; the warning is at 0.8 × 150 = 120 h.
const SESSIONS: WorkSession[] = [
  ...Array.from({ length: 12 }, (_, i) => work(addDays("2026-01-03", 7 * i), "08:00", "18:00")),
  ...["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"].map((d) => work(d, "08:00", "16:00")),
  ...[5, 6, 7, 8, 9].map((d) => work(`2026-10-0${d}`, "08:00", "17:00")),
  ...[12, 13, 14, 15, 16].map((d) => work(`2026-10-${d}`, "08:00", "16:00")),
];

describe("overtimeReport", () => {
  const pieces = splitWork(SESSIONS, PL);

  it("reports the current year against the cap, with the weeks of the current settlement period", () => {
    const report = overtimeReport(pieces, PL, 2026, "2026-10-13");
    expect(report).toMatchObject({
      year: 2026,
      overtimeSeconds: 125 * H,
      capSeconds: 150 * H,
      warningSeconds: 120 * H,
      capPercent: 83.3,
      status: "approaching",
      settlementPeriod: { start: "2026-10-01", end: "2026-10-31", months: 1 },
    });
    expect(report.weeks).toEqual([
      // Only Thu 1 and Fri 2 October of the week of 28 September count.
      { weekStart: "2026-09-28", workedSeconds: 16 * H, overtimeSeconds: 0, overThreshold: false },
      { weekStart: "2026-10-05", workedSeconds: 45 * H, overtimeSeconds: 5 * H, overThreshold: true },
      { weekStart: "2026-10-12", workedSeconds: 40 * H, overtimeSeconds: 0, overThreshold: false },
      { weekStart: "2026-10-19", workedSeconds: 0, overtimeSeconds: 0, overThreshold: false },
      { weekStart: "2026-10-26", workedSeconds: 0, overtimeSeconds: 0, overThreshold: false },
    ]);
  });

  it.each<[string, Partial<LabourRules["overtime"]>, string, number]>([
    // 125 h against 100 h: exceeded, 125 %.
    ["a lower cap", { yearlyCapHours: 100 }, "exceeded", 125],
    // 125 h against 200 h: 62.5 %, below 0.8 × 200 = 160 h.
    ["a higher cap", { yearlyCapHours: 200 }, "ok", 62.5],
    // 125 h against exactly 125 h: at the cap is not above it; 100 %.
    ["a cap of exactly the overtime", { yearlyCapHours: 125 }, "approaching", 100],
    // 125 h against 150 h with a warning at 0.84 × 150 = 126 h: still ok.
    ["a warning just above", { yearlyWarningRatio: 0.84 }, "ok", 83.3],
  ])("status with %s", (_label, overtime, status, percent) => {
    const rules = { ...PL, overtime: { ...PL.overtime, ...overtime } };
    const report = overtimeReport(pieces, rules, 2026, "2026-10-13");
    expect([report.status, report.capPercent]).toEqual([status, percent]);
  });

  it("takes the last settlement period of a past year and the first of a future one", () => {
    const past = overtimeReport(pieces, { ...PL, settlementPeriodMonths: 3 }, 2025, "2026-10-13");
    expect(past.settlementPeriod).toEqual({ start: "2025-10-01", end: "2025-12-31", months: 3 });
    expect([past.overtimeSeconds, past.status]).toEqual([0, "ok"]);
    // Oct–Dec 2025: Wed 1 Oct is in the week of Mon 29 Sep; Wed 31 Dec in the week of Mon 29 Dec: 14 weeks.
    expect(past.weeks).toHaveLength(14);
    expect(past.weeks[13]?.weekStart).toBe("2025-12-29");
    const future = overtimeReport([], PL, 2027, "2026-10-13");
    expect(future.settlementPeriod).toEqual({ start: "2027-01-01", end: "2027-01-31", months: 1 });
    expect(future.weeks[0]?.weekStart).toBe("2026-12-28");
  });
});

describe("settlementPeriod", () => {
  it.each<[string, number, string, string]>([
    ["2026-10-13", 1, "2026-10-01", "2026-10-31"],
    ["2026-02-10", 1, "2026-02-01", "2026-02-28"],
    ["2028-02-10", 1, "2028-02-01", "2028-02-29"],
    ["2026-05-20", 4, "2026-05-01", "2026-08-31"],
    ["2026-12-31", 4, "2026-09-01", "2026-12-31"],
    ["2026-06-30", 3, "2026-04-01", "2026-06-30"],
    ["2026-07-01", 6, "2026-07-01", "2026-12-31"],
    ["2026-03-15", 12, "2026-01-01", "2026-12-31"],
    // 5 months do not divide a year: Jan–May, Jun–Oct, then Nov–Dec cut at 31 December.
    ["2026-11-15", 5, "2026-11-01", "2026-12-31"],
  ])("%s with %i-month periods", (date, months, start, end) => {
    expect(settlementPeriod(date, { settlementPeriodMonths: months })).toEqual({ start, end, months });
  });

  it("refuses a length outside 1–12 months", () => {
    expect(() => settlementPeriod("2026-10-13", { settlementPeriodMonths: 0 })).toThrow(RangeError);
    expect(() => settlementPeriod("2026-10-13", { settlementPeriodMonths: 1.5 })).toThrow(RangeError);
  });
});
