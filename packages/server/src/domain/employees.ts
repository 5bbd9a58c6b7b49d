import type { components } from "@timecard/sdk";
import { ApiProblem, notFound } from "../errors.js";
import { decodeCursor, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { EmployeeRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { revokeKeysOf } from "./api-keys.js";
import { diff, recordChange } from "./audit.js";
import { recordEvent } from "./events.js";
import { stopRunningSessionOf } from "./sessions.js";

type Employee = components["schemas"]["Employee"];
type EmployeeCreate = components["schemas"]["EmployeeCreate"];
type EmployeeUpdate = components["schemas"]["EmployeeUpdate"];

/** The API shape of an employee; rates and payroll identifiers only for admins (the spec says so). */
export function toEmployee(row: EmployeeRow, forAdmin: boolean): Employee {
  const employee: Employee = {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    email: row.email,
    role: row.role,
    status: row.status,
    manager_id: row.manager_id,
    country: row.country,
    time_zone: row.time_zone as Employee["time_zone"],
    weekly_hours_norm: row.weekly_hours_norm,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deactivated_at: row.deactivated_at?.toISOString() ?? null,
  };
  if (forAdmin) {
    employee.hourly_rate =
      row.hourly_rate_minor === null
        ? null
        : { amount_minor: row.hourly_rate_minor, currency: row.hourly_rate_currency as "PLN" | "CZK" | "EUR" };
    employee.payroll_number = row.payroll_number;
    employee.clock_card_number = row.clock_card_number;
  }
  return employee;
}

/** The employee row with this id in the caller's organization, or a 404 problem. */
export async function findEmployee(ctx: DomainContext, id: string, { forUpdate = false } = {}): Promise<EmployeeRow> {
  let query = ctx.db
    .selectFrom("employees")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("employee", id);
  return row;
}

/** Writes an `employee.*` event with the employee as data (with admin fields: visibility is the event list's job). */
async function emitEmployeeEvent(tx: DomainContext, type: string, row: EmployeeRow, now: Date): Promise<Employee> {
  const employee = toEmployee(row, true);
  await recordEvent(tx.db, {
    organizationId: row.organization_id,
    type,
    data: employee,
    employeeId: row.id,
    resourceIds: [row.id],
    now,
  });
  return employee;
}

/** True when `employeeId` reports to the manager `managerId`. */
export async function isDirectReport(ctx: DomainContext, managerId: string, employeeId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("employees")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", employeeId)
    .where("manager_id", "=", managerId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Lists employees by name. Everyone sees the directory; admins also see rates and payroll ids. */
export async function listEmployees(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; role?: string; manager_id?: string; status?: string; email?: string },
): Promise<Page<Employee>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let q = ctx.db.selectFrom("employees").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (query.role) q = q.where("role", "=", query.role as EmployeeRow["role"]);
  if (query.manager_id) q = q.where("manager_id", "=", query.manager_id);
  if (query.status) q = q.where("status", "=", query.status as EmployeeRow["status"]);
  if (query.email) q = q.where((eb) => eb(eb.fn("lower", ["email"]), "=", query.email?.toLowerCase() ?? ""));
  if (after) {
    const [name, id] = after;
    q = q.where((eb) => eb.or([eb("name", ">", name), eb.and([eb("name", "=", name), eb("id", ">", id)])]));
  }
  const rows = await q
    .orderBy("name")
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  const admin = ctx.actor.role === "admin";
  return toPage(
    rows,
    limit,
    (r) => [r.name, r.id],
    (r) => toEmployee(r, admin),
  );
}

/** Returns one employee. */
export async function getEmployee(ctx: DomainContext, id: string): Promise<Employee> {
  return toEmployee(await findEmployee(ctx, id), ctx.actor.role === "admin");
}

async function organizationDefaults(ctx: DomainContext) {
  const org = await ctx.db
    .selectFrom("organizations")
    .select(["country", "time_zone", "settings"])
    .where("id", "=", ctx.actor.organizationId)
    .executeTakeFirstOrThrow();
  return { country: org.country, timeZone: org.time_zone, weeklyNorm: org.settings.weekly_hours_norm };
}

async function assertManager(ctx: DomainContext, managerId: string | null | undefined, field: string) {
  if (!managerId) return;
  const manager = await ctx.db
    .selectFrom("employees")
    .select(["id", "status"])
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", managerId)
    .executeTakeFirst();
  if (manager?.status !== "active") {
    throw new ApiProblem(422, "validation_failed", `${field} is not an active employee of this organization.`, [
      { field, message: "is not an active employee of this organization" },
    ]);
  }
}

async function assertEmailFree(ctx: DomainContext, email: string, exceptId?: string) {
  let q = ctx.db
    .selectFrom("employees")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()));
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst()) {
    throw new ApiProblem(409, "already_exists", `An employee with the email ${email} already exists.`);
  }
}

/** Adds an employee; country, time zone and norm default to the organization's. Emits `employee.created`. */
export async function createEmployee(ctx: DomainContext, body: EmployeeCreate): Promise<Employee> {
  return inTransaction(ctx, async (tx) => {
    await assertManager(tx, body.manager_id, "body.manager_id");
    await assertEmailFree(tx, body.email);
    const defaults = await organizationDefaults(tx);
    const now = tx.now();
    const row = await tx.db
      .insertInto("employees")
      .values({
        id: newId("emp", now),
        organization_id: tx.actor.organizationId,
        name: body.name,
        email: body.email,
        role: body.role ?? "employee",
        status: "active",
        manager_id: body.manager_id ?? null,
        country: body.country ?? defaults.country,
        time_zone: body.time_zone ?? defaults.timeZone,
        weekly_hours_norm: body.weekly_hours_norm ?? defaults.weeklyNorm,
        hourly_rate_minor: body.hourly_rate?.amount_minor ?? null,
        hourly_rate_currency: body.hourly_rate?.currency ?? null,
        payroll_number: body.payroll_number ?? null,
        clock_card_number: body.clock_card_number ?? null,
        metadata: JSON.stringify(body.metadata ?? {}),
        created_at: now,
        updated_at: now,
        deactivated_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const employee = await emitEmployeeEvent(tx, "employee.created", row, now);
    await recordChange(tx, { action: "employee.created", resourceType: "employee", resourceId: row.id });
    return employee;
  });
}

/** Changes the fields sent (`null` clears an optional one). Emits `employee.updated`; audited with the changes. */
export async function updateEmployee(ctx: DomainContext, id: string, body: EmployeeUpdate): Promise<Employee> {
  return inTransaction(ctx, async (tx) => {
    const before = await findEmployee(tx, id, { forUpdate: true });
    if (body.manager_id === id) {
      throw new ApiProblem(422, "validation_failed", "An employee cannot be their own manager.", [
        { field: "body.manager_id", message: "cannot be the employee themselves" },
      ]);
    }
    if (body.manager_id !== undefined) await assertManager(tx, body.manager_id, "body.manager_id");
    if (body.email !== undefined) await assertEmailFree(tx, body.email, id);
    const set: Record<string, unknown> = {};
    for (const field of [
      "name",
      "email",
      "role",
      "manager_id",
      "country",
      "time_zone",
      "weekly_hours_norm",
      "payroll_number",
      "clock_card_number",
    ] as const) {
      if (body[field] !== undefined) set[field] = body[field];
    }
    if (body.hourly_rate !== undefined) {
      set.hourly_rate_minor = body.hourly_rate?.amount_minor ?? null;
      set.hourly_rate_currency = body.hourly_rate?.currency ?? null;
    }
    const changes = diff(before as unknown as Record<string, unknown>, set);
    if (body.metadata !== undefined) set.metadata = JSON.stringify(body.metadata);
    const now = tx.now();
    const row = await tx.db
      .updateTable("employees")
      .set({ ...set, updated_at: now })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const employee = await emitEmployeeEvent(tx, "employee.updated", row, now);
    await recordChange(tx, { action: "employee.updated", resourceType: "employee", resourceId: id, changes });
    return employee;
  });
}

/**
 * Marks an employee as having left: stops their running session, revokes their API keys.
 * Emits `session.stopped`, `api_key.revoked` and `employee.deactivated`.
 */
export async function deactivateEmployee(ctx: DomainContext, id: string): Promise<Employee> {
  return inTransaction(ctx, async (tx) => {
    const before = await findEmployee(tx, id, { forUpdate: true });
    if (before.status === "deactivated") {
      throw new ApiProblem(409, "invalid_state", `Employee ${id} is already deactivated.`);
    }
    if (id === tx.actor.employeeId) {
      throw new ApiProblem(409, "invalid_state", "You cannot deactivate yourself; ask another admin.");
    }
    await stopRunningSessionOf(tx, id);
    await revokeKeysOf(tx, id);
    const now = tx.now();
    const row = await tx.db
      .updateTable("employees")
      .set({ status: "deactivated", deactivated_at: now, updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const employee = await emitEmployeeEvent(tx, "employee.deactivated", row, now);
    await recordChange(tx, {
      action: "employee.deactivated",
      resourceType: "employee",
      resourceId: id,
      changes: { status: { from: "active", to: "deactivated" } },
    });
    return employee;
  });
}
