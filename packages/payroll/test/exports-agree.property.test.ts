// For random months of sessions, every built-in format carries the hours the reports carry: the
// labour engine's split of the month (`splitWork`, summed with `sumHours`), which is exactly what
// `GET /v1/reports/hours` sums. Each file is read back by a small reader of its own format and
// compared, figure by figure, with the engine's totals, to the precision the file writes (hours
// rounded to hundredths, H:MM, or clock times to the minute).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtInFormatters } from "../src/formats/index.js";
import type { ExportOptions, PayrollEmployee, PayrollExportInput, PayrollFormatter } from "../src/formatter.js";
import { resolveOptions } from "../src/formatter.js";
import {
  defaultLabourRules,
  type HoursSplit,
  localDateOf,
  localDateTimeOf,
  splitWork,
  sumHours,
  zonedDateTime,
} from "../src/labour/index.js";
import type { Country, WorkSession } from "../src/labour/types.js";
import { asUtf8Document, blocks, numberIn, texts } from "./formats/xml-support.js";
import { collect } from "./support/months.js";
import { cells, text, unzip } from "./support/xlsx-reader.js";

const ZONES: Record<Country, string> = { PL: "Europe/Warsaw", CZ: "Europe/Prague" };

interface SessionSpec {
  day: number;
  startMinute: number;
  minutes: number;
}

const monthArb = fc.record({
  country: fc.constantFrom<Country>("PL", "CZ"),
  year: fc.integer({ min: 2025, max: 2027 }),
  month: fc.integer({ min: 1, max: 12 }),
  employees: fc.array(
    fc.array(
      fc.record({
        day: fc.integer({ min: 1, max: 31 }),
        startMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
        minutes: fc.integer({ min: 1, max: 16 * 60 }),
      }),
      { maxLength: 16 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
});

type RandomMonth = typeof monthArb extends fc.Arbitrary<infer T> ? T : never;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The month as formatters receive it: non-overlapping sessions starting in the month, split by the engine. */
function build(
  random: RandomMonth,
  options: ExportOptions,
): { input: PayrollExportInput; employees: PayrollEmployee[] } {
  const { country, year, month } = random;
  const timeZone = ZONES[country];
  const rules = defaultLabourRules(country, timeZone);
  const monthKey = `${year}-${pad(month)}`;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const employees = random.employees.map((specs, e): PayrollEmployee => {
    const id = `emp_${country}${pad(e)}Random00000000`;
    const starts = specs
      .filter((s: SessionSpec) => s.day <= lastDay)
      .map((s: SessionSpec) => {
        const midnight = zonedDateTime(`${monthKey}-${pad(s.day)}`, "00:00", timeZone).getTime();
        const startedAt = new Date(midnight + s.startMinute * 60_000);
        return { startedAt, endedAt: new Date(startedAt.getTime() + s.minutes * 60_000) };
      })
      // A start in a DST gap or past the month's end (a 23-hour day) is not a start in the month.
      .filter((s) => localDateOf(s.startedAt, timeZone).startsWith(monthKey))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const sessions: WorkSession[] = [];
    for (const s of starts) {
      const previous = sessions.at(-1);
      if (previous && s.startedAt < previous.endedAt) continue;
      sessions.push({ id: `ses_${e}_${sessions.length}`, employeeId: id, projectId: null, taskId: null, ...s });
    }
    const pieces = splitWork(sessions, rules).filter((p) => p.date.startsWith(monthKey));
    return {
      id,
      name: `Random ${e}`,
      payrollNumber: `0000${e}`,
      clockCardNumber: String(1000 + e),
      sessions: sessions.map((s) => ({ ...s, projectName: null, taskName: null, note: null })),
      pieces,
      leave: [],
    };
  });
  const input: PayrollExportInput = {
    month: monthKey,
    organization: { id: "org_RandomRandom0000", name: "Random s.r.o.", country, timeZone },
    rules,
    employees,
    options,
    generatedAt: new Date("2027-12-31T00:00:00Z"),
  };
  return { input, employees };
}

/** What the report says of one employee: the engine's totals, in hours. */
function reportOf(employee: PayrollEmployee): HoursSplit {
  return sumHours(employee.pieces);
}

const toHours = (seconds: number) => seconds / 3600;

/** Asserts a file's hours equal the report's, to the file's precision (`digits` of an hour). */
function expectHours(actual: number, seconds: number, tolerance: number, label: string) {
  expect(
    Math.abs(actual - toHours(seconds)),
    `${label}: file ${actual} h, report ${toHours(seconds)} h`,
  ).toBeLessThanOrEqual(tolerance);
}

const HUNDREDTH = 0.005 + 1e-9;

function decode(bytes: Uint8Array, encoding: string): string {
  return new TextDecoder(encoding, { fatal: true }).decode(bytes);
}

function csvRows(textContent: string, delimiter: string): string[][] {
  return textContent
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => line.split(delimiter));
}

const number = (value: string | undefined) => Number((value ?? "").replace(",", "."));

/** Reads a file back and checks it against the report, per employee (keyed by payroll number). */
type Check = (bytes: Uint8Array, employees: readonly PayrollEmployee[]) => void;

const CHECKS: Record<string, { options?: ExportOptions; check: Check }> = {
  "money-s3-dochazka": {
    check(bytes, employees) {
      const xml = asUtf8Document(bytes, "utf-8");
      const byNumber = new Map(blocks(xml, "Zamestnanec").map((b) => [texts(b, "OsobniCislo")[0], b]));
      for (const employee of employees) {
        const block = byNumber.get(employee.payrollNumber ?? "") ?? "";
        const report = reportOf(employee);
        // Worked time is written as ordinary work plus work on holidays (two elements, each rounded).
        const worked =
          numberIn(blocks(block, "Odpracovano")[0] ?? "", "OdpracHodin") +
          numberIn(blocks(block, "Svatky")[0] ?? "", "OdpracHodin");
        expectHours(worked, report.workedSeconds, 2 * HUNDREDTH, `${employee.id} worked`);
        expectHours(numberIn(block, "PrescasHodin"), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(numberIn(block, "NocHodin"), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
      }
    },
  },
  "money-s3-mzdy": {
    check(bytes, employees) {
      const xml = asUtf8Document(bytes, "utf-8");
      const byNumber = new Map(blocks(xml, "MzdaNova").map((b) => [texts(b, "OsCislo")[0], b]));
      for (const employee of employees) {
        const block = byNumber.get(employee.payrollNumber ?? "") ?? "";
        const report = reportOf(employee);
        const surcharge = (druh: number) =>
          numberIn(blocks(block, "MzPriplatek").find((b) => texts(b, "Druh")[0] === String(druh)) ?? "", "OdpracHod");
        const worked = numberIn(blocks(block, "PracPomer")[0] ?? "", "OdpracHod") + numberIn(block, "OdprSvHod");
        expectHours(worked, report.workedSeconds, 2 * HUNDREDTH, `${employee.id} worked`);
        expectHours(surcharge(1), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(surcharge(5), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
      }
    },
  },
  "abra-flexi-winstrom": {
    check(bytes, employees) {
      const xml = asUtf8Document(bytes, "utf-8");
      for (const employee of employees) {
        const person = `code:${employee.payrollNumber}`;
        const mine = (name: string) => blocks(xml, name).filter((b) => texts(b, "osoba")[0] === person);
        const report = reportOf(employee);
        const work = mine("prace-mesic");
        const worked = work.reduce((s, b) => s + numberIn(b, "hodiny") + numberIn(b, "hodin"), 0);
        expectHours(worked, report.workedSeconds, Math.max(1, work.length) * HUNDREDTH, `${employee.id} worked`);
        const component = (code: string) =>
          numberIn(mine("mzdova-slozka").find((b) => texts(b, "cisMzdSloz")[0] === `code:${code}`) ?? "", "hodiny");
        expectHours(component("PRESCAS"), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(component("NOC"), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
      }
    },
  },
  "pamica-dochazka": {
    check(bytes, employees) {
      const xml = decode(bytes, "windows-1250");
      const byNumber = new Map(
        blocks(xml, "dochazka_zamestnance").map((b) => [texts(b, "cislo_pracovniho_pomeru")[0], b]),
      );
      for (const employee of employees) {
        const block = byNumber.get(employee.payrollNumber ?? "") ?? "";
        // Overtime as H:MM, rounded to the minute.
        const [h, m] = (texts(blocks(block, "prescas_pracovni_den")[0] ?? "", "hodiny")[0] ?? "0:00")
          .split(":")
          .map(Number);
        expectHours(
          (h as number) + (m as number) / 60,
          reportOf(employee).overtimeSeconds,
          0.5 / 60 + 1e-9,
          `${employee.id} overtime`,
        );
      }
    },
  },
  "payroll-components-csv": {
    check(bytes, employees) {
      const rows = csvRows(decode(bytes, "windows-1250"), ";");
      expect(rows[0]).toEqual(["osobni_cislo", "kod_slozky", "hodiny", "dny", "datum_od", "datum_do"]);
      for (const employee of employees) {
        const report = reportOf(employee);
        const component = (code: string) =>
          number(rows.find((r) => r[0] === employee.payrollNumber && r[1] === code)?.[2] ?? "0");
        expectHours(component("regular"), report.regularSeconds, HUNDREDTH, `${employee.id} regular`);
        expectHours(component("overtime"), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(component("night"), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
        expectHours(
          component("sunday_holiday"),
          report.sundayHolidaySeconds,
          HUNDREDTH,
          `${employee.id} sunday/holiday`,
        );
      }
    },
  },
  "custom-csv": {
    options: {
      columns: [
        "payroll_number",
        "worked_hours",
        "regular_hours",
        "overtime_hours",
        "night_hours",
        "sunday_holiday_hours",
      ],
      rows: "employee_month",
      delimiter: ";",
      decimal_separator: ".",
      encoding: "utf-8",
    },
    check(bytes, employees) {
      const rows = csvRows(decode(bytes, "utf-8"), ";");
      for (const employee of employees) {
        const row = rows.find((r) => r[0] === employee.payrollNumber);
        const report = reportOf(employee);
        if (!row) {
          // An employee with nothing in the month has no row.
          expect(report.workedSeconds, `${employee.id} has hours but no row`).toBe(0);
          continue;
        }
        expectHours(number(row[1]), report.workedSeconds, HUNDREDTH, `${employee.id} worked`);
        expectHours(number(row[2]), report.regularSeconds, HUNDREDTH, `${employee.id} regular`);
        expectHours(number(row[3]), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(number(row[4]), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
        expectHours(number(row[5]), report.sundayHolidaySeconds, HUNDREDTH, `${employee.id} sunday/holiday`);
      }
    },
  },
  "monthly-summary-xlsx": {
    check(bytes, employees) {
      const sheet = cells(text(unzip(bytes).find((e) => e.name === "xl/worksheets/sheet1.xml")));
      const rows = [...sheet.values()];
      const header = [...(rows[0]?.values() ?? [])];
      const column = (name: string) => [...(rows[0]?.entries() ?? [])].find(([, v]) => v === name)?.[0] as string;
      expect(header).toContain("Worked hours");
      for (const employee of employees) {
        const row = rows.find((r) => r.get(column("Payroll number")) === employee.payrollNumber);
        const report = reportOf(employee);
        const value = (name: string) => Number(row?.get(column(name)) ?? 0);
        expectHours(value("Worked hours"), report.workedSeconds, HUNDREDTH, `${employee.id} worked`);
        expectHours(value("Regular hours"), report.regularSeconds, HUNDREDTH, `${employee.id} regular`);
        expectHours(value("Overtime hours"), report.overtimeSeconds, HUNDREDTH, `${employee.id} overtime`);
        expectHours(value("Night hours"), report.nightSeconds, HUNDREDTH, `${employee.id} night`);
        expectHours(
          value("Sunday and holiday hours"),
          report.sundayHolidaySeconds,
          HUNDREDTH,
          `${employee.id} sunday/holiday`,
        );
      }
    },
  },
};

/**
 * The clock-event formats carry no split, only entries and exits: the program splits them by the
 * employee's schedule. Their lines must be the sessions' local starts and ends, to the minute, so
 * the intervals add up to the time worked (a night into the next month is in this month's file
 * whole). Each reader gives the card, the wall time (`YYYYMMDDhhmm`, or `MMDDhhmm` for a layout
 * without a year) and whether the line is an entry.
 */
const CLOCK_EVENTS: Record<
  string,
  { withYear: boolean; parse: (line: string) => { card: string; stamp: string; entry: boolean } }
> = {
  "symfonia-rcp": {
    withYear: true,
    parse: (line) => ({ card: String(Number(line.slice(0, 10))), stamp: line.slice(10, 22), entry: line[22] === "1" }),
  },
  // The default mask RRRRMMDDggmmNNNNNNNNNNO.
  "comarch-optima-rcp": {
    withYear: true,
    parse: (line) => ({ card: String(Number(line.slice(12, 22))), stamp: line.slice(0, 12), entry: line[22] === "1" }),
  },
  // The default layout XXXNNNNNNNNMMDDhhmmOO.
  "enova365-rcp": {
    withYear: false,
    parse: (line) => ({
      card: String(Number(line.slice(3, 11))),
      stamp: line.slice(11, 19),
      entry: line.slice(19, 21) === "20",
    }),
  },
};

async function fileOf(formatter: PayrollFormatter, random: RandomMonth, options: ExportOptions = {}) {
  const { input, employees } = build(random, resolveOptions(formatter, options));
  return { bytes: await collect(formatter, input), employees };
}

describe("every format carries the report's hours", () => {
  it("has a reader for every built-in format", () => {
    expect(builtInFormatters.map((f) => f.id).sort()).toEqual(
      [...Object.keys(CHECKS), ...Object.keys(CLOCK_EVENTS)].sort(),
    );
  });

  it.each(Object.entries(CHECKS))("%s", async (id, { options, check }) => {
    const formatter = builtInFormatters.find((f) => f.id === id) as PayrollFormatter;
    await fc.assert(
      fc.asyncProperty(monthArb, async (random) => {
        const { bytes, employees } = await fileOf(formatter, random, options);
        check(bytes, employees);
      }),
      { numRuns: 40 },
    );
  });

  it.each(Object.keys(CLOCK_EVENTS))("%s: an entry and an exit at each session's local start and end", async (id) => {
    const formatter = builtInFormatters.find((f) => f.id === id) as PayrollFormatter;
    const { withYear, parse } = CLOCK_EVENTS[id] as (typeof CLOCK_EVENTS)[string];
    await fc.assert(
      fc.asyncProperty(monthArb, async (random) => {
        const { bytes, employees } = await fileOf(formatter, random);
        const lines = decode(bytes, "ascii").split("\r\n").filter(Boolean).map(parse);
        const zone = ZONES[random.country];
        const stamp = (at: Date) => {
          const { date, time } = localDateTimeOf(at, zone);
          return (withYear ? date : date.slice(5)).replaceAll("-", "") + time.replace(":", "");
        };
        for (const employee of employees) {
          const expected = employee.sessions.flatMap((session) => [
            { card: employee.clockCardNumber, stamp: stamp(session.startedAt), entry: true },
            { card: employee.clockCardNumber, stamp: stamp(session.endedAt), entry: false },
          ]);
          expect(lines.filter((l) => l.card === employee.clockCardNumber)).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});
