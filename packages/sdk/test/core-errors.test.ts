import { inspect } from "node:util";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  errorFromResponse,
  type FieldError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimecardError,
  TimeoutError,
  ValidationError,
} from "../src/core/index.js";
import { API_KEY, coreWith, json, problem } from "./core-support.js";

describe("errorFromResponse", () => {
  it.each([
    [400, "malformed_json", ValidationError],
    [401, "invalid_api_key", AuthenticationError],
    [403, "insufficient_scope", PermissionDeniedError],
    [404, "not_found", NotFoundError],
    [405, "method_not_allowed", ApiError],
    [409, "session_already_running", ConflictError],
    [410, "gone", ApiError],
    [413, "payload_too_large", ValidationError],
    [415, "unsupported_media_type", ValidationError],
    [422, "validation_failed", ValidationError],
    [429, "rate_limited", RateLimitError],
    [500, "internal_error", ServerError],
    [501, "not_implemented", ServerError],
    [503, "unavailable", ServerError],
  ] as const)("maps %i %s to its class", async (status, code, ErrorClass) => {
    const response = problem(status, code);
    const error = errorFromResponse(response, await response.json());
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(TimecardError);
    expect(error).toBeInstanceOf(Error);
    expect(error.constructor).toBe(ErrorClass);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.stack?.split("\n")[0]).toBe(`${ErrorClass.name}: ${error.message}`);
  });

  it("carries the problem's fields and a message with status, code, detail and request id", async () => {
    const errors: FieldError[] = [
      { field: "body.email", message: 'must match format "email"' },
      { field: "body.name", message: "must not be empty" },
    ];
    const response = problem(422, "validation_failed", { detail: "2 fields are invalid.", errors });
    const error = errorFromResponse(response, await response.json());
    expect(error).toMatchObject({
      status: 422,
      code: "validation_failed",
      title: "validation_failed",
      detail: "2 fields are invalid.",
      errors,
      requestId: "req_validation_failed",
    });
    expect(error.message).toBe("422 validation_failed: 2 fields are invalid. (request req_validation_failed)");
    expect(error.headers.get("content-type")).toBe("application/problem+json");
    expect(error.body).toMatchObject({ code: "validation_failed" });
  });

  it("takes the request id from the body when the header is missing", () => {
    const response = new Response("", { status: 404 });
    const error = errorFromResponse(response, { code: "not_found", detail: "No such session.", request_id: "req_b" });
    expect(error.requestId).toBe("req_b");
    expect(error.errors).toEqual([]);
  });

  it("reads OAuth's RFC 6749 error objects", () => {
    const response = new Response("", { status: 400 });
    const error = errorFromResponse(response, { error: "invalid_grant", error_description: "The code has expired." });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_grant", detail: "The code has expired.", requestId: null });
    expect(error.message).toBe("400 invalid_grant: The code has expired.");
  });

  it("copes with a body that is not JSON", () => {
    const response = new Response("", { status: 502, statusText: "Bad Gateway" });
    const error = errorFromResponse(response, "<html>upstream down</html>");
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: "http_502", title: "Bad Gateway", detail: "<html>upstream down</html>" });
  });

  it("gives RateLimitError the seconds to wait from Retry-After or X-RateLimit-Reset", () => {
    const now = Date.UTC(2026, 9, 5, 7, 0, 0);
    const byHeader = errorFromResponse(problem(429, "rate_limited", {}, { "retry-after": "30" }), {}, now);
    expect((byHeader as RateLimitError).retryAfter).toBe(30);
    const byReset = errorFromResponse(
      problem(429, "rate_limited", {}, { "x-ratelimit-reset": `${now / 1000 + 90}` }),
      {},
      now,
    );
    expect((byReset as RateLimitError).retryAfter).toBe(90);
    const unknown = errorFromResponse(problem(429, "rate_limited"), {}, now);
    expect((unknown as RateLimitError).retryAfter).toBeNull();
  });
});

describe("errors never hold the key", () => {
  async function thrownBy(steps: Parameters<typeof coreWith>[0], maxRetries = 0) {
    const { core } = coreWith(steps, { maxRetries });
    try {
      await core.call("POST", "/v1/employees", { body: { name: "x" } });
    } catch (error) {
      return error as Error;
    }
    throw new Error("the call succeeded");
  }

  it.each([
    ["401", () => [problem(401, "invalid_api_key")]],
    ["403", () => [problem(403, "forbidden")]],
    ["422", () => [problem(422, "validation_failed", { errors: [{ field: "body.name", message: "bad" }] })]],
    ["429", () => [problem(429, "rate_limited", {}, { "retry-after": "999" })]],
    ["500", () => [problem(500, "internal_error")]],
    ["network", () => [new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") })]],
  ] as const)("in JSON or inspect output (%s)", async (_, steps) => {
    const error = await thrownBy([...steps()]);
    expect(error).toBeInstanceOf(TimecardError);
    for (const text of [
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String(error),
      error.stack ?? "",
    ]) {
      expect(text).not.toContain(API_KEY);
      expect(text.toLowerCase()).not.toContain("bearer");
    }
  });

  it("nor on a timeout", async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
        queueMicrotask(fireTimers);
      });
    const { core, fireTimers } = coreWith([hang], { maxRetries: 0 });
    const error = await core.call("GET", "/v1/me").catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(API_KEY);
  });

  it("serialises a connection error's cause for loggers", async () => {
    const error = await thrownBy([new TypeError("fetch failed")]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "ConnectionError",
      message: "Could not reach https://api.test: fetch failed",
      cause: { name: "TypeError", message: "fetch failed" },
    });
  });

  it("serialises the useful fields for loggers", async () => {
    const error = (await thrownBy([problem(404, "not_found")])) as ApiError;
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "NotFoundError",
      message: error.message,
      status: 404,
      code: "not_found",
      requestId: "req_not_found",
      headers: { "x-request-id": "req_not_found" },
    });
  });
});

describe("error types", () => {
  it("narrow by class", async () => {
    const { core } = coreWith([json(200, {})]);
    const error: unknown = await core.call("GET", "/v1/me").catch((e: unknown) => e);
    if (error instanceof NotFoundError) expectTypeOf(error.status).toEqualTypeOf<404>();
    if (error instanceof AuthenticationError) expectTypeOf(error.status).toEqualTypeOf<401>();
    if (error instanceof PermissionDeniedError) expectTypeOf(error.status).toEqualTypeOf<403>();
    if (error instanceof ConflictError) expectTypeOf(error.status).toEqualTypeOf<409>();
    if (error instanceof ValidationError) {
      expectTypeOf(error.status).toEqualTypeOf<400 | 413 | 415 | 422>();
      expectTypeOf(error.errors).toEqualTypeOf<FieldError[]>();
    }
    if (error instanceof RateLimitError) {
      expectTypeOf(error.status).toEqualTypeOf<429>();
      expectTypeOf(error.retryAfter).toEqualTypeOf<number | null>();
    }
    if (error instanceof ServerError) expectTypeOf(error.status).toEqualTypeOf<number>();
    if (error instanceof ApiError) {
      expectTypeOf(error.code).toEqualTypeOf<string>();
      expectTypeOf(error.requestId).toEqualTypeOf<string | null>();
      expectTypeOf(error.headers).toEqualTypeOf<Headers>();
      expectTypeOf(error).not.toHaveProperty("retryAfter");
    }
    if (error instanceof ConnectionError || error instanceof TimeoutError) {
      expectTypeOf(error).toExtend<TimecardError>();
      expectTypeOf(error).not.toHaveProperty("status");
    }
    expectTypeOf<NotFoundError>().toExtend<ApiError>();
    expectTypeOf<ApiError>().toExtend<TimecardError>();
    expectTypeOf<TimecardError>().toExtend<Error>();
    expectTypeOf<FieldError>().toEqualTypeOf<{ field: string; message: string }>();
  });

  it("narrow a switch on status within ApiError subclasses", () => {
    const describe = (error: NotFoundError | RateLimitError | ValidationError) => {
      switch (error.status) {
        case 404:
          expectTypeOf(error).toEqualTypeOf<NotFoundError>();
          return "missing";
        case 429:
          expectTypeOf(error).toEqualTypeOf<RateLimitError>();
          return `wait ${error.retryAfter}`;
        default:
          expectTypeOf(error).toEqualTypeOf<ValidationError>();
          return error.errors.map((e) => e.field).join();
      }
    };
    expect(describe(new NotFoundError({ status: 404, code: "not_found" }))).toBe("missing");
    expect(describe(new RateLimitError({ status: 429, code: "rate_limited", retryAfter: 3 }))).toBe("wait 3");
  });
});
