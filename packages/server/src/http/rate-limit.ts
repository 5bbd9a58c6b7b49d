import { crc32 } from "node:zlib";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** The state of one caller's window, as the `X-RateLimit-*` headers report it. */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Unix time in seconds at which the window resets. */
  readonly reset: number;
  readonly allowed: boolean;
  /** Seconds until a refused caller may retry. */
  readonly retryAfter: number;
}

/** Counts requests per caller per hour. */
export interface RateLimiter {
  consume(callerKey: string, limitPerHour: number): Promise<RateLimitState>;
}

const WINDOW_SECONDS = 3600;
const WINDOW_MS = WINDOW_SECONDS * 1000;

/**
 * Per-caller limits in a fixed one-hour window (rate-limiter-flexible's memory store: exact
 * under concurrency within this process). One limiter per distinct limit, since each key
 * carries its own.
 *
 * The window is read from `now` (the app's clock, which tests move), not from the store's own
 * real-time clock: each caller's hour starts at an offset of its own (so resets are spread, not
 * all at the top of the hour) and the window's number is part of the counter's key, so a clock
 * past `X-RateLimit-Reset` counts in a fresh window. The store only expires counters (after an
 * hour of real time, never before their window has ended).
 */
export function createRateLimiter(now: () => Date = () => new Date()): RateLimiter {
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  return {
    async consume(callerKey, limit) {
      const at = now().getTime();
      const offset = (crc32(callerKey) % WINDOW_SECONDS) * 1000;
      const window = Math.floor((at - offset) / WINDOW_MS);
      const resetMs = (window + 1) * WINDOW_MS + offset;
      const state = (res: RateLimiterRes, allowed: boolean): RateLimitState => ({
        limit,
        remaining: Math.max(0, res.remainingPoints),
        reset: Math.ceil(resetMs / 1000),
        allowed,
        retryAfter: Math.max(1, Math.ceil((resetMs - at) / 1000)),
      });
      try {
        return state(await limiterFor(limit).consume(`${limit}:${callerKey}:${window}`), true);
      } catch (error) {
        if (error instanceof RateLimiterRes) return state(error, false);
        throw error;
      }
    },
  };
}
