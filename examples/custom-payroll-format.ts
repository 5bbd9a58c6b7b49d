// A payroll format of your own, for a program Timecard does not ship (here: a partner's
// "hours per employee and project" file). The month's data comes from the API with the SDK, the
// labour engine of @timecard/payroll splits it exactly as Timecard's reports and exports do, and
// your `PayrollFormatter` writes the bytes.
//
// Run against the sandbox:
//   TIMECARD_BASE_URL=http://127.0.0.1:4010 TIMECARD_API_KEY=tc_test_… npx tsx examples/custom-payroll-format.ts 2026-10 > hours.csv
import {
  defaultLabourRules,
  encodeText,
  findMissingIdentifiers,
  type LabourRules,
  type PayrollEmployee,
  type PayrollExportInput,
  type PayrollFormatter,
  resolveOptions,
  splitWork,
  sumHours,
} from "@timecard/payroll";
import { createTimecard } from "@timecard/sdk";

/** Hours per employee and project, `;`-separated with a decimal comma, windows-1250, CRLF. */
export const hoursPerProject: PayrollFormatter = {
  id: "partner-hours-per-project",
  name: "Hours per employee and project (our payroll partner)",
  program: "Our payroll partner's import",
  countries: ["PL", "CZ"],
  fileKind: "csv",
  fileExtension: "csv",
  mediaType: "text/csv",
  encoding: "windows-1250",
  compatibility: "custom",
  compatibilityNote: "Agreed with our payroll partner in 2026.",
  requires: ["payroll_number"],
  acceptedOptions: [],
  defaultLineLayout: null,
  columnsConfigurable: false,
  async *format(input) {
    const hours = (seconds: number) => (seconds / 3600).toFixed(2).replace(".", ",");
    yield encodeText("payroll_number;project;worked;overtime;night\r\n", "windows-1250");
    for await (const employee of input.employees) {
      // Group the engine's pieces by project: every figure is a sum of pieces, as in the reports.
      const byProject = new Map<string, (typeof employee.pieces)[number][]>();
      for (const piece of employee.pieces) {
        const key = piece.projectId ?? "none";
        byProject.set(key, [...(byProject.get(key) ?? []), piece]);
      }
      let lines = "";
      for (const [project, pieces] of byProject) {
        const split = sumHours(pieces);
        lines += `${employee.payrollNumber};${project};${hours(split.workedSeconds)};${hours(split.overtimeSeconds)};${hours(split.nightSeconds)}\r\n`;
      }
      // A character that windows-1250 lacks becomes "?" rather than failing the file.
      yield encodeText(lines, "windows-1250", "?");
    }
  },
};

/** The organization's rules: its own settings over the country's defaults. */
function rulesOf(org: Awaited<ReturnType<ReturnType<typeof createTimecard>["organization"]["get"]>>): LabourRules {
  return {
    ...defaultLabourRules(org.country, org.time_zone),
    dailyHoursNorm: org.daily_hours_norm,
    weeklyHoursNorm: org.weekly_hours_norm,
    settlementPeriodMonths: org.settlement_period_months,
    nightStart: org.night_start,
    nightEnd: org.night_end,
  };
}

/**
 * Writes `month` (`YYYY-MM`) of the organization behind `apiKey` in `formatter`. Only completed,
 * approved sessions count, as in Timecard's own exports.
 */
export async function exportMonth(options: {
  baseUrl: string;
  apiKey: string;
  month: string;
  formatter: PayrollFormatter;
}): Promise<Uint8Array> {
  const timecard = createTimecard({ baseUrl: options.baseUrl, apiKey: options.apiKey });
  const org = await timecard.organization.get();
  const rules = rulesOf(org);
  const [year, month] = options.month.split("-").map(Number) as [number, number];
  // A little beyond the month on both sides (time zones); the engine keeps the month's local days.
  const from = new Date(Date.UTC(year, month - 1, 1) - 86_400_000).toISOString();
  const to = new Date(Date.UTC(year, month, 1) + 86_400_000).toISOString();

  // The month's approved sessions of everyone, in one paginated list, by employee.
  const byEmployee = new Map<string, PayrollEmployee["sessions"][number][]>();
  for await (const s of timecard.sessions.list({
    from,
    to,
    status: "completed",
    approval_status: "approved",
    limit: 100,
  })) {
    if (!s.ended_at) continue;
    byEmployee.set(s.employee_id, [
      ...(byEmployee.get(s.employee_id) ?? []),
      {
        id: s.id,
        projectId: s.project_id,
        projectName: null,
        taskId: s.task_id,
        taskName: null,
        startedAt: new Date(s.started_at),
        endedAt: new Date(s.ended_at),
        note: s.note,
      },
    ]);
  }

  const employees: PayrollEmployee[] = [];
  for await (const employee of timecard.employees.list({ status: "active" })) {
    const sessions = (byEmployee.get(employee.id) ?? []).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const pieces = splitWork(
      sessions.map((s) => ({ ...s, employeeId: employee.id })),
      rules,
    ).filter((p) => p.date.startsWith(options.month));
    if (pieces.length === 0) continue;
    employees.push({
      id: employee.id,
      name: employee.name,
      payrollNumber: employee.payroll_number ?? null,
      clockCardNumber: employee.clock_card_number ?? null,
      sessions,
      pieces,
      leave: [],
    });
  }

  const missing = findMissingIdentifiers(options.formatter, employees);
  if (missing.length > 0) {
    throw new Error(`Set a payroll number for: ${missing.map((m) => `${m.name} (${m.employeeId})`).join(", ")}`);
  }
  const input: PayrollExportInput = {
    month: options.month,
    organization: { id: org.id, name: org.name, country: org.country, timeZone: org.time_zone },
    rules,
    employees,
    options: resolveOptions(options.formatter),
    generatedAt: new Date(),
  };
  const output = options.formatter.format(input);
  if (output instanceof Uint8Array) return output;
  const chunks: Uint8Array[] = [];
  for await (const chunk of output) chunks.push(chunk);
  return Buffer.concat(chunks);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bytes = await exportMonth({
    baseUrl: process.env.TIMECARD_BASE_URL ?? "http://127.0.0.1:4010",
    apiKey: process.env.TIMECARD_API_KEY ?? "",
    month: process.argv[2] ?? "2026-10",
    formatter: hoursPerProject,
  });
  process.stdout.write(bytes);
}
