import type { FastifyBaseLogger } from "fastify";
import { sql } from "kysely";
import { randomBase62 } from "../../ids.js";
import type { Storage } from "../../storage/connect.js";
import type { ExportError, ExportRow } from "../../storage/schema.js";
import { recordEvent } from "../events.js";
import { EXPORT_CHANNEL, EXPORT_COLUMNS, toExport } from "./exports.js";
import { EXPORT_FORMATS } from "./formats.js";
import { type Generated, generateExport } from "./generate.js";

// The export worker: the background half of POST /v1/exports, built like the webhook dispatcher.
//
// 1. Claim: one statement takes the oldest unfinished export nobody holds (`FOR UPDATE SKIP
//    LOCKED`) and leases it to this worker; other processes skip locked and leased rows.
// 2. Generate: outside any transaction, employees stream through the formatter; each page
//    renews the lease with the progress. A worker that lost its lease stops.
// 3. Record: the file (or the failure) and its event are written in one transaction, only while
//    this worker still holds the lease.
//
// A crash at any point leaves the export `running` with a lease that runs out: the next claim
// (of this process after a restart, or of another process) generates it again from scratch.
// An export that was claimed `maxAttempts` times without finishing fails with `internal_error`.

/** What an export worker works with. */
export interface ExportWorkerOptions {
  readonly storage: Storage;
  /** The clock that leases are measured on (tests move it). */
  readonly now: () => Date;
  readonly log: FastifyBaseLogger;
  /** How long a claim holds without progress, in ms (default 60 s); every page of employees renews it. */
  readonly leaseMs?: number;
  /** How often the loop looks for queued exports without being woken, in ms (default 2000). */
  readonly pollIntervalMs?: number;
  /** Claims after which an export that never finished fails (default 3). */
  readonly maxAttempts?: number;
}

/** Generates queued payroll exports in the background. */
export interface ExportWorker {
  /** Who holds this worker's leases. */
  readonly owner: string;
  /** Starts the loop: it wakes on NOTIFY (a new export) and polls as a fallback. */
  start(): Promise<void>;
  /** Stops the loop and waits for the export in progress. */
  stop(): Promise<void>;
  /** Generates every export it can claim at the clock's now, one after another; resolves to how many. */
  runDue(): Promise<number>;
  /** Generates this one export now if it is unfinished and nobody holds it; resolves to whether it did. */
  runExport(exportId: string): Promise<boolean>;
}

class LeaseLost extends Error {
  override readonly name = "LeaseLost";
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_POLL_MS = 2000;
const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * An export worker on `options.storage`. Nothing runs until `start()` (`createApp` starts it when
 * the app is ready unless `TIMECARD_EXPORT_WORKER=false`); tests call `runDue()` instead.
 *
 * @example
 * ```ts
 * const worker = createExportWorker({ storage, now: () => new Date(), log });
 * await worker.start();
 * ```
 */
export function createExportWorker(options: ExportWorkerOptions): ExportWorker {
  const { storage, now, log } = options;
  const db = storage.db;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const owner = `xpw_${process.pid}_${randomBase62(12)}`;

  let started = false;
  let stopping = false;
  let wanted = false;
  let running: Promise<number> | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  /** Claims the oldest unfinished export that nobody holds (or this one, if nobody holds it). */
  async function claim(exportId?: string): Promise<ExportRow | undefined> {
    const at = now();
    const until = new Date(at.getTime() + leaseMs);
    const result = await sql<ExportRow>`
      update exports set status = 'running', lease_owner = ${owner}, lease_until = ${until},
        attempts = attempts + 1, progress = 0, started_at = coalesce(started_at, ${at})
      where id = (
        select id from exports
        where status in ('queued', 'running') and (lease_until is null or lease_until <= ${at})
          ${exportId === undefined ? sql`` : sql`and id = ${exportId}`}
        order by created_at, id
        limit 1
        for update skip locked)
      returning ${sql.join(EXPORT_COLUMNS.map((c) => sql.ref(c)))}`.execute(db);
    return result.rows[0];
  }

  /** Renews the lease with the progress; throws `LeaseLost` when another worker took the export over. */
  async function renew(job: ExportRow, percent: number): Promise<void> {
    const until = new Date(now().getTime() + leaseMs);
    const updated = await db
      .updateTable("exports")
      .set({ progress: percent, lease_until: until })
      .where("id", "=", job.id)
      .where("lease_owner", "=", owner)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new LeaseLost(job.id);
  }

  /** Writes the outcome and its event while the lease holds; answers false when it was lost. */
  async function finish(job: ExportRow, outcome: Generated): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const at = now();
      const set =
        outcome.status === "completed"
          ? {
              status: "completed" as const,
              progress: 100,
              file_name: outcome.filename,
              file_media_type: outcome.mediaType,
              file_charset: outcome.charset,
              file_size: outcome.bytes.length,
              file_sha256: outcome.sha256,
            }
          : { status: "failed" as const, error: JSON.stringify(outcome.error) };
      const row = await trx
        .updateTable("exports")
        .set({ ...set, completed_at: at, lease_owner: null, lease_until: null })
        .where("id", "=", job.id)
        .where("lease_owner", "=", owner)
        .where("status", "=", "running")
        .returning(EXPORT_COLUMNS)
        .executeTakeFirst();
      if (!row) return false;
      if (outcome.status === "completed") {
        await trx.insertInto("export_files").values({ export_id: row.id, bytes: outcome.bytes }).execute();
      }
      await recordEvent(trx, {
        organizationId: row.organization_id,
        type: outcome.status === "completed" ? "export.completed" : "export.failed",
        data: toExport(row),
        employeeId: null,
        resourceIds: [row.id],
        now: at,
      });
      return true;
    });
  }

  function internalError(message: string): Generated {
    const error: ExportError = { code: "internal_error", message, employee_ids: [] };
    return { status: "failed", error };
  }

  /** Generates one claimed export and records the outcome. */
  async function run(job: ExportRow): Promise<void> {
    let outcome: Generated;
    const formatter = EXPORT_FORMATS.get(job.format);
    if (job.attempts > maxAttempts) {
      outcome = internalError(
        `The export did not finish in ${maxAttempts} attempts. Create the export again, or contact support.`,
      );
    } else if (!formatter) {
      outcome = internalError(`The format ${job.format} is no longer available on this server.`);
    } else {
      try {
        outcome = await generateExport(db, job, formatter, (percent) => renew(job, percent), now());
      } catch (error) {
        if (error instanceof LeaseLost) {
          log.warn({ export: job.id }, "export outlived its lease: another worker took it over");
          return;
        }
        log.error({ err: error, export: job.id }, "export failed");
        outcome = internalError("The file could not be written. Create the export again, or contact support.");
      }
    }
    if (!(await finish(job, outcome))) {
      log.warn({ export: job.id }, "export outlived its lease: another worker took it over");
    }
  }

  /** Claims and generates until nothing is left to claim. */
  async function drain(): Promise<number> {
    let count = 0;
    for (;;) {
      wanted = false;
      if (stopping && started) break;
      const job = await claim();
      if (!job) break;
      count++;
      await run(job);
    }
    return count;
  }

  /** One pass after any pass in progress (never two at once in this process). */
  async function pass(): Promise<number> {
    while (running) await running.catch(() => {});
    const current = drain();
    running = current;
    try {
      return await current;
    } finally {
      running = null;
    }
  }

  function loopPass(): void {
    if (!started || stopping) return;
    if (running) {
      wanted = true;
      return;
    }
    pass().then(
      () => {
        if (wanted) loopPass();
      },
      (error: unknown) => log.error({ err: error }, "export worker pass failed; retrying at the next poll"),
    );
  }

  return {
    owner,
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      try {
        unlisten = await storage.listen(EXPORT_CHANNEL, () => loopPass());
      } catch (error) {
        log.warn({ err: error }, "could not LISTEN for export wake-ups; polling only");
      }
      pollTimer = setInterval(loopPass, pollMs);
      pollTimer.unref();
      loopPass();
    },
    async stop() {
      stopping = true;
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      const stopListening = unlisten;
      unlisten = null;
      await stopListening?.().catch(() => {});
      await running?.catch(() => {});
      started = false;
    },
    runDue() {
      return pass();
    },
    async runExport(exportId) {
      while (running) await running.catch(() => {});
      const job = await claim(exportId);
      if (!job) return false;
      await run(job);
      return true;
    },
  };
}
