import { ConnectionError, TimeoutError } from "./errors.js";
import type { TimecardOptions } from "./options.js";
import { type RateLimitState, readRateLimit } from "./rate-limit.js";
import { backoffDelay, isRetryableStatus, MAX_RETRY_AFTER_MS, serverDelay } from "./retry.js";

/** Seams for tests: time and randomness (not part of the public API). */
export interface CoreInternals {
  /** Waits `ms`; rejects with `signal.reason` when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Arms a timer and returns the function that disarms it. */
  setTimer?: (callback: () => void, ms: number) => () => void;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** A fresh `Idempotency-Key`. */
  randomUUID?: () => string;
}

/** A request ready to send: its body (a string or bytes) can be sent again on a retry. */
export interface PreparedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body?: string | ArrayBuffer | undefined;
  /** The caller's signal. */
  readonly signal?: AbortSignal | undefined;
}

/** What one call may override. */
export interface SendOverrides {
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * Sends a request with auth, retries, timeouts and hooks, and answers the final response, or
 * what `consume` makes of it while the attempt's timeout and the caller's signal still apply.
 */
export type Send = <T = Response>(
  request: PreparedRequest,
  overrides?: SendOverrides,
  consume?: (response: Response) => Promise<T>,
) => Promise<T>;

export interface SendConfig {
  readonly credential: () => string | Promise<string>;
  readonly userAgent: string;
  readonly fetch: TimecardOptions["fetch"];
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly onRequest: TimecardOptions["onRequest"];
  readonly onResponse: TimecardOptions["onResponse"];
  /** Receives the rate-limit state of every response that carries one. */
  readonly onRateLimit: (state: RateLimitState) => void;
  readonly internals: CoreInternals;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function defaultSetTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

/** A v4 UUID: `crypto.randomUUID` where it exists (it needs a secure context in browsers). */
function defaultRandomUUID(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === "function") crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Awaits a hook's result only when it returned a promise, so sync hooks cost no extra tick. */
async function runHook<T>(hook: ((info: T) => void | Promise<void>) | undefined, info: T): Promise<void> {
  if (hook === undefined) return;
  const result = hook(info);
  if (result !== undefined) await result;
}

/** Builds the sender shared by the raw client and the methods. */
export function createSend(config: SendConfig): Send {
  const sleep = config.internals.sleep ?? defaultSleep;
  const setTimer = config.internals.setTimer ?? defaultSetTimer;
  const random = config.internals.random ?? Math.random;
  const now = config.internals.now ?? Date.now;
  const randomUUID = config.internals.randomUUID ?? defaultRandomUUID;

  return async function send<T = Response>(
    request: PreparedRequest,
    overrides?: SendOverrides,
    consume?: (response: Response) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = overrides?.timeoutMs ?? config.timeoutMs;
    const maxRetries = overrides?.maxRetries ?? config.maxRetries;
    const userSignal = request.signal;
    if (userSignal?.aborted) throw userSignal.reason;

    const { method, url, headers, body } = request;
    headers.set("User-Agent", config.userAgent);
    let idempotencyKey = headers.get("idempotency-key");
    // Every POST gets a key, the same on every retry, so a retried POST cannot act twice.
    if (method === "POST" && idempotencyKey === null) {
      idempotencyKey = randomUUID();
      headers.set("Idempotency-Key", idempotencyKey);
    }

    for (let attempt = 0; ; attempt++) {
      headers.set("Authorization", `Bearer ${await config.credential()}`);
      const info = { method, url, attempt, idempotencyKey };
      await runHook(config.onRequest, info);
      if (userSignal?.aborted) throw userSignal.reason;

      // One controller per attempt, aborted by the caller's signal or by this attempt's timer.
      const controller = new AbortController();
      const onUserAbort = () => controller.abort(userSignal?.reason);
      userSignal?.addEventListener("abort", onUserAbort, { once: true });
      let timedOut = false;
      const disarm = setTimer(() => {
        timedOut = true;
        controller.abort(new TimeoutError(`${method} ${url} did not complete within ${timeoutMs} ms.`));
      }, timeoutMs);
      const release = () => {
        disarm();
        userSignal?.removeEventListener("abort", onUserAbort);
      };
      /** The error to throw for a failure in this attempt: the caller's abort wins, then the timeout. */
      const settle = (error: unknown): unknown => {
        if (userSignal?.aborted) return userSignal.reason;
        if (timedOut) return controller.signal.reason;
        return error;
      };

      const started = now();
      let response: Response;
      try {
        const init = { method, headers, body, signal: controller.signal };
        // The global fetch takes the URL and init as they are: a Request would turn the body into
        // a stream, which undici then sends chunked, at a cost of a tenth of a millisecond a call.
        response = await (config.fetch === undefined
          ? globalThis.fetch(url, init)
          : config.fetch(new Request(url, init)));
      } catch (error) {
        release();
        if (userSignal?.aborted) throw userSignal.reason;
        // Timeouts and network errors are retried alike.
        const failure = timedOut ? controller.signal.reason : connectionError(url, error);
        if (attempt >= maxRetries) throw failure;
        await sleep(backoffDelay(attempt, random), userSignal);
        if (userSignal?.aborted) throw userSignal.reason;
        continue;
      }

      const rateLimit = readRateLimit(response.headers);
      if (rateLimit !== null) config.onRateLimit(rateLimit);

      let delay: number | null = null;
      if (attempt < maxRetries && isRetryableStatus(response.status)) {
        const asked = serverDelay(response.status, response.headers, now());
        // A wait beyond the cap is not worth blocking on: the caller gets the response (RateLimitError).
        if (asked === null) delay = backoffDelay(attempt, random);
        else if (asked <= MAX_RETRY_AFTER_MS) delay = asked;
      }
      try {
        await runHook(config.onResponse, {
          ...info,
          status: response.status,
          requestId: response.headers.get("x-request-id"),
          durationMs: now() - started,
          rateLimit,
          willRetry: delay !== null,
        });
      } catch (error) {
        release();
        throw error;
      }

      if (delay === null) {
        if (consume === undefined) {
          release();
          return response as T;
        }
        // The timeout and the caller's signal cover reading the body too, whatever the fetch.
        try {
          return await untilAborted(consume(response), controller.signal, response);
        } catch (error) {
          throw settle(error);
        } finally {
          release();
        }
      }

      release();
      // Free the connection of the response we drop. Not awaited: cancelling one branch of a
      // tee'd body (a cloned Response) settles only once the other branch is cancelled too.
      response.body?.cancel().catch(() => {});
      await sleep(delay, userSignal);
      if (userSignal?.aborted) throw userSignal.reason;
    }
  };
}

/** Settles with `work`, or rejects with the signal's reason as soon as it aborts (cancelling the body). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, response: Response): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      response.body?.cancel(signal.reason).catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function connectionError(url: string, error: unknown): ConnectionError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ConnectionError(`Could not reach ${new URL(url).origin}: ${reason}`, { cause: error });
}
