import type { RateLimitState } from "./rate-limit.js";

/** What `onRequest` receives before each attempt of a request. */
export interface RequestHookInfo {
  readonly method: string;
  readonly url: string;
  /** 0 for the first attempt, 1 for the first retry, … */
  readonly attempt: number;
  /** The `Idempotency-Key` sent (every POST has one), else `null`. */
  readonly idempotencyKey: string | null;
}

/** What `onResponse` receives after each attempt that got a response. */
export interface ResponseHookInfo extends RequestHookInfo {
  readonly status: number;
  /** `X-Request-Id`; quote it when you ask for support. */
  readonly requestId: string | null;
  /** Milliseconds from sending the request to the response headers. */
  readonly durationMs: number;
  readonly rateLimit: RateLimitState | null;
  /** True when the SDK will retry this response. */
  readonly willRetry: boolean;
}

/**
 * How to reach and authenticate with the Timecard API. Pass exactly one of `apiKey`,
 * `accessToken` or `getAccessToken`; with none, `TIMECARD_API_KEY` is read from the
 * environment (where there is one).
 */
export interface TimecardOptions {
  /** An API key (`tc_live_…` or `tc_test_…`). */
  apiKey?: string;
  /** An OAuth 2.0 access token. */
  accessToken?: string;
  /** Returns an OAuth 2.0 access token; called before every attempt, so it may refresh. */
  getAccessToken?: () => string | Promise<string>;
  /** The API's origin; default `https://api.timecard.dev` (the sandbox: `http://127.0.0.1:4010`). */
  baseUrl?: string;
  /**
   * The `fetch` to use, called with one `Request` per attempt (as openapi-fetch calls it); default
   * `globalThis.fetch`, looked up at each request (so interceptors installed later, like MSW's, apply)
   * and called with the URL and init.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Milliseconds to wait for each attempt's response headers; default 60 000. */
  timeoutMs?: number;
  /** Retries after the first attempt on network errors, 408, 429 and 5xx (not 501); default 2. */
  maxRetries?: number;
  /** Appended to the `User-Agent` (`timecard-sdk-node/<version> <userAgent>`), e.g. `my-app/1.2`. */
  userAgent?: string;
  /** Called before each attempt (for logging). It never sees the credential. */
  onRequest?: (info: RequestHookInfo) => void | Promise<void>;
  /** Called after each attempt that got a response (for logging). */
  onResponse?: (info: ResponseHookInfo) => void | Promise<void>;
  /** Called after each response whose `remaining` is at or below `rateLimitLowThreshold`. */
  onRateLimitLow?: (state: RateLimitState) => void;
  /** The `remaining` count at which `onRateLimitLow` fires; default 10% of the limit. */
  rateLimitLowThreshold?: number;
}

/** Options of one call, overriding the client's. */
export interface RequestOptions {
  /**
   * Cancels the call, retries and backoff included. The call then rejects with the signal's
   * own `reason` (by default a `DOMException` named `AbortError`), exactly as `fetch` does,
   * not with a `TimecardError`.
   */
  signal?: AbortSignal;
  /** Milliseconds to wait for each attempt's response headers. */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** The `Idempotency-Key` of a POST; default a random UUID, the same for every retry. */
  idempotencyKey?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}
