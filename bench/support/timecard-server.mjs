// The reference server for benchmarks, in its own process: in-memory PGlite, one organization
// with an admin whose key allows 10,000 requests an hour (BENCH_RATE_LIMIT_PER_HOUR overrides it),
// and a month of sessions. Prints one JSON line { url, key } when it listens.
import {
  createApp,
  createOrganization,
  createPerson,
  issueApiKey,
  loadServerConfig,
  openStorage,
} from "../../packages/server/dist/index.js";

const config = loadServerConfig({ TIMECARD_SANDBOX: "true", LOG_LEVEL: "silent" });
const storage = await openStorage({ kind: "pglite", dataDir: null });
const db = storage.db;
const organizationId = await createOrganization(db, { name: "Bench sp. z o.o.", country: "PL" });
const adminId = await createPerson(db, { organizationId, name: "Anna Bench", email: "anna@bench.test", role: "admin" });
const { secret } = await issueApiKey(db, {
  organizationId,
  employeeId: adminId,
  name: "bench",
  scope: "full",
  mode: "test",
  rateLimitPerHour: Number(process.env.BENCH_RATE_LIMIT_PER_HOUR) || 10_000,
});
const day = 24 * 3600 * 1000;
const start = Date.UTC(2026, 9, 1, 7);
for (let i = 0; i < 30; i++) {
  const startedAt = new Date(start + i * day);
  await db
    .insertInto("sessions")
    .values({
      id: `ses_bench${String(i).padStart(11, "0")}`,
      organization_id: organizationId,
      employee_id: adminId,
      project_id: null,
      task_id: null,
      started_at: startedAt,
      ended_at: new Date(startedAt.getTime() + 8 * 3600 * 1000),
      billable: true,
      source: "api",
      note: null,
      metadata: "{}",
      approval_status: "approved",
      approved_by: adminId,
      approved_at: startedAt,
      rejection_reason: null,
      activity_percent: null,
      created_at: startedAt,
      updated_at: startedAt,
    })
    .execute();
}
const app = await createApp({ config, storage });
const url = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ url, key: secret }));
process.on("SIGTERM", async () => {
  await app.close();
  await storage.close();
  process.exit(0);
});
