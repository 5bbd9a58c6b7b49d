import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open } from "../src/crypto/secret-box.js";
import { publicBaseUrl } from "../src/domain/webhooks/incoming.js";
import { formatDuration, parseSlackCommand } from "../src/domain/webhooks/slack.js";
import { call, createWorld, type TestServer, useTestServer, type World } from "./support/harness.js";
import { startPrismProxy } from "./support/prism.js";

const server = useTestServer({ TIMECARD_WEBHOOK_DISPATCHER: "false" });

const SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
/** 07:00 UTC is 09:00 in Warsaw (CEST) on this day. */
const T0 = "2026-10-05T07:00:00.000Z";

interface Hook {
  readonly id: string;
  readonly token: string;
  readonly url: string;
}

async function createHook(world: World, body: Record<string, unknown> = { name: "Hook" }): Promise<Hook> {
  const res = await call(server, world.admin.key, "POST", "/v1/incoming-webhooks", body);
  expect(res.status).toBe(201);
  const url: string = res.body.url;
  return { id: res.body.id, token: url.slice(url.lastIndexOf("/") + 1), url };
}

/** Calls a hook's URL with a JSON body (no credential). */
function post(token: string, body: unknown, headers: Record<string, string> = {}) {
  return call(server, null, "POST", `/v1/hooks/${token}`, body, headers);
}

/** A Slack slash command as Slack posts it, signed with `secret` unless told otherwise. */
function slack(
  token: string,
  command: string,
  text: string,
  options: { secret?: string | null; timestamp?: number; signature?: string | null } = {},
) {
  const body = new URLSearchParams({
    token: "gIkuvaNzQIHg97ATvDxqgjtO",
    team_id: "T0001",
    team_domain: "kowalski-software",
    channel_id: "C2147483705",
    channel_name: "website-relaunch",
    user_id: "U2147483697",
    user_name: "anna.nowak",
    command,
    text,
    response_url: "https://hooks.slack.com/commands/T0001/1234567890/AbCdEfGhIjKlMnOpQrStUvWx",
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
  }).toString();
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const secret = options.secret === undefined ? SLACK_SECRET : options.secret;
  const timestamp = options.timestamp ?? Math.floor(server.clock.now.getTime() / 1000);
  if (secret !== null) {
    headers["x-slack-request-timestamp"] = String(timestamp);
    headers["x-slack-signature"] =
      options.signature ?? `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  }
  if (options.signature === null) delete headers["x-slack-signature"];
  return call(server, null, "POST", `/v1/hooks/${token}`, body, headers);
}

async function eventTypes(world: World): Promise<string[]> {
  const rows = await server.storage.db
    .selectFrom("events")
    .select("type")
    .where("organization_id", "=", world.organizationId)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.type);
}

/** Everything an action could change, to assert that a refused call changed nothing. */
async function snapshot(s: TestServer, world: World, { ignoreLastUsed = false } = {}) {
  const db = s.storage.db;
  const org = world.organizationId;
  const [projects, tasks, sessions, events, hooks] = await Promise.all([
    db.selectFrom("projects").selectAll().where("organization_id", "=", org).orderBy("id").execute(),
    db.selectFrom("tasks").selectAll().where("organization_id", "=", org).orderBy("id").execute(),
    db.selectFrom("sessions").selectAll().where("organization_id", "=", org).orderBy("id").execute(),
    db.selectFrom("events").select(["id", "type"]).where("organization_id", "=", org).orderBy("id").execute(),
    db.selectFrom("incoming_webhooks").selectAll().where("organization_id", "=", org).orderBy("id").execute(),
  ]);
  if (ignoreLastUsed) for (const hook of hooks) hook.last_used_at = null;
  return JSON.stringify({ projects, tasks, sessions, events, hooks });
}

/** A project "Website relaunch" with the task "Design", made through the API. */
async function websiteWithDesign(world: World) {
  const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Website relaunch" });
  expect(project.status).toBe(201);
  const task = await call(server, world.admin.key, "POST", "/v1/tasks", {
    project_id: project.body.id,
    name: "Design",
  });
  expect(task.status).toBe(201);
  return { projectId: project.body.id as string, taskId: task.body.id as string };
}

describe("managing incoming webhooks", () => {
  it("lets an admin create, list and delete hooks; the token is never stored in clear", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const res = await call(
      server,
      world.admin.key,
      "POST",
      "/v1/incoming-webhooks",
      { name: "Slack /track command", slack_signing_secret: SLACK_SECRET },
      { "idempotency-key": `hook-${world.organizationId}` },
    );
    expect(res.status).toBe(201);
    const url: string = res.body.url;
    expect(url).toMatch(/^http:\/\/localhost(:80)?\/v1\/hooks\/[A-Za-z0-9_-]{40}$/);
    const token = url.slice(url.lastIndexOf("/") + 1);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^inh_[0-9A-Za-z]{16}$/),
      name: "Slack /track command",
      url,
      url_preview: `${url.slice(0, url.length - 36)}…`,
      acts_as_employee_id: world.admin.id,
      slack_signing_secret_set: true,
      created_at: T0,
      last_used_at: null,
    });

    const row = await server.storage.db
      .selectFrom("incoming_webhooks")
      .selectAll()
      .where("id", "=", res.body.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(row.rate_limit_per_hour).toBe(1000);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(SLACK_SECRET);
    expect(open(server.config.masterKey, row.slack_signing_secret_sealed as string)).toBe(SLACK_SECRET);

    const audit = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .execute();
    const createdEntry = audit.find((a) => a.action === "incoming_webhook.created");
    expect(createdEntry).toMatchObject({
      resource_type: "incoming_webhook",
      resource_id: res.body.id,
      actor_employee_id: world.admin.id,
      changes: {
        name: { from: null, to: "Slack /track command" },
        acts_as_employee_id: { from: null, to: world.admin.id },
        slack_signing_secret_set: { from: null, to: true },
      },
    });
    const idempotency = await server.storage.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(idempotency).toHaveLength(1);
    for (const text of [JSON.stringify(audit), JSON.stringify(idempotency)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(row.token_hash);
      expect(text).not.toContain(SLACK_SECRET);
      expect(text).not.toContain(row.slack_signing_secret_sealed);
    }
    expect(await eventTypes(world)).toEqual([]);

    // A second one without a Slack secret; the list is newest first, paged, without URLs.
    server.clock.set("2026-10-05T08:00:00.000Z");
    const second = await createHook(world, { name: "Zapier" });
    const page1 = await call(server, world.admin.readKey, "GET", "/v1/incoming-webhooks?limit=1");
    expect(page1.status).toBe(200);
    expect(page1.body.data).toEqual([
      {
        id: second.id,
        name: "Zapier",
        url_preview: `${second.url.slice(0, second.url.length - 36)}…`,
        acts_as_employee_id: world.admin.id,
        slack_signing_secret_set: false,
        created_at: "2026-10-05T08:00:00.000Z",
        last_used_at: null,
      },
    ]);
    expect(page1.body.has_more).toBe(true);
    const page2 = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/incoming-webhooks?limit=1&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.data.map((h: { id: string }) => h.id)).toEqual([res.body.id]);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(JSON.stringify(page2.body)).not.toContain(token);

    const deleted = await call(server, world.admin.key, "DELETE", `/v1/incoming-webhooks/${res.body.id}`);
    expect(deleted.status).toBe(204);
    const after = await call(server, world.admin.key, "GET", "/v1/incoming-webhooks");
    expect(after.body.data.map((h: { id: string }) => h.id)).toEqual([second.id]);
    const again = await call(server, world.admin.key, "DELETE", `/v1/incoming-webhooks/${res.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("not_found");
    const deletedEntry = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .where("action", "=", "incoming_webhook.deleted")
      .execute();
    expect(deletedEntry).toMatchObject([
      { resource_id: res.body.id, changes: { name: { from: "Slack /track command", to: null } } },
    ]);
    expect(await eventTypes(world)).toEqual([]);
  });

  it("is for admins only, with a full key, within their organization", async () => {
    const world = await createWorld(server);
    const other = await createWorld(server);
    const hook = await createHook(world);
    for (const user of [world.manager, world.employee]) {
      const created = await call(server, user.key, "POST", "/v1/incoming-webhooks", { name: "Mine" });
      expect(created.status).toBe(403);
      expect(created.body.code).toBe("forbidden");
      expect((await call(server, user.key, "GET", "/v1/incoming-webhooks")).status).toBe(403);
      expect((await call(server, user.key, "DELETE", `/v1/incoming-webhooks/${hook.id}`)).status).toBe(403);
    }
    const readCreate = await call(server, world.admin.readKey, "POST", "/v1/incoming-webhooks", { name: "Mine" });
    expect(readCreate.status).toBe(403);
    expect(readCreate.body.code).toBe("insufficient_scope");
    const readDelete = await call(server, world.admin.readKey, "DELETE", `/v1/incoming-webhooks/${hook.id}`);
    expect(readDelete.status).toBe(403);
    expect(readDelete.body.code).toBe("insufficient_scope");

    const foreign = await call(server, other.admin.key, "DELETE", `/v1/incoming-webhooks/${hook.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("not_found");
    expect((await call(server, other.admin.key, "GET", "/v1/incoming-webhooks")).body.data).toEqual([]);
    const listed = await call(server, world.admin.key, "GET", "/v1/incoming-webhooks");
    expect(listed.body.data.map((h: { id: string }) => h.id)).toEqual([hook.id]);
    expect((await post(hook.token, { action: "add_project", name: "Still works" })).status).toBe(200);
  });

  it("validates the create body", async () => {
    const world = await createWorld(server);
    const cases: [Record<string, unknown>, string][] = [
      [{}, "body.name"],
      [{ name: "" }, "body.name"],
      [{ name: "x", slack_signing_secret: "short" }, "body.slack_signing_secret"],
      [{ name: "x", slack_signing_secret: "has-a-dash-0123456789" }, "body.slack_signing_secret"],
      [{ name: "x", url: "https://example.com" }, "body.url"],
    ];
    for (const [body, field] of cases) {
      const res = await call(server, world.admin.key, "POST", "/v1/incoming-webhooks", body);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const rows = await server.storage.db
      .selectFrom("incoming_webhooks")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("builds the URL from the configured public URL, else from the request", () => {
    expect(publicBaseUrl("https://api.timecard.dev", { protocol: "http", host: "10.0.0.5:3000" })).toBe(
      "https://api.timecard.dev",
    );
    expect(publicBaseUrl(null, { protocol: "https", host: "timecard.example.com" })).toBe(
      "https://timecard.example.com",
    );
  });
});

describe("JSON actions", () => {
  it("runs every action as the hook's admin, emitting the API operation's event", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world);

    const project = await post(hook.token, { action: "add_project", name: "Website relaunch" });
    expect(project.status).toBe(200);
    expect(project.body).toMatchObject({
      action: "add_project",
      ok: true,
      result: { id: expect.stringMatching(/^prj_/), name: "Website relaunch", status: "open", billable: false },
    });
    const projectId = project.body.result.id;

    const task = await post(hook.token, { action: "add_task", project_id: projectId, name: "Design" });
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({
      action: "add_task",
      ok: true,
      result: { id: expect.stringMatching(/^tsk_/), project_id: projectId, name: "Design", status: "open" },
    });
    const taskId = task.body.result.id;

    const tracked = await post(hook.token, { action: "track_task", task_id: taskId });
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({
      action: "track_task",
      ok: true,
      result: {
        employee_id: world.admin.id,
        project_id: projectId,
        task_id: taskId,
        status: "running",
        started_at: T0,
        source: "incoming_webhook",
      },
    });

    server.clock.advance(30 * 60_000);
    const stopped = await post(hook.token, { action: "stop_task" });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      action: "stop_task",
      ok: true,
      result: { id: tracked.body.result.id, status: "completed", duration_seconds: 1800 },
    });

    // By name: open ones, case-insensitively.
    const byName = await post(hook.token, {
      action: "track_task",
      project_name: "website RELAUNCH",
      task_name: "DESIGN",
    });
    expect(byName.status).toBe(200);
    expect(byName.body.result).toMatchObject({ task_id: taskId, project_id: projectId, status: "running" });
    server.clock.advance(10 * 60_000);
    const stoppedOnTask = await post(hook.token, { action: "stop_task", task_id: taskId });
    expect(stoppedOnTask.status).toBe(200);
    expect(stoppedOnTask.body.result).toMatchObject({ id: byName.body.result.id, status: "completed" });

    const logged = await post(hook.token, {
      action: "add_session",
      started_at: "2026-10-04T07:00:00Z",
      ended_at: "2026-10-04T11:30:00Z",
      project_id: projectId,
      task_id: taskId,
      note: "Homepage hero variants",
    });
    expect(logged.status).toBe(200);
    expect(logged.body).toMatchObject({
      action: "add_session",
      ok: true,
      result: {
        employee_id: world.admin.id,
        task_id: taskId,
        status: "completed",
        duration_seconds: 16_200,
        note: "Homepage hero variants",
        source: "incoming_webhook",
      },
    });

    const removed = await post(hook.token, { action: "delete_session", session_id: logged.body.result.id });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ action: "delete_session", ok: true, result: { id: logged.body.result.id } });
    expect((await call(server, world.admin.key, "GET", `/v1/sessions/${logged.body.result.id}`)).status).toBe(404);

    const closedTask = await post(hook.token, { action: "close_task", task_id: taskId });
    expect(closedTask.status).toBe(200);
    expect(closedTask.body).toMatchObject({ action: "close_task", ok: true, result: { id: taskId, status: "closed" } });
    const closedProject = await post(hook.token, { action: "close_project", project_id: projectId });
    expect(closedProject.status).toBe(200);
    expect(closedProject.body).toMatchObject({
      action: "close_project",
      ok: true,
      result: { id: projectId, status: "closed" },
    });

    expect(await eventTypes(world)).toEqual([
      "project.created",
      "task.created",
      "session.started",
      "session.stopped",
      "session.started",
      "session.stopped",
      "session.created",
      "session.deleted",
      "task.closed",
      "project.closed",
    ]);
    const hookRow = await server.storage.db
      .selectFrom("incoming_webhooks")
      .select("last_used_at")
      .where("id", "=", hook.id)
      .executeTakeFirstOrThrow();
    expect(hookRow.last_used_at?.toISOString()).toBe(server.clock.now.toISOString());
    const listed = await call(server, world.admin.key, "GET", "/v1/incoming-webhooks");
    expect(listed.body.data[0].last_used_at).toBe(server.clock.now.toISOString());
  });

  it("answers the API operations' 409s and changes nothing", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world);
    const { projectId, taskId } = await websiteWithDesign(world);
    const other = await call(server, world.admin.key, "POST", "/v1/tasks", { project_id: projectId, name: "Copy" });

    const stopNothing = await post(hook.token, { action: "stop_task" });
    expect(stopNothing.status).toBe(409);
    expect(stopNothing.body.code).toBe("conflict");

    const earlier = { action: "add_session", started_at: "2026-10-04T08:00:00Z", ended_at: "2026-10-04T09:00:00Z" };
    expect((await post(hook.token, earlier)).status).toBe(200);
    expect((await post(hook.token, { action: "track_task", task_id: taskId })).status).toBe(200);
    let before = await snapshot(server, world);
    const twice = await post(hook.token, { action: "track_task", task_id: other.body.id });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("session_already_running");
    const onOther = await post(hook.token, { action: "stop_task", task_id: other.body.id });
    expect(onOther.status).toBe(409);
    expect(onOther.body.code).toBe("conflict");
    const overlap = await post(hook.token, {
      action: "add_session",
      started_at: "2026-10-04T08:30:00Z",
      ended_at: "2026-10-04T09:30:00Z",
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body.code).toBe("session_overlap");
    // Closing a project with a running session answers like the API: 409 conflict.
    const busy = await post(hook.token, { action: "close_project", project_id: projectId });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe("conflict");
    expect(await snapshot(server, world)).toBe(before);

    server.clock.advance(60_000);
    expect((await post(hook.token, { action: "stop_task", task_id: taskId })).status).toBe(200);
    expect((await post(hook.token, { action: "close_task", task_id: taskId })).status).toBe(200);
    before = await snapshot(server, world);
    const closedAgain = await post(hook.token, { action: "close_task", task_id: taskId });
    expect(closedAgain.status).toBe(409);
    expect(closedAgain.body.code).toBe("invalid_state");
    const onClosed = await post(hook.token, { action: "track_task", task_id: taskId });
    expect(onClosed.status).toBe(409);
    expect(onClosed.body.code).toBe("invalid_state");
    expect(await snapshot(server, world)).toBe(before);
  });

  it("refuses unknown actions and invalid fields with 422 and changes nothing", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world);
    const { projectId, taskId } = await websiteWithDesign(world);
    const foreign = await createWorld(server);
    const foreignProject = await websiteWithDesign(foreign);
    const before = await snapshot(server, world);
    const cases: [unknown, string | null][] = [
      [{ action: "delete_everything" }, null],
      [{ name: "No action" }, null],
      [{ action: "add_project" }, "body.name"],
      [{ action: "add_project", name: "" }, null],
      [{ action: "add_project", name: "X", color: "#ffffff" }, "body.color"],
      [{ action: "add_task", project_id: projectId }, "body.name"],
      [{ action: "add_task", project_id: "not-an-id", name: "X" }, null],
      [{ action: "add_task", project_id: foreignProject.projectId, name: "X" }, "body.project_id"],
      [{ action: "track_task" }, "body.task_id"],
      [{ action: "track_task", project_name: "Website relaunch" }, "body.task_name"],
      [{ action: "track_task", task_name: "Design" }, "body.project_name"],
      [
        { action: "track_task", task_id: taskId, project_name: "Website relaunch", task_name: "Design" },
        "body.task_id",
      ],
      [{ action: "track_task", project_name: "Website relaunch", task_name: "Desing" }, "body.task_name"],
      [{ action: "track_task", project_name: "Webside", task_name: "Design" }, "body.project_name"],
      [{ action: "track_task", task_id: foreignProject.taskId }, "body.task_id"],
      [{ action: "stop_task", task_id: foreignProject.taskId }, "body.task_id"],
      [{ action: "close_task", task_id: foreignProject.taskId }, "body.task_id"],
      [{ action: "close_project", project_id: foreignProject.projectId }, "body.project_id"],
      [{ action: "delete_session", session_id: "ses_0000000000000000" }, "body.session_id"],
      [
        { action: "add_session", started_at: "2026-10-04T12:00:00Z", ended_at: "2026-10-04T11:00:00Z" },
        "body.ended_at",
      ],
      [{ action: "add_session", started_at: "yesterday", ended_at: "2026-10-04T11:00:00Z" }, "body.started_at"],
    ];
    for (const [body, field] of cases) {
      const res = await post(hook.token, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({
        body,
        status: 422,
        code: "validation_failed",
      });
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await snapshot(server, world)).toBe(before);
    expect(await eventTypes(foreign)).toEqual(["project.created", "task.created"]);
  });

  it("answers 404 for tokens of another shape, unknown and deleted ones, changing nothing", async () => {
    const world = await createWorld(server);
    const hook = await createHook(world);
    const deleted = await createHook(world, { name: "Old" });
    expect((await call(server, world.admin.key, "DELETE", `/v1/incoming-webhooks/${deleted.id}`)).status).toBe(204);
    const before = await snapshot(server, world);
    const tokens = [
      "abc",
      hook.token.slice(0, 31),
      `${hook.token}${"x".repeat(25)}`,
      `${hook.token.slice(0, 39)}!`,
      `${hook.token.slice(0, 39)}${hook.token.endsWith("A") ? "B" : "A"}`,
      "A".repeat(64),
      deleted.token,
      createHash("sha256").update(hook.token).digest("hex"),
    ];
    for (const token of tokens) {
      const res = await post(token, { action: "add_project", name: "Nope" });
      expect({ token, status: res.status, code: res.body.code }).toEqual({ token, status: 404, code: "not_found" });
      // Unknown tokens count against the caller's anonymous (per IP) limit.
      expect(res.headers["x-ratelimit-limit"]).toBe("100");
    }
    const form = await slack(deleted.token, "/track", "Design in Website relaunch", { secret: null });
    expect(form.status).toBe(404);
    // The token is judged before the body: an unknown URL answers 404 whatever it was sent.
    const invalid = await post(deleted.token, { action: "delete_everything", zz: 1 });
    expect([invalid.status, invalid.body.code, invalid.headers["x-ratelimit-limit"]]).toEqual([
      404,
      "not_found",
      "100",
    ]);
    expect(await snapshot(server, world)).toBe(before);
  });

  it("names an unknown action in one error, and audits each call as the hook's admin without its token", async () => {
    const world = await createWorld(server);
    const hook = await createHook(world);
    const unknown = await post(hook.token, { action: "delete_everything" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(["body.action"]);
    expect((await post(hook.token, { action: "add_project", name: "Audited" })).status).toBe(200);
    await server.app.audit.flush();
    const entries = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .where("resource_type", "=", "incoming_webhook")
      .where("action", "=", "api_request")
      .orderBy("id")
      .execute();
    expect(entries.map((e) => [e.actor_type, e.actor_employee_id, e.actor_api_key_id, e.path, e.status])).toEqual([
      ["user", world.admin.id, null, "/v1/hooks/:token", 422],
      ["user", world.admin.id, null, "/v1/hooks/:token", 200],
    ]);
    expect(entries.every((e) => e.resource_id === hook.id && e.ip !== null)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(hook.token);
    const listed = await call(server, world.admin.key, "GET", `/v1/audit-log?resource_id=${hook.id}`);
    expect(listed.status).toBe(200);
  });

  it("refuses when the hook's admin is no longer an active admin", async () => {
    const world = await createWorld(server);
    const hook = await createHook(world);
    await server.storage.db
      .updateTable("employees")
      .set({ role: "manager" })
      .where("id", "=", world.admin.id)
      .execute();
    const before = await snapshot(server, world);
    const res = await post(hook.token, { action: "add_project", name: "Nope" });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
    const command = await slack(hook.token, "/stop", "", { secret: null });
    expect(command.status).toBe(403);
    await server.storage.db
      .updateTable("employees")
      .set({ role: "admin", status: "deactivated" })
      .where("id", "=", world.admin.id)
      .execute();
    expect((await post(hook.token, { action: "add_project", name: "Nope" })).status).toBe(403);
    expect(await snapshot(server, world)).toBe(before);
  });

  it("applies each hook's own rate limit, with X-RateLimit-* headers", async () => {
    const world = await createWorld(server);
    const hook = await createHook(world);
    const other = await createHook(world, { name: "Other" });
    await server.storage.db
      .updateTable("incoming_webhooks")
      .set({ rate_limit_per_hour: 2 })
      .where("id", "=", hook.id)
      .execute();
    const first = await post(hook.token, { action: "add_project", name: "One" });
    expect(first.status).toBe(200);
    expect(first.headers["x-ratelimit-limit"]).toBe("2");
    expect(first.headers["x-ratelimit-remaining"]).toBe("1");
    const second = await post(hook.token, { action: "add_project", name: "Two" });
    expect(second.status).toBe(200);
    expect(second.headers["x-ratelimit-remaining"]).toBe("0");
    const before = await snapshot(server, world);
    const third = await post(hook.token, { action: "add_project", name: "Three" });
    expect(third.status).toBe(429);
    expect(third.body.code).toBe("rate_limited");
    expect(third.headers["x-ratelimit-limit"]).toBe("2");
    expect(third.headers["x-ratelimit-remaining"]).toBe("0");
    expect(Number(third.headers["x-ratelimit-reset"])).toBeGreaterThan(0);
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    expect(await snapshot(server, world)).toBe(before);
    // Another hook has its own bucket.
    const elsewhere = await post(other.token, { action: "add_project", name: "Elsewhere" });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers["x-ratelimit-limit"]).toBe("1000");
  });
});

describe("Slack slash commands", () => {
  it("tracks and stops with signed commands, answering in Slack's format", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world, { name: "Slack", slack_signing_secret: SLACK_SECRET });
    const { projectId, taskId } = await websiteWithDesign(world);

    const tracked = await slack(hook.token, "/track", "Design in Website relaunch");
    expect(tracked.status).toBe(200);
    expect(tracked.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin started tracking *Design* in *Website relaunch* at 09:00.",
    });
    const session = await server.storage.db
      .selectFrom("sessions")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .executeTakeFirstOrThrow();
    expect(session).toMatchObject({
      employee_id: world.admin.id,
      project_id: projectId,
      task_id: taskId,
      source: "slack",
    });
    expect(session.ended_at).toBeNull();

    server.clock.advance(90 * 60_000);
    const stopped = await slack(hook.token, "/stop", "");
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin stopped tracking *Design* in *Website relaunch* at 10:30 (1 h 30 min).",
    });

    server.clock.advance(60 * 60_000);
    const viaTimecard = await slack(hook.token, "/timecard", "track design IN website relaunch");
    expect(viaTimecard.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin started tracking *Design* in *Website relaunch* at 11:30.",
    });
    server.clock.advance(5 * 60_000);
    const stopViaTimecard = await slack(hook.token, "/timecard", "stop");
    expect(stopViaTimecard.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin stopped tracking *Design* in *Website relaunch* at 11:35 (5 min).",
    });

    for (const [command, text] of [
      ["/timecard", ""],
      ["/timecard", "help"],
      ["/timecard", "report"],
      ["/track", ""],
      ["/weather", "Warsaw"],
    ]) {
      const help = await slack(hook.token, command as string, text as string);
      expect(help.status).toBe(200);
      expect(help.body.response_type).toBe("ephemeral");
      expect(help.body.text).toContain("/track <task> in <project>");
    }
    expect(await eventTypes(world)).toEqual([
      "project.created",
      "task.created",
      "session.started",
      "session.stopped",
      "session.started",
      "session.stopped",
    ]);
    const row = await server.storage.db
      .selectFrom("incoming_webhooks")
      .select("last_used_at")
      .where("id", "=", hook.id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at?.toISOString()).toBe(server.clock.now.toISOString());
  });

  it("answers 200 ephemeral when a command cannot be carried out, changing nothing", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world, { name: "Slack", slack_signing_secret: SLACK_SECRET });
    await websiteWithDesign(world);

    let before = await snapshot(server, world, { ignoreLastUsed: true });
    const nothing = await slack(hook.token, "/stop", "");
    expect(nothing.status).toBe(200);
    expect(nothing.body.response_type).toBe("ephemeral");
    const typo = await slack(hook.token, "/track", "Desing in Website relaunch");
    expect(typo.status).toBe(200);
    expect(typo.body.response_type).toBe("ephemeral");
    expect(typo.body.text).toContain("Desing");
    expect(typo.body.text).toContain("`/track Design in Website relaunch`");
    const noProject = await slack(hook.token, "/track", "Design in Webshop");
    expect(noProject.status).toBe(200);
    expect(noProject.body.response_type).toBe("ephemeral");
    expect(noProject.body.text).toContain("Webshop");
    expect(await snapshot(server, world, { ignoreLastUsed: true })).toBe(before);

    expect((await slack(hook.token, "/track", "Design in Website relaunch")).body.response_type).toBe("in_channel");
    before = await snapshot(server, world, { ignoreLastUsed: true });
    const running = await slack(hook.token, "/track", "Design in Website relaunch");
    expect(running.status).toBe(200);
    expect(running.body.response_type).toBe("ephemeral");
    expect(running.body.text).toContain("already running");
    expect(await snapshot(server, world, { ignoreLastUsed: true })).toBe(before);
  });

  it("refuses a wrong, missing or stale signature with 401 and changes nothing", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world, { name: "Slack", slack_signing_secret: SLACK_SECRET });
    await websiteWithDesign(world);
    const before = await snapshot(server, world);
    const now = Math.floor(server.clock.now.getTime() / 1000);
    const refused = [
      await slack(hook.token, "/track", "Design in Website relaunch", { secret: "0123456789abcdef0123" }),
      await slack(hook.token, "/track", "Design in Website relaunch", { signature: `v0=${"0".repeat(64)}` }),
      await slack(hook.token, "/track", "Design in Website relaunch", { signature: "v1=abc" }),
      await slack(hook.token, "/track", "Design in Website relaunch", { signature: null }),
      await slack(hook.token, "/track", "Design in Website relaunch", { secret: null }),
      await slack(hook.token, "/track", "Design in Website relaunch", { timestamp: now - 301 }),
      await slack(hook.token, "/track", "Design in Website relaunch", { timestamp: now + 301 }),
      // JSON actions to a hook with a Slack secret need the signature too.
      await post(hook.token, { action: "add_project", name: "Unsigned" }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("invalid_signature");
      expect(res.body.title).toBe("Invalid signature");
    }
    // A request signed correctly but replayed 6 minutes later.
    server.clock.set(T0);
    const body = "command=%2Fstop&text=&user_id=U1&team_id=T1";
    const signature = `v0=${createHmac("sha256", SLACK_SECRET).update(`v0:${now}:${body}`).digest("hex")}`;
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(now),
      "x-slack-signature": signature,
    };
    server.clock.advance(6 * 60_000);
    const stale = await call(server, null, "POST", `/v1/hooks/${hook.token}`, body, headers);
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe("invalid_signature");
    // A body changed after signing.
    server.clock.set(T0);
    const tampered = await call(
      server,
      null,
      "POST",
      `/v1/hooks/${hook.token}`,
      body.replace("stop", "track"),
      headers,
    );
    expect(tampered.status).toBe(401);
    expect(await snapshot(server, world)).toBe(before);

    // The same request in time is accepted (nothing runs, so an ephemeral reply).
    const fresh = await call(server, null, "POST", `/v1/hooks/${hook.token}`, body, headers);
    expect(fresh.status).toBe(200);
    expect(fresh.body.response_type).toBe("ephemeral");
    // Signed JSON actions are accepted as well.
    const json = JSON.stringify({ action: "add_project", name: "Signed" });
    const signedJson = await call(server, null, "POST", `/v1/hooks/${hook.token}`, json, {
      "x-slack-request-timestamp": String(now),
      "x-slack-signature": `v0=${createHmac("sha256", SLACK_SECRET).update(`v0:${now}:${json}`).digest("hex")}`,
    });
    expect(signedJson.status).toBe(200);
    expect(signedJson.body.result.name).toBe("Signed");
  });

  it("takes commands without a signature when the hook has no Slack secret", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world);
    await websiteWithDesign(world);
    const res = await slack(hook.token, "/track", "Design in Website relaunch", { secret: null });
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe("in_channel");
    expect(await eventTypes(world)).toContain("session.started");
  });

  it("splits `<task> in <project>` where the names exist, and resolves a task named alone", async () => {
    server.clock.set(T0);
    const world = await createWorld(server);
    const hook = await createHook(world);
    const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Made in Poland" });
    await call(server, world.admin.key, "POST", "/v1/tasks", { project_id: project.body.id, name: "Check in form" });
    const res = await slack(hook.token, "/track", "check in form in made in poland", { secret: null });
    expect(res.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin started tracking *Check in form* in *Made in Poland* at 09:00.",
    });
    server.clock.advance(60_000);
    expect((await slack(hook.token, "/stop", "", { secret: null })).body.response_type).toBe("in_channel");
    const alone = await slack(hook.token, "/track", "Check in form", { secret: null });
    expect(alone.body).toEqual({
      response_type: "in_channel",
      text: "Anna Admin started tracking *Check in form* in *Made in Poland* at 09:01.",
    });
  });

  it("parses commands and formats durations", () => {
    expect(parseSlackCommand("/track", "Design in Website")).toEqual({ kind: "track", text: "Design in Website" });
    expect(parseSlackCommand("/TIMECARD", "Track Design in Website")).toEqual({
      kind: "track",
      text: "Design in Website",
    });
    expect(parseSlackCommand("/timecard", "stop now")).toEqual({ kind: "stop" });
    expect(parseSlackCommand("/stop", "")).toEqual({ kind: "stop" });
    expect(parseSlackCommand("/timecard", "")).toEqual({ kind: "help" });
    expect(parseSlackCommand("/track", "   ")).toEqual({ kind: "help" });
    expect(parseSlackCommand("/track", "Q&amp;A in R&amp;D &lt;2026&gt;")).toEqual({
      kind: "track",
      text: "Q&A in R&D <2026>",
    });
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(25 * 60 + 59)).toBe("25 min");
    expect(formatDuration(8 * 3600 + 30 * 60)).toBe("8 h 30 min");
  });
});

describe("contract", () => {
  it("answers hook calls as the spec describes (through Prism's validating proxy)", async () => {
    server.clock.set(new Date());
    const world = await createWorld(server);
    const hook = await createHook(world, { name: "Slack", slack_signing_secret: SLACK_SECRET });
    const plain = await createHook(world, { name: "Plain" });
    const address = await server.app.listen({ port: 0, host: "127.0.0.1" });
    const prism = await startPrismProxy(address);
    try {
      const send = async (token: string, body: string, headers: Record<string, string>) => {
        const res = await fetch(`${prism.url}/v1/hooks/${token}`, { method: "POST", body, headers });
        const text = await res.text();
        return {
          status: res.status,
          body: text ? JSON.parse(text) : null,
          violations: res.headers.get("sl-violations"),
        };
      };
      const json = { "content-type": "application/json" };
      const project = await send(
        plain.token,
        JSON.stringify({ action: "add_project", name: "Website relaunch" }),
        json,
      );
      expect(project).toMatchObject({ status: 200, violations: null, body: { ok: true } });
      const task = await send(
        plain.token,
        JSON.stringify({ action: "add_task", project_id: project.body.result.id, name: "Design" }),
        json,
      );
      expect(task).toMatchObject({ status: 200, violations: null });
      const track = await send(
        plain.token,
        JSON.stringify({ action: "track_task", task_id: task.body.result.id }),
        json,
      );
      expect(track).toMatchObject({ status: 200, violations: null });
      const again = await send(
        plain.token,
        JSON.stringify({ action: "track_task", task_id: task.body.result.id }),
        json,
      );
      expect(again).toMatchObject({ status: 409, violations: null });
      const unknown = await send(`${"Q".repeat(40)}`, JSON.stringify({ action: "stop_task" }), json);
      expect(unknown).toMatchObject({ status: 404, violations: null });

      const ts = String(Math.floor(server.clock.now.getTime() / 1000));
      const form = new URLSearchParams({ command: "/stop", text: "", user_id: "U1", team_id: "T1" }).toString();
      const slackHeaders = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": `v0=${createHmac("sha256", SLACK_SECRET).update(`v0:${ts}:${form}`).digest("hex")}`,
      };
      const stop = await send(hook.token, form, slackHeaders);
      expect(stop).toMatchObject({ status: 200, violations: null, body: { response_type: "in_channel" } });
      const nothing = await send(hook.token, form, slackHeaders);
      expect(nothing).toMatchObject({ status: 200, violations: null, body: { response_type: "ephemeral" } });
      const bad = await send(hook.token, form, { ...slackHeaders, "x-slack-signature": `v0=${"a".repeat(64)}` });
      expect(bad).toMatchObject({ status: 401, violations: null });
    } finally {
      await prism.stop();
    }
  }, 90_000);
});
