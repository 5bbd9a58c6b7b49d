// Helpers of the XML formats' tests: the vendors' schemas, xmllint-wasm validation, a tiny
// reader of our own output, and the figures computed straight from the pieces (independently of
// the formatters' code) that the files must carry.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateXML, type XMLValidationResult } from "xmllint-wasm";
import type { PayrollEmployee } from "../../src/formatter.js";

// Money S3's schemas (Solitea's, not ours): MONEY_S3_XSD_DIR, else test/schemas/money-s3 in this
// package (a verbatim copy, see test/schemas/README.md). A missing schema fails the tests loudly,
// never skips them.
const MONEY_S3 = [process.env.MONEY_S3_XSD_DIR, fileURLToPath(new URL("../schemas/money-s3", import.meta.url))].find(
  (dir): dir is string => dir !== undefined && existsSync(join(dir, "dochazka", "Dochazka.xsd")),
);

function schemaDir(): string {
  if (!MONEY_S3) {
    throw new Error(
      "Money S3's XSDs were not found: set MONEY_S3_XSD_DIR to a folder with dochazka/Dochazka.xsd and xml-prenosy/_Document.xsd.",
    );
  }
  return MONEY_S3;
}

/** Validates a UTF-8 document against Money S3's attendance schema (Dochazka.xsd). */
export function validateDochazka(xml: string): Promise<XMLValidationResult> {
  const schema = readFileSync(join(schemaDir(), "dochazka", "Dochazka.xsd"), "utf8");
  return validateXML({
    xml: [{ fileName: "dochazka.xml", contents: xml }],
    schema: [{ fileName: "Dochazka.xsd", contents: schema }],
  });
}

/** Validates a UTF-8 document against Money S3's XML transfer schema (_Document.xsd and its includes). */
export function validateXmlTransfer(xml: string): Promise<XMLValidationResult> {
  const dir = join(schemaDir(), "xml-prenosy");
  const files = readdirSync(dir).filter((f) => f.endsWith(".xsd"));
  return validateXML({
    xml: [{ fileName: "mzdy.xml", contents: xml }],
    schema: [{ fileName: "_Document.xsd", contents: readFileSync(join(dir, "_Document.xsd"), "utf8") }],
    preload: files
      .filter((f) => f !== "_Document.xsd")
      .map((f) => ({ fileName: f, contents: readFileSync(join(dir, f), "utf8") })),
  });
}

/**
 * xmllint-wasm is built without iconv and reads only UTF-8: a windows-1250 document is checked by
 * decoding its bytes as windows-1250 and declaring the text UTF-8.
 */
export function asUtf8Document(bytes: Uint8Array, encoding: "utf-8" | "windows-1250"): string {
  const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  return text.replace(/^<\?xml version="1.0" encoding="[^"]+"\?>/, '<?xml version="1.0" encoding="UTF-8"?>');
}

/** The text of every `<name>…</name>` in `xml`, in order (our files never nest an element in itself). */
export function texts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, "g"))].map((m) =>
    unescapeXml(m[1] as string),
  );
}

/** The blocks `<name>…</name>` in `xml`. */
export function blocks(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>[\\s\\S]*?</${name}>`, "g"))].map((m) => m[0]);
}

/** The first text of `name` as a number, 0 when absent. */
export function numberIn(xml: string, name: string): number {
  const [value] = texts(xml, name);
  return value === undefined ? 0 : Number(value);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9A-F]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Hours rounded to hundredths, as the files write them. */
export function hours(seconds: number): number {
  return Math.round(seconds / 36) / 100;
}

function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** What an employee's month adds up to, straight from the pieces and leave days. */
export function expectedFigures(employee: PayrollEmployee) {
  const sum = (
    keep: (p: PayrollEmployee["pieces"][number]) => boolean,
    field: "workedSeconds" | "overtimeSeconds" | "nightSeconds" = "workedSeconds",
  ) => employee.pieces.filter(keep).reduce((s, p) => s + p[field], 0);
  const workdayHoliday = (p: PayrollEmployee["pieces"][number]) => p.dayKind === "holiday" && weekday(p.date) % 6 !== 0;
  return {
    worked: sum(() => true),
    workdayHoliday: sum(workdayHoliday),
    ordinary: sum((p) => !workdayHoliday(p)),
    overtime: sum(() => true, "overtimeSeconds"),
    night: sum(() => true, "nightSeconds"),
    holiday: sum((p) => p.dayKind === "holiday"),
    weekend: sum((p) => weekday(p.date) % 6 === 0),
    leaveSeconds: employee.leave.reduce((s, d) => s + d.seconds, 0),
    leaveDays: employee.leave.reduce((s, d) => s + d.days, 0),
  };
}
