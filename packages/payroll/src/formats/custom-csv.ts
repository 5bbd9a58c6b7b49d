// Timecard's own CSV: the columns, rows, separators and encoding the customer chooses. No payroll
// program defines it; it feeds the customer's own import or a spreadsheet.
//
// Decisions, as the API documents them to customers:
// - Default columns (for the default `employee_day` rows): payroll_number, employee_name, date,
//   worked_hours, regular_hours, overtime_hours, night_hours, sunday_holiday_hours, leave_days.
// - Hours are decimal hours rounded to hundredths (`7,25`), summed from the month's pieces, so
//   they equal the hours report. `leave_days` counts every type of approved leave.
// - Rows: `employee_month` one per employee, `employee_day` one per employee and day with work or
//   leave, `session` one per session with a piece in the month (its hours are the month's part
//   only; its `date` is the local date it started). With a project column (`project_id`,
//   `project_name`) month and day rows are also split by project, with a task column by task;
//   leave goes on the row without a project or task. Columns that do not apply to a row are empty
//   (`date` on month rows, `session_id`, `started_at`, `ended_at` and `note` on all but session
//   rows, `leave_days` on session rows).
// - `started_at` and `ended_at` are ISO 8601 in the organization's time zone with the offset.
// - Fields holding the delimiter, a quote, CR or LF are quoted (RFC 4180 § 2.6–2.7).
// - Spreadsheet formula injection (OWASP "CSV injection"): a text field starting with `=`, `+`,
//   `-`, `@`, tab or CR gets a leading apostrophe, which spreadsheets show as text and do not run.
//   Numbers are written by Timecard and never touched.
// - windows-1250: a character the code page lacks (an emoji in a name, a note in Cyrillic) is
//   written as `?`; an identifier (employee id, payroll or clock card number) with such a
//   character fails the export instead, since a changed identifier would match nobody.

import { UTF8_BOM } from "../encoding.js";
import {
  CSV_DELIMITERS,
  EXPORT_COLUMNS,
  EXPORT_ROWS,
  type ExportColumn,
  type ExportOptions,
  type PayrollEmployee,
  type PayrollExportInput,
  type PayrollFormatter,
  type PayrollSession,
} from "../formatter.js";
import { sumHours } from "../labour/split-work.js";
import type { HoursSplit, WorkPiece } from "../labour/types.js";
import { localDateOf } from "../labour/zoned-time.js";
import { zonedIso } from "./clock-events.js";
import {
  assertEncodable,
  type CsvCell,
  type CsvDialect,
  concatBytes,
  csvLine,
  encodeCsv,
  formatDays,
  formatHours,
  num,
  validateEncodingOptions,
} from "./csv.js";

/** The columns written when `options.columns` is not given. */
export const DEFAULT_COLUMNS: readonly ExportColumn[] = [
  "payroll_number",
  "employee_name",
  "date",
  "worked_hours",
  "regular_hours",
  "overtime_hours",
  "night_hours",
  "sunday_holiday_hours",
  "leave_days",
];

const DEFAULTS = {
  columns: DEFAULT_COLUMNS,
  rows: "employee_day",
  delimiter: ";",
  decimal_separator: ",",
  encoding: "utf-8",
  bom: false,
} as const satisfies ExportOptions;

const IDENTIFIER_COLUMNS: ReadonlySet<ExportColumn> = new Set(["employee_id", "payroll_number", "clock_card_number"]);

/** One row before it is written: a group of pieces and leave days. */
interface Group {
  date: string | null;
  projectId: string | null;
  taskId: string | null;
  session: PayrollSession | null;
  pieces: WorkPiece[];
  leaveDays: number;
}

/**
 * CSV with chosen columns: per employee and month, day or session, with the delimiter, decimal
 * separator and encoding in `options`.
 *
 * @example
 * ```ts
 * import { createDefaultRegistry, resolveOptions } from "@timecard/payroll";
 * const customCsv = createDefaultRegistry().get("custom-csv")!;
 * const options = resolveOptions(customCsv, {
 *   columns: ["payroll_number", "employee_name", "date", "worked_hours"],
 *   rows: "employee_day",
 *   delimiter: ",",
 *   decimal_separator: ".",
 * });
 * for await (const chunk of customCsv.format({ ...input, options })) file.write(chunk);
 * // payroll_number,employee_name,date,worked_hours\r\n00042,Jiří Příliš,2026-10-01,10.5\r\n…
 * ```
 */
export const customCsv: PayrollFormatter = {
  id: "custom-csv",
  name: "CSV with chosen columns",
  program: "Any program or spreadsheet",
  countries: ["CZ", "PL"],
  fileKind: "csv",
  fileExtension: "csv",
  mediaType: "text/csv",
  encoding: "utf-8",
  compatibility: "custom",
  compatibilityNote:
    "Timecard's own CSV with the columns, rows, separators and encoding you choose in options; no payroll program defines it. Use it to feed your own import or a spreadsheet. Identifier columns are empty for employees who lack the identifier.",
  requires: [],
  acceptedOptions: ["columns", "rows", "delimiter", "decimal_separator", "encoding", "bom"],
  defaultOptions: DEFAULTS,
  defaultLineLayout: null,
  columnsConfigurable: true,
  validateOptions(options: ExportOptions) {
    const o = { ...DEFAULTS, ...options };
    if (!Array.isArray(o.columns) || o.columns.length === 0) {
      throw new TypeError("The custom-csv option columns must list at least one column.");
    }
    for (const column of o.columns) {
      if (!EXPORT_COLUMNS.includes(column)) throw new TypeError(`custom-csv has no column "${column}".`);
    }
    if (new Set(o.columns).size !== o.columns.length) throw new TypeError("custom-csv columns must not repeat.");
    if (!EXPORT_ROWS.includes(o.rows)) throw new TypeError(`custom-csv rows must be one of ${EXPORT_ROWS.join(", ")}.`);
    if (!CSV_DELIMITERS.includes(o.delimiter))
      throw new TypeError("custom-csv delimiter must be ';', ',', tab or '|'.");
    if (o.decimal_separator !== "," && o.decimal_separator !== ".") {
      throw new TypeError("custom-csv decimal_separator must be ',' or '.'.");
    }
    if (o.delimiter === o.decimal_separator) {
      throw new TypeError("custom-csv delimiter and decimal_separator are both ','; choose ';' or '.' for one.");
    }
    validateEncodingOptions("custom-csv", o, "utf-8");
  },
  format(input: PayrollExportInput) {
    return writeCustom(input);
  },
};

async function* writeCustom(input: PayrollExportInput): AsyncGenerator<Uint8Array> {
  const o = { ...DEFAULTS, ...input.options };
  const columns = o.columns;
  const dialect: CsvDialect = { delimiter: o.delimiter, decimalSeparator: o.decimal_separator, encoding: o.encoding };
  const header = encodeCsv(csvLine(columns, dialect, true), dialect.encoding);
  yield o.bom && dialect.encoding === "utf-8" ? concatBytes(UTF8_BOM, header) : header;
  const byProject = columns.includes("project_id") || columns.includes("project_name");
  const byTask = columns.includes("task_id") || columns.includes("task_name");
  for await (const employee of input.employees) {
    for (const column of columns) {
      if (IDENTIFIER_COLUMNS.has(column)) assertEncodable(cellText(employee, column), dialect.encoding);
    }
    const groups = groupRows(employee, o.rows, byProject, byTask, input.organization.timeZone);
    if (groups.length === 0) continue;
    const names = namesOf(employee.sessions);
    let text = "";
    for (const group of groups) {
      const totals = sumHours(group.pieces);
      const cells = columns.map((column) => cell(column, group, totals, employee, names, input, o.rows, dialect));
      text += csvLine(cells, dialect, true);
    }
    yield encodeCsv(text, dialect.encoding);
  }
}

function cellText(employee: PayrollEmployee, column: ExportColumn): string | null {
  if (column === "employee_id") return employee.id;
  if (column === "payroll_number") return employee.payrollNumber;
  if (column === "clock_card_number") return employee.clockCardNumber;
  return null;
}

function namesOf(sessions: readonly PayrollSession[]): Map<string, string | null> {
  const names = new Map<string, string | null>();
  for (const s of sessions) {
    if (s.projectId !== null && !names.has(s.projectId)) names.set(s.projectId, s.projectName);
    if (s.taskId !== null && !names.has(s.taskId)) names.set(s.taskId, s.taskName);
  }
  return names;
}

/** The rows of one employee, in order: by session start, or by date then first appearance. */
function groupRows(
  employee: PayrollEmployee,
  rows: (typeof EXPORT_ROWS)[number],
  byProject: boolean,
  byTask: boolean,
  timeZone: string,
): Group[] {
  if (rows === "session") {
    const bySession = new Map<string, WorkPiece[]>();
    for (const piece of employee.pieces) {
      const list = bySession.get(piece.sessionId);
      if (list) list.push(piece);
      else bySession.set(piece.sessionId, [piece]);
    }
    const sessions = [...employee.sessions].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    return sessions.flatMap((session): Group[] => {
      const pieces = bySession.get(session.id);
      if (!pieces) return [];
      return [
        {
          date: localDateOf(session.startedAt, timeZone),
          projectId: session.projectId,
          taskId: session.taskId,
          session,
          pieces,
          leaveDays: 0,
        },
      ];
    });
  }
  const perDay = rows === "employee_day";
  const groups = new Map<string, Group>();
  const groupFor = (date: string | null, projectId: string | null, taskId: string | null): Group => {
    const p = byProject ? projectId : null;
    const t = byTask ? taskId : null;
    const key = `${date ?? ""}\u0000${p ?? ""}\u0000${t ?? ""}`;
    let group = groups.get(key);
    if (!group) {
      group = { date, projectId: p, taskId: t, session: null, pieces: [], leaveDays: 0 };
      groups.set(key, group);
    }
    return group;
  };
  for (const piece of employee.pieces) {
    groupFor(perDay ? piece.date : null, piece.projectId, piece.taskId).pieces.push(piece);
  }
  for (const day of employee.leave) groupFor(perDay ? day.date : null, null, null).leaveDays += day.days;
  const list = [...groups.values()];
  // Map order is first appearance; a stable sort by date keeps it within a day.
  if (perDay) list.sort((a, b) => (a.date as string).localeCompare(b.date as string));
  return list;
}

function cell(
  column: ExportColumn,
  group: Group,
  totals: HoursSplit,
  employee: PayrollEmployee,
  names: Map<string, string | null>,
  input: PayrollExportInput,
  rows: (typeof EXPORT_ROWS)[number],
  dialect: CsvDialect,
): CsvCell {
  const hours = (key: keyof HoursSplit): CsvCell => num(formatHours(totals[key], dialect.decimalSeparator));
  const session = group.session;
  switch (column) {
    case "employee_id":
      return employee.id;
    case "employee_name":
      return employee.name;
    case "payroll_number":
      return employee.payrollNumber;
    case "clock_card_number":
      return employee.clockCardNumber;
    case "date":
      return group.date;
    case "month":
      return input.month;
    case "project_id":
      return group.projectId;
    case "project_name":
      return group.projectId === null ? null : (names.get(group.projectId) ?? null);
    case "task_id":
      return group.taskId;
    case "task_name":
      return group.taskId === null ? null : (names.get(group.taskId) ?? null);
    case "session_id":
      return session?.id ?? null;
    case "started_at":
      return session ? zonedIso(session.startedAt, input.organization.timeZone) : null;
    case "ended_at":
      return session ? zonedIso(session.endedAt, input.organization.timeZone) : null;
    case "worked_hours":
      return hours("workedSeconds");
    case "regular_hours":
      return hours("regularSeconds");
    case "overtime_hours":
      return hours("overtimeSeconds");
    case "night_hours":
      return hours("nightSeconds");
    case "sunday_holiday_hours":
      return hours("sundayHolidaySeconds");
    case "leave_days":
      return rows === "session" ? null : num(formatDays(group.leaveDays, dialect.decimalSeparator));
    case "sessions":
      return num(String(new Set(group.pieces.map((p) => p.sessionId)).size));
    case "note":
      return session?.note ?? null;
  }
}
