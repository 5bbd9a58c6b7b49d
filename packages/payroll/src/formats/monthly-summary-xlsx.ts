// The monthly summary workbook (Office Open XML, ECMA-376): a "Summary" sheet with a row per
// employee (name, payroll number, worked, regular, overtime, night, Sunday and holiday hours,
// leave days, sessions) and, as the format's description promises, a sheet per employee with
// the days. Strings are inline (no shared-strings part), numbers are numbers, dates are date
// serials shown as YYYY-MM-DD. No timestamps anywhere, so a month gives the same workbook.
//
// Streaming: each employee's day sheet is compressed and yielded as the employee is read; the
// summary rows go into a compressor of their own (only compressed bytes stay in memory) and the
// summary part is written after the day sheets, followed by the parts that list every sheet
// (workbook, relationships, content types). ZIP entry order means nothing to OPC readers:
// Office's own System.IO.Packaging writes [Content_Types].xml last too.

import type { PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { sumHours } from "../labour/split-work.js";
import type { WorkPiece } from "../labour/types.js";
import { hoursNumber } from "./csv.js";
import { createDeflater, createZipWriter } from "./zip.js";

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT = {
  rels: "application/vnd.openxmlformats-package.relationships+xml",
  workbook: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  worksheet: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
  styles: "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
};
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// Cell styles of styles.xml: 0 default, 1 bold header, 2 hours "0.00", 3 date "yyyy-mm-dd".
const STYLE = { header: 1, hours: 2, date: 3 } as const;

const STYLES_XML = `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const ROOT_RELS_XML = `${XML_DECLARATION}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

const SUMMARY_HEADER = [
  "Employee",
  "Payroll number",
  "Worked hours",
  "Regular hours",
  "Overtime hours",
  "Night hours",
  "Sunday and holiday hours",
  "Leave days",
  "Sessions",
];
const SUMMARY_WIDTHS = [28, 16, 14, 14, 14, 12, 24, 12, 10];

const DAY_HEADER = [
  "Date",
  "Day",
  "Worked hours",
  "Regular hours",
  "Overtime hours",
  "Night hours",
  "Sunday and holiday hours",
  "Leave days",
  "Leave",
  "Sessions",
];
const DAY_WIDTHS = [12, 10, 14, 14, 14, 12, 24, 12, 16, 10];

const SUMMARY_SHEET = "Summary";
const utf8 = new TextEncoder();

/**
 * Drops what XML 1.0 cannot hold (§ 2.2: C0 controls other than tab, LF and CR; lone surrogates;
 * U+FFFE and U+FFFF). Nobody types these into a name or note on purpose, and a workbook holding
 * them does not open.
 */
export function xmlChars(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const allowed =
      code === 0x09 ||
      code === 0x0a ||
      code === 0x0d ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    if (allowed) out += char;
  }
  return out;
}

/** Escapes text for XML character data and attribute values (after `xmlChars`). */
export function escapeXml(text: string): string {
  return xmlChars(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The column letters of a 0-based column index (A…Z, AA…). */
function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

type Cell =
  | { readonly text: string; readonly style?: number }
  | { readonly number: number; readonly style?: number }
  | null;

function row(index: number, cells: readonly Cell[]): string {
  let xml = `<row r="${index}">`;
  cells.forEach((cell, i) => {
    if (cell === null) return;
    const ref = `${columnName(i)}${index}`;
    const style = cell.style === undefined ? "" : ` s="${cell.style}"`;
    xml +=
      "text" in cell
        ? `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(cell.text)}</t></is></c>`
        : `<c r="${ref}"${style}><v>${cell.number}</v></c>`;
  });
  return `${xml}</row>`;
}

function sheetStart(widths: readonly number[], selected: boolean): string {
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
  return (
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}"><sheetViews><sheetView${selected ? ' tabSelected="1"' : ""} workbookViewId="0">` +
    `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
    `<cols>${cols}</cols><sheetData>`
  );
}

const SHEET_END = "</sheetData></worksheet>";

function headerRow(labels: readonly string[]): string {
  return row(
    1,
    labels.map((text) => ({ text, style: STYLE.header })),
  );
}

const hours = (seconds: number): Cell => ({ number: hoursNumber(seconds), style: STYLE.hours });

function summaryRow(index: number, employee: PayrollEmployee): string {
  const t = sumHours(employee.pieces);
  const leaveDays = employee.leave.reduce((n, d) => n + d.days, 0);
  const sessions = new Set(employee.pieces.map((p) => p.sessionId)).size;
  return row(index, [
    { text: employee.name },
    employee.payrollNumber === null ? null : { text: employee.payrollNumber },
    hours(t.workedSeconds),
    hours(t.regularSeconds),
    hours(t.overtimeSeconds),
    hours(t.nightSeconds),
    hours(t.sundayHolidaySeconds),
    { number: leaveDays },
    { number: sessions },
  ]);
}

/** The Excel date serial of a `YYYY-MM-DD` date (days since 1899-12-30). */
function dateSerial(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

function daySheet(employee: PayrollEmployee): string {
  const start = sheetStart(DAY_WIDTHS, false) + headerRow(DAY_HEADER);
  const days = new Map<string, { pieces: WorkPiece[]; dayKind: string | null; leave: number; types: Set<string> }>();
  const dayOf = (date: string) => {
    let day = days.get(date);
    if (!day) {
      day = { pieces: [], dayKind: null, leave: 0, types: new Set() };
      days.set(date, day);
    }
    return day;
  };
  for (const piece of employee.pieces) {
    const day = dayOf(piece.date);
    day.pieces.push(piece);
    day.dayKind = piece.dayKind;
  }
  for (const leave of employee.leave) {
    const day = dayOf(leave.date);
    day.leave += leave.days;
    day.types.add(leave.type);
    day.dayKind ??= "working";
  }
  let index = 2;
  let xml = "";
  for (const date of [...days.keys()].sort()) {
    const day = days.get(date) as NonNullable<ReturnType<typeof days.get>>;
    const t = sumHours(day.pieces);
    xml += row(index++, [
      { number: dateSerial(date), style: STYLE.date },
      { text: day.dayKind ?? "" },
      hours(t.workedSeconds),
      hours(t.regularSeconds),
      hours(t.overtimeSeconds),
      hours(t.nightSeconds),
      hours(t.sundayHolidaySeconds),
      { number: day.leave },
      day.types.size === 0 ? null : { text: [...day.types].join(", ") },
      { number: new Set(day.pieces.map((p) => p.sessionId)).size },
    ]);
  }
  return start + xml + SHEET_END;
}

/**
 * A sheet name Excel accepts: no `[ ] : * ? / \`, no apostrophe at either end, at most 31
 * characters, unique regardless of case (a number in brackets is added to a repeated name).
 */
export function sheetName(wanted: string, taken: Set<string>): string {
  let base = xmlChars(wanted)
    .replace(/[[\]:*?/\\]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^'+|'+$/g, "");
  if (base === "" || base.toLowerCase() === "history") base = "Employee";
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : ` (${n})`;
    const name =
      [...base]
        .slice(0, 31 - suffix.length)
        .join("")
        .trimEnd() + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}

/**
 * Monthly summary XLSX: a workbook for people, with a summary row per employee and a sheet per
 * employee with the days; hours split as the hours report splits them.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { createDefaultRegistry } from "@timecard/payroll";
 * const monthlySummaryXlsx = createDefaultRegistry().get("monthly-summary-xlsx")!;
 * const chunks: Uint8Array[] = [];
 * for await (const chunk of monthlySummaryXlsx.format(input)) chunks.push(chunk);
 * await writeFile("timecard-2026-10.xlsx", Buffer.concat(chunks));
 * ```
 */
export const monthlySummaryXlsx: PayrollFormatter = {
  id: "monthly-summary-xlsx",
  name: "Monthly summary XLSX",
  program: "Any spreadsheet program",
  countries: ["CZ", "PL"],
  fileKind: "xlsx",
  fileExtension: "xlsx",
  mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  encoding: null,
  compatibility: "custom",
  compatibilityNote:
    "A workbook for people to read, not an import format: a summary sheet with a row per employee (worked, regular, overtime, night, Sunday and holiday hours, leave days) and a sheet per employee with the days. The figures are split as in GET /v1/reports/hours, from approved sessions only, like every export.",
  requires: [],
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  format(input: PayrollExportInput) {
    return writeWorkbook(input);
  },
};

async function* writeWorkbook(input: PayrollExportInput): AsyncGenerator<Uint8Array> {
  const zip = createZipWriter();
  const summary = createDeflater();
  await summary.write(utf8.encode(sheetStart(SUMMARY_WIDTHS, true) + headerRow(SUMMARY_HEADER)));
  const taken = new Set([SUMMARY_SHEET.toLowerCase()]);
  const names: string[] = [SUMMARY_SHEET];
  let index = 2;
  for await (const employee of input.employees) {
    await summary.write(utf8.encode(summaryRow(index++, employee)));
    const name = sheetName(
      employee.payrollNumber ? `${employee.payrollNumber} ${employee.name}` : employee.name,
      taken,
    );
    names.push(name);
    // One employee's days are a few kilobytes: compressed at once, without a zlib stream each.
    yield zip.file(`xl/worksheets/sheet${names.length}.xml`, utf8.encode(daySheet(employee)));
  }
  await summary.write(utf8.encode(SHEET_END));
  yield* zip.deflated("xl/worksheets/sheet1.xml", await summary.end());
  yield* zip.stream("xl/workbook.xml", workbookXml(names));
  yield* zip.stream("xl/_rels/workbook.xml.rels", workbookRelsXml(names.length));
  yield zip.file("xl/styles.xml", utf8.encode(STYLES_XML));
  yield zip.file("_rels/.rels", utf8.encode(ROOT_RELS_XML));
  yield* zip.stream("[Content_Types].xml", contentTypesXml(names.length));
  yield zip.end();
}

function* workbookXml(names: readonly string[]): Generator<Uint8Array> {
  yield utf8.encode(`${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>`);
  for (let i = 0; i < names.length; i++) {
    yield utf8.encode(`<sheet name="${escapeXml(names[i] as string)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
  }
  yield utf8.encode("</sheets></workbook>");
}

function* workbookRelsXml(sheets: number): Generator<Uint8Array> {
  yield utf8.encode(`${XML_DECLARATION}<Relationships xmlns="${PKG_REL_NS}">`);
  for (let i = 1; i <= sheets; i++) {
    yield utf8.encode(`<Relationship Id="rId${i}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i}.xml"/>`);
  }
  yield utf8.encode(
    `<Relationship Id="rId${sheets + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
  );
}

function* contentTypesXml(sheets: number): Generator<Uint8Array> {
  yield utf8.encode(
    `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="${CT.rels}"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="${CT.workbook}"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="${CT.styles}"/>`,
  );
  for (let i = 1; i <= sheets; i++) {
    yield utf8.encode(`<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="${CT.worksheet}"/>`);
  }
  yield utf8.encode("</Types>");
}
