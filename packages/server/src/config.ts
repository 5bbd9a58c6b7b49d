import { isIP } from "node:net";

/** Where the server keeps its data. */
export type StorageConfig =
  | { readonly kind: "postgres"; readonly url: string }
  | { readonly kind: "pglite"; readonly dataDir: string | null };

/** How outgoing webhooks are delivered. */
export interface WebhookConfig {
  /** How long an endpoint has to answer an attempt, in milliseconds (default 10 s). */
  readonly timeoutMs: number;
  /** The wait before each retry, in seconds: five entries mean six attempts (default 1m, 5m, 25m, 2h, 8h). */
  readonly retryScheduleSeconds: readonly number[];
  /**
   * Hosts, addresses and CIDR ranges that endpoints may use although they are private or
   * loopback (the sandbox allows loopback). Metadata addresses are never allowed.
   */
  readonly allowlist: readonly string[];
  /** Whether this process runs the dispatcher (default true; turn off for API-only processes). */
  readonly dispatcher: boolean;
  /** The server's public base URL, for incoming webhooks' URLs; `null`: taken from each request. */
  readonly publicUrl: string | null;
}

/** When labour-law compliance is checked besides after every session change. */
export interface ComplianceConfig {
  /** Whether the app (`createApp`, `startServer`) runs the daily check in this process (default true). */
  readonly dailyCheck: boolean;
}

/** How payroll exports are generated. */
export interface ExportConfig {
  /** Whether the app (`createApp`, `startServer`) runs the export worker in this process (default true; turn off for API-only processes). */
  readonly worker: boolean;
}

/** The reference server's configuration, read from the environment. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly storage: StorageConfig;
  /** 32-byte key that encrypts webhook secrets at rest (AES-256-GCM). */
  readonly masterKey: Buffer;
  /** Sandbox mode: seeded test data, `tc_test_` keys, reset and trigger enabled. */
  readonly sandbox: boolean;
  /** Proxy addresses whose `X-Forwarded-For` is trusted for the client IP (Fastify's `trustProxy`). */
  readonly trustProxy: string | boolean;
  readonly bodyLimitBytes: number;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  readonly webhooks: WebhookConfig;
  readonly exports: ExportConfig;
  readonly compliance: ComplianceConfig;
}

/** The environment variables that configure the server. */
export interface ServerEnv {
  readonly [name: string]: string | undefined;
}

/** Thrown when the environment does not describe a runnable server; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Invalid server configuration:\n- ${problems.join("\n- ")}`);
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
// A fixed key for sandbox data only: the sandbox's database is in memory and its secrets are test secrets.
const SANDBOX_MASTER_KEY: Buffer = Buffer.alloc(32, 0x5a);
/** Standard Webhooks' usual schedule: 1 min, 5 min, 25 min, 2 h, 8 h. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS: readonly number[] = [60, 300, 1500, 7200, 28800];
/** The sandbox retries within minutes, so that a tester sees the whole schedule. */
export const SANDBOX_RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 15, 30, 60, 120];
/** Loopback, which the sandbox allows so that events reach a receiver on localhost. */
export const LOOPBACK_ALLOWLIST: readonly string[] = ["localhost", "127.0.0.0/8", "::1/128"];

/**
 * Reads the server's configuration from environment variables, refusing anything unsafe or malformed.
 *
 * @example
 * ```ts
 * const config = loadServerConfig(process.env);
 * ```
 */
export function loadServerConfig(env: ServerEnv): ServerConfig {
  const problems: string[] = [];
  const sandbox = parseBoolean(env.TIMECARD_SANDBOX, "TIMECARD_SANDBOX", problems) ?? false;
  const port = parseInteger(env.PORT, "PORT", 0, 65535, problems) ?? 4000;
  const bodyLimitBytes =
    parseInteger(env.TIMECARD_BODY_LIMIT, "TIMECARD_BODY_LIMIT", 1024, 64 * 1024 * 1024, problems) ?? 1024 * 1024;

  let storage: StorageConfig;
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) problems.push("DATABASE_URL must be a postgres:// or postgresql:// URL");
    if (env.TIMECARD_DATA_DIR) problems.push("set DATABASE_URL (PostgreSQL) or TIMECARD_DATA_DIR (PGlite), not both");
    storage = { kind: "postgres", url };
  } else {
    storage = { kind: "pglite", dataDir: env.TIMECARD_DATA_DIR?.trim() || null };
  }

  let masterKey: Buffer = SANDBOX_MASTER_KEY;
  if (env.TIMECARD_MASTER_KEY) {
    const decoded = decodeKey(env.TIMECARD_MASTER_KEY.trim());
    if (decoded) masterKey = decoded;
    else
      problems.push("TIMECARD_MASTER_KEY must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)");
  } else if (!sandbox) {
    problems.push("TIMECARD_MASTER_KEY is required outside the sandbox (generate one with: openssl rand -base64 32)");
  }

  const logLevel = (env.LOG_LEVEL ?? "info") as ServerConfig["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);

  const proxy = env.TIMECARD_TRUSTED_PROXY?.trim();
  const trustProxy = !proxy ? false : proxy === "true" ? true : proxy;

  const webhooks = parseWebhookConfig(env, sandbox, problems);
  const exports = { worker: parseBoolean(env.TIMECARD_EXPORT_WORKER, "TIMECARD_EXPORT_WORKER", problems) ?? true };
  const compliance = {
    dailyCheck: parseBoolean(env.TIMECARD_COMPLIANCE_DAILY_CHECK, "TIMECARD_COMPLIANCE_DAILY_CHECK", problems) ?? true,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: env.HOST?.trim() || "127.0.0.1",
    port,
    storage,
    masterKey,
    sandbox,
    trustProxy,
    bodyLimitBytes,
    logLevel,
    webhooks,
    exports,
    compliance,
  };
}

function parseWebhookConfig(env: ServerEnv, sandbox: boolean, problems: string[]): WebhookConfig {
  const timeoutMs =
    parseInteger(env.TIMECARD_WEBHOOK_TIMEOUT_MS, "TIMECARD_WEBHOOK_TIMEOUT_MS", 100, 120_000, problems) ?? 10_000;
  let retryScheduleSeconds = sandbox ? SANDBOX_RETRY_SCHEDULE_SECONDS : DEFAULT_RETRY_SCHEDULE_SECONDS;
  const schedule = env.TIMECARD_WEBHOOK_RETRY_SCHEDULE?.trim();
  if (schedule) {
    const parts = schedule.split(",").map((part) => Number(part.trim()));
    if (parts.length > 10 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 7 * 24 * 3600)) {
      problems.push(
        `TIMECARD_WEBHOOK_RETRY_SCHEDULE must be up to 10 comma-separated whole seconds from 1 to 604800 (e.g. 60,300,1500,7200,28800), got "${schedule}"`,
      );
    } else retryScheduleSeconds = parts;
  }
  const list = env.TIMECARD_WEBHOOK_ALLOWLIST;
  const allowlist =
    list === undefined
      ? sandbox
        ? LOOPBACK_ALLOWLIST
        : []
      : list
          .split(",")
          .map((entry) => entry.trim().toLowerCase())
          .filter(Boolean);
  for (const entry of allowlist) {
    if (!isAllowlistEntry(entry)) {
      problems.push(
        `TIMECARD_WEBHOOK_ALLOWLIST entries must be host names, IP addresses or CIDR ranges (e.g. localhost,127.0.0.0/8,::1/128), got "${entry}"`,
      );
    }
  }
  const dispatcher = parseBoolean(env.TIMECARD_WEBHOOK_DISPATCHER, "TIMECARD_WEBHOOK_DISPATCHER", problems) ?? true;
  let publicUrl: string | null = env.TIMECARD_PUBLIC_URL?.trim().replace(/\/+$/, "") || null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    problems.push(`TIMECARD_PUBLIC_URL must be an http(s) URL such as https://api.example.com, got "${publicUrl}"`);
    publicUrl = null;
  }
  return { timeoutMs, retryScheduleSeconds, allowlist, dispatcher, publicUrl };
}

/**
 * The configuration with its secrets masked, safe to log.
 *
 * @example
 * ```ts
 * logger.info({ config: redactConfig(config) }, "starting");
 * ```
 */
export function redactConfig(config: ServerConfig): Record<string, unknown> {
  const storage =
    config.storage.kind === "postgres" ? { kind: "postgres", url: redactUrl(config.storage.url) } : config.storage;
  return { ...config, storage, masterKey: "[redacted]" };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "redacted";
    return parsed.toString();
  } catch {
    return "[unparseable]";
  }
}

/** A host name, an IP address (IPv6 optionally in brackets) or a CIDR range. */
function isAllowlistEntry(entry: string): boolean {
  const [base = "", bits, extra] = entry.replace(/^\[([^\]]+)\]/, "$1").split("/");
  const family = isIP(base);
  if (extra !== undefined) return false;
  if (family) {
    if (bits === undefined) return true;
    const prefix = Number(bits);
    return /^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
  }
  return (
    bits === undefined &&
    /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(base)
  );
}

function decodeKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, "base64");
  return null;
}

function parseInteger(text: string | undefined, name: string, min: number, max: number, problems: string[]) {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return undefined;
  }
  return value;
}

function parseBoolean(text: string | undefined, name: string, problems: string[]) {
  if (text === undefined || text.trim() === "") return undefined;
  if (["1", "true", "yes"].includes(text.toLowerCase())) return true;
  if (["0", "false", "no"].includes(text.toLowerCase())) return false;
  problems.push(`${name} must be true or false, got "${text}"`);
  return undefined;
}
