import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { ApiProblem, invalidState, notFound } from "../errors.js";
import { decodeCursor, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { ProjectRow, SessionRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { recordEvent } from "./events.js";
import { toSession } from "./sessions.js";

type Project = components["schemas"]["Project"];
type ProjectCreate = components["schemas"]["ProjectCreate"];
type ProjectUpdate = components["schemas"]["ProjectUpdate"];
type ProjectClose = components["schemas"]["ProjectClose"];
type Currency = components["schemas"]["Currency"];

/**
 * The colors a new project gets when none is sent, in turn: the n-th project of an
 * organization gets the n-th color (distinct, readable on white and on dark backgrounds).
 */
export const PROJECT_PALETTE: readonly string[] = [
  "#2F80ED",
  "#27AE60",
  "#F2994A",
  "#9B51E0",
  "#EB5757",
  "#00A3A3",
  "#F2C94C",
  "#6B7280",
  "#D6457F",
  "#56CCF2",
  "#8D6E63",
  "#219653",
];

// Accent folding for `q` (the spec: case- and accent-insensitive), without the unaccent
// extension: every Latin letter with diacritics (U+00C0–U+017F) maps to its base letter, in SQL
// with translate() and in JS with the same table, so both sides fold alike.
const FOLD = new Map<string, string>([
  ["Ł", "L"],
  ["ł", "l"],
  ["Đ", "D"],
  ["đ", "d"],
  ["Ø", "O"],
  ["ø", "o"],
  ["Ħ", "H"],
  ["ħ", "h"],
]);
for (let code = 0xc0; code <= 0x17f; code++) {
  const ch = String.fromCharCode(code);
  const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  if (base !== ch && /^[A-Za-z]$/.test(base)) FOLD.set(ch, base);
}
const ACCENTED = [...FOLD.keys()].join("");
const UNACCENTED = [...FOLD.values()].join("");

/** Folds text for accent- and case-insensitive matching, exactly as `foldedName` does in SQL. */
export function foldText(text: string): string {
  let out = "";
  for (const ch of text) out += FOLD.get(ch) ?? ch;
  return out.toLowerCase();
}

/** The project's name folded in SQL (accents removed, lower case). */
function foldedName() {
  return sql<string>`lower(translate(name, ${ACCENTED}, ${UNACCENTED}))`;
}

/** Postgres' unique violation on `constraint`, from pg or PGlite. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  if (e?.code !== "23505") return false;
  return e.constraint === constraint || (e.message ?? "").includes(constraint);
}

/** The total duration in seconds of the completed, non-rejected sessions of each project or task. */
export async function trackedSeconds(
  ctx: DomainContext,
  column: "project_id" | "task_id",
  ids: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const rows = await ctx.db
    .selectFrom("sessions")
    .select([
      `${column} as id`,
      sql<number>`coalesce(sum(floor(extract(epoch from (ended_at - started_at)))), 0)::bigint`.as("seconds"),
    ])
    .where("organization_id", "=", ctx.actor.organizationId)
    .where(column, "in", [...ids])
    .where("ended_at", "is not", null)
    .where("approval_status", "!=", "rejected")
    .groupBy(column)
    .execute();
  for (const row of rows) if (row.id) out.set(row.id, Number(row.seconds));
  return out;
}

/** The API shape of a project. */
export function toProject(row: ProjectRow, tracked: number): Project {
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    code: row.code,
    client_name: row.client_name,
    color: row.color,
    status: row.status,
    billable: row.billable,
    hourly_rate:
      row.hourly_rate_minor === null
        ? null
        : { amount_minor: row.hourly_rate_minor, currency: row.hourly_rate_currency as Currency },
    budget_hours: row.budget_hours,
    tracked_seconds: tracked,
    description: row.description,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    closed_at: row.closed_at?.toISOString() ?? null,
  };
}

async function withTracked(ctx: DomainContext, row: ProjectRow): Promise<Project> {
  const tracked = await trackedSeconds(ctx, "project_id", [row.id]);
  return toProject(row, tracked.get(row.id) ?? 0);
}

/** The project row with this id in the caller's organization, or a 404 problem. */
export async function findProject(
  ctx: DomainContext,
  id: string,
  { lock }: { lock?: "update" | "share" } = {},
): Promise<ProjectRow> {
  let query = ctx.db
    .selectFrom("projects")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (lock === "update") query = query.forUpdate();
  if (lock === "share") query = query.forShare();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("project", id);
  return row;
}

/** Lists projects by name (case-insensitive), open and closed unless `status` is given. Every role sees all. */
export async function listProjects(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; status?: "open" | "closed"; q?: string },
): Promise<Page<Project>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  const sortName = sql<string>`lower(name)`;
  let q = ctx.db
    .selectFrom("projects")
    .selectAll()
    .select(sortName.as("sort_name"))
    .where("organization_id", "=", ctx.actor.organizationId);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.q) q = q.where(sql<boolean>`strpos(${foldedName()}, ${foldText(query.q)}) > 0`);
  if (after) {
    const [name, id] = after;
    q = q.where(sql<boolean>`(lower(name), id) > (${name}, ${id})`);
  }
  const rows = await q
    .orderBy(sortName)
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  const tracked = await trackedSeconds(
    ctx,
    "project_id",
    rows.slice(0, limit).map((r) => r.id),
  );
  return toPage(
    rows,
    limit,
    (r) => [r.sort_name, r.id],
    ({ sort_name: _, ...r }) => toProject(r, tracked.get(r.id) ?? 0),
  );
}

/** Returns one project with the time tracked on it. */
export async function getProject(ctx: DomainContext, id: string): Promise<Project> {
  return withTracked(ctx, await findProject(ctx, id));
}

async function assertCodeFree(ctx: DomainContext, code: string, exceptId?: string) {
  let q = ctx.db
    .selectFrom("projects")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where((eb) => eb(eb.fn("upper", ["code"]), "=", code.toUpperCase()));
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst()) throw codeTaken(code);
}

function codeTaken(code: string): ApiProblem {
  return new ApiProblem(409, "already_exists", `A project with the code ${code} already exists.`);
}

/** Runs `fn`, answering a concurrent insert of the same code as `409 already_exists`. */
async function guardCode<T>(code: string | null | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (code && isUniqueViolation(error, "projects_code")) throw codeTaken(code);
    throw error;
  }
}

async function pickColor(ctx: DomainContext): Promise<string> {
  const { count } = await ctx.db
    .selectFrom("projects")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("organization_id", "=", ctx.actor.organizationId)
    .executeTakeFirstOrThrow();
  return PROJECT_PALETTE[Number(count) % PROJECT_PALETTE.length] as string;
}

/** Creates an open project; a code in use answers `409 already_exists`. Emits `project.created`. */
export async function createProject(ctx: DomainContext, body: ProjectCreate): Promise<Project> {
  return guardCode(body.code, () =>
    inTransaction(ctx, async (tx) => {
      if (body.code) await assertCodeFree(tx, body.code);
      const now = tx.now();
      const row = await tx.db
        .insertInto("projects")
        .values({
          id: newId("prj", now),
          organization_id: tx.actor.organizationId,
          name: body.name,
          code: body.code ?? null,
          client_name: body.client_name ?? null,
          color: body.color ?? (await pickColor(tx)),
          status: "open",
          billable: body.billable ?? false,
          hourly_rate_minor: body.hourly_rate?.amount_minor ?? null,
          hourly_rate_currency: body.hourly_rate?.currency ?? null,
          budget_hours: body.budget_hours ?? null,
          description: body.description ?? null,
          metadata: JSON.stringify(body.metadata ?? {}),
          created_at: now,
          updated_at: now,
          closed_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const project = toProject(row, 0);
      await emit(tx, "project.created", project, now);
      return project;
    }),
  );
}

/** Changes the fields sent (`null` clears an optional one), open or closed. Emits `project.updated`. */
export async function updateProject(ctx: DomainContext, id: string, body: ProjectUpdate): Promise<Project> {
  return guardCode(body.code, () =>
    inTransaction(ctx, async (tx) => {
      await findProject(tx, id, { lock: "update" });
      if (body.code) await assertCodeFree(tx, body.code, id);
      const set: Record<string, unknown> = {};
      for (const field of [
        "name",
        "code",
        "client_name",
        "color",
        "billable",
        "budget_hours",
        "description",
      ] as const) {
        if (body[field] !== undefined) set[field] = body[field];
      }
      if (body.hourly_rate !== undefined) {
        set.hourly_rate_minor = body.hourly_rate?.amount_minor ?? null;
        set.hourly_rate_currency = body.hourly_rate?.currency ?? null;
      }
      if (body.metadata !== undefined) set.metadata = JSON.stringify(body.metadata);
      const now = tx.now();
      const row = await tx.db
        .updateTable("projects")
        .set({ ...set, updated_at: now })
        .where("id", "=", id)
        .where("organization_id", "=", tx.actor.organizationId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const project = await withTracked(tx, row);
      await emit(tx, "project.updated", project, now);
      return project;
    }),
  );
}

/** What a close stops the running sessions of: a project or a task. */
export type RunningOn = { project_id: string } | { task_id: string };

/**
 * Locks and returns the running sessions on a project or task. Closing takes these locks before
 * the project's or task's own row, in the order the sessions domain takes them (session, then
 * project), so a close and a concurrent session edit cannot deadlock.
 */
export async function lockSessionsRunningOn(tx: DomainContext, on: RunningOn): Promise<{ id: string }[]> {
  const [column, value] =
    "project_id" in on ? (["project_id", on.project_id] as const) : (["task_id", on.task_id] as const);
  return tx.db
    .selectFrom("sessions")
    .select("id")
    .where("organization_id", "=", tx.actor.organizationId)
    .where(column, "=", value)
    .where("ended_at", "is", null)
    .orderBy("id")
    .forUpdate()
    .execute();
}

/**
 * Stops, now, the sessions running on a project or task being closed, each emitting
 * `session.stopped`; without `stop` their existence answers `409 conflict`.
 */
export async function stopSessionsRunningOn(
  tx: DomainContext,
  on: RunningOn,
  stop: boolean,
  what: string,
): Promise<void> {
  const running = await lockSessionsRunningOn(tx, on);
  if (running.length === 0) return;
  if (!stop) {
    throw new ApiProblem(
      409,
      "conflict",
      `${running.length} session(s) are running on ${what}; stop them first or send stop_running_sessions: true.`,
    );
  }
  const now = tx.now();
  const stopped: SessionRow[] = await tx.db
    .updateTable("sessions")
    .set({ ended_at: now, updated_at: now, approval_status: "pending" })
    .where(
      "id",
      "in",
      running.map((r) => r.id),
    )
    .where("organization_id", "=", tx.actor.organizationId)
    .where("ended_at", "is", null)
    .returningAll()
    .execute();
  stopped.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const row of stopped) {
    await recordEvent(tx.db, {
      organizationId: row.organization_id,
      type: "session.stopped",
      data: toSession(row),
      employeeId: row.employee_id,
      resourceIds: [row.id, row.employee_id, row.project_id, row.task_id].filter((x): x is string => x !== null),
      now,
    });
  }
}

/**
 * Closes an open project. Running sessions on it answer `409 conflict` unless
 * `stop_running_sessions` is true, which stops them (each emits `session.stopped`).
 * Emits `project.closed`.
 */
export async function closeProject(ctx: DomainContext, id: string, body: ProjectClose | undefined): Promise<Project> {
  return inTransaction(ctx, async (tx) => {
    const on = { project_id: id };
    await findProject(tx, id);
    await lockSessionsRunningOn(tx, on);
    const before = await findProject(tx, id, { lock: "update" });
    if (before.status === "closed") throw invalidState(`Project ${id} is already closed.`);
    await stopSessionsRunningOn(tx, on, body?.stop_running_sessions === true, `project ${id}`);
    const now = tx.now();
    const row = await tx.db
      .updateTable("projects")
      .set({ status: "closed", closed_at: now, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const project = await withTracked(tx, row);
    await emit(tx, "project.closed", project, now);
    return project;
  });
}

/** Reopens a closed project (`closed_at` cleared). Emits `project.reopened`. */
export async function reopenProject(ctx: DomainContext, id: string): Promise<Project> {
  return inTransaction(ctx, async (tx) => {
    const before = await findProject(tx, id, { lock: "update" });
    if (before.status === "open") throw invalidState(`Project ${id} is open.`);
    const now = tx.now();
    const row = await tx.db
      .updateTable("projects")
      .set({ status: "open", closed_at: null, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const project = await withTracked(tx, row);
    await emit(tx, "project.reopened", project, now);
    return project;
  });
}

async function emit(tx: DomainContext, type: string, project: Project, now: Date): Promise<void> {
  await recordEvent(tx.db, {
    organizationId: project.organization_id,
    type,
    data: project,
    employeeId: null,
    resourceIds: [project.id],
    now,
  });
}
