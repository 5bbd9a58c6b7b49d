import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { components } from "@timecard/sdk";
import { open, seal } from "../../crypto/secret-box.js";
import { ApiProblem, invalidField, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import { newId } from "../../ids.js";
import type { IncomingWebhookRow } from "../../storage/schema.js";
import { type Actor, type DomainContext, inTransaction } from "../actor.js";
import { recordChange } from "../audit.js";
import { closeProject, createProject } from "../projects.js";
import {
  createSession,
  deleteSession,
  findSession,
  type Session,
  startSession,
  stopRunningSession,
  toSession,
} from "../sessions.js";
import { closeTask, createTask, findTask } from "../tasks.js";

type IncomingWebhook = components["schemas"]["IncomingWebhook"];
type IncomingWebhookWithUrl = components["schemas"]["IncomingWebhookWithUrl"];
type IncomingWebhookCreate = components["schemas"]["IncomingWebhookCreate"];
type IncomingAction = components["schemas"]["IncomingAction"];
type IncomingActionResult = components["schemas"]["IncomingActionResult"];

/** A URL token: 32 to 64 URL-safe characters, as the spec says; anything else is unknown. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,64}$/;
/** The characters of the token shown in `url_preview`. */
const PREVIEW_CHARS = 4;
/** The longest `url_preview` the spec allows. */
const PREVIEW_MAX = 64;
/** How far Slack's request timestamp may be from now (Slack's own recommendation: 5 minutes). */
const SLACK_TOLERANCE_SECONDS = 300;

/** SHA-256 hex of a URL token: the only form in which the token is stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The API shape of an incoming webhook (never its token or Slack secret). */
export function toIncomingWebhook(row: IncomingWebhookRow): IncomingWebhook {
  return {
    id: row.id,
    name: row.name,
    url_preview: row.url_preview,
    acts_as_employee_id: row.acts_as_employee_id,
    slack_signing_secret_set: row.slack_signing_secret_sealed !== null,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
  };
}

/**
 * Where the secret URLs point: the configured public URL (`TIMECARD_PUBLIC_URL`), else the
 * scheme and host of the request that creates the hook.
 */
export function publicBaseUrl(publicUrl: string | null, request: { protocol: string; host: string }): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

/** The start of a secret URL, to recognize it: up to the first 4 characters of the token, then `…`. */
function urlPreview(base: string, token: string): string {
  const preview = `${base}/v1/hooks/${token.slice(0, PREVIEW_CHARS)}…`;
  // A very long public URL keeps its end, which names the token.
  return preview.length <= PREVIEW_MAX ? preview : `…${preview.slice(preview.length - PREVIEW_MAX + 1)}`;
}

/** Lists the organization's incoming webhooks, newest first. */
export async function listIncomingWebhooks(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string },
): Promise<Page<IncomingWebhook>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let q = ctx.db.selectFrom("incoming_webhooks").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.id, r.id], toIncomingWebhook);
}

/**
 * Creates an incoming webhook acting as the caller, with a new secret URL under `baseUrl`. The
 * token is in the answer only: the database keeps its SHA-256, the Slack signing secret is
 * sealed under the master key. Audited (without token or secret); emits no event.
 */
export async function createIncomingWebhook(
  ctx: DomainContext,
  body: IncomingWebhookCreate,
  baseUrl: string,
): Promise<IncomingWebhookWithUrl> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    // 30 random bytes are exactly 40 base64url characters.
    const token = randomBytes(30).toString("base64url");
    const base = baseUrl.replace(/\/+$/, "");
    const row = await tx.db
      .insertInto("incoming_webhooks")
      .values({
        id: newId("inh", now),
        organization_id: tx.actor.organizationId,
        name: body.name,
        token_hash: hashToken(token),
        url_preview: urlPreview(base, token),
        acts_as_employee_id: tx.actor.employeeId,
        slack_signing_secret_sealed:
          body.slack_signing_secret === undefined ? null : seal(tx.webhooks.masterKey, body.slack_signing_secret),
        created_at: now,
        last_used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const hook = toIncomingWebhook(row);
    await recordChange(tx, {
      action: "incoming_webhook.created",
      resourceType: "incoming_webhook",
      resourceId: hook.id,
      changes: {
        name: { from: null, to: hook.name },
        acts_as_employee_id: { from: null, to: hook.acts_as_employee_id },
        slack_signing_secret_set: { from: null, to: hook.slack_signing_secret_set },
      },
    });
    return { ...hook, url: `${base}/v1/hooks/${token}` };
  });
}

/** Deletes an incoming webhook: its URL answers `404` from then on. Audited; emits no event. */
export async function deleteIncomingWebhook(ctx: DomainContext, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .deleteFrom("incoming_webhooks")
      .where("organization_id", "=", tx.actor.organizationId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound("incoming webhook", id);
    await recordChange(tx, {
      action: "incoming_webhook.deleted",
      resourceType: "incoming_webhook",
      resourceId: id,
      changes: {
        name: { from: row.name, to: null },
        acts_as_employee_id: { from: row.acts_as_employee_id, to: null },
      },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The public receiver

/** What the receiver needs of the public request (the app's `PublicContext` is one). */
export interface IncomingCall {
  readonly db: DomainContext["db"];
  readonly now: () => Date;
  readonly sandbox: boolean;
  readonly webhooks: DomainContext["webhooks"];
  readonly request: DomainContext["request"];
  readonly headers: Readonly<Record<string, unknown>>;
  readonly rawBody: string | undefined;
  limit(key: string, perHour: number): Promise<void>;
  limitByIp(): Promise<void>;
}

/** An authenticated call of an incoming webhook: the hook and the context its actions run in. */
export interface IncomingHook {
  readonly id: string;
  /** Acting as the hook's admin, with the hook as the credential. */
  readonly ctx: DomainContext;
  /** The acting admin's name, for Slack replies. */
  readonly employeeName: string;
  /** The organization's IANA time zone, for the times in Slack replies. */
  readonly timeZone: string;
}

function header(call: IncomingCall, name: string): string | undefined {
  // Validation may have coerced a header to a number (the timestamp's schema is an integer).
  const value: unknown = call.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? undefined : String(first);
}

/**
 * Authenticates a call of a secret URL: the token (of any other shape, unknown or deleted:
 * `404`, counted against the caller's IP limit), the hook's own rate limit (`429`), the Slack
 * signature when the hook has a signing secret (`401 invalid_signature`), and that the hook's
 * admin is still an active admin (`403 forbidden`). Returns the context the action runs in.
 */
export async function authenticateIncomingCall(call: IncomingCall, token: string): Promise<IncomingHook> {
  const row = TOKEN_SHAPE.test(token)
    ? await call.db
        .selectFrom("incoming_webhooks")
        .selectAll()
        .where("token_hash", "=", hashToken(token))
        .executeTakeFirst()
    : undefined;
  if (!row) {
    await call.limitByIp();
    throw new ApiProblem(404, "not_found", "No incoming webhook has this URL. It may have been deleted.");
  }
  await call.limit(`hook:${row.id}`, row.rate_limit_per_hour);
  if (row.slack_signing_secret_sealed !== null) {
    verifySlackSignature(
      open(call.webhooks.masterKey, row.slack_signing_secret_sealed),
      header(call, "x-slack-signature"),
      header(call, "x-slack-request-timestamp"),
      call.rawBody ?? "",
      call.now(),
    );
  }
  const subject = await call.db
    .selectFrom("employees")
    .innerJoin("organizations", "organizations.id", "employees.organization_id")
    .select([
      "employees.id",
      "employees.name",
      "employees.role",
      "employees.status",
      "organizations.mode",
      "organizations.time_zone",
    ])
    .where("employees.organization_id", "=", row.organization_id)
    .where("employees.id", "=", row.acts_as_employee_id)
    .executeTakeFirst();
  if (subject?.status !== "active" || subject.role !== "admin") {
    throw new ApiProblem(
      403,
      "forbidden",
      `This incoming webhook acts as ${row.acts_as_employee_id}, who is no longer an active admin. An admin must create a new one.`,
    );
  }
  const actor: Actor = {
    organizationId: row.organization_id,
    employeeId: subject.id,
    role: "admin",
    credential: {
      type: "incoming_webhook",
      id: row.id,
      scope: "full",
      mode: subject.mode === "test" ? "test" : "live",
      expiresAt: null,
      rateLimitPerHour: row.rate_limit_per_hour,
    },
  };
  const ctx: DomainContext = {
    db: call.db,
    actor,
    now: call.now,
    sandbox: call.sandbox,
    webhooks: call.webhooks,
    request: call.request,
  };
  return { id: row.id, ctx, employeeName: subject.name, timeZone: subject.time_zone };
}

/**
 * Checks Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * keyed with the signing secret, with a timestamp within 5 minutes of now; else
 * `401 invalid_signature`. Constant-time comparison.
 */
export function verifySlackSignature(
  secret: string,
  signature: string | undefined,
  timestamp: string | undefined,
  rawBody: string,
  now: Date,
): void {
  if (!signature || !timestamp) {
    throw invalidSignature("X-Slack-Signature and X-Slack-Request-Timestamp are required by this incoming webhook.");
  }
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isFinite(seconds) || Math.abs(now.getTime() / 1000 - seconds) > SLACK_TOLERANCE_SECONDS) {
    throw invalidSignature("X-Slack-Request-Timestamp is more than 5 minutes from now. Check the sender's clock.");
  }
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`, "utf8").digest("hex")}`,
    "utf8",
  );
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalidSignature("X-Slack-Signature does not match the request. Check the hook's Slack signing secret.");
  }
}

function invalidSignature(detail: string): ApiProblem {
  return new ApiProblem(401, "invalid_signature", detail);
}

/** Records that the hook's URL was called successfully. */
export async function markIncomingWebhookUsed(hook: IncomingHook): Promise<void> {
  await hook.ctx.db
    .updateTable("incoming_webhooks")
    .set({ last_used_at: hook.ctx.now() })
    .where("id", "=", hook.id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// JSON actions

/** The source of the sessions a hook starts: `incoming_webhook` for JSON actions, `slack` for slash commands. */
type HookSource = "incoming_webhook" | "slack";

/** Runs a domain call, answering an id the call did not find as an invalid field (`404` is the token's). */
async function field404<T>(field: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404)
      throw invalidField(field, `is not ${what} of this organization`);
    throw error;
  }
}

/**
 * Runs one JSON action as the hook's admin through the API's own domain operations, so it
 * emits the same events and answers the same `409`s. Ids that name nothing answer `422`.
 */
export async function runIncomingAction(hook: IncomingHook, body: IncomingAction): Promise<IncomingActionResult> {
  const ctx = hook.ctx;
  const done = (result: object): IncomingActionResult => ({
    action: body.action,
    ok: true,
    result: result as Record<string, unknown>,
  });
  switch (body.action) {
    case "add_project":
      return done(await createProject(ctx, { name: body.name, billable: false }));
    case "close_project":
      return done(await field404("body.project_id", "a project", () => closeProject(ctx, body.project_id, undefined)));
    case "add_task":
      return done(await createTask(ctx, { project_id: body.project_id, name: body.name }));
    case "close_task":
      return done(await field404("body.task_id", "a task", () => closeTask(ctx, body.task_id, undefined)));
    case "track_task": {
      const byName = body.project_name !== undefined || body.task_name !== undefined;
      if (body.task_id !== undefined && byName) {
        throw invalidField("body.task_id", "cannot be sent with project_name and task_name; name the task one way");
      }
      let taskId = body.task_id;
      if (taskId === undefined) {
        if (body.project_name === undefined || body.task_name === undefined) {
          const missing = body.project_name === undefined ? "body.project_name" : "body.task_name";
          throw new ApiProblem(
            422,
            "validation_failed",
            "Name the task by task_id, or by project_name and task_name.",
            byName
              ? [{ field: missing, message: "is required with the other name" }]
              : [{ field: "body.task_id", message: "is required unless project_name and task_name are sent" }],
          );
        }
        const match = await findOpenTaskByName(ctx, body.task_name, body.project_name);
        if (match.kind !== "found") throw invalidField(...matchError(match, body.task_name, body.project_name));
        taskId = match.task.id;
      }
      return done(await trackTaskAs(ctx, taskId, "incoming_webhook"));
    }
    case "stop_task": {
      const taskId = body.task_id;
      if (taskId !== undefined) await field404("body.task_id", "a task", () => findTask(ctx, taskId));
      return done(await stopRunningSession(ctx, taskId === undefined ? {} : { task_id: taskId }));
    }
    case "add_session":
      return done(
        await createSession(ctx, {
          started_at: body.started_at,
          ended_at: body.ended_at,
          project_id: body.project_id,
          task_id: body.task_id,
          note: body.note,
          // The spec's SessionSource: `incoming_webhook` is set by Timecard only.
          source: "incoming_webhook" as "api",
        }),
      );
    case "delete_session": {
      const row = await field404("body.session_id", "a session", () => findSession(ctx, body.session_id));
      await field404("body.session_id", "a session", () => deleteSession(ctx, body.session_id));
      return done(toSession(row));
    }
    default:
      // Validation refuses anything else first; never answer an empty 200.
      throw invalidField("body.action", "is not one of the known actions");
  }
}

/** Starts the hook's admin's timer on a task (and its project), as `POST /v1/tasks/{id}/track` does. */
export async function trackTaskAs(ctx: DomainContext, taskId: string, source: HookSource): Promise<Session> {
  return startSession(ctx, { task_id: taskId, source });
}

// ---------------------------------------------------------------------------------------------
// Tasks by name

/** An open task matched by name, in its open project. */
export interface NamedTask {
  readonly task: { readonly id: string; readonly name: string };
  readonly project: { readonly id: string; readonly name: string };
}

/** What a lookup by name found. */
export type TaskMatch =
  | { readonly kind: "found"; readonly task: NamedTask["task"]; readonly project: NamedTask["project"] }
  | { readonly kind: "no_project" }
  | {
      readonly kind: "no_task";
      readonly projects: readonly NamedTask["project"][];
      readonly taskNames: readonly string[];
    }
  | { readonly kind: "several"; readonly matches: readonly NamedTask[] };

/** Case-insensitive equality of names (any script, unlike SQL `lower()` under the C collation). */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase("und") === b.trim().toLocaleLowerCase("und");
}

/**
 * The open task named `taskName` (case-insensitively) in the open project named `projectName`,
 * or, without a project name, in any open project. Candidates are narrowed in SQL by length,
 * then compared in JavaScript.
 */
export async function findOpenTaskByName(
  ctx: DomainContext,
  taskName: string,
  projectName: string | undefined,
): Promise<TaskMatch> {
  const org = ctx.actor.organizationId;
  let projects: NamedTask["project"][] | null = null;
  if (projectName !== undefined) {
    const candidates = await ctx.db
      .selectFrom("projects")
      .select(["id", "name"])
      .where("organization_id", "=", org)
      .where("status", "=", "open")
      .where((eb) => eb(eb.fn("char_length", [eb.fn("btrim", ["name"])]), "=", [...projectName.trim()].length))
      .orderBy("id")
      .execute();
    projects = candidates.filter((p) => sameName(p.name, projectName));
    if (projects.length === 0) return { kind: "no_project" };
  }
  let q = ctx.db
    .selectFrom("tasks")
    .innerJoin("projects", "projects.id", "tasks.project_id")
    .select([
      "tasks.id as task_id",
      "tasks.name as task_name",
      "projects.id as project_id",
      "projects.name as project_name",
    ])
    .where("tasks.organization_id", "=", org)
    .where("tasks.status", "=", "open")
    .where("projects.status", "=", "open");
  if (projects) {
    q = q.where(
      "tasks.project_id",
      "in",
      projects.map((p) => p.id),
    );
  }
  const rows = await q
    .where((eb) => eb(eb.fn("char_length", [eb.fn("btrim", ["tasks.name"])]), "=", [...taskName.trim()].length))
    .orderBy("tasks.id")
    .execute();
  const matches: NamedTask[] = rows
    .filter((r) => sameName(r.task_name, taskName))
    .map((r) => ({ task: { id: r.task_id, name: r.task_name }, project: { id: r.project_id, name: r.project_name } }));
  const [only] = matches;
  if (matches.length === 1 && only) return { kind: "found", ...only };
  if (matches.length > 1) return { kind: "several", matches };
  let taskNames: string[] = [];
  if (projects) {
    const open = await ctx.db
      .selectFrom("tasks")
      .select("name")
      .where("organization_id", "=", org)
      .where("status", "=", "open")
      .where(
        "project_id",
        "in",
        projects.map((p) => p.id),
      )
      .orderBy("id")
      .limit(500)
      .execute();
    taskNames = open.map((t) => t.name);
  }
  return { kind: "no_task", projects: projects ?? [], taskNames };
}

/** The invalid field and message of a failed lookup by name (JSON actions). */
function matchError(
  match: Exclude<TaskMatch, { kind: "found" }>,
  taskName: string,
  projectName: string,
): [string, string] {
  switch (match.kind) {
    case "no_project":
      return ["body.project_name", `names no open project of this organization ("${projectName}")`];
    case "no_task":
      return ["body.task_name", `names no open task in the project "${projectName}" ("${taskName}")`];
    case "several":
      return [
        "body.task_name",
        `names ${match.matches.length} open tasks in projects named "${projectName}"; send task_id instead`,
      ];
  }
}
