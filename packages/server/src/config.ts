/** Where the server keeps its data. */
export type StorageConfig =
  | { readonly kind: "postgres"; readonly url: string }
  | { readonly kind: "pglite"; readonly dataDir: string | null };

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
  };
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
