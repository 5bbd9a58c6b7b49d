// A tiny XML writer for the payroll formats: escaping, numbers as the schemas want them, and
// chunks in the file's encoding, so a formatter can yield one employee at a time.
//
// Text that XML 1.0 cannot carry is stripped, not refused: a stray control character pasted
// into a name or note must not fail a whole month's export. Stripped are the C0 controls other
// than tab, line feed and carriage return, DEL and the C1 controls (discouraged by XML 1.0 § 2.2
// and not in windows-1250), lone surrogates, U+FFFE and U+FFFF
// (https://www.w3.org/TR/xml/#charsets). A character the file's encoding cannot hold (an emoji in
// a windows-1250 file) is written as a character reference (`&#x1F600;`), which every XML parser
// reads back as the character itself.

import { encodeText, type TextEncoding } from "../encoding.js";
import { formatHundredths, hundredthsOfHour } from "./csv.js";

/** The encodings the XML formats write. */
export type XmlEncoding = "utf-8" | "windows-1250";

// Characters XML 1.0 cannot carry, plus DEL and C1, plus lone surrogates.
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  // Kept as references so that a parser's line-end and attribute normalization leave them intact.
  "\r": "&#13;",
  "\t": "&#9;",
  "\n": "&#10;",
};

/**
 * Escapes text for an element or attribute value: `& < > " '` become entities, characters XML
 * cannot carry are stripped (see the file comment). Tab, CR and LF are written as references only
 * in attribute values (`attribute: true`), where a parser would otherwise turn them into spaces.
 */
export function escapeXml(text: string, { attribute = false } = {}): string {
  return text
    .replace(NOT_XML_CHAR, "")
    .replace(attribute ? /[&<>"'\r\t\n]/g : /[&<>"'\r]/g, (char) => ESCAPES[char] as string);
}

/**
 * `<!-- text -->`, for people reading the file (the employee's name beside their number); programs
 * ignore comments. A comment cannot hold `--` nor references, so `--` becomes `- -`, and in
 * windows-1250 a character the code page lacks stays a literal `&#x…;`.
 */
export function xmlComment(text: string): string {
  const safe = text.replace(NOT_XML_CHAR, "").replace(/-(?=-|$)/g, "- ");
  return `<!-- ${safe} -->`;
}

/** `<name>escaped value</name>`. */
export function element(name: string, value: string | number): string {
  return `<${name}>${typeof value === "number" ? value : escapeXml(value)}</${name}>`;
}

/** The XML declaration naming the encoding the bytes are in. */
export function xmlDeclaration(encoding: XmlEncoding): string {
  return `<?xml version="1.0" encoding="${encoding === "utf-8" ? "UTF-8" : "windows-1250"}"?>\n`;
}

/**
 * Seconds as decimal hours with a point, rounded half up to hundredths only here, at the output,
 * without trailing zeros: 30600 s → `8.5`, 29700 s → `8.25`, 28800 s → `8`. Every Money S3
 * number type (`cisloType`) takes it; `160,5` would be refused.
 */
export function decimalHours(seconds: number): string {
  return formatHundredths(hundredthsOfHour(seconds), ".", 0);
}

/** A count of days (leave may hold halves) with a decimal point: `3`, `3.5`. */
export function decimalDays(days: number): string {
  return formatHundredths(Math.round(days * 100), ".", 0);
}

/** Seconds as `H:MM`, rounded to the nearest minute (PAMICA's hour type): 30600 s → `8:30`. */
export function hoursMinutes(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

const encodable = new Map<string, boolean>();

function fitsWindows1250(char: string): boolean {
  let fits = encodable.get(char);
  if (fits === undefined) {
    try {
      encodeText(char, "windows-1250");
      fits = true;
    } catch {
      fits = false;
    }
    encodable.set(char, fits);
  }
  return fits;
}

/**
 * Encodes a piece of an XML document. In windows-1250, a character the code page cannot hold is
 * written as a character reference; markup is ASCII, so a reference never lands inside a name.
 */
export function encodeXml(text: string, encoding: XmlEncoding): Uint8Array {
  if (encoding === "utf-8") return encodeText(text, "utf-8");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matches everything outside ASCII
  const safe = text.replace(/[^\u0000-\u007F]/gu, (char) =>
    fitsWindows1250(char) ? char : `&#x${(char.codePointAt(0) as number).toString(16).toUpperCase()};`,
  );
  return encodeText(safe, "windows-1250" satisfies TextEncoding);
}
