// The documented fallback CSV for payroll programs that publish no import format (Helios Orange
// and iNuvio, ABRA Gen, others): one row per employee, payroll component and month, which the
// customer's payroll partner maps in the program's import.
//
//   osobni_cislo;kod_slozky;hodiny;dny;datum_od;datum_do
//   00042;regular;168,0;21;01.09.2026;30.09.2026
//
// Components, each a row only when it has hours or days:
// - regular: work within the daily norm on working days; `dny` = the days with such work.
// - overtime: work beyond the norm and all work on other days (CZ zákoník práce § 78 odst. 1
//   písm. i and § 114, PL Kodeks pracy art. 151 § 1 and art. 151¹); a surcharge, `dny` 0.
// - night: work in the night window (CZ § 78 odst. 1 písm. j and § 116, PL art. 151⁷ and
//   art. 151⁸); a surcharge, `dny` 0.
// - sunday_holiday: work on Sundays and public holidays (CZ § 115 and § 118, PL art. 151⁹ to
//   art. 151¹¹); a surcharge, `dny` 0.
// - leave: days of vacation (dovolená, CZ § 211; urlop wypoczynkowy, PL art. 152, including
//   leave on demand, art. 167²) with their hours. Sick leave, unpaid leave, childcare and other
//   absences are NOT in this file: the payroll program pays them from its own absence records
//   (sick notes, ePN / e-ZLA), and one "leave" code for all of them would pay sick days as
//   vacation.
// Every hour figure is a sum of the month's pieces, so it equals the hours report's.

import { UTF8_BOM } from "../encoding.js";
import type { ExportOptions, PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../formatter.js";
import { lastDateOfMonth } from "../labour/zoned-time.js";
import {
  assertEncodable,
  type CsvDialect,
  concatBytes,
  csvLine,
  encodeCsv,
  formatDays,
  formatHours,
  num,
  validateEncodingOptions,
} from "./csv.js";

/** The payroll components of the file, in the order of its rows. */
export const PAYROLL_COMPONENTS = ["regular", "overtime", "night", "sunday_holiday", "leave"] as const;

/** A payroll component. */
export type PayrollComponent = (typeof PAYROLL_COMPONENTS)[number];

const HEADER = ["osobni_cislo", "kod_slozky", "hodiny", "dny", "datum_od", "datum_do"];
const DIALECT: Omit<CsvDialect, "encoding"> = { delimiter: ";", decimalSeparator: "," };

/** The leave types that count as paid vacation in the `leave` component. */
const VACATION_TYPES: ReadonlySet<string> = new Set(["vacation", "on_demand"]);

/** The month's totals of one employee, by component, in seconds and days. */
export interface ComponentTotals {
  readonly seconds: Record<PayrollComponent, number>;
  readonly days: Record<PayrollComponent, number>;
}

/** Sums an employee's pieces and vacation days into the components. */
export function componentTotals(employee: PayrollEmployee): ComponentTotals {
  const seconds = { regular: 0, overtime: 0, night: 0, sunday_holiday: 0, leave: 0 };
  const days = { regular: 0, overtime: 0, night: 0, sunday_holiday: 0, leave: 0 };
  const regularDates = new Set<string>();
  for (const piece of employee.pieces) {
    seconds.regular += piece.regularSeconds;
    seconds.overtime += piece.overtimeSeconds;
    seconds.night += piece.nightSeconds;
    seconds.sunday_holiday += piece.sundayHolidaySeconds;
    if (piece.regularSeconds > 0) regularDates.add(piece.date);
  }
  days.regular = regularDates.size;
  for (const day of employee.leave) {
    if (!VACATION_TYPES.has(day.type)) continue;
    seconds.leave += day.seconds;
    days.leave += day.days;
  }
  return { seconds, days };
}

/** `DD.MM.YYYY` of a `YYYY-MM-DD` date. */
function czechDate(date: string): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;
}

function componentCodes(options: ExportOptions): Record<PayrollComponent, string> {
  const given = options.component_codes ?? {};
  const codes = {} as Record<PayrollComponent, string>;
  for (const component of PAYROLL_COMPONENTS) codes[component] = given[component] ?? component;
  return codes;
}

/**
 * Payroll components CSV: hours and days per employee, component and month for payroll programs
 * without an import format of their own (Helios, ABRA Gen); windows-1250 by default.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 * const payrollComponentsCsv = createDefaultRegistry().get("payroll-components-csv")!;
 * const options = resolveOptions(payrollComponentsCsv, { component_codes: { regular: "100", overtime: "220" } });
 * for await (const chunk of payrollComponentsCsv.format({ ...input, options })) file.write(chunk);
 * // osobni_cislo;kod_slozky;hodiny;dny;datum_od;datum_do\r\n00042;100;168,0;21;01.09.2026;30.09.2026\r\n…
 * ```
 */
export const payrollComponentsCsv: PayrollFormatter = {
  id: "payroll-components-csv",
  name: "Payroll components CSV (Helios, ABRA Gen and other programs)",
  program: "Helios Orange / iNuvio, ABRA Gen, other payroll programs",
  countries: ["CZ", "PL"],
  fileKind: "csv",
  fileExtension: "csv",
  mediaType: "text/csv",
  encoding: "windows-1250",
  compatibility: "fallback",
  compatibilityNote:
    "Helios and ABRA Gen publish no import format, so this is Timecard's documented CSV, which your payroll partner maps in the program's import: one row per employee, payroll component and month, columns osobni_cislo;kod_slozky;hodiny;dny;datum_od;datum_do, a header row, ';' as separator, decimal comma, dates as DD.MM.YYYY, CRLF line ends, windows-1250 (UTF-8 with a byte order mark on request). The component codes (kod_slozky) are what your partner maps; set them with options.component_codes. Every employee needs a payroll number (osobní číslo).",
  requires: ["payroll_number"],
  acceptedOptions: ["encoding", "bom", "component_codes"],
  defaultOptions: { encoding: "windows-1250", bom: false },
  defaultLineLayout: null,
  columnsConfigurable: false,
  validateOptions(options: ExportOptions) {
    validateEncodingOptions("payroll-components-csv", options, "windows-1250");
    const codes = options.component_codes;
    if (codes === undefined) return;
    if (typeof codes !== "object" || codes === null) {
      throw new TypeError("The payroll-components-csv option component_codes must be an object.");
    }
    for (const [component, code] of Object.entries(codes)) {
      if (!(PAYROLL_COMPONENTS as readonly string[]).includes(component)) {
        throw new TypeError(`component_codes has no component "${component}"; use ${PAYROLL_COMPONENTS.join(", ")}.`);
      }
      if (typeof code !== "string" || code.length < 1 || code.length > 20 || /[\r\n]/.test(code)) {
        throw new TypeError(`The component code of ${component} must be 1 to 20 characters on one line.`);
      }
      try {
        assertEncodable(code, options.encoding ?? "windows-1250");
      } catch (error) {
        throw new TypeError(`The component code of ${component}: ${(error as Error).message}`);
      }
    }
  },
  format(input: PayrollExportInput) {
    return writeComponents(input);
  },
};

async function* writeComponents(input: PayrollExportInput): AsyncGenerator<Uint8Array> {
  // The fallbacks are the format's defaults, for a caller that did not resolve the options.
  const { options } = input;
  const dialect: CsvDialect = { ...DIALECT, encoding: options.encoding ?? "windows-1250" };
  const codes = componentCodes(options);
  const from = czechDate(`${input.month}-01`);
  const to = czechDate(lastDateOfMonth(input.month));
  const header = encodeCsv(csvLine(HEADER, dialect, false), dialect.encoding);
  yield options.bom === true && dialect.encoding === "utf-8" ? concatBytes(UTF8_BOM, header) : header;
  for await (const employee of input.employees) {
    const number = employee.payrollNumber;
    if (number === null || number.trim() === "") {
      throw new TypeError(`${employee.id} has no payroll number, which the payroll-components-csv format needs.`);
    }
    // A payroll number changed by the code page would match nobody: refuse it instead.
    assertEncodable(number, dialect.encoding);
    const totals = componentTotals(employee);
    let text = "";
    for (const component of PAYROLL_COMPONENTS) {
      const seconds = totals.seconds[component];
      const days = totals.days[component];
      if (seconds === 0 && days === 0) continue;
      // Admin-set identifiers and codes, read by a payroll program: no formula guard, which
      // would change them (see custom-csv for the spreadsheet case).
      text += csvLine(
        [number, codes[component], num(formatHours(seconds, ",")), num(formatDays(days, ",")), from, to],
        dialect,
        false,
      );
    }
    if (text !== "") yield encodeCsv(text, dialect.encoding);
  }
}
