// Money S3 attendance import (import dat z docházkového systému), validated against the vendor's
// schema Dochazka.xsd (/work/shared/payroll/money-s3/dochazka/, see FORMATS.md). One period per
// file (MoneyData/Obdobi), a Zamestnanec per employee keyed by OsobniCislo (exactly 5 characters).
// The Czech reading of the month's pieces is czech-month.ts's, shared with the other Czech formats.

import type { PayrollEmployee, PayrollEmployeeIdentity, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import type { LeaveType } from "../labour/types.js";
import { czechMonthFigures, leaveRuns, monthParts, workedSecondsOn } from "./czech-month.js";
import { decimalDays, decimalHours, element, encodeXml, xmlComment, xmlDeclaration } from "./xml-writer.js";

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
