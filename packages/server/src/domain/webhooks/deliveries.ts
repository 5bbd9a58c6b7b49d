import type { components } from "@timecard/sdk";
import { sql } from "kysely";
import { invalidField, invalidState, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../../storage/schema.js";
import { type DomainContext, inTransaction } from "../actor.js";
import { recordChange } from "../audit.js";
import { recordEvent, WEBHOOK_CHANNEL } from "../events.js";

// Webhook deliveries: the record of sending each event to each endpoint, for the admins to
// inspect (the dead-letter queue is `status=DEAD`), retry by hand, and the test operation that
// sends a `webhook.test` event to one endpoint and answers with its first attempt.

type WebhookDelivery = components["schemas"]["WebhookDelivery"];
type WebhookDeliveryStatus = components["schemas"]["WebhookDeliveryStatus"];
type EventType = components["schemas"]["EventType"];

/** How many of an endpoint's deliveries its own list shows (the spec's "50 most recent"). */
export const ENDPOINT_RECENT_DELIVERIES = 50;
/** The message of every `webhook.test` event. */
export const WEBHOOK_TEST_MESSAGE = "This is a test event from Timecard.";

/** The API shape of a delivery. */
export function toWebhookDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type as EventType,
    status: row.status,
    attempt: row.attempt,
    http_status: row.http_status,
    error_preview: row.error_preview,
    duration_ms: row.duration_ms,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    attempts: row.attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      http_status: a.http_status,
      duration_ms: a.duration_ms,
      error_preview: a.error_preview,
    })),
  };
}

/** The id of the delivery of event `eventId` to endpoint `endpointId`, as recordEvent's fan-out names it. */
export function deliveryIdOf(eventId: string, endpointId: string): string {
  return `whd_${eventId.slice(4)}${endpointId.slice(-6)}`;
}

async function findEndpoint(ctx: DomainContext, id: string): Promise<WebhookEndpointRow> {
  const row = await ctx.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("webhook endpoint", id);
  return row;
}

/** The delivery with this id in the caller's organization, or a 404 problem. */
export async function findWebhookDelivery(
  ctx: DomainContext,
  id: string,
  { forUpdate = false } = {},
): Promise<WebhookDeliveryRow> {
  let query = ctx.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound("webhook delivery", id);
  return row;
}

/**
 * The 50 most recent deliveries of one endpoint (of those in `status`, when given), newest
 * first, in pages. `404` for an endpoint that is not the caller organization's.
 */
export async function listWebhookEndpointDeliveries(
  ctx: DomainContext,
  endpointId: string,
  query: { limit?: number; cursor?: string; status?: WebhookDeliveryStatus },
): Promise<Page<WebhookDelivery>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  await findEndpoint(ctx, endpointId);
  const status = query.status;
  let recent = ctx.db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("endpoint_id", "=", endpointId);
  if (status) recent = recent.where("status", "=", status);
  // The oldest of the 50 most recent bounds every page.
  const oldest = await recent
    .orderBy("id", "desc")
    .offset(ENDPOINT_RECENT_DELIVERIES - 1)
    .limit(1)
    .executeTakeFirst();
  let q = ctx.db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("endpoint_id", "=", endpointId);
  if (status) q = q.where("status", "=", status);
  if (oldest) q = q.where("id", ">=", oldest.id);
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.id, r.id], toWebhookDelivery);
}

/**
 * Lists the deliveries of all the organization's endpoints, newest first, filtered by state
 * (`DEAD`: the dead-letter queue), endpoint, event type, event and `created_at` (`from`
 * inclusive, `to` exclusive).
 */
export async function listWebhookDeliveries(
  ctx: DomainContext,
  query: {
    limit?: number;
    cursor?: string;
    status?: WebhookDeliveryStatus;
    endpoint_id?: string;
    event_type?: EventType;
    event_id?: string;
    from?: string;
    to?: string;
  },
): Promise<Page<WebhookDelivery>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from.getTime() > to.getTime()) throw invalidField("query.from", "must not be after `to`");
  let q = ctx.db.selectFrom("webhook_deliveries").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (query.status) q = q.where("status", "=", query.status);
  if (query.endpoint_id) q = q.where("endpoint_id", "=", query.endpoint_id);
  if (query.event_type) q = q.where("event_type", "=", query.event_type);
  if (query.event_id) q = q.where("event_id", "=", query.event_id);
  if (from) q = q.where("created_at", ">=", from);
  if (to) q = q.where("created_at", "<", to);
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.id, r.id], toWebhookDelivery);
}

/** Returns one delivery with all its attempts. */
export async function getWebhookDelivery(ctx: DomainContext, id: string): Promise<WebhookDelivery> {
  return toWebhookDelivery(await findWebhookDelivery(ctx, id));
}

/**
 * Re-queues a `DEAD` or `FAILED` delivery for one attempt now (`manual`: if it fails, the
 * delivery is `DEAD` again, with no automatic retries) and wakes the dispatchers. `409
 * invalid_state` for a delivery that is `SUCCESS` or already `RETRYING`, or whose endpoint is
 * disabled or has no URL. Audited as `webhook_delivery.retried`; emits no event.
 */
export async function retryWebhookDelivery(ctx: DomainContext, id: string): Promise<WebhookDelivery> {
  const delivery = await inTransaction(ctx, async (tx) => {
    const row = await findWebhookDelivery(tx, id, { forUpdate: true });
    if (row.status !== "DEAD" && row.status !== "FAILED") {
      throw invalidState(
        `Delivery ${id} is ${row.status}: only DEAD or FAILED deliveries can be retried${row.status === "RETRYING" ? " (it is already queued)" : ""}.`,
      );
    }
    const endpoint = await findEndpoint(tx, row.endpoint_id);
    if (!endpoint.enabled || endpoint.url === null) {
      throw invalidState(
        `Endpoint ${endpoint.id} is ${endpoint.enabled ? "without a URL" : "disabled"}: ${endpoint.enabled ? "give it a URL" : "enable it"} before retrying its deliveries.`,
      );
    }
    const now = tx.now();
    const updated = await tx.db
      .updateTable("webhook_deliveries")
      .set({ status: "RETRYING", manual: true, next_attempt_at: now, lease_owner: null, lease_until: null })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, {
      action: "webhook_delivery.retried",
      resourceType: "webhook_delivery",
      resourceId: row.id,
      changes: { status: { from: row.status, to: "RETRYING" } },
    });
    // Wakes the dispatchers of every process when the transaction commits.
    await sql`select pg_notify(${WEBHOOK_CHANNEL}, ${tx.actor.organizationId})`.execute(tx.db);
    return updated;
  });
  ctx.webhooks.dispatcher.wake();
  return toWebhookDelivery(delivery);
}

/**
 * Emits a `webhook.test` event for this endpoint only (whatever its event types and employee),
 * queues its delivery, makes the first attempt and answers with the delivery after it:
 * `SUCCESS`, `RETRYING` (retried on the usual schedule) or, for a disabled endpoint, `FAILED`.
 * `409 invalid_state` when the endpoint has no URL.
 */
export async function testWebhookEndpoint(ctx: DomainContext, endpointId: string): Promise<WebhookDelivery> {
  const deliveryId = await inTransaction(ctx, async (tx) => {
    const endpoint = await findEndpoint(tx, endpointId);
    if (endpoint.url === null) {
      throw invalidState(`Endpoint ${endpoint.id} has no URL to send a test event to: set its url first.`);
    }
    const now = tx.now();
    const eventId = await recordEvent(tx.db, {
      organizationId: tx.actor.organizationId,
      type: "webhook.test",
      data: { message: WEBHOOK_TEST_MESSAGE, endpoint_id: endpoint.id },
      employeeId: null,
      resourceIds: [endpoint.id],
      now,
      fanOut: false,
    });
    const id = deliveryIdOf(eventId, endpoint.id);
    await tx.db
      .insertInto("webhook_deliveries")
      .values({
        id,
        organization_id: tx.actor.organizationId,
        endpoint_id: endpoint.id,
        event_id: eventId,
        event_type: "webhook.test",
        status: "RETRYING",
        next_attempt_at: now,
        created_at: now,
      })
      .execute();
    return id;
  });
  await ctx.webhooks.dispatcher.attemptNow(deliveryId);
  return toWebhookDelivery(await findWebhookDelivery(ctx, deliveryId));
}
