import { describe, expect, it } from "vitest";
import { UnencodableCharacterError } from "../../src/encoding.js";
import { customCsv } from "../../src/formats/custom-csv.js";
import { payrollComponentsCsv } from "../../src/formats/payroll-components-csv.js";
import { EXPORT_COLUMNS } from "../../src/formatter.js";
import { type ExportOptions, type PayrollEmployee, type PayrollExportInput, resolveOptions } from "../../src/index.js";
import { expectGolden } from "../support/golden.js";
import { collect, collectChunks, czechMonth, employeesOf, polishMonth, streamed } from "../support/months.js";

/** A small RFC 4180 reader: quoted fields with doubled quotes and line breaks, CRLF records. */
function parseCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else {
      expect(c, `bare line feed or quote at ${i}`).not.toMatch(/[\n"]/);
      field += c;
    }
  }
  expect(field === "" && record.length === 0, "the file ends with CRLF").toBe(true);
  return records;
}

const decode = (bytes: Uint8Array, encoding: "utf-8" | "windows-1250") =>
  new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
const number = (text: string) => Number(text.replace(",", "."));
const hoursOf = (
  pieces: PayrollEmployee["pieces"],
  key: "workedSeconds" | "regularSeconds" | "overtimeSeconds" | "nightSeconds" | "sundayHolidaySeconds",
) => pieces.reduce((s, p) => s + p[key], 0) / 3600;

/** The records of a CSV as objects keyed by the header row. */
function rowsOf(bytes: Uint8Array, encoding: "utf-8" | "windows-1250", delimiter: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(decode(bytes, encoding), delimiter);
  if (!header) throw new Error("no header");
  for (const r of records) expect(r.length).toBe(header.length);
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] as string])));
}

function withEmployee(input: PayrollExportInput, index: number, change: Partial<PayrollEmployee>): PayrollExportInput {
  const employees = employeesOf(input).map((e, i) => (i === index ? { ...e, ...change } : e));
  return { ...input, employees };
}

describe("payroll-components-csv", () => {
  it("writes the Czech month in windows-1250 as the golden file", async () => {
    const input = czechMonth(resolveOptions(payrollComponentsCsv));
    const bytes = await collect(payrollComponentsCsv, input);
    expectGolden(bytes, "payroll-components-csv.csv");
    expect(Buffer.from(bytes.subarray(0, 3))).not.toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // "Příliš" is not in this file, but the header and CRLF are: the bytes are plain cp1250.
    expect(
      decode(bytes, "windows-1250").startsWith("osobni_cislo;kod_slozky;hodiny;dny;datum_od;datum_do\r\n00042;"),
    ).toBe(true);
  });

  it("writes UTF-8 with a byte order mark and the partner's codes as the golden file", async () => {
    const options = resolveOptions(payrollComponentsCsv, {
      encoding: "utf-8",
      bom: true,
      component_codes: { regular: "100", overtime: "220", night: "230", sunday_holiday: "Svátek/neděle", leave: "300" },
    });
    const bytes = await collect(payrollComponentsCsv, czechMonth(options));
    expectGolden(bytes, "payroll-components-csv-utf8-bom.csv");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rowsOf(bytes.subarray(3), "utf-8", ";").map((r) => r.kod_slozky)).toContain("Svátek/neděle");
  });

  it.each([
    ["Czech", czechMonth],
    ["Polish", polishMonth],
  ])("reads back hours and days that equal the %s month's pieces and vacation", async (_, month) => {
    const input = month(resolveOptions(payrollComponentsCsv, { encoding: "utf-8" }));
    const rows = rowsOf(await collect(payrollComponentsCsv, input), "utf-8", ";");
    const last = new Date(Date.UTC(Number(input.month.slice(0, 4)), Number(input.month.slice(5)), 0)).getUTCDate();
    for (const employee of employeesOf(input)) {
      const own = rows.filter((r) => r.osobni_cislo === employee.payrollNumber);
      const get = (code: string) => own.find((r) => r.kod_slozky === code);
      const hours = (code: string) => number(get(code)?.hodiny ?? "0");
      // Each row is rounded to hundredths of an hour, once.
      expect(hours("regular")).toBeCloseTo(hoursOf(employee.pieces, "regularSeconds"), 2);
      expect(hours("overtime")).toBeCloseTo(hoursOf(employee.pieces, "overtimeSeconds"), 2);
      expect(hours("regular") + hours("overtime")).toBeCloseTo(hoursOf(employee.pieces, "workedSeconds"), 1);
      expect(hours("night")).toBeCloseTo(hoursOf(employee.pieces, "nightSeconds"), 2);
      expect(hours("sunday_holiday")).toBeCloseTo(hoursOf(employee.pieces, "sundayHolidaySeconds"), 2);
      const vacation = employee.leave.filter((d) => d.type === "vacation" || d.type === "on_demand");
      expect(number(get("leave")?.dny ?? "0")).toBe(vacation.reduce((n, d) => n + d.days, 0));
      expect(hours("leave")).toBe(vacation.reduce((n, d) => n + d.seconds, 0) / 3600);
      const regularDays = new Set(employee.pieces.filter((p) => p.regularSeconds > 0).map((p) => p.date)).size;
      expect(number(get("regular")?.dny ?? "0")).toBe(regularDays);
      for (const row of own) {
        expect(row.datum_od).toBe(`01.${input.month.slice(5)}.${input.month.slice(0, 4)}`);
        expect(row.datum_do).toBe(`${last}.${input.month.slice(5)}.${input.month.slice(0, 4)}`);
        expect(row.hodiny).toMatch(/^\d+,\d{1,2}$/);
        expect(number(row.hodiny as string) + number(row.dny as string)).toBeGreaterThan(0);
      }
    }
  });

  it("leaves sick leave, unpaid leave, childcare and other absences out of the leave component", async () => {
    const input = czechMonth(resolveOptions(payrollComponentsCsv, { encoding: "utf-8" }));
    const rows = rowsOf(await collect(payrollComponentsCsv, input), "utf-8", ";");
    // Žofie: 5 sick days and half a day on demand; Václav: unpaid, childcare and other only.
    expect(rows.find((r) => r.osobni_cislo === "00107" && r.kod_slozky === "leave")).toMatchObject({
      hodiny: "4,0",
      dny: "0,5",
    });
    expect(rows.find((r) => r.osobni_cislo === "00315" && r.kod_slozky === "leave")).toBeUndefined();
  });

  it.each<[string, ExportOptions]>([
    ["bom with windows-1250", { bom: true }],
    ["bom with the default encoding written out", { encoding: "windows-1250", bom: true }],
    ["an unknown encoding", { encoding: "latin-2" as "utf-8" }],
    ["an unknown component", { component_codes: { bonus: "500" } as ExportOptions["component_codes"] }],
    ["an empty code", { component_codes: { regular: "" } }],
    ["a code of 21 characters", { component_codes: { regular: "x".repeat(21) } }],
    ["a code windows-1250 cannot hold", { component_codes: { regular: "時間" } }],
    ["an option of another format", { columns: ["worked_hours"] }],
  ])("refuses %s", (_, options) => {
    expect(() => resolveOptions(payrollComponentsCsv, options)).toThrow(TypeError);
  });

  it("fails rather than change a payroll number that windows-1250 cannot hold", async () => {
    const input = withEmployee(czechMonth(resolveOptions(payrollComponentsCsv)), 0, { payrollNumber: "00042🙂" });
    await expect(collect(payrollComponentsCsv, input)).rejects.toThrow(UnencodableCharacterError);
  });

  it("streams the header and a chunk per employee from an async iterable", async () => {
    const input = czechMonth(resolveOptions(payrollComponentsCsv));
    expect((await collectChunks(payrollComponentsCsv, streamed(input))).length).toBe(1 + employeesOf(input).length);
  });
});

describe("custom-csv", () => {
  it("writes the default columns and rows (a row per employee and day) as the golden file", async () => {
    const options = resolveOptions(customCsv);
    expect(options).toMatchObject({
      rows: "employee_day",
      delimiter: ";",
      decimal_separator: ",",
      encoding: "utf-8",
      bom: false,
    });
    expectGolden(await collect(customCsv, czechMonth(options)), "custom-csv.csv");
  });

  it("writes session rows with every column in windows-1250 as the golden file", async () => {
    const options = resolveOptions(customCsv, { columns: EXPORT_COLUMNS, rows: "session", encoding: "windows-1250" });
    const bytes = await collect(customCsv, czechMonth(options));
    expectGolden(bytes, "custom-csv-sessions-windows-1250.csv");
    const rows = rowsOf(bytes, "windows-1250", ";");
    expect(rows.find((r) => r.project_name?.startsWith("Servis"))?.project_name).toBe('Servis kotlů "Příliš"');
    // A night across the clocks going back: its offsets change from +02:00 to +01:00.
    expect(rows.find((r) => r.started_at === "2026-10-24T22:00:00+02:00")?.ended_at).toBe("2026-10-25T06:00:00+01:00");
  });

  it("writes month rows split by project, comma-separated with a decimal point, UTF-8 with BOM, as the golden file", async () => {
    const options = resolveOptions(customCsv, {
      columns: [
        "payroll_number",
        "employee_name",
        "month",
        "project_name",
        "worked_hours",
        "night_hours",
        "leave_days",
        "sessions",
      ],
      rows: "employee_month",
      delimiter: ",",
      decimal_separator: ".",
      bom: true,
    });
    const bytes = await collect(customCsv, czechMonth(options));
    expectGolden(bytes, "custom-csv-month-projects-utf8-bom.csv");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it.each(["employee_month", "employee_day", "session"] as const)(
    "reads back %s rows whose hours add up to the pieces, per employee",
    async (rows) => {
      const options = resolveOptions(customCsv, {
        columns: [
          "employee_id",
          "project_id",
          "task_id",
          "worked_hours",
          "regular_hours",
          "overtime_hours",
          "night_hours",
          "sunday_holiday_hours",
          "leave_days",
        ],
        rows,
        delimiter: "\t",
        decimal_separator: ".",
      });
      for (const input of [czechMonth(options), polishMonth(options)]) {
        const records = rowsOf(await collect(customCsv, input), "utf-8", "\t");
        for (const employee of employeesOf(input)) {
          const own = records.filter((r) => r.employee_id === employee.id);
          const total = (column: string) => own.reduce((s, r) => s + Number(r[column] || 0), 0);
          // Every row is rounded once, to hundredths: the sum may drift by half a hundredth a row.
          const slack = 0.005 * own.length + 1e-9;
          expect(Math.abs(total("worked_hours") - hoursOf(employee.pieces, "workedSeconds"))).toBeLessThanOrEqual(
            slack,
          );
          expect(Math.abs(total("regular_hours") - hoursOf(employee.pieces, "regularSeconds"))).toBeLessThanOrEqual(
            slack,
          );
          expect(Math.abs(total("overtime_hours") - hoursOf(employee.pieces, "overtimeSeconds"))).toBeLessThanOrEqual(
            slack,
          );
          expect(Math.abs(total("night_hours") - hoursOf(employee.pieces, "nightSeconds"))).toBeLessThanOrEqual(slack);
          expect(
            Math.abs(total("sunday_holiday_hours") - hoursOf(employee.pieces, "sundayHolidaySeconds")),
          ).toBeLessThanOrEqual(slack);
          const leave = employee.leave.reduce((n, d) => n + d.days, 0);
          if (rows === "session") expect(own.every((r) => r.leave_days === "")).toBe(true);
          else expect(total("leave_days")).toBe(leave);
          if (rows === "session") {
            const withPieces = new Set(employee.pieces.map((p) => p.sessionId));
            expect(own.length).toBe(withPieces.size);
          }
          // Leave goes on a row without a project.
          for (const r of own.filter((r) => Number(r.leave_days) > 0)) expect(r.project_id).toBe("");
        }
      }
    },
  );

  it("quotes fields with the delimiter, quotes or line breaks, and guards text a spreadsheet would run", async () => {
    const options = resolveOptions(customCsv, {
      columns: ["employee_name", "payroll_number", "worked_hours", "note"],
      rows: "session",
      decimal_separator: ".",
    });
    let input = withEmployee(czechMonth(options), 0, { name: '=HYPERLINK("http://x";"y")', payrollNumber: "-42" });
    const first = employeesOf(input)[0] as PayrollEmployee;
    input = withEmployee(input, 0, {
      sessions: first.sessions.map((s, i) => (i === 1 ? { ...s, note: "line one\r\nline two; @SUM(A1)" } : s)),
    });
    const text = decode(await collect(customCsv, input), "utf-8");
    const rows = rowsOf(new TextEncoder().encode(text), "utf-8", ";");
    expect(rows[0]?.employee_name).toBe(`'=HYPERLINK("http://x";"y")`);
    expect(text).toContain(`"'=HYPERLINK(""http://x"";""y"")";'-42;`);
    expect(rows.map((r) => r.note)).toContain("line one\r\nline two; @SUM(A1)");
    // Numbers are Timecard's and never guarded.
    expect(rows.every((r) => /^\d+(\.\d+)?$/.test(r.worked_hours as string))).toBe(true);
  });

  it("writes a character windows-1250 lacks as ?, but fails on such an identifier", async () => {
    const options = resolveOptions(customCsv, {
      columns: ["payroll_number", "employee_name", "worked_hours"],
      rows: "employee_month",
      encoding: "windows-1250",
    });
    const named = withEmployee(czechMonth(options), 0, { name: "Jiří 🙂 Příliš" });
    const rows = rowsOf(await collect(customCsv, named), "windows-1250", ";");
    expect(rows[0]?.employee_name).toBe("Jiří ? Příliš");
    const numbered = withEmployee(czechMonth(options), 0, { payrollNumber: "0004🙂" });
    await expect(collect(customCsv, numbered)).rejects.toThrow(UnencodableCharacterError);
  });

  it("leaves identifier columns empty for employees who lack them", async () => {
    const options = resolveOptions(customCsv, {
      columns: ["employee_id", "payroll_number", "clock_card_number"],
      rows: "employee_month",
    });
    const input = withEmployee(czechMonth(options), 1, { payrollNumber: null, clockCardNumber: null });
    const rows = rowsOf(await collect(customCsv, input), "utf-8", ";");
    expect(rows[1]).toEqual({ employee_id: "emp_CZ2Dvorakova0Zof", payroll_number: "", clock_card_number: "" });
  });

  it.each<[string, ExportOptions]>([
    ["bom with windows-1250", { encoding: "windows-1250", bom: true }],
    ["no columns", { columns: [] }],
    ["an unknown column", { columns: ["salary" as "note"] }],
    ["a repeated column", { columns: ["worked_hours", "worked_hours"] }],
    ["unknown rows", { rows: "week" as "session" }],
    ["an unknown delimiter", { delimiter: ":" as ";" }],
    ["a comma for both delimiter and decimals", { delimiter: ",", decimal_separator: "," }],
    ["a line layout", { line_layout: "RRRRMMDDggmmNNNNNNNNNNO" }],
  ])("refuses %s", (_, options) => {
    expect(() => resolveOptions(customCsv, options)).toThrow(TypeError);
  });

  it("streams the header and a chunk per employee from an async iterable", async () => {
    const input = polishMonth(resolveOptions(customCsv));
    expect((await collectChunks(customCsv, streamed(input))).length).toBe(1 + employeesOf(input).length);
  });
});
