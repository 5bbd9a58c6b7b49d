import { performance } from "node:perf_hooks";
import type { FastifyBaseLogger } from "fastify";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { WebhookConfig } from "../../config.js";
import { randomBase62 } from "../../ids.js";
import type { Storage } from "../../storage/connect.js";
import type { Database, EventRow, WebhookAttemptRecord, WebhookDeliveryRow } from "../../storage/schema.js";
import { recordSystemChange } from "../audit.js";
import { toEvent } from "../event-log.js";
import { WEBHOOK_CHANNEL } from "../events.js";
import { postWebhook } from "./http-post.js";
import type { Dispatcher } from "./runtime.js";
import { signatureHeader, signingSecrets } from "./secret.js";
import type { Allowlist, HostResolver } from "./url-safety.js";

// The webhook dispatcher: the sending half of the transactional outbox that recordEvent fills.
//
// 1. Claim: one statement takes due RETRYING deliveries (`FOR UPDATE SKIP LOCKED`) and leases
//    them to this dispatcher until the attempt's timeout plus a margin. Other processes skip
//    locked and leased rows, so no two dispatchers send the same attempt.
// 2. Send: outside any transaction, each claimed delivery is POSTed (a bounded number at once),
//    signed over exactly the bytes sent.
// 3. Record: the outcome is written only while this dispatcher still holds the lease; a
//    dispatcher that stalled past its lease (and was taken over) writes nothing.
//
// A crash at any point leaves the delivery RETRYING: once its lease runs out another pass (of
// this process after a restart, or of another process) sends it again. Delivery is at least once.

/** What a dispatcher works with. */
export interface DispatcherOptions {
  readonly storage: Storage;
  readonly config: WebhookConfig;
  readonly masterKey: Buffer;
  readonly allowlist: Allowlist;
  readonly resolve: HostResolver;
  /** The clock that decides what is due (tests move it). */
  readonly now: () => Date;
  readonly log: FastifyBaseLogger;
  /** How many attempts are in flight at once (default 32). */
  readonly concurrency?: number;
  /** How often the loop looks for due deliveries without being woken, in ms (default 1000). */
  readonly pollIntervalMs?: number;
  /** How much longer than the timeout a claim holds, for sending and recording (default 5000 ms). */
  readonly leaseMarginMs?: number;
}

/** The User-Agent of every delivery. */
export const WEBHOOK_USER_AGENT = "Timecard-Webhooks/1.0 (+https://docs.timecard.dev/webhooks)";

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_POLL_MS = 1000;
const DEFAULT_LEASE_MARGIN_MS = 5000;
/** The most outcomes written in one statement. */
const RECORD_BATCH = 200;
/** How long outcomes wait for company under load before they are written, in ms. */
const RECORD_COALESCE_MS = 3;

/** A claimed delivery with what sending it needs. */
interface Claimed {
  readonly id: string;
  readonly organization_id: string;
  readonly endpoint_id: string;
  readonly event_type: string;
  readonly attempt: number;
  readonly manual: boolean;
  readonly event: EventRow;
  readonly url: string | null;
  readonly enabled: boolean | null;
  readonly secret_sealed: string | null;
  readonly previous_secret_sealed: string | null;
  readonly previous_secret_expires_at: Date | null;
}

interface ClaimRow {
  id: string;
  organization_id: string;
  endpoint_id: string;
  event_type: string;
  attempt: number;
  manual: boolean;
  event_id: string;
  event_organization_id: string;
  event_type_full: string;
  api_version: string;
  data: Record<string, unknown>;
  resource_ids: string[];
  employee_id: string | null;
  event_created_at: Date | string;
  url: string | null;
  enabled: boolean | null;
  secret_sealed: string | null;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | string | null;
}

/** The outcome of one attempt, as written to the delivery. */
interface Outcome {
  readonly status: WebhookDeliveryRow["status"];
  readonly nextAttemptAt: Date | null;
  readonly record: WebhookAttemptRecord;
  /** The endpoint answered 410 Gone: disable it. */
  readonly gone: boolean;
}

/**
 * A dispatcher on `options.storage`. Nothing runs until `start()` (the app starts it when
 * `config.dispatcher` is on); tests call `runDue()` instead and move the injected clock.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ storage, config: config.webhooks, masterKey, allowlist, resolve, now, log });
 * await dispatcher.start();
 * ```
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { storage, config, now, log } = options;
  const db = storage.db;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const leaseMs = config.timeoutMs + (options.leaseMarginMs ?? DEFAULT_LEASE_MARGIN_MS);
  /** Who holds a lease: random per dispatcher, so a restarted process is a new owner. */
  const owner = `dsp_${process.pid}_${randomBase62(12)}`;

  let started = false;
  let stopping = false;
  /** Something may be due: look (set by wake-ups, and while claims come back full). */
  let wanted = false;
  /** Resolves the drain's wait when a wake-up or a finished attempt needs it to look again. */
  let signal: (() => void) | null = null;
  /** The pass in progress; never two at once in this process. */
  let draining: Promise<number> | null = null;
  let unlisten: (() => Promise<void>) | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let dueTimer: NodeJS.Timeout | null = null;
  /** Attempts made outside a pass (attemptNow), which stop() waits for too. */
  const direct = new Set<Promise<void>>();
  /** Outcomes waiting to be written, and whether a write is scheduled or running. */
  const pendingRecords: {
    delivery: Claimed;
    outcome: Outcome;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  let flushScheduled = false;
  let lastWrite = Number.NEGATIVE_INFINITY;

  const poke = () => {
    const resume = signal;
    signal = null;
    resume?.();
  };

  /** Sends every due delivery it can claim, `concurrency` at a time, until none is due and none in flight. */
  async function drain(): Promise<number> {
    let attempts = 0;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    for (;;) {
      // Claims go in batches under load: a quarter of the slots at least, unless nothing is in flight.
      const batch = inFlight.size === 0 ? 1 : Math.ceil(concurrency / 4);
      if (wanted && !stopping && failure === null && concurrency - inFlight.size >= batch) {
        wanted = false;
        const free = concurrency - inFlight.size;
        let claimed: Claimed[] = [];
        try {
          claimed = await claimDue(free);
        } catch (error) {
          failure = error;
          continue;
        }
        for (const delivery of claimed) {
          attempts++;
          const attempt: Promise<void> = deliver(delivery)
            .catch((error: unknown) => log.error({ err: error, delivery: delivery.id }, "webhook attempt not recorded"))
            .finally(() => {
              inFlight.delete(attempt);
              poke();
            });
          inFlight.add(attempt);
        }
        // A full claim may have left more due deliveries behind.
        if (claimed.length === free) wanted = true;
        continue;
      }
      if (inFlight.size === 0 && (!wanted || stopping || failure !== null)) break;
      await new Promise<void>((resolve) => {
        signal = resolve;
      });
    }
    if (failure !== null) throw failure;
    return attempts;
  }

  /** Runs a pass after any pass in progress. */
  async function pass(): Promise<number> {
    while (draining) await draining.catch(() => {});
    wanted = true;
    const current = drain();
    draining = current;
    try {
      return await current;
    } finally {
      draining = null;
    }
  }

  /** The loop's pass: on failure it logs and leaves the retry to the next wake-up or poll. */
  function loopPass(): void {
    if (!started || stopping) return;
    if (draining) {
      wanted = true;
      poke();
      return;
    }
    pass().then(
      // A wake-up that came as the pass ended is taken at once; otherwise sleep until the next due time.
      () => (wanted ? loopPass() : scheduleNextDue()),
      (error: unknown) => log.error({ err: error }, "webhook dispatcher pass failed; retrying at the next poll"),
    );
  }

  /** Wakes the loop when the earliest pending delivery falls due (sooner than the next poll). */
  async function scheduleNextDue(): Promise<void> {
    if (!started || stopping) return;
    try {
      const result = await sql<{ due: Date | string | null }>`
        select min(greatest(next_attempt_at, lease_until)) as due
        from webhook_deliveries where status = 'RETRYING'`.execute(db);
      const due = result.rows[0]?.due;
      if (due === null || due === undefined || stopping) return;
      const delay = new Date(due).getTime() - now().getTime();
      if (delay >= pollMs) return;
      if (dueTimer) clearTimeout(dueTimer);
      dueTimer = setTimeout(loopPass, Math.max(5, delay));
      dueTimer.unref();
    } catch (error) {
      log.warn({ err: error }, "could not read the next webhook due time");
    }
  }

  /** Claims up to `limit` due deliveries. */
  async function claimDue(limit: number): Promise<Claimed[]> {
    const at = now();
    return claim(
      at,
      sql`select id from webhook_deliveries
        where status = 'RETRYING' and next_attempt_at <= ${at}
          and (lease_until is null or lease_until <= ${at})
        order by next_attempt_at
        limit ${limit}
        for update skip locked`,
    );
  }

  /** Claims one delivery whatever its due time, if it is RETRYING and nobody holds it. */
  async function claimOne(id: string): Promise<Claimed | undefined> {
    const at = now();
    const rows = await claim(
      at,
      sql`select id from webhook_deliveries
        where id = ${id} and status = 'RETRYING' and (lease_until is null or lease_until <= ${at})
        for update skip locked`,
    );
    return rows[0];
  }

  /** Leases the deliveries `ids` selects, in one statement, with their events and endpoints. */
  async function claim(at: Date, ids: RawBuilder<unknown>): Promise<Claimed[]> {
    const until = new Date(at.getTime() + leaseMs);
    const result = await sql<ClaimRow>`
      with claimed as (
        update webhook_deliveries set lease_owner = ${owner}, lease_until = ${until}
        where id in (${ids})
        returning id, organization_id, endpoint_id, event_id, event_type, attempt, manual
      )
      select claimed.id, claimed.organization_id, claimed.endpoint_id, claimed.event_type, claimed.attempt,
        claimed.manual, event.id as event_id, event.organization_id as event_organization_id,
        event.type as event_type_full, event.api_version, event.data, event.resource_ids, event.employee_id,
        event.created_at as event_created_at, endpoint.url, endpoint.enabled, endpoint.secret_sealed,
        endpoint.previous_secret_sealed, endpoint.previous_secret_expires_at
      from claimed
      join events event on event.id = claimed.event_id
      left join webhook_endpoints endpoint on endpoint.id = claimed.endpoint_id
      order by claimed.id`.execute(db);
    return result.rows.map((row) => ({
      id: row.id,
      organization_id: row.organization_id,
      endpoint_id: row.endpoint_id,
      event_type: row.event_type,
      attempt: row.attempt,
      manual: row.manual,
      event: {
        id: row.event_id,
        organization_id: row.event_organization_id,
        type: row.event_type_full,
        api_version: row.api_version,
        data: row.data,
        resource_ids: row.resource_ids,
        employee_id: row.employee_id,
        created_at: new Date(row.event_created_at),
      },
      url: row.url,
      enabled: row.enabled,
      secret_sealed: row.secret_sealed,
      previous_secret_sealed: row.previous_secret_sealed,
      previous_secret_expires_at: row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null,
    }));
  }

  /** Sends one claimed delivery and records what came of it. */
  async function deliver(delivery: Claimed): Promise<void> {
    // A test event may be sent to a disabled endpoint once (the test operation's own attempt);
    // anything else queued for an endpoint that was disabled since, or lost its URL, fails unsent.
    const firstTest = delivery.event_type === "webhook.test" && delivery.attempt === 0;
    if (delivery.url === null || delivery.secret_sealed === null || (!delivery.enabled && !firstTest)) {
      await release(delivery, "FAILED");
      return;
    }
    const at = now();
    const timestamp = Math.floor(at.getTime() / 1000);
    // The body is built once: these exact bytes are signed and sent.
    const body = JSON.stringify(toEvent(delivery.event, true));
    const secrets = signingSecrets(
      options.masterKey,
      {
        secret_sealed: delivery.secret_sealed,
        previous_secret_sealed: delivery.previous_secret_sealed,
        previous_secret_expires_at: delivery.previous_secret_expires_at,
      },
      at,
    );
    const signature = signatureHeader(secrets, delivery.event.id, timestamp, body);
    const result = await postWebhook(
      delivery.url,
      body,
      {
        "Content-Type": "application/json",
        "User-Agent": WEBHOOK_USER_AGENT,
        "webhook-id": delivery.event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
        "X-Signature": signature,
      },
      { timeoutMs: config.timeoutMs, allowlist: options.allowlist, resolve: options.resolve },
    );
    const success = result.status !== null && result.status >= 200 && result.status < 300;
    const attempt = delivery.attempt + 1;
    const record: WebhookAttemptRecord = {
      attempt,
      at: at.toISOString(),
      http_status: result.status,
      duration_ms: result.durationMs,
      error_preview: success ? null : redact(result.preview, secrets, signature),
    };
    const gone = result.status === 410;
    let status: WebhookDeliveryRow["status"];
    let nextAttemptAt: Date | null = null;
    const wait = config.retryScheduleSeconds[attempt - 1];
    if (success) status = "SUCCESS";
    else if (gone || !delivery.enabled) status = "FAILED";
    else if (delivery.manual || wait === undefined) status = "DEAD";
    else {
      status = "RETRYING";
      nextAttemptAt = new Date(at.getTime() + wait * 1000);
    }
    if (!success) {
      log.info(
        { delivery: delivery.id, endpoint: delivery.endpoint_id, attempt, http_status: result.status, status },
        "webhook attempt failed",
      );
    }
    await recordOutcome(delivery, { status, nextAttemptAt, record, gone });
  }

  /** Ends a delivery that is not sent (its endpoint was disabled or lost its URL since it was queued). */
  async function release(delivery: Claimed, status: "FAILED"): Promise<void> {
    await db
      .updateTable("webhook_deliveries")
      .set({ status, next_attempt_at: null, lease_owner: null, lease_until: null })
      .where("id", "=", delivery.id)
      .where("lease_owner", "=", owner)
      .execute();
  }

  /**
   * Writes an attempt's outcome while this dispatcher still holds the lease. Outcomes that
   * finish while a write is running are written together in the next statement (one round trip
   * for many deliveries under load); a 410 is written in a transaction of its own.
   */
  function recordOutcome(delivery: Claimed, outcome: Outcome): Promise<void> {
    if (outcome.gone) return recordGone(delivery, outcome);
    return new Promise<void>((resolve, reject) => {
      pendingRecords.push({ delivery, outcome, resolve, reject });
      if (flushScheduled) return;
      flushScheduled = true;
      // Under load, outcomes wait a few milliseconds to share a statement; otherwise they are written at once.
      if (performance.now() - lastWrite < RECORD_COALESCE_MS * 4) setTimeout(flushRecords, RECORD_COALESCE_MS);
      else setImmediate(flushRecords);
    });
  }

  async function flushRecords(): Promise<void> {
    while (pendingRecords.length > 0) {
      const batch = pendingRecords.splice(0, RECORD_BATCH);
      try {
        lastWrite = performance.now();
        const written = new Set(await writeOutcomes(batch));
        for (const item of batch) {
          if (!written.has(item.delivery.id)) lostLease(item.delivery);
          item.resolve();
        }
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    flushScheduled = false;
  }

  /** One statement that writes every outcome of `batch` still leased to this dispatcher; answers the ids written. */
  async function writeOutcomes(
    batch: readonly { delivery: Claimed; outcome: Outcome }[],
    on: Kysely<Database> = db,
  ): Promise<string[]> {
    const rows = batch.map(({ delivery, outcome }) => ({
      id: delivery.id,
      status: outcome.status,
      attempt: outcome.record.attempt,
      http_status: outcome.record.http_status,
      error_preview: outcome.record.error_preview,
      duration_ms: outcome.record.duration_ms,
      at: outcome.record.at,
      next_attempt_at: outcome.nextAttemptAt?.toISOString() ?? null,
      record: outcome.record,
    }));
    const result = await sql<{ id: string }>`
      update webhook_deliveries d set
        status = v.status, attempt = v.attempt, http_status = v.http_status, error_preview = v.error_preview,
        duration_ms = v.duration_ms, last_attempt_at = v.at, next_attempt_at = v.next_attempt_at,
        attempts = d.attempts || jsonb_build_array(v.record), lease_owner = null, lease_until = null
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, status text, attempt integer,
        http_status integer, error_preview text, duration_ms integer, at timestamptz, next_attempt_at timestamptz,
        record jsonb)
      where d.id = v.id and d.lease_owner = ${owner}
      returning d.id`.execute(on);
    return result.rows.map((row) => row.id);
  }

  function lostLease(delivery: Claimed): void {
    log.warn({ delivery: delivery.id }, "webhook attempt outlived its lease: another dispatcher took it over");
  }

  /** A 410: the attempt, and the endpoint disabled (audited as Timecard's own change) with its pending deliveries failed. */
  async function recordGone(delivery: Claimed, outcome: Outcome): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const written = await writeOutcomes([{ delivery, outcome }], trx);
      if (written.length === 0) {
        lostLease(delivery);
        return;
      }
      const at = now();
      const disabled = await trx
        .updateTable("webhook_endpoints")
        .set({ enabled: false, disabled_reason: "gone_410", updated_at: at })
        .where("id", "=", delivery.endpoint_id)
        .where("enabled", "=", true)
        .returning(["id", "organization_id"])
        .executeTakeFirst();
      if (!disabled) return;
      await trx
        .updateTable("webhook_deliveries")
        .set({ status: "FAILED", next_attempt_at: null })
        .where("endpoint_id", "=", delivery.endpoint_id)
        .where("status", "=", "RETRYING")
        .execute();
      await recordSystemChange(trx, {
        organizationId: disabled.organization_id,
        at,
        action: "webhook_endpoint.updated",
        resourceType: "webhook_endpoint",
        resourceId: delivery.endpoint_id,
        changes: { enabled: { from: true, to: false }, disabled_reason: { from: null, to: "gone_410" } },
      });
      log.warn({ endpoint: delivery.endpoint_id }, "webhook endpoint answered 410 Gone: disabled it");
    });
  }

  /** Makes one delivery's attempt now; if another dispatcher holds it, waits for that attempt instead. */
  async function attemptNow(deliveryId: string): Promise<void> {
    const before = await db
      .selectFrom("webhook_deliveries")
      .select("attempt")
      .where("id", "=", deliveryId)
      .executeTakeFirst();
    if (!before) return;
    const deadline = Date.now() + leaseMs + 1000;
    for (;;) {
      const claimed = await claimOne(deliveryId);
      if (claimed) {
        await deliver(claimed);
        return;
      }
      const row = await db
        .selectFrom("webhook_deliveries")
        .select(["status", "attempt"])
        .where("id", "=", deliveryId)
        .executeTakeFirst();
      // Gone, no longer waiting, or attempted by someone else meanwhile: nothing left to do.
      if (row?.status !== "RETRYING" || row.attempt > before.attempt || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  return {
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      try {
        unlisten = await storage.listen(WEBHOOK_CHANNEL, () => loopPass());
      } catch (error) {
        log.warn({ err: error }, "could not LISTEN for webhook wake-ups; polling only");
      }
      pollTimer = setInterval(loopPass, pollMs);
      pollTimer.unref();
      loopPass();
    },
    async stop() {
      stopping = true;
      if (pollTimer) clearInterval(pollTimer);
      if (dueTimer) clearTimeout(dueTimer);
      pollTimer = null;
      dueTimer = null;
      poke();
      const stopListening = unlisten;
      unlisten = null;
      await stopListening?.().catch(() => {});
      await draining?.catch(() => {});
      await Promise.allSettled([...direct]);
      started = false;
    },
    wake() {
      loopPass();
    },
    runDue() {
      return pass();
    },
    attemptNow(deliveryId) {
      const attempt = attemptNow(deliveryId);
      const tracked = attempt.catch(() => {});
      direct.add(tracked);
      tracked.finally(() => direct.delete(tracked));
      return attempt;
    },
  };
}

/** An error preview with the signing secrets and signatures taken out, should the endpoint echo them. */
function redact(preview: string | null, secrets: readonly string[], signature: string): string | null {
  if (preview === null) return null;
  let text = preview;
  const words = [
    ...secrets,
    ...secrets.map((secret) => secret.replace(/^whsec_/, "")),
    signature,
    ...signature.split(" "),
    ...signature.split(" ").map((part) => part.replace(/^v1,/, "")),
  ].filter((word) => word.length >= 8);
  for (const word of words.sort((a, b) => b.length - a.length)) text = text.split(word).join("[redacted]");
  return text;
}
