import { verifyWebhook } from "@timecard/webhooks";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../src/domain/webhooks/dispatcher.js";
import { OPENAPI_DOCUMENT } from "../src/spec.js";
import { call, createWorld, type World } from "./support/harness.js";
import { expectSchema } from "./support/schema.js";
import { type ReceivedRequest, type Receiver, startReceiver } from "./support/webhook-receiver.js";
import { createEndpoint, settlePendingDeliveries, useWebhookTestServer } from "./support/webhook-server.js";

// Deliveries to a real HTTP receiver on loopback: every event type arrives signed (verified with
// @timecard/webhooks and with the standardwebhooks package), byte for byte as signed, and equal
// to the event as the events API shows it; secrets rotate with a 24-hour overlap; the address is
// checked again at delivery; the test operation; the delivery lists.

const server = useWebhookTestServer({
  TIMECARD_SANDBOX: "true",
  TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8",
  TIMECARD_WEBHOOK_RETRY_SCHEDULE: "60,300,1500,7200,28800",
});
const dispatcher = () => server.app.webhooks.dispatcher;

// biome-ignore lint/suspicious/noExplicitAny: the spec document read as JSON
const EVENT_TYPES: string[] = (OPENAPI_DOCUMENT as any).components.schemas.EventType.enum;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  // standardwebhooks checks the timestamp against the real clock: keep the app's clock near it.
  server.clock.set(new Date());
});
afterEach(async () => {
  await receiver.close();
  await settlePendingDeliveries(server);
});

/** The headers of a received request as a plain string record. */
function headersOf(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
}

/** Verifies a delivery with @timecard/webhooks and standardwebhooks; returns the event. */
function verifyBoth(request: ReceivedRequest, secret: string) {
  const event = verifyWebhook({
    payload: request.body,
    headers: request.headers,
    secret,
    now: () => server.clock.now,
  });
  const standard = new Webhook(secret).verify(request.body, headersOf(request));
  expect(standard).toEqual(event);
  return event;
}

async function deliveriesOfEvent(world: World, eventId: string) {
  const res = await call(server, world.admin.key, "GET", `/v1/webhook-deliveries?event_id=${eventId}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

describe("signed deliveries", () => {
  it("delivers every event type signed, as sent, and equal to GET /v1/events/{id}", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, `${receiver.url}/hooks/timecard`);
    const sent: { id: string; type: string }[] = [];
    for (const type of EVENT_TYPES.filter((t) => t !== "webhook.test")) {
      const res = await call(server, world.admin.key, "POST", "/v1/sandbox/trigger", {
        type,
        employee_id: world.employee.id,
      });
      expect(res.status, type).toBe(201);
      sent.push({ id: res.body.event.id, type });
    }
    // Events of the real operations too, and the test operation's webhook.test.
    const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Website relaunch" });
    expect(project.status).toBe(201);
    const started = await call(server, world.employee.key, "POST", "/v1/sessions/start", {});
    expect(started.status).toBe(201);
    const organic = await call(server, world.admin.key, "GET", "/v1/events?limit=3");
    for (const event of organic.body.data.filter((e: { id: string }) => !sent.some((s) => s.id === e.id))) {
      sent.push({ id: event.id, type: event.type });
    }

    expect(await dispatcher().runDue()).toBe(sent.length);
    const test = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(test.status).toBe(200);
    sent.push({ id: test.body.event_id, type: "webhook.test" });

    expect(receiver.requests).toHaveLength(sent.length);
    expect(new Set(sent.map((s) => s.type))).toEqual(new Set([...EVENT_TYPES, "project.created", "session.started"]));
    const timestamp = String(Math.floor(server.clock.now.getTime() / 1000));
    for (const { id, type } of sent) {
      const request = receiver.requests.find((r) => r.headers["webhook-id"] === id);
      if (!request) throw new Error(`no delivery of ${type} ${id}`);
      expect(request.method).toBe("POST");
      expect(request.path).toBe("/hooks/timecard");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["user-agent"]).toBe("Timecard-Webhooks/1.0 (+https://docs.timecard.dev/webhooks)");
      expect(request.headers["webhook-timestamp"]).toBe(timestamp);
      expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(request.headers["x-signature"]).toBe(request.headers["webhook-signature"]);
      const event = verifyBoth(request, endpoint.secret);
      expect(event.type).toBe(type);
      const shown = await call(server, world.admin.key, "GET", `/v1/events/${id}`);
      expect(shown.status).toBe(200);
      // The signed bytes are the event exactly as the events API serializes it.
      expect(request.body).toBe(JSON.stringify(shown.body));
      expectSchema("Event", JSON.parse(request.body));
    }

    const deliveries = await call(server, world.admin.key, "GET", "/v1/webhook-deliveries?limit=100");
    expect(deliveries.body.data).toHaveLength(sent.length);
    for (const delivery of deliveries.body.data) {
      expectSchema("WebhookDelivery", delivery);
      expect(delivery).toMatchObject({ status: "SUCCESS", attempt: 1, http_status: 200, error_preview: null });
      expect(delivery.attempts).toEqual([
        {
          attempt: 1,
          at: server.clock.now.toISOString(),
          http_status: 200,
          duration_ms: expect.any(Number),
          error_preview: null,
        },
      ]);
    }
  });

  it("sends only what an endpoint subscribes to, and nothing twice", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    await call(server, world.admin.key, "POST", "/v1/projects", { name: "One" });
    await call(server, world.employee.key, "POST", "/v1/sessions/start", {});
    expect(await dispatcher().runDue()).toBe(1);
    expect(await dispatcher().runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(verifyBoth(receiver.requests[0] as ReceivedRequest, endpoint.secret).type).toBe("project.created");
  });

  it("signs with both secrets for 24 hours after a rotation, then with the new one only", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url);
    const rotated = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    expect(newSecret).not.toBe(endpoint.secret);

    await call(server, world.admin.key, "POST", "/v1/projects", { name: "During the overlap" });
    expect(await dispatcher().runDue()).toBe(1);
    const during = receiver.requests[0] as ReceivedRequest;
    const signatures = String(during.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    expect(during.headers["x-signature"]).toBe(during.headers["webhook-signature"]);
    // Each secret verifies on its own: receivers can switch at any time during the overlap.
    expect(verifyBoth(during, endpoint.secret).type).toBe("project.created");
    expect(verifyBoth(during, newSecret).type).toBe("project.created");

    // 24 hours and a second later the old secret no longer signs. (standardwebhooks checks the
    // timestamp against the real clock, so only @timecard/webhooks verifies this one.)
    server.clock.advance(24 * 3600 * 1000 + 1000);
    await call(server, world.admin.key, "POST", "/v1/projects", { name: "After the overlap" });
    expect(await dispatcher().runDue()).toBe(1);
    const after = receiver.requests[1] as ReceivedRequest;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    const now = () => server.clock.now;
    expect(verifyWebhook({ payload: after.body, headers: after.headers, secret: newSecret, now }).type).toBe(
      "project.created",
    );
    expect(() => verifyWebhook({ payload: after.body, headers: after.headers, secret: endpoint.secret, now })).toThrow(
      expect.objectContaining({ code: "no_matching_signature" }),
    );
  });
});

describe("the dispatcher's loop", () => {
  it("wakes at once on NOTIFY and again when a retry falls due, then stops cleanly", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    receiver.script({ status: 503 });
    const webhooks = server.app.webhooks;
    // Its own loop on the app's database, on the real clock, polling only once a minute: what
    // happens within seconds is the NOTIFY wake-up and the timer to the next due retry.
    const loop = createDispatcher({
      storage: server.storage,
      config: { ...webhooks.config, retryScheduleSeconds: [1] },
      masterKey: webhooks.masterKey,
      allowlist: webhooks.allowlist,
      resolve: webhooks.resolve,
      now: () => new Date(),
      log: server.app.log,
      pollIntervalMs: 60_000,
    });
    await loop.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      server.clock.set(new Date());
      const started = Date.now();
      const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Woken" });
      expect(project.status).toBe(201);
      const [first] = await receiver.waitFor(1, 5000);
      expect(Date.now() - started).toBeLessThan(1000);
      const [, second] = await receiver.waitFor(2, 5000);
      // The retry came a second after the first attempt, from the timer (the poll is a minute away).
      expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
      expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeLessThan(3000);
      expect(second?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    } finally {
      await loop.stop();
    }
    const [delivery] = (await call(server, world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`))
      .body.data;
    expect(delivery).toMatchObject({ status: "SUCCESS", attempt: 2 });
  });
});

describe("URL safety at delivery", () => {
  it("refuses an endpoint whose host now resolves to a private or metadata address, without connecting", async () => {
    const world = await createWorld(server);
    const host = `hooks-${Date.now()}.example.test`;
    server.hosts.set(host, ["127.0.0.1"]);
    const url = `http://${host}:${receiver.port}/in`;
    const endpoint = await createEndpoint(server, world, url);
    await call(server, world.admin.key, "POST", "/v1/projects", { name: "While it resolved to loopback" });
    expect(await dispatcher().runDue()).toBe(1);
    expect(receiver.requests).toHaveLength(1);

    for (const [address, kind] of [
      ["10.0.0.7", /private/],
      ["169.254.169.254", /metadata/],
      ["fe80::1", /link-local/],
    ] as const) {
      server.hosts.set(host, [address]);
      const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: `To ${address}` });
      const [event] = (await call(server, world.admin.key, "GET", `/v1/events?resource_id=${project.body.id}`)).body
        .data;
      expect(await dispatcher().runDue()).toBe(1);
      const [delivery] = await deliveriesOfEvent(world, event.id);
      expect(delivery).toMatchObject({
        endpoint_id: endpoint.id,
        status: "RETRYING",
        attempt: 1,
        http_status: null,
        duration_ms: null,
        error_preview: expect.stringMatching(kind),
      });
      expect(delivery.error_preview).toContain(address);
    }
    // Nothing reached the receiver after the first delivery.
    expect(receiver.requests).toHaveLength(1);
  });

  it("refuses an address written in the URL that is no longer allowed", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, `${receiver.url}/in`);
    // As if the allowlist had changed since the endpoint was saved.
    await server.storage.db
      .updateTable("webhook_endpoints")
      .set({ url: `http://10.1.2.3:${receiver.port}/in` })
      .where("id", "=", endpoint.id)
      .execute();
    await call(server, world.admin.key, "POST", "/v1/projects", { name: "Private" });
    expect(await dispatcher().runDue()).toBe(1);
    const list = await call(server, world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(list.body.data[0]).toMatchObject({
      status: "RETRYING",
      http_status: null,
      error_preview: expect.stringContaining("private"),
    });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("POST /v1/webhook-endpoints/{id}/test", () => {
  it("sends a signed webhook.test to this endpoint only, whatever it subscribes to, and answers its delivery", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, {
      events: ["leave.approved"],
      employee_id: world.employee.id,
    });
    const other = await startReceiver();
    try {
      await createEndpoint(server, world, other.url);
      const res = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
      expect(res.status).toBe(200);
      expectSchema("WebhookDelivery", res.body);
      const at = server.clock.now.toISOString();
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^whd_/),
        endpoint_id: endpoint.id,
        event_type: "webhook.test",
        status: "SUCCESS",
        attempt: 1,
        http_status: 200,
        error_preview: null,
        next_attempt_at: null,
        created_at: at,
        last_attempt_at: at,
      });
      expect(res.body.attempts).toEqual([
        { attempt: 1, at, http_status: 200, duration_ms: expect.any(Number), error_preview: null },
      ]);
      expect(receiver.requests).toHaveLength(1);
      const event = verifyBoth(receiver.requests[0] as ReceivedRequest, endpoint.secret);
      expect(event).toEqual({
        id: res.body.event_id,
        type: "webhook.test",
        created_at: at,
        organization_id: world.organizationId,
        api_version: "2026-10-01",
        data: { message: "This is a test event from Timecard.", endpoint_id: endpoint.id },
      });
      // Only this endpoint: the other one, subscribed to everything, got nothing.
      expect(await dispatcher().runDue()).toBe(0);
      expect(other.requests).toHaveLength(0);
      const listed = await call(server, world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([res.body.id]);
      const row = await server.storage.db
        .selectFrom("events")
        .selectAll()
        .where("id", "=", res.body.event_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ type: "webhook.test", employee_id: null, resource_ids: [endpoint.id] });
    } finally {
      await other.close();
    }
  });

  it("answers RETRYING when the endpoint fails, FAILED for a disabled endpoint, and 409 without a URL", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url);
    receiver.script({ status: 503, body: "down for maintenance" });
    const failed = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: "RETRYING",
      attempt: 1,
      http_status: 503,
      error_preview: "down for maintenance",
      next_attempt_at: new Date(server.clock.now.getTime() + 60_000).toISOString(),
    });

    const disabled = await call(server, world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, {
      enabled: false,
    });
    expect(disabled.status).toBe(200);
    receiver.script({ status: 500 });
    const onDisabled = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(onDisabled.status).toBe(200);
    expect(onDisabled.body).toMatchObject({ status: "FAILED", attempt: 1, http_status: 500, next_attempt_at: null });
    const okOnDisabled = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(okOnDisabled.body).toMatchObject({ status: "SUCCESS", attempt: 1, http_status: 200 });
    expect(receiver.requests).toHaveLength(3);

    const noUrl = await createEndpoint(server, world, null, { enabled: false });
    const conflict = await call(server, world.admin.key, "POST", `/v1/webhook-endpoints/${noUrl.id}/test`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("invalid_state");
    const events = await server.storage.db
      .selectFrom("events")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .where("type", "=", "webhook.test")
      .execute();
    expect(events).toHaveLength(3);

    const other = await createWorld(server);
    const notFound = await call(server, other.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(notFound.status).toBe(404);
    const forbidden = await call(server, world.manager.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(forbidden.status).toBe(403);
  });
});

describe("delivery lists", () => {
  it("lists an endpoint's 50 most recent deliveries, newest first, in pages, by status", async () => {
    const world = await createWorld(server);
    const endpoint = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    for (let i = 0; i < 53; i++) {
      expect((await call(server, world.admin.key, "POST", "/v1/projects", { name: `P${i}` })).status).toBe(201);
    }
    const all = await server.storage.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("endpoint_id", "=", endpoint.id)
      .orderBy("id", "desc")
      .execute();
    expect(all).toHaveLength(53);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=20${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await call(server, world.admin.key, "GET", url);
      expect(page.status).toBe(200);
      expectSchema("WebhookDeliveryList", page.body);
      seen.push(...page.body.data.map((d: { id: string }) => d.id));
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen).toEqual(all.slice(0, 50).map((d) => d.id));

    const retrying = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=RETRYING&limit=100`,
    );
    expect(retrying.body.data).toHaveLength(50);
    const success = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=SUCCESS`,
    );
    expect(success.body.data).toEqual([]);

    const other = await createWorld(server);
    const hidden = await call(server, other.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe("not_found");
    const unknown = await call(server, world.admin.key, "GET", "/v1/webhook-endpoints/whe_0000000000000000/deliveries");
    expect(unknown.status).toBe(404);
    const employee = await call(server, world.employee.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(employee.status).toBe(403);
  });

  it("filters all deliveries by status, endpoint, event type, event and time, newest first", async () => {
    const world = await createWorld(server);
    const t0 = new Date("2026-10-05T08:00:00.000Z");
    server.clock.set(t0);
    const first = await createEndpoint(server, world, receiver.url);
    const second = await createEndpoint(server, world, receiver.url, { events: ["project.created"] });
    const project = await call(server, world.admin.key, "POST", "/v1/projects", { name: "Filtered" });
    server.clock.set("2026-10-05T09:00:00.000Z");
    await call(server, world.admin.key, "POST", `/v1/projects/${project.body.id}/close`);
    receiver.script({ status: 500 });
    // The project.created deliveries (two endpoints) go first: one fails.
    expect(await dispatcher().runDue()).toBe(3);

    const get = async (query: string) => {
      const res = await call(server, world.admin.key, "GET", `/v1/webhook-deliveries?${query}`);
      expect(res.status).toBe(200);
      return res.body.data as { id: string; endpoint_id: string; event_type: string; status: string }[];
    };
    const all = await get("limit=100");
    expect(all).toHaveLength(3);
    expect(all.map((d) => d.id)).toEqual([...all.map((d) => d.id)].sort().reverse());
    expect(await get(`endpoint_id=${second.id}`)).toHaveLength(1);
    expect((await get(`endpoint_id=${first.id}`)).map((d) => d.event_type).sort()).toEqual([
      "project.closed",
      "project.created",
    ]);
    expect((await get("event_type=project.closed")).map((d) => d.endpoint_id)).toEqual([first.id]);
    expect(await get("status=RETRYING")).toHaveLength(1);
    expect(await get("status=SUCCESS")).toHaveLength(2);
    expect(await get("status=DEAD")).toHaveLength(0);
    expect(await get("from=2026-10-05T08:30:00Z")).toHaveLength(1);
    expect(await get("to=2026-10-05T08:30:00Z")).toHaveLength(2);
    expect(await get("from=2026-10-05T08:00:00Z&to=2026-10-05T09:00:00Z")).toHaveLength(2);
    const created = await call(server, world.admin.key, "GET", `/v1/events?type=project.created&limit=1`);
    expect(await get(`event_id=${created.body.data[0].id}`)).toHaveLength(2);

    const page1 = await call(server, world.admin.key, "GET", "/v1/webhook-deliveries?limit=2");
    expect(page1.body.has_more).toBe(true);
    const page2 = await call(
      server,
      world.admin.key,
      "GET",
      `/v1/webhook-deliveries?limit=2&cursor=${page1.body.next_cursor}`,
    );
    expect([...page1.body.data, ...page2.body.data].map((d: { id: string }) => d.id)).toEqual(all.map((d) => d.id));
    expect(page2.body.has_more).toBe(false);

    const reversed = await call(
      server,
      world.admin.key,
      "GET",
      "/v1/webhook-deliveries?from=2026-10-06T00:00:00Z&to=2026-10-05T00:00:00Z",
    );
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].field).toBe("query.from");
    const badCursor = await call(server, world.admin.key, "GET", "/v1/webhook-deliveries?cursor=nonsense");
    expect(badCursor.status).toBe(400);

    const one = await call(server, world.admin.key, "GET", `/v1/webhook-deliveries/${all[0]?.id}`);
    expect(one.status).toBe(200);
    expectSchema("WebhookDelivery", one.body);
    expect(one.body.id).toBe(all[0]?.id);
    const other = await createWorld(server);
    expect((await call(server, other.admin.key, "GET", `/v1/webhook-deliveries/${all[0]?.id}`)).status).toBe(404);
    expect((await call(server, other.admin.key, "GET", "/v1/webhook-deliveries")).body.data).toEqual([]);
    expect((await call(server, world.manager.key, "GET", "/v1/webhook-deliveries")).status).toBe(403);
  });
});
