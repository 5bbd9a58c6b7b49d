// `timecard-server`: the Timecard API server, configured from environment variables.
//
//   timecard-server                  start the server (PORT, HOST, DATABASE_URL, TIMECARD_MASTER_KEY, …)
//   timecard-server bootstrap …      create an organization and its first admin, print an admin API key once
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, loadServerConfig, type ServerEnv } from "./config.js";
import { createOrganization, createPerson, issueApiKey } from "./domain/bootstrap.js";
import { startServer } from "./server.js";
import { openStorage } from "./storage/connect.js";

/** Exit codes: 0 done, 1 failed, 2 bad usage, 78 bad configuration (sysexits' EX_CONFIG). */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/** Where the command writes. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `Usage:
  timecard-server                     Start the Timecard API server.
  timecard-server bootstrap --name <organization> --country <PL|CZ> --admin-name <name> --admin-email <email> [--json]
                                      Create an organization and its first admin; print an admin API key once.

Environment:
  PORT (4000), HOST (127.0.0.1), DATABASE_URL (postgres://…) or TIMECARD_DATA_DIR (PGlite; in memory
  when neither is set), TIMECARD_MASTER_KEY (32 bytes, base64 or hex; required outside the sandbox),
  TIMECARD_SANDBOX (true: sandbox mode with seeded test data), TIMECARD_TRUSTED_PROXY, TIMECARD_BODY_LIMIT,
  LOG_LEVEL (info).

Exit codes: 0 ok, 1 failed, 2 bad usage, 78 bad configuration.
`;

/**
 * Runs the `timecard-server` command. Resolves with the exit code, or `null` while the server
 * runs (it exits on SIGTERM or SIGINT once in-flight requests have finished).
 *
 * @example
 * ```ts
 * const code = await main(["bootstrap", "--name", "Kowalski Software", "--country", "PL",
 *   "--admin-name", "Anna Nowak", "--admin-email", "anna@example.pl"], process.env);
 * ```
 */
export async function main(
  argv: readonly string[],
  env: ServerEnv,
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number | null> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  try {
    if (command === undefined || command === "serve") {
      if (rest.length > 0) return usageError(io, `unexpected arguments: ${rest.join(" ")}`);
      await startServer({ config: loadServerConfig(env) });
      return null;
    }
    if (command === "bootstrap") return await bootstrap(rest, env, io);
    return usageError(io, `unknown command "${command}"`);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`timecard-server: ${error.message}\n`);
      return EXIT.config;
    }
    io.stderr.write(`timecard-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failed;
  }
}

function usageError(io: CommandIo, message: string): number {
  io.stderr.write(`timecard-server: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}

async function bootstrap(args: readonly string[], env: ServerEnv, io: CommandIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        name: { type: "string" },
        country: { type: "string" },
        "admin-name": { type: "string" },
        "admin-email": { type: "string" },
        json: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const name = String(values.name ?? "").trim();
  const country = String(values.country ?? "")
    .trim()
    .toUpperCase();
  const adminName = String(values["admin-name"] ?? "").trim();
  const adminEmail = String(values["admin-email"] ?? "").trim();
  const problems: string[] = [];
  if (!name) problems.push("--name is required");
  if (country !== "PL" && country !== "CZ") problems.push("--country must be PL or CZ");
  if (!adminName) problems.push("--admin-name is required");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) problems.push("--admin-email must be an email address");
  if (problems.length > 0) return usageError(io, problems.join("; "));

  const config = loadServerConfig(env);
  if (config.storage.kind === "pglite" && config.storage.dataDir === null) {
    throw new ConfigError([
      "bootstrap needs the server's database: set DATABASE_URL (PostgreSQL) or TIMECARD_DATA_DIR (PGlite), as for the server",
    ]);
  }
  const mode = config.sandbox ? "test" : "live";
  const storage = await openStorage(config.storage);
  try {
    const created = await storage.db.transaction().execute(async (trx) => {
      const organizationId = await createOrganization(trx, { name, country: country as "PL" | "CZ", mode });
      const adminId = await createPerson(trx, { organizationId, name: adminName, email: adminEmail, role: "admin" });
      const key = await issueApiKey(trx, {
        organizationId,
        employeeId: adminId,
        name: "Bootstrap admin key",
        scope: "full",
        mode,
      });
      return { organizationId, adminId, key };
    });
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({
          organization_id: created.organizationId,
          admin_employee_id: created.adminId,
          api_key_id: created.key.id,
          api_key: created.key.secret,
        })}\n`,
      );
    } else {
      io.stdout.write(
        `Created organization ${created.organizationId} "${name}" (${country}).\n` +
          `Admin: ${created.adminId} ${adminName} <${adminEmail}>\n\n` +
          `Admin API key ${created.key.id} (scope full). It is shown only now: store it in your secret manager.\n\n` +
          `  ${created.key.secret}\n\n` +
          `Try it: curl -H 'Authorization: Bearer ${created.key.secret}' http://${config.host}:${config.port}/v1/me\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await storage.close();
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      if (code !== null) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`timecard-server: ${String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
