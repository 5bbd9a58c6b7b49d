import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { ApiProblem, type FieldError, invalidState, notFound } from "../errors.js";
import { decodeCursor, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { TaskRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { recordEvent } from "./events.js";
import { lockSessionsRunningOn, stopSessionsRunningOn, trackedSeconds } from "./projects.js";
import { startSession, stopRunningSession } from "./sessions.js";

type Task = components["schemas"]["Task"];
type TaskCreate = components["schemas"]["TaskCreate"];
type TaskUpdate = components["schemas"]["TaskUpdate"];
type TaskClose = components["schemas"]["TaskClose"];
type TaskTrack = components["schemas"]["TaskTrack"];
type TaskStop = components["schemas"]["TaskStop"];
type Session = components["schemas"]["Session"];

/** The API shape of a task. */
export function toTask(row: TaskRow, tracked: number): Task {
  return {
    id: row.id,
    organization_id: row.organization_id,
    project_id: row.project_id,
    name: row.name,
    description: row.description,
    status: row.status,
    assignee_ids: row.assignee_ids,
    estimate_seconds: row.estimate_seconds,
    tracked_seconds: tracked,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    closed_at: row.closed_at?.toISOString() ?? null,
  };
}

async function withTracked(ctx: DomainContext, row: TaskRow): Promise<Task> {
  const tracked = await trackedSeconds(ctx, "task_id", [row.id]);
  return toTask(row, tracked.get(row.id) ?? 0);
}

/** The task row with this id in the caller's organization, or a 404 problem. */
export async function findTask(ctx: DomainContext, id: string, { forUpdate = false } = {}): Promise<TaskRow> {
  let query = ctx.db
    .selectFrom("tasks")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("task", id);
  return row;
}

/** Lists tasks newest first, by project, status and assignee. Every role sees every task. */
export async function listTasks(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; project_id?: string; status?: "open" | "closed"; assignee_id?: string },
): Promise<Page<Task>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let q = ctx.db.selectFrom("tasks").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (query.project_id) q = q.where("project_id", "=", query.project_id);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.assignee_id) {
    q = q.where(sql<boolean>`assignee_ids @> ${JSON.stringify([query.assignee_id])}::jsonb`);
  }
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const tracked = await trackedSeconds(
    ctx,
    "task_id",
    rows.slice(0, limit).map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => [r.id, r.id],
    (r) => toTask(r, tracked.get(r.id) ?? 0),
  );
}

/** Returns one task with the time tracked on it. */
export async function getTask(ctx: DomainContext, id: string): Promise<Task> {
  return withTracked(ctx, await findTask(ctx, id));
}

/** Refuses assignees that are not active employees of the organization with `422`, one error per id. */
async function assertAssignees(ctx: DomainContext, ids: readonly string[] | undefined): Promise<void> {
  if (!ids || ids.length === 0) return;
  const active = await ctx.db
    .selectFrom("employees")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("status", "=", "active")
    .where("id", "in", [...ids])
    .execute();
  const found = new Set(active.map((e) => e.id));
  const errors: FieldError[] = ids.flatMap((id, i) =>
    found.has(id)
      ? []
      : [{ field: `body.assignee_ids.${i}`, message: "is not an active employee of this organization" }],
  );
  if (errors.length > 0) {
    throw new ApiProblem(
      422,
      "validation_failed",
      errors.length === 1
        ? `${errors[0]?.field} ${errors[0]?.message}.`
        : `${errors.length} assignees are not active employees of this organization.`,
      errors,
    );
  }
}

/**
 * Creates an open task in a project of the organization (else `422`); a closed project answers
 * `409 invalid_state`. Emits `task.created`.
 */
export async function createTask(ctx: DomainContext, body: TaskCreate): Promise<Task> {
  return inTransaction(ctx, async (tx) => {
    // Shared lock: a concurrent close of the project waits for this task (or this for it).
    const project = await tx.db
      .selectFrom("projects")
      .select(["id", "status"])
      .where("organization_id", "=", tx.actor.organizationId)
      .where("id", "=", body.project_id)
      .forShare()
      .executeTakeFirst();
    if (!project) {
      throw new ApiProblem(422, "validation_failed", "body.project_id is not a project of this organization.", [
        { field: "body.project_id", message: "is not a project of this organization" },
      ]);
    }
    await assertAssignees(tx, body.assignee_ids);
    if (project.status === "closed") {
      throw invalidState(`Project ${project.id} is closed; reopen it to create tasks in it.`);
    }
    const now = tx.now();
    const row = await tx.db
      .insertInto("tasks")
      .values({
        id: newId("tsk", now),
        organization_id: tx.actor.organizationId,
        project_id: project.id,
        name: body.name,
        description: body.description ?? null,
        status: "open",
        assignee_ids: JSON.stringify(body.assignee_ids ?? []),
        estimate_seconds: body.estimate_seconds ?? null,
        created_at: now,
        updated_at: now,
        closed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const task = toTask(row, 0);
    await emit(tx, "task.created", task, now);
    return task;
  });
}

/** Changes the fields sent (`assignee_ids` replaces the list), open or closed. Emits `task.updated`. */
export async function updateTask(ctx: DomainContext, id: string, body: TaskUpdate): Promise<Task> {
  return inTransaction(ctx, async (tx) => {
    await findTask(tx, id, { forUpdate: true });
    await assertAssignees(tx, body.assignee_ids);
    const set: Record<string, unknown> = {};
    if (body.name !== undefined) set.name = body.name;
    if (body.description !== undefined) set.description = body.description;
    if (body.estimate_seconds !== undefined) set.estimate_seconds = body.estimate_seconds;
    if (body.assignee_ids !== undefined) set.assignee_ids = JSON.stringify(body.assignee_ids);
    const now = tx.now();
    const row = await tx.db
      .updateTable("tasks")
      .set({ ...set, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const task = await withTracked(tx, row);
    await emit(tx, "task.updated", task, now);
    return task;
  });
}

/**
 * Closes an open task. Running sessions on it answer `409 conflict` unless
 * `stop_running_sessions` is true, which stops them (each emits `session.stopped`).
 * Emits `task.closed`.
 */
export async function closeTask(ctx: DomainContext, id: string, body: TaskClose | undefined): Promise<Task> {
  return inTransaction(ctx, async (tx) => {
    const on = { task_id: id };
    await findTask(tx, id);
    await lockSessionsRunningOn(tx, on);
    const before = await findTask(tx, id, { forUpdate: true });
    if (before.status === "closed") throw invalidState(`Task ${id} is already closed.`);
    await stopSessionsRunningOn(tx, on, body?.stop_running_sessions === true, `task ${id}`);
    const now = tx.now();
    const row = await tx.db
      .updateTable("tasks")
      .set({ status: "closed", closed_at: now, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const task = await withTracked(tx, row);
    await emit(tx, "task.closed", task, now);
    return task;
  });
}

/**
 * Starts a work session on the task and its project, now, for the caller or (admins, managers
 * for their reports) `employee_id`. Source `api`; billable is the project's. The sessions domain
 * checks who may, closed task or project, and a session already running.
 */
export async function trackTask(ctx: DomainContext, id: string, body: TaskTrack | undefined): Promise<Session> {
  const task = await findTask(ctx, id);
  const project = await ctx.db
    .selectFrom("projects")
    .select("billable")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", task.project_id)
    .executeTakeFirstOrThrow();
  return startSession(ctx, {
    employee_id: body?.employee_id,
    project_id: task.project_id,
    task_id: task.id,
    note: body?.note,
    billable: project.billable,
    source: "api",
  });
}

/** Stops, now, the running session of the caller (or `employee_id`) on the task; else `409 conflict`. */
export async function stopTask(ctx: DomainContext, id: string, body: TaskStop | undefined): Promise<Session> {
  const task = await findTask(ctx, id);
  return stopRunningSession(ctx, { employee_id: body?.employee_id, task_id: task.id });
}

async function emit(tx: DomainContext, type: string, task: Task, now: Date): Promise<void> {
  await recordEvent(tx.db, {
    organizationId: task.organization_id,
    type,
    data: task,
    employeeId: null,
    resourceIds: [task.id, task.project_id],
    now,
  });
}
