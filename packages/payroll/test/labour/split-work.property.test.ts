import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Country,
  dayKind,
  defaultLabourRules,
  type LabourRules,
  localDateTimeOf,
  splitWork,
  sumHours,
  type WorkPiece,
  type WorkSession,
} from "../../src/index.js";

// Random sessions of random months (2000–2035, both countries, winter and summer time, both
// changes of clock), checked against the invariants the engine promises and against a slow
// oracle that walks every minute on the wall clock. Run counts are bounded so the file runs in
// a few seconds.

const MINUTE = 60_000;
const RUNS = { numRuns: 60 };

const rulesArb: fc.Arbitrary<LabourRules> = fc
  .record({
    country: fc.constantFrom<Country>("PL", "CZ"),
    // PL art. 151⁷ § 1: 8 hours between 21:00 and 07:00, so the window starts at 21, 22 or 23;
    // CZ § 78: 22–06. Either way no boundary falls in the 02:00–03:00 of a change of clock.
    nightStartHour: fc.constantFrom(21, 22, 23),
    dailyHoursNorm: fc.constantFrom(8, 7.5, 6, 10),
  })
  .map(({ country, nightStartHour, dailyHoursNorm }) => ({
    ...defaultLabourRules(country),
    dailyHoursNorm,
    nightStart: `${nightStartHour}:00`,
    nightEnd: `0${(nightStartHour + 8) % 24}:00`,
  }));

/** Sessions of 1–3 employees in one month, on whole minutes, 1 minute to 30 hours long. */
const sessionsArb = (firstMinute: number, lastMinute: number) =>
  fc.array(
    fc.record({
      employee: fc.constantFrom("emp_a", "emp_b", "emp_c"),
      startMinute: fc.integer({ min: firstMinute, max: lastMinute }),
      minutes: fc.integer({ min: 1, max: 30 * 60 }),
    }),
    { minLength: 1, maxLength: 15 },
  );

/** Any month, or the last 8 days of March or October, where the clocks change (last Sunday). */
const monthArb: fc.Arbitrary<MonthInput> = fc.oneof(
  fc.record({
    year: fc.integer({ min: 2000, max: 2035 }),
    month: fc.integer({ min: 0, max: 11 }),
    sessions: sessionsArb(0, 31 * 24 * 60),
  }),
  fc.record({
    year: fc.integer({ min: 2000, max: 2035 }),
    month: fc.constantFrom(2, 9),
    sessions: sessionsArb(23 * 24 * 60, 31 * 24 * 60),
  }),
);

function toSessions({ year, month, sessions }: MonthInput): WorkSession[] {
  const base = Date.UTC(year, month, 1) - 2 * 3600_000;
  return sessions.map(
    (s, i): WorkSession => ({
      id: `ses_${String(i).padStart(3, "0")}`,
      employeeId: s.employee,
      projectId: null,
      taskId: null,
      startedAt: new Date(base + s.startMinute * MINUTE),
      endedAt: new Date(base + (s.startMinute + s.minutes) * MINUTE),
    }),
  );
}
type MonthInput = {
  year: number;
  month: number;
  sessions: { employee: string; startMinute: number; minutes: number }[];
};

function inNight(time: string, rules: LabourRules): boolean {
  return rules.nightStart > rules.nightEnd
    ? time >= rules.nightStart || time < rules.nightEnd
    : time >= rules.nightStart && time < rules.nightEnd;
}

/** The oracle: per session and local date, minutes worked, at night and on Sundays/holidays. */
function walkMinutes(session: WorkSession, rules: LabourRules) {
  const byDate = new Map<string, { worked: number; night: number; sunday: number }>();
  for (let t = session.startedAt.getTime(); t < session.endedAt.getTime(); t += MINUTE) {
    const { date, time } = localDateTimeOf(new Date(t), rules.timeZone);
    const entry = byDate.get(date) ?? { worked: 0, night: 0, sunday: 0 };
    const kind = dayKind(date, rules.country);
    entry.worked += 60;
    if (inNight(time, rules)) entry.night += 60;
    if (kind === "sunday" || kind === "holiday") entry.sunday += 60;
    byDate.set(date, entry);
  }
  return byDate;
}

function totalsByEmployee(pieces: readonly WorkPiece[]) {
  const out: Record<string, ReturnType<typeof sumHours>> = {};
  for (const id of new Set(pieces.map((p) => p.employeeId)))
    out[id] = sumHours(pieces.filter((p) => p.employeeId === id));
  return out;
}

describe("splitWork properties", () => {
  it("keeps every invariant, and agrees with a minute-by-minute walk of the wall clock", () => {
    fc.assert(
      fc.property(monthArb, rulesArb, (month, rules) => {
        const sessions = toSessions(month);
        const pieces = splitWork(sessions, rules);
        const norm = rules.dailyHoursNorm * 3600;
        for (const p of pieces) {
          expect(p.regularSeconds + p.overtimeSeconds).toBe(p.workedSeconds);
          expect(p.workedSeconds).toBeGreaterThan(0);
          expect(p.regularSeconds).toBeGreaterThanOrEqual(0);
          expect(p.nightSeconds).toBeGreaterThanOrEqual(0);
          expect(p.nightSeconds).toBeLessThanOrEqual(p.workedSeconds);
          expect(p.sundayHolidaySeconds).toBeLessThanOrEqual(p.workedSeconds);
          expect(p.dayKind).toBe(dayKind(p.date, rules.country));
        }
        for (const session of sessions) {
          const own = pieces.filter((p) => p.sessionId === session.id);
          // Σ pieces = the session's length, and the pieces tile it without gaps.
          expect(sumHours(own).workedSeconds * 1000).toBe(session.endedAt.getTime() - session.startedAt.getTime());
          expect(own[0]?.start).toBe(session.startedAt);
          expect(own.at(-1)?.end).toBe(session.endedAt);
          for (let i = 1; i < own.length; i++) expect(own[i]?.start.getTime()).toBe(own[i - 1]?.end.getTime());
          const oracle = walkMinutes(session, rules);
          expect(own.map((p) => p.date)).toEqual([...oracle.keys()]);
          for (const p of own) {
            const o = oracle.get(p.date);
            expect([p.workedSeconds, p.nightSeconds, p.sundayHolidaySeconds]).toEqual([o?.worked, o?.night, o?.sunday]);
          }
        }
        // The daily norm per employee and day: regular = min(worked, norm) on working days, else 0.
        const days = new Map<string, { worked: number; regular: number; working: boolean }>();
        for (const p of pieces) {
          const key = `${p.employeeId} ${p.date}`;
          const d = days.get(key) ?? { worked: 0, regular: 0, working: p.dayKind === "working" };
          d.worked += p.workedSeconds;
          d.regular += p.regularSeconds;
          days.set(key, d);
        }
        for (const d of days.values()) expect(d.regular).toBe(d.working ? Math.min(d.worked, norm) : 0);
        // Sorted by employee, then start.
        const order = pieces.map((p) => `${p.employeeId} ${p.start.toISOString()} ${p.sessionId}`);
        expect([...order].sort()).toEqual(order);
      }),
      RUNS,
    );
  });

  it("gives the same totals when a session is split in two at any instant", () => {
    fc.assert(
      fc.property(
        monthArb,
        rulesArb,
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (month, rules, pick, at) => {
          const sessions = toSessions(month);
          const index = pick % sessions.length;
          const target = sessions[index] as WorkSession;
          const span = target.endedAt.getTime() - target.startedAt.getTime();
          // Any millisecond strictly inside the session.
          const cut = new Date(target.startedAt.getTime() + Math.min(span - 1, Math.max(1, Math.floor(at * span))));
          const split = [
            ...sessions.filter((_, i) => i !== index),
            { ...target, id: `${target.id}_a`, endedAt: cut },
            { ...target, id: `${target.id}_b`, startedAt: cut },
          ];
          expect(totalsByEmployee(splitWork(split, rules))).toEqual(totalsByEmployee(splitWork(sessions, rules)));
        },
      ),
      RUNS,
    );
  });

  it("does not depend on the order of the sessions", () => {
    fc.assert(
      fc.property(monthArb, rulesArb, (month, rules) => {
        const sessions = toSessions(month);
        expect(splitWork([...sessions].reverse(), rules)).toEqual(splitWork(sessions, rules));
      }),
      { numRuns: 30 },
    );
  });
});
