import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { type DomainContext, inTransaction } from "../domain/actor.js";
import { toApiKey } from "../domain/api-keys.js";
import { recordChange } from "../domain/audit.js";
import { toEmployee } from "../domain/employees.js";
import { toEvent } from "../domain/event-log.js";
import { recordEvent } from "../domain/events.js";
import { toLeaveRequest } from "../domain/leave/requests.js";
import { toProject, trackedSeconds } from "../domain/projects.js";
import { toSession } from "../domain/sessions.js";
import { toTask } from "../domain/tasks.js";
import { ApiProblem, notFound } from "../errors.js";
import { newId } from "../ids.js";
import { OPENAPI_DOCUMENT } from "../spec.js";
import type { EmployeeRow, LeaveRequestRow, OrganizationRow, SessionRow } from "../storage/schema.js";
import {
  defaultSampleEmployee,
  isSandboxOrganization,
  resetSandboxOrganization,
  SANDBOX_ORGANIZATION_IDS,
  SEED_VERSION,
} from "./seed.js";

type SandboxReset = components["schemas"]["SandboxReset"];
type SandboxTriggerRequest = components["schemas"]["SandboxTriggerRequest"];
type SandboxTriggerResult = components["schemas"]["SandboxTriggerResult"];
type EventType = components["schemas"]["EventType"];
type Json = Record<string, unknown>;

/** Separates this lock's numbers from any other advisory lock (the first of the two keys). */
const RESET_LOCK_CLASS = 7_303_001;

/**
 * The sandbox operations exist only on a server in sandbox mode and for a `tc_test_` credential;
 * everywhere else they answer `404 not_found`, as if they did not exist (the spec says so).
 */
function assertSandbox(ctx: DomainContext): void {
  if (!ctx.sandbox || ctx.actor.credential.mode !== "test") {
    throw new ApiProblem(
      404,
      "not_found",
      `No route ${ctx.request.method} ${ctx.request.path}: the sandbox operations exist only in the sandbox, with a tc_test_ credential.`,
    );
  }
}

/**
 * `POST /v1/sandbox/reset`: puts the caller's sandbox organization back to the seed, in one
 * transaction. A second reset of the same organization while one runs answers `409 conflict`
 * (a transaction-scoped advisory lock, so it holds across server processes too).
 */
export async function resetSandbox(ctx: DomainContext): Promise<SandboxReset> {
  assertSandbox(ctx);
  const organizationId = ctx.actor.organizationId;
  if (!isSandboxOrganization(organizationId)) {
    throw new ApiProblem(
      404,
      "not_found",
      `Organization ${organizationId} has no seed to restore: only the seeded sandbox organizations (${Object.values(SANDBOX_ORGANIZATION_IDS).join(", ")}) can be reset.`,
    );
  }
  return inTransaction(ctx, async (tx) => {
    const lock = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(${RESET_LOCK_CLASS}, hashtext(${organizationId})) as locked`.execute(tx.db);
    if (!lock.rows[0]?.locked) {
      throw new ApiProblem(
        409,
        "conflict",
        "Another reset of this sandbox is still running. Retry when it has finished.",
      );
    }
    await resetSandboxOrganization(tx.db, organizationId, tx.now());
    await recordChange(tx, { action: "sandbox.reset", resourceType: "organization", resourceId: organizationId });
    return { reset_at: tx.now().toISOString(), seed: SEED_VERSION };
  });
}

// ---------------------------------------------------------------------------------------------
// Trigger

interface Sample {
  readonly data: Json;
  readonly employeeId: string | null;
  readonly resourceIds: readonly string[];
}

/** The spec's example of an event type's schema (`components.schemas.<Type>Event.example`). */
function exampleOf(type: EventType): { data: Json } {
  const schemas = (OPENAPI_DOCUMENT.components as { schemas: Record<string, Json> }).schemas;
  const discriminator = schemas.Event?.discriminator as { mapping: Record<string, string> } | undefined;
  const name = discriminator?.mapping[type]?.split("/").pop() ?? "";
  const example = schemas[name]?.example as { data: Json } | undefined;
  if (!example) throw new Error(`the spec has no example for ${type}`);
  return structuredClone(example);
}

/** Replaces every string equal to a key of `ids` (the docs' ids) by its value, anywhere in `value`. */
function rewriteIds<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (typeof value === "string") return (ids.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => rewriteIds(v, ids)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteIds(v, ids)])) as T;
  }
  return value;
}

/**
 * `POST /v1/sandbox/trigger`: builds a sample event of `type` from the organization's data (its
 * sessions, leave, projects, keys… of the employee asked for, by default the seed's Jan
 * Kowalski), starting from the spec's example of that event, and writes it to the events, from
 * where webhook delivery picks it up. Nothing else changes.
 */
export async function triggerSandboxEvent(
  ctx: DomainContext,
  body: SandboxTriggerRequest,
): Promise<SandboxTriggerResult> {
  assertSandbox(ctx);
  const organizationId = ctx.actor.organizationId;
  const employeeId = body.employee_id ?? defaultSampleEmployee(organizationId) ?? ctx.actor.employeeId;
  return inTransaction(ctx, async (tx) => {
    const employee = await tx.db
      .selectFrom("employees")
      .selectAll()
      .where("organization_id", "=", organizationId)
      .where("id", "=", employeeId)
      .executeTakeFirst();
    if (!employee) throw notFound("employee", employeeId);
    const organization = await tx.db
      .selectFrom("organizations")
      .selectAll()
      .where("id", "=", organizationId)
      .executeTakeFirstOrThrow();
    const now = tx.now();
    const sample = await buildSample(tx, body.type, employee, organization, now);
    await recordEvent(tx.db, {
      organizationId,
      type: body.type,
      data: sample.data,
      employeeId: sample.employeeId,
      resourceIds: sample.resourceIds,
      now,
    });
    const row = await tx.db
      .selectFrom("events")
      .selectAll()
      .where("organization_id", "=", organizationId)
      .where("type", "=", body.type)
      .where("created_at", "=", now)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    return { event: toEvent(row, true) };
  });
}

async function buildSample(
  ctx: DomainContext,
  type: EventType,
  employee: EmployeeRow,
  organization: OrganizationRow,
  now: Date,
): Promise<Sample> {
  const family = type.split(".")[0];
  const verb = type.split(".")[1] ?? "";
  const managerId = employee.manager_id ?? ctx.actor.employeeId;
  const firstProject = await ctx.db
    .selectFrom("projects")
    .select("id")
    .where("organization_id", "=", organization.id)
    .orderBy("id")
    .executeTakeFirst();
  const firstTask = await ctx.db
    .selectFrom("tasks")
    .select(["id", "project_id"])
    .where("organization_id", "=", organization.id)
    .orderBy("id")
    .executeTakeFirst();
  // The docs' ids in the examples, mapped onto this organization.
  const ids = new Map<string, string>([
    ["org_2b7Yk9QmWx4pLs8N", organization.id],
    ["emp_6Tz1Yu8IoP4aSd2F", employee.id],
    ["emp_3Kl5Mn7Op9Qr1St2", employee.id],
    ["emp_9Xc3Vb7NkM2qWe5R", managerId],
    ["emp_4Fh8Jq2LmN6pRs3T", ctx.actor.employeeId],
  ]);
  if (firstTask) {
    ids.set("prj_3Gh5Jk7Lz9Xc1Vb2", firstTask.project_id);
    ids.set("tsk_8Nm4Qw6Er2Ty0Ui3", firstTask.id);
  } else if (firstProject) {
    ids.set("prj_3Gh5Jk7Lz9Xc1Vb2", firstProject.id);
  }
  const example = rewriteIds(exampleOf(type), ids).data;

  switch (family) {
    case "employee": {
      const data: Json = toEmployee(employee, true);
      if (verb === "updated") data.updated_at = now.toISOString();
      if (verb === "deactivated") {
        Object.assign(data, {
          status: "deactivated",
          updated_at: now.toISOString(),
          deactivated_at: now.toISOString(),
        });
      }
      return { data, employeeId: employee.id, resourceIds: [employee.id] };
    }
    case "session":
      return sessionSample(ctx, verb, employee, managerId, example, now);
    case "leave":
      return leaveSample(ctx, verb, employee, managerId, example, now);
    case "project": {
      const session = await ctx.db
        .selectFrom("sessions")
        .select("project_id")
        .where("organization_id", "=", organization.id)
        .where("employee_id", "=", employee.id)
        .where("project_id", "is not", null)
        .orderBy("started_at", "desc")
        .executeTakeFirst();
      const projectId = session?.project_id ?? firstProject?.id;
      const row = projectId
        ? await ctx.db.selectFrom("projects").selectAll().where("id", "=", projectId).executeTakeFirst()
        : undefined;
      if (!row) return { data: example, employeeId: null, resourceIds: [String(example.id)] };
      const tracked = await trackedSeconds(ctx, "project_id", [row.id]);
      const data: Json = toProject(row, tracked.get(row.id) ?? 0);
      if (verb !== "created") data.updated_at = now.toISOString();
      if (verb === "closed") Object.assign(data, { status: "closed", closed_at: now.toISOString() });
      if (verb === "reopened") Object.assign(data, { status: "open", closed_at: null });
      return { data, employeeId: null, resourceIds: [row.id] };
    }
    case "task": {
      const row =
        (await ctx.db
          .selectFrom("tasks")
          .selectAll()
          .where("organization_id", "=", organization.id)
          .where(sql<boolean>`assignee_ids @> ${JSON.stringify([employee.id])}::jsonb`)
          .orderBy("id")
          .executeTakeFirst()) ??
        (firstTask
          ? await ctx.db.selectFrom("tasks").selectAll().where("id", "=", firstTask.id).executeTakeFirst()
          : undefined);
      if (!row) return { data: example, employeeId: null, resourceIds: [String(example.id)] };
      const tracked = await trackedSeconds(ctx, "task_id", [row.id]);
      const data: Json = toTask(row, tracked.get(row.id) ?? 0);
      if (verb !== "created") data.updated_at = now.toISOString();
      if (verb === "closed") Object.assign(data, { status: "closed", closed_at: now.toISOString() });
      return { data, employeeId: null, resourceIds: [row.id] };
    }
    case "overtime":
      return {
        data: { ...example, employee_id: employee.id, year: now.getUTCFullYear() },
        employeeId: employee.id,
        resourceIds: [employee.id],
      };
    case "compliance": {
      const sessions = await ctx.db
        .selectFrom("sessions")
        .select("id")
        .where("organization_id", "=", organization.id)
        .where("employee_id", "=", employee.id)
        .where("ended_at", "is not", null)
        .orderBy("started_at", "desc")
        .limit(2)
        .execute();
      const sessionIds = sessions.map((s) => s.id).reverse();
      const czech = organization.country === "CZ";
      const data: Json = {
        ...example,
        id: newId("alr", now),
        employee_id: employee.id,
        country: organization.country,
        rule: czech ? "CZ zákoník práce § 90 odst. 1" : example.rule,
        message: String(example.message).replace("Jan Kowalski", employee.name),
        session_ids: sessionIds,
        created_at: now.toISOString(),
      };
      return { data, employeeId: employee.id, resourceIds: [String(data.id), employee.id, ...sessionIds] };
    }
    case "export": {
      const id = newId("exp", now);
      const data: Json = { ...example, id, created_by: ctx.actor.employeeId };
      const file = data.file as Json | null;
      if (file) data.file = { ...file, download_url: `/v1/exports/${id}/file` };
      const error = data.error as Json | null;
      if (error) data.error = { ...error, employee_ids: [employee.id] };
      return { data, employeeId: null, resourceIds: [id] };
    }
    case "api_key": {
      const key = await ctx.db
        .selectFrom("api_keys")
        .selectAll()
        .where("organization_id", "=", organization.id)
        .where("employee_id", "=", employee.id)
        .orderBy("id")
        .executeTakeFirst();
      if (!key) return { data: example, employeeId: employee.id, resourceIds: [String(example.id), employee.id] };
      const data: Json = toApiKey(key, now);
      if (verb === "revoked") Object.assign(data, { status: "revoked", revoked_at: now.toISOString() });
      if (verb === "rotated") {
        // The old key stays active for its grace period (24 hours by default).
        Object.assign(data, {
          status: "active",
          revoked_at: new Date(now.getTime() + 24 * 3600 * 1000).toISOString(),
          rotated_to: newId("key", now),
        });
      }
      return { data, employeeId: employee.id, resourceIds: [key.id, employee.id] };
    }
    default: {
      // webhook.test: about an endpoint of the organization when it has one.
      const endpoint = await firstWebhookEndpoint(ctx, organization.id);
      const data: Json = endpoint ? { ...example, endpoint_id: endpoint } : example;
      return { data, employeeId: null, resourceIds: [String(data.endpoint_id)] };
    }
  }
}

async function firstWebhookEndpoint(ctx: DomainContext, organizationId: string): Promise<string | null> {
  const table = await sql<{ name: string | null }>`select to_regclass('webhook_endpoints')::text as name`.execute(
    ctx.db,
  );
  if (!table.rows[0]?.name) return null;
  const row = await sql<{ id: string }>`
    select id from webhook_endpoints where organization_id = ${organizationId} order by id limit 1`.execute(ctx.db);
  return row.rows[0]?.id ?? null;
}

async function sessionSample(
  ctx: DomainContext,
  verb: string,
  employee: EmployeeRow,
  managerId: string,
  example: Json,
  now: Date,
): Promise<Sample> {
  const latest = await ctx.db
    .selectFrom("sessions")
    .selectAll()
    .where("organization_id", "=", employee.organization_id)
    .where("employee_id", "=", employee.id)
    // session.started shows the running session when there is one; the others a completed one.
    .orderBy(sql`(ended_at is null) = ${verb === "started"}`, "desc")
    .orderBy("started_at", "desc")
    .executeTakeFirst();
  const base: SessionRow = latest ?? {
    id: newId("ses", now),
    organization_id: employee.organization_id,
    employee_id: employee.id,
    project_id: (example.project_id as string | null) ?? null,
    task_id: (example.task_id as string | null) ?? null,
    started_at: new Date(now.getTime() - 8 * 3600 * 1000),
    ended_at: now,
    billable: Boolean(example.billable),
    source: "api",
    note: (example.note as string | null) ?? null,
    metadata: {},
    approval_status: "pending",
    approved_by: null,
    approved_at: null,
    rejection_reason: null,
    activity_percent: null,
    created_at: now,
    updated_at: now,
  };
  const row: SessionRow = { ...base };
  const pending = { approval_status: "pending" as const, approved_by: null, approved_at: null, rejection_reason: null };
  if (verb === "started") {
    Object.assign(row, pending, { ended_at: null, activity_percent: null, updated_at: row.started_at });
  } else if (row.ended_at === null) {
    // A running session, as it would be stopped now.
    Object.assign(row, { ended_at: now, updated_at: now });
  }
  if (verb === "stopped" || verb === "created") Object.assign(row, pending);
  if (verb === "updated") row.updated_at = now;
  if (verb === "approved") {
    Object.assign(row, { ...pending, approval_status: "approved", approved_by: managerId, approved_at: now });
    row.updated_at = now;
  }
  if (verb === "rejected") {
    Object.assign(row, { ...pending, approval_status: "rejected", rejection_reason: example.rejection_reason });
    row.updated_at = now;
  }
  const data = toSession(row);
  return {
    data,
    employeeId: employee.id,
    resourceIds: [row.id, row.employee_id, row.project_id, row.task_id].filter((id): id is string => id !== null),
  };
}

async function leaveSample(
  ctx: DomainContext,
  verb: string,
  employee: EmployeeRow,
  managerId: string,
  example: Json,
  now: Date,
): Promise<Sample> {
  const latest = await ctx.db
    .selectFrom("leave_requests")
    .selectAll()
    .where("organization_id", "=", employee.organization_id)
    .where("employee_id", "=", employee.id)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  const row: LeaveRequestRow = latest
    ? { ...latest }
    : {
        id: newId("lv", now),
        organization_id: employee.organization_id,
        employee_id: employee.id,
        type: String(example.type),
        status: "requested",
        start_date: String(example.start_date),
        end_date: String(example.end_date),
        half_day_start: false,
        half_day_end: false,
        days: Number(example.days),
        hours: Number(example.hours),
        note: (example.note as string | null) ?? null,
        decided_by: null,
        decided_at: null,
        decision_note: null,
        cancelled_at: null,
        created_at: now,
        updated_at: now,
      };
  const undecided = { decided_by: null, decided_at: null, decision_note: null, cancelled_at: null };
  if (verb === "requested") Object.assign(row, undecided, { status: "requested" });
  if (verb === "approved") {
    Object.assign(row, undecided, {
      status: "approved",
      decided_by: managerId,
      decided_at: now,
      decision_note: example.decision_note ?? null,
    });
  }
  if (verb === "rejected") {
    Object.assign(row, undecided, {
      status: "rejected",
      decided_by: managerId,
      decided_at: now,
      decision_note: example.decision_note ?? null,
    });
  }
  if (verb === "cancelled") Object.assign(row, { status: "cancelled", cancelled_at: now });
  if (verb !== "requested") row.updated_at = now;
  return { data: toLeaveRequest(row), employeeId: employee.id, resourceIds: [row.id, employee.id] };
}
