import type { components } from "@timecard/sdk";
import { ApiProblem, type FieldError, forbidden, invalidField, invalidState, notFound } from "../errors.js";
import { decodeTimeCursor, newestFirstAfter, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { EmployeeRow, ProjectRow, SessionRow, TaskRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { runComplianceCheck } from "./compliance.js";
import { isDirectReport } from "./employees.js";
import { recordEvent } from "./events.js";

export type Session = components["schemas"]["Session"];
type SessionCreate = components["schemas"]["SessionCreate"];
type SessionUpdate = components["schemas"]["SessionUpdate"];

/** How far in the past a started session may begin; earlier time is recorded as a manual session. */
const MAX_START_BACKDATE_MS = 10 * 60_000;

/** The API shape of a session; `status` and `duration_seconds` are derived from `ended_at`. */
export function toSession(row: SessionRow): components["schemas"]["Session"] {
  const ended = row.ended_at;
  return {
    id: row.id,
    organization_id: row.organization_id,
    employee_id: row.employee_id,
    project_id: row.project_id,
    task_id: row.task_id,
    status: ended ? "completed" : "running",
    approval_status: row.approval_status,
    started_at: row.started_at.toISOString(),
    ended_at: ended?.toISOString() ?? null,
    duration_seconds: ended ? Math.max(0, Math.floor((ended.getTime() - row.started_at.getTime()) / 1000)) : null,
    billable: row.billable,
    source: row.source as Session["source"],
    note: row.note,
    activity_percent: row.activity_percent,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    approved_by: row.approved_by,
    approved_at: row.approved_at?.toISOString() ?? null,
    rejection_reason: row.rejection_reason,
  };
}

// ---------------------------------------------------------------------------------------------
// Who sees what

/** True when the caller may see the sessions and activities of `employeeId`. */
export async function maySeeEmployee(ctx: DomainContext, employeeId: string): Promise<boolean> {
  if (ctx.actor.role === "admin" || employeeId === ctx.actor.employeeId) return true;
  if (ctx.actor.role === "manager") return isDirectReport(ctx, ctx.actor.employeeId, employeeId);
  return false;
}

/** The employees whose sessions and activities the caller sees, or `null` for everyone (admins). */
export async function visibleEmployeeIds(ctx: DomainContext): Promise<string[] | null> {
  if (ctx.actor.role === "admin") return null;
  if (ctx.actor.role === "employee") return [ctx.actor.employeeId];
  const reports = await ctx.db
    .selectFrom("employees")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("manager_id", "=", ctx.actor.employeeId)
    .execute();
  return [ctx.actor.employeeId, ...reports.map((r) => r.id)];
}

/**
 * The employees a list is restricted to: `null` for no restriction, `[]` when the caller
 * filtered on someone they may not see (an empty page, not an error).
 */
export async function listScope(ctx: DomainContext, employeeFilter: string | undefined): Promise<string[] | null> {
  const visible = await visibleEmployeeIds(ctx);
  if (employeeFilter === undefined) return visible;
  if (visible !== null && !visible.includes(employeeFilter)) return [];
  return [employeeFilter];
}

/** The session with this id that the caller may see, or a 404 problem. */
export async function findSession(ctx: DomainContext, id: string): Promise<SessionRow> {
  const row = await ctx.db
    .selectFrom("sessions")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row || !(await maySeeEmployee(ctx, row.employee_id))) throw notFound("session", id);
  return row;
}

/**
 * Locks the employee's row (`FOR NO KEY UPDATE`): every change of an employee's sessions and
 * activities takes this lock first, so checks like "one running session" and "no overlap" cannot
 * race, and locks are always taken employee first, then session (no deadlocks). NO KEY UPDATE
 * rather than UPDATE, so that inserts referencing the employee are not blocked by it.
 */
async function lockEmployee(tx: DomainContext, employeeId: string): Promise<EmployeeRow | undefined> {
  return tx.db
    .selectFrom("employees")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("id", "=", employeeId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/**
 * Inside a transaction: the session the caller may see, locked for a change, with its
 * employee locked first (see `lockEmployee`). 404 when missing or not visible.
 */
export async function lockSessionForWrite(tx: DomainContext, id: string): Promise<SessionRow> {
  const seen = await findSession(tx, id);
  await lockEmployee(tx, seen.employee_id);
  const row = await tx.db
    .selectFrom("sessions")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound("session", id);
  return row;
}

/**
 * The employee the caller acts for (`employee_id`, by default the caller), locked. Employees act
 * only for themselves, managers also for their direct reports, admins for anyone: else 403.
 */
async function actingFor(tx: DomainContext, employeeId: string | undefined): Promise<EmployeeRow> {
  const me = tx.actor.employeeId;
  const targetId = employeeId ?? me;
  if (targetId !== me) {
    if (tx.actor.role === "employee") {
      throw forbidden("Employees record time only for themselves.");
    }
    if (tx.actor.role === "manager" && !(await isDirectReport(tx, me, targetId))) {
      throw forbidden("Managers record time only for themselves and their direct reports.");
    }
  }
  const row = await lockEmployee(tx, targetId);
  if (!row) throw invalidField("body.employee_id", "is not an employee of this organization");
  return row;
}

function assertActive(employee: EmployeeRow) {
  if (employee.status !== "active") {
    throw invalidState(`Employee ${employee.id} is deactivated; no time can be recorded for them.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Project and task

interface Work {
  projectId: string | null;
  taskId: string | null;
  /** The project and task newly referenced, to check that they are open. */
  project: ProjectRow | null;
  task: TaskRow | null;
}

async function findProjectRow(tx: DomainContext, id: string, field: string): Promise<ProjectRow> {
  // FOR SHARE: closing the project (an UPDATE of this row) waits for this session, or this
  // session sees the project closed.
  const row = await tx.db
    .selectFrom("projects")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("id", "=", id)
    .forShare()
    .executeTakeFirst();
  if (!row) throw invalidField(field, "is not a project of this organization");
  return row;
}

async function findTaskRow(tx: DomainContext, id: string, field: string): Promise<TaskRow> {
  const row = await tx.db
    .selectFrom("tasks")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("id", "=", id)
    .forShare()
    .executeTakeFirst();
  if (!row) throw invalidField(field, "is not a task of this organization");
  return row;
}

/** Inserts a new session, pending approval. Billable defaults to the project's setting (no project: not billable). */
function insertSession(
  tx: DomainContext,
  employeeId: string,
  work: Work,
  input: {
    startedAt: Date;
    endedAt: Date | null;
    billable?: boolean;
    source?: string;
    note?: string | null;
    metadata?: Record<string, string>;
  },
  now: Date,
): Promise<SessionRow> {
  return tx.db
    .insertInto("sessions")
    .values({
      id: newId("ses", now),
      organization_id: tx.actor.organizationId,
      employee_id: employeeId,
      project_id: work.projectId,
      task_id: work.taskId,
      started_at: input.startedAt,
      ended_at: input.endedAt,
      billable: input.billable ?? work.project?.billable ?? false,
      source: input.source ?? "api",
      note: input.note ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      approval_status: "pending",
      approved_by: null,
      approved_at: null,
      rejection_reason: null,
      activity_percent: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The project and task of a new session: a task sets the project to its own; with both, the
 * task must belong to the project (422).
 */
async function resolveWork(
  tx: DomainContext,
  projectId: string | null | undefined,
  taskId: string | null | undefined,
): Promise<Work> {
  if (taskId) {
    const task = await findTaskRow(tx, taskId, "body.task_id");
    if (projectId && task.project_id !== projectId) {
      throw invalidField("body.task_id", "does not belong to the project in project_id");
    }
    const project = await findProjectRow(tx, task.project_id, "body.task_id");
    return { projectId: project.id, taskId: task.id, project, task };
  }
  if (projectId) {
    const project = await findProjectRow(tx, projectId, "body.project_id");
    return { projectId: project.id, taskId: null, project, task: null };
  }
  return { projectId: null, taskId: null, project: null, task: null };
}

/** 409 invalid_state when the newly referenced project or task is closed. */
function assertOpen(work: Work) {
  if (work.project && work.project.status !== "open") {
    throw invalidState(`Project ${work.project.id} is closed; no time can be tracked on it.`);
  }
  if (work.task && work.task.status !== "open") {
    throw invalidState(`Task ${work.task.id} is closed; no time can be tracked on it.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Time checks

function parseTime(value: string): Date {
  return new Date(value);
}

/** 409 session_already_running when the employee has a running session. */
async function assertNotRunning(tx: DomainContext, employeeId: string) {
  const running = await tx.db
    .selectFrom("sessions")
    .select("id")
    .where("organization_id", "=", tx.actor.organizationId)
    .where("employee_id", "=", employeeId)
    .where("ended_at", "is", null)
    .executeTakeFirst();
  if (running) {
    throw new ApiProblem(
      409,
      "session_already_running",
      `Employee ${employeeId} already has a running session (${running.id}); stop it first.`,
    );
  }
}

/**
 * 409 session_overlap when [start, end) overlaps another session of the employee; a running
 * session, and an `end` of null, reach to infinity. Touching sessions do not overlap.
 */
async function assertNoOverlap(
  tx: DomainContext,
  employeeId: string,
  start: Date,
  end: Date | null,
  exceptId?: string,
) {
  let q = tx.db
    .selectFrom("sessions")
    .select("id")
    .where("organization_id", "=", tx.actor.organizationId)
    .where("employee_id", "=", employeeId)
    .where((eb) => eb.or([eb("ended_at", "is", null), eb("ended_at", ">", start)]));
  if (end) q = q.where("started_at", "<", end);
  if (exceptId) q = q.where("id", "!=", exceptId);
  const other = await q.executeTakeFirst();
  if (other) {
    throw new ApiProblem(
      409,
      "session_overlap",
      `The session would overlap session ${other.id} of employee ${employeeId}.`,
    );
  }
}

/** Maps a violation of `sessions_one_running` (a race past the check) to the same 409. */
async function guardOneRunning<T>(employeeId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = error as { code?: string; constraint?: string; message?: string };
    if (
      e.code === "23505" &&
      (e.constraint === "sessions_one_running" || e.message?.includes("sessions_one_running"))
    ) {
      throw new ApiProblem(409, "session_already_running", `Employee ${employeeId} already has a running session.`);
    }
    throw error;
  }
}

function resourceIdsOf(row: SessionRow): string[] {
  return [row.id, row.employee_id, row.project_id, row.task_id].filter((id): id is string => id !== null);
}

async function emit(tx: DomainContext, type: string, row: SessionRow, now: Date): Promise<Session> {
  const session = toSession(row);
  await recordEvent(tx.db, {
    organizationId: row.organization_id,
    type,
    data: session,
    employeeId: row.employee_id,
    resourceIds: resourceIdsOf(row),
    now,
  });
  return session;
}

// ---------------------------------------------------------------------------------------------
// Start and stop

/**
 * Starts a running session for `employee_id` (by default the caller); used by
 * `POST /v1/sessions/start` and `POST /v1/tasks/{task_id}/track`. Emits `session.started`.
 */
export async function startSession(
  ctx: DomainContext,
  input: {
    employee_id?: string;
    project_id?: string | null;
    task_id?: string | null;
    note?: string | null;
    billable?: boolean;
    started_at?: string;
    source?: string;
    metadata?: Record<string, string>;
  },
): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const employee = await actingFor(tx, input.employee_id);
    const startedAt = input.started_at === undefined ? now : parseTime(input.started_at);
    if (startedAt.getTime() > now.getTime()) throw invalidField("body.started_at", "must not be in the future");
    if (now.getTime() - startedAt.getTime() > MAX_START_BACKDATE_MS) {
      throw invalidField(
        "body.started_at",
        "must be at most 10 minutes in the past; record earlier time as a manual session",
      );
    }
    const work = await resolveWork(tx, input.project_id, input.task_id);
    assertActive(employee);
    assertOpen(work);
    await assertNotRunning(tx, employee.id);
    await assertNoOverlap(tx, employee.id, startedAt, null);
    const row = await guardOneRunning(employee.id, () =>
      insertSession(tx, employee.id, work, { startedAt, endedAt: null, ...input }, now),
    );
    return emit(tx, "session.started", row, now);
  });
}

/**
 * Stops a running session row at `endedAt` (default now): an explicit time must be after
 * `started_at` and not in the future (422). Emits `session.stopped`.
 */
async function stopRow(
  tx: DomainContext,
  row: SessionRow,
  endedAtText: string | undefined,
  note: string | null | undefined,
): Promise<Session> {
  const now = tx.now();
  let endedAt: Date;
  if (endedAtText === undefined) {
    // A session stopped in the millisecond it started lasts 0 seconds, not less.
    endedAt = now.getTime() < row.started_at.getTime() ? row.started_at : now;
  } else {
    endedAt = parseTime(endedAtText);
    if (endedAt.getTime() > now.getTime()) throw invalidField("body.ended_at", "must not be in the future");
    if (endedAt.getTime() <= row.started_at.getTime()) {
      throw invalidField("body.ended_at", "must be after the session's started_at");
    }
  }
  const updated = await tx.db
    .updateTable("sessions")
    .set({
      ended_at: endedAt,
      ...(note !== undefined ? { note } : {}),
      updated_at: now,
    })
    .where("id", "=", row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const session = await emit(tx, "session.stopped", updated, now);
  await runComplianceCheck(tx, updated.employee_id, updated.started_at);
  return session;
}

/**
 * Stops the running session of `employee_id` (by default the caller); used by
 * `POST /v1/sessions/stop` and `POST /v1/tasks/{task_id}/stop`. With `task_id`, only a session
 * running on that task counts. 409 conflict when there is none. Emits `session.stopped`.
 */
export async function stopRunningSession(
  ctx: DomainContext,
  input: { employee_id?: string; ended_at?: string; note?: string | null; task_id?: string },
): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const employee = await actingFor(tx, input.employee_id);
    const running = await tx.db
      .selectFrom("sessions")
      .selectAll()
      .where("organization_id", "=", tx.actor.organizationId)
      .where("employee_id", "=", employee.id)
      .where("ended_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!running) {
      throw new ApiProblem(409, "conflict", `Employee ${employee.id} has no running session.`);
    }
    if (input.task_id !== undefined && running.task_id !== input.task_id) {
      throw new ApiProblem(409, "conflict", `Employee ${employee.id} has no running session on task ${input.task_id}.`);
    }
    return stopRow(tx, running, input.ended_at, input.note);
  });
}

/**
 * Inside the caller's transaction: stops the employee's running session now, if there is one
 * (emits `session.stopped`). Used when an employee is deactivated.
 */
export async function stopRunningSessionOf(tx: DomainContext, employeeId: string): Promise<void> {
  const running = await tx.db
    .selectFrom("sessions")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("employee_id", "=", employeeId)
    .where("ended_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
  if (running) await stopRow(tx, running, undefined, undefined);
}

/** Stops this running session (`POST /v1/sessions/{id}/stop`); 409 invalid_state when completed. */
export async function stopSession(
  ctx: DomainContext,
  id: string,
  body: { ended_at?: string; note?: string } | undefined,
): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const row = await lockSessionForWrite(tx, id);
    if (row.ended_at !== null) throw invalidState(`Session ${id} is already completed.`);
    return stopRow(tx, row, body?.ended_at, body?.note);
  });
}

// ---------------------------------------------------------------------------------------------
// Manual sessions and edits

/** Records a completed session after the fact. Emits `session.created`. */
export async function createSession(ctx: DomainContext, body: SessionCreate): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const employee = await actingFor(tx, body.employee_id);
    const start = parseTime(body.started_at);
    const end = parseTime(body.ended_at);
    const errors: FieldError[] = [];
    if (start.getTime() > now.getTime())
      errors.push({ field: "body.started_at", message: "must not be in the future" });
    if (end.getTime() > now.getTime()) errors.push({ field: "body.ended_at", message: "must not be in the future" });
    if (start.getTime() >= end.getTime()) errors.push({ field: "body.ended_at", message: "must be after started_at" });
    throwFieldErrors(errors);
    const work = await resolveWork(tx, body.project_id, body.task_id);
    assertActive(employee);
    assertOpen(work);
    await assertNoOverlap(tx, employee.id, start, end);
    const row = await insertSession(tx, employee.id, work, { ...body, startedAt: start, endedAt: end }, now);
    const session = await emit(tx, "session.created", row, now);
    await runComplianceCheck(tx, row.employee_id, row.started_at);
    return session;
  });
}

function throwFieldErrors(errors: FieldError[]) {
  const first = errors[0];
  if (!first) return;
  const detail = errors.length === 1 ? `${first.field} ${first.message}.` : `${errors.length} fields are invalid.`;
  throw new ApiProblem(422, "validation_failed", detail, errors);
}

/**
 * Changes the fields sent. Clearing the project clears the task; a new task sets the project;
 * a new project without a task clears the task (it belonged to the old project). Editing a
 * rejected session sends it back to `pending`. Emits `session.updated`.
 */
export async function updateSession(ctx: DomainContext, id: string, body: SessionUpdate): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const row = await lockSessionForWrite(tx, id);
    if (row.approval_status === "approved") {
      throw invalidState(`Session ${id} is approved and locked; reject it first to change it.`);
    }
    if (body.ended_at !== undefined && row.ended_at === null) {
      throw invalidState(`Session ${id} is running; stop it instead of setting ended_at.`);
    }

    const start = body.started_at !== undefined ? parseTime(body.started_at) : row.started_at;
    const end = body.ended_at !== undefined ? parseTime(body.ended_at) : row.ended_at;
    const errors: FieldError[] = [];
    if (body.started_at !== undefined && start.getTime() > now.getTime()) {
      errors.push({ field: "body.started_at", message: "must not be in the future" });
    }
    if (body.ended_at !== undefined && end && end.getTime() > now.getTime()) {
      errors.push({ field: "body.ended_at", message: "must not be in the future" });
    }
    if (end && start.getTime() >= end.getTime()) {
      errors.push(
        body.ended_at !== undefined
          ? { field: "body.ended_at", message: "must be after started_at" }
          : { field: "body.started_at", message: "must be before the session's ended_at" },
      );
    }
    throwFieldErrors(errors);

    let projectId = row.project_id;
    let taskId = row.task_id;
    // Only a newly referenced project or task must be open; unchanged ones stay as they are.
    const work: Work = { projectId, taskId, project: null, task: null };
    if (body.task_id) {
      if (body.project_id === null) {
        throw invalidField("body.task_id", "cannot be set while project_id is cleared");
      }
      const task = await findTaskRow(tx, body.task_id, "body.task_id");
      if (body.project_id !== undefined && task.project_id !== body.project_id) {
        throw invalidField("body.task_id", "does not belong to the project in project_id");
      }
      if (task.id !== row.task_id) {
        work.task = task;
        work.project = await findProjectRow(tx, task.project_id, "body.task_id");
      }
      projectId = task.project_id;
      taskId = task.id;
    } else if (body.project_id === null) {
      projectId = null;
      taskId = null;
    } else if (body.project_id !== undefined) {
      const project = await findProjectRow(tx, body.project_id, "body.project_id");
      if (project.id !== row.project_id) {
        // The task belonged to the old project.
        work.project = project;
        taskId = null;
      }
      projectId = project.id;
      if (body.task_id === null) taskId = null;
    } else if (body.task_id === null) {
      taskId = null;
    }
    assertOpen(work);

    const timesChanged = start.getTime() !== row.started_at.getTime() || end?.getTime() !== row.ended_at?.getTime();
    if (timesChanged) await assertNoOverlap(tx, row.employee_id, start, end, row.id);

    const updated = await tx.db
      .updateTable("sessions")
      .set({
        started_at: start,
        ended_at: end,
        project_id: projectId,
        task_id: taskId,
        ...(body.note !== undefined ? { note: body.note } : {}),
        ...(body.billable !== undefined ? { billable: body.billable } : {}),
        ...(body.metadata !== undefined ? { metadata: JSON.stringify(body.metadata) } : {}),
        ...(row.approval_status === "rejected" ? { approval_status: "pending" as const, rejection_reason: null } : {}),
        updated_at: now,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const session = await emit(tx, "session.updated", updated, now);
    // The earlier of the old and new start: moving work away can change the periods it left.
    const around = new Date(Math.min(updated.started_at.getTime(), row.started_at.getTime()));
    if (updated.ended_at !== null) await runComplianceCheck(tx, updated.employee_id, around);
    return session;
  });
}

/** Deletes a session and its activities; a running one is discarded unstopped. Emits `session.deleted`. */
export async function deleteSession(ctx: DomainContext, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await lockSessionForWrite(tx, id);
    if (row.approval_status === "approved") {
      throw invalidState(`Session ${id} is approved and locked; reject it first to delete it.`);
    }
    await tx.db.deleteFrom("activities").where("session_id", "=", row.id).execute();
    await tx.db.deleteFrom("sessions").where("id", "=", row.id).execute();
    await emit(tx, "session.deleted", row, tx.now());
    // Alerts already raised stay: they record what was seen when they were raised.
    if (row.ended_at !== null) await runComplianceCheck(tx, row.employee_id, row.started_at);
  });
}

// ---------------------------------------------------------------------------------------------
// Approval

/** Managers decide on their direct reports' sessions, admins on any; nobody but an admin on their own. */
function assertMayDecide(tx: DomainContext, row: SessionRow) {
  if (tx.actor.role !== "admin" && row.employee_id === tx.actor.employeeId) {
    throw forbidden("Only an admin may approve or reject their own session.");
  }
  // Managers see only their own and their reports' sessions (lockSessionForWrite answered 404 otherwise).
}

/** Approves a completed session and locks it. Emits `session.approved`. */
export async function approveSession(ctx: DomainContext, id: string): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const row = await lockSessionForWrite(tx, id);
    assertMayDecide(tx, row);
    if (row.ended_at === null) throw invalidState(`Session ${id} is running; stop it before approving it.`);
    if (row.approval_status === "approved") throw invalidState(`Session ${id} is already approved.`);
    const updated = await tx.db
      .updateTable("sessions")
      .set({
        approval_status: "approved",
        approved_by: tx.actor.employeeId,
        approved_at: now,
        rejection_reason: null,
        updated_at: now,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return emit(tx, "session.approved", updated, now);
  });
}

/** Rejects a completed session (withdrawing an approval). Emits `session.rejected`. */
export async function rejectSession(ctx: DomainContext, id: string, reason: string): Promise<Session> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const row = await lockSessionForWrite(tx, id);
    assertMayDecide(tx, row);
    if (row.ended_at === null) throw invalidState(`Session ${id} is running; stop it before rejecting it.`);
    if (row.approval_status === "rejected") throw invalidState(`Session ${id} is already rejected.`);
    const updated = await tx.db
      .updateTable("sessions")
      .set({
        approval_status: "rejected",
        approved_by: null,
        approved_at: null,
        rejection_reason: reason,
        updated_at: now,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return emit(tx, "session.rejected", updated, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Returns one session the caller may see. */
export async function getSession(ctx: DomainContext, id: string): Promise<Session> {
  return toSession(await findSession(ctx, id));
}

/** 422 when `from` is after `to`. */
export function assertRange(from: string | undefined, to: string | undefined) {
  if (from !== undefined && to !== undefined && new Date(from).getTime() > new Date(to).getTime()) {
    throw invalidField("query.from", "must not be after to");
  }
}

/** Lists the sessions the caller may see, newest first by `started_at`. */
export async function listSessions(
  ctx: DomainContext,
  query: {
    limit?: number;
    cursor?: string;
    employee_id?: string;
    project_id?: string;
    task_id?: string;
    from?: string;
    to?: string;
    status?: "running" | "completed";
    approval_status?: "pending" | "approved" | "rejected";
  },
): Promise<Page<Session>> {
  const limit = query.limit ?? 25;
  assertRange(query.from, query.to);
  const after = decodeTimeCursor(query.cursor);
  const scope = await listScope(ctx, query.employee_id);
  if (scope !== null && scope.length === 0) return { data: [], has_more: false, next_cursor: null };
  let q = ctx.db.selectFrom("sessions").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (scope !== null) q = q.where("employee_id", "in", scope);
  if (query.project_id) q = q.where("project_id", "=", query.project_id);
  if (query.task_id) q = q.where("task_id", "=", query.task_id);
  if (query.from) q = q.where("started_at", ">=", new Date(query.from));
  if (query.to) q = q.where("started_at", "<", new Date(query.to));
  if (query.status === "running") q = q.where("ended_at", "is", null);
  if (query.status === "completed") q = q.where("ended_at", "is not", null);
  if (query.approval_status) q = q.where("approval_status", "=", query.approval_status);
  if (after) q = q.where(newestFirstAfter(after, "started_at"));
  const rows = await q
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.started_at.toISOString(), r.id], toSession);
}
