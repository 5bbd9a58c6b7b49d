import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { abraFlexiWinstrom, FLEXI_CODES } from "../../src/formats/abra-flexi-winstrom.js";
import { pamicaDochazka } from "../../src/formats/pamica-dochazka.js";
import { resolveOptions } from "../../src/formatter.js";
import { expectGolden } from "../support/golden.js";
import { collect, collectChunks, czechMonth, employeesOf, streamed } from "../support/months.js";
import { asUtf8Document, blocks, expectedFigures, hours, numberIn, texts } from "./xml-support.js";

/** Well-formedness only: no schema exists for these formats (xmllint --noout). */
async function wellFormed(xml: string): Promise<boolean> {
  const result = await validateXML({ xml: [{ fileName: "doc.xml", contents: xml }], normalization: "format" });
  return result.valid;
}

function minutes(hm: string): number {
  const [h, m] = hm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

describe("pamica-dochazka", () => {
  const month = () => czechMonth(resolveOptions(pamicaDochazka));

  it("writes the golden file, in windows-1250", async () => {
    const bytes = await collect(pamicaDochazka, month());
    expectGolden(bytes, "pamica-dochazka.xml");
    expect(new TextDecoder("ascii").decode(bytes.subarray(0, 45))).toBe(
      '<?xml version="1.0" encoding="windows-1250"?>',
    );
    expect(Buffer.from(bytes).includes(Buffer.from("Dvořáková", "utf8"))).toBe(false);
    expect(asUtf8Document(bytes, "windows-1250")).toContain("<prijmeni>Dvořáková</prijmeni>");
  });

  it("is well-formed and names every employee by the payroll number", async () => {
    const xml = asUtf8Document(await collect(pamicaDochazka, month()), "windows-1250");
    expect(await wellFormed(xml)).toBe(true);
    expect(await wellFormed(xml.replace("</hlavicka>", ""))).toBe(false);
    expect(texts(xml, "cislo_pracovniho_pomeru")).toEqual(employeesOf(month()).map((e) => e.payrollNumber));
  });

  it("plans the norm on working days only, and carries overtime and leave from the pieces", async () => {
    const xml = asUtf8Document(await collect(pamicaDochazka, month()), "windows-1250");
    const employees = employeesOf(month());
    blocks(xml, "dochazka_zamestnance").forEach((block, i) => {
      const employee = employees[i] as (typeof employees)[number];
      const plan = texts(block, "uvazek");
      expect(plan).toHaveLength(31);
      // October 2026: 22 weekdays, one of them the 28 Oct holiday.
      expect(plan.filter((h) => h === "8:00")).toHaveLength(21);
      expect(block).toContain('<uvazek datum="2026-10-28">0:00</uvazek>');
      const overtime = texts(block, "hodiny")[0] ?? "0:00";
      expect(minutes(overtime)).toBe(Math.round(expectedFigures(employee).overtime / 60));
      // Leave: whole days as od..do runs, half days as one-day absences with their hours.
      const leave = blocks(block, "nepritomnost");
      const halfHours = [...block.matchAll(/<od nepritomnost="([^"]+)">/g)].reduce(
        (s, m) => s + minutes(m[1] as string),
        0,
      );
      expect(halfHours).toBe(employee.leave.filter((d) => d.days < 1).reduce((s, d) => s + d.seconds / 60, 0));
      for (const day of employee.leave) {
        const covering = leave.filter(
          (b) => (texts(b, "od")[0] ?? "") <= day.date && day.date <= (texts(b, "do")[0] ?? ""),
        );
        expect(covering).toHaveLength(1);
      }
    });
  });

  it("streams one chunk per employee", async () => {
    expect((await collectChunks(pamicaDochazka, streamed(month()))).length).toBe(employeesOf(month()).length + 2);
  });
});

describe("abra-flexi-winstrom", () => {
  const month = () => czechMonth(resolveOptions(abraFlexiWinstrom));
  const decode = async () => new TextDecoder().decode(await collect(abraFlexiWinstrom, month()));

  it("writes the golden file", async () => {
    expectGolden(await collect(abraFlexiWinstrom, month()), "abra-flexi-winstrom.xml");
  });

  it("is well-formed, with escaped project names", async () => {
    const xml = await decode();
    expect(await wellFormed(xml)).toBe(true);
    expect(xml).toContain("Web &amp; e-shop &lt;relaunch&gt;");
    expect(texts(xml, "poznam")).toContain('Timecard: Servis kotlů "Příliš"');
  });

  it("carries the hours of the pieces: prace-mesic sums to worked, components to the surcharges", async () => {
    const xml = await decode();
    for (const employee of employeesOf(month())) {
      const mine = (kind: string) =>
        blocks(xml, kind).filter((b) => b.includes(`<osoba>code:${employee.payrollNumber}</osoba>`));
      const expected = expectedFigures(employee);
      const worked = mine("prace-mesic").reduce((s, b) => s + numberIn(b, "hodin"), 0);
      expect(Math.abs(worked - expected.worked / 3600)).toBeLessThanOrEqual(0.01 * mine("prace-mesic").length);
      const component = (code: string) =>
        numberIn(
          mine("mzdova-slozka").find((b) => b.includes(`<cisMzdSloz>code:${code}</cisMzdSloz>`)) ?? "",
          "hodiny",
        );
      expect(component(FLEXI_CODES.overtime)).toBe(hours(expected.overtime));
      expect(component(FLEXI_CODES.night)).toBe(hours(expected.night));
      expect(component(FLEXI_CODES.holiday)).toBe(hours(expected.holiday));
      expect(component(FLEXI_CODES.weekend)).toBe(hours(expected.weekend));
      // Every leave day lies inside one of the employee's absences.
      const absences = mine("nepritomnost").map((b) => texts(b, "platiOd").concat(texts(b, "platiDo")));
      for (const day of employee.leave)
        expect(absences.some(([from = "", to = ""]) => from <= day.date && day.date <= to)).toBe(true);
    }
  });

  it("gives every record a unique external id, so a re-import updates", async () => {
    const ids = texts(await decode(), "id");
    expect(ids.every((id) => id.startsWith("ext:TIMECARD:"))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("streams one chunk per employee", async () => {
    expect((await collectChunks(abraFlexiWinstrom, streamed(month()))).length).toBe(employeesOf(month()).length + 2);
  });
});
