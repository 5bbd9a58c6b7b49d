import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { pgliteListener, type Storage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";
import { PGliteDialect } from "../storage/pglite-dialect.js";
import type { Database } from "../storage/schema.js";
import { ensureSandboxSeed, moveRunningSessions, SEED_CACHE_CLOCK } from "./seed.js";

const DATE_OID = 1082;
const INT8_OID = 20;

/** The sandbox's database, and whether it came from the cache. */
export interface SandboxStorage extends Storage {
  readonly fromCache: boolean;
}

/** How to open the sandbox's database. */
export interface SandboxStorageOptions {
  /**
   * Where the migrated and seeded database is cached between starts. Name it after what the
   * schema and the seed depend on (the server's build), so a new build makes a new cache.
   */
  readonly cacheFile?: string;
  /** The clock the running sessions follow (now by default). */
  readonly now?: Date;
}

/**
 * The sandbox's in-memory PGlite: migrated and seeded, with the seed's running sessions
 * started shortly before `now`. Creating a PGlite database (initdb) and seeding it take
 * seconds; loading a copy takes a fraction of that, so with `cacheFile` the seeded database
 * is saved there once and loaded from it at later starts.
 *
 * @example
 * ```ts
 * const storage = await openSandboxStorage({ cacheFile: "node_modules/.cache/timecard-sandbox/pglite-3f2a.tar" });
 * ```
 */
export async function openSandboxStorage(options: SandboxStorageOptions = {}): Promise<SandboxStorage> {
  const { cacheFile } = options;
  const parsers = { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) };
  let cached: Buffer | null = null;
  if (cacheFile) {
    try {
      cached = readFileSync(cacheFile);
    } catch {
      cached = null;
    }
  }
  let pglite: PGlite | null = null;
  if (cached) {
    try {
      pglite = await PGlite.create({ parsers, loadDataDir: new Blob([new Uint8Array(cached)]) });
    } catch {
      // A damaged or foreign cache file: start from scratch and write it again.
      pglite = null;
    }
  }
  const fromCache = pglite !== null;
  pglite ??= await PGlite.create({ parsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  // A cached database is of this build (the file is named after it), so it is migrated already.
  if (!fromCache) {
    await migrateToLatest(db as Kysely<unknown>);
    // Seeded at a fixed clock, so the cached copy is the same whenever it was made.
    await ensureSandboxSeed(db, SEED_CACHE_CLOCK);
    if (cacheFile) {
      const dump = await pglite.dumpDataDir("none");
      mkdirSync(dirname(cacheFile), { recursive: true });
      // Written aside and renamed, so a concurrent start never reads half a file.
      const partial = `${cacheFile}.${process.pid}.partial`;
      writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
      renameSync(partial, cacheFile);
    }
  }
  await moveRunningSessions(db, SEED_CACHE_CLOCK, options.now ?? new Date());
  const instance = pglite;
  return {
    db,
    kind: "pglite",
    fromCache,
    listen: pgliteListener(instance),
    ping: async () => {
      await db.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
    },
    close: async () => {
      await db.destroy();
      await instance.close();
    },
  };
}
