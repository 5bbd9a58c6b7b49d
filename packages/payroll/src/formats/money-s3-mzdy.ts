// Money S3 XML transfer of payroll months (XML přenosy, "Seznam nových mezd"), validated against
// the vendor's _Document.xsd and the schemas it includes (__Mzda.xsd defines MzdaNova). One
// MzdaNova per employee, keyed by ZamestnanecNovy/OsCislo (1–10 characters), with one PracPomer
// (employment) holding the month's figures. Names are not written: the import matches people by
// OsCislo, and a name spelled differently in Timecard must not rename anyone in Money.
// Someone with several employments (pracovní poměry) in Money needs PracPomer_ID, which Timecard
// does not know: their month lands on the first employment.
//
// The figures are the Czech reading of the pieces shared with the attendance format (see
// money-s3-dochazka.ts): worked without work on Mon–Fri holidays, that work apart (OdprSv), and
// the surcharges as MzPriplatek with the schema's Druh codes.

import type { PayrollEmployee, PayrollEmployeeIdentity, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import type { LeaveType } from "../labour/types.js";
import { czechMonthFigures, leaveRuns, monthParts, workedSecondsOn } from "./czech-month.js";
import { decimalDays, decimalHours, element, encodeXml, xmlDeclaration } from "./xml-writer.js";

// __Mzda.xsd, nepritomnostNovaType/Druh: 1 Dovolená, 2 Proplacená dovolená, 3 Dny na zotavenou
// (sick days), 4 Paragraf (excused obstacles to work, § 191–206 ZP), 5 Neplacené volno,
// 6 Neomluvená absence, 7 Nemoc, 8 Karanténa, 11 Ošetřovné (OČR), 12 Dlouhodobé ošetřovné,
// 13 Mateřská, 14 Další mateřská, 15 Otcovská, 16 and 18 Překážky na straně zaměstnavatele,
// 19 Vojenská, civilní služba, 20 Dny před nástupem, 99 Jiná nepřítomnost.
const ABSENCE: Record<LeaveType, { readonly druh: number; readonly nazev: string }> = {
  vacation: { druh: 1, nazev: "Dovolená" },
  // On-demand leave (PL urlop na żądanie, art. 167² KP) is vacation taken at short notice.
  on_demand: { druh: 1, nazev: "Dovolená" },
  sick: { druh: 7, nazev: "Nemoc" },
  unpaid: { druh: 5, nazev: "Neplacené volno" },
  childcare: { druh: 11, nazev: "Ošetřovné (OČR)" },
  other: { druh: 4, nazev: "Paragraf" },
};

// __Mzda.xsd, mzPriplatekNovyType/Druh: 1 Práce přesčas (§ 114 ZP), 2 Práce ve svátek (§ 115),
// 3 Práce v sobotu a v neděli (§ 118), 5 Práce v noci (§ 116); 4 (ztížené prostředí) and
// 6 (pohotovost) Timecard does not know.
const SURCHARGES = [
  { druh: 1, nazev: "Práce přesčas", figure: "overtimeSeconds" },
  { druh: 2, nazev: "Práce ve svátek", figure: "holidaySeconds" },
  { druh: 3, nazev: "Práce v sobotu a v neděli", figure: "weekendSeconds" },
  { druh: 5, nazev: "Práce v noci", figure: "nightSeconds" },
] as const;

function mzdaXml(employee: PayrollEmployee, input: PayrollExportInput): string {
  const { year, month } = monthParts(input.month);
  const figures = czechMonthFigures(employee);
  const lines = [
    "    <MzdaNova>",
    `      <ZamestnanecNovy>${element("OsCislo", employee.payrollNumber ?? "")}</ZamestnanecNovy>`,
    `      ${element("Mesic", String(Number(month)))}`,
    `      ${element("Rok", year)}`,
    "      <SeznamPracPomer>",
    "        <PracPomer>",
    `          ${element("OdpracDnu", figures.ordinaryDays)}`,
    `          ${element("OdpracHod", decimalHours(figures.ordinarySeconds))}`,
  ];
  if (figures.workdayHolidays.length > 0) {
    lines.push(
      `          ${element("OdprSvDnu", figures.workdayHolidayDays)}`,
      `          ${element("OdprSvHod", decimalHours(figures.workdayHolidaySeconds))}`,
      "          <SeznamOdprSv>",
      ...figures.workdayHolidays.map(
        (h) =>
          `            <OdprSv>${element("Datum", h.date)}${element("OdpracHod", decimalHours(h.seconds))}</OdprSv>`,
      ),
      "          </SeznamOdprSv>",
    );
  }
  const runs = leaveRuns(employee.leave, input.organization.country);
  if (runs.length > 0) {
    lines.push("          <SeznamNepritomnosti>");
    for (const run of runs) {
      const absence = ABSENCE[run.type];
      lines.push(
        "            <NepritomnostNova>",
        `              ${element("Druh", absence.druh)}`,
        `              ${element("Zacatek", run.from)}`,
        `              ${element("Konec", run.to)}`,
      );
      // Hours worked on a half-day boundary day, so Money counts only the absent part.
      if (run.first.days < 1) {
        lines.push(`              ${element("OdpracZH", decimalHours(workedSecondsOn(employee.pieces, run.from)))}`);
      }
      if (run.last.days < 1) {
        lines.push(`              ${element("OdpracKH", decimalHours(workedSecondsOn(employee.pieces, run.to)))}`);
      }
      lines.push(
        `              ${element("KalDnu", run.calendarDays)}`,
        `              ${element("PracDnu", decimalDays(run.days))}`,
        `              ${element("PracHod", decimalHours(run.seconds))}`,
        ...(run.workdayHolidays > 0
          ? [
              `              ${element("SvatDnu", run.workdayHolidays)}`,
              `              ${element("SvatHod", decimalHours(run.workdayHolidays * input.rules.dailyHoursNorm * 3600))}`,
            ]
          : []),
        `              ${element("Nazev", absence.nazev)}`,
        "            </NepritomnostNova>",
      );
    }
    lines.push("          </SeznamNepritomnosti>");
  }
  const surcharges = SURCHARGES.filter((s) => figures[s.figure] > 0);
  if (surcharges.length > 0) {
    lines.push("          <SeznamMzPriplatku>");
    for (const s of surcharges) {
      // A sequence in the schema: Druh, Nazev, …, OdpracHod, in this order.
      lines.push(
        `            <MzPriplatek>${element("Druh", s.druh)}${element("Nazev", s.nazev)}${element("OdpracHod", decimalHours(figures[s.figure]))}</MzPriplatek>`,
      );
    }
    lines.push("          </SeznamMzPriplatku>");
  }
  lines.push("        </PracPomer>", "      </SeznamPracPomer>", "    </MzdaNova>");
  return `${lines.join("\n")}\n`;
}

/**
 * Money S3 payroll transfer XML (`money-s3-mzdy`): `SeznamNovychMezd/MzdaNova` per employee,
 * valid against Money S3's XML transfer schemas, written as a stream of chunks.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 *
 * const format = createDefaultRegistry().get("money-s3-mzdy")!;
 * const output = format.format({ ...month, options: resolveOptions(format) });
 * for await (const chunk of output as AsyncIterable<Uint8Array>) file.write(chunk);
 * ```
 */
export const moneyS3Mzdy: PayrollFormatter = {
  id: "money-s3-mzdy",
  name: "Money S3 payroll transfer XML (XML přenosy, mzdy)",
  program: "Money S3",
  countries: ["CZ"],
  fileKind: "xml",
  fileExtension: "xml",
  mediaType: "application/xml",
  encoding: "utf-8",
  compatibility: "documented",
  compatibilityNote:
    "Money S3's XML transfer of payroll months (SeznamNovychMezd/MzdaNova, one per employee), validated against the vendor's XML transfer schemas (_Document.xsd and the schemas it includes). Every employee needs a payroll number (OsCislo) of at most 10 characters. UTF-8 or windows-1250; both validate.",
  requires: ["payroll_number"],
  acceptedOptions: ["encoding"],
  defaultOptions: { encoding: "utf-8" },
  defaultLineLayout: null,
  columnsConfigurable: false,
  invalidIdentifier(employee: PayrollEmployeeIdentity): string | null {
    const length = [...(employee.payrollNumber ?? "")].length;
    return length >= 1 && length <= 10
      ? null
      : `Money S3 needs a payroll number (OsCislo) of at most 10 characters; "${employee.payrollNumber}" has ${length}.`;
  },
  async *format(input) {
    const encoding = input.options.encoding ?? "utf-8";
    yield encodeXml(`${xmlDeclaration(encoding)}<MoneyData>\n  <SeznamNovychMezd>\n`, encoding);
    for await (const employee of input.employees) yield encodeXml(mzdaXml(employee, input), encoding);
    yield encodeXml("  </SeznamNovychMezd>\n</MoneyData>\n", encoding);
  },
};
