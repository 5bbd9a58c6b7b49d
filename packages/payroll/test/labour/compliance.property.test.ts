import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ComplianceFinding,
  type Country,
  checkCompliance,
  defaultLabourRules,
  type WorkSession,
} from "../../src/index.js";

// Random working lives of one employee over six weeks around a change of clock: findings must
// not depend on how the work was cut into sessions or in which order the sessions come.

const MINUTE = 60_000;
const EMPLOYEE = { id: "emp_1", name: "Eva Nováková" };

const lifeArb = fc.record({
  country: fc.constantFrom<Country>("PL", "CZ"),
  // From Mon 5 Oct 2026 (summer time) over the change of Sun 25 Oct.
  sessions: fc.array(
    fc.record({
      startMinute: fc.integer({ min: 0, max: 42 * 24 * 60 }),
      minutes: fc.integer({ min: 30, max: 16 * 60 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

/** Non-overlapping sessions (a session of an employee never overlaps another), in order. */
function toSessions(spec: { startMinute: number; minutes: number }[]): WorkSession[] {
  const base = Date.parse("2026-10-04T22:00:00Z");
  const sorted = [...spec].sort((a, b) => a.startMinute - b.startMinute);
  const out: WorkSession[] = [];
  let free = 0;
  for (const [i, s] of sorted.entries()) {
    const start = Math.max(s.startMinute, free + 1);
    free = start + s.minutes;
    out.push({
      id: `ses_${i}`,
      employeeId: EMPLOYEE.id,
      projectId: null,
      taskId: null,
      startedAt: new Date(base + start * MINUTE),
      endedAt: new Date(base + free * MINUTE),
    });
  }
  return out;
}

const facts = (findings: ComplianceFinding[]) =>
  findings.map((f) => ({ key: f.key, start: f.periodStart.getTime(), end: f.periodEnd.getTime(), details: f.details }));

function run(country: Country, sessions: WorkSession[]) {
  return checkCompliance({
    employee: EMPLOYEE,
    sessions,
    rules: defaultLabourRules(country),
    now: new Date("2027-01-01"),
  });
}

describe("checkCompliance properties", () => {
  it("finds the same facts when a session is cut in two at any minute, and in any order", () => {
    fc.assert(
      fc.property(lifeArb, fc.nat(), fc.nat(), ({ country, sessions: spec }, pick, at) => {
        const sessions = toSessions(spec);
        const findings = run(country, sessions);
        const index = pick % sessions.length;
        const target = sessions[index] as WorkSession;
        const minutes = (target.endedAt.getTime() - target.startedAt.getTime()) / MINUTE;
        const cut = new Date(target.startedAt.getTime() + (1 + (at % (minutes - 1))) * MINUTE);
        const split = [
          ...sessions.filter((_, i) => i !== index),
          { ...target, id: `${target.id}_a`, endedAt: cut },
          { ...target, id: `${target.id}_b`, startedAt: cut },
        ].reverse();
        expect(facts(run(country, split))).toEqual(facts(findings));
        // Keys are unique, and every finding is within what its kind says.
        expect(new Set(findings.map((f) => f.key)).size).toBe(findings.length);
        for (const f of findings) {
          const d = f.details;
          if (f.kind === "daily_rest" || f.kind === "weekly_rest") {
            expect(d.actual_rest_seconds).toBeLessThan(d.required_rest_seconds as number);
          }
          if (f.kind === "daily_hours_exceeded")
            expect(d.worked_seconds).toBeGreaterThan(d.threshold_seconds as number);
          if (f.kind === "weekly_overtime_threshold") expect(d.overtime_seconds).toBeGreaterThan(0);
          expect(f.periodEnd.getTime()).toBeGreaterThanOrEqual(f.periodStart.getTime());
        }
      }),
      { numRuns: 60 },
    );
  });
});
