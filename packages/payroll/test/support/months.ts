// Deterministic months of payroll data for the formatters' tests: a Czech month (Europe/Prague,
// October 2026: 28 Oct is a public holiday, 25 Oct the end of summer time) and a Polish month
// (Europe/Warsaw, November 2026: 1 and 11 Nov are public holidays). Names carry diacritics,
// sessions carry projects and tasks, and the months hold a night across midnight, a Saturday,
// a Sunday, a holiday, vacation, sick leave and a half day.
//
// The pieces and leave days are built by `splitByHand` / `leaveByHand` below, a deliberately
// simple stand-in for the labour engine (`splitWork`, `expandLeave`) with the same rules:
// pieces cut at local midnight, the daily norm counted chronologically on working days, all
// work on other days overtime, night = overlap with the night window, sunday_holiday = pieces
// on Sundays and holidays. Swap them for the engine's functions once it is exported.

import type { PayrollEmployee, PayrollExportInput, PayrollFormatter, PayrollSession } from "../../src/formatter.js";
import type { Country, DayKind, LabourRules, LeaveDay, LeaveType, WorkPiece } from "../../src/labour/types.js";

// --- zoned time (test-only) ------------------------------------------------------------------

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `timeZone` from UTC at `epochMs`, in milliseconds. */
function zoneOffset(epochMs: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The instant of the local wall time `date` `time` (`YYYY-MM-DD`, `HH:MM`) in `timeZone`. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let instant = wall - zoneOffset(wall, timeZone);
  instant = wall - zoneOffset(instant, timeZone);
  return new Date(instant);
}

/** The local date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + zoneOffset(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

// --- rules and calendars ---------------------------------------------------------------------

/** The public holidays that fall in the test months (CZ zákon č. 245/2000 Sb.; PL ustawa z 18 I 1951). */
const HOLIDAYS: Record<Country, readonly string[]> = {
  CZ: ["2026-10-28"],
  PL: ["2026-11-01", "2026-11-11"],
};

function rulesFor(country: Country, timeZone: string): LabourRules {
  return {
    country,
    timeZone,
    dailyHoursNorm: 8,
    weeklyHoursNorm: 40,
    settlementPeriodMonths: 1,
    nightStart: "22:00",
    nightEnd: "06:00",
    overtime: { weeklyThresholdHours: 40, yearlyCapHours: 150, yearlyWarningRatio: 0.8 },
  };
}

function dayKindOf(date: string, country: Country): DayKind {
  if (HOLIDAYS[country].includes(date)) return "holiday";
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 6) return "saturday";
  if (weekday === 0) return "sunday";
  return "working";
}

// --- the stand-in engine ---------------------------------------------------------------------

interface SessionOf extends PayrollSession {
  readonly employeeId: string;
}

function overlapSeconds(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  return Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart)) / 1000;
}

/** Splits sessions into pieces on local days, as the engine's `splitWork` does. */
function splitByHand(sessions: readonly SessionOf[], rules: LabourRules): WorkPiece[] {
  const pieces: WorkPiece[] = [];
  const usedRegular = new Map<string, number>();
  const ordered = [...sessions].sort(
    (a, b) => a.employeeId.localeCompare(b.employeeId) || a.startedAt.getTime() - b.startedAt.getTime(),
  );
  for (const session of ordered) {
    let start = session.startedAt.getTime();
    const end = session.endedAt.getTime();
    while (start < end) {
      const date = localDate(new Date(start), rules.timeZone);
      const nextMidnight = localInstant(addDays(date, 1), "00:00", rules.timeZone).getTime();
      const pieceEnd = Math.min(end, nextMidnight);
      const worked = (pieceEnd - start) / 1000;
      const kind = dayKindOf(date, rules.country);
      const key = `${session.employeeId}/${date}`;
      let regular = 0;
      if (kind === "working") {
        const used = usedRegular.get(key) ?? 0;
        regular = Math.min(worked, Math.max(0, rules.dailyHoursNorm * 3600 - used));
        usedRegular.set(key, used + regular);
      }
      // The night window of this day (00:00–06:00) and the one starting this evening (22:00–).
      const night =
        overlapSeconds(
          start,
          pieceEnd,
          localInstant(date, "00:00", rules.timeZone).getTime(),
          localInstant(date, rules.nightEnd, rules.timeZone).getTime(),
        ) +
        overlapSeconds(start, pieceEnd, localInstant(date, rules.nightStart, rules.timeZone).getTime(), nextMidnight);
      pieces.push({
        sessionId: session.id,
        employeeId: session.employeeId,
        projectId: session.projectId,
        taskId: session.taskId,
        date,
        dayKind: kind,
        start: new Date(start),
        end: new Date(pieceEnd),
        workedSeconds: worked,
        regularSeconds: regular,
        overtimeSeconds: worked - regular,
        nightSeconds: night,
        sundayHolidaySeconds: kind === "sunday" || kind === "holiday" ? worked : 0,
      });
      start = pieceEnd;
    }
  }
  return pieces;
}

interface LeaveRequestLike {
  readonly employeeId: string;
  readonly type: LeaveType;
  readonly startDate: string;
  readonly endDate: string;
  readonly halfDayStart: boolean;
  readonly halfDayEnd: boolean;
}

/** Expands a leave request into working days, as the engine's `expandLeave` does. */
function leaveByHand(request: LeaveRequestLike, rules: LabourRules): LeaveDay[] {
  const out: LeaveDay[] = [];
  for (let date = request.startDate; date <= request.endDate; date = addDays(date, 1)) {
    if (dayKindOf(date, rules.country) !== "working") continue;
    const half =
      (date === request.startDate && request.halfDayStart) || (date === request.endDate && request.halfDayEnd);
    const days = half ? 0.5 : 1;
    out.push({
      employeeId: request.employeeId,
      date,
      type: request.type,
      days,
      seconds: days * rules.dailyHoursNorm * 3600,
    });
  }
  return out;
}

// --- the months ------------------------------------------------------------------------------

interface SessionSpec {
  /** Local start `YYYY-MM-DD HH:MM`. */
  readonly from: string;
  /** Local end `YYYY-MM-DD HH:MM`. */
  readonly to: string;
  readonly project: readonly [string, string] | null;
  readonly task?: readonly [string, string];
  readonly note?: string;
}

interface EmployeeSpec {
  readonly id: string;
  readonly name: string;
  readonly payrollNumber: string | null;
  readonly clockCardNumber: string | null;
  readonly sessions: readonly SessionSpec[];
  readonly leave: readonly Omit<LeaveRequestLike, "employeeId">[];
}

function buildEmployees(specs: readonly EmployeeSpec[], rules: LabourRules, month: string): PayrollEmployee[] {
  return specs.map((spec) => {
    const sessions: SessionOf[] = spec.sessions.map((s, i) => {
      const [fromDate, fromTime] = s.from.split(" ") as [string, string];
      const [toDate, toTime] = s.to.split(" ") as [string, string];
      return {
        id: `ses_${spec.id.slice(4)}${String(i + 1).padStart(2, "0")}`,
        employeeId: spec.id,
        projectId: s.project?.[0] ?? null,
        projectName: s.project?.[1] ?? null,
        taskId: s.task?.[0] ?? null,
        taskName: s.task?.[1] ?? null,
        startedAt: localInstant(fromDate, fromTime, rules.timeZone),
        endedAt: localInstant(toDate, toTime, rules.timeZone),
        note: s.note ?? null,
      };
    });
    const pieces = splitByHand(sessions, rules).filter((p) => p.date.startsWith(month));
    const leave = spec.leave
      .flatMap((l) => leaveByHand({ ...l, employeeId: spec.id }, rules))
      .filter((d) => d.date.startsWith(month))
      .sort((a, b) => a.date.localeCompare(b.date));
    return {
      id: spec.id,
      name: spec.name,
      payrollNumber: spec.payrollNumber,
      clockCardNumber: spec.clockCardNumber,
      sessions: sessions.map(({ employeeId: _, ...session }) => session),
      pieces,
      leave,
    };
  });
}

const WEB: readonly [string, string] = ["prj_1Web0Relaunch01", "Web & e-shop <relaunch>"];
const SERVIS: readonly [string, string] = ["prj_2Servis0Kotle2", 'Servis kotlů "Příliš"'];
const MAGAZYN: readonly [string, string] = ["prj_3Magazyn0Lodz", "Magazyn Łódź"];
const DESIGN: readonly [string, string] = ["tsk_1Design0Navrh1", "Návrh šablon"];
const NIGHT: readonly [string, string] = ["tsk_2Night0Shift02", "Noční pohotovost"];
const INWENTARYZACJA: readonly [string, string] = ["tsk_3Inwent0Rocz3", "Inwentaryzacja roczna"];

const CZ_EMPLOYEES: readonly EmployeeSpec[] = [
  {
    id: "emp_CZ1Prilis0Zlutou",
    name: "Jiří Příliš",
    payrollNumber: "00042",
    clockCardNumber: "1042",
    sessions: [
      // A session begun in September that ends on 1 October: only its October piece counts.
      { from: "2026-09-30 22:00", to: "2026-10-01 02:00", project: SERVIS, task: NIGHT },
      { from: "2026-10-01 08:00", to: "2026-10-01 16:30", project: WEB, task: DESIGN },
      // Two sessions on one day: the norm runs out in the second (chronological overtime).
      { from: "2026-10-02 07:30", to: "2026-10-02 12:00", project: WEB, task: DESIGN },
      { from: "2026-10-02 12:30", to: "2026-10-02 17:15", project: SERVIS, note: "Výjezd k zákazníkovi" },
      // A Saturday: all overtime.
      { from: "2026-10-03 09:00", to: "2026-10-03 13:00", project: SERVIS },
      // A night across midnight, Monday into Tuesday.
      { from: "2026-10-05 21:00", to: "2026-10-06 05:30", project: SERVIS, task: NIGHT },
      { from: "2026-10-07 08:00", to: "2026-10-07 16:00", project: WEB },
      // The public holiday (Den vzniku samostatného československého státu).
      { from: "2026-10-28 08:00", to: "2026-10-28 12:00", project: SERVIS, note: "Havárie & oprava" },
      { from: "2026-10-29 08:00", to: "2026-10-29 16:00", project: WEB, task: DESIGN },
    ],
    leave: [
      { type: "vacation", startDate: "2026-10-12", endDate: "2026-10-15", halfDayStart: false, halfDayEnd: true },
    ],
  },
  {
    id: "emp_CZ2Dvorakova0Zof",
    name: "Žofie Dvořáková",
    payrollNumber: "00107",
    clockCardNumber: "2107",
    sessions: [
      { from: "2026-10-01 06:00", to: "2026-10-01 14:30", project: WEB, task: DESIGN },
      { from: "2026-10-02 06:00", to: "2026-10-02 14:00", project: WEB },
      // Sunday 25 October, the night the clocks go back (03:00 CEST → 02:00 CET): 9 real hours.
      { from: "2026-10-24 22:00", to: "2026-10-25 06:00", project: SERVIS, task: NIGHT },
      { from: "2026-10-26 06:00", to: "2026-10-26 14:00", project: WEB },
      // The last night of the month runs into November: only its October piece counts.
      { from: "2026-10-31 20:00", to: "2026-11-01 04:00", project: SERVIS, task: NIGHT },
    ],
    leave: [
      { type: "sick", startDate: "2026-10-19", endDate: "2026-10-23", halfDayStart: false, halfDayEnd: false },
      { type: "on_demand", startDate: "2026-10-30", endDate: "2026-10-30", halfDayStart: true, halfDayEnd: false },
    ],
  },
  {
    id: "emp_CZ3Stastny0Vacl",
    name: "Václav Šťastný",
    payrollNumber: "00315",
    clockCardNumber: "3315",
    sessions: [
      { from: "2026-10-05 08:00", to: "2026-10-05 18:00", project: WEB, task: DESIGN },
      { from: "2026-10-06 08:00", to: "2026-10-06 16:00", project: null },
      { from: "2026-10-08 09:15", to: "2026-10-08 17:45", project: WEB },
    ],
    leave: [
      { type: "unpaid", startDate: "2026-10-13", endDate: "2026-10-13", halfDayStart: false, halfDayEnd: false },
      { type: "childcare", startDate: "2026-10-14", endDate: "2026-10-14", halfDayStart: false, halfDayEnd: false },
      { type: "other", startDate: "2026-10-16", endDate: "2026-10-16", halfDayStart: false, halfDayEnd: false },
    ],
  },
  {
    // Only leave in the month, no work: formats must still list her.
    id: "emp_CZ4OBrien0Zoe001",
    name: "Zoë O'Brien-Nováková",
    payrollNumber: "01200",
    clockCardNumber: "4200",
    sessions: [],
    leave: [
      // Spans the holiday and a weekend: only working days are leave days.
      { type: "vacation", startDate: "2026-10-26", endDate: "2026-11-03", halfDayStart: true, halfDayEnd: false },
    ],
  },
];

const PL_EMPLOYEES: readonly EmployeeSpec[] = [
  {
    id: "emp_PL1Wisniewski0Je",
    name: "Jerzy Wiśniewski",
    payrollNumber: "PL0007",
    clockCardNumber: "7",
    sessions: [
      { from: "2026-11-02 07:00", to: "2026-11-02 15:00", project: MAGAZYN, task: INWENTARYZACJA },
      { from: "2026-11-03 07:00", to: "2026-11-03 17:30", project: MAGAZYN },
      // A night across midnight into the 11 November holiday (Narodowe Święto Niepodległości).
      { from: "2026-11-10 22:00", to: "2026-11-11 06:00", project: MAGAZYN, task: INWENTARYZACJA },
      // A Saturday.
      { from: "2026-11-14 08:00", to: "2026-11-14 12:00", project: MAGAZYN },
    ],
    leave: [
      { type: "vacation", startDate: "2026-11-16", endDate: "2026-11-18", halfDayStart: false, halfDayEnd: false },
    ],
  },
  {
    id: "emp_PL2Zolkiewska0Ag",
    name: "Agnieszka Żółkiewska",
    payrollNumber: "PL0012",
    clockCardNumber: "1201",
    sessions: [
      // Sunday 1 November, All Saints' Day: a holiday on a Sunday is a holiday.
      { from: "2026-11-01 10:00", to: "2026-11-01 14:00", project: MAGAZYN },
      { from: "2026-11-04 08:00", to: "2026-11-04 16:00", project: MAGAZYN, task: INWENTARYZACJA },
      { from: "2026-11-05 12:00", to: "2026-11-05 22:30", project: MAGAZYN, note: "Dostawa z Łodzi" },
    ],
    leave: [
      { type: "sick", startDate: "2026-11-23", endDate: "2026-11-24", halfDayStart: false, halfDayEnd: false },
      { type: "on_demand", startDate: "2026-11-27", endDate: "2026-11-27", halfDayStart: false, halfDayEnd: true },
    ],
  },
  {
    id: "emp_PL3Lodzinski0Ste",
    name: "Stefan Łódziński",
    payrollNumber: "PL0031",
    clockCardNumber: "31",
    sessions: [
      { from: "2026-11-09 06:00", to: "2026-11-09 14:00", project: MAGAZYN },
      { from: "2026-11-12 06:00", to: "2026-11-12 14:15", project: MAGAZYN },
    ],
    leave: [],
  },
];

const GENERATED_AT = new Date("2026-11-02T08:00:00Z");

function monthInput(
  country: Country,
  timeZone: string,
  month: string,
  organization: { id: string; name: string },
  specs: readonly EmployeeSpec[],
  options: PayrollExportInput["options"],
): PayrollExportInput {
  const rules = rulesFor(country, timeZone);
  return {
    month,
    organization: { ...organization, country, timeZone },
    rules,
    employees: buildEmployees(specs, rules, month),
    options,
    generatedAt: GENERATED_AT,
  };
}

/** October 2026 of a Czech organization (Europe/Prague), four employees, sorted by payroll number. */
export function czechMonth(options: PayrollExportInput["options"] = {}): PayrollExportInput {
  return monthInput(
    "CZ",
    "Europe/Prague",
    "2026-10",
    { id: "org_CZ1Kotle0Brno001", name: "Kotle & Topení Brno s.r.o." },
    CZ_EMPLOYEES,
    options,
  );
}

/** November 2026 of a Polish organization (Europe/Warsaw), three employees, sorted by payroll number. */
export function polishMonth(options: PayrollExportInput["options"] = {}): PayrollExportInput {
  return monthInput(
    "PL",
    "Europe/Warsaw",
    "2026-11",
    { id: "org_PL1Magazyn0Lodz1", name: "Magazyny Łódź Sp. z o.o." },
    PL_EMPLOYEES,
    options,
  );
}

/** The employees of a month as an array (the builders always give one). */
export function employeesOf(input: PayrollExportInput): PayrollEmployee[] {
  if (!Array.isArray(input.employees)) throw new TypeError("employeesOf needs a month built by months.ts");
  return input.employees as PayrollEmployee[];
}

/** The month with the given identifiers cleared on the employees at `indexes` (all when omitted). */
export function employeesWithout(
  input: PayrollExportInput,
  identifiers: readonly ("payrollNumber" | "clockCardNumber")[],
  indexes?: readonly number[],
): PayrollExportInput {
  const employees = employeesOf(input).map((employee, i) => {
    if (indexes && !indexes.includes(i)) return employee;
    const cleared: PayrollEmployee = { ...employee };
    for (const id of identifiers) Object.assign(cleared, { [id]: null });
    return cleared;
  });
  return { ...input, employees };
}

/** The same month, its employees delivered one at a time through an async iterable. */
export function streamed(input: PayrollExportInput): PayrollExportInput {
  const list = employeesOf(input);
  async function* employees(): AsyncGenerator<PayrollEmployee> {
    for (const employee of list) {
      await Promise.resolve();
      yield employee;
    }
  }
  return { ...input, employees: employees() };
}

/** Runs a formatter and gathers its output, whether it returns bytes or a stream of chunks. */
export async function collect(formatter: PayrollFormatter, input: PayrollExportInput): Promise<Uint8Array> {
  const chunks = await collectChunks(formatter, input);
  return concat(chunks);
}

/** Runs a formatter and keeps its chunks apart (one for a formatter that returns bytes). */
export async function collectChunks(formatter: PayrollFormatter, input: PayrollExportInput): Promise<Uint8Array[]> {
  const output = formatter.format(input);
  if (output instanceof Uint8Array) return [output];
  const chunks: Uint8Array[] = [];
  for await (const chunk of output) chunks.push(chunk);
  return chunks;
}

/** Joins byte chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
