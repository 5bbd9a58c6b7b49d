// ABRA Flexi winstrom XML: one document with the month's records, for the XML import of the
// Flexi application or a PUT to its REST API (https://podpora.flexibee.eu, "ABRA Flexi XML").
// Flexi generates its XSD per installation, so there is no schema to validate against here.
//
// Records written per employee, with property names as Flexi's evidence properties list them:
// - prace-mesic (Práce pro střediska): rok, mesic, hodin, poznam; one per project the employee
//   worked on (poznam names it); no zakazka link, since Timecard's projects are not Flexi's
//   zakázky codes;
// - nepritomnost: platiOd, platiDo, cisMzdSloz (the reason: a payroll component code),
//   hodin1Den / hodinXDen only for a half day, as Flexi's help asks (full days leave them empty);
// - mzdova-slozka: rok, mesic, datumOd, datumDo, hodiny, cisMzdSloz, for the surcharge hours
//   (overtime § 114 ZP, holiday § 115, night § 116, Saturday and Sunday § 118), read the same
//   way as the Money S3 files (see money-s3-dochazka.ts).
// People: `osoba` is `code:<payroll number>`, Flexi's code identifier of a person, which is their
// osobní číslo (osbCis). Someone with several employments (pracPom) needs mapping.
// Every record carries an external id `ext:TIMECARD:<employee>-<month>-<record>` (one segment
// after the system name), so that importing the same month again updates the records instead of
// adding copies.
// The payroll component codes (cisMzdSloz) are ours, listed in FLEXI_CODES: create them in
// Flexi's číselník mzdových složek or have your Flexi partner map them.
// Hours are decimal hours with a point, dates YYYY-MM-DD; UTF-8.

import type { PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import type { LeaveType } from "../labour/types.js";
import { lastDateOfMonth } from "../labour/zoned-time.js";
import { czechMonthFigures, leaveRuns, monthParts } from "./czech-month.js";
import { decimalHours, element, encodeXml, xmlComment } from "./xml-writer.js";

/** The payroll component codes (cisMzdSloz) the file refers to, by what they stand for. */
export const FLEXI_CODES = {
  leave: {
    vacation: "DOVOLENA",
    on_demand: "DOVOLENA",
    sick: "NEMOC",
    unpaid: "NEPLACENE_VOLNO",
    childcare: "OCR",
    other: "PARAGRAF",
  } satisfies Record<LeaveType, string>,
  overtime: "PRESCAS",
  holiday: "SVATEK",
  night: "NOC",
  weekend: "SOBOTA_NEDELE",
} as const;

function record(kind: string, id: string, fields: readonly string[]): string {
  return `  <${kind}>\n    ${element("id", `ext:TIMECARD:${id}`)}\n${fields.map((f) => `    ${f}\n`).join("")}  </${kind}>\n`;
}

function employeeXml(employee: PayrollEmployee, input: PayrollExportInput): string {
  const { year, month } = monthParts(input.month);
  const osoba = element("osoba", `code:${employee.payrollNumber ?? ""}`);
  const period = [element("rok", year), element("mesic", String(Number(month)))];
  const key = `${employee.id}-${input.month}`;
  let out = `  ${xmlComment(`${employee.name} (${employee.payrollNumber ?? ""})`)}\n`;

  // Work per project, in the order the projects first appear.
  const projectNames = new Map(employee.sessions.map((s) => [s.projectId, s.projectName]));
  const byProject = new Map<string | null, number>();
  for (const piece of employee.pieces)
    byProject.set(piece.projectId, (byProject.get(piece.projectId) ?? 0) + piece.workedSeconds);
  for (const [projectId, seconds] of byProject) {
    const name = projectId === null ? "Bez projektu" : (projectNames.get(projectId) ?? projectId);
    out += record("prace-mesic", `${key}-prace-${projectId ?? "none"}`, [
      osoba,
      ...period,
      element("hodin", decimalHours(seconds)),
      element("poznam", `Timecard: ${name}`),
    ]);
  }

  for (const run of leaveRuns(employee.leave, input.organization.country)) {
    const fields = [
      osoba,
      element("cisMzdSloz", `code:${FLEXI_CODES.leave[run.type]}`),
      element("platiOd", run.from),
      element("platiDo", run.to),
    ];
    // The hours of absence on a half day at either end (Flexi: only for partial days).
    if (run.first.days < 1) fields.push(element("hodin1Den", decimalHours(run.first.seconds)));
    if (run.last.days < 1 && run.to !== run.from) fields.push(element("hodinXDen", decimalHours(run.last.seconds)));
    out += record("nepritomnost", `${key}-nepritomnost-${run.from}`, fields);
  }

  const figures = czechMonthFigures(employee);
  const surcharges = [
    ["overtime", figures.overtimeSeconds],
    ["holiday", figures.holidaySeconds],
    ["night", figures.nightSeconds],
    ["weekend", figures.weekendSeconds],
  ] as const;
  for (const [name, seconds] of surcharges) {
    if (seconds <= 0) continue;
    out += record("mzdova-slozka", `${key}-slozka-${name}`, [
      osoba,
      element("cisMzdSloz", `code:${FLEXI_CODES[name]}`),
      ...period,
      element("datumOd", `${input.month}-01`),
      element("datumDo", lastDateOfMonth(input.month)),
      element("hodiny", decimalHours(seconds)),
    ]);
  }
  return out;
}

/**
 * ABRA Flexi winstrom XML (`abra-flexi-winstrom`): worked time per project, absences and
 * surcharge components per employee, in UTF-8, as a stream of chunks.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 *
 * const format = createDefaultRegistry().get("abra-flexi-winstrom")!;
 * const output = format.format({ ...month, options: resolveOptions(format) });
 * for await (const chunk of output as AsyncIterable<Uint8Array>) file.write(chunk);
 * ```
 */
export const abraFlexiWinstrom: PayrollFormatter = {
  id: "abra-flexi-winstrom",
  name: "ABRA Flexi winstrom XML",
  program: "ABRA Flexi",
  countries: ["CZ"],
  fileKind: "xml",
  fileExtension: "xml",
  mediaType: "application/xml",
  encoding: "utf-8",
  compatibility: "partially_documented",
  compatibilityNote:
    "A winstrom XML document with the month's absences (nepritomnost), worked time (prace-mesic) and payroll components (mzdova-slozka), for the import in the Flexi application or for its REST API. Written from the Flexi API documentation; Flexi generates the exact schema for each installation, so codes and custom fields of your installation may need mapping. People are matched by their number (osobní číslo, osbCis), which must be the employee's payroll number; someone with more than one employment (pracPom) in Flexi needs mapping by your Flexi partner. Test the import of one month before relying on it.",
  requires: ["payroll_number"],
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  async *format(input) {
    yield encodeXml(`<?xml version="1.0" encoding="UTF-8"?>\n<winstrom version="1.0">\n`, "utf-8");
    for await (const employee of input.employees) yield encodeXml(employeeXml(employee, input), "utf-8");
    yield encodeXml("</winstrom>\n", "utf-8");
  },
};
