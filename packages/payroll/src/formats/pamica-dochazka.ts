// PAMICA attendance XML (Stormware's payroll program; POHODA users do their payroll in it).
//
// No schema here: Stormware's dochazka.xsd (stormware.cz/schema/pamica/dochazka.xsd) is not
// copied into the repository, and the public implementations we could read disagree:
// - one writes a single `dochazka_zamestnance` root per file (one employee per document) in the
//   namespace http://www.stormware.cz/schema/pamica/version_2/dochazka.xsd, version="2.0", and
//   zips the files;
// - another writes every employee's `dochazka_zamestnance` under a `dochazky_zamestnancu`
//   root, version="1.0", namespace http://www.stormware.cz/schema/pamica/dochazka.xsd.
// We write the second, the only one that holds a month of several employees in one XML file.
// Both agree on what an employee's block holds, which is what we write (medium confidence):
// - hlavicka: mesic, rok, jmeno, prijmeni (shown in PAMICA's import log only) and
//   cislo_pracovniho_pomeru, the employment number that PAMICA matches on: the payroll number;
// - rozvrh: one uvazek per calendar day (datum attribute), the planned hours as H:MM. Timecard
//   knows no shift plans, so the plan is the organization's daily norm on working days
//   (Mon–Fri except public holidays) and 0:00 on other days, as the reports split by the norms;
// - nepritomnosti: nepritomnost with kod, od, do; a partial day is a one-day absence whose `od`
//   carries the absent hours in a `nepritomnost` attribute (H:MM);
// - pritomnost: prescas_pracovni_den/hodiny, overtime hours. Timecard's overtime includes all
//   work on weekends and holidays (see the spec's getHoursReport); PAMICA may have separate
//   prescas_* elements for days off that the public implementations do not show.
// Not written, for want of public element names or codes: worked hours below the plan, night,
// weekend and holiday surcharges (mzdy/priplatek takes the installation's own codes).
// Absence codes are PAMICA's default activity codes as a public attendance vendor lists them:
// V01 dovolená, N01 nemoc, V03 placené volno, V04 neplacené volno, N05 paragraf; an installation
// with its own codes needs them mapped. Hours are H:MM (PAMICA's hour type), not decimal hours.
// windows-1250, as Stormware's XML files are.

import type { PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { dayKind } from "../labour/holidays.js";
import { sumHours } from "../labour/split-work.js";
import type { LeaveType } from "../labour/types.js";
import { dateOfDayNumber, dayNumberOf, lastDateOfMonth } from "../labour/zoned-time.js";
import { leaveRuns, monthParts } from "./czech-month.js";
import { element, encodeXml, escapeXml, hoursMinutes, xmlComment } from "./xml-writer.js";

/** The namespace of the `dochazky_zamestnancu` root (low confidence, see the file comment). */
export const PAMICA_NAMESPACE = "http://www.stormware.cz/schema/pamica/dochazka.xsd";

const ABSENCE_CODE: Record<LeaveType, string> = {
  vacation: "V01",
  // On-demand leave (PL urlop na żądanie, art. 167² KP) is vacation taken at short notice.
  on_demand: "V01",
  sick: "N01",
  unpaid: "V04",
  // Caring for a family member (OČR, § 191 ZP) and other excused absences are překážky v práci
  // (paragraf); PAMICA may have a separate OČR code that the public lists do not show.
  childcare: "N05",
  other: "N05",
};

/** Splits a full name at its last space: PAMICA shows jmeno and prijmeni in its import log only. */
function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim();
  const at = trimmed.lastIndexOf(" ");
  return at < 0 ? { first: "", last: trimmed } : { first: trimmed.slice(0, at), last: trimmed.slice(at + 1) };
}

/** The month's work plan (`<rozvrh>`): the daily norm on working days, the same for every employee. */
function rozvrhXml(input: PayrollExportInput): string {
  const norm = input.rules.dailyHoursNorm * 3600;
  const first = dayNumberOf(`${input.month}-01`);
  const last = dayNumberOf(lastDateOfMonth(input.month));
  let plan = "";
  for (let day = first; day <= last; day++) {
    const date = dateOfDayNumber(day);
    const hours = dayKind(date, input.organization.country) === "working" ? hoursMinutes(norm) : "0:00";
    plan += `<uvazek datum="${date}">${hours}</uvazek>`;
  }
  return `    <rozvrh>${plan}</rozvrh>`;
}

function employeeXml(employee: PayrollEmployee, input: PayrollExportInput, rozvrh: string): string {
  const { year, month } = monthParts(input.month);
  const { first, last } = splitName(employee.name);
  const absences = leaveRuns(employee.leave, input.organization.country, { splitHalfDays: true }).map((run) => {
    const partial = run.days < 1 ? ` nepritomnost="${hoursMinutes(run.seconds)}"` : "";
    return `      <nepritomnost>${element("kod", ABSENCE_CODE[run.type])}<od${partial}>${run.from}</od>${element("do", run.to)}</nepritomnost>`;
  });
  const overtime = sumHours(employee.pieces).overtimeSeconds;
  const lines = [
    "  <dochazka_zamestnance>",
    `    <hlavicka>${element("mesic", String(Number(month)))}${element("rok", year)}${element("jmeno", first)}${element("prijmeni", last)}${element("cislo_pracovniho_pomeru", employee.payrollNumber ?? "")}</hlavicka>`,
    rozvrh,
    absences.length > 0 ? `    <nepritomnosti>\n${absences.join("\n")}\n    </nepritomnosti>` : "    <nepritomnosti/>",
    overtime > 0
      ? `    <pritomnost><prescas_pracovni_den>${element("hodiny", hoursMinutes(overtime))}</prescas_pracovni_den></pritomnost>`
      : "    <pritomnost/>",
    "  </dochazka_zamestnance>",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * PAMICA attendance XML (`pamica-dochazka`): a `dochazka_zamestnance` block per employee, in
 * windows-1250, written as a stream of chunks. Partially documented: see the compatibility note.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 *
 * const format = createDefaultRegistry().get("pamica-dochazka")!;
 * const output = format.format({ ...month, options: resolveOptions(format) });
 * for await (const chunk of output as AsyncIterable<Uint8Array>) file.write(chunk);
 * ```
 */
export const pamicaDochazka: PayrollFormatter = {
  id: "pamica-dochazka",
  name: "PAMICA attendance XML (docházka)",
  program: "PAMICA (Stormware payroll, for POHODA users)",
  countries: ["CZ"],
  fileKind: "xml",
  fileExtension: "xml",
  mediaType: "application/xml",
  encoding: "windows-1250",
  compatibility: "partially_documented",
  compatibilityNote:
    "Attendance for PAMICA, Stormware's payroll program (POHODA users do their payroll in it). It follows Stormware's attendance schema (dochazka.xsd) as far as public implementations show it: the fields are known with medium confidence, the root element and the namespace version with low confidence, since two public implementations disagree. Test the import of one month with your PAMICA version before relying on it. Employees are matched by the employment number (cislo_pracovniho_pomeru), which must be the payroll number. windows-1250, as Stormware's XML is.",
  requires: ["payroll_number"],
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  async *format(input) {
    yield encodeXml(
      `<?xml version="1.0" encoding="windows-1250"?>\n<dochazky_zamestnancu version="1.0" xmlns="${escapeXml(PAMICA_NAMESPACE, { attribute: true })}">\n  ${xmlComment(input.organization.name)}\n`,
      "windows-1250",
    );
    const rozvrh = rozvrhXml(input);
    for await (const employee of input.employees) yield encodeXml(employeeXml(employee, input, rozvrh), "windows-1250");
    yield encodeXml("</dochazky_zamestnancu>\n", "windows-1250");
  },
};
