import { describe, expect, it } from "vitest";
import { createFormatterRegistry, findMissingIdentifiers, type PayrollFormatter } from "../src/index.js";

const formatter = (id: string, requires: PayrollFormatter["requires"] = []): PayrollFormatter => ({
  id,
  name: id,
  program: "Test",
  fileExtension: "txt",
  mediaType: "text/plain",
  encoding: "utf-8",
  requires,
  format: () => new Uint8Array(),
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
    sessions: [],
  });
  const input = {
    month: "2026-10",
    organization: { name: "Kowalski Software", country: "PL" as const, timeZone: "Europe/Warsaw" },
    employees: [employee("emp_a", "0001", "100001"), employee("emp_b", null, "100002"), employee("emp_c", "  ", null)],
  };

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
    const found = findMissingIdentifiers(formatter("x", requires), input);
    expect(found.map((m) => [m.employeeId, m.missing])).toEqual(expected);
  });
});
