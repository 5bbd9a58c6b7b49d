import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { StorageConfig } from "../config.js";
import { type CredentialCache, createCredentialCache, credentialInvalidation } from "./credential-cache.js";
import { migrateToLatest } from "./migrate.js";
import { PGliteDialect } from "./pglite-dialect.js";
import type { Database } from "./schema.js";

const DATE_OID = 1082;
const INT8_OID = 20;

/** An open database: Kysely on PGlite or PostgreSQL, migrated to the latest schema. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly kind: StorageConfig["kind"];
  /** Credentials cached between requests; only on PGlite, where this process is the only writer. */
  readonly credentialCache?: CredentialCache;
  /**
   * Calls `onNotify` with the payload of every `NOTIFY` on `channel` (PostgreSQL's LISTEN, on a
   * connection of its own; PGlite's in-process equivalent). Resolves once listening, to a
   * function that stops it.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Answers once the database takes queries (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the configured database and runs the migrations.
 *
 * @example
 * ```ts
 * const storage = await openStorage({ kind: "pglite", dataDir: null });
 * ```
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  let db: Kysely<Database>;
  let close: () => Promise<void>;
  let credentialCache: CredentialCache | undefined;
  let listen: Storage["listen"];
  if (config.kind === "postgres") {
    // Dates stay `YYYY-MM-DD` strings (no time-zone shift); counts come back as numbers.
    const types = {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === DATE_OID
          ? (v: string) => v
          : oid === INT8_OID
            ? (v: string) => Number(v)
            : pg.types.getTypeParser(oid, format),
    };
    const pool = new pg.Pool({ connectionString: config.url, max: 10, types });
    // An idle connection that PostgreSQL drops (a restart, a failover, a terminated backend) is
    // replaced at the next query; unheard, pg's error event would end the process.
    pool.on("error", () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    close = () => db.destroy();
    listen = async (channel, onNotify) => {
      const client = new pg.Client({ connectionString: config.url });
      // A lost listening connection only delays wake-ups: the dispatcher also polls.
      client.on("error", () => {});
      await client.connect();
      client.on("notification", (message) => {
        if (message.channel === channel) onNotify(message.payload ?? "");
      });
      await client.query(`listen ${pgIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => {});
      };
    };
  } else {
    const pglite = await PGlite.create(config.dataDir ?? undefined, {
      parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) },
    });
    credentialCache = createCredentialCache();
    db = new Kysely<Database>({
      dialect: new PGliteDialect(pglite),
      plugins: [credentialInvalidation(credentialCache)],
    });
    close = async () => {
      await db.destroy();
      await pglite.close();
    };
    listen = pgliteListener(pglite);
  }
  await migrateToLatest(db as Kysely<unknown>);
  return {
    db,
    kind: config.kind,
    listen,
    ...(credentialCache ? { credentialCache } : {}),
    ping: async () => {
      await db.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
    },
    close,
  };
}

/** LISTEN on an embedded PGlite, where NOTIFY reaches listeners of the same instance. */
export function pgliteListener(pglite: PGlite): Storage["listen"] {
  return async (channel, onNotify) => {
    const stop = await pglite.listen(channel, onNotify);
    return async () => {
      if (!pglite.closed) await stop();
    };
  };
}

/** A channel name as a quoted identifier (LISTEN takes no parameters). */
function pgIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a channel name: ${name}`);
  return `"${name}"`;
}
