import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/formats/index.js";
import { decimalHours, encodeXml, escapeXml, hoursMinutes, xmlComment } from "../../src/formats/xml-writer.js";
import type { PayrollFormatter } from "../../src/formatter.js";
import { collect, czechMonth, employeesOf } from "../support/months.js";

describe("escapeXml", () => {
  it.each([
    ["R&D <web>", "R&amp;D &lt;web&gt;"],
    [`"quoted" 'single'`, "&quot;quoted&quot; &apos;single&apos;"],
    ["bell\u0007 null\u0000 esc\u001b del\u007f c1\u0085 end", "bell null esc del c1 end"],
    ["lone \ud800 surrogate \udfff", "lone  surrogate "],
    ["keeps 😀 pairs and\ttabs", "keeps 😀 pairs and\ttabs"],
    ["line\r\nend", "line&#13;\nend"],
  ])("escapes %j", (input, output) => {
    expect(escapeXml(input)).toBe(output);
  });

  it("writes tab and newline as references in attribute values", () => {
    expect(escapeXml("a\tb\nc", { attribute: true })).toBe("a&#9;b&#10;c");
  });

  it("keeps comments well-formed", () => {
    expect(xmlComment("a--b-")).toBe("<!-- a- -b-  -->");
  });
});

describe("numbers", () => {
  it.each([
    [28800, "8"],
    [30600, "8.5"],
    [29700, "8.25"],
    [18, "0.01"], // 0.005 h rounds half up
    [17, "0"],
    [577800, "160.5"],
  ])("%i s is %s decimal hours", (seconds, text) => {
    expect(decimalHours(seconds)).toBe(text);
  });

  it.each([
    [30600, "8:30"],
    [29, "0:00"],
    [30, "0:01"],
    [90000, "25:00"],
  ])("%i s is %s", (seconds, text) => {
    expect(hoursMinutes(seconds)).toBe(text);
  });
});

describe("encodeXml", () => {
  it("writes what windows-1250 cannot hold as character references", () => {
    const bytes = encodeXml("<n>Łódź 😀 Ω</n>", "windows-1250");
    expect(new TextDecoder("windows-1250").decode(bytes)).toBe("<n>Łódź &#x1F600; &#x3A9;</n>");
  });

  it("writes an employee whose name windows-1250 lacks into a PAMICA file that reads back", async () => {
    const input = czechMonth();
    const [first, ...rest] = employeesOf(input);
    const emoji = { ...(first as NonNullable<typeof first>), name: "Jiří 😀 Příliš" };
    const pamica = createDefaultRegistry().get("pamica-dochazka") as PayrollFormatter;
    const text = new TextDecoder("windows-1250").decode(
      await collect(pamica, { ...input, employees: [emoji, ...rest] }),
    );
    expect(text).toContain("<jmeno>Jiří &#x1F600;</jmeno>");
  });
});

describe("the XML formats", () => {
  it("registers all four in the default registry", () => {
    const registry = createDefaultRegistry();
    for (const id of ["money-s3-dochazka", "money-s3-mzdy", "pamica-dochazka", "abra-flexi-winstrom"]) {
      expect(registry.get(id)?.fileKind).toBe("xml");
    }
  });
});
