import { randomBytes } from "node:crypto";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createApp } from "../../src/app.js";
import { loadServerConfig, type ServerConfig } from "../../src/config.js";
import type { Role } from "../../src/domain/actor.js";
import { createOrganization, createPerson, issueApiKey } from "../../src/domain/bootstrap.js";
import { openStorage, type Storage } from "../../src/storage/connect.js";

/**
 * Where the server suite runs: PGlite by default; PostgreSQL when TIMECARD_TEST_STORAGE is
 * `postgres` (the `server-postgres` vitest project), at TIMECARD_TEST_DATABASE_URL.
 */
export function testStorageConfig(): ServerConfig["storage"] {
  if (process.env.TIMECARD_TEST_STORAGE === "postgres") {
    const url = process.env.TIMECARD_TEST_DATABASE_URL;
    if (!url)
      throw new Error("TIMECARD_TEST_DATABASE_URL is not set: run the suite with `npm test`, which starts PostgreSQL");
    return { kind: "postgres", url };
  }
  return { kind: "pglite", dataDir: null };
}

/** A running app on a test database, shared by one test file (PGlite takes ~2 s to start). */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly config: ServerConfig;
  /** The clock the app reads; tests move it with `clock.set(…)`. */
  readonly clock: { now: Date; set(at: Date | string): void; advance(ms: number): void };
  /** Host name → addresses, for webhook endpoints' hosts; `localhost` is `127.0.0.1`. Unknown names do not resolve. */
  readonly hosts: Map<string, string[]>;
}

/** How `useTestServer` sets up its app. */
export interface TestServerOptions {
  /**
   * A database of this file's own (a new database on PostgreSQL), for tests that run the
   * webhook dispatcher: it claims every due delivery of its database, and must neither send
   * other files' deliveries nor be disturbed by them.
   */
  readonly ownDatabase?: boolean;
}

/**
 * Starts one app for the test file; each test makes its own organizations (`createWorld`), so
 * tests never see each other's data, exactly as tenants never do. The webhook dispatcher is off
 * unless `env` turns it on (`TIMECARD_WEBHOOK_DISPATCHER: "true"`): tests drive it by hand with
 * `server.app.webhooks.dispatcher.runDue()`, and no test sends traffic beyond loopback. Host
 * names resolve through `server.hosts`, never the real DNS.
 */
export function useTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): TestServer {
  const hosts = new Map<string, string[]>([["localhost", ["127.0.0.1"]]]);
  const server = { hosts } as { -readonly [K in keyof TestServer]: TestServer[K] };
  const clock = {
    now: new Date(),
    set(at: Date | string) {
      clock.now = new Date(at);
    },
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  let database: IsolatedDatabase | undefined;
  beforeAll(async () => {
    database = options.ownDatabase ? await createIsolatedDatabase() : undefined;
    const config = {
      ...loadServerConfig({
        TIMECARD_MASTER_KEY: "a".repeat(64),
        // Background jobs are driven by the tests that need them (startServer would start them).
        TIMECARD_WEBHOOK_DISPATCHER: "false",
        TIMECARD_EXPORT_WORKER: "false",
        TIMECARD_COMPLIANCE_DAILY_CHECK: "false",
        ...env,
      }),
      storage: database?.storage ?? testStorageConfig(),
    };
    const storage = await openStorage(config.storage);
    const app = await createApp({ config, storage, now: () => clock.now, resolveHost: tableResolver(hosts) });
    await app.ready();
    Object.assign(server, { app, storage, config, clock });
  }, 60_000);
  afterAll(async () => {
    await server.app?.close();
    await server.storage?.close();
    await database?.drop();
  });
  Object.assign(server, { clock });
  return server;
}

/** A database of its own for one test file: a new PostgreSQL database, or an in-memory PGlite. */
export interface IsolatedDatabase {
  readonly storage: ServerConfig["storage"];
  /** Drops the PostgreSQL database (nothing for PGlite). */
  drop(): Promise<void>;
}

/** Creates an empty database on the test PostgreSQL cluster (or names an in-memory PGlite). */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const base = testStorageConfig();
  if (base.kind !== "postgres") return { storage: base, drop: async () => {} };
  const name = `timecard_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base.url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.url);
  url.pathname = `/${name}`;
  return {
    storage: { kind: "postgres", url: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: base.url });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Resolves names from `hosts` only. */
export function tableResolver(hosts: Map<string, string[]>) {
  return async (host: string): Promise<readonly string[]> => {
    const addresses = hosts.get(host.toLowerCase());
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses;
  };
}

/** One user of a test organization with their keys. */
export interface TestUser {
  readonly id: string;
  readonly role: Role;
  /** A `full` key. */
  readonly key: string;
  /** A `read` key. */
  readonly readKey: string;
}

/** A test organization: an admin, a manager with two reports, and one more employee. */
export interface World {
  readonly organizationId: string;
  readonly admin: TestUser;
  readonly manager: TestUser;
  /** Reports to `manager`. */
  readonly employee: TestUser;
  /** Also reports to `manager`. */
  readonly colleague: TestUser;
  /** Reports to nobody. */
  readonly outsider: TestUser;
}

let counter = 0;

/** Creates an organization with people and keys, unique to the calling test. */
export async function createWorld(server: TestServer, country: "PL" | "CZ" = "PL"): Promise<World> {
  const db = server.storage.db;
  const n = ++counter;
  const tag = `${Date.now().toString(36)}${n}`;
  const organizationId = await createOrganization(db, { name: `Test ${tag}`, country, now: server.clock.now });
  const user = async (role: Role, name: string, managerId: string | null = null): Promise<TestUser> => {
    const id = await createPerson(db, {
      organizationId,
      name,
      email: `${name.toLowerCase().replace(/\s+/g, ".")}.${tag}@example.com`,
      role,
      managerId,
      now: server.clock.now,
    });
    const full = await issueApiKey(db, { organizationId, employeeId: id, name: "full", scope: "full", mode: "test" });
    const read = await issueApiKey(db, { organizationId, employeeId: id, name: "read", scope: "read", mode: "test" });
    return { id, role, key: full.secret, readKey: read.secret };
  };
  const admin = await user("admin", "Anna Admin");
  const manager = await user("manager", "Marek Manager");
  const employee = await user("employee", "Ewa Employee", manager.id);
  const colleague = await user("employee", "Cyril Colleague", manager.id);
  const outsider = await user("employee", "Olga Outsider");
  return { organizationId, admin, manager, employee, colleague, outsider };
}

/** An HTTP call through the app, in process. */
export interface Call {
  readonly status: number;
  readonly headers: LightMyRequestResponse["headers"];
  // biome-ignore lint/suspicious/noExplicitAny: tests read responses like JSON
  readonly body: any;
  readonly raw: LightMyRequestResponse;
}

/**
 * Sends a request as the holder of `key` (or with no credential when `key` is null).
 *
 * @example
 * ```ts
 * const res = await call(server, world.admin.key, "POST", "/v1/employees", { name: "Jan", email: "jan@example.com" });
 * ```
 */
export async function call(
  server: TestServer,
  key: string | null,
  method: InjectOptions["method"],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Call> {
  const raw = await server.app.inject({
    method,
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(body === undefined
      ? {}
      : typeof body === "string"
        ? {
            payload: body,
            headers: {
              "content-type": "application/json",
              ...(key ? { authorization: `Bearer ${key}` } : {}),
              ...headers,
            },
          }
        : { payload: body as object }),
  });
  let parsed: unknown = raw.body;
  if ((raw.headers["content-type"] ?? "").toString().includes("json") && raw.body) parsed = JSON.parse(raw.body);
  return { status: raw.statusCode, headers: raw.headers, body: parsed, raw };
}
