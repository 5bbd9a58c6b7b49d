import { describe, expect, it } from "vitest";
import {
  type Country,
  type DayKind,
  defaultLabourRules,
  type LabourRules,
  splitWork,
  sumHours,
  type WorkSession,
} from "../../src/index.js";

const H = 3600;

let counter = 0;
function session(startedAt: string, endedAt: string, employeeId = "emp_a", id = `ses_${++counter}`): WorkSession {
  return { id, employeeId, projectId: null, taskId: null, startedAt: new Date(startedAt), endedAt: new Date(endedAt) };
}

type Expected = [
  date: string,
  kind: DayKind,
  worked: number,
  regular: number,
  overtime: number,
  night: number,
  sunday: number,
];

// Every expectation is computed by hand from the wall clock: Warsaw and Prague are +01:00 in
// winter (CET) and +02:00 in summer (CEST); in 2026 summer time runs from Sun 29 March
// 01:00Z to Sun 25 October 01:00Z. Night is 22:00–06:00, the daily norm 8 h.
const CASES: [label: string, country: Country, sessions: WorkSession[], expected: Expected[]][] = [
  [
    // Tue 6 Oct 20:00 – Wed 7 Oct 04:00 CEST: 4 h a day; night 22–24 = 2 h, 00–04 = 4 h.
    "a night shift across midnight on working days",
    "PL",
    [session("2026-10-06T18:00:00Z", "2026-10-07T02:00:00Z")],
    [
      ["2026-10-06", "working", 4 * H, 4 * H, 0, 2 * H, 0],
      ["2026-10-07", "working", 4 * H, 4 * H, 0, 4 * H, 0],
    ],
  ],
  [
    // Sat 28 Mar 22:00 CET (21:00Z) – Sun 29 Mar 06:00 CEST (04:00Z): 7 real hours, as 02:00–03:00
    // never happens. Saturday 21:00Z–23:00Z = 2 h, all overtime and night. Sunday 23:00Z–04:00Z =
    // 5 h, overtime, night (00:00–06:00 local = 23:00Z–04:00Z) and Sunday work.
    "the March change in Warsaw: a 7-hour night",
    "PL",
    [session("2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z")],
    [
      ["2026-03-28", "saturday", 2 * H, 0, 2 * H, 2 * H, 0],
      ["2026-03-29", "sunday", 5 * H, 0, 5 * H, 5 * H, 5 * H],
    ],
  ],
  [
    // The same in Prague (Sunday is not a holiday there either).
    "the March change in Prague",
    "CZ",
    [session("2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z")],
    [
      ["2026-03-28", "saturday", 2 * H, 0, 2 * H, 2 * H, 0],
      ["2026-03-29", "sunday", 5 * H, 0, 5 * H, 5 * H, 5 * H],
    ],
  ],
  [
    // Sat 24 Oct 22:00 CEST (20:00Z) – Sun 25 Oct 06:00 CET (05:00Z): 9 real hours, as 02:00–03:00
    // happens twice. Saturday 20:00Z–22:00Z = 2 h; Sunday 22:00Z–05:00Z = 7 h, all of it night.
    "the October change in Prague: a 9-hour night",
    "CZ",
    [session("2026-10-24T20:00:00Z", "2026-10-25T05:00:00Z")],
    [
      ["2026-10-24", "saturday", 2 * H, 0, 2 * H, 2 * H, 0],
      ["2026-10-25", "sunday", 7 * H, 0, 7 * H, 7 * H, 7 * H],
    ],
  ],
  [
    "the October change in Warsaw",
    "PL",
    [session("2026-10-24T20:00:00Z", "2026-10-25T05:00:00Z")],
    [
      ["2026-10-24", "saturday", 2 * H, 0, 2 * H, 2 * H, 0],
      ["2026-10-25", "sunday", 7 * H, 0, 7 * H, 7 * H, 7 * H],
    ],
  ],
  [
    // Mon 5 Oct 08:00–18:00 CEST: 10 h, 8 regular, 2 overtime.
    "a 10-hour working day",
    "PL",
    [session("2026-10-05T06:00:00Z", "2026-10-05T16:00:00Z")],
    [["2026-10-05", "working", 10 * H, 8 * H, 2 * H, 0, 0]],
  ],
  [
    // Mon 5 Oct 07:00–12:00 and 13:00–18:00 CEST: the first 5 h regular, then 3 h regular and
    // 2 h overtime: the norm is used up in the order the work was done.
    "the daily norm counted chronologically across sessions",
    "CZ",
    [session("2026-10-05T11:00:00Z", "2026-10-05T16:00:00Z"), session("2026-10-05T05:00:00Z", "2026-10-05T10:00:00Z")],
    [
      ["2026-10-05", "working", 5 * H, 5 * H, 0, 0, 0],
      ["2026-10-05", "working", 5 * H, 3 * H, 2 * H, 0, 0],
    ],
  ],
  [
    // Wed 11 Nov 2026, PL Independence Day, 08:00–16:00 CET: all overtime and holiday work.
    "PL 11 November",
    "PL",
    [session("2026-11-11T07:00:00Z", "2026-11-11T15:00:00Z")],
    [["2026-11-11", "holiday", 8 * H, 0, 8 * H, 0, 8 * H]],
  ],
  [
    "11 November is a working day in CZ",
    "CZ",
    [session("2026-11-11T07:00:00Z", "2026-11-11T15:00:00Z")],
    [["2026-11-11", "working", 8 * H, 8 * H, 0, 0, 0]],
  ],
  [
    // Wed 28 Oct 2026, CZ Independent Czechoslovak State Day, 08:00–17:00 CET.
    "CZ 28 October",
    "CZ",
    [session("2026-10-28T07:00:00Z", "2026-10-28T16:00:00Z")],
    [["2026-10-28", "holiday", 9 * H, 0, 9 * H, 0, 9 * H]],
  ],
  [
    "28 October is a working day in PL",
    "PL",
    [session("2026-10-28T07:00:00Z", "2026-10-28T16:00:00Z")],
    [["2026-10-28", "working", 9 * H, 8 * H, 1 * H, 0, 0]],
  ],
  [
    // Wed 24 Dec 2025, a PL holiday from 2025: 08:00–12:00 CET.
    "PL Christmas Eve 2025",
    "PL",
    [session("2025-12-24T07:00:00Z", "2025-12-24T11:00:00Z")],
    [["2025-12-24", "holiday", 4 * H, 0, 4 * H, 0, 4 * H]],
  ],
  [
    // Tue 24 Dec 2024 was still a working day in PL.
    "PL Christmas Eve 2024",
    "PL",
    [session("2024-12-24T07:00:00Z", "2024-12-24T11:00:00Z")],
    [["2024-12-24", "working", 4 * H, 4 * H, 0, 0, 0]],
  ],
  [
    // Sat 31 Oct 20:00 CET (19:00Z) – Sun 1 Nov 04:00 CET (03:00Z): the month ends at local
    // midnight (23:00Z). 1 November is All Saints' Day in PL (holiday wins over Sunday).
    "a month boundary in PL (into All Saints' Day)",
    "PL",
    [session("2026-10-31T19:00:00Z", "2026-11-01T03:00:00Z")],
    [
      ["2026-10-31", "saturday", 4 * H, 0, 4 * H, 2 * H, 0],
      ["2026-11-01", "holiday", 4 * H, 0, 4 * H, 4 * H, 4 * H],
    ],
  ],
  [
    "the same in CZ (a plain Sunday)",
    "CZ",
    [session("2026-10-31T19:00:00Z", "2026-11-01T03:00:00Z")],
    [
      ["2026-10-31", "saturday", 4 * H, 0, 4 * H, 2 * H, 0],
      ["2026-11-01", "sunday", 4 * H, 0, 4 * H, 4 * H, 4 * H],
    ],
  ],
  [
    // Thu 1 Oct 22:00 CEST – Fri 2 Oct 08:00: 2 h on Thursday, 8 h on Friday, each within the
    // day's norm; night 2 h + 6 h (00:00–06:00).
    "a night shift counted against each day's norm",
    "PL",
    [session("2026-10-01T20:00:00Z", "2026-10-02T06:00:00Z")],
    [
      ["2026-10-01", "working", 2 * H, 2 * H, 0, 2 * H, 0],
      ["2026-10-02", "working", 8 * H, 8 * H, 0, 6 * H, 0],
    ],
  ],
  [
    // Sun 4 Oct 21:00 CEST – Tue 6 Oct 01:00: 3 h on Sunday, the whole of Monday (24 h: 8
    // regular, 16 overtime; night 00–06 and 22–24 = 8 h) and 1 h on Tuesday.
    "a session over three days",
    "CZ",
    [session("2026-10-04T19:00:00Z", "2026-10-05T23:00:00Z")],
    [
      ["2026-10-04", "sunday", 3 * H, 0, 3 * H, 2 * H, 3 * H],
      ["2026-10-05", "working", 24 * H, 8 * H, 16 * H, 8 * H, 0],
      ["2026-10-06", "working", 1 * H, 1 * H, 0, 1 * H, 0],
    ],
  ],
];

describe("splitWork", () => {
  it.each(CASES)("%s (%s)", (_label, country, sessions, expected) => {
    const pieces = splitWork(sessions, defaultLabourRules(country));
    expect(
      pieces.map((p) => [
        p.date,
        p.dayKind,
        p.workedSeconds,
        p.regularSeconds,
        p.overtimeSeconds,
        p.nightSeconds,
        p.sundayHolidaySeconds,
      ]),
    ).toEqual(expected);
    for (const p of pieces) expect(p.end.getTime() - p.start.getTime()).toBe(p.workedSeconds * 1000);
  });

  it("keeps a session's own start and end on its first and last piece, and local midnights between", () => {
    const s = session("2026-10-06T18:00:00.250Z", "2026-10-07T02:00:00.750Z");
    const pieces = splitWork([s], defaultLabourRules("PL"));
    expect(pieces.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ["2026-10-06T18:00:00.250Z", "2026-10-06T22:00:00.000Z"],
      ["2026-10-06T22:00:00.000Z", "2026-10-07T02:00:00.750Z"],
    ]);
    expect(pieces[0]?.start).toBe(s.startedAt);
    expect(pieces[1]?.end).toBe(s.endedAt);
    // Truncated to whole seconds: 18:00:00 → 02:00:00 is 8 h (4 + 4), the extra half second is dropped.
    expect(pieces.map((p) => p.workedSeconds)).toEqual([4 * H, 4 * H]);
  });

  it("splits several employees' sessions in one call, sorted by employee and start", () => {
    const pieces = splitWork(
      [
        session("2026-10-05T10:00:00Z", "2026-10-05T12:00:00Z", "emp_b", "ses_b2"),
        session("2026-10-05T06:00:00Z", "2026-10-05T09:00:00Z", "emp_b", "ses_b1"),
        session("2026-10-05T06:00:00Z", "2026-10-05T16:00:00Z", "emp_a", "ses_a1"),
      ],
      defaultLabourRules("PL"),
    );
    expect(pieces.map((p) => [p.employeeId, p.sessionId, p.regularSeconds, p.overtimeSeconds])).toEqual([
      ["emp_a", "ses_a1", 8 * H, 2 * H],
      ["emp_b", "ses_b1", 3 * H, 0],
      ["emp_b", "ses_b2", 2 * H, 0], // emp_b's day is 5 h: emp_a's overtime does not leak into it
    ]);
  });

  it("takes the organization's norm and night window", () => {
    const rules: LabourRules = {
      ...defaultLabourRules("PL"),
      dailyHoursNorm: 7.5,
      nightStart: "21:00",
      nightEnd: "07:00",
    };
    // Mon 5 Oct 06:00–15:00 CEST: 9 h, 7.5 regular, 1.5 overtime, night 06:00–07:00 = 1 h.
    const [piece] = splitWork([session("2026-10-05T04:00:00Z", "2026-10-05T13:00:00Z")], rules);
    expect(piece).toMatchObject({
      workedSeconds: 9 * H,
      regularSeconds: 7.5 * H,
      overtimeSeconds: 1.5 * H,
      nightSeconds: H,
    });
    // A window that does not wrap midnight: 00:00–05:00. Mon 5 Oct 03:00–09:00 CEST has 2 h of night.
    const early: LabourRules = { ...rules, nightStart: "00:00", nightEnd: "05:00" };
    expect(splitWork([session("2026-10-05T01:00:00Z", "2026-10-05T07:00:00Z")], early)[0]?.nightSeconds).toBe(2 * H);
    // Equal ends: no night window.
    const none: LabourRules = { ...rules, nightStart: "22:00", nightEnd: "22:00" };
    expect(
      splitWork([session("2026-10-05T18:00:00Z", "2026-10-06T04:00:00Z")], none).map((p) => p.nightSeconds),
    ).toEqual([0, 0]);
  });

  it("gives no piece for an empty session and refuses one that ends before it starts", () => {
    expect(splitWork([session("2026-10-05T06:00:00Z", "2026-10-05T06:00:00Z")], defaultLabourRules("PL"))).toEqual([]);
    expect(() =>
      splitWork([session("2026-10-05T06:00:00Z", "2026-10-05T05:00:00Z")], defaultLabourRules("PL")),
    ).toThrow(RangeError);
    expect(() =>
      splitWork([session("2026-10-05T06:00:00Z", "2026-10-05T07:00:00Z")], {
        ...defaultLabourRules("PL"),
        nightStart: "25:00",
      }),
    ).toThrow(TypeError);
  });
});

describe("sumHours", () => {
  it("adds up a week over 40 hours", () => {
    // Mon 5 – Fri 9 Oct 2026, 08:00–17:00 CEST each day: 45 h, 40 regular, 5 overtime.
    const week = [5, 6, 7, 8, 9].map((d) => session(`2026-10-0${d}T06:00:00Z`, `2026-10-0${d}T15:00:00Z`));
    expect(sumHours(splitWork(week, defaultLabourRules("CZ")))).toEqual({
      workedSeconds: 45 * H,
      regularSeconds: 40 * H,
      overtimeSeconds: 5 * H,
      nightSeconds: 0,
      sundayHolidaySeconds: 0,
    });
    expect(sumHours([])).toEqual({
      workedSeconds: 0,
      regularSeconds: 0,
      overtimeSeconds: 0,
      nightSeconds: 0,
      sundayHolidaySeconds: 0,
    });
  });
});
