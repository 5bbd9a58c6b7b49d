import { newId } from "../ids.js";
import type { Actor, Db, DomainContext } from "./actor.js";

/** The change of each field: what it was, what it became. Never holds a secret. */
export type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * Records a change of keys or settings in the audit log, in the caller's transaction, so the
 * entry exists exactly when the change does.
 */
export async function recordChange(
  ctx: DomainContext,
  change: { action: string; resourceType: string; resourceId: string; changes?: Changes | null },
): Promise<void> {
  await ctx.db
    .insertInto("audit_log")
    .values({
      id: newId("aud", ctx.now()),
      organization_id: ctx.actor.organizationId,
      occurred_at: ctx.now(),
      ...auditActor(ctx.actor),
      action: change.action,
      method: ctx.request.method,
      path: ctx.request.path,
      status: null,
      duration_ms: null,
      request_id: ctx.request.id,
      user_agent: ctx.request.userAgent,
      ip: ctx.request.ip,
      resource_type: change.resourceType,
      resource_id: change.resourceId,
      changes: change.changes ? JSON.stringify(change.changes) : null,
    })
    .execute();
}

/**
 * Records a change Timecard made itself (no request, no caller: `actor.type` `system`), such as
 * an endpoint disabled because it answered 410 Gone, in the caller's transaction.
 */
export async function recordSystemChange(
  db: Db,
  change: {
    organizationId: string;
    at: Date;
    action: string;
    resourceType: string;
    resourceId: string;
    changes?: Changes | null;
  },
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: newId("aud", change.at),
      organization_id: change.organizationId,
      occurred_at: change.at,
      actor_type: "system",
      actor_employee_id: null,
      actor_api_key_id: null,
      actor_oauth_app_id: null,
      action: change.action,
      method: null,
      path: null,
      status: null,
      duration_ms: null,
      request_id: null,
      user_agent: null,
      ip: null,
      resource_type: change.resourceType,
      resource_id: change.resourceId,
      changes: change.changes ? JSON.stringify(change.changes) : null,
    })
    .execute();
}

/**
 * The audit log's actor columns for a caller. An incoming webhook acts as the admin who made
 * it: the entry names that admin as the user (the hook is the entry's resource, never its
 * token). An OAuth token names its app and its user, never the token.
 */
export function auditActor(actor: Actor): {
  actor_type: "api_key" | "user" | "oauth_app";
  actor_employee_id: string;
  actor_api_key_id: string | null;
  actor_oauth_app_id: string | null;
} {
  const viaKey = actor.credential.type === "api_key";
  const appId = actor.credential.oauth?.appId ?? null;
  return {
    actor_type: viaKey ? "api_key" : appId ? "oauth_app" : "user",
    actor_employee_id: actor.employeeId,
    actor_api_key_id: viaKey ? actor.credential.id : null,
    actor_oauth_app_id: appId,
  };
}

/** The fields of `patch` whose value differs from `before`, as audit changes. */
export function diff(before: Record<string, unknown>, patch: Record<string, unknown>): Changes {
  const out: Changes = {};
  for (const [field, to] of Object.entries(patch)) {
    const from = before[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) out[field] = { from: from ?? null, to: to ?? null };
  }
  return out;
}
