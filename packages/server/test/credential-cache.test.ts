import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { hashSecret } from "../src/domain/api-key-secret.js";
import { call, createWorld, testStorageConfig, useTestServer } from "./support/harness.js";

// On PGlite the server caches credentials between requests; any write that may change one
// empties the cache first, so revocation still acts on the very next request.
const server = useTestServer();
const onPglite = testStorageConfig().kind === "pglite";

describe.runIf(onPglite)("the credential cache", () => {
  it("serves a key from the cache after its first use", async () => {
    const world = await createWorld(server);
    expect(server.storage.credentialCache?.get(hashSecret(world.employee.key))).toBeUndefined();
    expect((await call(server, world.employee.key, "GET", "/v1/me")).status).toBe(200);
    expect(server.storage.credentialCache?.get(hashSecret(world.employee.key))).toMatchObject({ role: "employee" });
  });

  it.each([
    [
      "a direct update of the key",
      (db: typeof server.storage.db, id: string) =>
        db
          .updateTable("api_keys")
          .set({ revoked_at: new Date(0) })
          .where("employee_id", "=", id)
          .execute(),
    ],
    [
      "a deactivation of its user",
      (db: typeof server.storage.db, id: string) =>
        db.updateTable("employees").set({ status: "deactivated" }).where("id", "=", id).execute(),
    ],
    [
      "raw SQL",
      (db: typeof server.storage.db, id: string) =>
        sql`update api_keys set revoked_at = '2000-01-01T00:00:00Z' where employee_id = ${id}`.execute(db),
    ],
  ])("is emptied by %s, so the next request is refused", async (_, write) => {
    const world = await createWorld(server);
    expect((await call(server, world.employee.key, "GET", "/v1/me")).status).toBe(200);
    await write(server.storage.db, world.employee.id);
    const next = await call(server, world.employee.key, "GET", "/v1/me");
    expect(next.status).toBe(401);
    expect(next.body.code).toBe("key_revoked");
  });

  it("sees a role change made through the API on the next request", async () => {
    const world = await createWorld(server);
    expect((await call(server, world.employee.key, "POST", "/v1/projects", { name: "X" })).status).toBe(403);
    expect(
      (await call(server, world.admin.key, "PATCH", `/v1/employees/${world.employee.id}`, { role: "manager" })).status,
    ).toBe(200);
    expect((await call(server, world.employee.key, "POST", "/v1/projects", { name: "X" })).status).toBe(201);
  });
});

describe.runIf(!onPglite)("on PostgreSQL", () => {
  it("caches nothing: other server processes may write", () => {
    expect(server.storage.credentialCache).toBeUndefined();
  });
});
