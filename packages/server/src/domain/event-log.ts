import type { components } from "@timecard/sdk";
import { type ExpressionBuilder, sql } from "kysely";
import { invalidField, notFound } from "../errors.js";
import { decodeTimeCursor, newestFirstAfter, type Page, toPage } from "../http/cursor.js";
import type { Database, EventRow } from "../storage/schema.js";
import type { DomainContext } from "./actor.js";

type Event = components["schemas"]["Event"];
type EventType = components["schemas"]["EventType"];

/** Events are kept for 30 days; older ones are neither listed nor found. */
const RETENTION_MS = 30 * 24 * 3600 * 1000;
/** Fields of `Employee` that only admins see, in events as in the employee endpoints. */
const ADMIN_ONLY_EMPLOYEE_FIELDS = ["hourly_rate", "payroll_number", "clock_card_number"];
/** Event types about one employee's own things, seen by them and their manager. */
const PERSONAL_PREFIXES = ["employee.", "session.", "leave."];
const PERSONAL_TYPES = ["overtime.warning", "compliance.violation"];
/** Event types everyone in the organization sees. */
const PUBLIC_PREFIXES = ["project.", "task."];

/** The API shape of an event; `data` of employee events without rates and payroll ids unless for admins. */
export function toEvent(row: EventRow, forAdmin: boolean): Event {
  let data = row.data;
  if (!forAdmin && row.type.startsWith("employee.")) {
    data = Object.fromEntries(Object.entries(data).filter(([field]) => !ADMIN_ONLY_EMPLOYEE_FIELDS.includes(field)));
  }
  return {
    id: row.id,
    type: row.type,
    created_at: row.created_at.toISOString(),
    organization_id: row.organization_id,
    api_version: row.api_version,
    data,
  } as unknown as Event;
}

function startsWith(prefix: string) {
  return sql<boolean>`starts_with(${sql.ref("type")}, ${prefix})`;
}

/**
 * What a non-admin may see, as the spec's `GET /v1/events` lists it: project and task events;
 * employee, session, leave, overtime and compliance events about themselves (and, for managers,
 * their direct reports); their own keys' events; export events for managers. Admins see all.
 */
function visible(ctx: DomainContext) {
  const { role, employeeId, organizationId } = ctx.actor;
  return (eb: ExpressionBuilder<Database, "events">) => {
    const mine =
      role === "manager"
        ? eb.or([
            eb("employee_id", "=", employeeId),
            eb(
              "employee_id",
              "in",
              eb
                .selectFrom("employees")
                .select("employees.id")
                .where("employees.organization_id", "=", organizationId)
                .where("employees.manager_id", "=", employeeId),
            ),
          ])
        : eb("employee_id", "=", employeeId);
    const personal = eb.or([...PERSONAL_PREFIXES.map(startsWith), eb("type", "in", PERSONAL_TYPES)]);
    const allowed = [
      ...PUBLIC_PREFIXES.map(startsWith),
      eb.and([personal, mine]),
      eb.and([startsWith("api_key."), eb("employee_id", "=", employeeId)]),
    ];
    if (role === "manager") allowed.push(startsWith("export."));
    return eb.or(allowed);
  };
}

function events(ctx: DomainContext) {
  let q = ctx.db
    .selectFrom("events")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("created_at", ">=", new Date(ctx.now().getTime() - RETENTION_MS));
  if (ctx.actor.role !== "admin") q = q.where(visible(ctx));
  return q;
}

/**
 * Lists the events of the last 30 days the caller may see, newest first (by `created_at`),
 * filtered by type, type prefix, time (`from` inclusive, `to` exclusive) and resource id.
 */
export async function listEvents(
  ctx: DomainContext,
  query: {
    limit?: number;
    cursor?: string;
    type?: EventType;
    type_prefix?: string;
    from?: string;
    to?: string;
    resource_id?: string;
  },
): Promise<Page<Event>> {
  const limit = query.limit ?? 25;
  const after = decodeTimeCursor(query.cursor);
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() > to.getTime()) throw invalidField("query.from", "must not be after `to`");
  let q = events(ctx);
  if (query.type) q = q.where("type", "=", query.type);
  if (query.type_prefix) q = q.where(startsWith(query.type_prefix));
  if (from) q = q.where("created_at", ">=", from);
  if (to) q = q.where("created_at", "<", to);
  if (query.resource_id) {
    q = q.where(sql<boolean>`${sql.ref("resource_ids")} @> ${JSON.stringify([query.resource_id])}::jsonb`);
  }
  if (after) q = q.where(newestFirstAfter(after));
  const rows = await q
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const admin = ctx.actor.role === "admin";
  return toPage(
    rows,
    limit,
    (r) => [r.created_at.toISOString(), r.id],
    (r) => toEvent(r, admin),
  );
}

/** One event the caller may see, from the last 30 days; anything else is a 404. */
export async function getEvent(ctx: DomainContext, id: string): Promise<Event> {
  const row = await events(ctx).where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("event", id);
  return toEvent(row, ctx.actor.role === "admin");
}
