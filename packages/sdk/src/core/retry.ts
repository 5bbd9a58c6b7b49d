/** The first backoff step: retry `n` (0-based) waits a random time in [0, min(cap, base * 2^n)). */
export const BACKOFF_BASE_MS = 500;
/** The longest backoff step. */
export const BACKOFF_CAP_MS = 8_000;
/** The longest wait a `Retry-After` or `X-RateLimit-Reset` may ask for; beyond it the call fails at once. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * spreads the retries of many clients instead of synchronising them.
 */
export function backoffDelay(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry));
}

/** 408, 429 and 5xx are worth retrying; 501 says the operation does not exist, so it never will work. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/**
 * How long the server asked us to wait, in milliseconds, or `null` when it did not say:
 * `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), and on a 429 the window's
 * `X-RateLimit-Reset` (Unix seconds).
 */
export function serverDelay(status: number, headers: Headers, now: number): number | null {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const text = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (status === 429) {
    const reset = headers.get("x-ratelimit-reset");
    if (reset !== null && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - now);
  }
  return null;
}
