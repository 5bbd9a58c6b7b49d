import type { Insertable } from "kysely";
import type { AuditLogTable } from "../storage/schema.js";
import type { Db } from "./actor.js";

/** One audit log entry to write. */
export type AuditRecord = Insertable<AuditLogTable>;

/** Writes audit entries in batches, off the request path. */
export interface AuditWriter {
  record(entry: AuditRecord): void;
  /** Writes everything pending; call before shutdown and in tests before reading the log. */
  flush(): Promise<void>;
}

/**
 * Creates a writer that collects entries and inserts them in one statement per batch: an
 * insert per request would cost more than the request itself. Entries wait at most
 * `intervalMs`; `flush()` (graceful shutdown) writes the rest.
 */
export function createAuditWriter(
  db: Db,
  { intervalMs = 50, maxBatch = 500, onError = (_: unknown) => {} } = {},
): AuditWriter {
  const pending: AuditRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = async () => {
    timer = undefined;
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      try {
        await db.insertInto("audit_log").values(batch).execute();
      } catch (error) {
        onError(error);
      }
    }
  };

  return {
    record(entry) {
      pending.push(entry);
      if (pending.length >= maxBatch) {
        writing = writing.then(write);
      } else if (!timer) {
        timer = setTimeout(() => {
          writing = writing.then(write);
        }, intervalMs);
        timer.unref();
      }
    },
    async flush() {
      if (timer) clearTimeout(timer);
      writing = writing.then(write);
      await writing;
    },
  };
}
