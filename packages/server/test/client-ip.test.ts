import { describe, expect, it } from "vitest";
import { call, createWorld, useTestServer } from "./support/harness.js";

// The audit log records the caller's IP: the connection's address, or, behind a configured
// trusted proxy, the client address that proxy forwards (and only then).
async function auditedIp(server: ReturnType<typeof useTestServer>, headers: Record<string, string>) {
  const world = await createWorld(server);
  const res = await call(server, world.admin.key, "GET", "/v1/me", undefined, headers);
  expect(res.status).toBe(200);
  await server.app.audit.flush();
  const row = await server.storage.db
    .selectFrom("audit_log")
    .select("ip")
    .where("organization_id", "=", world.organizationId)
    .where("request_id", "=", String(res.headers["x-request-id"]))
    .executeTakeFirstOrThrow();
  return row.ip;
}

describe("behind a trusted proxy", () => {
  const server = useTestServer({ TIMECARD_TRUSTED_PROXY: "127.0.0.1" });

  it("records the forwarded client address", async () => {
    expect(await auditedIp(server, { "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
  });
});

describe("with no trusted proxy", () => {
  const server = useTestServer();

  it("ignores a forwarded address the client made up", async () => {
    expect(await auditedIp(server, { "x-forwarded-for": "203.0.113.7" })).toBe("127.0.0.1");
  });
});
