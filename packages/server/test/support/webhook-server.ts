import { call, type TestServer, useTestServer, type World } from "./harness.js";

// Test servers for webhook delivery. Each file gets a database of its own, also on PostgreSQL
// (a fresh database on the test cluster): the dispatcher claims every due delivery in its
// database, and must neither send other test files' deliveries nor be disturbed by them. Host
// names resolve through a table the test controls; nothing is looked up in the real DNS.

/** A test server whose endpoint host names resolve as `server.hosts` says. */
export type WebhookTestServer = TestServer;

/**
 * Starts one app for the test file on a database of its own, with the dispatcher off (drive it
 * with `server.app.webhooks.dispatcher.runDue()`) unless `env` turns it on.
 */
export function useWebhookTestServer(env: Record<string, string> = {}): WebhookTestServer {
  return useTestServer(env, { ownDatabase: true });
}

export { createIsolatedDatabase, type IsolatedDatabase, tableResolver } from "./harness.js";

/** An endpoint made through the API, with its secret. */
export interface TestEndpoint {
  readonly id: string;
  readonly secret: string;
}

/** Creates a webhook endpoint as the world's admin; fails the test unless it is created. */
export async function createEndpoint(
  server: TestServer,
  world: World,
  url: string | null,
  fields: Record<string, unknown> = {},
): Promise<TestEndpoint> {
  const res = await call(server, world.admin.key, "POST", "/v1/webhook-endpoints", {
    ...(url === null ? {} : { url }),
    ...fields,
  });
  if (res.status !== 201) throw new Error(`creating the endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id, secret: res.body.secret };
}

/**
 * Ends every pending delivery of the test database (as FAILED), so that the next test's
 * `runDue()` counts only its own: the dispatcher claims across organizations, and moving the
 * clock forward would otherwise make an earlier test's retries due.
 */
export async function settlePendingDeliveries(server: TestServer): Promise<void> {
  await server.storage.db
    .updateTable("webhook_deliveries")
    .set({ status: "FAILED", next_attempt_at: null })
    .where("status", "=", "RETRYING")
    .execute();
}
