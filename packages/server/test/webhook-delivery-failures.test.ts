import { verifyWebhook } from "@timecard/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, createWorld, type World } from "./support/harness.js";
import { freePort } from "./support/ports.js";
import { type ReceivedRequest, type Receiver, startReceiver } from "./support/webhook-receiver.js";
import { createEndpoint, settlePendingDeliveries, useWebhookTestServer } from "./support/webhook-server.js";

// Failure injection with the injected clock: a real receiver that fails, times out, refuses
// connections, drops them or answers 410; the retry schedule, the dead-letter queue and the
// manual retry from it, asserted exactly.

const TIMEOUT_MS = 300;
const server = useWebhookTestServer({
  TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8",
  TIMECARD_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
});
const runDue = () => server.app.webhooks.dispatcher.runDue();
const T0 = new Date("2026-10-05T11:30:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  server.clock.set(T0);
});
afterEach(async () => {
  await receiver.close();
  await settlePendingDeliveries(server);
});

/** Creates a project (one `project.created` event) and answers its delivery's id. */
async function queueOne(world: World, endpointId: string): Promise<string> {
  const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: `Project ${Math.random()}` });
  expect(project.status).toBe(201);
  const row = await server.storage.db
    .selectFrom("webhook_deliveries")
    .innerJoin("events", "events.id", "webhook_deliveries.event_id")
    .select("webhook_deliveries.id")
    .where("webhook_deliveries.endpoint_id", "=", endpointId)
    .where(({ eb, ref }) => eb(ref("events.resource_ids"), "@>", JSON.stringify([project.body.id]) as never))
    .executeTakeFirstOrThrow();
  return row.id;
}

async function getDelivery(world: World, id: string) {
  const res = await call(server, world.admin.key, "GET", `/v1/webhook-deliveries/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe("retries", () => {
  it("retries a 500 after exactly 60 seconds, then succeeds", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, `${receiver.url}/hook`, { events: ["project.created"] });
    const id = await queueOne(world, endpoint.id);
    expect(await getDelivery(world, id)).toMatchObject({
      status: "RETRYING",
      attempt: 0,
      http_status: null,
      next_attempt_at: at(0),
      last_attempt_at: null,
      attempts: [],
    });
    receiver.script({ status: 500, body: "<html><body><h1>500 Internal Server Error</h1>" });
    expect(await runDue()).toBe(1);
    const first = await getDelivery(world, id);
    expect(first).toMatchObject({
      status: "RETRYING",
      attempt: 1,
      http_status: 500,
      error_preview: "<html><body><h1>500 Internal Server Error</h1>",
      duration_ms: expect.any(Number),
      next_attempt_at: at(60),
      last_attempt_at: at(0),
    });

    server.clock.set(at(59));
    expect(await runDue()).toBe(0);
    server.clock.set(at(60));
    expect(await runDue()).toBe(1);
    const done = await getDelivery(world, id);
    expect(done).toMatchObject({
      status: "SUCCESS",
      attempt: 2,
      http_status: 200,
      error_preview: null,
      next_attempt_at: null,
      last_attempt_at: at(60),
    });
    expect(done.attempts).toEqual([
      {
        attempt: 1,
        at: at(0),
        http_status: 500,
        duration_ms: first.duration_ms,
        error_preview: "<html><body><h1>500 Internal Server Error</h1>",
      },
      { attempt: 2, at: at(60), http_status: 200, duration_ms: expect.any(Number), error_preview: null },
    ]);
    // The same webhook-id and body each time, with the attempt's own timestamp and signature.
    const [one, two] = receiver.requests as [ReceivedRequest, ReceivedRequest];
    expect(receiver.requests).toHaveLength(2);
    expect(two.headers["webhook-id"]).toBe(one.headers["webhook-id"]);
    expect(two.body).toBe(one.body);
    expect(one.headers["webhook-timestamp"]).toBe(String(T0.getTime() / 1000));
    expect(two.headers["webhook-timestamp"]).toBe(String(T0.getTime() / 1000 + 60));
    for (const [request, time] of [
      [one, at(0)],
      [two, at(60)],
    ] as const) {
      const now = () => new Date(time);
      expect(
        verifyWebhook({ payload: request.body, headers: request.headers, secret: endpoint.secret, now }).type,
      ).toBe("project.created");
    }
    expect(await runDue()).toBe(0);
  });

  it("records a timeout, a refused connection and a dropped connection as failed attempts", async () => {
    const world = await createWorld(server);
    const slow = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.setDefault({ status: 200, delayMs: 2000 });
    const timedOut = await queueOne(world, slow.id);
    const started = Date.now();
    expect(await runDue()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await getDelivery(world, timedOut)).toMatchObject({
      status: "RETRYING",
      attempt: 1,
      http_status: null,
      duration_ms: TIMEOUT_MS,
      error_preview: `timed out after ${TIMEOUT_MS} ms waiting for a response`,
      next_attempt_at: at(60),
    });
    expect(receiver.requests).toHaveLength(1);
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${slow.id}`, { enabled: false });

    const port = await freePort(); // nothing listens there: refused
    const refused = await createEndpoint(server, world, `http://127.0.0.1:${port}/hook`, {
      events: ["project.created"],
    });
    const refusedId = await queueOne(world, refused.id);
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, refusedId)).toMatchObject({
      status: "RETRYING",
      attempt: 1,
      http_status: null,
      duration_ms: null,
      error_preview: `connect ECONNREFUSED 127.0.0.1:${port}`,
      next_attempt_at: at(60),
    });
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${refused.id}`, { enabled: false });

    const dropping = await startReceiver();
    try {
      dropping.setDefault({ close: true });
      const dropped = await createEndpoint(server, world, dropping.url, { events: ["project.created"] });
      const droppedId = await queueOne(world, dropped.id);
      expect(await runDue()).toBe(1);
      expect(dropping.requests).toHaveLength(1);
      expect(await getDelivery(world, droppedId)).toMatchObject({
        status: "RETRYING",
        attempt: 1,
        http_status: null,
        error_preview: "socket hang up",
        next_attempt_at: at(60),
      });
    } finally {
      await dropping.close();
    }
  });

  it("follows the whole schedule (1 min, 5 min, 25 min, 2 h, 8 h) into the dead-letter queue", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.setDefault({ status: 503, body: "Service Unavailable" });
    const id = await queueOne(world, endpoint.id);
    const schedule = [60, 300, 1500, 7200, 28800];
    let time = 0;
    const attemptTimes: number[] = [];
    for (const wait of schedule) {
      attemptTimes.push(time);
      expect(await runDue()).toBe(1);
      time += wait;
      const delivery = await getDelivery(world, id);
      expect(delivery).toMatchObject({ status: "RETRYING", attempt: attemptTimes.length, next_attempt_at: at(time) });
      // Not a second early.
      server.clock.set(new Date(T0.getTime() + time * 1000 - 1000));
      expect(await runDue()).toBe(0);
      server.clock.set(at(time));
    }
    attemptTimes.push(time);
    expect(await runDue()).toBe(1);
    const dead = await getDelivery(world, id);
    expect(dead).toMatchObject({
      status: "DEAD",
      attempt: 6,
      http_status: 503,
      error_preview: "Service Unavailable",
      next_attempt_at: null,
      last_attempt_at: at(time),
    });
    expect(
      dead.attempts.map((a: { attempt: number; at: string; http_status: number }) => [a.attempt, a.at, a.http_status]),
    ).toEqual(attemptTimes.map((t, i) => [i + 1, at(t), 503]));
    expect(attemptTimes).toEqual([0, 60, 360, 1860, 9060, 37860]);
    server.clock.advance(7 * 24 * 3600 * 1000);
    expect(await runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(6);

    const dlq = await call(server, world.admin.key, "GET", "/v1/webhook-deliveries?status=DEAD");
    expect(dlq.body.data.map((d: { id: string }) => d.id)).toEqual([id]);

    // A manual retry: 202 at once, RETRYING now, then one attempt.
    const retryAt = server.clock.now.toISOString();
    const retried = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      id,
      status: "RETRYING",
      attempt: 6,
      http_status: 503,
      next_attempt_at: retryAt,
    });
    expect(retried.body.attempts).toHaveLength(6);
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .where("action", "=", "webhook_delivery.retried")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_type: "api_key",
      actor_employee_id: world.admin.id,
      resource_type: "webhook_delivery",
      resource_id: id,
      changes: { status: { from: "DEAD", to: "RETRYING" } },
    });

    // It fails again: DEAD at once, without automatic retries.
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, id)).toMatchObject({ status: "DEAD", attempt: 7, next_attempt_at: null });
    server.clock.advance(24 * 3600 * 1000);
    expect(await runDue()).toBe(0);

    // Retried again, it succeeds.
    receiver.setDefault({ status: 204 });
    expect((await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${id}/retry`)).status).toBe(202);
    expect(await runDue()).toBe(1);
    const delivered = await getDelivery(world, id);
    expect(delivered).toMatchObject({ status: "SUCCESS", attempt: 8, http_status: 204, error_preview: null });
    expect(delivered.attempts).toHaveLength(8);
    expect(receiver.requests).toHaveLength(8);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
  });
});

describe("410 Gone", () => {
  it("fails the delivery, disables the endpoint (gone_410, audited as the system) and fails its pending retries", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.script({ status: 500 });
    const pending = await queueOne(world, endpoint.id);
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, pending)).toMatchObject({ status: "RETRYING", attempt: 1 });

    receiver.script({ status: 410, body: "Gone" });
    const gone = await queueOne(world, endpoint.id);
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, gone)).toMatchObject({
      status: "FAILED",
      attempt: 1,
      http_status: 410,
      error_preview: "Gone",
      next_attempt_at: null,
    });
    expect(await getDelivery(world, pending)).toMatchObject({ status: "FAILED", attempt: 1, next_attempt_at: null });
    const shown = await call(server, world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`);
    expect(shown.body).toMatchObject({ enabled: false, disabled_reason: "gone_410", updated_at: at(0) });
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .selectAll()
      .where("organization_id", "=", world.organizationId)
      .where("resource_id", "=", endpoint.id)
      .where("actor_type", "=", "system")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "webhook_endpoint.updated",
      actor_employee_id: null,
      actor_api_key_id: null,
      request_id: null,
      ip: null,
      resource_type: "webhook_endpoint",
      changes: { enabled: { from: true, to: false }, disabled_reason: { from: null, to: "gone_410" } },
    });

    // Nothing more is queued or sent for it, even when its retry time comes.
    expect((await call(server, world.admin.key, "POST", "/v1/projects", { name: "Unsent" })).status).toBe(201);
    const queued = await server.storage.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("endpoint_id", "=", endpoint.id)
      .execute();
    expect(queued).toHaveLength(2);
    server.clock.set(at(3600));
    expect(await runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(2);

    // Retrying needs the endpoint enabled again.
    const refused = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${gone}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("invalid_state");
    const enabled = await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, {
      enabled: true,
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    const retried = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${gone}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ status: "RETRYING", next_attempt_at: at(3600) });
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, gone)).toMatchObject({ status: "SUCCESS", attempt: 2, http_status: 200 });
  });
});

describe("POST /v1/webhook-deliveries/{id}/retry", () => {
  it("answers 409 for SUCCESS and RETRYING deliveries and for disabled endpoints, 404 across organizations", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    const queued = await queueOne(world, endpoint.id);
    const retrying = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${queued}/retry`);
    expect(retrying.status).toBe(409);
    expect(retrying.body.code).toBe("invalid_state");
    expect(await runDue()).toBe(1);
    const succeeded = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${queued}/retry`);
    expect(succeeded.status).toBe(409);
    expect(succeeded.body.code).toBe("invalid_state");

    receiver.setDefault({ status: 500 });
    const failing = await queueOne(world, endpoint.id);
    expect(await runDue()).toBe(1);
    // Disabling fails the pending retry; the endpoint must be enabled again to retry it.
    await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { enabled: false });
    expect(await getDelivery(world, failing)).toMatchObject({ status: "FAILED" });
    const disabled = await call(server, world.admin.key, "POST", `/v1/webhook-deliveries/${failing}/retry`);
    expect(disabled.status).toBe(409);
    expect(disabled.body.code).toBe("invalid_state");

    const other = await createWorld(server);
    const hidden = await call(server, other.admin.key, "POST", `/v1/webhook-deliveries/${failing}/retry`);
    expect(hidden.status).toBe(404);
    const unknown = await call(server, world.admin.key, "POST", "/v1/webhook-deliveries/whd_0000000000000000/retry");
    expect(unknown.status).toBe(404);
    const manager = await call(server, world.manager.key, "POST", `/v1/webhook-deliveries/${failing}/retry`);
    expect(manager.status).toBe(403);
    const readOnly = await call(server, world.admin.readKey, "POST", `/v1/webhook-deliveries/${failing}/retry`);
    expect(readOnly.status).toBe(403);
    // Nothing changed, nothing audited.
    expect(await getDelivery(world, failing)).toMatchObject({ status: "FAILED", attempt: 1 });
    const audit = await server.storage.db
      .selectFrom("audit_log")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .where("action", "=", "webhook_delivery.retried")
      .execute();
    expect(audit).toHaveLength(0);
  });
});

describe("endpoint changes between queueing and sending", () => {
  it("fails a delivery unsent when its endpoint was disabled meanwhile", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    const id = await queueOne(world, endpoint.id);
    // As if it were disabled by another process after this delivery was claimed for sending.
    await server.storage.db
      .updateTable("webhook_endpoints")
      .set({ enabled: false, disabled_reason: "manual" })
      .where("id", "=", endpoint.id)
      .execute();
    expect(await runDue()).toBe(1);
    expect(await getDelivery(world, id)).toMatchObject({ status: "FAILED", attempt: 0, attempts: [] });
    expect(receiver.requests).toHaveLength(0);
  });

  it("does not record an attempt whose lease another dispatcher took over meanwhile", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.setDefault({ status: 200, delayMs: 150 });
    const id = await queueOne(world, endpoint.id);
    const pass = runDue();
    await receiver.waitFor(1, 5000);
    // While the POST is in flight, its lease runs out and another dispatcher claims the delivery.
    await server.storage.db
      .updateTable("webhook_deliveries")
      .set({ lease_owner: "dsp_other", lease_until: new Date(T0.getTime() + 60_000) })
      .where("id", "=", id)
      .execute();
    expect(await pass).toBe(1);
    const row = await server.storage.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "RETRYING", attempt: 0, attempts: [], lease_owner: "dsp_other" });
  });

  it("never puts the secret or the signature in an error preview", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.setDefault((request) => ({
      status: 401,
      body: `bad signature ${request.headers["webhook-signature"]} expected with ${endpoint.secret}`,
    }));
    const id = await queueOne(world, endpoint.id);
    expect(await runDue()).toBe(1);
    const delivery = await getDelivery(world, id);
    const signature = String(receiver.requests[0]?.headers["webhook-signature"]);
    expect(delivery.http_status).toBe(401);
    expect(delivery.error_preview).toBe("bad signature [redacted] expected with [redacted]");
    expect(JSON.stringify(delivery)).not.toContain(signature.slice(3));
    expect(JSON.stringify(delivery)).not.toContain(endpoint.secret.slice(6));
  });

  it("keeps at most 500 characters of a long error body", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.setDefault({ status: 502, body: "ż".repeat(2000) });
    const id = await queueOne(world, endpoint.id);
    expect(await runDue()).toBe(1);
    const delivery = await getDelivery(world, id);
    expect(delivery.error_preview).toBe("ż".repeat(250));
  });
});
