// Money S3 attendance import (import dat z docházkového systému), validated against the vendor's
// schema Dochazka.xsd (/work/shared/payroll/money-s3/dochazka/, see FORMATS.md). One period per
// file (MoneyData/Obdobi), a Zamestnanec per employee keyed by OsobniCislo (exactly 5 characters).
//
// This module also holds the Czech reading of a month's pieces that the other Czech formats
// (Money S3 payroll transfer, PAMICA, ABRA Flexi) share, so that they all say the same thing:
// - worked (Odpracováno) is all work EXCEPT work on a public holiday falling on a working day
//   (Mon–Fri): the schemas count that apart ("bez svátků připadajících na pracovní den"), in
//   Svatky / OdprSv;
// - a worked day is a day on which a shift (session) starts, as a shift belongs to the day it
//   begins; a night across midnight is one worked day, its hours fall on both dates;
// - surcharges: overtime = the pieces' overtime (zákoník práce § 114; note that Timecard counts
//   all work on Saturdays, Sundays and holidays as overtime, see the spec's getHoursReport),
//   holiday = all work on public holidays (§ 115), night = the pieces' night (§ 116), Saturday
//   and Sunday = all work on Saturdays and Sundays, holidays included (§ 118); a holiday on a
//   Sunday therefore counts in both, as both surcharges are due.
// All hours are sums of the pieces' seconds, rounded to hundredths only when written.

import type { PayrollEmployee, PayrollEmployeeIdentity, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { dayKind } from "../labour/holidays.js";
import type { Country, LeaveDay, LeaveType, WorkPiece } from "../labour/types.js";
import { dateOfDayNumber, dayNumberOf, isoWeekdayOf } from "../labour/zoned-time.js";
import { decimalDays, decimalHours, element, encodeXml, xmlComment, xmlDeclaration } from "./xml-writer.js";

/** Saturday or Sunday. */
function isWeekend(date: string): boolean {
  return isoWeekdayOf(dayNumberOf(date)) >= 6;
}

/** The Czech payroll figures of an employee's month, in seconds, summed from the pieces. */
export interface CzechMonthFigures {
  /** All work: Σ workedSeconds. */
  readonly workedSeconds: number;
  /** Work except work on holidays falling on Mon–Fri (Odpracováno). */
  readonly ordinarySeconds: number;
  /** Days on which a shift starts, except holidays falling on Mon–Fri. */
  readonly ordinaryDays: number;
  /** Work on holidays falling on Mon–Fri, by date (Svatky, OdprSv). */
  readonly workdayHolidays: readonly { readonly date: string; readonly seconds: number }[];
  readonly workdayHolidaySeconds: number;
  /** Days on holidays falling on Mon–Fri on which a shift starts. */
  readonly workdayHolidayDays: number;
  readonly overtimeSeconds: number;
  readonly nightSeconds: number;
  /** All work on public holidays, whatever the weekday (§ 115). */
  readonly holidaySeconds: number;
  /** All work on Saturdays and Sundays, holidays included (§ 118). */
  readonly weekendSeconds: number;
}

/** Reads an employee's month the Czech way (see the file comment). */
export function czechMonthFigures(employee: PayrollEmployee): CzechMonthFigures {
  const sessionStarts = new Map(employee.sessions.map((s) => [s.id, s.startedAt.getTime()]));
  const seenSessions = new Set<string>();
  const shiftDays = new Set<string>();
  const holidayByDate = new Map<string, number>();
  let worked = 0;
  let overtime = 0;
  let night = 0;
  let holiday = 0;
  let weekend = 0;
  for (const piece of employee.pieces) {
    worked += piece.workedSeconds;
    overtime += piece.overtimeSeconds;
    night += piece.nightSeconds;
    if (piece.dayKind === "holiday") holiday += piece.workedSeconds;
    if (isWeekend(piece.date)) weekend += piece.workedSeconds;
    if (piece.dayKind === "holiday" && !isWeekend(piece.date)) {
      holidayByDate.set(piece.date, (holidayByDate.get(piece.date) ?? 0) + piece.workedSeconds);
    }
    if (!seenSessions.has(piece.sessionId)) {
      seenSessions.add(piece.sessionId);
      const start = sessionStarts.get(piece.sessionId);
      // The first piece of a session begun in the previous month is not the start of a shift.
      if (start === undefined || start === piece.start.getTime()) shiftDays.add(piece.date);
    }
  }
  const workdayHolidays = [...holidayByDate].map(([date, seconds]) => ({ date, seconds }));
  const workdayHolidaySeconds = workdayHolidays.reduce((sum, h) => sum + h.seconds, 0);
  const workdayHolidayDays = [...shiftDays].filter((d) => holidayByDate.has(d)).length;
  return {
    workedSeconds: worked,
    ordinarySeconds: worked - workdayHolidaySeconds,
    ordinaryDays: shiftDays.size - workdayHolidayDays,
    workdayHolidays,
    workdayHolidaySeconds,
    workdayHolidayDays,
    overtimeSeconds: overtime,
    nightSeconds: night,
    holidaySeconds: holiday,
    weekendSeconds: weekend,
  };
}

/** Seconds worked on a date, from the pieces. */
export function workedSecondsOn(pieces: readonly WorkPiece[], date: string): number {
  let seconds = 0;
  for (const piece of pieces) if (piece.date === date) seconds += piece.workedSeconds;
  return seconds;
}

/** Consecutive leave days of one type: one absence as the payroll programs record it. */
export interface LeaveRun {
  readonly type: LeaveType;
  readonly from: string;
  readonly to: string;
  /** Leave days (halves count 0.5). */
  readonly days: number;
  readonly seconds: number;
  /** Calendar days from `from` to `to`, both included. */
  readonly calendarDays: number;
  readonly first: LeaveDay;
  readonly last: LeaveDay;
  /** Public holidays on Mon–Fri between `from` and `to`: not leave days, but inside the absence. */
  readonly workdayHolidays: number;
}

/**
 * Groups leave days into absences: days of the same type follow each other when only days off
 * (weekends, public holidays of `country`) lie between them. A half day can only start or end a
 * run (the first or last day of a leave request) and, with `splitHalfDays`, stands alone.
 */
export function leaveRuns(leave: readonly LeaveDay[], country: Country, { splitHalfDays = false } = {}): LeaveRun[] {
  const runs: LeaveDay[][] = [];
  let current: LeaveDay[] = [];
  for (const day of leave) {
    const previous = current[current.length - 1];
    const follows =
      previous !== undefined &&
      previous.type === day.type &&
      // A half day is the first or the last day of a leave, never one in the middle.
      (previous.days === 1 || current.length === 1) &&
      !(splitHalfDays && (day.days !== 1 || previous.days !== 1)) &&
      onlyDaysOffBetween(previous.date, day.date, country);
    if (!follows && current.length > 0) {
      runs.push(current);
      current = [];
    }
    current.push(day);
  }
  if (current.length > 0) runs.push(current);
  return runs.map((days) => {
    const first = days[0] as LeaveDay;
    const last = days[days.length - 1] as LeaveDay;
    return {
      type: first.type,
      from: first.date,
      to: last.date,
      days: days.reduce((sum, d) => sum + d.days, 0),
      seconds: days.reduce((sum, d) => sum + d.seconds, 0),
      calendarDays: dayNumberOf(last.date) - dayNumberOf(first.date) + 1,
      first,
      last,
      workdayHolidays: datesBetween(first.date, last.date).filter(
        (date) => !isWeekend(date) && dayKind(date, country) === "holiday",
      ).length,
    };
  });
}

/** The dates strictly between two dates. */
/** The dates strictly between `from` and `to`. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = dayNumberOf(from) + 1; day < dayNumberOf(to); day++) out.push(dateOfDayNumber(day));
  return out;
}

function onlyDaysOffBetween(previous: string, next: string, country: Country): boolean {
  return next > previous && datesBetween(previous, next).every((date) => dayKind(date, country) !== "working");
}

/** The year and two-digit month of a `YYYY-MM` month. */
export function monthParts(month: string): { year: string; month: string } {
  return { year: month.slice(0, 4), month: month.slice(5, 7) };
}

// Dochazka.xsd, nepritomnostType, documented as:
//   0 Dovolená (vacation)                 1 Paragraf (other excused obstacles to work, § 191–206 ZP:
//   2 Neplacené volno (unpaid leave)        doctor, wedding, funeral, moving…)
//   3 Neomluvená absence (unexcused)      4 Nemoc (sickness, injury included)
//   5 Karanténa (quarantine)              6 OČR (ošetřování člena rodiny: caring for a family member)
//   7 Mateřská dovolená (maternity)       8 Další mateřská dovolená (parental)
//   9 Otcovská (paternity)               10 Dlouhodobé ošetřovné (long-term care)
// Timecard's types map onto the ones that exist for them; 3, 5 and 7–10 are not Timecard types.
const ABSENCE_TYPE: Record<LeaveType, number> = {
  vacation: 0,
  // On-demand leave (PL urlop na żądanie, art. 167² KP) is vacation taken at short notice.
  on_demand: 0,
  sick: 4,
  unpaid: 2,
  // Childcare days: caring for a sick child or family member (OČR, § 191 ZP).
  childcare: 6,
  other: 1,
};

/** The Money S3 attendance type (0–10) of a Timecard leave type. */
export function moneyS3AbsenceType(type: LeaveType): number {
  return ABSENCE_TYPE[type];
}

function employeeXml(employee: PayrollEmployee, input: PayrollExportInput): string {
  const figures = czechMonthFigures(employee);
  const lines: string[] = [
    "    <Zamestnanec>",
    `      ${xmlComment(employee.name)}`,
    `      ${element("OsobniCislo", employee.payrollNumber ?? "")}`,
  ];
  const runs = leaveRuns(employee.leave, input.organization.country);
  if (runs.length > 0) {
    lines.push("      <SeznamNepritomnosti>");
    for (const run of runs) {
      // The hours worked on a half-day boundary, which tell Money how much of that day was absent.
      const startWorked =
        run.first.days < 1 ? element("OdpracHodin", decimalHours(workedSecondsOn(employee.pieces, run.from))) : "";
      const endWorked =
        run.last.days < 1 ? element("OdpracHodin", decimalHours(workedSecondsOn(employee.pieces, run.to))) : "";
      lines.push(
        "        <Nepritomnost>",
        `          ${element("Typ", moneyS3AbsenceType(run.type))}`,
        `          <Zacatek>${element("Datum", run.from)}${startWorked}</Zacatek>`,
        `          <Konec>${element("Datum", run.to)}${endWorked}</Konec>`,
        `          ${element("KalDnu", run.calendarDays)}`,
        `          ${element("PracDnu", decimalDays(run.days))}`,
        `          ${element("PracHodin", decimalHours(run.seconds))}`,
        ...(run.workdayHolidays > 0
          ? [
              `          ${element("SvatkyDnu", run.workdayHolidays)}`,
              `          ${element("SvatkyHodin", decimalHours(run.workdayHolidays * input.rules.dailyHoursNorm * 3600))}`,
            ]
          : []),
        "        </Nepritomnost>",
      );
    }
    lines.push("      </SeznamNepritomnosti>");
  }
  lines.push(
    `      <Odpracovano>${element("OdpracDnu", figures.ordinaryDays)}${element("OdpracHodin", decimalHours(figures.ordinarySeconds))}</Odpracovano>`,
  );
  if (figures.workdayHolidaySeconds > 0) {
    lines.push(
      `      <Svatky>${element("OdpracDnu", figures.workdayHolidayDays)}${element("OdpracHodin", decimalHours(figures.workdayHolidaySeconds))}</Svatky>`,
    );
  }
  const surcharges = [
    ["PrescasHodin", figures.overtimeSeconds],
    ["SvatkyHodin", figures.holidaySeconds],
    ["SobotaNedeleHodin", figures.weekendSeconds],
    ["NocHodin", figures.nightSeconds],
  ] as const;
  const written = surcharges.filter(([, seconds]) => seconds > 0);
  if (written.length > 0) {
    lines.push(
      `      <MzdovePriplatky>${written.map(([name, seconds]) => element(name, decimalHours(seconds))).join("")}</MzdovePriplatky>`,
    );
  }
  lines.push("    </Zamestnanec>");
  return `${lines.join("\n")}\n`;
}

/**
 * Money S3 attendance XML (`money-s3-dochazka`): valid against Money S3's Dochazka.xsd, one
 * `Zamestnanec` per employee, written as a stream of chunks (one per employee).
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 *
 * const format = createDefaultRegistry().get("money-s3-dochazka")!;
 * const output = format.format({ ...month, options: resolveOptions(format, { encoding: "windows-1250" }) });
 * for await (const chunk of output as AsyncIterable<Uint8Array>) file.write(chunk);
 * ```
 */
export const moneyS3Dochazka: PayrollFormatter = {
  id: "money-s3-dochazka",
  name: "Money S3 attendance XML (docházka)",
  program: "Money S3",
  countries: ["CZ"],
  fileKind: "xml",
  fileExtension: "xml",
  mediaType: "application/xml",
  encoding: "utf-8",
  compatibility: "documented",
  compatibilityNote:
    "Money S3's import of attendance data, validated against the vendor's schema (Dochazka.xsd): one period per file (MoneyData/Obdobi) and per employee the worked days and hours, the surcharge hours (overtime PrescasHodin, night NocHodin, Saturday and Sunday SobotaNedeleHodin, holidays SvatkyHodin) and absences (Nepritomnost, types 0 to 10). Every employee needs a payroll number (OsobniCislo) of exactly 5 characters. UTF-8 or windows-1250; both validate.",
  requires: ["payroll_number"],
  acceptedOptions: ["encoding"],
  defaultOptions: { encoding: "utf-8" },
  defaultLineLayout: null,
  columnsConfigurable: false,
  invalidIdentifier(employee: PayrollEmployeeIdentity): string | null {
    const length = [...(employee.payrollNumber ?? "")].length;
    return length === 5
      ? null
      : `Money S3 attendance needs a payroll number (OsobniCislo) of exactly 5 characters; "${employee.payrollNumber}" has ${length}.`;
  },
  async *format(input) {
    const encoding = input.options.encoding ?? "utf-8";
    const { year, month } = monthParts(input.month);
    yield encodeXml(
      `${xmlDeclaration(encoding)}<MoneyData>\n  <Obdobi>${element("Mesic", month)}${element("Rok", year)}</Obdobi>\n  <SeznamZamestnancu>\n`,
      encoding,
    );
    for await (const employee of input.employees) yield encodeXml(employeeXml(employee, input), encoding);
    yield encodeXml("  </SeznamZamestnancu>\n</MoneyData>\n", encoding);
  },
};
