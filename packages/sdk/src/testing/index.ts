/**
 * `@timecard/sdk/testing`: the Timecard API as [MSW](https://mswjs.io) request handlers, typed
 * against the spec with [openapi-msw](https://github.com/christoph-fricke/openapi-msw), answering
 * from an in-memory copy of the sandbox's seed data. Test code that calls Timecard with no server
 * running: `setupServer(...createTimecardHandlers())`.
 *
 * `msw` (2.x) and `openapi-msw` (1.x) are optional peer dependencies: install them as dev
 * dependencies to use this entry point; the main entry point never loads them.
 *
 * @example
 * ```ts
 * import { setupServer } from "msw/node";
 * import { createTimecard } from "@timecard/sdk";
 * import { createTimecardHandlers } from "@timecard/sdk/testing";
 *
 * const server = setupServer(...createTimecardHandlers());
 * server.listen({ onUnhandledRequest: "error" });
 * const timecard = createTimecard({ apiKey: "tc_test_anything" });
 * const me = await timecard.me.get(); // Anna Nowak of Kowalski Software sp. z o.o.
 * ```
 *
 * @packageDocumentation
 */
import { type HttpHandler, HttpResponse } from "msw";
import { createOpenApiHttp, type OpenApiHttpHandlers } from "openapi-msw";
import * as seed from "../generated/sandbox.js";
import type { components, paths } from "../generated/schema.js";

type Schemas = components["schemas"];
type ListPage<T> = { data: T[]; has_more: boolean; next_cursor: string | null };
type Me = paths["/v1/me"]["get"]["responses"][200]["content"]["application/json"];

/** The API origin `createTimecard` calls by default. */
const DEFAULT_BASE_URL = "https://api.timecard.dev";

/** The version of the sandbox seed the handlers' data comes from. */
export const SEED_VERSION: string = seed.SEED_VERSION;
/** The clock the seed data was read at (2 November 2026, 12:00 UTC): the running sessions started before it. */
export const SEED_CLOCK: string = seed.SEED_CLOCK;

/**
 * The records the handlers answer from, and change: one organization (Kowalski Software sp. z o.o.,
 * Poland) of the sandbox, as its admin sees it. Lists are in the API's order (sessions and events
 * newest first). Change them in a test to set up a case; read them to assert what your code did.
 */
export interface TimecardMockData {
  /** `GET /v1/me`: the admin Anna Nowak; `rate_limit` follows the handlers' counter. */
  me: Me;
  employees: Schemas["Employee"][];
  projects: Schemas["Project"][];
  tasks: Schemas["Task"][];
  sessions: Schemas["Session"][];
  leaveRequests: Schemas["LeaveRequest"][];
  events: Schemas["Event"][];
}

/** A fresh, deep copy of the sandbox's seed data (each call its own). */
export function createTimecardData(): TimecardMockData {
  return structuredClone({
    me: seed.ME,
    employees: seed.EMPLOYEES,
    projects: seed.PROJECTS,
    tasks: seed.TASKS,
    sessions: seed.SESSIONS,
    leaveRequests: seed.LEAVE_REQUESTS,
    events: seed.EVENTS,
  });
}

/** How `createTimecardHandlers` answers. */
export interface TimecardHandlersOptions {
  /** The API origin the client under test calls; default `https://api.timecard.dev` (as `createTimecard`'s). */
  baseUrl?: string;
  /** The records to answer from and change; default a fresh `createTimecardData()`. */
  data?: TimecardMockData;
  /** The clock for created, started and stopped records; default the real one. */
  now?: () => Date;
  /**
   * Answer requests for which no handler exists (any other operation under `baseUrl`) with
   * `501 not_implemented`, which the SDK does not retry; default `true`. With `false` they reach
   * MSW's `onUnhandledRequest`.
   */
  notImplemented?: boolean;
}

/** The typed openapi-msw `http` for the Timecard API, for your own handlers: `http.get("/v1/sessions", …)`. */
export type TimecardHttp = OpenApiHttpHandlers<paths>;

/**
 * The typed openapi-msw `http` for the Timecard API at `baseUrl` (default
 * `https://api.timecard.dev`): paths, path parameters, query, bodies and responses are typed
 * from the spec. Use it to override a handler with `server.use(...)`.
 *
 * @example
 * ```ts
 * const http = createTimecardHttp();
 * server.use(http.get("/v1/sessions/{session_id}", ({ params, response }) =>
 *   response(200).json({ ...mySession, id: params.session_id })));
 * ```
 */
export function createTimecardHttp(baseUrl: string = DEFAULT_BASE_URL): TimecardHttp {
  return createOpenApiHttp<paths>({ baseUrl: trimSlash(baseUrl) });
}

/** More of a problem body: field errors, headers (`Retry-After`), a title or request id of your own. */
export interface TimecardProblemInit {
  errors?: Schemas["FieldError"][];
  headers?: Record<string, string>;
  title?: string;
  requestId?: string;
}

/**
 * An `application/problem+json` response as the API sends one, for tests of error paths.
 *
 * @example
 * ```ts
 * server.use(http.get("/v1/me", () =>
 *   timecardProblem(429, "rate_limited", "Slow down.", { headers: { "Retry-After": "1" } })));
 * ```
 */
export function timecardProblem(
  status: number,
  code: string,
  detail: string,
  init: TimecardProblemInit = {},
): HttpResponse<Schemas["Problem"]> {
  const requestId = init.requestId ?? newId("req");
  const body: Schemas["Problem"] = {
    type: `https://docs.timecard.dev/errors/${code}`,
    title: init.title ?? TITLES[code] ?? "Error",
    status,
    code,
    detail,
    request_id: requestId,
    ...(init.errors ? { errors: init.errors } : {}),
  };
  return HttpResponse.json(body, {
    status,
    headers: { "Content-Type": "application/problem+json", "X-Request-Id": requestId, ...init.headers },
  });
}

const TITLES: Record<string, string> = {
  invalid_cursor: "Invalid cursor",
  unauthenticated: "Authentication required",
  forbidden: "Forbidden",
  not_found: "Not found",
  conflict: "Conflict",
  session_already_running: "Session already running",
  invalid_state: "Invalid state",
  validation_failed: "Validation failed",
  rate_limited: "Rate limit exceeded",
  internal_error: "Internal error",
  not_implemented: "Not implemented",
};

/** The handlers' window: the sandbox keys' limit per hour. */
const RATE_LIMIT = 10_000;

/**
 * MSW request handlers for the Timecard API, typed against the spec, answering from an in-memory
 * copy of the sandbox's seed data (see `TimecardMockData`): `GET /v1/me`; employees (list, get);
 * projects (list, get, create); tasks (list, get); sessions (list, get, start, stop); leave
 * requests (list, get, create); events (list, get). Lists paginate with `limit` (1–100, default
 * 25) and `cursor` and apply their equality filters; unknown ids answer `404 not_found`; writes
 * change the data and add their event. Any bearer token is accepted; a request without one
 * answers `401`. Every response has `X-Request-Id` and `X-RateLimit-*` headers.
 *
 * Handlers added later with `server.use(...)` take precedence, so a test overrides any of these.
 */
export function createTimecardHandlers(options: TimecardHandlersOptions = {}): HttpHandler[] {
  const baseUrl = trimSlash(options.baseUrl ?? DEFAULT_BASE_URL);
  const data = options.data ?? createTimecardData();
  const now = options.now ?? (() => new Date());
  const http = createTimecardHttp(baseUrl);
  const organizationId = data.me.organization.id;
  let remaining = RATE_LIMIT;
  const resetAt = Math.ceil(now().getTime() / 1000) + 3600;

  /** Headers of every answer; `null` and a 401 problem when there is no bearer credential. */
  const answer = (request: Request) => {
    remaining = Math.max(0, remaining - 1);
    const headers = {
      "X-Request-Id": newId("req"),
      "X-RateLimit-Limit": String(RATE_LIMIT),
      "X-RateLimit-Remaining": String(remaining),
      "X-RateLimit-Reset": String(resetAt),
    };
    const authorization = request.headers.get("authorization") ?? "";
    if (!/^Bearer \S+$/.test(authorization)) {
      return {
        headers,
        denied: problem(
          401,
          "unauthenticated",
          "Send an API key or access token as `Authorization: Bearer …`.",
          headers,
        ),
      };
    }
    return { headers, denied: null };
  };
  const problem = (status: number, code: string, detail: string, headers: Record<string, string>) =>
    timecardProblem(status, code, detail, { headers, requestId: headers["X-Request-Id"] });
  const notFound = (what: string, id: string, headers: Record<string, string>) =>
    problem(404, "not_found", `No ${what} ${id} in this organization.`, headers);
  const invalid = (field: string, message: string, headers: Record<string, string>) =>
    timecardProblem(422, "validation_failed", `${field} ${message}.`, {
      headers,
      requestId: headers["X-Request-Id"],
      errors: [{ field, message }],
    });

  /** One page of `items` after the cursor, or a problem for a bad limit or cursor. */
  const page = <T extends { id: string }>(items: readonly T[], url: URL, headers: Record<string, string>) => {
    const limitText = url.searchParams.get("limit");
    const limit = limitText === null ? 25 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return invalid("query.limit", "must be 1 to 100", headers);
    const cursor = url.searchParams.get("cursor");
    let start = 0;
    if (cursor !== null) {
      const after = decodeCursor(cursor);
      const index = after === null ? -1 : items.findIndex((item) => item.id === after);
      if (index < 0)
        return problem(
          400,
          "invalid_cursor",
          "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
          headers,
        );
      start = index + 1;
    }
    const slice = items.slice(start, start + limit);
    const hasMore = start + limit < items.length;
    const last = slice.at(-1);
    return HttpResponse.json<ListPage<T>>(
      { data: slice, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.id) : null },
      { headers },
    );
  };

  /** Items whose fields equal the query's values for `fields` (and contain it, for array fields). */
  const filtered = <T>(items: readonly T[], url: URL, fields: readonly string[]) =>
    items.filter((item) =>
      fields.every((field) => {
        const wanted = url.searchParams.get(field);
        if (wanted === null) return true;
        const value = (item as Record<string, unknown>)[field.replace(/^assignee_id$/, "assignee_ids")];
        return Array.isArray(value) ? value.includes(wanted) : String(value) === wanted;
      }),
    );
  const inRange = (value: string, url: URL) => {
    const from = url.searchParams.get("from");
    const to = url.searchParams.get("to");
    const at = Date.parse(value);
    return (from === null || at >= Date.parse(from)) && (to === null || at < Date.parse(to));
  };

  const emit = (type: string, resource: { id: string }, at: Date) => {
    const event = {
      id: newId("evt"),
      type,
      created_at: at.toISOString(),
      organization_id: organizationId,
      api_version: seed.EVENTS[0]?.api_version ?? "2026-10-01",
      data: structuredClone(resource),
    } as unknown as Schemas["Event"];
    data.events.unshift(event);
  };

  const handlers: HttpHandler[] = [
    http.get("/v1/me", ({ request, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      data.me.rate_limit = { limit: RATE_LIMIT, remaining, reset_at: new Date(resetAt * 1000).toISOString() };
      return response(200).json(data.me, { headers });
    }),

    http.get("/v1/employees", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      return page(filtered(data.employees, url, ["role", "status", "manager_id", "email"]), url, headers);
    }),
    http.get("/v1/employees/{employee_id}", ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const employee = data.employees.find((e) => e.id === params.employee_id);
      if (!employee) return notFound("employee", params.employee_id, headers);
      return response(200).json(employee, { headers });
    }),

    http.get("/v1/projects", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const q = url.searchParams.get("q")?.toLowerCase();
      const projects = filtered(data.projects, url, ["status"]).filter((p) => !q || p.name.toLowerCase().includes(q));
      return page(projects, url, headers);
    }),
    http.get("/v1/projects/{project_id}", ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const project = data.projects.find((p) => p.id === params.project_id);
      if (!project) return notFound("project", params.project_id, headers);
      return response(200).json(project, { headers });
    }),
    http.post("/v1/projects", async ({ request, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const body = await jsonBody(request);
      if (typeof body?.name !== "string" || body.name === "") return invalid("body.name", "is required", headers);
      if (body.code && data.projects.some((p) => p.code === body.code))
        return problem(409, "conflict", `A project with code ${body.code} exists already.`, headers);
      const at = now();
      const project: Schemas["Project"] = {
        id: newId("prj"),
        organization_id: organizationId,
        name: body.name,
        code: body.code ?? null,
        client_name: body.client_name ?? null,
        color: body.color ?? "#2F80ED",
        status: "open",
        billable: body.billable ?? false,
        hourly_rate: body.hourly_rate ?? null,
        budget_hours: body.budget_hours ?? null,
        tracked_seconds: 0,
        description: body.description ?? null,
        metadata: body.metadata ?? {},
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
        closed_at: null,
      };
      // The API lists projects by name, case-insensitively.
      const index = data.projects.findIndex((p) => p.name.toLowerCase() > project.name.toLowerCase());
      data.projects.splice(index < 0 ? data.projects.length : index, 0, project);
      emit("project.created", project, at);
      return response(201).json(project, { headers });
    }),

    http.get("/v1/tasks", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      return page(filtered(data.tasks, url, ["project_id", "status", "assignee_id"]), url, headers);
    }),
    http.get("/v1/tasks/{task_id}", ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const task = data.tasks.find((t) => t.id === params.task_id);
      if (!task) return notFound("task", params.task_id, headers);
      return response(200).json(task, { headers });
    }),

    http.get("/v1/sessions", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const fields = ["employee_id", "project_id", "task_id", "status", "approval_status"];
      return page(
        filtered(data.sessions, url, fields).filter((s) => inRange(s.started_at, url)),
        url,
        headers,
      );
    }),
    http.get("/v1/sessions/{session_id}", ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const session = data.sessions.find((s) => s.id === params.session_id);
      if (!session) return notFound("session", params.session_id, headers);
      return response(200).json(session, { headers });
    }),
    http.post("/v1/sessions/start", async ({ request, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const body = (await jsonBody(request)) ?? {};
      const employeeId = body.employee_id ?? data.me.user.id;
      if (!data.employees.some((e) => e.id === employeeId))
        return invalid("body.employee_id", "is not an employee of this organization", headers);
      const project = body.project_id ? data.projects.find((p) => p.id === body.project_id) : undefined;
      if (body.project_id && !project)
        return invalid("body.project_id", "is not a project of this organization", headers);
      if (body.task_id && !data.tasks.some((t) => t.id === body.task_id))
        return invalid("body.task_id", "is not a task of this organization", headers);
      if (data.sessions.some((s) => s.employee_id === employeeId && s.status === "running"))
        return problem(
          409,
          "session_already_running",
          `Employee ${employeeId} already has a running session.`,
          headers,
        );
      const at = now();
      const startedAt = body.started_at ? new Date(body.started_at) : at;
      const session: Schemas["Session"] = {
        id: newId("ses"),
        organization_id: organizationId,
        employee_id: employeeId,
        project_id: body.project_id ?? null,
        task_id: body.task_id ?? null,
        status: "running",
        approval_status: "pending",
        started_at: startedAt.toISOString(),
        ended_at: null,
        duration_seconds: null,
        billable: body.billable ?? project?.billable ?? false,
        source: body.source ?? "api",
        note: body.note ?? null,
        activity_percent: null,
        metadata: body.metadata ?? {},
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
        approved_by: null,
        approved_at: null,
        rejection_reason: null,
      };
      data.sessions.unshift(session);
      emit("session.started", session, at);
      return response(201).json(session, { headers });
    }),
    http.post("/v1/sessions/{session_id}/stop", async ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const session = data.sessions.find((s) => s.id === params.session_id);
      if (!session) return notFound("session", params.session_id, headers);
      if (session.status !== "running")
        return problem(409, "invalid_state", `Session ${session.id} is already completed.`, headers);
      const body = (await jsonBody(request)) ?? {};
      const at = now();
      const endedAt = body.ended_at ? new Date(body.ended_at) : at;
      const started = Date.parse(session.started_at);
      Object.assign(session, {
        status: "completed",
        ended_at: new Date(Math.max(endedAt.getTime(), started)).toISOString(),
        duration_seconds: Math.max(0, Math.floor((endedAt.getTime() - started) / 1000)),
        note: body.note ?? session.note,
        updated_at: at.toISOString(),
      } satisfies Partial<Schemas["Session"]>);
      emit("session.stopped", session, at);
      return response(200).json(session, { headers });
    }),

    http.get("/v1/leave-requests", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const from = url.searchParams.get("from");
      const to = url.searchParams.get("to");
      const leave = filtered(data.leaveRequests, url, ["employee_id", "status", "type"]).filter(
        (l) => (from === null || l.end_date >= from) && (to === null || l.start_date <= to),
      );
      return page(leave, url, headers);
    }),
    http.get("/v1/leave-requests/{leave_request_id}", ({ request, params, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const leave = data.leaveRequests.find((l) => l.id === params.leave_request_id);
      if (!leave) return notFound("leave request", params.leave_request_id, headers);
      return response(200).json(leave, { headers });
    }),
    http.post("/v1/leave-requests", async ({ request, response }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const body = (await jsonBody(request)) ?? {};
      for (const field of ["type", "start_date", "end_date"] as const)
        if (typeof body[field] !== "string") return invalid(`body.${field}`, "is required", headers);
      const employeeId = body.employee_id ?? data.me.user.id;
      const employee = data.employees.find((e) => e.id === employeeId);
      if (!employee) return invalid("body.employee_id", "is not an employee of this organization", headers);
      if (body.end_date < body.start_date) return invalid("body.end_date", "must be on or after start_date", headers);
      const halfDays = (body.half_day_start ? 0.5 : 0) + (body.half_day_end ? 0.5 : 0);
      const days = Math.max(0, weekdays(body.start_date, body.end_date) - halfDays);
      const at = now();
      const leave: Schemas["LeaveRequest"] = {
        id: newId("lv"),
        organization_id: organizationId,
        employee_id: employeeId,
        type: body.type,
        status: "requested",
        start_date: body.start_date,
        end_date: body.end_date,
        half_day_start: body.half_day_start ?? false,
        half_day_end: body.half_day_end ?? false,
        days,
        hours: Math.round(((days * employee.weekly_hours_norm) / 5) * 100) / 100,
        note: body.note ?? null,
        decided_by: null,
        decided_at: null,
        decision_note: null,
        cancelled_at: null,
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
      };
      // The API lists leave by start date, latest first.
      const index = data.leaveRequests.findIndex((l) => l.start_date <= leave.start_date);
      data.leaveRequests.splice(index < 0 ? data.leaveRequests.length : index, 0, leave);
      emit("leave.requested", leave, at);
      return response(201).json(leave, { headers });
    }),

    http.get("/v1/events", ({ request }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const url = new URL(request.url);
      const prefix = url.searchParams.get("type_prefix");
      const resource = url.searchParams.get("resource_id");
      const events = filtered(data.events, url, ["type"]).filter(
        (e) =>
          inRange(e.created_at, url) &&
          (prefix === null || e.type.startsWith(prefix)) &&
          (resource === null || JSON.stringify(e.data).includes(`"${resource}"`)),
      );
      return page(events, url, headers);
    }),
    // openapi-msw cannot type a response whose body is a union of objects (Event): untyped here.
    http.untyped.get(`${baseUrl}/v1/events/:event_id`, ({ request, params }) => {
      const { headers, denied } = answer(request);
      if (denied) return denied;
      const id = String(params.event_id);
      const event = data.events.find((e) => e.id === id);
      if (!event) return notFound("event", id, headers);
      return HttpResponse.json(event, { headers });
    }),
  ];

  if (options.notImplemented ?? true) {
    handlers.push(
      http.untyped.all(`${baseUrl}/*`, ({ request }) => {
        const { headers } = answer(request);
        const { pathname } = new URL(request.url);
        return problem(
          501,
          "not_implemented",
          `@timecard/sdk/testing has no handler for ${request.method} ${pathname}: add one with server.use(createTimecardHttp().${request.method.toLowerCase()}(…)).`,
          headers,
        );
      }),
    );
  }
  return handlers;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random id of the API's shape: `prefix_` and 16 base62 characters. */
function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = `${prefix}_`;
  for (const byte of bytes) id += BASE62[byte % 62];
  return id;
}

/** Opaque cursors: base64url of the last item's id. */
function encodeCursor(id: string): string {
  return btoa(`after:${id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string): string | null {
  try {
    const text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return text.startsWith("after:") ? text.slice(6) : null;
  } catch {
    return null;
  }
}

/** Monday-to-Friday days from `start` to `end` inclusive (the mocks know no public holidays). */
function weekdays(start: string, end: string): number {
  let count = 0;
  for (let day = Date.parse(`${start}T00:00:00Z`); day <= Date.parse(`${end}T00:00:00Z`); day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

// biome-ignore lint/suspicious/noExplicitAny: a request body is checked field by field.
type AnyBody = Record<string, any>;

/** The request's JSON body, or `undefined` when there is none or it is not JSON. */
async function jsonBody(request: Request): Promise<AnyBody | undefined> {
  try {
    const text = await request.text();
    return text === "" ? undefined : (JSON.parse(text) as AnyBody);
  } catch {
    return undefined;
  }
}
