// The reference server for the webhook latency benchmark, in its own process: the built package
// on DATABASE_URL (PostgreSQL) or in-memory PGlite, with its webhook dispatcher running and
// loopback allowed for endpoints, one organization and an admin key that allows a million
// requests an hour. Prints one JSON line { url, key } when it listens.
//
// Over IPC it also writes events itself, as the server's own transactions do (recordEvent: the
// event and its deliveries in one statement, NOTIFY at commit), without the API in front:
// { type: "emit", rate, count, prefix } answers { type: "emitted", seconds } once all are committed, or
// { type: "unsupported" } when this build does not export recordEvent.
import * as server from "../../packages/server/dist/index.js";

const config = server.loadServerConfig({
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: "error",
  TIMECARD_MASTER_KEY: "e".repeat(64),
  TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8",
  TIMECARD_WEBHOOK_DISPATCHER: "true",
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
const storage = await server.openStorage(config.storage);
const db = storage.db;
const organizationId = await server.createOrganization(db, { name: "Bench Webhooks sp. z o.o.", country: "PL" });
const adminId = await server.createPerson(db, {
  organizationId,
  name: "Anna Bench",
  email: `anna.${Date.now()}@webhooks.bench`,
  role: "admin",
});
const { secret } = await server.issueApiKey(db, {
  organizationId,
  employeeId: adminId,
  name: "bench",
  scope: "full",
  mode: "live",
  rateLimitPerHour: 1_000_000,
});
const running = await server.startServer({ config, storage, logStream: process.stderr, signals: [] });
console.log(JSON.stringify({ url: running.url, key: secret }));

/** Commits `count` project.created events at `rate` a second (at most 64 transactions at once). */
async function emit(rate, count, prefix) {
  const pending = new Set();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
    if (pending.size >= 64) await Promise.race(pending);
    const now = new Date();
    const projectId = `prj_${prefix}${String(i).padStart(16 - prefix.length, "0")}`;
    const p = db
      .transaction()
      .execute((tx) =>
        server.recordEvent(tx, {
          organizationId,
          type: "project.created",
          data: { id: projectId, organization_id: organizationId, name: `Bench ${i}`, status: "active" },
          employeeId: null,
          resourceIds: [projectId],
          now,
        }),
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return (performance.now() - start) / 1000;
}

process.on("message", async (message) => {
  if (message?.type !== "emit") return;
  if (typeof server.recordEvent !== "function") {
    process.send({ type: "unsupported" });
    return;
  }
  const seconds = await emit(message.rate, message.count, message.prefix ?? "bench");
  process.send({ type: "emitted", seconds });
});
process.on("SIGTERM", async () => {
  await running.close();
  await storage.close();
  process.exit(0);
});
