import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startChildServer } from "./support/child-server.js";
import { testStorageConfig } from "./support/harness.js";
import { type Receiver, startReceiver } from "./support/webhook-receiver.js";
import { createIsolatedDatabase } from "./support/webhook-server.js";

// At least once, never lost: the server runs in a child process (the built package) that
// delivers a stream of events to a real receiver; it is killed with SIGKILL in the middle of
// the stream and started again on the same database (a PGlite data directory, or a PostgreSQL
// database), and every event that was committed reaches the receiver at least once.

const MASTER_KEY = "c".repeat(64);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every `project.created` event of the organization, through the API: its id and the project's. */
async function projectEvents(url: string, key: string): Promise<{ id: string; projectId: string }[]> {
  const events: { id: string; projectId: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: Response = await fetch(
      `${url}/v1/events?type=project.created&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(page.status).toBe(200);
    const body = (await page.json()) as { data: { id: string; data: { id: string } }[]; next_cursor: string | null };
    events.push(...body.data.map((event) => ({ id: event.id, projectId: event.data.id })));
    cursor = body.next_cursor;
  } while (cursor);
  return events;
}

describe("a crash of the server process", () => {
  it("loses no delivery: after a kill -9 mid-stream and a restart, every event arrives at least once", async () => {
    const receiver: Receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    // Slow enough answers that attempts are in flight when the process dies.
    receiver.setDefault({ status: 200, delayMs: 250 });

    const storage = testStorageConfig();
    const env: Record<string, string> = {
      TIMECARD_MASTER_KEY: MASTER_KEY,
      TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8",
      TIMECARD_WEBHOOK_TIMEOUT_MS: "1000",
      TIMECARD_WEBHOOK_DISPATCHER: "true",
    };
    if (storage.kind === "postgres") {
      const database = await createIsolatedDatabase();
      cleanups.push(() => database.drop());
      if (database.storage.kind !== "postgres") throw new Error("expected PostgreSQL");
      env.DATABASE_URL = database.storage.url;
    } else {
      const dir = mkdtempSync(join(tmpdir(), "timecard-crash-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      env.TIMECARD_DATA_DIR = dir;
    }

    let server = await startChildServer({ ...env, TIMECARD_TEST_BOOTSTRAP: "true" });
    cleanups.push(() => server.kill());
    const key = server.key as string;
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const endpoint = await fetch(`${server.url}/v1/webhook-endpoints`, {
      method: "POST",
      headers,
      body: JSON.stringify({ url: `${receiver.url}/hook`, events: ["project.created"] }),
    });
    expect(endpoint.status).toBe(201);

    // Eight clients create projects until the process dies under them.
    const acknowledged: string[] = [];
    let streaming = true;
    const url = server.url;
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; streaming; i++) {
        try {
          const res = await fetch(`${url}/v1/projects`, {
            method: "POST",
            headers,
            body: JSON.stringify({ name: `Client ${client} project ${i}` }),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        } catch {
          return; // the connection died with the process
        }
      }
    });
    await receiver.waitFor(60, 15_000);
    await server.kill();
    streaming = false;
    await Promise.all(clients);
    const receivedBeforeCrash = new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])));
    expect(acknowledged.length).toBeGreaterThanOrEqual(receivedBeforeCrash.size);

    server = await startChildServer({ ...env, TIMECARD_TEST_BOOTSTRAP: "false" });
    cleanups.push(() => server.kill());
    const committed = await projectEvents(server.url, key);
    // Every project the API acknowledged has its event: it was committed with the project.
    const projects = new Set(committed.map((event) => event.projectId));
    expect(acknowledged.filter((id) => !projects.has(id))).toEqual([]);
    const events = committed.map((event) => event.id);
    // The crash came in the middle of the stream: committed events were still to be delivered.
    expect(events.filter((id) => !receivedBeforeCrash.has(id)).length).toBeGreaterThan(0);

    const received = () => new Set(receiver.requests.map((r) => String(r.headers["webhook-id"])));
    // Attempts in flight at the crash are sent again once their lease (timeout + margin) runs out.
    await waitUntil(() => events.every((id) => received().has(id)), 20_000, "every event to be delivered");
    expect([...received()].sort()).toEqual([...events].sort());

    await waitUntil(
      async () => {
        const res = await fetch(`${server.url}/v1/webhook-deliveries?status=RETRYING`, { headers });
        return ((await res.json()) as { data: unknown[] }).data.length === 0;
      },
      10_000,
      "no delivery left pending",
    );
    // The attempts the receiver was answering when the process died were never recorded: they came again.
    const duplicates = receiver.requests.length - received().size;
    expect(duplicates).toBeGreaterThanOrEqual(1);
    for (const status of ["FAILED", "DEAD"]) {
      const res = await fetch(`${server.url}/v1/webhook-deliveries?status=${status}`, { headers });
      expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
    }
    await server.stop();
  }, 60_000);
});
