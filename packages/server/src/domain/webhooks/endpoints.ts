import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { invalidField, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import { newId } from "../../ids.js";
import { OPENAPI_DOCUMENT } from "../../spec.js";
import type { WebhookEndpointRow } from "../../storage/schema.js";
import { type DomainContext, inTransaction } from "../actor.js";
import { type Changes, diff, recordChange } from "../audit.js";
import { createWebhookSecret, openWebhookSecret, ROTATION_OVERLAP_MS } from "./secret.js";
import { urlRefusal } from "./url-safety.js";

// Webhook endpoints: where the organization's events are sent. Admin-only (the spec's roles are
// enforced before these run). Every change is one transaction with its audit entry; none emits
// an event. Signing secrets are stored sealed only and appear in clear only in the answers of
// create, rotate-secret and reveal-secret.

type WebhookEndpoint = components["schemas"]["WebhookEndpoint"];
type WebhookEndpointWithSecret = components["schemas"]["WebhookEndpointWithSecret"];
type WebhookEndpointSecret = components["schemas"]["WebhookEndpointSecret"];
type WebhookEndpointCreate = components["schemas"]["WebhookEndpointCreate"];
type WebhookEndpointUpdate = components["schemas"]["WebhookEndpointUpdate"];
type EventType = components["schemas"]["EventType"];

/** The selector that subscribes an endpoint to every event type, including ones added later. */
export const ALL_EVENTS = "*";

/** The event types of the spec (its `EventType` enum), which endpoints may subscribe to. */
export const WEBHOOK_EVENT_TYPES: ReadonlySet<string> = new Set(
  (
    (OPENAPI_DOCUMENT.components as { schemas: Record<string, { enum?: string[] }> }).schemas.EventType?.enum ?? []
  ).filter((type): type is string => typeof type === "string"),
);

/** Whether `type` is one of the spec's event types (`*` is not a type; see `assertEventSelectors`). */
export function isKnownEventType(type: string): boolean {
  return WEBHOOK_EVENT_TYPES.has(type);
}

/**
 * Refuses an `events` list with an unknown event type (`422` at `field.<index>`), or one that
 * mixes `*` with other types (`422` at `field`: `["*"]` already means every type, so a mixed
 * list is most likely a mistake).
 */
export function assertEventSelectors(events: readonly string[], field: string): void {
  if (events.includes(ALL_EVENTS) && events.length > 1) {
    throw invalidField(field, 'must be ["*"] alone (every event type) or a list of event types, not both');
  }
  events.forEach((type, index) => {
    if (type !== ALL_EVENTS && !isKnownEventType(type)) {
      throw invalidField(`${field}.${index}`, `is not a known event type (${type})`);
    }
  });
}

/**
 * The API shape of an endpoint, never with its secret: `previous_secret_expires_at` only while
 * the previous secret still signs (in the future at `now`), `null` after.
 */
export function toWebhookEndpoint(row: WebhookEndpointRow, now: Date): WebhookEndpoint {
  const overlapUntil = row.previous_secret_expires_at;
  return {
    id: row.id,
    organization_id: row.organization_id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    employee_id: row.employee_id,
    secret_prefix: row.secret_prefix,
    secret_rotated_at: row.secret_rotated_at?.toISOString() ?? null,
    previous_secret_expires_at: overlapUntil && overlapUntil > now ? overlapUntil.toISOString() : null,
    disabled_reason: row.disabled_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The endpoint with this id in the caller's organization, or a 404 problem (also for another organization's id). */
export async function findWebhookEndpoint(
  ctx: DomainContext,
  id: string,
  { forUpdate = false } = {},
): Promise<WebhookEndpointRow> {
  let query = ctx.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("webhook endpoint", id);
  return row;
}

/** Refuses a URL that may not receive webhooks (not http(s), credentials, private or metadata hosts) with `422` at `body.url`. */
async function assertSafeUrl(ctx: DomainContext, url: string): Promise<void> {
  const refusal = await urlRefusal(url, ctx.webhooks.allowlist, ctx.webhooks.resolve);
  if (refusal) throw invalidField("body.url", refusal);
}

/** Refuses an `employee_id` that is not an employee of the caller's organization (missing or another organization's alike). */
async function assertEmployee(ctx: DomainContext, employeeId: string): Promise<void> {
  const employee = await ctx.db
    .selectFrom("employees")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", employeeId)
    .executeTakeFirst();
  if (!employee) throw invalidField("body.employee_id", "is not an employee of this organization");
}

/** The fields of an endpoint that the audit log records (never a secret). */
function auditedFields(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    employee_id: endpoint.employee_id,
    disabled_reason: endpoint.disabled_reason,
  };
}

function orNull(changes: Changes): Changes | null {
  return Object.keys(changes).length > 0 ? changes : null;
}

/**
 * Lists the organization's endpoints, newest first, optionally only enabled or disabled ones
 * and only those that receive `event` (subscribed to it or to `*`).
 */
export async function listWebhookEndpoints(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; enabled?: boolean; event?: EventType },
): Promise<Page<WebhookEndpoint>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  const now = ctx.now();
  let q = ctx.db.selectFrom("webhook_endpoints").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (query.enabled !== undefined) q = q.where("enabled", "=", query.enabled);
  const event = query.event;
  if (event !== undefined) q = q.where(sql<boolean>`(events ? ${ALL_EVENTS} or events ? ${event})`);
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (r) => [r.id, r.id],
    (r) => toWebhookEndpoint(r, now),
  );
}

/** Returns one endpoint, without its secret. */
export async function getWebhookEndpoint(ctx: DomainContext, id: string): Promise<WebhookEndpoint> {
  return toWebhookEndpoint(await findWebhookEndpoint(ctx, id), ctx.now());
}

/**
 * Adds an endpoint with a new signing secret, which only this answer carries in clear. `url`
 * is required unless the endpoint is created disabled (`disabled_reason: manual`); `events`
 * defaults to `["*"]`. Audited as `webhook_endpoint.created`; emits no event.
 */
export async function createWebhookEndpoint(
  ctx: DomainContext,
  body: WebhookEndpointCreate,
): Promise<WebhookEndpointWithSecret> {
  const enabled = body.enabled ?? true;
  const events = body.events ?? [ALL_EVENTS];
  assertEventSelectors(events, "body.events");
  if (body.url === undefined) {
    if (enabled) throw invalidField("body.url", "is required unless enabled is false");
  } else {
    // Resolved before the transaction: a slow DNS answer holds no locks.
    await assertSafeUrl(ctx, body.url);
  }
  return inTransaction(ctx, async (tx) => {
    if (body.employee_id !== undefined) await assertEmployee(tx, body.employee_id);
    const now = tx.now();
    const made = createWebhookSecret(tx.webhooks.masterKey);
    const row = await tx.db
      .insertInto("webhook_endpoints")
      .values({
        id: newId("whe", now),
        organization_id: tx.actor.organizationId,
        url: body.url ?? null,
        description: body.description ?? null,
        events: JSON.stringify(events),
        enabled,
        employee_id: body.employee_id ?? null,
        secret_sealed: made.sealed,
        secret_prefix: made.prefix,
        previous_secret_sealed: null,
        previous_secret_expires_at: null,
        secret_rotated_at: null,
        disabled_reason: enabled ? null : "manual",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const endpoint = toWebhookEndpoint(row, now);
    await recordChange(tx, {
      action: "webhook_endpoint.created",
      resourceType: "webhook_endpoint",
      resourceId: endpoint.id,
      changes: diff({}, auditedFields(endpoint)),
    });
    return { ...endpoint, secret: made.secret };
  });
}

/**
 * Changes the fields sent (`null` clears `description` or `employee_id`; `url: null` only for
 * an endpoint that is or becomes disabled). `enabled: false` disables it (`disabled_reason:
 * manual`, unless it was already disabled for another reason) and turns its `RETRYING`
 * deliveries into `FAILED`; `enabled: true` clears `disabled_reason` and needs a URL. The
 * secret is untouched. Audited as `webhook_endpoint.updated` with the changes; emits no event.
 */
export async function updateWebhookEndpoint(
  ctx: DomainContext,
  id: string,
  body: WebhookEndpointUpdate,
): Promise<WebhookEndpoint> {
  if (body.events !== undefined) assertEventSelectors(body.events, "body.events");
  if (typeof body.url === "string") await assertSafeUrl(ctx, body.url);
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const before = await findWebhookEndpoint(tx, id, { forUpdate: true });
    const url = body.url === undefined ? before.url : body.url;
    const enabled = body.enabled ?? before.enabled;
    if (enabled && url === null) {
      if (body.enabled === true) throw invalidField("body.enabled", "cannot be true for an endpoint without a URL");
      throw invalidField("body.url", "can only be removed from a disabled endpoint (send enabled: false with it)");
    }
    if (typeof body.employee_id === "string") await assertEmployee(tx, body.employee_id);

    const patch: Record<string, unknown> = {};
    if (body.url !== undefined) patch.url = body.url;
    if (body.description !== undefined) patch.description = body.description;
    if (body.events !== undefined) patch.events = body.events;
    if (body.employee_id !== undefined) patch.employee_id = body.employee_id;
    if (body.enabled === true) {
      patch.enabled = true;
      patch.disabled_reason = null;
    } else if (body.enabled === false) {
      patch.enabled = false;
      // Already disabled (by a 410 Gone, say): it stays disabled for that reason.
      patch.disabled_reason = before.enabled ? "manual" : (before.disabled_reason ?? "manual");
    }
    const changes = diff(auditedFields(toWebhookEndpoint(before, now)), patch);

    let row = before;
    if (Object.keys(changes).length > 0) {
      const set: Record<string, unknown> = { ...patch, updated_at: now };
      if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
      row = await tx.db
        .updateTable("webhook_endpoints")
        .set(set)
        .where("id", "=", id)
        .where("organization_id", "=", tx.actor.organizationId)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (body.enabled === false) {
      // No automatic retry follows a disabling: what was waiting fails, to be retried by hand.
      await tx.db
        .updateTable("webhook_deliveries")
        .set({ status: "FAILED", next_attempt_at: null })
        .where("endpoint_id", "=", id)
        .where("organization_id", "=", tx.actor.organizationId)
        .where("status", "=", "RETRYING")
        .execute();
    }
    await recordChange(tx, {
      action: "webhook_endpoint.updated",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: orNull(changes),
    });
    return toWebhookEndpoint(row, now);
  });
}

/**
 * Deletes an endpoint, its secrets and (by the foreign key's cascade) its deliveries, pending
 * retries included. Audited as `webhook_endpoint.deleted` with what it was; emits no event.
 */
export async function deleteWebhookEndpoint(ctx: DomainContext, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const before = await findWebhookEndpoint(tx, id, { forUpdate: true });
    await tx.db
      .deleteFrom("webhook_endpoints")
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .execute();
    const was = auditedFields(toWebhookEndpoint(before, tx.now()));
    const gone = Object.fromEntries(Object.keys(was).map((field) => [field, null]));
    await recordChange(tx, {
      action: "webhook_endpoint.deleted",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: orNull(diff(was, gone)),
    });
  });
}

/**
 * Returns an endpoint's signing secret and, while it still signs, the one before the last
 * rotation. Audited as `webhook_endpoint.secret_revealed` (who, when, which endpoint; never
 * the secret); emits no event.
 */
export async function revealWebhookEndpointSecret(ctx: DomainContext, id: string): Promise<WebhookEndpointSecret> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const row = await findWebhookEndpoint(tx, id);
    const key = tx.webhooks.masterKey;
    const inOverlap =
      row.previous_secret_sealed !== null &&
      row.previous_secret_expires_at !== null &&
      row.previous_secret_expires_at > now;
    await recordChange(tx, {
      action: "webhook_endpoint.secret_revealed",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: null,
    });
    return {
      secret: openWebhookSecret(key, row.secret_sealed),
      previous_secret: inOverlap ? openWebhookSecret(key, row.previous_secret_sealed as string) : null,
      previous_secret_expires_at: inOverlap ? (row.previous_secret_expires_at as Date).toISOString() : null,
    };
  });
}

/**
 * Replaces the signing secret with a new one and returns it. The replaced secret keeps signing
 * (as the previous one) for `ROTATION_OVERLAP_MS` (24 hours); a secret that was still in its
 * overlap is retired at once, so at most two secrets sign. Audited as
 * `webhook_endpoint.secret_rotated` (without any secret); emits no event.
 */
export async function rotateWebhookEndpointSecret(ctx: DomainContext, id: string): Promise<WebhookEndpointWithSecret> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const before = await findWebhookEndpoint(tx, id, { forUpdate: true });
    const made = createWebhookSecret(tx.webhooks.masterKey);
    const expiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
    const row = await tx.db
      .updateTable("webhook_endpoints")
      .set({
        secret_sealed: made.sealed,
        secret_prefix: made.prefix,
        previous_secret_sealed: before.secret_sealed,
        previous_secret_expires_at: expiresAt,
        secret_rotated_at: now,
        updated_at: now,
      })
      .where("id", "=", id)
      .where("organization_id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const endpoint = toWebhookEndpoint(row, now);
    const was = toWebhookEndpoint(before, now);
    await recordChange(tx, {
      action: "webhook_endpoint.secret_rotated",
      resourceType: "webhook_endpoint",
      resourceId: id,
      changes: diff(
        { secret_rotated_at: was.secret_rotated_at, previous_secret_expires_at: was.previous_secret_expires_at },
        {
          secret_rotated_at: endpoint.secret_rotated_at,
          previous_secret_expires_at: endpoint.previous_secret_expires_at,
        },
      ),
    });
    return { ...endpoint, secret: made.secret };
  });
}
