import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import {
  ConnectionError,
  createCore,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimecardError,
  TimeoutError,
  VERSION,
} from "../src/core/index.js";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, isRetryableStatus, serverDelay } from "../src/core/retry.js";
import { API_KEY, coreWith, json, problem } from "./core-support.js";

const EMPLOYEE = { id: "emp_1", name: "Anna Nowak" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("createCore options", () => {
  const fetch = async () => json(200, {});

  it("needs exactly one credential and names the options, never the key", () => {
    expect(() => createCore({ fetch, apiKey: API_KEY, accessToken: "tok" })).toThrow(TypeError);
    expect(() => createCore({ fetch, apiKey: API_KEY, accessToken: "tok" })).toThrow(/apiKey and accessToken/);
    try {
      createCore({ fetch, apiKey: API_KEY, getAccessToken: () => "tok" });
    } catch (error) {
      expect(String(error)).not.toContain(API_KEY);
    }
    expect(() => createCore({ fetch, apiKey: "  " })).toThrow(/apiKey must be a non-empty string/);
    expect(() => createCore({ fetch, maxRetries: -1, apiKey: API_KEY })).toThrow(/maxRetries/);
  });

  it("falls back to TIMECARD_API_KEY, and without it says which options to pass", async () => {
    vi.stubEnv("TIMECARD_API_KEY", "tc_test_fromEnv");
    try {
      const { core, seen } = coreWith([json(200, EMPLOYEE)], { apiKey: undefined });
      await core.call("GET", "/v1/me");
      expect(seen[0]?.headers.get("authorization")).toBe("Bearer tc_test_fromEnv");
      vi.stubEnv("TIMECARD_API_KEY", "");
      expect(() => createCore({ fetch })).toThrow(/apiKey, accessToken or getAccessToken/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("keeps VERSION equal to package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(pkg.version);
  });
});

describe("requests", () => {
  it("sends the key, the user agent and the JSON body to the base URL", async () => {
    const { core, seen } = coreWith([json(201, EMPLOYEE)], { userAgent: "payroll-sync/1.2" });
    const created = await core.call<typeof EMPLOYEE>(
      "POST",
      "/v1/employees",
      { body: { name: "Anna Nowak", email: "anna@example.com" } },
      { headers: { "X-Trace": "t1" } },
    );
    expect(created).toEqual(EMPLOYEE);
    const [request] = seen;
    expect(request?.url).toBe("https://api.test/v1/employees");
    expect(request?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers.get("user-agent")).toBe(`timecard-sdk-node/${VERSION} payroll-sync/1.2`);
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("x-trace")).toBe("t1");
    expect(JSON.parse(request?.body ?? "")).toEqual({ name: "Anna Nowak", email: "anna@example.com" });
  });

  it("fills path and query parameters", async () => {
    const { core, seen } = coreWith([json(200, EMPLOYEE)]);
    await core.call("GET", "/v1/employees/{employee_id}", {
      params: { path: { employee_id: "emp_1" }, query: { expand: "manager", limit: 5 } },
    });
    expect(seen[0]?.url).toBe("https://api.test/v1/employees/emp_1?expand=manager&limit=5");
  });

  it("uses an access token, and calls getAccessToken before every attempt", async () => {
    const { core, seen } = coreWith([json(200, {})], { apiKey: undefined, accessToken: "oauth_tok" });
    await core.call("GET", "/v1/me");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer oauth_tok");

    let n = 0;
    const getAccessToken = vi.fn(async () => `tok_${++n}`);
    const refreshed = coreWith([problem(503, "unavailable"), json(200, {}), json(200, {})], {
      apiKey: undefined,
      getAccessToken,
    });
    await refreshed.core.call("GET", "/v1/me");
    await refreshed.core.call("GET", "/v1/me");
    expect(getAccessToken).toHaveBeenCalledTimes(3);
    expect(refreshed.seen.map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer tok_1",
      "Bearer tok_2",
      "Bearer tok_3",
    ]);
  });

  it("looks globalThis.fetch up at each request when no fetch is given", async () => {
    const core = createCore({ apiKey: API_KEY, baseUrl: "https://api.test" });
    const stub = vi.fn(async () => json(200, EMPLOYEE));
    vi.stubGlobal("fetch", stub);
    try {
      await expect(core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
      expect(stub).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("results", () => {
  it("carry a non-enumerable lastResponse with the request id, status, headers and rate limit", async () => {
    const reset = 1_790_000_000;
    const { core } = coreWith([
      json(200, EMPLOYEE, {
        "x-ratelimit-limit": "1000",
        "x-ratelimit-remaining": "998",
        "x-ratelimit-reset": `${reset}`,
      }),
    ]);
    const me = await core.call<typeof EMPLOYEE>("GET", "/v1/me");
    expect(Object.keys(me)).toEqual(["id", "name"]);
    expect(JSON.stringify(me)).toBe(JSON.stringify(EMPLOYEE));
    expect(me.lastResponse.requestId).toBe("req_200");
    expect(me.lastResponse.status).toBe(200);
    expect(me.lastResponse.headers.get("content-type")).toBe("application/json");
    expect(me.lastResponse.rateLimit).toEqual({ limit: 1000, remaining: 998, reset: new Date(reset * 1000) });
  });

  it("answer undefined for 204", async () => {
    const { core } = coreWith([new Response(null, { status: 204, headers: { "x-request-id": "req_1" } })]);
    await expect(
      core.call("DELETE", "/v1/sessions/{session_id}", { params: { path: { session_id: "s" } } }),
    ).resolves.toBe(undefined);
  });
});

describe("bodies", () => {
  it("answers a file as a Blob, bytes untouched, with lastResponse", async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xa5, 0xb9]); // XLSX magic, then windows-1250 bytes
    const { core } = coreWith([
      new Response(bytes, {
        headers: { "content-type": "text/csv; charset=windows-1250", "x-request-id": "req_file" },
      }),
    ]);
    const file = await core.call<Blob>("GET", "/v1/exports/{export_id}/file", {
      params: { path: { export_id: "exp_1" } },
    });
    expect(file).toBeInstanceOf(Blob);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    expect(file.type).toMatch(/^text\/csv/);
    expect(file.lastResponse.requestId).toBe("req_file");
  });

  it("keeps a non-JSON error body as the error's detail", async () => {
    const { core } = coreWith(
      [new Response("upstream down", { status: 502, headers: { "content-type": "text/plain" } })],
      {
        maxRetries: 0,
      },
    );
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: "http_502", detail: "upstream down", body: "upstream down" });
  });

  it("answers undefined for an empty JSON body", async () => {
    const { core } = coreWith([new Response("", { status: 202, headers: { "content-type": "application/json" } })]);
    await expect(core.call("POST", "/v1/sandbox/reset")).resolves.toBeUndefined();
  });

  it("joins a base URL with a trailing slash", async () => {
    const { core, seen } = coreWith([json(200, {})], { baseUrl: "http://127.0.0.1:4010/" });
    await core.call("GET", "/v1/me");
    await core.raw.GET("/v1/me");
    expect(seen.map((r) => r.url)).toEqual(["http://127.0.0.1:4010/v1/me", "http://127.0.0.1:4010/v1/me"]);
  });

  it("times out a body that stalls after the headers", async () => {
    const stalled = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"id":'));
            queueMicrotask(fireTimers);
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    const { core, fireTimers } = coreWith([stalled], { maxRetries: 0 });
    await expect(core.call("GET", "/v1/me")).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe("a stalled body", () => {
  it("is interrupted by the caller's abort", async () => {
    const controller = new AbortController();
    const stalled = () =>
      new Response(
        new ReadableStream({
          start() {
            queueMicrotask(() => controller.abort("bye"));
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    const { core } = coreWith([stalled]);
    await expect(core.call("GET", "/v1/me", {}, { signal: controller.signal })).rejects.toBe("bye");
  });
});

describe("retries", () => {
  it("retry a 500 and answer the 200 that follows", async () => {
    const { core, seen, sleeps } = coreWith([problem(500, "internal_error"), json(200, EMPLOYEE)]);
    await expect(core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([250]); // 0.5 (random) * 500 ms (base)
  });

  it("retry 408, 502, 503 and 504 too", async () => {
    for (const status of [408, 502, 503, 504]) {
      const { core, seen } = coreWith([problem(status, "x"), json(200, EMPLOYEE)]);
      await expect(core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
      expect(seen, String(status)).toHaveLength(2);
    }
  });

  it("give up after maxRetries (default 2) and throw the last error", async () => {
    const { core, seen, sleeps } = coreWith([problem(500, "internal_error")]);
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("do not retry with maxRetries 0, per client or per call", async () => {
    const perClient = coreWith([problem(500, "internal_error"), json(200, {})], { maxRetries: 0 });
    await expect(perClient.core.call("GET", "/v1/me")).rejects.toBeInstanceOf(ServerError);
    expect(perClient.seen).toHaveLength(1);

    const perCall = coreWith([problem(500, "internal_error"), json(200, {})]);
    await expect(perCall.core.call("GET", "/v1/me", {}, { maxRetries: 0 })).rejects.toBeInstanceOf(ServerError);
    expect(perCall.seen).toHaveLength(1);
  });

  it("never retry 501 or other 4xx", async () => {
    for (const [status, code] of [
      [501, "not_implemented"],
      [400, "malformed_json"],
      [404, "not_found"],
      [409, "conflict"],
      [422, "validation_failed"],
    ] as const) {
      const { core, seen } = coreWith([problem(status, code), json(200, {})]);
      const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
      expect(error, code).toMatchObject({ status, code });
      expect(seen, code).toHaveLength(1);
    }
  });

  it("honour Retry-After in seconds on a 429", async () => {
    const { core, seen, sleeps } = coreWith([
      problem(429, "rate_limited", {}, { "retry-after": "7" }),
      json(200, EMPLOYEE),
    ]);
    await expect(core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([7000]);
  });

  it("honour Retry-After as an HTTP date", async () => {
    const at = new Date(coreWith([]).now() + 12_000).toUTCString();
    const { core, sleeps } = coreWith([problem(503, "unavailable", {}, { "retry-after": at }), json(200, {})]);
    await core.call("GET", "/v1/me");
    expect(sleeps).toEqual([12_000]);
  });

  it("honour X-RateLimit-Reset on a 429 without Retry-After", async () => {
    const probe = coreWith([]);
    const reset = Math.floor(probe.now() / 1000) + 20;
    const { core, sleeps } = coreWith([
      problem(
        429,
        "rate_limited",
        {},
        { "x-ratelimit-limit": "100", "x-ratelimit-remaining": "0", "x-ratelimit-reset": `${reset}` },
      ),
      json(200, EMPLOYEE),
    ]);
    await expect(core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
    expect(sleeps).toEqual([reset * 1000 - probe.now()]);
  });

  it("throw RateLimitError at once when the server asks for more than 60 s", async () => {
    const { core, seen, sleeps } = coreWith([
      problem(429, "rate_limited", {}, { "retry-after": "3600" }),
      json(200, EMPLOYEE),
    ]);
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("fall back to backoff on a 429 that says nothing", async () => {
    const { core, sleeps } = coreWith([problem(429, "rate_limited"), json(200, {})]);
    await core.call("GET", "/v1/me");
    expect(sleeps).toEqual([250]);
  });

  it("retry network errors and keep the cause when they persist", async () => {
    const recovered = coreWith([new TypeError("fetch failed"), json(200, EMPLOYEE)]);
    await expect(recovered.core.call("GET", "/v1/me")).resolves.toEqual(EMPLOYEE);
    expect(recovered.seen).toHaveLength(2);

    const cause = new TypeError("fetch failed");
    const { core, seen, sleeps } = coreWith([cause]);
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toBeInstanceOf(TimecardError);
    expect((error as ConnectionError).cause).toBe(cause);
    expect((error as Error).message).toContain("https://api.test");
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("time out each attempt, retry, and throw TimeoutError when every attempt times out", async () => {
    const fired: number[] = [];
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
        queueMicrotask(() => {
          fired.push(timers.filter((t) => !t.cancelled).length);
          fireTimers();
        });
      });
    const { core, seen, timers, fireTimers } = coreWith([hang], { timeoutMs: 1234 });
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(TimecardError);
    expect(seen).toHaveLength(3);
    expect(timers.map((t) => t.ms)).toEqual([1234, 1234, 1234]);
    expect(fired).toEqual([1, 1, 1]);
  });

  it("recover from a timed-out attempt, and disarm the timer once headers arrive", async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
        queueMicrotask(fireTimers);
      });
    const { core, timers, fireTimers } = coreWith([hang, json(200, EMPLOYEE)]);
    await expect(core.call("GET", "/v1/me", {}, { timeoutMs: 50 })).resolves.toEqual(EMPLOYEE);
    expect(timers.map((t) => t.ms)).toEqual([50, 50]);
    expect(timers[1]?.cancelled).toBe(true);
  });

  it("stop at once when the caller aborts during a request, rejecting with the caller's reason", async () => {
    const controller = new AbortController();
    const reason = new DOMException("user left", "AbortError");
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
        queueMicrotask(() => controller.abort(reason));
      });
    const { core, seen, sleeps } = coreWith([hang, json(200, {})]);
    await expect(core.call("GET", "/v1/me", {}, { signal: controller.signal })).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("stop at once when the caller aborts during the backoff", async () => {
    const controller = new AbortController();
    const sleep = async () => controller.abort();
    const { core, seen } = coreWith([problem(500, "internal_error"), json(200, {})], {}, { internals: { sleep } });
    const error = await core.call("GET", "/v1/me", {}, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("AbortError");
    expect(seen).toHaveLength(1);
  });

  it("reject an already aborted signal without a request", async () => {
    const { core, seen } = coreWith([json(200, {})]);
    await expect(core.call("GET", "/v1/me", {}, { signal: AbortSignal.abort("gone") })).rejects.toBe("gone");
    expect(seen).toHaveLength(0);
  });

  it("interrupt the real backoff sleep when the caller aborts", async () => {
    const controller = new AbortController();
    const core = createCore({
      apiKey: API_KEY,
      baseUrl: "https://api.test",
      fetch: async () => {
        queueMicrotask(() => controller.abort("stop"));
        return problem(500, "internal_error");
      },
    });
    // The default sleep would wait 0.5–1 s; the abort ends it in the same tick.
    await expect(core.call("GET", "/v1/me", {}, { signal: controller.signal })).rejects.toBe("stop");
  });
});

describe("idempotency", () => {
  it("adds one Idempotency-Key to a POST and reuses it across retries", async () => {
    const { core, seen } = coreWith([new TypeError("fetch failed"), problem(500, "internal_error"), json(201, {})]);
    await core.call("POST", "/v1/sessions", { body: { note: "x" } });
    const keys = seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys).size).toBe(1);
    expect(seen.map((r) => r.body)).toEqual(['{"note":"x"}', '{"note":"x"}', '{"note":"x"}']);
  });

  it("uses a fresh key for each call and the caller's key when given", async () => {
    const { core, seen } = coreWith([json(201, {})]);
    await core.call("POST", "/v1/sessions", { body: {} });
    await core.call("POST", "/v1/sessions", { body: {} });
    await core.call("POST", "/v1/sessions", { body: {} }, { idempotencyKey: "my-key-1" });
    const keys = seen.map((r) => r.headers.get("idempotency-key"));
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe("my-key-1");
  });

  it("sends no key on GET, PATCH or DELETE", async () => {
    const { core, seen } = coreWith([json(200, {})]);
    await core.call("GET", "/v1/me");
    await core.call("PATCH", "/v1/me", { body: {} });
    await core.call("DELETE", "/v1/me");
    expect(seen.map((r) => r.headers.get("idempotency-key"))).toEqual([null, null, null]);
  });
});

describe("backoff", () => {
  it("stays within full-jitter bounds: [0, min(8 s, 0.5 s * 2^n))", () => {
    for (let retry = 0; retry < 10; retry++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
      expect(backoffDelay(retry, () => 0)).toBe(0);
      expect(backoffDelay(retry, () => 0.999_999)).toBeLessThan(ceiling);
      expect(backoffDelay(retry, () => 0.999_999)).toBeGreaterThanOrEqual(ceiling - 1);
    }
    expect(backoffDelay(20, () => 0.5)).toBe(4000);
  });

  it("grows with each retry under a fixed random", async () => {
    const { core, sleeps } = coreWith([problem(500, "internal_error")], { maxRetries: 6 }, { random: 0.999 });
    await core.call("GET", "/v1/me").catch(() => {});
    expect(sleeps).toEqual([499, 999, 1998, 3996, 7992, 7992]);
  });

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [599, true],
    [400, false],
    [401, false],
    [404, false],
    [409, false],
  ])("treats %i as retryable: %s", (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it("reads the server's delay from Retry-After or, on 429, X-RateLimit-Reset", () => {
    const now = Date.UTC(2026, 9, 5, 7, 0, 0);
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(serverDelay(503, headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(serverDelay(503, headers({ "retry-after": "1.5" }), now)).toBe(1500);
    expect(serverDelay(503, headers({ "retry-after": new Date(now + 3000).toUTCString() }), now)).toBe(3000);
    expect(serverDelay(503, headers({ "retry-after": new Date(now - 3000).toUTCString() }), now)).toBe(0);
    expect(serverDelay(503, headers({ "retry-after": "soon" }), now)).toBeNull();
    expect(serverDelay(429, headers({ "x-ratelimit-reset": `${now / 1000 + 9}` }), now)).toBe(9000);
    expect(serverDelay(503, headers({ "x-ratelimit-reset": `${now / 1000 + 9}` }), now)).toBeNull();
    expect(serverDelay(429, headers({}), now)).toBeNull();
  });
});

describe("rate limits", () => {
  const limited = (remaining: number, limit = 1000) =>
    json(
      200,
      {},
      {
        "x-ratelimit-limit": `${limit}`,
        "x-ratelimit-remaining": `${remaining}`,
        "x-ratelimit-reset": "1790000000",
      },
    );

  it("track the last response's state on the core", async () => {
    const { core } = coreWith([limited(999), limited(998), json(200, {})]);
    expect(core.rateLimit).toBeNull();
    await core.call("GET", "/v1/me");
    expect(core.rateLimit?.remaining).toBe(999);
    await core.call("GET", "/v1/me");
    expect(core.rateLimit).toEqual({ limit: 1000, remaining: 998, reset: new Date(1_790_000_000_000) });
    await core.call("GET", "/v1/me"); // no headers: the last known state stays
    expect(core.rateLimit?.remaining).toBe(998);
  });

  it("track the state of error responses too", async () => {
    const { core } = coreWith([
      problem(
        404,
        "not_found",
        {},
        { "x-ratelimit-limit": "100", "x-ratelimit-remaining": "5", "x-ratelimit-reset": "1" },
      ),
    ]);
    await core.call("GET", "/v1/me").catch(() => {});
    expect(core.rateLimit?.remaining).toBe(5);
  });

  it("call onRateLimitLow at or below 10% of the limit by default", async () => {
    const onRateLimitLow = vi.fn();
    const { core } = coreWith([limited(101), limited(100), limited(3)], { onRateLimitLow });
    await core.call("GET", "/v1/me");
    expect(onRateLimitLow).not.toHaveBeenCalled();
    await core.call("GET", "/v1/me");
    await core.call("GET", "/v1/me");
    expect(onRateLimitLow.mock.calls.map(([state]) => state.remaining)).toEqual([100, 3]);
  });

  it("call onRateLimitLow at a custom threshold", async () => {
    const onRateLimitLow = vi.fn();
    const { core } = coreWith([limited(51), limited(50)], { onRateLimitLow, rateLimitLowThreshold: 50 });
    await core.call("GET", "/v1/me");
    await core.call("GET", "/v1/me");
    expect(onRateLimitLow).toHaveBeenCalledOnce();
  });
});

describe("hooks", () => {
  it("see each attempt, never the credential", async () => {
    const events: string[] = [];
    const infos: unknown[] = [];
    const { core } = coreWith(
      [
        problem(503, "unavailable", {}, { "x-request-id": "req_a" }),
        json(
          201,
          {},
          {
            "x-request-id": "req_b",
            "x-ratelimit-limit": "10",
            "x-ratelimit-remaining": "9",
            "x-ratelimit-reset": "1",
          },
        ),
      ],
      {
        onRequest(info) {
          events.push(`request ${info.method} ${info.url} #${info.attempt}`);
          infos.push(info);
        },
        async onResponse(info) {
          events.push(`response ${info.status} ${info.requestId} #${info.attempt} retry=${info.willRetry}`);
          infos.push(info);
        },
      },
    );
    await core.call("POST", "/v1/sessions", { body: {} }, { idempotencyKey: "k1" });
    expect(events).toEqual([
      "request POST https://api.test/v1/sessions #0",
      "response 503 req_a #0 retry=true",
      "request POST https://api.test/v1/sessions #1",
      "response 201 req_b #1 retry=false",
    ]);
    expect(infos[3]).toMatchObject({
      idempotencyKey: "k1",
      rateLimit: { limit: 10, remaining: 9 },
      durationMs: expect.any(Number),
    });
    expect(JSON.stringify(infos)).not.toContain(API_KEY);
  });

  it("propagate a hook's error", async () => {
    const { core } = coreWith([json(200, {})], {
      onResponse() {
        throw new Error("logger broke");
      },
    });
    await expect(core.call("GET", "/v1/me")).rejects.toThrow("logger broke");
  });

  it("serve the raw client too", async () => {
    const onRequest = vi.fn();
    const { core, seen } = coreWith([problem(500, "internal_error"), json(200, EMPLOYEE)], { onRequest });
    const { data, error, response } = await core.raw.GET("/v1/me");
    expect(data).toEqual(EMPLOYEE);
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(onRequest).toHaveBeenCalledTimes(2);
    expect(seen[1]?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
  });
});

describe("the raw client", () => {
  it("answers errors as data, after retries", async () => {
    const { core, seen } = coreWith([problem(404, "not_found")]);
    const { data, error, response } = await core.raw.GET("/v1/employees/{employee_id}", {
      params: { path: { employee_id: "emp_x" } },
    });
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ code: "not_found" });
    expect(response.status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it("adds an idempotency key to POSTs and honours the caller's signal", async () => {
    const { core, seen } = coreWith([json(201, {})]);
    await core.raw.POST("/v1/sessions/{session_id}/approve", { params: { path: { session_id: "ses_1" } } });
    expect(seen[0]?.headers.get("idempotency-key")).toMatch(UUID);
    await expect(core.raw.GET("/v1/me", { signal: AbortSignal.abort(new Error("cancelled")) })).rejects.toThrow(
      "cancelled",
    );
  });

  it("sends the same body on every retry", async () => {
    const { core, seen } = coreWith([problem(503, "unavailable"), json(201, {})]);
    const { response } = await core.raw.POST("/v1/projects", { body: { name: "Website relaunch", billable: true } });
    expect(response.status).toBe(201);
    expect(seen.map((r) => r.body)).toEqual([
      '{"name":"Website relaunch","billable":true}',
      '{"name":"Website relaunch","billable":true}',
    ]);
    expect(seen.map((r) => r.headers.get("content-type"))).toEqual(["application/json", "application/json"]);
  });

  it("throws ConnectionError on network failures, like openapi-fetch throws fetch's", async () => {
    const { core } = coreWith([new TypeError("fetch failed")], { maxRetries: 0 });
    await expect(core.raw.GET("/v1/me")).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe("call errors", () => {
  it("throw the class of the status with the problem's fields", async () => {
    const { core } = coreWith([problem(404, "not_found")]);
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "not_found", requestId: "req_not_found" });
  });
});
