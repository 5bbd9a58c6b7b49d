import type { components } from "@timecard/sdk";
import type { ExpressionBuilder } from "kysely";
import { forbidden, invalidField, invalidState, notFound } from "../errors.js";
import { decodeCursor, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { ApiKeyRow, Database } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { createKeySecret } from "./api-key-secret.js";
import { type Changes, diff, recordChange } from "./audit.js";
import { recordEvent } from "./events.js";

type ApiKey = components["schemas"]["ApiKey"];
type ApiKeyWithSecret = components["schemas"]["ApiKeyWithSecret"];
type ApiKeyCreate = components["schemas"]["ApiKeyCreate"];
type ApiKeyUpdate = components["schemas"]["ApiKeyUpdate"];
type ApiKeyRotate = components["schemas"]["ApiKeyRotate"];
type ApiKeyStatus = components["schemas"]["ApiKeyStatus"];

const DAY_MS = 24 * 3600 * 1000;
/** How far ahead a key's expiry may be, as the spec's ApiKeyCreate says. */
const MAX_EXPIRY_DAYS = 730;

/**
 * A key's status at `now`: revoked once `revoked_at` has passed (a rotated key in its grace
 * period stays active until then), expired once `expires_at` has passed.
 */
export function keyStatus(row: Pick<ApiKeyRow, "revoked_at" | "expires_at">, now: Date): ApiKeyStatus {
  if (row.revoked_at && row.revoked_at <= now) return "revoked";
  if (row.expires_at && row.expires_at <= now) return "expired";
  return "active";
}

/** The API shape of a key: never its secret (only its hash is stored anyway). */
export function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  return {
    id: row.id,
    organization_id: row.organization_id,
    employee_id: row.employee_id,
    name: row.name,
    scope: row.scope,
    mode: row.mode,
    prefix: row.prefix,
    last_four: row.last_four,
    rate_limit_per_hour: row.rate_limit_per_hour,
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    last_used_ip: row.last_used_ip,
    status: keyStatus(row, now),
    revoked_at: row.revoked_at?.toISOString() ?? null,
    rotated_to: row.rotated_to,
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
  };
}

/**
 * The key with this id that the caller may manage: any key of the organization for admins,
 * their own for everyone else; anything else is a 404, exactly like a missing key.
 */
export async function findApiKey(ctx: DomainContext, id: string, { forUpdate = false } = {}): Promise<ApiKeyRow> {
  let query = ctx.db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (ctx.actor.role !== "admin") query = query.where("employee_id", "=", ctx.actor.employeeId);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("API key", id);
  return row;
}

function statusIs(eb: ExpressionBuilder<Database, "api_keys">, status: ApiKeyStatus, now: Date) {
  const notRevoked = eb.or([eb("revoked_at", "is", null), eb("revoked_at", ">", now)]);
  switch (status) {
    case "revoked":
      return eb("revoked_at", "<=", now);
    case "expired":
      return eb.and([notRevoked, eb("expires_at", "<=", now)]);
    default:
      return eb.and([notRevoked, eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)])]);
  }
}

/**
 * Lists keys, newest first. Admins see every key (optionally one employee's); everyone else
 * sees their own, and naming another employee is `403 forbidden`.
 */
export async function listApiKeys(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; employee_id?: string; status?: ApiKeyStatus },
): Promise<Page<ApiKey>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  const admin = ctx.actor.role === "admin";
  if (!admin && query.employee_id !== undefined && query.employee_id !== ctx.actor.employeeId) {
    throw forbidden("Only admins may list other employees' API keys.");
  }
  const now = ctx.now();
  let q = ctx.db.selectFrom("api_keys").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  const employeeId = admin ? query.employee_id : ctx.actor.employeeId;
  if (employeeId) q = q.where("employee_id", "=", employeeId);
  const status = query.status;
  if (status) q = q.where((eb) => statusIs(eb, status, now));
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (r) => [r.id, r.id],
    (r) => toApiKey(r, now),
  );
}

/** Returns one key the caller may see, without its secret. */
export async function getApiKey(ctx: DomainContext, id: string): Promise<ApiKey> {
  return toApiKey(await findApiKey(ctx, id), ctx.now());
}

/** Refuses an expiry that is not in the future or is more than 730 days ahead. */
function assertExpiry(at: Date, now: Date, field: string): void {
  if (at.getTime() <= now.getTime()) throw invalidField(field, "must be in the future");
  if (at.getTime() > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS) {
    throw invalidField(field, `must be at most ${MAX_EXPIRY_DAYS} days ahead`);
  }
}

async function emitKeyEvent(tx: DomainContext, type: string, key: ApiKey, extraIds: string[] = []): Promise<void> {
  await recordEvent(tx.db, {
    organizationId: key.organization_id,
    type,
    data: key,
    employeeId: key.employee_id,
    resourceIds: [key.id, key.employee_id, ...extraIds],
    now: tx.now(),
  });
}

/**
 * Creates a key for the caller, or (admins only) for the employee named by `employee_id`, in
 * the mode of the calling credential. The secret is in the answer only: events and the audit
 * log get the key without it. Emits `api_key.created`.
 */
export async function createApiKey(ctx: DomainContext, body: ApiKeyCreate): Promise<ApiKeyWithSecret> {
  const employeeId = body.employee_id ?? ctx.actor.employeeId;
  if (employeeId !== ctx.actor.employeeId && ctx.actor.role !== "admin") {
    throw forbidden("Only admins may create API keys for other employees.");
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    let expiresAt: Date | null = null;
    if (body.expires_at !== undefined) {
      expiresAt = new Date(body.expires_at);
      assertExpiry(expiresAt, now, "body.expires_at");
    } else if (body.expires_in_days !== undefined) {
      expiresAt = new Date(now.getTime() + body.expires_in_days * DAY_MS);
    }
    const owner = await tx.db
      .selectFrom("employees")
      .select(["id", "status"])
      .where("organization_id", "=", tx.actor.organizationId)
      .where("id", "=", employeeId)
      .forUpdate()
      .executeTakeFirst();
    if (!owner) throw invalidField("body.employee_id", "is not an employee of this organization");
    if (owner.status !== "active") {
      throw invalidState(`Employee ${employeeId} is deactivated; a deactivated employee cannot have API keys.`);
    }
    const mode = tx.actor.credential.mode;
    const made = createKeySecret(mode);
    const row = await tx.db
      .insertInto("api_keys")
      .values({
        id: newId("key", now),
        organization_id: tx.actor.organizationId,
        employee_id: employeeId,
        name: body.name,
        scope: body.scope ?? "full",
        mode,
        prefix: made.prefix,
        last_four: made.lastFour,
        secret_hash: made.hash,
        rate_limit_per_hour: body.rate_limit_per_hour ?? 1000,
        expires_at: expiresAt,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        rotated_to: null,
        created_at: now,
        created_by: tx.actor.employeeId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const key = toApiKey(row, now);
    await emitKeyEvent(tx, "api_key.created", key);
    await recordChange(tx, {
      action: "api_key.created",
      resourceType: "api_key",
      resourceId: key.id,
      changes: diff(
        {},
        {
          employee_id: key.employee_id,
          name: key.name,
          scope: key.scope,
          mode: key.mode,
          rate_limit_per_hour: key.rate_limit_per_hour,
          expires_at: key.expires_at,
        },
      ),
    });
    return { ...key, secret: made.secret };
  });
}

/**
 * Changes a key's name, rate limit or expiry (the fields sent). Refuses revoked and expired
 * keys with `409 invalid_state`. Audited with the changes; emits no event.
 */
export async function updateApiKey(ctx: DomainContext, id: string, body: ApiKeyUpdate): Promise<ApiKey> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const before = await findApiKey(tx, id, { forUpdate: true });
    const status = keyStatus(before, now);
    if (status !== "active") throw invalidState(`API key ${id} is ${status}; it can no longer be changed.`);
    const set: { name?: string; rate_limit_per_hour?: number; expires_at?: Date | null } = {};
    const patch: Record<string, unknown> = {};
    if (body.name !== undefined) set.name = patch.name = body.name;
    if (body.rate_limit_per_hour !== undefined) {
      set.rate_limit_per_hour = patch.rate_limit_per_hour = body.rate_limit_per_hour;
    }
    if (body.expires_at !== undefined) {
      set.expires_at = body.expires_at === null ? null : new Date(body.expires_at);
      if (set.expires_at) assertExpiry(set.expires_at, now, "body.expires_at");
      patch.expires_at = set.expires_at?.toISOString() ?? null;
    }
    const changes = diff(toApiKey(before, now), patch);
    const row =
      Object.keys(set).length === 0
        ? before
        : await tx.db
            .updateTable("api_keys")
            .set(set)
            .where("id", "=", id)
            .where("organization_id", "=", tx.actor.organizationId)
            .returningAll()
            .executeTakeFirstOrThrow();
    await recordChange(tx, {
      action: "api_key.updated",
      resourceType: "api_key",
      resourceId: id,
      changes: Object.keys(changes).length > 0 ? changes : null,
    });
    return toApiKey(row, now);
  });
}

/** Sets `revoked_at` to now on a locked row; emits `api_key.revoked` and audits it. */
async function revokeRow(tx: DomainContext, before: ApiKeyRow): Promise<ApiKey> {
  const now = tx.now();
  const row = await tx.db
    .updateTable("api_keys")
    .set({ revoked_at: now })
    .where("id", "=", before.id)
    .where("organization_id", "=", before.organization_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const key = toApiKey(row, now);
  await emitKeyEvent(tx, "api_key.revoked", key);
  const changes: Changes = { revoked_at: { from: before.revoked_at?.toISOString() ?? null, to: key.revoked_at } };
  await recordChange(tx, { action: "api_key.revoked", resourceType: "api_key", resourceId: key.id, changes });
  return key;
}

/**
 * Revokes a key for good, from the next request on; a rotated key in its grace period stops at
 * once. `409 invalid_state` when it is already revoked. Emits `api_key.revoked`.
 */
export async function revokeApiKey(ctx: DomainContext, id: string): Promise<ApiKey> {
  return inTransaction(ctx, async (tx) => {
    const before = await findApiKey(tx, id, { forUpdate: true });
    if (keyStatus(before, tx.now()) === "revoked") throw invalidState(`API key ${id} is already revoked.`);
    return revokeRow(tx, before);
  });
}

/**
 * Replaces a key with a new one (same user, name, scope, mode, rate limit and expiry) and
 * returns it with its secret. The old key points to it by `rotated_to` and stops at once or
 * after `expire_current_in_seconds`. `409 invalid_state` when the key is revoked, expired or
 * already rotated. Emits `api_key.rotated` with the old key.
 */
export async function rotateApiKey(
  ctx: DomainContext,
  id: string,
  body: ApiKeyRotate | undefined,
): Promise<ApiKeyWithSecret> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const before = await findApiKey(tx, id, { forUpdate: true });
    const status = keyStatus(before, now);
    if (status !== "active") throw invalidState(`API key ${id} is ${status}; it cannot be rotated.`);
    if (before.rotated_to) throw invalidState(`API key ${id} was already rotated to ${before.rotated_to}.`);
    const made = createKeySecret(before.mode);
    const replacement = await tx.db
      .insertInto("api_keys")
      .values({
        id: newId("key", now),
        organization_id: before.organization_id,
        employee_id: before.employee_id,
        name: before.name,
        scope: before.scope,
        mode: before.mode,
        prefix: made.prefix,
        last_four: made.lastFour,
        secret_hash: made.hash,
        rate_limit_per_hour: before.rate_limit_per_hour,
        expires_at: before.expires_at,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        rotated_to: null,
        created_at: now,
        created_by: tx.actor.employeeId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const graceSeconds = body?.expire_current_in_seconds ?? 0;
    const old = await tx.db
      .updateTable("api_keys")
      .set({ rotated_to: replacement.id, revoked_at: new Date(now.getTime() + graceSeconds * 1000) })
      .where("id", "=", id)
      .where("organization_id", "=", before.organization_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const oldKey = toApiKey(old, now);
    await emitKeyEvent(tx, "api_key.rotated", oldKey, [replacement.id]);
    await recordChange(tx, {
      action: "api_key.rotated",
      resourceType: "api_key",
      resourceId: id,
      changes: {
        rotated_to: { from: null, to: replacement.id },
        revoked_at: { from: before.revoked_at?.toISOString() ?? null, to: oldKey.revoked_at },
      },
    });
    return { ...toApiKey(replacement, now), secret: made.secret };
  });
}

/**
 * Revokes every active key of an employee (and stops rotated keys still in their grace
 * period), inside the caller's transaction; used when the employee is deactivated. Emits
 * `api_key.revoked` for each key and audits each.
 */
export async function revokeKeysOf(tx: DomainContext, employeeId: string): Promise<void> {
  const now = tx.now();
  const rows = await tx.db
    .selectFrom("api_keys")
    .selectAll()
    .where("organization_id", "=", tx.actor.organizationId)
    .where("employee_id", "=", employeeId)
    .where((eb) => statusIs(eb, "active", now))
    .orderBy("id")
    .forUpdate()
    .execute();
  for (const row of rows) await revokeRow(tx, row);
}
