import { type ComplianceFinding, checkCompliance, complianceHistoryStart, type LabourRules } from "@timecard/payroll";
import type { components } from "@timecard/sdk";
import type { FastifyBaseLogger } from "fastify";
import { forbidden, invalidState, notFound } from "../errors.js";
import { decodeTimeCursor, newestFirstAfter, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { ComplianceAlertRow, OrganizationRow } from "../storage/schema.js";
import { type Db, type DomainContext, inTransaction } from "./actor.js";
import { recordChange } from "./audit.js";
import { recordEvent } from "./events.js";
import { addDays, localDate } from "./leave/working-days.js";
import { labourRulesOf, loadOrganization, loadSessions, toWorkSessions } from "./reports.js";
import { assertRange, listScope, maySeeEmployee } from "./sessions.js";

type ComplianceAlert = components["schemas"]["ComplianceAlert"];
type OvertimeWarning = components["schemas"]["OvertimeWarning"];

/** The API shape of a compliance alert. */
export function toComplianceAlert(row: ComplianceAlertRow): ComplianceAlert {
  return {
    id: row.id,
    organization_id: row.organization_id,
    employee_id: row.employee_id,
    kind: row.kind as ComplianceAlert["kind"],
    severity: row.severity,
    rule: row.rule,
    country: row.country,
    period_start: row.period_start.toISOString(),
    period_end: row.period_end.toISOString(),
    details: row.details,
    message: row.message,
    session_ids: row.session_ids,
    created_at: row.created_at.toISOString(),
    acknowledged_at: row.acknowledged_at?.toISOString() ?? null,
    acknowledged_by: row.acknowledged_by,
  };
}

// ---------------------------------------------------------------------------------------------
// The check

/**
 * Inside the caller's transaction (a session of `employeeId` was stopped, created, changed or
 * deleted; `around` is the earliest start of the work that changed): runs the labour engine's
 * `checkCompliance` over the employee's completed, not rejected sessions and stores each finding
 * that is new (see `checkEmployeeCompliance`), in the same transaction and outbox as the change
 * itself. Answers the alerts created.
 */
export function runComplianceCheck(tx: DomainContext, employeeId: string, around: Date): Promise<ComplianceAlert[]> {
  return checkEmployeeCompliance(tx.db, {
    organizationId: tx.actor.organizationId,
    employeeId,
    around,
    now: tx.now(),
  });
}

/**
 * How far before the earliest start a change touches the findings are derived again: its week
 * (7 days) and the 24-hour period of the day before, which reaches into that week's first day
 * (PL Kodeks pracy art. 132 § 1 and 133 § 1, CZ zákoník práce § 90 and § 92). Every period whose
 * finding a session can cause or change (its 24-hour periods, its Monday–Sunday week, its
 * settlement period and year) ends after the session starts, so none ends before this margin.
 */
const RECHECK_MARGIN_MS = 8 * 24 * 3600 * 1000;

/**
 * Checks one employee's work at `now` (in the caller's transaction, if `db` is one) and stores
 * each finding not stored yet: one row per employee and finding `key`, so a finding seen again
 * is not raised again. A new `violation` emits `compliance.violation`; a new overtime finding
 * emits `overtime.warning` with its `OvertimeWarning` data.
 *
 * Only findings about periods that end after `around` less a week and a day are derived (the
 * engine's `from`, see `RECHECK_MARGIN_MS`): `around` is the earliest start of the work that
 * changed. The history read is what the engine asks for (`complianceHistoryStart`): from a week
 * before 1 January of the year of `from`, for the yearly overtime of PL Kodeks pracy art. 151
 * § 3 / CZ zákoník práce § 93, the settlement period of PL art. 131 / CZ § 93 odst. 4 and rest
 * across New Year (PL art. 132–133, CZ § 90 and § 92), up to now.
 */
export async function checkEmployeeCompliance(
  db: Db,
  check: { organizationId: string; employeeId: string; around: Date; now: Date },
): Promise<ComplianceAlert[]> {
  const org = await loadOrganization(db, check.organizationId);
  return checkWithRules(db, org, labourRulesOf(org), check);
}

/** `checkEmployeeCompliance` with the organization and its rules already loaded. */
async function checkWithRules(
  db: Db,
  org: Pick<OrganizationRow, "id" | "time_zone">,
  rules: LabourRules,
  check: { employeeId: string; around: Date; now: Date },
): Promise<ComplianceAlert[]> {
  const employee = await db
    .selectFrom("employees")
    .select(["id", "name"])
    .where("organization_id", "=", org.id)
    .where("id", "=", check.employeeId)
    .executeTakeFirst();
  if (!employee) return [];
  const from = new Date(check.around.getTime() - RECHECK_MARGIN_MS);
  const window = {
    from: complianceHistoryStart(localDate(from, org.time_zone)),
    to: addDays(localDate(check.now, org.time_zone), 1),
  };
  const sessions = await loadSessions(db, org.id, [employee.id], window, "not_rejected");
  const findings = checkCompliance({
    employee: { id: employee.id, name: employee.name },
    sessions: toWorkSessions(sessions),
    rules,
    now: check.now,
    from,
  });
  return storeFindings(db, org.id, employee.id, findings, check.now);
}

/** Stores the findings not stored yet (one multi-row insert), and emits the events of those only. */
async function storeFindings(
  db: Db,
  organizationId: string,
  employeeId: string,
  findings: readonly ComplianceFinding[],
  now: Date,
): Promise<ComplianceAlert[]> {
  if (findings.length === 0) return [];
  const rows = await db
    .insertInto("compliance_alerts")
    .values(
      findings.map((finding) => ({
        id: newId("alr", now),
        organization_id: organizationId,
        employee_id: employeeId,
        key: finding.key,
        kind: finding.kind,
        severity: finding.severity,
        rule: finding.rule,
        country: finding.country,
        period_start: finding.periodStart,
        period_end: finding.periodEnd,
        details: JSON.stringify(finding.details),
        message: finding.message,
        session_ids: JSON.stringify(finding.sessionIds),
        created_at: now,
        acknowledged_at: null,
        acknowledged_by: null,
      })),
    )
    .onConflict((oc) => oc.columns(["organization_id", "employee_id", "key"]).doNothing())
    .returningAll()
    .execute();
  const stored = new Map(rows.map((row) => [row.key, row]));
  const created: ComplianceAlert[] = [];
  // In the engine's order (by period, then kind), whatever order the rows came back in.
  for (const finding of findings) {
    const row = stored.get(finding.key);
    if (!row) continue;
    const alert = toComplianceAlert(row);
    created.push(alert);
    if (alert.severity === "violation") {
      await recordEvent(db, {
        organizationId,
        type: "compliance.violation",
        data: alert,
        employeeId,
        resourceIds: [alert.id, employeeId, ...alert.session_ids],
        now,
      });
    }
    const warning: OvertimeWarning | null = finding.overtimeWarning;
    if (warning) {
      await recordEvent(db, {
        organizationId,
        type: "overtime.warning",
        data: { ...warning },
        employeeId,
        resourceIds: [employeeId, alert.id],
        now,
      });
    }
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// The daily check

/** Days after which a session can no longer close a period the engine judges (a week, and a day of margin). */
const SWEEP_LOOKBACK_DAYS = 8;
const DAY_MS = 24 * 3600 * 1000;

/** What the daily check works with. */
export interface ComplianceSweeperOptions {
  readonly db: Db;
  /** The clock (tests move it). */
  readonly now: () => Date;
  readonly log: FastifyBaseLogger;
  /** The UTC hour at which the check runs each day (default 1: after midnight in Warsaw and Prague). */
  readonly hourUtc?: number;
}

/**
 * The once-a-day compliance check of the spec's *Compliance*: rest is judged only once its
 * period is over (PL art. 132–133, CZ § 90 and § 92), which may be long after the last session
 * changed, so every employee with work in the last week is checked again each day. Alerts are
 * stored once per key, so several processes checking the same day raise each alert once.
 */
export interface ComplianceSweeper {
  /** Schedules the check every day at `hourUtc`. */
  start(): void;
  /** Cancels the schedule and waits for a check in progress. */
  stop(): Promise<void>;
  /** Checks now (one organization's employees, or every organization's); resolves to the alerts created. */
  runOnce(options?: { organizationId?: string }): Promise<number>;
}

/**
 * A daily compliance check on `options.db`. Nothing runs until `start()` (`createApp` starts
 * it when the app is ready unless `TIMECARD_COMPLIANCE_DAILY_CHECK=false`).
 *
 * @example
 * ```ts
 * const sweeper = createComplianceSweeper({ db: storage.db, now: () => new Date(), log });
 * sweeper.start();
 * ```
 */
export function createComplianceSweeper(options: ComplianceSweeperOptions): ComplianceSweeper {
  const { db, now, log } = options;
  const hour = options.hourUtc ?? 1;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function sweep(organizationId?: string): Promise<number> {
    const at = now();
    let q = db
      .selectFrom("sessions")
      .select(["organization_id", "employee_id"])
      .distinct()
      .where("ended_at", ">", new Date(at.getTime() - SWEEP_LOOKBACK_DAYS * DAY_MS))
      .where("approval_status", "!=", "rejected");
    if (organizationId !== undefined) q = q.where("organization_id", "=", organizationId);
    const employees = await q.orderBy("organization_id").orderBy("employee_id").execute();
    let created = 0;
    let org: { row: OrganizationRow; rules: LabourRules } | null = null;
    for (const e of employees) {
      // One transaction per employee: alerts and their events commit together, and one
      // employee's failure does not stop the others' check. The organization and its rules are
      // read once for all its employees (they come ordered by organization).
      try {
        if (org?.row.id !== e.organization_id) {
          const row = await loadOrganization(db, e.organization_id);
          org = { row, rules: labourRulesOf(row) };
        }
        const { row, rules } = org;
        const alerts = await db
          .transaction()
          .execute((trx) => checkWithRules(trx, row, rules, { employeeId: e.employee_id, around: at, now: at }));
        created += alerts.length;
      } catch (error) {
        log.error({ err: error, employee: e.employee_id }, "compliance check failed for an employee");
      }
    }
    return created;
  }

  function runOnce(runOptions: { organizationId?: string } = {}): Promise<number> {
    const current = (running ?? Promise.resolve(0)).catch(() => 0).then(() => sweep(runOptions.organizationId));
    running = current;
    return current.finally(() => {
      if (running === current) running = null;
    });
  }

  function schedule(): void {
    const at = now();
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), hour));
    if (next.getTime() <= at.getTime()) next.setUTCDate(next.getUTCDate() + 1);
    timer = setTimeout(() => {
      runOnce().then(
        (created) => log.info({ created }, "daily compliance check done"),
        (error: unknown) => log.error({ err: error }, "daily compliance check failed"),
      );
      schedule();
    }, next.getTime() - at.getTime());
    timer.unref();
  }

  return {
    start() {
      if (!timer) schedule();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => {});
    },
    runOnce,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading and acknowledging

/** The alert with this id that the caller may see, or a 404 problem. */
async function findAlert(ctx: DomainContext, id: string, forUpdate = false): Promise<ComplianceAlertRow> {
  let q = ctx.db
    .selectFrom("compliance_alerts")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !(await maySeeEmployee(ctx, row.employee_id))) throw notFound("compliance alert", id);
  return row;
}

/** `GET /v1/compliance-alerts/{id}`: employees their own, managers theirs and their reports', admins any. */
export async function getComplianceAlert(ctx: DomainContext, id: string): Promise<ComplianceAlert> {
  return toComplianceAlert(await findAlert(ctx, id));
}

/** `GET /v1/compliance-alerts`: the alerts the caller may see, newest first. */
export async function listComplianceAlerts(
  ctx: DomainContext,
  query: {
    limit?: number;
    cursor?: string;
    employee_id?: string;
    kind?: ComplianceAlert["kind"];
    severity?: ComplianceAlert["severity"];
    from?: string;
    to?: string;
    acknowledged?: boolean;
  },
): Promise<Page<ComplianceAlert>> {
  const limit = query.limit ?? 25;
  assertRange(query.from, query.to);
  const after = decodeTimeCursor(query.cursor);
  const scope = await listScope(ctx, query.employee_id);
  if (scope !== null && scope.length === 0) return { data: [], has_more: false, next_cursor: null };
  let q = ctx.db.selectFrom("compliance_alerts").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (scope !== null) q = q.where("employee_id", "in", scope);
  if (query.kind) q = q.where("kind", "=", query.kind);
  if (query.severity) q = q.where("severity", "=", query.severity);
  if (query.from) q = q.where("period_start", ">=", new Date(query.from));
  if (query.to) q = q.where("period_start", "<", new Date(query.to));
  if (query.acknowledged === true) q = q.where("acknowledged_at", "is not", null);
  if (query.acknowledged === false) q = q.where("acknowledged_at", "is", null);
  if (after) q = q.where(newestFirstAfter(after));
  const rows = await q
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.id], toComplianceAlert);
}

/**
 * `POST /v1/compliance-alerts/{id}/acknowledge`: managers their reports' alerts (403 for their
 * own), admins any; `409 invalid_state` when already acknowledged. Audited; emits no event.
 */
export async function acknowledgeComplianceAlert(ctx: DomainContext, id: string): Promise<ComplianceAlert> {
  return inTransaction(ctx, async (tx) => {
    const row = await findAlert(tx, id, true);
    if (tx.actor.role !== "admin" && row.employee_id === tx.actor.employeeId) {
      throw forbidden("Managers acknowledge their reports' alerts, not their own; an admin acknowledges those.");
    }
    if (row.acknowledged_at !== null) {
      throw invalidState(`Compliance alert ${id} was already acknowledged by ${row.acknowledged_by}.`);
    }
    const now = tx.now();
    const updated = await tx.db
      .updateTable("compliance_alerts")
      .set({ acknowledged_at: now, acknowledged_by: tx.actor.employeeId })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, {
      action: "compliance_alert.acknowledged",
      resourceType: "compliance_alert",
      resourceId: row.id,
      changes: {
        acknowledged_at: { from: null, to: now.toISOString() },
        acknowledged_by: { from: null, to: tx.actor.employeeId },
      },
    });
    return toComplianceAlert(updated);
  });
}
