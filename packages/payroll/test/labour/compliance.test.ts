import { describe, expect, it } from "vitest";
import {
  addDays,
  type ComplianceFinding,
  type ComplianceKind,
  type Country,
  checkCompliance,
  complianceHistoryStart,
  defaultLabourRules,
  type WorkSession,
  zonedDateTime,
} from "../../src/index.js";

const H = 3600;
const EMPLOYEE = { id: "emp_6Tz1Yu8IoP4aSd2F", name: "Jan Kowalski" };

let counter = 0;
/** A session in the country's zone: `date` `from` to `to`, on `endDate` when given (else the same day). */
function work(
  country: Country,
  date: string,
  from: string,
  to: string,
  endDate = date,
  id = `ses_${++counter}`,
): WorkSession {
  const zone = defaultLabourRules(country).timeZone;
  return {
    id,
    employeeId: EMPLOYEE.id,
    projectId: null,
    taskId: null,
    startedAt: zonedDateTime(date, from, zone),
    endedAt: zonedDateTime(endDate, to, zone),
  };
}

function check(country: Country, sessions: WorkSession[], now = "2027-01-10T00:00:00Z", from?: string) {
  return checkCompliance({
    employee: EMPLOYEE,
    sessions,
    rules: defaultLabourRules(country),
    now: new Date(now),
    ...(from ? { from: new Date(from) } : {}),
  });
}

function only(findings: ComplianceFinding[], kind: ComplianceKind) {
  return findings.filter((f) => f.kind === kind);
}

/** `days` consecutive days from `first` (weekday numbers are not checked: the tests say which days). */
function days(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(first, i));
}

describe("daily_rest", () => {
  // Tue 6 Oct 2026 15:00–23:30 and Wed 7 Oct from `restart` to 15:00 (Warsaw / Prague wall time).
  // The 24 hours from the first start of 6 October run to 7 October 15:00: the break from 23:30 to
  // `restart` is their longest (the rest of them is work), so it must be 11 h.
  it.each<[string, Country, string, number | null]>([
    ["7 h 30 min: the spec's example", "PL", "07:00", 7.5 * H],
    ["a 10-hour rest", "PL", "09:30", 10 * H],
    ["one minute short", "CZ", "10:29", 10 * H + 59 * 60],
    ["exactly 11 hours", "PL", "10:30", null],
    ["exactly 11 hours in CZ", "CZ", "10:30", null],
  ])("%s (%s, back at %s)", (_label, country, restart, actual) => {
    const first = work(country, "2026-10-06", "15:00", "23:30", "2026-10-06", "ses_1Zx3Cv5Bn7Ml9Kj2");
    const second = work(country, "2026-10-07", restart, "15:00", "2026-10-07", "ses_5Op7As9Df1Gh3Jk4");
    const findings = only(check(country, [second, first]), "daily_rest");
    if (actual === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: `daily_rest/${EMPLOYEE.id}/2026-10-06`,
      severity: "violation",
      rule: country === "PL" ? "PL Kodeks pracy art. 132 § 1" : "CZ zákoník práce § 90 odst. 1",
      country,
      periodStart: first.endedAt,
      periodEnd: second.startedAt,
      details: { required_rest_seconds: 11 * H, actual_rest_seconds: actual },
      sessionIds: ["ses_1Zx3Cv5Bn7Ml9Kj2", "ses_5Op7As9Df1Gh3Jk4"],
      overtimeWarning: null,
    });
    if (restart === "07:00") {
      expect(findings[0]?.message).toBe(
        "Jan Kowalski rested 7 h 30 min between the end of work on 6 October 2026 at 23:30 and its start on 7 October at 07:00; at least 11 hours are required.",
      );
      expect(findings[0]?.periodStart.toISOString()).toBe("2026-10-06T21:30:00.000Z");
    }
  });

  it("judges the 24 hours only once they are over", () => {
    const sessions = [work("PL", "2026-10-06", "15:00", "23:30"), work("PL", "2026-10-07", "07:00", "15:00")];
    // The 24 hours from 6 Oct 15:00 end at 7 Oct 15:00 (13:00Z).
    expect(only(check("PL", sessions, "2026-10-07T12:59:00Z"), "daily_rest")).toEqual([]);
    expect(only(check("PL", sessions, "2026-10-07T13:00:00Z"), "daily_rest")).toHaveLength(1);
  });

  it("counts a split shift's long break as the day's rest", () => {
    // 07:00–09:00 and 20:00–23:30, back at 07:00: the 11 h from 09:00 to 20:00 are the rest of
    // the 24 hours from 07:00, although only 7 h 30 min separate 23:30 and 07:00.
    const sessions = [
      work("PL", "2026-10-06", "07:00", "09:00"),
      work("PL", "2026-10-06", "20:00", "23:30"),
      work("PL", "2026-10-07", "07:00", "09:00"),
    ];
    expect(only(check("PL", sessions), "daily_rest")).toEqual([]);
  });
});

describe("daily_hours_exceeded", () => {
  // Mon 5 Oct 2026 from 07:00, nothing else: the 24 hours from 07:00 hold the whole session.
  it.each<[string, Country, string, number | null, boolean]>([
    // PL: 13 h is the most (art. 129 § 1 with 11 h of rest, art. 132): 07:00–20:00 leaves 11 h.
    ["PL at 13 hours", "PL", "20:00", null, false],
    // 13 h 1 min of work leaves 10 h 59 min of rest: both rules are broken.
    ["PL a minute over", "PL", "20:01", 13 * H + 60, true],
    // CZ: a 12-hour shift (§ 83).
    ["CZ at 12 hours", "CZ", "19:00", null, false],
    ["CZ a minute over", "CZ", "19:01", 12 * H + 60, false],
  ])("%s", (_label, country, end, worked, restBroken) => {
    const session = work(country, "2026-10-05", "07:00", end);
    const findings = check(country, [session]);
    expect(only(findings, "daily_rest")).toHaveLength(restBroken ? 1 : 0);
    if (restBroken) {
      // No work follows within the 24 hours: the rest is cut at their end, 7:00 the next day.
      expect(only(findings, "daily_rest")[0]?.message).toBe(
        "Jan Kowalski had at most 10 h 59 min of uninterrupted rest in the 24 hours from 5 October 2026 at 07:00; at least 11 hours are required.",
      );
    }
    const hours = only(findings, "daily_hours_exceeded");
    if (worked === null) {
      expect(hours).toEqual([]);
      return;
    }
    expect(hours).toHaveLength(1);
    expect(hours[0]).toMatchObject({
      key: `daily_hours_exceeded/${EMPLOYEE.id}/2026-10-05`,
      severity: "violation",
      rule: country === "PL" ? "PL Kodeks pracy art. 129 § 1 and art. 132" : "CZ zákoník práce § 83",
      periodStart: session.startedAt,
      details: { worked_seconds: worked, threshold_seconds: (country === "PL" ? 13 : 12) * H },
      sessionIds: [session.id],
    });
    expect(hours[0]?.periodEnd.getTime()).toBe(session.startedAt.getTime() + 24 * H * 1000);
  });
});

describe("weekly_rest", () => {
  // Mon 5 – Fri 9 Oct 2026 08:00–16:00 and Saturday 10 Oct 08:00 to `saturdayEnd`; the week
  // ends at Mon 12 Oct 00:00, so the rest from Saturday's end is 35 h when it ends at 13:00.
  it.each<[string, Country, string, number | null]>([
    ["exactly 35 hours", "PL", "13:00", null],
    ["a minute short", "PL", "13:01", 35 * H - 60],
    ["a minute short in CZ", "CZ", "13:01", 35 * H - 60],
    ["exactly 35 hours in CZ", "CZ", "13:00", null],
  ])("%s", (_label, country, saturdayEnd, actual) => {
    const sessions = [
      ...days("2026-10-05", 5).map((d) => work(country, d, "08:00", "16:00")),
      work(country, "2026-10-10", "08:00", saturdayEnd),
    ];
    const findings = only(check(country, sessions), "weekly_rest");
    if (actual === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: `weekly_rest/${EMPLOYEE.id}/2026-10-05`,
      rule: country === "PL" ? "PL Kodeks pracy art. 133 § 1" : "CZ zákoník práce § 92 odst. 1",
      details: { required_rest_seconds: 35 * H, actual_rest_seconds: actual },
      sessionIds: sessions.map((s) => s.id),
    });
    // Mon 5 Oct 00:00 CEST = 4 Oct 22:00Z; Mon 12 Oct 00:00 CEST = 11 Oct 22:00Z.
    expect(findings[0]?.periodStart.toISOString()).toBe("2026-10-04T22:00:00.000Z");
    expect(findings[0]?.periodEnd.toISOString()).toBe("2026-10-11T22:00:00.000Z");
    expect(findings[0]?.message).toBe(
      "Jan Kowalski's longest uninterrupted rest in the week of 5 October 2026 was 34 h 59 min (from 10 October 2026 at 13:01 to 12 October at 00:00); at least 35 hours are required.",
    );
  });

  it("measures real hours in the week clocks go back", () => {
    // Week Mon 19 – Sun 25 Oct 2026 lasts 169 h. Saturday 24 Oct 14:00 CEST (12:00Z) to Monday
    // 26 Oct 00:00 CET (Sun 23:00Z) is 35 real hours though the wall clock shows 34.
    const sessions = [
      ...days("2026-10-19", 5).map((d) => work("PL", d, "08:00", "16:00")),
      work("PL", "2026-10-24", "08:00", "14:00"),
    ];
    expect(only(check("PL", sessions), "weekly_rest")).toEqual([]);
    // In the week clocks go forward (Mon 23 – Sun 29 Mar 2026, 167 h) the same wall times give 33 h.
    const march = [
      ...days("2026-03-23", 5).map((d) => work("PL", d, "08:00", "16:00")),
      work("PL", "2026-03-28", "08:00", "14:00"),
    ];
    expect(only(check("PL", march), "weekly_rest").map((f) => f.details.actual_rest_seconds)).toEqual([33 * H]);
  });

  it("waits for the end of the week", () => {
    const sessions = days("2026-10-05", 6).map((d) => work("PL", d, "08:00", "20:00"));
    // Sun 11 Oct 23:59 CEST: the week is not over; Mon 12 Oct 00:00 CEST (11 Oct 22:00Z) it is.
    expect(only(check("PL", sessions, "2026-10-11T21:59:00Z"), "weekly_rest")).toEqual([]);
    expect(only(check("PL", sessions, "2026-10-11T22:00:00Z"), "weekly_rest")).toHaveLength(1);
  });
});

describe("weekly_overtime_threshold", () => {
  it.each<[string, Country, string, number | null]>([
    // Mon 5 – Fri 9 Oct 08:00–16:00 is 40 h: the threshold itself is not above it.
    ["40 hours", "PL", "16:00", null],
    // Friday until 16:01: 40 h 1 min, 60 s beyond.
    ["40 hours and a minute", "PL", "16:01", 60],
    ["40 hours and a minute in CZ", "CZ", "16:01", 60],
  ])("%s (%s)", (_label, country, fridayEnd, beyond) => {
    const sessions = [
      ...days("2026-10-05", 4).map((d) => work(country, d, "08:00", "16:00")),
      work(country, "2026-10-09", "08:00", fridayEnd),
    ];
    const findings = only(check(country, sessions), "weekly_overtime_threshold");
    if (beyond === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: `weekly_overtime_threshold/${EMPLOYEE.id}/2026-10-05`,
      severity: "warning",
      details: { worked_seconds: 40 * H + beyond, threshold_seconds: 40 * H, overtime_seconds: beyond },
      sessionIds: [sessions[4]?.id],
      overtimeWarning: {
        employee_id: EMPLOYEE.id,
        kind: "weekly_threshold",
        week_start: "2026-10-05",
        year: 2026,
        overtime_seconds: beyond,
        threshold_seconds: 40 * H,
        cap_seconds: 150 * H,
      },
    });
    expect(findings[0]?.message).toBe(
      "Jan Kowalski worked 40 h 1 min in the week of 5 October 2026, 1 min more than the weekly threshold of 40 h.",
    );
  });

  it("in CZ, also more than 8 hours of overtime in a week (§ 93 odst. 2)", () => {
    // Mon 5 – Fri 9 Oct 08:00–12:00 (20 h, regular), Saturday 10 Oct 08:00–16:00 (8 h of
    // overtime) and Sunday 11 Oct 08:00 to `sundayEnd`. Worked stays below 40 h.
    const week = (sundayEnd: string) => [
      ...days("2026-10-05", 5).map((d) => work("CZ", d, "08:00", "12:00")),
      work("CZ", "2026-10-10", "08:00", "16:00"),
      work("CZ", "2026-10-11", "08:00", sundayEnd, "2026-10-11", "ses_sunday"),
    ];
    // Sunday until 08:01: 8 h 1 min of overtime.
    expect(only(check("CZ", week("08:01")), "weekly_overtime_threshold")).toMatchObject([
      {
        rule: "CZ zákoník práce § 93 odst. 2",
        details: { worked_seconds: 28 * H + 60, threshold_seconds: 8 * H, overtime_seconds: 60 },
        sessionIds: ["ses_sunday"],
        overtimeWarning: { kind: "weekly_threshold", overtime_seconds: 60, threshold_seconds: 8 * H },
      },
    ]);
    // Exactly 8 h of overtime (an empty Sunday session), and the same week in PL: nothing.
    expect(only(check("CZ", week("08:00")), "weekly_overtime_threshold")).toEqual([]);
    expect(only(check("PL", week("08:01")), "weekly_overtime_threshold")).toEqual([]);
  });
});

describe("weekly_average_exceeded", () => {
  // February 2026 is a settlement period of exactly 4 weeks (28 days, Sun 1 – Sat 28).
  const weekdaysAndSaturdays = days("2026-02-01", 28).filter((d) => new Date(`${d}T12:00:00Z`).getUTCDay() !== 0);

  it.each<[string, string, boolean]>([
    // PL art. 131 § 1: 48 h × 4 weeks = 192 h. 24 days (Mon–Sat) × 8 h = 192 h: at the limit.
    ["192 hours", "16:00", false],
    // The last day until 16:01: 192 h 1 min, an average of 48 h 0 min 15 s a week.
    ["192 hours and a minute", "16:01", true],
  ])("PL: %s in a 4-week period", (_label, lastEnd, fires) => {
    const sessions = weekdaysAndSaturdays.map((d, i, all) =>
      work("PL", d, "08:00", i === all.length - 1 ? lastEnd : "16:00"),
    );
    expect(weekdaysAndSaturdays).toHaveLength(24);
    const findings = only(check("PL", sessions), "weekly_average_exceeded");
    if (!fires) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toMatchObject([
      {
        key: `weekly_average_exceeded/${EMPLOYEE.id}/2026-02-01`,
        rule: "PL Kodeks pracy art. 131 § 1",
        // (192 h + 60 s) × 7 / 28 days = 172,815 s.
        details: { average_weekly_seconds: 172_815, threshold_seconds: 48 * H, period_weeks: 4 },
        sessionIds: [sessions[23]?.id],
      },
    ]);
    // 1 Feb 00:00 CET = 31 Jan 23:00Z; 1 Mar 00:00 CET = 28 Feb 23:00Z.
    expect(findings[0]?.periodStart.toISOString()).toBe("2026-01-31T23:00:00.000Z");
    expect(findings[0]?.periodEnd.toISOString()).toBe("2026-02-28T23:00:00.000Z");
  });

  it.each<[string, string, boolean]>([
    // CZ § 93 odst. 4: 8 h of overtime × 4 weeks = 32 h. Four Saturdays of 8 h: at the limit.
    ["32 hours of overtime", "16:00", false],
    ["32 hours and a minute", "16:01", true],
  ])("CZ: %s in a 4-week period", (_label, lastEnd, fires) => {
    const saturdays = ["2026-02-07", "2026-02-14", "2026-02-21", "2026-02-28"];
    const sessions = saturdays.map((d, i) => work("CZ", d, "08:00", i === 3 ? lastEnd : "16:00"));
    const findings = only(check("CZ", sessions), "weekly_average_exceeded");
    expect(findings).toHaveLength(fires ? 1 : 0);
    if (fires) {
      expect(findings[0]).toMatchObject({
        rule: "CZ zákoník práce § 93 odst. 4",
        // (32 h + 60 s) × 7 / 28 = 28,815 s.
        details: { average_weekly_seconds: 28_815, threshold_seconds: 8 * H, period_weeks: 4 },
      });
    }
    // In PL the same 32 h are far below 192 h.
    expect(only(check("PL", sessions), "weekly_average_exceeded")).toEqual([]);
  });
});

describe("yearly overtime", () => {
  // Saturdays from 3 January 2026, 08:00–18:00: 10 h of overtime each (all Saturday work).
  const saturdays = (count: number, lastEnd = "18:00", country: Country = "PL") =>
    Array.from({ length: count }, (_, i) =>
      work(country, addDays("2026-01-03", 7 * i), "08:00", i === count - 1 ? lastEnd : "18:00"),
    );

  it.each<[string, number, string, ComplianceKind[]]>([
    // 11 × 10 h + 9 h 59 min = 119 h 59 min: below 0.8 × 150 h = 120 h.
    ["119 h 59 min", 12, "17:59", []],
    // 12 × 10 h = 120 h: the warning threshold reached.
    ["120 h", 12, "18:00", ["yearly_overtime_approaching"]],
    // 15 × 10 h = 150 h: at the cap, not above it.
    ["150 h", 15, "18:00", ["yearly_overtime_approaching"]],
    // 14 × 10 h + 10 h 1 min = 150 h 1 min: above the cap.
    ["150 h 1 min", 15, "18:01", ["yearly_overtime_approaching", "yearly_overtime_exceeded"]],
  ])("PL: %s", (_label, count, lastEnd, kinds) => {
    const findings = check("PL", saturdays(count, lastEnd)).filter((f) => f.kind.startsWith("yearly"));
    expect(findings.map((f) => f.kind)).toEqual(kinds);
  });

  it("says what the spec's example says at 120 hours", () => {
    const sessions = saturdays(12);
    const [finding] = only(check("PL", sessions), "yearly_overtime_approaching");
    expect(finding).toMatchObject({
      key: `yearly_overtime_approaching/${EMPLOYEE.id}/2026`,
      severity: "warning",
      rule: "PL Kodeks pracy art. 151 § 3",
      details: { overtime_seconds: 432_000, threshold_seconds: 432_000, cap_seconds: 540_000 },
      message: "Jan Kowalski has worked 120 of the 150 overtime hours allowed in 2026 (80%).",
      // The twelfth Saturday brought the year to 120 h.
      sessionIds: [sessions[11]?.id],
      overtimeWarning: {
        employee_id: EMPLOYEE.id,
        kind: "yearly_approaching",
        week_start: null,
        year: 2026,
        overtime_seconds: 432_000,
        threshold_seconds: 432_000,
        cap_seconds: 540_000,
      },
    });
    expect(finding?.periodStart.toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(finding?.periodEnd.toISOString()).toBe("2026-12-31T23:00:00.000Z");
  });

  it("CZ: the cap of § 93 odst. 2 and 4", () => {
    const sessions = saturdays(15, "18:01", "CZ");
    const [exceeded] = only(check("CZ", sessions), "yearly_overtime_exceeded");
    expect(exceeded).toMatchObject({
      severity: "violation",
      rule: "CZ zákoník práce § 93 odst. 2 and 4",
      details: { overtime_seconds: 150 * H + 60, threshold_seconds: 150 * H, cap_seconds: 150 * H },
      sessionIds: [sessions[14]?.id],
      overtimeWarning: { kind: "yearly_exceeded", year: 2026, overtime_seconds: 150 * H + 60 },
    });
    expect(exceeded?.message).toBe(
      "Jan Kowalski has worked 150 h 1 min of overtime in 2026, more than the 150 hours allowed (100%).",
    );
  });
});

describe("checkCompliance", () => {
  const sessions = [
    work("PL", "2026-10-06", "15:00", "23:30"),
    work("PL", "2026-10-07", "07:00", "15:00"),
    ...days("2026-10-12", 5).map((d) => work("PL", d, "07:00", "17:00")),
  ];

  it("gives the same keys for the same facts, whatever the order and the extra history", () => {
    const keys = check("PL", sessions).map((f) => f.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    const history = [work("PL", "2026-09-01", "08:00", "16:00"), ...sessions].reverse();
    expect(check("PL", history).map((f) => f.key)).toEqual(keys);
  });

  it("leaves out findings about periods that ended before `from`, and other employees' sessions", () => {
    const all = check("PL", sessions);
    // After 10 Oct only the week of 12 October remains (50 h > 40 h).
    const later = check("PL", sessions, "2027-01-10T00:00:00Z", "2026-10-10T00:00:00Z");
    expect(later.map((f) => f.kind)).toEqual(["weekly_overtime_threshold"]);
    expect(all.length).toBeGreaterThan(later.length);
    const other = { ...work("PL", "2026-10-06", "23:40", "23:50"), employeeId: "emp_other" };
    expect(check("PL", [...sessions, other]).map((f) => f.key)).toEqual(all.map((f) => f.key));
  });

  it("needs history from 7 days before the year", () => {
    expect(complianceHistoryStart("2026-10-07")).toBe("2025-12-25");
    expect(complianceHistoryStart("2026-01-01")).toBe("2025-12-25");
  });
});
