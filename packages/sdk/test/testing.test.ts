import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createCore } from "../src/core/index.js";
import {
  type ApiSchema,
  createTimecard,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ValidationError,
} from "../src/index.js";
import {
  createTimecardData,
  createTimecardHandlers,
  createTimecardHttp,
  SEED_VERSION,
  type TimecardMockData,
  timecardProblem,
} from "../src/testing/index.js";

// `@timecard/sdk/testing`: the client against the MSW handlers, with no server running.

const data: TimecardMockData = createTimecardData();
const server = setupServer(...createTimecardHandlers({ data, now: () => new Date("2026-11-02T12:00:00Z") }));
const http = createTimecardHttp();
const timecard = createTimecard({ apiKey: "tc_test_anything", maxRetries: 0 });

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("the seed data", () => {
  it("is the sandbox's Polish organization as its admin sees it", async () => {
    const me = await timecard.me.get();
    expect(me.user).toMatchObject({ id: "emp_4Fh8Jq2LmN6pRs3T", name: "Anna Nowak", role: "admin" });
    expect(me.organization.name).toBe("Kowalski Software sp. z o.o.");
    expect(me.lastResponse.requestId).toMatch(/^req_/);
    expect(timecard.rateLimit).toMatchObject({ limit: 10_000 });
    expect(SEED_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });

  it("pages through every list in the API's order", async () => {
    const sessions = await timecard.sessions.list({ limit: 40 }).toArray();
    expect(sessions.length).toBe(data.sessions.length);
    expect(sessions.length).toBeGreaterThan(100);
    expect(sessions.map((s) => s.id)).toEqual(data.sessions.map((s) => s.id));
    const starts = sessions.map((s) => s.started_at);
    expect([...starts].sort().reverse()).toEqual(starts);

    const pages = [];
    for await (const page of timecard.employees.list({ limit: 3 }).pages()) pages.push(page.data.length);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(data.employees.length);
    expect(pages.length).toBe(Math.ceil(data.employees.length / 3));

    const first = await timecard.events.list({ limit: 5 });
    expect(first.data).toHaveLength(5);
    expect(first.has_more).toBe(true);
    expect(typeof first.next_cursor).toBe("string");
  });

  it("applies the lists' filters", async () => {
    const running = await timecard.sessions.list({ status: "running" }).toArray();
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((s) => s.status === "running")).toBe(true);
    const october = await timecard.sessions
      .list({ from: "2026-10-05T00:00:00Z", to: "2026-10-06T00:00:00Z" })
      .toArray();
    expect(october.length).toBeGreaterThan(0);
    expect(october.every((s) => s.started_at.startsWith("2026-10-05"))).toBe(true);
    const project = data.projects[0];
    const tasks = await timecard.tasks.list({ project_id: project?.id }).toArray();
    expect(tasks.every((t) => t.project_id === project?.id)).toBe(true);
  });

  it("gets one record by id, and throws NotFoundError for an unknown one", async () => {
    const known = data.sessions[3];
    expect((await timecard.sessions.get(known?.id ?? "")).id).toBe(known?.id);
    const employee = data.employees[0];
    expect(await timecard.employees.get(employee?.id ?? "")).toEqual(employee);

    const error = await timecard.projects.get("prj_doesNotExist000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "not_found" });
    await expect(timecard.sessions.get("ses_nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(timecard.employees.get("emp_nope")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses a cursor it did not issue and a limit out of range", async () => {
    await expect(timecard.raw.GET("/v1/sessions", { params: { query: { cursor: "bogus" } } })).resolves.toMatchObject({
      error: { code: "invalid_cursor" },
      response: { status: 400 },
    });
    await expect(timecard.employees.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it("answers 401 without a bearer credential and 501 for operations it does not mock", async () => {
    const anonymous = await fetch("https://api.timecard.dev/v1/me");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
    const error = await timecard.auditLog.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 501, code: "not_implemented" });
  });
});

describe("writes", () => {
  it("creates a project that then shows up in the list and in the events", async () => {
    const project = await timecard.projects.create({ name: "Mock migration", billable: true, code: "MOCK-1" });
    expect(project).toMatchObject({ name: "Mock migration", status: "open", billable: true, tracked_seconds: 0 });
    expect(project.id).toMatch(/^prj_[0-9A-Za-z]{16}$/);
    const listed = await timecard.projects.list({ limit: 2 }).toArray();
    expect(listed.map((p) => p.id)).toContain(project.id);
    expect(await timecard.projects.get(project.id)).toEqual(project);
    const [event] = await timecard.events.list({ type: "project.created" }).toArray({ max: 1 });
    expect(event?.data).toMatchObject({ id: project.id });

    await expect(timecard.projects.create({ name: "Again", billable: false, code: "MOCK-1" })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("starts and stops a session of the caller, once at a time", async () => {
    const started = await timecard.sessions.start({ note: "Writing tests" });
    expect(started).toMatchObject({ status: "running", employee_id: data.me.user.id, note: "Writing tests" });
    expect(started.started_at).toBe("2026-11-02T12:00:00.000Z");
    await expect(timecard.sessions.start()).rejects.toMatchObject({ status: 409, code: "session_already_running" });
    const stopped = await timecard.sessions.stop(started.id);
    expect(stopped).toMatchObject({ id: started.id, status: "completed", duration_seconds: 0 });
    expect((await timecard.sessions.list({ limit: 1 }))?.data[0]?.id).toBe(started.id);
    await expect(timecard.sessions.stop(started.id)).rejects.toMatchObject({ status: 409, code: "invalid_state" });
    await expect(timecard.sessions.stop("ses_unknown")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("requests leave, counting weekdays, and validates the body", async () => {
    const leave = await timecard.leave.create({
      type: "vacation",
      start_date: "2026-12-21",
      end_date: "2026-12-27",
      half_day_start: false,
      half_day_end: false,
    });
    expect(leave).toMatchObject({ status: "requested", days: 5, employee_id: data.me.user.id });
    expect((await timecard.leave.list({ status: "requested" }).toArray()).map((l) => l.id)).toContain(leave.id);
    const error = await timecard.leave
      .create({
        type: "vacation",
        start_date: "2026-12-21",
        end_date: "2026-12-01",
        half_day_start: false,
        half_day_end: false,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { field: "body.end_date", message: "must be on or after start_date" },
    ]);
  });

  it("keeps each handler set's data apart", async () => {
    const fresh = createTimecardData();
    expect(fresh.projects.some((p) => p.name === "Mock migration")).toBe(false);
    expect(data.projects.some((p) => p.name === "Mock migration")).toBe(true);
  });
});

describe("overrides", () => {
  it("a handler given with server.use wins, and timecardProblem builds problem+json", async () => {
    server.use(http.get("/v1/projects/{project_id}", () => timecardProblem(403, "forbidden", "Not yours.")));
    const error = await timecard.projects.get(data.projects[0]?.id ?? "").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, code: "forbidden", detail: "Not yours.", title: "Forbidden" });
    expect((error as { requestId: string }).requestId).toMatch(/^req_/);
  });

  it("a 429 with Retry-After makes the client retry, then succeed", async () => {
    let calls = 0;
    server.use(
      http.get(
        "/v1/me",
        () => {
          calls++;
          return timecardProblem(429, "rate_limited", "Slow down.", { headers: { "Retry-After": "0" } });
        },
        { once: true },
      ),
    );
    const retrying = createTimecard({ apiKey: "tc_test_anything", maxRetries: 2 });
    const me = await retrying.me.get();
    expect(calls).toBe(1);
    expect(me.user.name).toBe("Anna Nowak");
  });

  it("the core waits as long as Retry-After asks (with an injected sleep)", async () => {
    const waits: number[] = [];
    let calls = 0;
    server.use(
      http.get("/v1/sessions/{session_id}", ({ params, response }) => {
        calls++;
        if (calls < 3)
          return timecardProblem(429, "rate_limited", "Slow down.", { headers: { "Retry-After": String(calls * 2) } });
        return response.untyped(HttpResponse.json({ id: params.session_id }));
      }),
    );
    const core = createCore({ apiKey: "tc_test_anything" }, { sleep: async (ms) => void waits.push(ms) });
    const result = await core.call<{ id: string }>("GET", "/v1/sessions/{session_id}", {
      params: { path: { session_id: "ses_x" } },
    });
    expect(result.id).toBe("ses_x");
    expect(waits).toEqual([2000, 4000]);

    calls = 0;
    const noRetries = createCore({ apiKey: "tc_test_anything", maxRetries: 1 }, { sleep: async () => {} });
    const error = await noRetries
      .call("GET", "/v1/sessions/{session_id}", { params: { path: { session_id: "ses_x" } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(4);
  });

  it("another baseUrl", async () => {
    const local = setupServer(...createTimecardHandlers({ baseUrl: "http://127.0.0.1:4010/" }));
    server.close();
    local.listen({ onUnhandledRequest: "error" });
    try {
      const client = createTimecard({ apiKey: "tc_test_anything", baseUrl: "http://127.0.0.1:4010" });
      expect((await client.me.get()).user.name).toBe("Anna Nowak");
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: "error" });
    }
  });
});

describe("packaging", () => {
  const dist = fileURLToPath(new URL("../dist/", import.meta.url));
  it.skipIf(!existsSync(join(dist, "index.js")))("keeps msw and openapi-msw out of the main entry point", () => {
    for (const file of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"])
      expect(readFileSync(join(dist, file), "utf8"), file).not.toMatch(/msw/);
    expect(readFileSync(join(dist, "testing.js"), "utf8")).toMatch(/from "openapi-msw"/);
  });

  it("the README's example runs", async () => {
    server.use(http.get("/v1/sessions", () => timecardProblem(403, "forbidden", "Managers only.")));
    await expect(timecard.sessions.list().toArray()).rejects.toBeInstanceOf(PermissionDeniedError);
    server.resetHandlers();
    const sessions = await timecard.sessions.list({ from: "2026-10-05", to: "2026-10-12" }).toArray();
    expect(sessions.length).toBeGreaterThan(0);
  });
});

describe("types", () => {
  it("types overrides by path: parameters, query and responses", () => {
    http.get("/v1/sessions/{session_id}", ({ params, response }) => {
      expectTypeOf(params.session_id).toEqualTypeOf<string>();
      // @ts-expect-error a Session needs its fields
      return response(200).json({ id: params.session_id });
    });
    http.get("/v1/sessions", ({ query, response }) => {
      expectTypeOf(query.get("status")).toEqualTypeOf<"running" | "completed" | null>();
      return response(200).json({ data: [], has_more: false, next_cursor: null });
    });
    http.post("/v1/projects", async ({ request, response }) => {
      const body = await request.json();
      expectTypeOf(body.name).toEqualTypeOf<string>();
      return response(201).json({ ...(data.projects[0] as ApiSchema<"Project">), name: body.name });
    });
    // @ts-expect-error not a path of the API
    http.get("/v1/nope", () => HttpResponse.json({}));
    // @ts-expect-error /v1/me has no POST
    http.post("/v1/me", () => HttpResponse.json({}));
    expectTypeOf(timecardProblem(404, "not_found", "x")).toExtend<Response>();
  });
});
