import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import type { InjectOptions } from "fastify";
import { type Kysely, sql } from "kysely";
import { expect } from "vitest";
import { randomBase62 } from "../../src/ids.js";
import { createHandlers, createPublicHandlers } from "../../src/routes/index.js";
import type { OperationId } from "../../src/routes/types.js";
import { OPENAPI_DOCUMENT } from "../../src/spec.js";
import type { Database } from "../../src/storage/schema.js";
import type { Call, TestServer, World } from "./harness.js";

// Walks the spec to build requests for every operation: valid ones from the spec's examples
// (ids swapped for real ones), and invalid ones from the schemas. The cross-cutting batteries
// (auth, bad input, cross-organization, idempotency, not implemented) run on these, so they
// cover each operation as soon as its handler exists.

// biome-ignore lint/suspicious/noExplicitAny: the spec is arbitrary JSON
export type Schema = any;
type Role = "admin" | "manager" | "employee";
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const SPEC = OPENAPI_DOCUMENT as Schema;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** A parameter of an operation, with its schema resolved. */
export interface SpecParam {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly schema: Schema;
  readonly example: unknown;
}

/** An operation of the spec, as the batteries use it. */
export interface SpecOp {
  readonly operationId: OperationId;
  readonly method: Method;
  /** The spec's path, with `{param}` placeholders. */
  readonly path: string;
  /** `createProject (POST /v1/projects)`, for test names. */
  readonly label: string;
  readonly pathParams: readonly SpecParam[];
  readonly queryParams: readonly SpecParam[];
  readonly headerParams: readonly SpecParam[];
  readonly body: SpecBody | null;
  /** `x-timecard-roles`; empty for public operations. */
  readonly roles: readonly Role[];
  /** The OAuth scope it needs; null for public operations. */
  readonly scope: string | null;
  readonly idempotencyKey: boolean;
  /** The statuses the spec declares for it. */
  readonly statuses: readonly string[];
  /** createHandlers() has a handler for it. */
  readonly implemented: boolean;
}

/** An operation's request body. */
export interface SpecBody {
  readonly required: boolean;
  readonly mediaTypes: readonly string[];
  /** The JSON body's schema, resolved (the first media type's when there is no JSON). */
  readonly schema: Schema;
  /** The spec's example (of the JSON media type when there is one). */
  readonly example: unknown;
}

/** Follows `$ref`s (one or more hops). */
export function deref(node: Schema): Schema {
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((acc: Schema, key: string) => acc?.[key], SPEC);
  }
  return current;
}

/** A schema with every `$ref` inlined (recursion is cut at a depth). */
export function resolve(node: Schema, depth = 0): Schema {
  if (depth > 25) return {};
  const current = deref(node);
  if (Array.isArray(current)) return current.map((n) => resolve(n, depth + 1));
  if (!current || typeof current !== "object") return current;
  return Object.fromEntries(Object.entries(current).map(([k, v]) => [k, k === "example" ? v : resolve(v, depth + 1)]));
}

const HANDLERS = { ...createHandlers(), ...createPublicHandlers() };

function toParam(raw: Schema): SpecParam {
  const p = deref(raw);
  return { name: p.name, in: p.in, required: Boolean(p.required), schema: resolve(p.schema), example: p.example };
}

function exampleOf(media: Schema): unknown {
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return first === undefined ? undefined : deref(first).value;
}

/** Every operation of the spec, in the spec's order. */
export const SPEC_OPERATIONS: readonly SpecOp[] = (() => {
  const out: SpecOp[] = [];
  for (const [path, item] of Object.entries(SPEC.paths as Record<string, Schema>)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(toParam);
      const requestBody = deref(op.requestBody);
      let body: SpecBody | null = null;
      if (requestBody?.content) {
        const mediaTypes = Object.keys(requestBody.content);
        const media = requestBody.content["application/json"] ?? requestBody.content[mediaTypes[0] as string];
        body = {
          required: Boolean(requestBody.required),
          mediaTypes,
          schema: resolve(media.schema),
          example: exampleOf(media),
        };
      }
      const scope = (op.security ?? []).find((s: Schema) => s.oauth2)?.oauth2?.[0] ?? null;
      const operationId = op.operationId as OperationId;
      out.push({
        operationId,
        method: method.toUpperCase() as Method,
        path,
        label: `${operationId} (${method.toUpperCase()} ${path})`,
        pathParams: params.filter((p) => p.in === "path"),
        queryParams: params.filter((p) => p.in === "query"),
        headerParams: params.filter((p) => p.in === "header" && p.name.toLowerCase() !== "idempotency-key"),
        body,
        roles: op["x-timecard-roles"] ?? [],
        scope,
        idempotencyKey: params.some((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key"),
        statuses: Object.keys(op.responses ?? {}),
        implemented: operationId in HANDLERS,
      });
    }
  }
  return out;
})();

/** The operation with this id. */
export function specOp(operationId: OperationId): SpecOp {
  const op = SPEC_OPERATIONS.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId} in the spec`);
  return op;
}

/** The id prefix a schema's pattern asks for (`^emp_[0-9A-Za-z]{16,32}$` → `emp`). */
export function idPrefixOf(schema: Schema): string | null {
  const pattern: unknown = schema?.pattern;
  if (typeof pattern !== "string") return null;
  return /^\^([a-z]+)_\[0-9A-Za-z\]\{16,32\}\$$/.exec(pattern)?.[1] ?? null;
}

/** A well-formed id that no one has: the prefix and 16 random base62 characters. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBase62(16)}`;
}

/**
 * Ids to put in requests, by prefix (`emp` → an employee id). A list gives distinct example ids
 * distinct real ones (an example's two assignees become two employees).
 */
export type IdsByPrefix = Readonly<Record<string, string | readonly string[] | undefined>>;

const ID = /^([a-z]+)_[0-9A-Za-z]{16,32}$/;

/** The (first) id of a prefix. */
export function idOf(ids: IdsByPrefix, prefix: string): string | undefined {
  const value = ids[prefix];
  return typeof value === "string" ? value : value?.[0];
}

/** Replaces every id in a value (an example body) by an id of its prefix in `ids`, where given. */
export function substituteIds<T>(value: T, ids: IdsByPrefix): T {
  const chosen = new Map<string, string>();
  const used: Record<string, number> = {};
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const prefix = ID.exec(v)?.[1];
      const options = prefix ? ids[prefix] : undefined;
      if (!prefix || options === undefined) return v;
      const list = typeof options === "string" ? [options] : options;
      if (list.length === 0) return v;
      let id = chosen.get(v);
      if (id === undefined) {
        const n = used[prefix] ?? 0;
        used[prefix] = n + 1;
        id = list[n % list.length] as string;
        chosen.set(v, id);
      }
      return id;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A value the schema accepts: its example, enum, default, or one made from its type. */
export function sampleValue(schema: Schema): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  if (s.allOf) return sampleValue(s.allOf[0]);
  if (s.oneOf) return sampleValue(s.oneOf[0]);
  if (s.anyOf) return sampleValue(s.anyOf[0]);
  const prefix = idPrefixOf(s);
  if (prefix) return randomId(prefix);
  switch (s.type) {
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return Object.fromEntries((s.required ?? []).map((k: string) => [k, sampleValue(s.properties?.[k] ?? {})]));
  }
  switch (s.format) {
    case "date-time":
      return "2026-10-05T07:00:00Z";
    case "date":
      return "2026-10-05";
    case "email":
      return "someone@example.com";
    case "uri":
      return "https://example.com/callback";
  }
  return "x".repeat(Math.max(1, s.minLength ?? 1));
}

/** A request to send: a path with its query, a body and headers. */
export interface SpecRequest {
  readonly method: Method;
  readonly url: string;
  readonly body: unknown;
  /** The body's media type (JSON unless the operation takes only forms). */
  readonly contentType: string | undefined;
  readonly headers: Record<string, string>;
}

/** Fills a path's `{param}`s (values are URL-encoded). */
export function fillPath(op: SpecOp, values: Readonly<Record<string, string>>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} of ${op.label}`);
    return encodeURIComponent(value);
  });
}

/** Path values for an operation: the id of each param's prefix from `ids`, else a random well-formed id. */
export function pathValues(op: SpecOp, ids: IdsByPrefix): Record<string, string> {
  return Object.fromEntries(
    op.pathParams.map((p) => {
      const prefix = idPrefixOf(p.schema);
      // A parameter that is not an id (an incoming webhook's `token`) is given by its name.
      const named = ids[p.name];
      const value = prefix ? idOf(ids, prefix) : typeof named === "string" ? named : undefined;
      return [p.name, value ?? String(p.example ?? sampleValue(p.schema))];
    }),
  );
}

/** The required query parameters of an operation, from their examples or schemas. */
export function requiredQuery(op: SpecOp, ids: IdsByPrefix = {}): Record<string, string> {
  return Object.fromEntries(
    op.queryParams
      .filter((p) => p.required)
      .map((p) => [p.name, String(substituteIds(p.example ?? sampleValue(p.schema), ids))]),
  );
}

/** Appends query parameters to a path (that may have a query already). */
export function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

/**
 * A valid request for the operation from the spec's examples: path ids, and ids inside the
 * body, are taken from `ids` by prefix (random well-formed ids where `ids` has none).
 */
export function validRequest(op: SpecOp, ids: IdsByPrefix = {}, pathIds: IdsByPrefix = ids): SpecRequest {
  const url = withQuery(fillPath(op, pathValues(op, pathIds)), requiredQuery(op, ids));
  const headers = Object.fromEntries(
    op.headerParams.filter((p) => p.required).map((p) => [p.name, String(p.example ?? sampleValue(p.schema))]),
  );
  if (!op.body) return { method: op.method, url, body: undefined, contentType: undefined, headers };
  const contentType = op.body.mediaTypes.includes("application/json") ? "application/json" : op.body.mediaTypes[0];
  const example = op.body.example ?? sampleValue(op.body.schema);
  return { method: op.method, url, body: substituteIds(example, ids), contentType, headers };
}

/** Sends a request through the app, in process. */
export async function send(
  server: TestServer,
  key: string | null,
  request: Partial<SpecRequest> & Pick<SpecRequest, "method" | "url">,
  options: { rawBody?: string | Buffer; headers?: Record<string, string>; remoteAddress?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = {
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...(request.headers ?? {}),
    ...(request.contentType && (request.body !== undefined || options.rawBody !== undefined)
      ? { "content-type": request.contentType }
      : {}),
    ...(options.headers ?? {}),
  };
  let payload: string | Buffer | undefined = options.rawBody;
  if (payload === undefined && request.body !== undefined) {
    payload =
      request.contentType === "application/x-www-form-urlencoded"
        ? new URLSearchParams(request.body as Record<string, string>).toString()
        : JSON.stringify(request.body);
  }
  const raw = await server.app.inject({
    method: request.method as InjectOptions["method"],
    url: request.url,
    headers,
    ...(payload === undefined ? {} : { payload }),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
  let body: unknown = raw.body;
  if ((raw.headers["content-type"] ?? "").toString().includes("json") && raw.body) {
    try {
      body = JSON.parse(raw.body);
    } catch {
      body = raw.body;
    }
  }
  return { status: raw.statusCode, headers: raw.headers, body, raw };
}

/** Asserts that a response is a problem+json of this status (and code), in the documented shape. */
export function expectProblem(res: Call, status: number | readonly number[], code?: string | readonly string[]): void {
  const statuses = typeof status === "number" ? [status] : status;
  const what = { status: res.status, body: res.body };
  expect(statuses, JSON.stringify(what)).toContain(res.status);
  expect(String(res.headers["content-type"]), JSON.stringify(what)).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.stringMatching(/^https:\/\//),
    title: expect.any(String),
    status: res.status,
    code: expect.any(String),
    request_id: res.headers["x-request-id"],
  });
  if (code !== undefined) {
    const codes = typeof code === "string" ? [code] : code;
    expect(codes, JSON.stringify(what)).toContain(res.body.code);
  }
}

/** Asserts a `422 validation_failed` whose `errors[]` names `field` (or a field inside it). */
export function expectFieldError(res: Call, field: string): void {
  expectProblem(res, 422, "validation_failed");
  const fields = ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);
  expect(
    fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`)),
    `errors[] ${JSON.stringify(fields)} should name ${field}`,
  ).toBe(true);
}

const bodyAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
const textAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: "array" }));

/** Whether a schema accepts a value (as the app validates bodies: strictly). */
export function accepts(schema: Schema, value: unknown, coerce = false): boolean {
  const validate = (coerce ? textAjv : bodyAjv).compile(schema);
  return validate(structuredClone(value)) as boolean;
}

const WRONG_TYPED: readonly unknown[] = [12345.5, "not-valid", true, ["x"], { unexpected: 1 }];
const WRONG_TEXT: readonly string[] = ["not-valid!", "-99999999", "99999999999", "2026-13-45", "x".repeat(600)];

/** A body that the schema refuses, with the field the error must name. */
export interface InvalidCase {
  readonly label: string;
  readonly body: unknown;
  readonly field: string;
}

/**
 * Invalid variants of an operation's example body: an unknown field, each required field
 * missing, each top-level field of a wrong type, and strings longer than their `maxLength`.
 */
export function invalidBodies(op: SpecOp, ids: IdsByPrefix = {}): InvalidCase[] {
  if (!op.body) return [];
  const schema = op.body.schema;
  const example = substituteIds(op.body.example ?? sampleValue(schema), ids) as Record<string, unknown>;
  const properties: Record<string, Schema> = schema.properties ?? {};
  if (schema.type !== "object" || typeof example !== "object" || example === null) return [];
  const cases: InvalidCase[] = [];
  if (schema.additionalProperties === false) {
    cases.push({ label: "an unknown field", body: { ...example, zz_unknown: 1 }, field: "body.zz_unknown" });
  }
  for (const name of schema.required ?? []) {
    const { [name]: _, ...rest } = example;
    cases.push({ label: `no ${name}`, body: rest, field: `body.${name}` });
  }
  for (const [name, prop] of Object.entries(properties)) {
    const wrong = WRONG_TYPED.find((v) => !accepts(prop, v));
    if (wrong !== undefined)
      cases.push({ label: `${name} of a wrong type`, body: { ...example, [name]: wrong }, field: `body.${name}` });
    const max = stringMaxLength(prop);
    if (max !== null && max < 10_000) {
      cases.push({
        label: `${name} of 10,000 characters`,
        body: { ...example, [name]: "x".repeat(10_000) },
        field: `body.${name}`,
      });
    }
  }
  if (schema.minProperties && schema.minProperties > 0)
    cases.push({ label: "an empty object", body: {}, field: "body" });
  return cases.filter((c) => !accepts(schema, c.body));
}

/** A query parameter value that its schema refuses, for each query parameter that has one. */
export function invalidQueries(op: SpecOp): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const p of op.queryParams) {
    const value = WRONG_TEXT.find((v) => !accepts(p.schema, v, true));
    if (value !== undefined) out.push({ name: p.name, value });
  }
  return out;
}

/** The `maxLength` of a plain string schema, else null. */
export function stringMaxLength(schema: Schema): number | null {
  const s = schema.allOf?.length === 1 ? schema.allOf[0] : schema;
  return s.type === "string" && typeof s.maxLength === "number" ? s.maxLength : null;
}

/** The top-level fields of a body that take free text (no format, pattern or enum). */
export function freeTextFields(op: SpecOp): { name: string; maxLength: number | null }[] {
  const properties: Record<string, Schema> = op.body?.schema?.properties ?? {};
  return Object.entries(properties)
    .filter(([, s]) => s.type === "string" && !s.format && !s.pattern && !s.enum)
    .map(([name, s]) => ({ name, maxLength: typeof s.maxLength === "number" ? s.maxLength : null }));
}

// --- the database, seen per organization -------------------------------------------------

let tablesCache: Promise<string[]> | undefined;

/** The tables with an `organization_id` column (read from the database, so new tables count too). */
export function organizationTables(db: Kysely<Database>): Promise<string[]> {
  tablesCache ??= sql<{ table_name: string }>`
      select distinct table_name from information_schema.columns
      where column_name = 'organization_id' and table_schema = current_schema()
      order by table_name`
    .execute(db)
    .then((r) => r.rows.map((row) => row.table_name));
  return tablesCache;
}

/**
 * Every row of an organization, as text, table by table: to prove a refused request wrote
 * nothing (no row added, removed or changed). Leaves out what every request writes on its own:
 * the audit log's `api_request` entries and the keys' `last_used_*`.
 */
export async function snapshotOrganization(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Record<string, string[]>> {
  const tables = await organizationTables(db);
  const parts = [
    sql`select 'organizations' as t, to_jsonb(x)::text as r from organizations x where id = ${organizationId}`,
    ...tables.map(
      (t) =>
        sql`select ${t} as t, (to_jsonb(x) - 'last_used_at' - 'last_used_ip')::text as r from ${sql.table(t)} x
            where organization_id = ${organizationId}${t === "audit_log" ? sql` and action <> 'api_request'` : sql``}`,
    ),
  ];
  const { rows } = await sql<{ t: string; r: string }>`${sql.join(parts, sql` union all `)} order by 1, 2`.execute(db);
  const out: Record<string, string[]> = Object.fromEntries(["organizations", ...tables].map((t) => [t, []]));
  for (const row of rows) out[row.t]?.push(row.r);
  return out;
}

/** The number of rows of each table of an organization (from a snapshot). */
export function rowCounts(snapshot: Record<string, string[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(snapshot).map(([t, rows]) => [t, rows.length]));
}

/** Every id in the organization's rows, by prefix (`prj` → ids of projects, oldest first). */
export async function idsOfOrganization(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Record<string, string[]>> {
  const snapshot = await snapshotOrganization(db, organizationId);
  const out: Record<string, string[]> = {};
  for (const rows of Object.values(snapshot)) {
    for (const row of rows) {
      const id = (JSON.parse(row) as { id?: unknown }).id;
      const prefix = typeof id === "string" ? ID.exec(id)?.[1] : undefined;
      if (!prefix || typeof id !== "string") continue;
      out[prefix] = [...(out[prefix] ?? []), id];
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

// --- real resources ----------------------------------------------------------------------

/**
 * What `createResources` made: ids by prefix (the newest of each kind; employees: the employee,
 * then the colleague), and `token`, the incoming webhook's secret URL token.
 */
export type Resources = Record<string, string | string[]>;

/**
 * Creates one resource of each kind whose handler exists, through the API, in a world: a
 * project, a task, completed sessions with a compliance alert and a running session with
 * activity, a leave request, a finished payroll export, an API key, an OAuth app (and with them
 * events and audit entries). Answers the ids by prefix, from the database.
 * Times follow the server's clock (sessions end before it, leave starts after it).
 */
export async function createResources(server: TestServer, world: World): Promise<Resources> {
  const has = (id: OperationId) => id in HANDLERS;
  const post = async (key: string, operationId: OperationId, url: string, body: unknown) => {
    const res = await send(server, key, { method: "POST", url, body, contentType: "application/json" });
    expect(res.status, `${operationId}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as { id: string };
  };
  const now = server.clock.now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const day = 24 * 3600 * 1000;
  let projectId: string | undefined;
  let taskId: string | undefined;
  // Made first, so that the changes below queue deliveries to it. A documentation address
  // (TEST-NET-3) needs no DNS, and the tests' dispatcher is off: nothing is sent.
  if (has("createWebhookEndpoint")) {
    await post(world.admin.key, "createWebhookEndpoint", "/v1/webhook-endpoints", {
      url: "https://203.0.113.10/timecard",
      description: "Payroll sync",
    });
  }
  let hookToken: string | undefined;
  if (has("createIncomingWebhook")) {
    const hook = await post(world.admin.key, "createIncomingWebhook", "/v1/incoming-webhooks", {
      name: "Slack /track command",
    });
    hookToken = new URL((hook as unknown as { url: string }).url).pathname.split("/").pop();
  }
  if (has("createProject")) {
    projectId = (
      await post(world.manager.key, "createProject", "/v1/projects", { name: "Website relaunch", code: "WEB" })
    ).id;
  }
  if (projectId && has("createTask")) {
    taskId = (
      await post(world.manager.key, "createTask", "/v1/tasks", {
        project_id: projectId,
        name: "Design",
        assignee_ids: [world.employee.id],
      })
    ).id;
  }
  if (has("createSession")) {
    const start = Math.floor((now - 3 * day) / day) * day + 7 * 3600 * 1000;
    await post(world.employee.key, "createSession", "/v1/sessions", {
      started_at: iso(start),
      ended_at: iso(start + 8 * 3600 * 1000),
      ...(taskId ? { task_id: taskId } : {}),
      note: "Workshop",
    });
  }
  if (has("createSession") && has("listComplianceAlerts")) {
    // The next day's work starts 10 hours after that session ended: a daily rest alert
    // (PL Kodeks pracy art. 132 § 1, 11 hours), raised by the check that creating it runs.
    const start = Math.floor((now - 3 * day) / day) * day + 25 * 3600 * 1000;
    await post(world.employee.key, "createSession", "/v1/sessions", {
      started_at: iso(start),
      ended_at: iso(start + 4 * 3600 * 1000),
      note: "Early start",
    });
  }
  if (has("startSession")) {
    const running = await post(world.colleague.key, "startSession", "/v1/sessions/start", {
      started_at: iso(now - 9 * 60 * 1000),
      note: "Standup",
    });
    if (has("submitSessionActivities")) {
      await post(world.colleague.key, "submitSessionActivities", `/v1/sessions/${running.id}/activities`, {
        intervals: [
          {
            period_start: iso(now - 8 * 60 * 1000),
            period_end: iso(now - 3 * 60 * 1000),
            keyboard_percent: 50,
            mouse_percent: 60,
            overall_percent: 70,
          },
        ],
      });
    }
  }
  if (has("createLeaveRequest")) {
    // The Monday to Wednesday of the week after next: always working days, always ahead.
    const monday = new Date(now + 14 * day);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    const date = (d: Date, plus: number) => new Date(d.getTime() + plus * day).toISOString().slice(0, 10);
    await post(world.employee.key, "createLeaveRequest", "/v1/leave-requests", {
      type: "vacation",
      start_date: date(monday, 0),
      end_date: date(monday, 2),
    });
  }
  if (has("createExport")) {
    // A format that needs no identifiers, so that the export completes and has a file.
    const created = await post(world.admin.key, "createExport", "/v1/exports", {
      format: "custom-csv",
      month: iso(now - 3 * day).slice(0, 7),
    });
    await finishExport(server, created.id);
  }
  if (has("createApiKey"))
    await post(world.employee.key, "createApiKey", "/v1/api-keys", { name: "CI", scope: "read" });
  if (has("createOAuthApp")) {
    // The spec example's redirect URI, so that the examples of /oauth/authorize name a registered one.
    await post(world.admin.key, "createOAuthApp", "/v1/oauth-apps", {
      name: "Walk app",
      redirect_uris: ["https://bridge.kowalski-software.pl/oauth/callback"],
      allowed_scopes: ["read", "write"],
      grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      client_credentials_employee_id: world.admin.id,
    });
  }
  await server.app.audit.flush();
  const all = await idsOfOrganization(server.storage.db, world.organizationId);
  // The newest of each kind (the key made above, not the admin's own), and the world's employee.
  const out: Resources = Object.fromEntries(Object.entries(all).map(([prefix, ids]) => [prefix, ids.at(-1) as string]));
  out.emp = [world.employee.id, world.colleague.id];
  if (hookToken) out.token = hookToken;
  // The batteries reach the alert and export routes with real ids only if these exist.
  if (has("listComplianceAlerts") && has("createSession")) expect(out.alr, "a compliance alert").toBeDefined();
  if (has("createExport")) expect(out.exp, "an export").toBeDefined();
  return out;
}

/**
 * Generates this export (only this one: test files share a PostgreSQL database, and another
 * file's queued exports are not this file's to run) and waits until it is completed or failed.
 */
export async function finishExport(server: TestServer, exportId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await server.app.exports.runExport(exportId);
    const row = await server.storage.db
      .selectFrom("exports")
      .select("status")
      .where("id", "=", exportId)
      .executeTakeFirstOrThrow();
    if (row.status === "completed" || row.status === "failed") return;
    if (Date.now() > deadline) throw new Error(`export ${exportId} is still ${row.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Raises a world's keys' limits to the maximum, for batteries that send many requests. */
export async function liftRateLimits(server: TestServer, world: World): Promise<void> {
  await server.storage.db
    .updateTable("api_keys")
    .set({ rate_limit_per_hour: 10_000 })
    .where("organization_id", "=", world.organizationId)
    .execute();
}
