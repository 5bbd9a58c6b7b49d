import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { monthlySummaryXlsx, sheetName } from "../../src/formats/monthly-summary-xlsx.js";
import { createZipWriter } from "../../src/formats/zip.js";
import type { PayrollEmployee, PayrollExportInput } from "../../src/index.js";
import { expectGolden } from "../support/golden.js";
import { collect, collectChunks, concat, czechMonth, employeesOf, polishMonth, streamed } from "../support/months.js";
import { cells, text, unescapeXml, unzip, type ZipEntry } from "../support/xlsx-reader.js";

const round2 = (seconds: number) => Math.round(seconds / 36) / 100;
const sum = (
  employee: PayrollEmployee,
  key: "workedSeconds" | "regularSeconds" | "overtimeSeconds" | "nightSeconds" | "sundayHolidaySeconds",
) => employee.pieces.reduce((s, p) => s + p[key], 0);

async function workbook(input: PayrollExportInput) {
  const bytes = await collect(monthlySummaryXlsx, input);
  const entries = unzip(bytes);
  const byName = new Map(entries.map((e) => [e.name, e]));
  return { bytes, entries, byName };
}

/** A readable dump of the package: each entry's header fields and its (XML) text. */
function dump(entries: readonly ZipEntry[]): Uint8Array {
  const parts = entries.map(
    (e) =>
      `== ${e.name} flags=${e.flags} method=${e.method} time=${e.time} date=${e.date} size=${e.size} crc=${e.crc.toString(16).padStart(8, "0")}\n${text(e).replaceAll("<row ", "\n<row ")}\n`,
  );
  return new TextEncoder().encode(parts.join(""));
}

describe("monthly-summary-xlsx", () => {
  it("writes the Czech month's package as the golden file (each part's header and text)", async () => {
    // The golden file holds what the ZIP carries, not the deflated bytes: those depend on the
    // zlib build (Node bundles Chromium's, with CPU-specific paths) and would break the test on
    // another machine without anything being wrong. The bytes are checked for determinism below.
    const { entries } = await workbook(czechMonth());
    expectGolden(dump(entries), "monthly-summary-xlsx.txt");
  });

  it("writes the same bytes for the same month, fixed timestamps included", async () => {
    if (process.env.XLSX_OUT) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(process.env.XLSX_OUT, await collect(monthlySummaryXlsx, czechMonth()));
    }
    const a = await collect(monthlySummaryXlsx, czechMonth());
    const b = await collect(monthlySummaryXlsx, streamed(czechMonth()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    for (const e of unzip(a)) expect([e.time, e.date]).toEqual([0, 0x21]);
  });

  it("is a complete SpreadsheetML package whose parts are well-formed XML", async () => {
    const input = czechMonth();
    const { entries, byName } = await workbook(input);
    const sheets = employeesOf(input).length + 1;
    for (const part of [
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/workbook.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      ...Array.from({ length: sheets }, (_, i) => `xl/worksheets/sheet${i + 1}.xml`),
    ]) {
      expect(byName.has(part), part).toBe(true);
    }
    expect(entries).toHaveLength(sheets + 5);
    const result = await validateXML({
      xml: entries.map((e) => ({ fileName: e.name.replace(/[^\w.]/g, "_"), contents: text(e) })),
      normalization: "c14n",
    });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    // Every sheet is typed and related; the workbook names them in order.
    const types = text(byName.get("[Content_Types].xml"));
    const rels = text(byName.get("xl/_rels/workbook.xml.rels"));
    for (let i = 1; i <= sheets; i++) {
      expect(types).toContain(
        `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      );
      expect(rels).toContain(
        `Id="rId${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i}.xml"`,
      );
    }
    const names = [
      ...text(byName.get("xl/workbook.xml")).matchAll(/<sheet name="([^"]*)" sheetId="(\d+)" r:id="rId(\d+)"/g),
    ];
    expect(names.map((m) => m[1])).toEqual([
      "Summary",
      "00042 Jiří Příliš",
      "00107 Žofie Dvořáková",
      "00315 Václav Šťastný",
      "01200 Zoë O'Brien-Nováková",
    ]);
  });

  it("the well-formedness check can fail", async () => {
    const result = await validateXML({ xml: { fileName: "bad.xml", contents: "<a><b></a>" }, normalization: "c14n" });
    expect(result.valid).toBe(false);
  });

  it.each([
    ["Czech", czechMonth],
    ["Polish", polishMonth],
  ])("summarises the %s month's pieces in numbers, a row per employee", async (_, month) => {
    const input = month();
    const { byName } = await workbook(input);
    const sheet = cells(text(byName.get("xl/worksheets/sheet1.xml")));
    expect([...(sheet.get(1)?.values() ?? [])]).toEqual([
      "Employee",
      "Payroll number",
      "Worked hours",
      "Regular hours",
      "Overtime hours",
      "Night hours",
      "Sunday and holiday hours",
      "Leave days",
      "Sessions",
    ]);
    employeesOf(input).forEach((employee, i) => {
      const row = sheet.get(i + 2);
      expect(Object.fromEntries(row ?? [])).toEqual({
        A: employee.name,
        B: employee.payrollNumber,
        C: round2(sum(employee, "workedSeconds")),
        D: round2(sum(employee, "regularSeconds")),
        E: round2(sum(employee, "overtimeSeconds")),
        F: round2(sum(employee, "nightSeconds")),
        G: round2(sum(employee, "sundayHolidaySeconds")),
        H: employee.leave.reduce((n, d) => n + d.days, 0),
        I: new Set(employee.pieces.map((p) => p.sessionId)).size,
      });
    });
    expect(sheet.size).toBe(employeesOf(input).length + 1);
  });

  it("gives each employee a sheet of days whose hours add up to the pieces", async () => {
    const input = czechMonth();
    const { byName } = await workbook(input);
    employeesOf(input).forEach((employee, i) => {
      const sheet = cells(text(byName.get(`xl/worksheets/sheet${i + 2}.xml`)));
      const rows = [...sheet.entries()].filter(([r]) => r > 1).map(([, row]) => row);
      const dates = new Set([...employee.pieces.map((p) => p.date), ...employee.leave.map((d) => d.date)]);
      expect(rows).toHaveLength(dates.size);
      // Dates are serials (days since 1899-12-30), in order.
      const serials = rows.map((r) => r.get("A") as number);
      const expected = [...dates]
        .sort()
        .map((d) => (Date.parse(`${d}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000);
      expect(serials).toEqual(expected);
      const total = rows.reduce((s, r) => s + (r.get("C") as number), 0);
      expect(Math.abs(total - sum(employee, "workedSeconds") / 3600)).toBeLessThanOrEqual(0.005 * rows.length + 1e-9);
      expect(rows.reduce((s, r) => s + (r.get("H") as number), 0)).toBe(employee.leave.reduce((n, d) => n + d.days, 0));
    });
  });

  it("escapes names and gives sheets names Excel accepts", async () => {
    const input = czechMonth();
    const [first, second, ...rest] = employeesOf(input) as [PayrollEmployee, PayrollEmployee, ...PayrollEmployee[]];
    const odd = [
      { ...first, name: 'A & B <"Kotle"> \u0007: very long name with [brackets] and / slashes?', payrollNumber: null },
      { ...second, name: "Summary", payrollNumber: null },
      ...rest,
    ];
    const { byName } = await workbook({ ...input, employees: odd });
    const summary = cells(text(byName.get("xl/worksheets/sheet1.xml")));
    expect(summary.get(2)?.get("A")).toBe('A & B <"Kotle"> : very long name with [brackets] and / slashes?');
    expect(summary.get(2)?.has("B")).toBe(false);
    const names = [...text(byName.get("xl/workbook.xml")).matchAll(/<sheet name="([^"]*)"/g)].map((m) =>
      unescapeXml(m[1] as string),
    );
    expect(names.slice(0, 3)).toEqual(["Summary", 'A & B <"Kotle"> very long name', "Summary (2)"]);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]/);
    }
  });

  it("names sheets uniquely regardless of case and length", () => {
    const taken = new Set(["summary"]);
    const long = "Maximilián Ferdinand Habsburský-Lotrinský";
    expect([
      sheetName(long, taken),
      sheetName(long.toUpperCase(), taken),
      sheetName("'quoted'", taken),
      sheetName("::", taken),
    ]).toEqual(["Maximilián Ferdinand Habsburský", "MAXIMILIÁN FERDINAND HABSBU (2)", "quoted", "Employee"]);
  });

  it("streams more than one chunk for several employees from an async iterable", async () => {
    const chunks = await collectChunks(monthlySummaryXlsx, streamed(polishMonth()));
    expect(chunks.length).toBeGreaterThan(employeesOf(polishMonth()).length);
    unzip(concat(chunks));
  });

  it("writes an empty month as a workbook with the header row only", async () => {
    const { byName } = await workbook({ ...czechMonth(), employees: [] });
    expect(cells(text(byName.get("xl/worksheets/sheet1.xml"))).size).toBe(1);
    expect(byName.has("xl/worksheets/sheet2.xml")).toBe(false);
  });
});

describe("the ZIP writer", () => {
  it("round-trips whole, streamed and empty entries, UTF-8 names flagged", async () => {
    const zip = createZipWriter();
    const big = new TextEncoder().encode("Příliš žluťoučký kůň ".repeat(20_000));
    const parts: Uint8Array[] = [zip.file("a.txt", new TextEncoder().encode("hello"))];
    for await (const chunk of zip.stream("složka/b.txt", [big.subarray(0, 1000), big.subarray(1000)]))
      parts.push(chunk);
    for await (const chunk of zip.stream("empty.txt", [])) parts.push(chunk);
    parts.push(zip.end());
    const entries = unzip(concat(parts));
    expect(entries.map((e) => [e.name, e.flags, e.size])).toEqual([
      ["a.txt", 0, 5],
      ["složka/b.txt", 0x0808, big.length],
      ["empty.txt", 0x0008, 0],
    ]);
    expect(Buffer.from(entries[1]?.data ?? []).equals(Buffer.from(big))).toBe(true);
    // The streamed entry really is compressed.
    expect(entries[1]?.compressedSize).toBeLessThan(big.length / 10);
  });
});
