// Deterministic months of payroll data for the formatters' tests: a Czech month (Europe/Prague,
// October 2026: 28 Oct is a public holiday, 25 Oct the end of summer time) and a Polish month
// (Europe/Warsaw, November 2026: 1 and 11 Nov are public holidays). Names carry diacritics,
// sessions carry projects and tasks, and the months hold a night across midnight, a Saturday,
// a Sunday, a holiday, vacation, sick leave and a half day.
//
// The pieces and leave days come from the labour engine itself (`splitWork`, `expandLeave`),
// so the golden files carry the real split and every format's hours equal the reports'.

import type { PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../../src/formatter.js";
import { defaultLabourRules, expandLeave, localDateOf, splitWork, zonedDateTime } from "../../src/labour/index.js";
import type { Country, LabourRules, LeavePeriod } from "../../src/labour/types.js";

/** The instant of the local wall time `date` `time` (`YYYY-MM-DD`, `HH:MM`) in `timeZone` (the engine's). */
export const localInstant: (date: string, time: string, timeZone: string) => Date = zonedDateTime;

/** The local date (`YYYY-MM-DD`) of an instant in `timeZone` (the engine's). */
export const localDate: (instant: Date, timeZone: string) => string = localDateOf;

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
  readonly leave: readonly Omit<LeavePeriod, "employeeId">[];
}

function buildEmployees(specs: readonly EmployeeSpec[], rules: LabourRules, month: string): PayrollEmployee[] {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const range = {
    from: `${month}-01`,
    to: `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, "0")}`,
  };
  return specs.map((spec) => {
    const sessions = spec.sessions.map((s, i) => {
      const [fromDate, fromTime] = s.from.split(" ") as [string, string];
      const [toDate, toTime] = s.to.split(" ") as [string, string];
      return {
        id: `ses_${spec.id.slice(4)}${String(i + 1).padStart(2, "0")}`,
        projectId: s.project?.[0] ?? null,
        projectName: s.project?.[1] ?? null,
        taskId: s.task?.[0] ?? null,
        taskName: s.task?.[1] ?? null,
        startedAt: zonedDateTime(fromDate, fromTime, rules.timeZone),
        endedAt: zonedDateTime(toDate, toTime, rules.timeZone),
        note: s.note ?? null,
      };
    });
    const pieces = splitWork(
      sessions.map((s) => ({ ...s, employeeId: spec.id })),
      rules,
    ).filter((p) => p.date >= range.from && p.date <= range.to);
    const leave = spec.leave
      .flatMap((l) => expandLeave({ ...l, employeeId: spec.id }, rules, range))
      .sort((a, b) => a.date.localeCompare(b.date));
    return {
      id: spec.id,
      name: spec.name,
      payrollNumber: spec.payrollNumber,
      clockCardNumber: spec.clockCardNumber,
      sessions,
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
  const rules = defaultLabourRules(country, timeZone);
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
