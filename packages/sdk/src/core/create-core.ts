import createClientExport, {
  type Client,
  createFinalURL,
  createQuerySerializer,
  defaultPathSerializer,
} from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { errorFromResponse } from "./errors.js";
import type { RequestOptions, TimecardOptions } from "./options.js";
import type { RateLimitState } from "./rate-limit.js";
import { readRateLimit } from "./rate-limit.js";
import { type CoreInternals, createSend, type PreparedRequest } from "./send.js";
import { VERSION } from "./version.js";

// openapi-fetch has only a default export. A CJS build of an ESM package (tsup in a
// `"type": "module"` package) imports it in Node mode, where `default` is the whole
// `module.exports`: unwrap it there.
const createClient: typeof createClientExport =
  typeof createClientExport === "function"
    ? createClientExport
    : (createClientExport as unknown as { default: typeof createClientExport }).default;

/** The production API. */
export const DEFAULT_BASE_URL = "https://api.timecard.dev";
/** Milliseconds each attempt waits for response headers. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 2;

/** The raw typed client of openapi-fetch: `raw.GET("/v1/sessions", { params })` → `{ data, error, response }`. */
export type RawClient = Client<paths>;

/** HTTP methods of the API. */
export type HttpMethod = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

/** The path and query parameters and the JSON body of one call. */
export interface CallInit {
  params?: {
    path?: Record<string, string | number>;
    query?: Record<string, unknown>;
  };
  body?: unknown;
}

/** What the SDK knows of the response a result came from, on `result.lastResponse`. */
export interface LastResponse {
  /** `X-Request-Id`; quote it when you ask for support. */
  readonly requestId: string | null;
  readonly status: number;
  readonly headers: Headers;
  readonly rateLimit: RateLimitState | null;
}

/** A result with its (non-enumerable) `lastResponse`; primitives and `undefined` (204) have none. */
export type WithLastResponse<T> = T extends object ? T & { readonly lastResponse: LastResponse } : T;

/** The runtime shared by the raw client and the generated methods. */
export interface Core {
  /** The raw typed client; every request through it gets auth, retries, timeouts and hooks too. */
  readonly raw: RawClient;
  /**
   * Calls an operation: answers the parsed body (`undefined` for 204) with a non-enumerable
   * `lastResponse`, or throws an `ApiError` subclass, `ConnectionError` or `TimeoutError`.
   */
  call<T>(method: HttpMethod, path: string, init?: CallInit, options?: RequestOptions): Promise<WithLastResponse<T>>;
  /** The rate-limit state of the last response that had one, or `null` before any. */
  readonly rateLimit: RateLimitState | null;
}

const CREDENTIAL_OPTIONS = ["apiKey", "accessToken", "getAccessToken"] as const;

function environmentApiKey(): string | undefined {
  // Only Node-like runtimes have `process`; browsers and workers have none.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.TIMECARD_API_KEY || undefined;
}

function resolveCredential(options: TimecardOptions): () => string | Promise<string> {
  const given = CREDENTIAL_OPTIONS.filter((name) => options[name] !== undefined);
  if (given.length > 1) {
    throw new TypeError(`Pass only one of apiKey, accessToken or getAccessToken; got ${given.join(" and ")}.`);
  }
  if (options.getAccessToken !== undefined) {
    if (typeof options.getAccessToken !== "function") {
      throw new TypeError("getAccessToken must be a function that returns an access token.");
    }
    return options.getAccessToken;
  }
  const name = given[0] ?? "apiKey";
  const value = given.length === 1 ? options[given[0] as "apiKey" | "accessToken"] : environmentApiKey();
  if (value === undefined) {
    throw new TypeError(
      "Pass one of apiKey, accessToken or getAccessToken to createTimecard(), or set TIMECARD_API_KEY.",
    );
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
  return () => value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer.`);
  return value;
}

/**
 * Creates the runtime core: the openapi-fetch client over a fetch wrapper that adds auth, the
 * user agent, retries with backoff, idempotency keys, timeouts, hooks and rate-limit tracking.
 *
 * @example
 * ```ts
 * const core = createCore({ apiKey: process.env.TIMECARD_API_KEY });
 * const me = await core.call<Employee>("GET", "/v1/me");
 * ```
 */
export function createCore(options: TimecardOptions = {}, internals: CoreInternals = {}): Core {
  const credential = resolveCredential(options);
  const timeoutMs = nonNegativeInteger("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const maxRetries = nonNegativeInteger("maxRetries", options.maxRetries, DEFAULT_MAX_RETRIES);
  const now = internals.now ?? Date.now;
  let rateLimit: RateLimitState | null = null;

  const send = createSend({
    credential,
    userAgent: `timecard-sdk-node/${VERSION}${options.userAgent ? ` ${options.userAgent}` : ""}`,
    fetch: options.fetch,
    timeoutMs,
    maxRetries,
    onRequest: options.onRequest,
    onResponse: options.onResponse,
    onRateLimit(state) {
      rateLimit = state;
      if (options.onRateLimitLow === undefined) return;
      const threshold = options.rateLimitLowThreshold ?? Math.floor(state.limit / 10);
      if (state.remaining <= threshold) options.onRateLimitLow(state);
    },
    internals,
  });

  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  // The raw client sends through the same sender: its Request is taken apart into a PreparedRequest.
  const raw = createClient<paths>({
    baseUrl,
    fetch: async (request) =>
      send({
        method: request.method,
        url: request.url,
        headers: new Headers(request.headers),
        body: request.body === null ? undefined : await request.arrayBuffer(),
        signal: request.signal,
      }),
  });
  // The same serializers as the raw client's, so both faces send identical URLs.
  const querySerializer = createQuerySerializer();

  return {
    raw,
    get rateLimit() {
      return rateLimit;
    },
    async call<T>(method: HttpMethod, path: string, init: CallInit = {}, callOptions: RequestOptions = {}) {
      const headers = new Headers(callOptions.headers);
      if (callOptions.idempotencyKey !== undefined) headers.set("Idempotency-Key", callOptions.idempotencyKey);
      let body: string | undefined;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers.set("Content-Type", "application/json");
      }
      const request: PreparedRequest = {
        method,
        url: createFinalURL(path, {
          baseUrl,
          params: init.params ?? {},
          querySerializer,
          pathSerializer: defaultPathSerializer,
        }),
        headers,
        body,
        signal: callOptions.signal,
      };
      const overrides = {
        timeoutMs: nonNegativeInteger("timeoutMs", callOptions.timeoutMs, timeoutMs),
        maxRetries: nonNegativeInteger("maxRetries", callOptions.maxRetries, maxRetries),
      };
      return send(request, overrides, async (response) => {
        const parsed = await readBody(response);
        if (!response.ok) throw errorFromResponse(response, parsed, now());
        if (typeof parsed === "object" && parsed !== null) {
          const lastResponse: LastResponse = {
            requestId: response.headers.get("x-request-id"),
            status: response.status,
            headers: response.headers,
            rateLimit: readRateLimit(response.headers),
          };
          Object.defineProperty(parsed, "lastResponse", { value: lastResponse, enumerable: false, configurable: true });
        }
        return parsed as WithLastResponse<T>;
      });
    },
  };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * The body of a response: `undefined` when empty, parsed JSON for JSON types (problem+json
 * included), a `Blob` for anything else (export files: CSV, XML, XLSX in their own encodings).
 * An error body that is not JSON is kept as text.
 */
async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205 || response.headers.get("content-length") === "0") {
    response.body?.cancel().catch(() => {});
    return undefined;
  }
  const type = response.headers.get("content-type") ?? "";
  if (JSON_TYPE.test(type)) {
    const text = await response.text();
    return text === "" ? undefined : JSON.parse(text);
  }
  if (!response.ok) return response.text();
  return response.blob();
}
