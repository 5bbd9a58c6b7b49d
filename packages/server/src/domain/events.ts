import { newId } from "../ids.js";
import type { Db } from "./actor.js";

/** The API version stamped on every event, as the spec's `EventApiVersion`. */
export const EVENT_API_VERSION = "2026-10-01";

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
}

/**
 * Writes an event in the caller's transaction: it exists exactly when the change does
 * (transactional outbox; delivery reads from here).
 */
export async function recordEvent(db: Db, event: NewEvent): Promise<void> {
  await db
    .insertInto("events")
    .values({
      id: newId("evt", event.now),
      organization_id: event.organizationId,
      type: event.type,
      api_version: EVENT_API_VERSION,
      data: JSON.stringify(event.data),
      resource_ids: JSON.stringify([...new Set(event.resourceIds)]),
      employee_id: event.employeeId,
      created_at: event.now,
    })
    .execute();
}
