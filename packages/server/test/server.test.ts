import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommandIo, EXIT, main } from "../src/bin.js";
import { loadServerConfig, type ServerConfig } from "../src/config.js";
import { createOrganization, createPerson, issueApiKey } from "../src/domain/bootstrap.js";
import { openSandboxStorage } from "../src/sandbox/storage.js";
import { SANDBOX_KEYS, startServer } from "../src/server.js";
import { openStorage, type Storage } from "../src/storage/connect.js";
import { testStorageConfig } from "./support/harness.js";

// The server binary: listening, health probes, graceful shutdown, JSON logs without secrets,
// configuration errors and the bootstrap command. Real HTTP on loopback.

const MASTER_KEY = "b".repeat(64);
let storage: Storage;
let config: ServerConfig;
const tmp = mkdtempSync(join(tmpdir(), "timecard-server-test-"));

function collector() {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function captureIo(): CommandIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    err: () => err,
  };
}

async function keyFor(db: Storage["db"]) {
  const organizationId = await createOrganization(db, { name: `Server test ${Date.now()}`, country: "PL" });
  const employeeId = await createPerson(db, {
    organizationId,
    name: "Anna Admin",
    email: `anna.${Date.now()}@example.com`,
    role: "admin",
  });
  const { secret } = await issueApiKey(db, { organizationId, employeeId, name: "t", scope: "full", mode: "live" });
  return secret;
}

beforeAll(async () => {
  // No background jobs: on the shared PostgreSQL they would claim other test files' rows.
  const quiet = {
    TIMECARD_WEBHOOK_DISPATCHER: "false",
    TIMECARD_EXPORT_WORKER: "false",
    TIMECARD_COMPLIANCE_DAILY_CHECK: "false",
  };
  config = {
    ...loadServerConfig({ TIMECARD_MASTER_KEY: MASTER_KEY, PORT: "0", ...quiet }),
    storage: testStorageConfig(),
  };
  storage = await openStorage(config.storage);
}, 60_000);

afterAll(async () => {
  await storage?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("startServer", () => {
  it("listens and answers the health probes", async () => {
    const server = await startServer({ config, storage, signals: [], logStream: collector() });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
    } finally {
      await server.close();
    }
  });

  it("is not ready when the database does not answer", async () => {
    const broken: Storage = {
      ...storage,
      ping: async () => {
        throw new Error("database down");
      },
    };
    const server = await startServer({ config, storage: broken, signals: [], logStream: collector() });
    try {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unavailable" });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("shuts down gracefully: finishes in-flight requests, refuses new ones, writes their audit entries", async () => {
    const key = await keyFor(storage.db);
    const server = await startServer({ config, storage, signals: [], logStream: collector() });
    // Hold the employees table so the request below is stuck in its authentication query.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const blocker = storage.db.transaction().execute(async (trx) => {
      await sql`lock table employees in access exclusive mode`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const order: string[] = [];
    const inFlight = fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    await new Promise((r) => setTimeout(r, 150));
    const closing = server.close().then(() => order.push("closed"));
    await new Promise((r) => setTimeout(r, 100));
    // No new connections while shutting down.
    const late = await fetch(`${server.url}/healthz`).then(
      (res) => res.status,
      () => "refused",
    );
    expect(late === "refused" || late === 503).toBe(true);
    // Still closing: it waits for the request.
    order.push("released");
    release();
    await blocker;
    const res = await inFlight;
    await closing;
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe("admin");
    expect(order).toEqual(["released", "closed"]);
    // The request's audit entry was written before close() resolved.
    const audit = await storage.db
      .selectFrom("audit_log")
      .select(["action", "status", "path"])
      .where("request_id", "=", String(requestId))
      .execute();
    expect(audit).toEqual([{ action: "api_request", status: 200, path: "/v1/me" }]);
    // Closing again is harmless; the storage it was given stays open.
    await server.close();
    await storage.ping();
  });

  it("shuts down on a signal, then exits 0", async () => {
    let exitCode: number | null = null;
    const exited = new Promise<void>((resolve) => {
      const server = startServer({
        config,
        storage,
        signals: ["SIGUSR2"],
        logStream: collector(),
        exit: (code) => {
          exitCode = code;
          resolve();
        },
      });
      server.then(() => {
        expect(process.listenerCount("SIGUSR2")).toBeGreaterThan(0);
        process.emit("SIGUSR2", "SIGUSR2");
      });
    });
    await exited;
    expect(exitCode).toBe(0);
    expect(process.listeners("SIGUSR2")).toHaveLength(0);
  });

  it("logs JSON lines without secrets", async () => {
    const log = collector();
    const server = await startServer({
      config: { ...config, logLevel: "info" },
      storage,
      signals: [],
      logStream: log,
    });
    try {
      const bad = "tc_live_abcdefghijklmnopqrstuvwxyz012345zzzzzz";
      const res = await fetch(`${server.url}/v1/me`, {
        headers: { authorization: `Bearer ${bad}`, cookie: "session=cookie-secret" },
      });
      expect(res.status).toBe(401);
      // An incoming webhook's URL is a secret too: its token never reaches the log.
      const hook = await fetch(`${server.url}/v1/hooks/rPUZEclge2ddlli-V3DTBqMiEIqsqubWgmV-Zcss`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "stop_task" }),
      });
      expect(hook.status).toBe(404);
      server.app.log.info(
        {
          req: { headers: { authorization: `Bearer ${bad}`, cookie: "session=cookie-secret" } },
          upstream: { headers: { authorization: "Bearer upstream-secret", "set-cookie": "sid=set-cookie-secret" } },
          headers: { authorization: "Bearer header-secret" },
          secret: "whsec_top",
          client_secret: "client-top",
          endpoint: { secret: "whsec_nested", url: "https://example.com/hook" },
          app: { client_secret: "client-nested" },
          config: { masterKey: "master-nested" },
          masterKey: "master-top",
        },
        "something with secrets",
      );
    } finally {
      await server.close();
    }
    const text = log.lines.join("");
    for (const secret of [
      "tc_live_abcdefghijklmnopqrstuvwxyz012345zzzzzz",
      "rPUZEclge2ddlli-V3DTBqMiEIqsqubWgmV-Zcss",
      "cookie-secret",
      "header-secret",
      "upstream-secret",
      "set-cookie-secret",
      "whsec_top",
      "client-top",
      "whsec_nested",
      "client-nested",
      "master-nested",
      "master-top",
      MASTER_KEY,
    ]) {
      expect(text).not.toContain(secret);
    }
    const entries = log.parsed();
    const line = entries.find((e) => e.msg === "something with secrets");
    expect(line).toMatchObject({
      level: 30,
      secret: "[redacted]",
      client_secret: "[redacted]",
      masterKey: "[redacted]",
      endpoint: { secret: "[redacted]", url: "https://example.com/hook" },
      headers: { authorization: "[redacted]" },
      upstream: { headers: { authorization: "[redacted]", "set-cookie": "[redacted]" } },
    });
    const start = entries.find((e) => e.msg === "starting the Timecard server");
    expect(start?.config).toMatchObject({ masterKey: "[redacted]" });
    // Every request is logged with its id and outcome.
    expect(
      entries.some((e) => e.msg === "request completed" && (e.res as { statusCode: number }).statusCode === 401),
    ).toBe(true);
    expect(entries.some((e) => (e.req as { url?: string } | undefined)?.url === "/v1/hooks/[redacted]")).toBe(true);
  });

  it("seeds the sandbox in sandbox mode, from a cached database the second time", async () => {
    const cacheFile = join(tmp, "cache", "pglite.tar");
    const first = await openSandboxStorage({ cacheFile, now: new Date("2026-11-20T10:00:00Z") });
    expect(first.fromCache).toBe(false);
    await first.close();
    expect(existsSync(cacheFile)).toBe(true);
    const cached = await openSandboxStorage({ cacheFile });
    expect(cached.fromCache).toBe(true);
    // The running sessions follow the clock, not the cache's.
    const running = await cached.db.selectFrom("sessions").select("started_at").where("ended_at", "is", null).execute();
    expect(running).toHaveLength(4);
    for (const r of running) {
      expect(Date.now() - r.started_at.getTime()).toBeGreaterThan(60 * 60_000);
      expect(Date.now() - r.started_at.getTime()).toBeLessThan(3 * 60 * 60_000);
    }
    const sandboxConfig = { ...loadServerConfig({ TIMECARD_SANDBOX: "true", PORT: "0" }), logLevel: "warn" as const };
    const server = await startServer({ config: sandboxConfig, storage: cached, signals: [], logStream: collector() });
    try {
      expect(server.seeded).toEqual([]);
      for (const k of SANDBOX_KEYS.filter((k) => k.scope === "read")) {
        const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${k.secret}` } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { user: { role: string } }).user.role).toBe(k.role);
      }
    } finally {
      await server.close();
      await cached.close();
    }
  }, 60_000);

  it("seeds an empty database when it starts in sandbox mode", async () => {
    const sandboxConfig = {
      ...loadServerConfig({ TIMECARD_SANDBOX: "true", PORT: "0" }),
      storage: { kind: "pglite" as const, dataDir: null },
      logLevel: "warn" as const,
    };
    const server = await startServer({ config: sandboxConfig, signals: [], logStream: collector() });
    try {
      expect([...server.seeded].sort()).toEqual([...new Set(SANDBOX_KEYS.map((k) => k.organizationId))].sort());
      const admin = SANDBOX_KEYS[0]?.secret;
      const res = await fetch(`${server.url}/v1/sessions?status=running`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
    } finally {
      await server.close();
    }
    // It opened the database itself, so it closed it too.
    await expect(server.storage.ping()).rejects.toThrow();
  }, 60_000);
});

describe("timecard-server", () => {
  it("refuses a bad configuration with exit code 78, listing every problem", async () => {
    const io = captureIo();
    const code = await main([], { PORT: "99999", LOG_LEVEL: "loud" }, io);
    expect(code).toBe(EXIT.config);
    expect(io.err()).toContain("TIMECARD_MASTER_KEY is required");
    expect(io.err()).toContain("PORT must be");
    expect(io.err()).toContain("LOG_LEVEL must be");
  });

  it("refuses unknown commands and bad bootstrap arguments with exit code 2", async () => {
    const unknown = captureIo();
    expect(await main(["frobnicate"], {}, unknown)).toBe(EXIT.usage);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
    const missing = captureIo();
    expect(await main(["bootstrap", "--name", "X", "--country", "DE"], {}, missing)).toBe(EXIT.usage);
    expect(missing.err()).toContain("--country must be PL or CZ");
    expect(missing.err()).toContain("--admin-name is required");
    expect(missing.err()).toContain("--admin-email must be an email address");
    const flag = captureIo();
    expect(await main(["bootstrap", "--bogus"], {}, flag)).toBe(EXIT.usage);
    const help = captureIo();
    expect(await main(["--help"], {}, help)).toBe(EXIT.ok);
    expect(help.out()).toContain("timecard-server bootstrap");
  });

  it("bootstrap refuses an in-memory database: the organization would vanish", async () => {
    const io = captureIo();
    const code = await main(
      ["bootstrap", "--name", "X", "--country", "PL", "--admin-name", "A", "--admin-email", "a@example.com"],
      { TIMECARD_MASTER_KEY: MASTER_KEY },
      io,
    );
    expect(code).toBe(EXIT.config);
    expect(io.err()).toContain("bootstrap needs the server's database");
  });

  it("bootstrap creates an organization and its admin, and prints a working admin key once", async () => {
    const storageConfig = testStorageConfig();
    const env =
      storageConfig.kind === "postgres"
        ? { TIMECARD_MASTER_KEY: MASTER_KEY, DATABASE_URL: storageConfig.url }
        : { TIMECARD_MASTER_KEY: MASTER_KEY, TIMECARD_DATA_DIR: join(tmp, "data") };
    const email = `anna.${Date.now()}@kowalski.example`;
    const io = captureIo();
    const args = ["bootstrap", "--name", "Kowalski Software", "--country", "pl", "--admin-name", "Anna Nowak"];
    const code = await main([...args, "--admin-email", email, "--json"], env, io);
    expect(io.err()).toBe("");
    expect(code).toBe(EXIT.ok);
    const printed = JSON.parse(io.out());
    expect(printed.api_key).toMatch(/^tc_live_[0-9A-Za-z]{38}$/);
    expect(printed.organization_id).toMatch(/^org_/);

    // The server on that database (opening and closing it itself) knows the key.
    const server = await startServer({
      config: loadServerConfig({ ...env, PORT: "0" }),
      signals: [],
      logStream: collector(),
    });
    try {
      const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${printed.api_key}` } });
      expect(res.status).toBe(200);
      const me = (await res.json()) as Record<string, unknown>;
      expect(me.user).toMatchObject({ id: printed.admin_employee_id, name: "Anna Nowak", email, role: "admin" });
      expect(me.organization).toMatchObject({ id: printed.organization_id, country: "PL", time_zone: "Europe/Warsaw" });
      expect(me.credential).toMatchObject({ scope: "full", mode: "live" });
    } finally {
      await server.close();
    }
    await expect(server.storage.ping()).rejects.toThrow();

    const text = captureIo();
    const again = await main(
      ["bootstrap", "--name", "Druhá s.r.o.", "--country", "CZ", "--admin-name", "Eva", "--admin-email", email],
      env,
      text,
    );
    expect(again).toBe(EXIT.ok);
    expect(text.out()).toMatch(/Admin API key key_\w+ \(scope full\)/);
    expect(text.out()).toMatch(/^\s+tc_live_\w+$/m);
  }, 90_000);
});
