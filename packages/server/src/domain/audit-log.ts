import { isIP } from "node:net";
import type { components } from "@timecard/sdk";
import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import { invalidField, notFound } from "../errors.js";
import { decodeCursor, type Page, toPage } from "../http/cursor.js";
import type { AuditLogTable, Database } from "../storage/schema.js";
import type { DomainContext } from "./actor.js";
import { findApiKey } from "./api-keys.js";

type AuditEntry = components["schemas"]["AuditEntry"];
type AuditRequest = NonNullable<AuditEntry["request"]>;

/** The filters of `GET /v1/audit-log` (the key trail takes the same, except `key_id`). */
export interface AuditFilters {
  limit?: number;
  cursor?: string;
  actor_id?: string;
  key_id?: string;
  action?: string;
  ip?: string;
  from?: string;
  to?: string;
  method?: AuditRequest["method"];
  status?: number;
  path_prefix?: string;
}

/**
 * An audit row with its request's outcome: a change entry is written inside the request's
 * transaction, before the status is known, so it takes status and duration from the
 * `api_request` entry of the same request.
 */
type AuditRowWithRequest = Selectable<AuditLogTable> & {
  request_status: number | null;
  request_duration_ms: number | null;
};

type Scope = ExpressionBuilder<Database & { a: AuditLogTable; r: AuditLogTable }, "a" | "r">;

/** The API shape of an audit entry. */
export function toAuditEntry(row: AuditRowWithRequest): AuditEntry {
  return {
    id: row.id,
    organization_id: row.organization_id,
    occurred_at: row.occurred_at.toISOString(),
    actor: {
      type: row.actor_type,
      employee_id: row.actor_employee_id,
      api_key_id: row.actor_api_key_id,
      oauth_app_id: row.actor_oauth_app_id,
    },
    action: row.action,
    request:
      row.method === null
        ? null
        : {
            method: row.method as AuditRequest["method"],
            path: row.path ?? "",
            // Only when the request's own entry is not written yet (it is batched, ~50 ms) or
            // was lost: a committed change means the request succeeded.
            status: row.request_status ?? 200,
            duration_ms: Math.max(0, Math.round(row.request_duration_ms ?? 0)),
            request_id: row.request_id ?? "",
            user_agent: row.user_agent,
          },
    ip: row.ip,
    resource: row.resource_type === null ? null : { type: row.resource_type, id: row.resource_id ?? "" },
    changes: row.changes ?? null,
  };
}

function entries(ctx: DomainContext) {
  return ctx.db
    .selectFrom("audit_log as a")
    .leftJoin("audit_log as r", (join) =>
      join
        .onRef("r.organization_id", "=", "a.organization_id")
        .onRef("r.request_id", "=", "a.request_id")
        .on("r.action", "=", "api_request")
        .on("a.status", "is", null),
    )
    .selectAll("a")
    .select((eb) => [
      eb.fn.coalesce("a.status", "r.status").as("request_status"),
      eb.fn.coalesce("a.duration_ms", "r.duration_ms").as("request_duration_ms"),
    ])
    .where("a.organization_id", "=", ctx.actor.organizationId);
}

/** `text` starts with `prefix` (no LIKE: `_` in `api_key` is not a wildcard here). */
function startsWith(column: "a.action" | "a.path", prefix: string) {
  return sql<boolean>`starts_with(${sql.ref(column)}, ${prefix})`;
}

/**
 * The `ip` filter as an inet literal: one address (IPv4 or IPv6) or a CIDR range. IPv4-mapped
 * IPv6 addresses are read as IPv4, as the stored addresses are.
 */
function ipRange(value: string): string {
  const [address = "", bits, ...rest] = value.split("/");
  const family = isIP(address);
  const prefix = bits === undefined ? undefined : Number(bits);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || rest.length > 0 || (prefix !== undefined && !(Number.isInteger(prefix) && prefix <= max))) {
    throw invalidField("query.ip", "must be an IPv4 or IPv6 address or a CIDR range such as 203.0.113.0/24");
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped && (prefix === undefined || prefix >= 96)) {
    return prefix === undefined ? mapped : `${mapped}/${prefix - 96}`;
  }
  return value;
}

function applyFilters(query: ReturnType<typeof entries>, filters: AuditFilters) {
  let q = query;
  const from = filters.from === undefined ? undefined : new Date(filters.from);
  const to = filters.to === undefined ? undefined : new Date(filters.to);
  if (from && to && from.getTime() > to.getTime()) throw invalidField("query.from", "must not be after `to`");
  if (from) q = q.where("a.occurred_at", ">=", from);
  if (to) q = q.where("a.occurred_at", "<", to);
  if (filters.actor_id) q = q.where("a.actor_employee_id", "=", filters.actor_id);
  const keyId = filters.key_id;
  if (keyId) {
    q = q.where((eb: Scope) =>
      eb.or([
        eb("a.actor_api_key_id", "=", keyId),
        eb.and([eb("a.resource_type", "=", "api_key"), eb("a.resource_id", "=", keyId)]),
      ]),
    );
  }
  if (filters.action) {
    q = filters.action.endsWith(".*")
      ? q.where(startsWith("a.action", filters.action.slice(0, -1)))
      : q.where("a.action", "=", filters.action);
  }
  if (filters.ip) q = q.where(sql<boolean>`timecard_inet(${sql.ref("a.ip")}) <<= ${ipRange(filters.ip)}::inet`);
  if (filters.method) q = q.where("a.method", "=", filters.method);
  const status = filters.status;
  if (status !== undefined) q = q.where((eb: Scope) => eb(eb.fn.coalesce("a.status", "r.status"), "=", status));
  if (filters.path_prefix) q = q.where(startsWith("a.path", filters.path_prefix));
  const after = decodeCursor(filters.cursor);
  if (after) q = q.where("a.id", "<", after[1]);
  return q;
}

async function page(query: ReturnType<typeof entries>, filters: AuditFilters): Promise<Page<AuditEntry>> {
  const limit = filters.limit ?? 25;
  const rows = await applyFilters(query, filters)
    .orderBy("a.id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows as AuditRowWithRequest[], limit, (r) => [r.id, r.id], toAuditEntry);
}

/** The organization's audit log, newest first, filtered (admins only; app.ts checks the role). */
export async function listAuditEntries(ctx: DomainContext, filters: AuditFilters): Promise<Page<AuditEntry>> {
  return page(entries(ctx), filters);
}

/** One audit entry of the organization. */
export async function getAuditEntry(ctx: DomainContext, id: string): Promise<AuditEntry> {
  const row = await entries(ctx).where("a.id", "=", id).executeTakeFirst();
  if (!row) throw notFound("audit log entry", id);
  return toAuditEntry(row as AuditRowWithRequest);
}

/**
 * The trail of one key: the requests made with it and the changes made to it, newest first.
 * Admins read any key's; everyone else their own keys' (another user's key is a 404).
 */
export async function listApiKeyAuditEntries(
  ctx: DomainContext,
  keyId: string,
  filters: Omit<AuditFilters, "key_id">,
): Promise<Page<AuditEntry>> {
  await findApiKey(ctx, keyId);
  return page(entries(ctx), { ...filters, key_id: keyId });
}
