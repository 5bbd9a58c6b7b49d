/** The rate-limit window of the credential, as the last response's `X-RateLimit-*` headers reported it. */
export interface RateLimitState {
  /** Requests allowed per window (`X-RateLimit-Limit`). */
  readonly limit: number;
  /** Requests left in the current window (`X-RateLimit-Remaining`). */
  readonly remaining: number;
  /** When the window resets (`X-RateLimit-Reset`, Unix seconds). */
  readonly reset: Date;
}

/** Reads the `X-RateLimit-*` headers of a response; `null` when any is missing or not a number. */
export function readRateLimit(headers: Headers): RateLimitState | null {
  const limit = headers.get("x-ratelimit-limit");
  const remaining = headers.get("x-ratelimit-remaining");
  const reset = headers.get("x-ratelimit-reset");
  if (limit === null || remaining === null || reset === null) return null;
  const state = { limit: Number(limit), remaining: Number(remaining), reset: new Date(Number(reset) * 1000) };
  if (!Number.isFinite(state.limit) || !Number.isFinite(state.remaining) || Number.isNaN(state.reset.getTime())) {
    return null;
  }
  return state;
}
