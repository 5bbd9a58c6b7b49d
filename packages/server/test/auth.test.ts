import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadServerConfig } from "../src/config.js";
import { createKeySecret } from "../src/domain/api-key-secret.js";
import { issueApiKey } from "../src/domain/bootstrap.js";
import type { Storage } from "../src/storage/connect.js";
import type { Database } from "../src/storage/schema.js";
import { type Call, call, createWorld, type TestUser, useTestServer, type World } from "./support/harness.js";
import {
  createResources,
  expectProblem,
  type Resources,
  SPEC_OPERATIONS,
  type SpecOp,
  send,
  validRequest,
} from "./support/spec-walk.js";

const server = useTestServer();
let world: World;
let resources: Resources;
let nextAddress = 1;

/** A fresh client address: the per-IP limit of unauthenticated requests is counted per test. */
const address = () => `198.51.100.${nextAddress++}`;

beforeAll(async () => {
  world = await createWorld(server);
  resources = await createResources(server, world);
});

/** Sends without a credential, from `remoteAddress`. */
function anonymous(url: string, authorization?: string, remoteAddress = address()): Promise<Call> {
  return send(
    server,
    null,
    { method: "GET", url },
    { remoteAddress, headers: authorization === undefined ? {} : { authorization } },
  );
}

function expectRateLimitHeaders(res: Call, limit?: number): void {
  expect(res.headers["x-request-id"]).toMatch(/^req_/);
  expect(Number(res.headers["x-ratelimit-limit"]), `X-RateLimit-Limit on ${res.status}`).toBeGreaterThan(0);
  if (limit !== undefined) expect(Number(res.headers["x-ratelimit-limit"])).toBe(limit);
  expect(Number.isInteger(Number(res.headers["x-ratelimit-remaining"]))).toBe(true);
  expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(
    Math.floor(server.clock.now.getTime() / 1000),
  );
}

describe("401: who is calling", () => {
  it("refuses a request without a credential with unauthenticated", async () => {
    const res = await anonymous("/v1/me");
    expectProblem(res, 401, "unauthenticated");
    expectRateLimitHeaders(res, 100);
  });

  it.each([
    ["a Basic header", "Basic dXNlcjpwYXNz"],
    ["Bearer with nothing", "Bearer "],
    ["Bearer with two words", "Bearer tc_live_a tc_live_b"],
    ["a scheme that is not Bearer", "Token tc_live_abc"],
  ])("refuses a malformed header (%s) with invalid_api_key", async (_, header) => {
    const res = await anonymous("/v1/me", header);
    expectProblem(res, 401, "invalid_api_key");
    expectRateLimitHeaders(res, 100);
  });

  it("refuses a credential that is not an API key as an unknown access token", async () => {
    expectProblem(await anonymous("/v1/me", "Bearer some-opaque-token"), 401, "invalid_token");
  });

  it("refuses malformed keys and keys with a bad checksum with invalid_api_key", async () => {
    const key = world.admin.key;
    const flipped = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    for (const bad of [
      "tc_live_short",
      "tc_test_",
      `${key}x`,
      key.slice(0, -1),
      flipped,
      key.replace("tc_test_", "tc_live_"),
      `${key.slice(0, 10)}${key.slice(11, 12)}${key.slice(10, 11)}${key.slice(12)}`,
    ]) {
      const res = await anonymous("/v1/me", `Bearer ${bad}`);
      expectProblem(res, 401, "invalid_api_key");
    }
  });

  it("refuses a bad checksum without the database: the key is refused even when storage is down", async () => {
    const config = {
      ...loadServerConfig({
        TIMECARD_MASTER_KEY: "a".repeat(64),
        TIMECARD_WEBHOOK_DISPATCHER: "false",
        TIMECARD_EXPORT_WORKER: "false",
        TIMECARD_COMPLIANCE_DAILY_CHECK: "false",
      }),
      storage: server.config.storage,
    };
    const app = await createApp({ config, storage: unreachableStorage() });
    try {
      const key = createKeySecret("live").secret;
      const badChecksum = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
      const refused = await app.inject({
        method: "GET",
        url: "/v1/me",
        headers: { authorization: `Bearer ${badChecksum}` },
      });
      expect(refused.statusCode).toBe(401);
      expect(JSON.parse(refused.body).code).toBe("invalid_api_key");
      const missing = await app.inject({ method: "GET", url: "/v1/me" });
      expect(missing.statusCode).toBe(401);
      // A well-formed key needs the lookup, which fails here: the checksum is what refused the first.
      const wellFormed = await app.inject({
        method: "GET",
        url: "/v1/me",
        headers: { authorization: `Bearer ${key}` },
      });
      expect(wellFormed.statusCode).toBe(500);
      expect(JSON.parse(wellFormed.body).code).toBe("internal_error");
    } finally {
      await app.close();
    }
  });

  it("refuses a well-formed key that does not exist with invalid_api_key", async () => {
    for (const mode of ["live", "test"] as const) {
      expectProblem(await anonymous("/v1/me", `Bearer ${createKeySecret(mode).secret}`), 401, "invalid_api_key");
    }
  });

  it("refuses a revoked key with key_revoked, from the moment it is revoked", async () => {
    const user = await newUserKey(world.employee);
    await setKey(user, { revoked_at: new Date(server.clock.now.getTime() + 60_000) });
    // Revocation in the future (the overlap of a rotation): the key still works until then.
    expect((await call(server, user.key, "GET", "/v1/me")).status).toBe(200);
    await setKey(user, { revoked_at: new Date(server.clock.now.getTime() - 1000) });
    const res = await call(server, user.key, "GET", "/v1/me");
    expectProblem(res, 401, "key_revoked");
    expect(res.headers["x-request-id"]).toMatch(/^req_/);
  });

  it("refuses an expired key with key_expired", async () => {
    const user = await newUserKey(world.employee);
    await setKey(user, { expires_at: new Date(server.clock.now.getTime() + 1000) });
    expect((await call(server, user.key, "GET", "/v1/me")).status).toBe(200);
    await setKey(user, { expires_at: new Date(server.clock.now.getTime() - 1000) });
    expectProblem(await call(server, user.key, "GET", "/v1/me"), 401, "key_expired");
  });

  it("refuses the keys of a deactivated employee", async () => {
    const other = await createWorld(server);
    // Deactivated directly in the table: the key itself is not revoked, the employee is.
    await server.storage.db
      .updateTable("employees")
      .set({ status: "deactivated" })
      .where("id", "=", other.colleague.id)
      .execute();
    expectProblem(await call(server, other.colleague.key, "GET", "/v1/me"), 401, "key_revoked");
    expectProblem(await call(server, other.colleague.readKey, "GET", "/v1/me"), 401, "key_revoked");
    // Deactivated through the API.
    expect((await call(server, other.employee.key, "GET", "/v1/me")).status).toBe(200);
    const res = await call(server, other.admin.key, "POST", `/v1/employees/${other.employee.id}/deactivate`);
    expect(res.status).toBe(200);
    expectProblem(await call(server, other.employee.key, "GET", "/v1/me"), 401, "key_revoked");
    expectProblem(await call(server, other.employee.readKey, "GET", "/v1/sessions"), 401, "key_revoked");
  });

  it("accepts the scheme in any case and the key of an active employee", async () => {
    const res = await send(
      server,
      null,
      { method: "GET", url: "/v1/me" },
      { headers: { authorization: `bearer ${world.manager.key}` } },
    );
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(world.manager.id);
  });
});

/** The operations that need a credential. */
const secured = SPEC_OPERATIONS.filter((op) => op.scope !== null);

describe("403: what the caller may do", () => {
  const writes = secured.filter((op) => op.scope !== "read");
  it.each(writes.map((op) => [op.label, op] as const))("a read key gets insufficient_scope on %s", async (_, op) => {
    for (const user of [world.admin, world.manager, world.employee]) {
      const res = await send(server, user.readKey, validRequest(op, resources));
      expectProblem(res, 403, "insufficient_scope");
    }
  });

  const restricted = secured.filter((op) => op.roles.length < 3);
  it.each(restricted.map((op) => [`${op.label} (roles ${op.roles.join(", ")})`, op] as const))(
    "a role outside x-timecard-roles gets forbidden on %s",
    async (_, op) => {
      const users: Record<string, TestUser> = { admin: world.admin, manager: world.manager, employee: world.employee };
      const excluded = Object.keys(users).filter((role) => !op.roles.includes(role as SpecOp["roles"][number]));
      expect(excluded.length).toBeGreaterThan(0);
      for (const role of excluded) {
        const res = await send(server, users[role]?.key ?? null, validRequest(op, resources));
        expectProblem(res, 403, "forbidden");
      }
    },
  );

  it("the walk covers every operation the employee role may not call", () => {
    const notForEmployees = secured.filter((op) => !op.roles.includes("employee")).map((op) => op.operationId);
    expect(notForEmployees.length).toBeGreaterThan(20);
    expect(restricted.map((op) => op.operationId)).toEqual(expect.arrayContaining(notForEmployees));
  });
});

describe("headers on every response", () => {
  // Its own world: the walk really calls every operation (deactivations, revocations).
  let own: World;
  let ids: Resources;
  beforeAll(async () => {
    own = await createWorld(server);
    ids = await createResources(server, own);
  });

  it.each(SPEC_OPERATIONS.map((op) => [op.label, op] as const))(
    "%s carries X-Request-Id and X-RateLimit-* with or without a credential",
    async (_, op) => {
      const authorized = await send(server, op.scope === null ? null : own.admin.key, validRequest(op, ids), {
        remoteAddress: address(),
      });
      expect(authorized.status).toBeLessThan(600);
      expectRateLimitHeaders(authorized);
      if (op.scope !== null) expect(Number(authorized.headers["x-ratelimit-limit"])).toBe(1000);
      // The OAuth endpoints answer RFC 6749 §5.2 errors, not problems.
      if (authorized.status >= 400 && op.path.startsWith("/oauth/")) {
        expect(authorized.body).toMatchObject({ error: expect.any(String) });
      } else if (authorized.status >= 400) expectProblem(authorized, authorized.status);

      const unauthenticated = await send(server, null, validRequest(op, ids), { remoteAddress: address() });
      // An incoming webhook's URL counts against the hook's own limit; other calls without a key, the IP's.
      expectRateLimitHeaders(unauthenticated, op.operationId === "receiveIncomingWebhook" ? 1000 : 100);
      if (op.scope !== null) expectProblem(unauthenticated, 401, "unauthenticated");
    },
  );

  it("the per-IP limit counts down over 401s and unknown paths, per address", async () => {
    const from = address();
    const first = await anonymous("/v1/me", undefined, from);
    const second = await anonymous("/v1/employees", "Bearer tc_live_nope", from);
    const third = await anonymous("/v1/no-such-thing", undefined, from);
    expectProblem(third, 404, "not_found");
    expect([first, second, third].map((r) => Number(r.headers["x-ratelimit-remaining"]))).toEqual([99, 98, 97]);
    expect(Number((await anonymous("/v1/me")).headers["x-ratelimit-remaining"])).toBe(99);
  });

  it("the health probes carry X-Request-Id and are not limited", async () => {
    const res = await anonymous("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers["x-request-id"]).toMatch(/^req_/);
    expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
  });
});

/** A new full key of a user (so that changing it does not touch the world's keys). */
async function newUserKey(user: TestUser): Promise<{ id: string; key: string }> {
  const row = await server.storage.db
    .selectFrom("employees")
    .select("organization_id")
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  const issued = await issueApiKey(server.storage.db, {
    organizationId: row.organization_id,
    employeeId: user.id,
    name: "probe",
    scope: "full",
    mode: "test",
  });
  return { id: issued.id, key: issued.secret };
}

async function setKey(key: { id: string }, values: { revoked_at?: Date; expires_at?: Date }) {
  await server.storage.db.updateTable("api_keys").set(values).where("id", "=", key.id).execute();
}

/** Storage whose every query fails, as when the database is unreachable. */
function unreachableStorage(): Storage {
  const fail = async (): Promise<never> => {
    throw new Error("database unreachable");
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: fail as () => Promise<DatabaseConnection>,
    beginTransaction: fail,
    commitTransaction: fail,
    rollbackTransaction: fail,
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, kind: "pglite", ping: fail, listen: fail, close: async () => {} };
}
