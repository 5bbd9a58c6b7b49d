import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadServerConfig } from "../src/config.js";
import { createOrganization, createPerson, issueApiKey } from "../src/domain/bootstrap.js";
import { openStorage, type Storage } from "../src/storage/connect.js";
import { testStorageConfig } from "./support/harness.js";
import { type Receiver, startReceiver } from "./support/webhook-receiver.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "./support/webhook-server.js";

// Several dispatchers on one PostgreSQL never send the same attempt twice: two apps, each on its
// own connection pool to the same database and each with its dispatcher's loop running (LISTEN,
// polling, claims with FOR UPDATE SKIP LOCKED and leases), drain one burst of events together.
// The receiver fails every first attempt, so each event must arrive exactly twice: attempt 1
// (answered 500) and attempt 2 (answered 200); a third copy would be an attempt sent twice.

const onPostgres = testStorageConfig().kind === "postgres";
const EVENTS = 150;

describe.skipIf(!onPostgres)("two dispatchers on one PostgreSQL", () => {
  let database: IsolatedDatabase;
  const storages: Storage[] = [];
  const apps: FastifyInstance[] = [];
  /** How many connections each app's dispatcher opened (its resolver is asked once per attempt). */
  const lookups = [0, 0];
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await createIsolatedDatabase();
    const config = {
      ...loadServerConfig({
        TIMECARD_MASTER_KEY: "d".repeat(64),
        TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8",
        TIMECARD_WEBHOOK_DISPATCHER: "true",
        TIMECARD_WEBHOOK_RETRY_SCHEDULE: "1",
      }),
      storage: database.storage,
    };
    for (const index of [0, 1]) {
      const storage = await openStorage(config.storage);
      storages.push(storage);
      const resolveHost = async (host: string) => {
        if (host !== "receiver.test") throw new Error(`getaddrinfo ENOTFOUND ${host}`);
        lookups[index] = (lookups[index] ?? 0) + 1;
        return ["127.0.0.1"];
      };
      const app = await createApp({ config, storage, resolveHost });
      await app.ready();
      apps.push(app);
    }
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const storage of storages) await storage.close();
    await receiver?.close();
    await database?.drop();
  });

  it("send no attempt twice while draining the same burst together", async () => {
    const seen = new Map<string, number>();
    receiver.setDefault((request) => {
      const id = String(request.headers["webhook-id"]);
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      return { status: count === 1 ? 500 : 200, delayMs: 5 };
    });
    const db = storages[0]?.db;
    if (!db) throw new Error("no database");
    const organizationId = await createOrganization(db, { name: "Burst s.r.o.", country: "CZ" });
    const adminId = await createPerson(db, { organizationId, name: "Adam", email: "adam@burst.test", role: "admin" });
    const { secret } = await issueApiKey(db, {
      organizationId,
      employeeId: adminId,
      name: "burst",
      scope: "full",
      mode: "live",
      rateLimitPerHour: 100_000,
    });
    const headers = { authorization: `Bearer ${secret}` };
    const first = apps[0] as FastifyInstance;
    const endpoint = await first.inject({
      method: "POST",
      url: "/v1/webhook-endpoints",
      headers,
      payload: { url: `http://receiver.test:${receiver.port}/hook`, events: ["project.created"] },
    });
    expect(endpoint.statusCode).toBe(201);
    const endpointId = endpoint.json().id as string;
    // Creating the endpoint resolved its host once; count the deliveries' lookups only.
    lookups.fill(0);

    // The burst, through both apps: each commit notifies both dispatchers.
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) =>
        (apps[i % 2] as FastifyInstance).inject({
          method: "POST",
          url: "/v1/projects",
          headers,
          payload: { name: `Burst ${i}` },
        }),
      ),
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      const pending = await db
        .selectFrom("webhook_deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("endpoint_id", "=", endpointId)
        .where("status", "!=", "SUCCESS")
        .executeTakeFirstOrThrow();
      if (Number(pending.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending.n} deliveries still pending`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Let any stray duplicate arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const deliveries = await db
      .selectFrom("webhook_deliveries")
      .select(["event_id", "attempt", "attempts", "status"])
      .where("endpoint_id", "=", endpointId)
      .execute();
    expect(deliveries).toHaveLength(EVENTS);
    for (const delivery of deliveries) {
      expect(delivery.status).toBe("SUCCESS");
      expect(delivery.attempts.map((a) => [a.attempt, a.http_status])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      expect(seen.get(delivery.event_id)).toBe(2);
    }
    // Exactly two requests per event: attempt 1 and attempt 2, each sent once.
    expect(receiver.requests).toHaveLength(EVENTS * 2);
    expect(seen.size).toBe(EVENTS);
    const timestampsById = new Map<string, Set<string>>();
    for (const request of receiver.requests) {
      const id = String(request.headers["webhook-id"]);
      const set = timestampsById.get(id) ?? new Set<string>();
      set.add(String(request.headers["webhook-signature"]));
      timestampsById.set(id, set);
    }
    for (const signatures of timestampsById.values()) expect(signatures.size).toBe(2);
    // Both dispatchers took part.
    expect(lookups[0]).toBeGreaterThan(0);
    expect(lookups[1]).toBeGreaterThan(0);
    expect((lookups[0] ?? 0) + (lookups[1] ?? 0)).toBe(EVENTS * 2);
  }, 30_000);
});
