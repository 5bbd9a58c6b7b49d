// The built server (packages/server/dist) in a process of its own, for tests that kill it: it
// reads its configuration from the environment (DATABASE_URL or TIMECARD_DATA_DIR, webhook
// settings), runs the webhook dispatcher, listens on a free loopback port and prints one JSON
// line, { url }. With TIMECARD_TEST_BOOTSTRAP=true it first creates an organization with an
// admin and a full key, and adds { organizationId, key } to that line.
import {
  createOrganization,
  createPerson,
  issueApiKey,
  loadServerConfig,
  openStorage,
  startServer,
} from "../../dist/index.js";

const config = loadServerConfig({ HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "warn", ...process.env });
const storage = await openStorage(config.storage);
let bootstrap = {};
if (process.env.TIMECARD_TEST_BOOTSTRAP === "true") {
  const db = storage.db;
  const organizationId = await createOrganization(db, { name: "Crash Test sp. z o.o.", country: "PL" });
  const adminId = await createPerson(db, {
    organizationId,
    name: "Anna Admin",
    email: "anna@crash.test",
    role: "admin",
  });
  const { secret } = await issueApiKey(db, {
    organizationId,
    employeeId: adminId,
    name: "crash test",
    scope: "full",
    mode: "live",
    rateLimitPerHour: 1_000_000,
  });
  bootstrap = { organizationId, key: secret };
}
const server = await startServer({ config, storage, logStream: process.stderr });
process.stdout.write(`${JSON.stringify({ url: server.url, ...bootstrap })}\n`);
