import type { FastifyInstance } from "fastify";
import { createApp } from "./app.js";
import { loadServerConfig, redactConfig, type ServerConfig, type ServerEnv } from "./config.js";
import { ensureSandboxSeed } from "./sandbox/seed.js";

export { openSandboxStorage, type SandboxStorage, type SandboxStorageOptions } from "./sandbox/storage.js";

import { openStorage, type Storage } from "./storage/connect.js";

export {
  SANDBOX_KEYS,
  SANDBOX_ORGANIZATION_IDS,
  type SandboxKey,
  SEED_VERSION,
} from "./sandbox/seed.js";

/**
 * What the logs never show: credentials in request headers, cookies, webhook and OAuth client
 * secrets and the master key, wherever they sit in a logged object (up to three levels deep).
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["set-cookie"]',
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "secret",
  "*.secret",
  "*.*.secret",
  "client_secret",
  "*.client_secret",
  "*.*.client_secret",
  "masterKey",
  "*.masterKey",
  "*.*.masterKey",
  "password",
  "*.password",
  "access_token",
  "*.access_token",
  "refresh_token",
  "*.refresh_token",
];

/** A URL with the token of an incoming webhook's secret URL replaced by `[redacted]`. */
export function redactSecretPath(url: string): string {
  return url.replace(/^(\/v1\/hooks\/)[^/?#]*/, "$1[redacted]");
}

/** Where log lines go: anything with `write` (a stream, or a test's collector). */
export interface LogDestination {
  write(line: string): unknown;
}

/**
 * The server's pino options (Fastify's logger): JSON lines at `level`, secrets redacted.
 *
 * @example
 * ```ts
 * const app = await createApp({ config, storage, logger: serverLoggerOptions("info") });
 * ```
 */
export function serverLoggerOptions(level: ServerConfig["logLevel"], stream?: LogDestination): Record<string, unknown> {
  return {
    level,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: "[redacted]" },
    // Request lines name the URL without what is secret in it (an incoming webhook's token).
    serializers: {
      req: (req: { method?: string; url?: unknown; host?: string; ip?: string; socket?: { remotePort?: number } }) =>
        typeof req?.url !== "string"
          ? req
          : {
              method: req.method,
              url: redactSecretPath(req.url),
              host: req.host,
              remoteAddress: req.ip,
              remotePort: req.socket?.remotePort,
            },
    },
    ...(stream ? { stream } : {}),
  };
}

/** How `startServer` runs. */
export interface StartServerOptions {
  readonly config: ServerConfig;
  /** An open database; by default the one `config.storage` names is opened (and closed on shutdown). */
  readonly storage?: Storage;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  /** Where the JSON log lines go; standard output by default. */
  readonly logStream?: LogDestination;
  /** The signals that shut the server down gracefully; `[]` for none (the embedder handles them). Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Called with the exit code once a signal's shutdown has finished; `process.exit` by default. */
  readonly exit?: (code: number) => void;
  /** How long in-flight requests may run on after shutdown starts before their connections are cut (default 10 s). */
  readonly shutdownTimeoutMs?: number;
}

/** A listening server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly config: ServerConfig;
  /** Where it listens, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  readonly port: number;
  /** The sandbox organizations seeded at this start (empty outside the sandbox, or when they existed). */
  readonly seeded: readonly string[];
  /**
   * Shuts down gracefully: stops accepting connections, lets in-flight requests finish (up to
   * the timeout), writes the pending audit entries, then closes the database. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Starts the Timecard API server: opens and migrates the database, seeds the sandbox data in
 * sandbox mode, listens on `config.host:config.port`, runs the payroll export worker (unless
 * `TIMECARD_EXPORT_WORKER=false`) and the daily compliance check (unless
 * `TIMECARD_COMPLIANCE_DAILY_CHECK=false`), logs JSON with secrets redacted, and shuts down
 * gracefully on SIGTERM and SIGINT.
 *
 * @example
 * ```ts
 * const server = await startServer({ config: loadServerConfig(process.env) });
 * console.log(`listening on ${server.url}`);
 * ```
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const logger = serverLoggerOptions(config.logLevel, options.logStream);
  const ownsStorage = !options.storage;
  const storage = options.storage ?? (await openStorage(config.storage));
  let app: FastifyInstance | undefined;
  let seeded: string[] = [];
  try {
    if (config.sandbox) seeded = await ensureSandboxSeed(storage.db, now());
    app = await createApp({ config, storage, now, logger });
    app.log.info({ config: redactConfig(config) }, "starting the Timecard server");
    if (!config.sandbox && config.storage.kind === "pglite" && config.storage.dataDir === null) {
      app.log.warn("no DATABASE_URL or TIMECARD_DATA_DIR: the data is in memory and is lost when the server stops");
    }
    if (seeded.length > 0) app.log.info({ organizations: seeded }, "seeded the sandbox data");
    // The background jobs start as the app gets ready, and stop with app.close().
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => {});
    if (ownsStorage) await storage.close().catch(() => {});
    throw error;
  }
  const listening = app;

  const address = listening.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const signals = options.signals ?? (["SIGTERM", "SIGINT"] as const);
  const exit = options.exit ?? ((code: number) => process.exit(code));

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      // In-flight requests finish; a request that outlives the timeout has its connection cut.
      const force = setTimeout(() => {
        listening.log.warn({ timeoutMs }, "requests still running at the shutdown timeout: closing their connections");
        listening.server.closeAllConnections();
      }, timeoutMs);
      force.unref();
      // Keep-alive connections that finish their last request while closing are closed as they go idle.
      const idle = setInterval(() => listening.server.closeIdleConnections(), 50);
      idle.unref();
      try {
        await listening.close();
        await listening.audit.flush();
      } finally {
        clearTimeout(force);
        clearInterval(idle);
        if (ownsStorage) await storage.close();
      }
      listening.log.info("stopped");
    })();
    return closing;
  };

  let signalled = false;
  function onSignal(signal: NodeJS.Signals) {
    if (signalled) {
      listening.log.warn({ signal }, "second signal: exiting without waiting");
      exit(1);
      return;
    }
    signalled = true;
    listening.log.info({ signal }, "shutting down: finishing in-flight requests");
    close().then(
      () => exit(0),
      (error: unknown) => {
        listening.log.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  }
  for (const signal of signals) process.on(signal, onSignal);

  return { app: listening, storage, config, url: `http://${host}:${port}`, port, seeded, close };
}

/**
 * Reads the configuration from environment variables and starts the server: what the
 * `timecard-server` command runs. Throws `ConfigError` (listing every problem) for a bad
 * environment.
 *
 * @example
 * ```ts
 * await startServerFromEnv(process.env);
 * ```
 */
export function startServerFromEnv(
  env: ServerEnv,
  options: Omit<StartServerOptions, "config"> = {},
): Promise<RunningServer> {
  return startServer({ ...options, config: loadServerConfig(env) });
}
