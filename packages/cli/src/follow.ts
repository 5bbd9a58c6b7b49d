import type { RateLimitState } from "@timecard/sdk";
import { describeError } from "./errors.js";

/** One page of a list answered newest first, as `GET /v1/events` and `GET /v1/audit-log` answer. */
export interface FollowPage<T> {
  readonly data: readonly T[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

/** What `follow` polls. */
export interface FollowSource<T> {
  /** One page of the items at or after `from` (every item when absent), newest first. */
  page(from: string | undefined, cursor: string | undefined): Promise<FollowPage<T>>;
  id(item: T): string;
  /** The item's time (`created_at`, `occurred_at`), which `from` compares with. */
  time(item: T): string;
}

/** How `follow` polls. */
export interface FollowOptions {
  /** The wait between two polls. */
  readonly intervalMs: number;
  /** Stops following (Ctrl-C): `follow` then resolves. */
  readonly signal: AbortSignal;
  /** The rate limit of the last response, to slow down before it runs out. */
  readonly rateLimit?: () => RateLimitState | null;
  /** Called once the start is known: what is listed from then on is new. */
  readonly onStarted?: () => void;
  /** Called when a poll failed and will be tried again after `waitMs`. */
  readonly onRetry?: (error: unknown, waitMs: number) => void;
  /** The clock; injected in tests. */
  readonly now?: () => number;
}

/**
 * How far back each poll looks from the newest item seen: an item written in a transaction that
 * commits after a later one (its time is earlier than what was already seen) is still found.
 */
export const LOOKBACK_MS = 60_000;
/** The longest wait between polls, after failures or while the rate limit runs low. */
export const MAX_WAIT_MS = 60_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** True for errors that another poll may not meet: 408, 429, 5xx, and no answer at all. */
function isTransient(error: unknown): boolean {
  const e = error as { status?: unknown; name?: string } | null;
  if (typeof e?.status === "number") return e.status === 408 || e.status === 429 || e.status >= 500;
  return e?.name === "ConnectionError" || e?.name === "TimeoutError";
}

/**
 * The wait before the next poll: the interval, stretched so the rest of the rate-limit window
 * lasts until it resets once fewer than a tenth of its requests are left.
 */
export function nextWait(intervalMs: number, state: RateLimitState | null | undefined, now: number): number {
  if (!state || state.remaining >= state.limit / 10) return intervalMs;
  const untilReset = Math.max(0, state.reset.getTime() - now);
  return Math.min(MAX_WAIT_MS, Math.max(intervalMs, Math.ceil(untilReset / Math.max(1, state.remaining))));
}

/**
 * Follows a list answered newest first: calls `onItem` for every item that appears after the
 * start, once each and oldest first, until `options.signal` aborts. It remembers the newest time
 * seen and the ids of the items around it, so an item is neither printed twice nor missed when
 * several share a time. A poll that fails for a passing reason (connection, 5xx, 429) is retried
 * with backoff; any other error ends the follow.
 *
 * @example
 * ```ts
 * await follow(source, { intervalMs: 2000, signal }, (event) => console.log(event.type));
 * ```
 */
export async function follow<T>(
  source: FollowSource<T>,
  options: FollowOptions,
  onItem: (item: T) => void | Promise<void>,
): Promise<void> {
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  let newest: number | undefined;

  /** Every item at or after `from`, oldest first (the items at the start: only the lookback window's). */
  const collect = async (from: number | undefined, start: boolean): Promise<T[]> => {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await source.page(from === undefined ? undefined : new Date(from).toISOString(), cursor);
      items.push(...page.data);
      const last = page.data.at(-1);
      if (start) {
        // The start needs the newest item and the ones within the lookback of it, not all history.
        const first = items[0];
        if (!first || !last || Date.parse(source.time(last)) < Date.parse(source.time(first)) - LOOKBACK_MS) break;
      }
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor && !options.signal.aborted);
    return items.reverse();
  };

  const remember = (item: T) => {
    const time = Date.parse(source.time(item));
    seen.set(source.id(item), time);
    if (newest === undefined || time > newest) newest = time;
  };

  const forget = () => {
    if (newest === undefined) return;
    for (const [id, time] of seen) if (time < newest - LOOKBACK_MS) seen.delete(id);
  };

  let failures = 0;
  let started = false;
  while (!options.signal.aborted) {
    let wait = options.intervalMs;
    try {
      if (!started) {
        for (const item of await collect(undefined, true)) remember(item);
        started = true;
        options.onStarted?.();
      } else {
        const items = await collect(newest === undefined ? undefined : newest - LOOKBACK_MS, false);
        for (const item of items) {
          if (options.signal.aborted) return;
          if (seen.has(source.id(item))) continue;
          remember(item);
          await onItem(item);
        }
      }
      forget();
      failures = 0;
      wait = nextWait(options.intervalMs, options.rateLimit?.(), now());
    } catch (error) {
      if (options.signal.aborted) return;
      if (!isTransient(error)) throw error;
      failures += 1;
      const retryAfter = (error as { retryAfter?: number | null }).retryAfter;
      wait = Math.min(MAX_WAIT_MS, retryAfter ? retryAfter * 1000 : options.intervalMs * 2 ** failures);
      options.onRetry?.(error, wait);
    }
    await sleep(wait, options.signal);
  }
}

/** Where the following commands write their notes. */
interface Stderr {
  stderr(text: string): void;
}

/**
 * Runs a following command until Ctrl-C (SIGINT or SIGTERM), which aborts `signal` and is a
 * clean stop, not an error, even while a call is in flight; then prints `Stopped.`.
 */
export async function untilInterrupted(io: Stderr, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await run(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
  io.stderr("Stopped.\n");
}

/** A follow loop's `onRetry` that warns on stderr and goes on. */
export const warnOnRetry =
  (io: Stderr) =>
  (error: unknown, waitMs: number): void =>
    io.stderr(`warning: ${describeError(error).message}; trying again in ${Math.ceil(waitMs / 1000)} s\n`);
