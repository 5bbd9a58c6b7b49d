// Shared CSV writing for the CSV formats: RFC 4180 quoting, decimal comma or point, CRLF line
// ends (RFC 4180 § 2.1), and the text encodings the payroll programs read.

import { encodeText, type TextEncoding } from "../encoding.js";
import type { CSV_DELIMITERS, ExportOptions } from "../formatter.js";

/** How a CSV file is written. */
export interface CsvDialect {
  readonly delimiter: (typeof CSV_DELIMITERS)[number];
  readonly decimalSeparator: "," | ".";
  readonly encoding: "utf-8" | "windows-1250";
}

/** A cell: text, a number already formatted by `formatHours`/`formatDecimal`, or empty. */
export type CsvCell = string | CsvNumber | null;

/** A formatted number: never quoted, never guarded against formulas. */
export interface CsvNumber {
  readonly number: string;
}

/** The line end of every text file Timecard writes (RFC 4180 § 2.1; Windows programs expect it). */
export const CRLF = "\r\n";

const SECONDS_PER_HUNDREDTH_HOUR = 36;

/**
 * Seconds as whole hundredths of an hour (36 s), rounded half up: the one rounding of every hour
 * figure Timecard writes, done only here, at the output.
 */
export function hundredthsOfHour(seconds: number): number {
  return Math.round(seconds / SECONDS_PER_HUNDREDTH_HOUR);
}

/**
 * Decimal hours of `seconds`, rounded half up to hundredths of an hour (36 s) only here, at the
 * output, and written with at least one decimal (`168,0`, `4,5`, `7,25`) like the spec's example.
 */
export function formatHours(seconds: number, decimalSeparator: "," | "."): string {
  return formatHundredths(hundredthsOfHour(seconds), decimalSeparator, 1);
}

/** Decimal hours as a JavaScript number, rounded to hundredths (for XLSX cells). */
export function hoursNumber(seconds: number): number {
  return hundredthsOfHour(seconds) / 100;
}

/** A count that may be a half (leave days): `1`, `0,5`, `21`. */
export function formatDays(days: number, decimalSeparator: "," | "."): string {
  return formatHundredths(Math.round(days * 100), decimalSeparator, 0);
}

/**
 * A whole number of hundredths as a decimal with trailing zeros dropped down to `minDecimals`:
 * `formatHundredths(850, ",", 1)` is `8,5`, `formatHundredths(800, ".", 0)` is `8`.
 */
export function formatHundredths(hundredths: number, decimalSeparator: string, minDecimals: number): string {
  const sign = hundredths < 0 ? "-" : "";
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  let fraction = String(abs % 100).padStart(2, "0");
  while (fraction.length > minDecimals && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return fraction.length === 0 ? `${sign}${whole}` : `${sign}${whole}${decimalSeparator}${fraction}`;
}

/** A number cell. */
export function num(formatted: string): CsvNumber {
  return { number: formatted };
}

// OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula
// (tab and CR too, as some import paths strip them and read what follows).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV line, CRLF-terminated. Text cells containing the delimiter, a quote, CR or LF are
 * quoted with inner quotes doubled (RFC 4180 § 2.5–2.7). With `guardFormulas`, text cells that a
 * spreadsheet would run as a formula get a leading apostrophe, which spreadsheets show as text.
 */
export function csvLine(cells: readonly CsvCell[], dialect: CsvDialect, guardFormulas: boolean): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += dialect.delimiter;
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    if (typeof cell !== "string") {
      line += cell.number.includes(dialect.delimiter) ? `"${cell.number}"` : cell.number;
      continue;
    }
    const text = guardFormulas && FORMULA_START.test(cell) ? `'${cell}` : cell;
    line += needsQuotes(text, dialect.delimiter) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return line + CRLF;
}

function needsQuotes(text: string, delimiter: string): boolean {
  return text.includes(delimiter) || text.includes('"') || text.includes("\n") || text.includes("\r");
}

/**
 * Encodes CSV text. In windows-1250, text is first composed (NFC, so a decomposed `č` is the
 * code page's `č`) and a character the code page cannot hold (an emoji in a name) is written as
 * `?`, as Windows itself does: a display field loses a character rather than the whole export
 * failing. Identifiers are checked with `assertEncodable` first, since a changed identifier would
 * match nobody.
 */
export function encodeCsv(text: string, encoding: TextEncoding): Uint8Array {
  if (encoding === "utf-8") return encodeText(text, encoding);
  return encodeText(text.normalize("NFC"), encoding, "?");
}

/** Throws `UnencodableCharacterError` when `value` (an identifier) cannot be written exactly. */
export function assertEncodable(value: string | null, encoding: TextEncoding): void {
  if (value !== null && encoding !== "utf-8") encodeText(value.normalize("NFC"), encoding);
}

/**
 * Checks `encoding` and `bom` together: a byte order mark is a UTF-8 thing, refused with
 * windows-1250 (for `custom-csv` and `payroll-components-csv`).
 */
export function validateEncodingOptions(format: string, options: ExportOptions, defaultEncoding: string): void {
  const encoding = options.encoding ?? defaultEncoding;
  if (encoding !== "utf-8" && encoding !== "windows-1250") {
    throw new TypeError(`The ${format} encoding must be "utf-8" or "windows-1250", not "${String(encoding)}".`);
  }
  if (options.bom !== undefined && typeof options.bom !== "boolean") {
    throw new TypeError(`The ${format} option bom must be true or false.`);
  }
  if (options.bom === true && encoding !== "utf-8") {
    throw new TypeError(`The ${format} option bom is only for the utf-8 encoding, not ${encoding}.`);
  }
}

/** Joins two byte arrays. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
