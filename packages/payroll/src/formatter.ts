/** An employee identifier that some payroll programs key their imports on. */
export type EmployeeIdentifier = "payroll_number" | "clock_card_number";

/** One employee's month, as a formatter receives it. */
export interface PayrollEmployee {
  /** Timecard's id (`emp_…`). */
  readonly id: string;
  readonly name: string;
  /** Personal number in the payroll program (osobní číslo, numer ewidencyjny). */
  readonly payrollNumber: string | null;
  /** Clock card (RCP) number, for clock-event formats. */
  readonly clockCardNumber: string | null;
  /** The month's work sessions, each a closed interval. */
  readonly sessions: readonly { readonly startedAt: Date; readonly endedAt: Date }[];
}

/** What every formatter turns into a file: one organization's month. */
export interface PayrollExportInput {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  readonly organization: {
    readonly name: string;
    readonly country: "PL" | "CZ";
    readonly timeZone: string;
  };
  readonly employees: readonly PayrollEmployee[];
}

/**
 * A payroll export format: a pure function from a month's data to the bytes of a file that
 * a payroll program imports. Implement it to add a format of your own.
 *
 * @example
 * ```ts
 * const hoursCsv: PayrollFormatter = {
 *   id: "hours-csv", name: "Hours CSV", program: "Any", fileExtension: "csv",
 *   mediaType: "text/csv", encoding: "utf-8", requires: ["payroll_number"],
 *   format: (input) => new TextEncoder().encode(input.employees.map((e) => e.payrollNumber).join("\n")),
 * };
 * ```
 */
export interface PayrollFormatter {
  /** A stable slug, used as the export's `format` (`money-s3-dochazka`). */
  readonly id: string;
  readonly name: string;
  /** The payroll program that imports the file. */
  readonly program: string;
  readonly fileExtension: string;
  readonly mediaType: string;
  readonly encoding: "utf-8" | "windows-1250";
  /** The identifiers every exported employee must have. */
  readonly requires: readonly EmployeeIdentifier[];
  /** Writes the file: all at once, or as a stream of chunks for large files. */
  format(input: PayrollExportInput): Uint8Array | AsyncIterable<Uint8Array>;
}

const FIELD: Record<EmployeeIdentifier, keyof PayrollEmployee> = {
  payroll_number: "payrollNumber",
  clock_card_number: "clockCardNumber",
};

/** An employee who cannot be exported in a format, and which identifiers they lack. */
export interface MissingIdentifiers {
  readonly employeeId: string;
  readonly name: string;
  readonly missing: readonly EmployeeIdentifier[];
}

/**
 * The employees that lack an identifier the formatter requires: an export names them for
 * the customer to fix rather than writing a file the payroll program would reject.
 */
export function findMissingIdentifiers(formatter: PayrollFormatter, input: PayrollExportInput): MissingIdentifiers[] {
  const out: MissingIdentifiers[] = [];
  for (const employee of input.employees) {
    const missing = formatter.requires.filter((id) => {
      const value = employee[FIELD[id]];
      return typeof value !== "string" || value.trim() === "";
    });
    if (missing.length > 0) out.push({ employeeId: employee.id, name: employee.name, missing });
  }
  return out;
}
