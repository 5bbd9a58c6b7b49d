import { describe, expect, it } from "vitest";
import { czechMonth, employeesOf, polishMonth } from "../support/months.js";

// The fixtures every format test reads: their pieces must keep the engine's invariants, or the
// formats' hour checks would compare against nonsense.
describe.each([
  ["CZ", czechMonth()],
  ["PL", polishMonth()],
])("the %s test month", (_, input) => {
  const employees = employeesOf(input);

  it("has pieces whose worked time is regular + overtime, within the month", () => {
    for (const e of employees) {
      for (const p of e.pieces) {
        expect(p.workedSeconds).toBe(p.regularSeconds + p.overtimeSeconds);
        expect(p.nightSeconds).toBeLessThanOrEqual(p.workedSeconds);
        expect(p.sundayHolidaySeconds).toBeLessThanOrEqual(p.workedSeconds);
        expect(p.date.startsWith(input.month)).toBe(true);
        expect(p.workedSeconds).toBe((p.end.getTime() - p.start.getTime()) / 1000);
      }
    }
  });

  it("covers a night, a weekend, a holiday and every kind of leave day", () => {
    const pieces = employees.flatMap((e) => e.pieces);
    const leave = employees.flatMap((e) => e.leave);
    expect(pieces.some((p) => p.nightSeconds > 0)).toBe(true);
    expect(pieces.some((p) => p.dayKind === "saturday")).toBe(true);
    expect(pieces.some((p) => p.dayKind === "holiday")).toBe(true);
    expect(leave.some((d) => d.days === 0.5)).toBe(true);
    expect(new Set(leave.map((d) => d.type)).size).toBeGreaterThanOrEqual(3);
  });
});
