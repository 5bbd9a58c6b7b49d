import { sql } from "kysely";
import { newId } from "../ids.js";
import type { Db } from "./actor.js";

/** The API version stamped on every event, as the spec's `EventApiVersion`. */
export const EVENT_API_VERSION = "2026-10-01";

/** The channel on which a transaction that queued webhook deliveries wakes the dispatchers. */
export const WEBHOOK_CHANNEL = "timecard_webhooks";

/** An event to record with the change that caused it. */
export interface NewEvent {
  readonly organizationId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** The employee the event is about, for who may see it. */
  readonly employeeId: string | null;
  /** Every id the event refers to, for `GET /v1/events?resource_id=`. */
  readonly resourceIds: readonly string[];
  readonly now: Date;
  /**
   * Queue deliveries to the subscribed webhook endpoints (default true). The test operation
   * turns it off: its `webhook.test` goes to the tested endpoint only.
   */
  readonly fanOut?: boolean;
}

/**
 * Writes an event in the caller's transaction, with one webhook delivery for each enabled
 * endpoint of the organization that subscribes to it (transactional outbox): the event and
 * its deliveries exist exactly when the change does. One statement; when it queued a delivery
 * it also notifies the dispatchers, which PostgreSQL sends when the transaction commits.
 *
 * Returns the event's id.
 */
export async function recordEvent(db: Db, event: NewEvent): Promise<string> {
  const id = newId("evt", event.now);
  await sql`
    with event as (
      insert into events (id, organization_id, type, api_version, data, resource_ids, employee_id, created_at)
      values (${id}, ${event.organizationId}, ${event.type}, ${EVENT_API_VERSION}, ${JSON.stringify(event.data)},
        ${JSON.stringify([...new Set(event.resourceIds)])}, ${event.employeeId}, ${event.now})
      returning id, organization_id, type, employee_id, created_at
    ),
    queued as (
      insert into webhook_deliveries (id, organization_id, endpoint_id, event_id, event_type, status, next_attempt_at, created_at)
      select 'whd_' || substr(event.id, 5) || right(endpoint.id, 6), event.organization_id, endpoint.id, event.id,
        event.type, 'RETRYING', event.created_at, event.created_at
      from event
      join webhook_endpoints endpoint on endpoint.organization_id = event.organization_id
      where ${event.fanOut ?? true} and endpoint.enabled and endpoint.url is not null
        and (endpoint.employee_id is null or endpoint.employee_id = event.employee_id)
        and (endpoint.events ? '*' or endpoint.events ? event.type)
      returning 1
    )
    select pg_notify(${WEBHOOK_CHANNEL}, ${event.organizationId}) from (select 1 from queued limit 1) as any_queued
  `.execute(db);
  return id;
}
