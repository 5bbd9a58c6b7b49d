import type { components } from "@timecard/sdk";
import { ApiProblem, type FieldError, forbidden, invalidState } from "../errors.js";
import { decodeTimeCursor, type Page, toPage } from "../http/cursor.js";
import { newId } from "../ids.js";
import type { ActivityRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { assertRange, findSession, listScope, lockSessionForWrite } from "./sessions.js";

type Activity = components["schemas"]["Activity"];
type ActivityBatch = components["schemas"]["ActivityBatch"];
type ActivityBatchResult = components["schemas"]["ActivityBatchResult"];

/** The longest interval a tracking client may report. */
const MAX_INTERVAL_MS = 60 * 60_000;

/** The API shape of an activity interval. */
export function toActivity(row: ActivityRow): Activity {
  return {
    id: row.id,
    session_id: row.session_id,
    employee_id: row.employee_id,
    period_start: row.period_start.toISOString(),
    period_end: row.period_end.toISOString(),
    keyboard_percent: row.keyboard_percent,
    mouse_percent: row.mouse_percent,
    overall_percent: row.overall_percent,
    apps: row.apps,
    urls: row.urls,
    created_at: row.created_at.toISOString(),
  };
}

/** Lists one session's intervals, oldest first (a timeline). */
export async function listSessionActivities(
  ctx: DomainContext,
  sessionId: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<Activity>> {
  const limit = query.limit ?? 25;
  const after = decodeTimeCursor(query.cursor);
  const session = await findSession(ctx, sessionId);
  let q = ctx.db
    .selectFrom("activities")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("session_id", "=", session.id);
  if (after) {
    const [at, id] = after;
    q = q.where((eb) => eb.or([eb("period_start", ">", at), eb.and([eb("period_start", "=", at), eb("id", ">", id)])]));
  }
  const rows = await q
    .orderBy("period_start", "asc")
    .orderBy("id", "asc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.period_start.toISOString(), r.id], toActivity);
}

/** Lists the intervals the caller may see across sessions, newest first by `period_start`. */
export async function listActivities(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string; employee_id?: string; from?: string; to?: string },
): Promise<Page<Activity>> {
  const limit = query.limit ?? 25;
  assertRange(query.from, query.to);
  const after = decodeTimeCursor(query.cursor);
  const scope = await listScope(ctx, query.employee_id);
  if (scope !== null && scope.length === 0) return { data: [], has_more: false, next_cursor: null };
  let q = ctx.db.selectFrom("activities").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (scope !== null) q = q.where("employee_id", "in", scope);
  if (query.from) q = q.where("period_start", ">=", new Date(query.from));
  if (query.to) q = q.where("period_start", "<", new Date(query.to));
  if (after) {
    const [at, id] = after;
    q = q.where((eb) => eb.or([eb("period_start", "<", at), eb.and([eb("period_start", "=", at), eb("id", "<", id)])]));
  }
  const rows = await q
    .orderBy("period_start", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.period_start.toISOString(), r.id], toActivity);
}

/**
 * Stores a batch of intervals measured by the session's own employee's tracking client.
 * The whole batch is checked first (422, nothing stored); intervals whose `period_start` is
 * already recorded are skipped. Recomputes the session's `activity_percent`; emits no event.
 */
export async function submitSessionActivities(
  ctx: DomainContext,
  sessionId: string,
  body: ActivityBatch,
): Promise<ActivityBatchResult> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    const session = await lockSessionForWrite(tx, sessionId);
    if (session.employee_id !== tx.actor.employeeId) {
      throw forbidden("Only the session's own employee submits its activity (the tracking client acts as them).");
    }
    if (session.approval_status === "approved") {
      throw invalidState(`Session ${sessionId} is approved and locked; no activity can be added.`);
    }

    const sessionEnd = session.ended_at ?? now;
    const intervals = body.intervals.map((interval, index) => ({
      interval,
      index,
      start: new Date(interval.period_start),
      end: new Date(interval.period_end),
    }));
    const errors: FieldError[] = [];
    for (const { index, start, end } of intervals) {
      const at = `body.intervals.${index}`;
      if (start.getTime() >= end.getTime()) {
        errors.push({ field: `${at}.period_end`, message: "must be after period_start" });
      } else if (end.getTime() - start.getTime() > MAX_INTERVAL_MS) {
        errors.push({ field: `${at}.period_end`, message: "must be at most 1 hour after period_start" });
      }
      if (start.getTime() < session.started_at.getTime()) {
        errors.push({ field: `${at}.period_start`, message: "must not be before the session's started_at" });
      }
      if (end.getTime() > sessionEnd.getTime()) {
        errors.push({
          field: `${at}.period_end`,
          message: session.ended_at ? "must not be after the session's ended_at" : "must not be in the future",
        });
      }
    }
    const ordered = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime() || a.index - b.index);
    for (let i = 1; i < ordered.length; i++) {
      const previous = ordered[i - 1];
      const current = ordered[i];
      if (previous && current && current.start.getTime() < previous.end.getTime()) {
        errors.push({
          field: `body.intervals.${current.index}.period_start`,
          message: `overlaps interval ${previous.index} of the batch`,
        });
      }
    }
    const first = errors[0];
    if (first) {
      const detail = errors.length === 1 ? `${first.field} ${first.message}.` : `${errors.length} fields are invalid.`;
      throw new ApiProblem(422, "validation_failed", detail, errors);
    }

    const longestFirst = <T extends { seconds: number }>(items: readonly T[] | undefined): T[] =>
      [...(items ?? [])].sort((a, b) => b.seconds - a.seconds);
    const stored =
      ordered.length === 0
        ? []
        : await tx.db
            .insertInto("activities")
            .values(
              ordered.map(({ interval, start, end }) => ({
                id: newId("act", now),
                organization_id: session.organization_id,
                session_id: session.id,
                employee_id: session.employee_id,
                period_start: start,
                period_end: end,
                keyboard_percent: interval.keyboard_percent,
                mouse_percent: interval.mouse_percent,
                overall_percent: interval.overall_percent,
                apps: JSON.stringify(longestFirst(interval.apps)),
                urls: JSON.stringify(longestFirst(interval.urls)),
                created_at: now,
              })),
            )
            .onConflict((oc) => oc.columns(["session_id", "period_start"]).doNothing())
            .returningAll()
            .execute();
    stored.sort((a, b) => a.period_start.getTime() - b.period_start.getTime());

    if (stored.length > 0) {
      await tx.db
        .updateTable("sessions")
        .set({ activity_percent: await activityPercentOf(tx, session.id) })
        .where("id", "=", session.id)
        .execute();
    }
    return { data: stored.map(toActivity), accepted: stored.length };
  });
}

/** The mean `overall_percent` of a session's intervals, weighted by their length; null without any. */
async function activityPercentOf(tx: DomainContext, sessionId: string): Promise<number | null> {
  const rows = await tx.db
    .selectFrom("activities")
    .select(["period_start", "period_end", "overall_percent"])
    .where("session_id", "=", sessionId)
    .execute();
  let weighted = 0;
  let total = 0;
  for (const row of rows) {
    const seconds = (row.period_end.getTime() - row.period_start.getTime()) / 1000;
    weighted += row.overall_percent * seconds;
    total += seconds;
  }
  return total > 0 ? Math.round(weighted / total) : null;
}
