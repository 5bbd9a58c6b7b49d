import { describe, expect, it } from "vitest";
import {
  createFormatterRegistry,
  encodeText,
  findInvalidIdentifiers,
  findMissingIdentifiers,
  type PayrollFormatter,
  resolveOptions,
  UnencodableCharacterError,
} from "../src/index.js";

const formatter = (
  id: string,
  requires: PayrollFormatter["requires"] = [],
  extra: Partial<PayrollFormatter> = {},
): PayrollFormatter => ({
  id,
  name: id,
  program: "Test",
  countries: ["PL"],
  fileKind: "txt",
  fileExtension: "txt",
  mediaType: "text/plain",
  encoding: "utf-8",
  compatibility: "custom",
  compatibilityNote: "A test format.",
  requires,
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  format: () => new Uint8Array(),
  ...extra,
});

describe("createFormatterRegistry", () => {
  it("finds formatters by id and lists them in order", () => {
    const registry = createFormatterRegistry([formatter("b-format"), formatter("a-format")]);
    expect(registry.get("a-format")?.id).toBe("a-format");
    expect(registry.get("missing")).toBeUndefined();
    expect(registry.list().map((f) => f.id)).toEqual(["b-format", "a-format"]);
  });

  it("refuses a duplicate id", () => {
    const registry = createFormatterRegistry([formatter("money-s3-dochazka")]);
    expect(() => registry.register(formatter("money-s3-dochazka"))).toThrow(/already registered/);
  });

  it.each(["Money S3", "money_s3", "-x", "x-", ""])("refuses the malformed id %j", (id) => {
    expect(() => createFormatterRegistry([formatter(id)])).toThrow(TypeError);
  });
});

describe("findMissingIdentifiers", () => {
  const employee = (id: string, payrollNumber: string | null, clockCardNumber: string | null) => ({
    id,
    name: `Employee ${id}`,
    payrollNumber,
    clockCardNumber,
  });
  const employees = [
    employee("emp_a", "0001", "100001"),
    employee("emp_b", null, "100002"),
    employee("emp_c", "  ", null),
  ];

  it.each([
    { requires: [], expected: [] },
    {
      requires: ["payroll_number"],
      expected: [
        ["emp_b", ["payroll_number"]],
        ["emp_c", ["payroll_number"]],
      ],
    },
    { requires: ["clock_card_number"], expected: [["emp_c", ["clock_card_number"]]] },
    {
      requires: ["payroll_number", "clock_card_number"],
      expected: [
        ["emp_b", ["payroll_number"]],
        ["emp_c", ["payroll_number", "clock_card_number"]],
      ],
    },
  ] as const)("names the employees lacking $requires", ({ requires, expected }) => {
    const found = findMissingIdentifiers(formatter("x", requires), employees);
    expect(found.map((m) => [m.employeeId, m.missing])).toEqual(expected);
  });
});

describe("findInvalidIdentifiers", () => {
  it("asks the format about each employee and names those it refuses", () => {
    const fiveChars = formatter("five", ["payroll_number"], {
      invalidIdentifier: (e) => (e.payrollNumber?.length === 5 ? null : "needs exactly 5 characters"),
    });
    const found = findInvalidIdentifiers(fiveChars, [
      { id: "emp_a", name: "A", payrollNumber: "00042", clockCardNumber: null },
      { id: "emp_b", name: "B", payrollNumber: "0042", clockCardNumber: null },
    ]);
    expect(found).toEqual([{ employeeId: "emp_b", name: "B", reason: "needs exactly 5 characters" }]);
    expect(
      findInvalidIdentifiers(formatter("any"), [{ id: "emp_b", name: "B", payrollNumber: "1", clockCardNumber: null }]),
    ).toEqual([]);
  });
});

describe("resolveOptions", () => {
  const csv = formatter("csv", [], {
    acceptedOptions: ["delimiter", "encoding"],
    defaultOptions: { delimiter: ";" },
    validateOptions: (o) => {
      if (o.encoding === "windows-1250" && o.delimiter === "\t") throw new TypeError("no tabs in windows-1250");
    },
  });

  it("merges the caller's options over the defaults", () => {
    expect(resolveOptions(csv)).toEqual({ delimiter: ";" });
    expect(resolveOptions(csv, { delimiter: ",", encoding: "utf-8" })).toEqual({ delimiter: ",", encoding: "utf-8" });
  });

  it("refuses an option the format does not accept, naming it", () => {
    expect(() => resolveOptions(csv, { bom: true })).toThrow(/does not accept the option "bom"/);
  });

  it("lets the format refuse a combination", () => {
    expect(() => resolveOptions(csv, { delimiter: "\t", encoding: "windows-1250" })).toThrow(TypeError);
  });
});

describe("encodeText", () => {
  it("writes Czech and Polish letters in windows-1250", () => {
    expect([...encodeText("Šč řą ęł Ž", "windows-1250")]).toEqual([
      0x8a, 0xe8, 0x20, 0xf8, 0xb9, 0x20, 0xea, 0xb3, 0x20, 0x8e,
    ]);
    expect(
      new TextDecoder("windows-1250").decode(encodeText("Příliš žluťoučký kůň, zażółć gęślą jaźń", "windows-1250")),
    ).toBe("Příliš žluťoučký kůň, zażółć gęślą jaźń");
  });

  it("refuses or replaces what the code page cannot hold", () => {
    expect(() => encodeText("€ ok, 😀 not", "windows-1250")).toThrow(UnencodableCharacterError);
    expect(new TextDecoder("windows-1250").decode(encodeText("a😀b", "windows-1250", "?"))).toBe("a?b");
    expect(() => encodeText("ł", "us-ascii")).toThrow(/cannot be written in us-ascii/);
  });

  it("writes UTF-8 as is", () => {
    expect(new TextDecoder().decode(encodeText("Łódź 😀", "utf-8"))).toBe("Łódź 😀");
  });
});
