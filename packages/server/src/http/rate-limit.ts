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

/**
 * Per-caller limits in a fixed one-hour window (rate-limiter-flexible's memory store: exact
 * under concurrency within this process). One limiter per distinct limit, since each key
 * carries its own.
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
  const state = (limit: number, res: RateLimiterRes, allowed: boolean): RateLimitState => ({
    limit,
    remaining: Math.max(0, res.remainingPoints),
    reset: Math.ceil((now().getTime() + res.msBeforeNext) / 1000),
    allowed,
    retryAfter: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });
  return {
    async consume(callerKey, limit) {
      try {
        return state(limit, await limiterFor(limit).consume(`${limit}:${callerKey}`), true);
      } catch (error) {
        if (error instanceof RateLimiterRes) return state(limit, error, false);
        throw error;
      }
    },
  };
}
