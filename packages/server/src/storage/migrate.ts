import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./migrations/0001-initial.js";
import * as apiKeys from "./migrations/0005-api-keys.js";
import * as webhooks from "./migrations/0006-webhooks.js";
import * as reports from "./migrations/0007-reports.js";
import * as oauth from "./migrations/0008-oauth.js";

// Migrations are code, listed here in order; a new one is a new file and a new line.
const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": initial,
  "0005-api-keys": apiKeys,
  "0006-webhooks": webhooks,
  "0007-reports": reports,
  "0008-oauth": oauth,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the database to the latest schema; safe to run at every start, from several processes. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
}
