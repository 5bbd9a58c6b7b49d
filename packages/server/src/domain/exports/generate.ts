import { createHash } from "node:crypto";
import {
  type ExportOptions,
  findInvalidIdentifiers,
  findMissingIdentifiers,
  type PayrollEmployee,
  type PayrollEmployeeIdentity,
  type PayrollFormatter,
  type PayrollSession,
  startOfLocalDay,
  type WorkPiece,
} from "@timecard/payroll";
import type { ExportError, ExportRow } from "../../storage/schema.js";
import type { Db } from "../actor.js";
import { addDays } from "../leave/working-days.js";
import {
  type DayRange,
  EMPLOYEE_PAGE,
  labourRulesOf,
  loadLeaveDays,
  loadOrganization,
  loadSessions,
  piecesInRange,
  workNames,
} from "../reports.js";

/** What generating an export came to: a file, or the employees to fix. */
export type Generated =
  | {
      readonly status: "completed";
      readonly bytes: Buffer;
      readonly sha256: string;
      readonly filename: string;
      readonly mediaType: string;
      readonly charset: string | null;
    }
  | { readonly status: "failed"; readonly error: ExportError };

/** Called as employees are written: the percent done (0–99). Throws to abort. */
export type ProgressHook = (percent: number) => Promise<void>;

const IDENTIFIER_NAMES = { payroll_number: "payroll number", clock_card_number: "clock card number" } as const;
const MAX_MESSAGE = 1000;

/** The local days of a `YYYY-MM` month. */
export function monthRange(month: string): DayRange {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

/**
 * Writes an export's file: its employees' identifiers are checked first (a file the payroll
 * program would refuse is not written); then employees stream through the formatter a page at
 * a time (sessions, pieces and leave of `EMPLOYEE_PAGE` employees in memory, never the whole
 * organization's), with `progress` called after each page. Only approved, completed sessions
 * count, split by the same engine as the hours report.
 */
export async function generateExport(
  db: Db,
  job: Pick<ExportRow, "organization_id" | "format" | "month" | "employee_ids" | "options">,
  formatter: PayrollFormatter,
  progress: ProgressHook,
  now: Date,
): Promise<Generated> {
  const org = await loadOrganization(db, job.organization_id);
  const rules = labourRulesOf(org);
  const range = monthRange(job.month);
  const identities = await exportedEmployees(db, org.id, job.employee_ids, range, org.time_zone);

  const missing = findMissingIdentifiers(formatter, identities);
  if (missing.length > 0) {
    const fields = [...new Set(missing.flatMap((m) => m.missing))];
    const names = fields.map((f) => IDENTIFIER_NAMES[f]).join(" or ");
    const count = missing.length === 1 ? "1 employee has" : `${missing.length} employees have`;
    return failed(
      "missing_identifiers",
      `${count} no ${names}, which the ${formatter.name} format needs. Set ${fields.join(" and ")} and create the export again.`,
      missing.map((m) => m.employeeId),
    );
  }
  const invalid = findInvalidIdentifiers(formatter, identities, job.options as ExportOptions);
  if (invalid.length > 0) {
    const count =
      invalid.length === 1 ? "1 employee has an identifier" : `${invalid.length} employees have identifiers`;
    const reasons = invalid.map((i) => `${i.name}: ${i.reason}`).join("; ");
    return failed(
      "invalid_identifiers",
      `${count} that ${formatter.program} refuses (${reasons}). Fix them and create the export again.`,
      invalid.map((i) => i.employeeId),
    );
  }

  async function* employees(): AsyncGenerator<PayrollEmployee> {
    for (let i = 0; i < identities.length; i += EMPLOYEE_PAGE) {
      const page = identities.slice(i, i + EMPLOYEE_PAGE);
      yield* await monthOf(db, org.id, page, range, rules);
      await progress(Math.min(99, Math.floor(((i + page.length) * 100) / Math.max(1, identities.length))));
    }
  }

  const output = formatter.format({
    month: job.month,
    organization: { id: org.id, name: org.name, country: org.country, timeZone: org.time_zone },
    rules,
    employees: employees(),
    options: job.options as ExportOptions,
    generatedAt: now,
  });
  const chunks: Uint8Array[] = [];
  if (output instanceof Uint8Array) chunks.push(output);
  else {
    for await (const chunk of output) chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const encoding = (job.options as ExportOptions).encoding ?? formatter.encoding;
  return {
    status: "completed",
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    filename: `timecard-${job.month}-${formatter.id}.${formatter.fileExtension}`,
    mediaType: formatter.mediaType,
    charset: formatter.mediaType.startsWith("application/vnd.") ? null : encoding,
  };
}

function failed(code: ExportError["code"], message: string, employeeIds: string[]): Generated {
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  return { status: "failed", error: { code, message: text, employee_ids: employeeIds } };
}

/**
 * Who is exported: `employee_ids`, or every employee with approved work or approved leave on
 * the month's local days; sorted by payroll number (those without one last), then name.
 */
async function exportedEmployees(
  db: Db,
  organizationId: string,
  employeeIds: readonly string[] | null,
  range: DayRange,
  timeZone: string,
): Promise<PayrollEmployeeIdentity[]> {
  let q = db
    .selectFrom("employees")
    .select(["id", "name", "payroll_number", "clock_card_number"])
    .where("organization_id", "=", organizationId);
  if (employeeIds !== null) {
    if (employeeIds.length === 0) return [];
    q = q.where("id", "in", [...employeeIds]);
  } else {
    const start = startOfLocalDay(range.from, timeZone);
    const end = startOfLocalDay(addDays(range.to, 1), timeZone);
    q = q.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom("sessions")
            .select("sessions.id")
            .whereRef("sessions.employee_id", "=", "employees.id")
            .where("sessions.approval_status", "=", "approved")
            .where("sessions.ended_at", ">", start)
            .where("sessions.started_at", "<", end),
        ),
        eb.exists(
          eb
            .selectFrom("leave_requests")
            .select("leave_requests.id")
            .whereRef("leave_requests.employee_id", "=", "employees.id")
            .where("leave_requests.status", "=", "approved")
            .where("leave_requests.start_date", "<=", range.to)
            .where("leave_requests.end_date", ">=", range.from),
        ),
      ]),
    );
  }
  const rows = await q
    .orderBy("payroll_number", (ob) => ob.asc().nullsLast())
    .orderBy("name")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    payrollNumber: row.payroll_number,
    clockCardNumber: row.clock_card_number,
  }));
}

/** The month of one page of employees: their approved sessions, pieces and leave. */
async function monthOf(
  db: Db,
  organizationId: string,
  page: readonly PayrollEmployeeIdentity[],
  range: DayRange,
  rules: ReturnType<typeof labourRulesOf>,
): Promise<PayrollEmployee[]> {
  const ids = page.map((e) => e.id);
  const sessions = await loadSessions(db, organizationId, ids, range, "approved");
  const pieces = piecesInRange(sessions, rules, range);
  const leave = await loadLeaveDays(db, organizationId, ids, range, rules);
  const projectNames = await workNames(
    db,
    organizationId,
    "projects",
    sessions.flatMap((s) => (s.project_id ? [s.project_id] : [])),
  );
  const taskNames = await workNames(
    db,
    organizationId,
    "tasks",
    sessions.flatMap((s) => (s.task_id ? [s.task_id] : [])),
  );
  const inMonth = new Set(pieces.map((p) => p.sessionId));
  const piecesOf = group(pieces, (p) => p.employeeId);
  const leaveOf = group(leave, (d) => d.employeeId);
  const sessionsOf = group(
    sessions.filter((s) => inMonth.has(s.id)),
    (s) => s.employee_id,
  );
  return page.map((identity) => ({
    ...identity,
    sessions: (sessionsOf.get(identity.id) ?? []).map(
      (s): PayrollSession => ({
        id: s.id,
        projectId: s.project_id,
        projectName: s.project_id ? (projectNames.get(s.project_id) ?? null) : null,
        taskId: s.task_id,
        taskName: s.task_id ? (taskNames.get(s.task_id) ?? null) : null,
        startedAt: s.started_at,
        endedAt: s.ended_at as Date,
        note: s.note,
      }),
    ),
    pieces: (piecesOf.get(identity.id) ?? []) as WorkPiece[],
    leave: (leaveOf.get(identity.id) ?? []).sort((a, b) => a.date.localeCompare(b.date)),
  }));
}

function group<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}
