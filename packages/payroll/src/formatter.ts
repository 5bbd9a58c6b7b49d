import type { Country, LabourRules, LeaveDay, WorkPiece } from "./labour/types.js";

/** An employee identifier that some payroll programs key their imports on. */
export type EmployeeIdentifier = "payroll_number" | "clock_card_number";

/** Who an employee is, as the formats need it. */
export interface PayrollEmployeeIdentity {
  /** Timecard's id (`emp_…`). */
  readonly id: string;
  readonly name: string;
  /** Personal number in the payroll program (osobní číslo, numer ewidencyjny). */
  readonly payrollNumber: string | null;
  /** Clock card (RCP) number, for clock-event formats. */
  readonly clockCardNumber: string | null;
}

/** A session of the month, with what a file may name about it. */
export interface PayrollSession {
  readonly id: string;
  readonly projectId: string | null;
  readonly projectName: string | null;
  readonly taskId: string | null;
  readonly taskName: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly note: string | null;
}

/** One employee's month, as a formatter receives it. */
export interface PayrollEmployee extends PayrollEmployeeIdentity {
  /** The month's completed, approved sessions, by start. A session may begin in the month before. */
  readonly sessions: readonly PayrollSession[];
  /**
   * The sessions split into pieces on the month's local days (`splitWork`), by start: only the
   * pieces whose `date` is in the month. Every hour figure of every format is a sum of these.
   */
  readonly pieces: readonly WorkPiece[];
  /** The month's days of approved leave, by date. */
  readonly leave: readonly LeaveDay[];
}

/** Every column the `custom-csv` format can write, in the API's order (the spec's `ExportColumn`). */
export const EXPORT_COLUMNS = [
  "employee_id",
  "employee_name",
  "payroll_number",
  "clock_card_number",
  "date",
  "month",
  "project_id",
  "project_name",
  "task_id",
  "task_name",
  "session_id",
  "started_at",
  "ended_at",
  "worked_hours",
  "regular_hours",
  "overtime_hours",
  "night_hours",
  "sunday_holiday_hours",
  "leave_days",
  "sessions",
  "note",
] as const;

/** A column of the `custom-csv` format. */
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** What a row of the `custom-csv` format stands for (`options.rows`). */
export const EXPORT_ROWS = ["employee_month", "employee_day", "session"] as const;

/** The field delimiters a CSV format may be written with (`options.delimiter`). */
export const CSV_DELIMITERS = [";", ",", "\t", "|"] as const;

/** The name of an option, as the API spells it. */
export type ExportOptionName =
  | "columns"
  | "rows"
  | "delimiter"
  | "decimal_separator"
  | "encoding"
  | "bom"
  | "line_layout"
  | "component_codes";

/** Settings of a file (the API's `options`), for the formats that accept them. */
export interface ExportOptions {
  readonly columns?: readonly ExportColumn[];
  readonly rows?: (typeof EXPORT_ROWS)[number];
  readonly delimiter?: (typeof CSV_DELIMITERS)[number];
  readonly decimal_separator?: "," | ".";
  readonly encoding?: "utf-8" | "windows-1250";
  readonly bom?: boolean;
  readonly line_layout?: string;
  readonly component_codes?: {
    readonly regular?: string;
    readonly overtime?: string;
    readonly night?: string;
    readonly sunday_holiday?: string;
    readonly leave?: string;
  };
}

/** What every formatter turns into a file: one organization's month. */
export interface PayrollExportInput {
  /** The month, `YYYY-MM`. */
  readonly month: string;
  readonly organization: {
    readonly id: string;
    readonly name: string;
    readonly country: Country;
    readonly timeZone: string;
  };
  /** The organization's working-time rules, which the pieces were split by. */
  readonly rules: LabourRules;
  /**
   * The employees, sorted by payroll number, then name. An async iterable lets a caller stream
   * thousands of employees without holding them all: formatters read it once, in order.
   */
  readonly employees: Iterable<PayrollEmployee> | AsyncIterable<PayrollEmployee>;
  /** The options in effect, defaults included (see `resolveOptions`). */
  readonly options: ExportOptions;
  /** When the file is generated (some formats stamp it). */
  readonly generatedAt: Date;
}

/**
 * A payroll export format: a pure function from a month's data to the bytes of a file that
 * a payroll program imports. Implement it to add a format of your own.
 *
 * @example
 * ```ts
 * const hoursCsv: PayrollFormatter = {
 *   id: "hours-csv", name: "Hours CSV", program: "Any", countries: ["PL", "CZ"],
 *   fileKind: "csv", fileExtension: "csv", mediaType: "text/csv", encoding: "utf-8",
 *   compatibility: "custom", compatibilityNote: "Our own CSV.", requires: ["payroll_number"],
 *   acceptedOptions: [], defaultLineLayout: null, columnsConfigurable: false,
 *   async *format(input) {
 *     for await (const e of input.employees) {
 *       const seconds = e.pieces.reduce((s, p) => s + p.workedSeconds, 0);
 *       yield new TextEncoder().encode(`${e.payrollNumber};${seconds / 3600}\r\n`);
 *     }
 *   },
 * };
 * ```
 */
export interface PayrollFormatter {
  /** A stable slug, used as the export's `format` (`money-s3-dochazka`). */
  readonly id: string;
  readonly name: string;
  /** The payroll program that imports the file. */
  readonly program: string;
  /** The countries whose organizations use the program. */
  readonly countries: readonly Country[];
  readonly fileKind: "xml" | "csv" | "txt" | "xlsx";
  readonly fileExtension: string;
  readonly mediaType:
    | "application/xml"
    | "text/csv"
    | "text/plain"
    | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  /** The default character encoding; `null` for binary files (XLSX). */
  readonly encoding: "utf-8" | "windows-1250" | "us-ascii" | null;
  /** How sure we are that the program imports the file (the API's `compatibility`). */
  readonly compatibility: "documented" | "partially_documented" | "fallback" | "custom";
  /** What the file holds, which import takes it, what to map, what is uncertain. */
  readonly compatibilityNote: string;
  /** The identifiers every exported employee must have. */
  readonly requires: readonly EmployeeIdentifier[];
  /** The options the format takes; any other is refused. */
  readonly acceptedOptions: readonly ExportOptionName[];
  /** The options' defaults, merged under the caller's by `resolveOptions`. */
  readonly defaultOptions?: ExportOptions;
  /** For clock-event formats with a customer-set layout, the layout written by default. */
  readonly defaultLineLayout: string | null;
  /** Whether the columns are chosen with `options.columns`. */
  readonly columnsConfigurable: boolean;
  /**
   * Why the program would refuse an identifier the employee has (a Money S3 attendance payroll
   * number that is not 5 characters, a card number wider than the line layout's card field), or
   * `null` when it is fine. Receives the resolved options. Only called for employees that have
   * every required identifier.
   */
  invalidIdentifier?(employee: PayrollEmployeeIdentity, options: ExportOptions): string | null;
  /** Checks options beyond their shape (a line layout without a card field); throws a `TypeError`. */
  validateOptions?(options: ExportOptions): void;
  /** Writes the file: all at once, or as a stream of chunks for large files. */
  format(input: PayrollExportInput): Uint8Array | AsyncIterable<Uint8Array>;
}

/** A format as the API lists it (`GET /v1/export-formats`, schema `ExportFormat`). */
export interface ExportFormatDescription {
  id: string;
  name: string;
  program: string;
  countries: Country[];
  file_kind: PayrollFormatter["fileKind"];
  media_type: PayrollFormatter["mediaType"];
  encoding: PayrollFormatter["encoding"];
  file_extension: string;
  compatibility: PayrollFormatter["compatibility"];
  compatibility_note: string;
  requires: EmployeeIdentifier[];
  columns_configurable: boolean;
  accepted_options: ExportOptionName[];
  default_line_layout: string | null;
}

/**
 * A formatter's metadata in the API's shape, as `GET /v1/export-formats` serves it.
 *
 * @example
 * ```ts
 * describeFormat(createDefaultRegistry().get("symfonia-rcp")!).file_kind; // "txt"
 * ```
 */
export function describeFormat(f: PayrollFormatter): ExportFormatDescription {
  return {
    id: f.id,
    name: f.name,
    program: f.program,
    countries: [...f.countries],
    file_kind: f.fileKind,
    media_type: f.mediaType,
    encoding: f.encoding,
    file_extension: f.fileExtension,
    compatibility: f.compatibility,
    compatibility_note: f.compatibilityNote,
    requires: [...f.requires],
    columns_configurable: f.columnsConfigurable,
    accepted_options: [...f.acceptedOptions],
    default_line_layout: f.defaultLineLayout,
  };
}

const FIELD: Record<EmployeeIdentifier, "payrollNumber" | "clockCardNumber"> = {
  payroll_number: "payrollNumber",
  clock_card_number: "clockCardNumber",
};

/** An employee who cannot be exported in a format, and why. */
export interface MissingIdentifiers {
  readonly employeeId: string;
  readonly name: string;
  readonly missing: readonly EmployeeIdentifier[];
}

/** An employee whose identifier the program would refuse. */
export interface InvalidIdentifier {
  readonly employeeId: string;
  readonly name: string;
  readonly reason: string;
}

/**
 * The employees that lack an identifier the formatter requires: an export names them for
 * the customer to fix rather than writing a file the payroll program would reject.
 */
export function findMissingIdentifiers(
  formatter: Pick<PayrollFormatter, "requires">,
  employees: Iterable<PayrollEmployeeIdentity>,
): MissingIdentifiers[] {
  const out: MissingIdentifiers[] = [];
  for (const employee of employees) {
    const missing = formatter.requires.filter((id) => {
      const value = employee[FIELD[id]];
      return typeof value !== "string" || value.trim() === "";
    });
    if (missing.length > 0) out.push({ employeeId: employee.id, name: employee.name, missing });
  }
  return out;
}

/**
 * The employees (having every required identifier) whose identifiers the program would refuse,
 * with the export's resolved options (see `resolveOptions`).
 */
export function findInvalidIdentifiers(
  formatter: Pick<PayrollFormatter, "invalidIdentifier">,
  employees: Iterable<PayrollEmployeeIdentity>,
  options: ExportOptions = {},
): InvalidIdentifier[] {
  const out: InvalidIdentifier[] = [];
  if (!formatter.invalidIdentifier) return out;
  for (const employee of employees) {
    const reason = formatter.invalidIdentifier(employee, options);
    if (reason !== null) out.push({ employeeId: employee.id, name: employee.name, reason });
  }
  return out;
}

/**
 * The options in effect for an export: the caller's over the format's defaults. Throws a
 * `TypeError` naming an option the format does not accept, or one its `validateOptions` refuses.
 */
export function resolveOptions(formatter: PayrollFormatter, options: ExportOptions = {}): ExportOptions {
  for (const name of Object.keys(options)) {
    if (!formatter.acceptedOptions.includes(name as ExportOptionName)) {
      throw new TypeError(`The ${formatter.id} format does not accept the option "${name}".`);
    }
  }
  const resolved: ExportOptions = { ...formatter.defaultOptions, ...options };
  formatter.validateOptions?.(resolved);
  return resolved;
}
