import { describe, expect, it } from "vitest";
import { moneyS3Dochazka } from "../../src/formats/money-s3-dochazka.js";
import { moneyS3Mzdy } from "../../src/formats/money-s3-mzdy.js";
import { findInvalidIdentifiers, resolveOptions } from "../../src/formatter.js";
import { expectGolden } from "../support/golden.js";
import { collect, collectChunks, czechMonth, employeesOf, streamed } from "../support/months.js";
import {
  asUtf8Document,
  blocks,
  expectedFigures,
  hours,
  numberIn,
  texts,
  validateDochazka,
  validateXmlTransfer,
} from "./xml-support.js";

const utf8 = new TextDecoder();

async function dochazka(encoding: "utf-8" | "windows-1250" = "utf-8"): Promise<Uint8Array> {
  return collect(moneyS3Dochazka, czechMonth(resolveOptions(moneyS3Dochazka, { encoding })));
}

async function mzdy(encoding: "utf-8" | "windows-1250" = "utf-8"): Promise<Uint8Array> {
  return collect(moneyS3Mzdy, czechMonth(resolveOptions(moneyS3Mzdy, { encoding })));
}

describe("money-s3-dochazka", () => {
  it("writes the golden file, UTF-8 and windows-1250", async () => {
    expectGolden(await dochazka(), "money-s3-dochazka.xml");
    expectGolden(await dochazka("windows-1250"), "money-s3-dochazka-windows-1250.xml");
  });

  it("is valid against Dochazka.xsd", async () => {
    const result = await validateDochazka(utf8.decode(await dochazka()));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("writes windows-1250 bytes that say so, with the same content as UTF-8", async () => {
    const bytes = await dochazka("windows-1250");
    const ascii = new TextDecoder("ascii").decode(bytes.subarray(0, 60));
    expect(ascii.startsWith('<?xml version="1.0" encoding="windows-1250"?>')).toBe(true);
    // "Příliš" is in the file as windows-1250 bytes (ř = 0xF8), not as UTF-8 (0xC5 0x99).
    expect(Buffer.from(bytes).includes(Buffer.from([0xf8]))).toBe(true);
    expect(Buffer.from(bytes).includes(Buffer.from([0xc5, 0x99]))).toBe(false);
    const asUtf8 = asUtf8Document(bytes, "windows-1250");
    expect(asUtf8).toBe(utf8.decode(await dochazka()));
    expect((await validateDochazka(asUtf8)).valid).toBe(true);
  });

  it.each([
    ["a payroll number of 4 characters", (xml: string) => xml.replace("<OsobniCislo>00042<", "<OsobniCislo>0042<")],
    ["a decimal comma", (xml: string) => xml.replace(/<OdpracHodin>(\d+)\.(\d+)</, "<OdpracHodin>$1,$2<")],
    ["160,5 hours", (xml: string) => xml.replace(/<OdpracHodin>[^<]+</, "<OdpracHodin>160,5<")],
  ])("fails validation with %s (the check is not vacuous)", async (_, edit) => {
    const valid = utf8.decode(await dochazka());
    const broken = edit(valid);
    expect(broken).not.toBe(valid);
    expect((await validateDochazka(broken)).valid).toBe(false);
  });

  it("carries the hours of the pieces and the leave days, per employee", async () => {
    const xml = utf8.decode(await dochazka());
    const employees = employeesOf(czechMonth());
    const people = blocks(xml, "Zamestnanec");
    expect(people).toHaveLength(employees.length);
    employees.forEach((employee, i) => {
      const block = people[i] as string;
      const expected = expectedFigures(employee);
      expect(texts(block, "OsobniCislo")).toEqual([employee.payrollNumber]);
      const [odpracovano = ""] = blocks(block, "Odpracovano");
      const [svatky = ""] = blocks(block, "Svatky");
      expect(numberIn(odpracovano, "OdpracHodin")).toBe(hours(expected.ordinary));
      expect(numberIn(svatky, "OdpracHodin")).toBe(hours(expected.workdayHoliday));
      // Worked = Odpracováno + Svátky, to the hundredth each.
      expect(
        Math.abs(numberIn(odpracovano, "OdpracHodin") + numberIn(svatky, "OdpracHodin") - expected.worked / 3600),
      ).toBeLessThanOrEqual(0.01);
      const [priplatky = ""] = blocks(block, "MzdovePriplatky");
      expect(numberIn(priplatky, "PrescasHodin")).toBe(hours(expected.overtime));
      expect(numberIn(priplatky, "NocHodin")).toBe(hours(expected.night));
      expect(numberIn(priplatky, "SvatkyHodin")).toBe(hours(expected.holiday));
      expect(numberIn(priplatky, "SobotaNedeleHodin")).toBe(hours(expected.weekend));
      const absences = blocks(block, "Nepritomnost");
      expect(absences.reduce((s, a) => s + numberIn(a, "PracHodin"), 0)).toBeCloseTo(expected.leaveSeconds / 3600, 6);
      expect(absences.reduce((s, a) => s + numberIn(a, "PracDnu"), 0)).toBe(expected.leaveDays);
    });
  });

  it("maps leave types to the schema's absence codes and keeps a holiday inside a vacation", async () => {
    const xml = utf8.decode(await dochazka());
    const [, zofie = "", vaclav = "", zoe = ""] = blocks(xml, "Zamestnanec");
    expect(blocks(zofie, "Nepritomnost").map((a) => texts(a, "Typ")[0])).toEqual(["4", "0"]); // sick, on-demand
    expect(blocks(vaclav, "Nepritomnost").map((a) => texts(a, "Typ")[0])).toEqual(["2", "6", "1"]); // unpaid, OČR, paragraf
    // Zoë's vacation 26–30 Oct spans the 28 Oct holiday: one absence, 3.5 days, the holiday apart.
    const [vacation = ""] = blocks(zoe, "Nepritomnost");
    expect(blocks(zoe, "Nepritomnost")).toHaveLength(1);
    expect(texts(vacation, "Datum")).toEqual(["2026-10-26", "2026-10-30"]);
    expect(numberIn(vacation, "PracDnu")).toBe(3.5);
    expect(numberIn(vacation, "SvatkyDnu")).toBe(1);
    expect(numberIn(vacation, "KalDnu")).toBe(5);
  });

  it("streams: one chunk per employee from an async iterable, the same bytes as from an array", async () => {
    const input = czechMonth(resolveOptions(moneyS3Dochazka));
    const chunks = await collectChunks(moneyS3Dochazka, streamed(input));
    expect(chunks.length).toBe(employeesOf(input).length + 2);
    expect(Buffer.concat(chunks).equals(Buffer.from(await collect(moneyS3Dochazka, czechMonth(input.options))))).toBe(
      true,
    );
  });

  it("refuses payroll numbers that are not exactly 5 characters", () => {
    const people = [
      { id: "emp_a", name: "A", payrollNumber: "0042", clockCardNumber: null },
      { id: "emp_b", name: "B", payrollNumber: "00042", clockCardNumber: null },
      { id: "emp_c", name: "C", payrollNumber: "000042", clockCardNumber: null },
      { id: "emp_d", name: "D", payrollNumber: "Ž0042", clockCardNumber: null },
    ];
    expect(findInvalidIdentifiers(moneyS3Dochazka, people).map((p) => p.employeeId)).toEqual(["emp_a", "emp_c"]);
  });

  it("takes only the encoding option", () => {
    expect(resolveOptions(moneyS3Dochazka)).toEqual({ encoding: "utf-8" });
    expect(() => resolveOptions(moneyS3Dochazka, { bom: true })).toThrow(TypeError);
  });
});

describe("money-s3-mzdy", () => {
  it("writes the golden file", async () => {
    expectGolden(await mzdy(), "money-s3-mzdy.xml");
  });

  it("is valid against _Document.xsd with every schema it includes, in both encodings", async () => {
    const result = await validateXmlTransfer(utf8.decode(await mzdy()));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    const cp1250 = asUtf8Document(await mzdy("windows-1250"), "windows-1250");
    expect(cp1250).toBe(utf8.decode(await mzdy()));
  });

  it.each([
    ["an OsCislo of 11 characters", (xml: string) => xml.replace("<OsCislo>00042<", "<OsCislo>00042000420<")],
    ["a decimal comma", (xml: string) => xml.replace(/<OdpracHod>(\d+)\.(\d+)</, "<OdpracHod>$1,$2<")],
    [
      "an unknown surcharge element order",
      (xml: string) =>
        xml.replace(
          /<MzPriplatek><Druh>(\d+)<\/Druh><Nazev>([^<]+)<\/Nazev>/,
          "<MzPriplatek><Nazev>$2</Nazev><Druh>$1</Druh>",
        ),
    ],
  ])("fails validation with %s (the check is not vacuous)", async (_, edit) => {
    const valid = utf8.decode(await mzdy());
    const broken = edit(valid);
    expect(broken).not.toBe(valid);
    expect((await validateXmlTransfer(broken)).valid).toBe(false);
  });

  it("carries the hours of the pieces and the leave days, per employee", async () => {
    const xml = utf8.decode(await mzdy());
    const employees = employeesOf(czechMonth());
    const months = blocks(xml, "MzdaNova");
    expect(months).toHaveLength(employees.length);
    employees.forEach((employee, i) => {
      const block = months[i] as string;
      const expected = expectedFigures(employee);
      expect(texts(block, "OsCislo")).toEqual([employee.payrollNumber]);
      expect(texts(block, "Mesic")).toEqual(["10"]);
      const pracPomer = (blocks(block, "PracPomer")[0] as string)
        .replace(/<SeznamOdprSv>[\s\S]*<\/SeznamOdprSv>/, "")
        .replace(/<SeznamNepritomnosti>[\s\S]*<\/SeznamNepritomnosti>/, "")
        .replace(/<SeznamMzPriplatku>[\s\S]*<\/SeznamMzPriplatku>/, "");
      expect(numberIn(pracPomer, "OdpracHod")).toBe(hours(expected.ordinary));
      expect(numberIn(pracPomer, "OdprSvHod")).toBe(hours(expected.workdayHoliday));
      const surcharge = (druh: number) =>
        numberIn(blocks(block, "MzPriplatek").find((p) => texts(p, "Druh")[0] === String(druh)) ?? "", "OdpracHod");
      expect(surcharge(1)).toBe(hours(expected.overtime));
      expect(surcharge(2)).toBe(hours(expected.holiday));
      expect(surcharge(3)).toBe(hours(expected.weekend));
      expect(surcharge(5)).toBe(hours(expected.night));
      const absences = blocks(block, "NepritomnostNova");
      expect(absences.reduce((s, a) => s + numberIn(a, "PracHod"), 0)).toBeCloseTo(expected.leaveSeconds / 3600, 6);
      expect(absences.reduce((s, a) => s + numberIn(a, "PracDnu"), 0)).toBe(expected.leaveDays);
    });
  });

  it("streams one chunk per employee", async () => {
    const input = streamed(czechMonth(resolveOptions(moneyS3Mzdy)));
    expect((await collectChunks(moneyS3Mzdy, input)).length).toBe(employeesOf(czechMonth()).length + 2);
  });

  it("refuses payroll numbers longer than 10 characters", () => {
    const people = [
      { id: "emp_a", name: "A", payrollNumber: "0123456789", clockCardNumber: null },
      { id: "emp_b", name: "B", payrollNumber: "01234567890", clockCardNumber: null },
    ];
    expect(findInvalidIdentifiers(moneyS3Mzdy, people).map((p) => p.employeeId)).toEqual(["emp_b"]);
  });
});
