import { describe, expect, expectTypeOf, it } from "vitest";
import { deref, loadSpec, operations } from "../../../scripts/spec-check.mjs";
import {
  METHOD_ROUTES,
  type OperationBody,
  type OperationItem,
  type OperationQuery,
  type OperationResult,
} from "../src/generated/methods.js";
import { type ApiSchema, createTimecard } from "../src/index.js";

// Operations with no method, and why: they stay on `timecard.raw` (see scripts/generate.mjs).
const SKIPPED = ["authorizeOAuth", "createOAuthToken", "downloadExportFile", "revokeOAuthToken"];

const spec = loadSpec();
const routes = Object.entries(METHOD_ROUTES).flatMap(([group, methods]) =>
  Object.entries(methods).map(([name, [method, path, input, paginated]]) => ({
    name: `${group}.${name}`,
    method,
    path,
    input,
    paginated,
  })),
);

describe("generated method names", () => {
  it("names every method of the client", () => {
    expect(routes.map((r) => r.name)).toEqual([
      "activities.list",
      "activities.listForSession",
      "activities.submit",
      "apiKeys.create",
      "apiKeys.get",
      "apiKeys.list",
      "apiKeys.listAuditEntries",
      "apiKeys.revoke",
      "apiKeys.rotate",
      "apiKeys.update",
      "auditLog.get",
      "auditLog.list",
      "compliance.acknowledge",
      "compliance.get",
      "compliance.list",
      "employees.create",
      "employees.deactivate",
      "employees.get",
      "employees.list",
      "employees.update",
      "events.get",
      "events.list",
      "exports.create",
      "exports.get",
      "exports.list",
      "exports.listFormats",
      "incomingWebhooks.create",
      "incomingWebhooks.delete",
      "incomingWebhooks.list",
      "incomingWebhooks.receive",
      "leave.approve",
      "leave.cancel",
      "leave.create",
      "leave.get",
      "leave.list",
      "leave.listBalances",
      "leave.listEmployeeBalances",
      "leave.listTypes",
      "leave.reject",
      "me.get",
      "oauth.getServerMetadata",
      "oauthApps.create",
      "oauthApps.delete",
      "oauthApps.get",
      "oauthApps.list",
      "organization.get",
      "organization.update",
      "projects.close",
      "projects.create",
      "projects.get",
      "projects.list",
      "projects.reopen",
      "projects.update",
      "reports.getHours",
      "reports.getOvertime",
      "sandbox.reset",
      "sandbox.triggerEvent",
      "sessions.approve",
      "sessions.create",
      "sessions.delete",
      "sessions.get",
      "sessions.list",
      "sessions.reject",
      "sessions.start",
      "sessions.stop",
      "sessions.stopRunning",
      "sessions.update",
      "tasks.close",
      "tasks.create",
      "tasks.get",
      "tasks.list",
      "tasks.stop",
      "tasks.track",
      "tasks.update",
      "webhooks.createEndpoint",
      "webhooks.deleteEndpoint",
      "webhooks.getDelivery",
      "webhooks.getEndpoint",
      "webhooks.listDeliveries",
      "webhooks.listEndpointDeliveries",
      "webhooks.listEndpoints",
      "webhooks.retryDelivery",
      "webhooks.revealEndpointSecret",
      "webhooks.rotateEndpointSecret",
      "webhooks.testEndpoint",
      "webhooks.updateEndpoint",
    ]);
  });

  it("gives every operation but the skipped ones exactly one method, under its tag", () => {
    const ops = operations(spec);
    const byRoute = new Map(ops.map(({ path, method, op }) => [`${method.toUpperCase()} ${path}`, op]));
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
    for (const route of routes) {
      const op = byRoute.get(`${route.method} ${route.path}`);
      expect(op, route.name).toBeDefined();
      const group = route.name.split(".")[0];
      expect(group, route.name).toBe(
        (op.tags[0] as string)
          .split(" ")
          .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase()))
          .join(""),
      );
    }
    expect(ops.length - routes.length).toBe(SKIPPED.length);
    for (const id of SKIPPED) expect(ops.some(({ op }) => op.operationId === id)).toBe(true);
  });

  it("paginates exactly the operations that answer a page", () => {
    for (const route of routes) {
      const op = spec.paths[route.path][route.method.toLowerCase()];
      const ok = Object.keys(op.responses).find((s) => s.startsWith("2")) as string;
      const schema = deref(spec, deref(spec, op.responses[ok]).content?.["application/json"]?.schema);
      const isPage = Boolean(schema?.properties?.has_more && schema?.properties?.next_cursor);
      expect(route.paginated === 1, route.name).toBe(isPage);
      if (isPage) expect(route.method, route.name).toBe("GET");
    }
  });

  it("passes a JSON body to operations with one and the query to the others", () => {
    for (const route of routes) {
      const op = spec.paths[route.path][route.method.toLowerCase()];
      const params = [...(spec.paths[route.path].parameters ?? []), ...(op.parameters ?? [])].map((p) =>
        deref(spec, p),
      );
      const expected = op.requestBody ? "body" : params.some((p) => p.in === "query") ? "query" : null;
      expect(route.input, route.name).toBe(expected);
    }
  });
});

describe("operation helper types", () => {
  it("resolve bodies, queries, results and page items from the spec", () => {
    expectTypeOf<OperationBody<"createEmployee">["email"]>().toEqualTypeOf<string>();
    expectTypeOf<OperationQuery<"listSessions">["cursor"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OperationResult<"getSession">>().toEqualTypeOf<ApiSchema<"Session">>();
    expectTypeOf<OperationResult<"createEmployee">>().toEqualTypeOf<ApiSchema<"Employee">>();
    expectTypeOf<OperationResult<"deleteSession">>().toEqualTypeOf<void>();
    expectTypeOf<OperationItem<"listSessions">>().toEqualTypeOf<ApiSchema<"Session">>();
    expectTypeOf<OperationItem<"getSession">>().toBeNever();
  });

  it("make body properties with a server default optional", () => {
    // openapi-typescript types `source` (default "api") as required.
    expectTypeOf<{ note: string }>().toExtend<OperationBody<"startSession">>();
    expectTypeOf<OperationBody<"startSession">["source"]>().toEqualTypeOf<
      "web" | "mobile" | "desktop" | "api" | "cli" | "clock_terminal" | undefined
    >();
    expectTypeOf<{ name: string; email: string }>().toExtend<OperationBody<"createEmployee">>();
    expectTypeOf<{ name: string }>().not.toExtend<OperationBody<"createEmployee">>();
  });

  it("make nested defaults optional too, keeping optional objects optional", () => {
    // ExportOptions' rows, delimiter, decimal_separator and bom have defaults; options itself is optional.
    expectTypeOf<{ format: "custom-csv"; month: string }>().toExtend<OperationBody<"createExport">>();
    expectTypeOf<{
      format: "custom-csv";
      month: string;
      options: { columns: ["payroll_number", "worked_hours"] };
    }>().toExtend<OperationBody<"createExport">>();
    expectTypeOf<NonNullable<OperationBody<"createExport">["options"]>["bom"]>().toEqualTypeOf<boolean | undefined>();
    // What has no default stays required, at every depth.
    expectTypeOf<{ month: string }>().not.toExtend<OperationBody<"createExport">>();
    expectTypeOf<{ format: "custom-csv"; month: string; options: { bom: "yes" } }>().not.toExtend<
      OperationBody<"createExport">
    >();
  });
});

describe("createTimecard's methods", () => {
  /** A client whose fetch records each request and answers `answers` in turn (then `{}`). */
  function recording(...answers: [number, unknown][]) {
    const requests: { method: string; url: URL; body: unknown; headers: Headers }[] = [];
    const timecard = createTimecard({
      apiKey: "tc_test_recording",
      baseUrl: "https://api.test",
      maxRetries: 0,
      fetch: async (request) => {
        const text = await request.text();
        requests.push({
          method: request.method,
          url: new URL(request.url),
          body: text ? JSON.parse(text) : undefined,
          headers: request.headers,
        });
        const [status, body] = answers.shift() ?? [200, {}];
        return status === 204
          ? new Response(null, { status })
          : new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
      },
    });
    return { timecard, requests };
  }

  it("takes path parameters in order, then the body, then the request options", async () => {
    const { timecard, requests } = recording([200, { id: "lv_1", status: "approved" }]);
    const approved = await timecard.leave.approve(
      "lv_1",
      { note: "Enjoy" },
      { idempotencyKey: "key-1", headers: { "x-trace": "t" } },
    );
    expect(approved).toEqual({ id: "lv_1", status: "approved" });
    expect(requests[0]).toMatchObject({ method: "POST", body: { note: "Enjoy" } });
    expect(requests[0]?.url.pathname).toBe("/v1/leave-requests/lv_1/approve");
    expect(requests[0]?.headers.get("idempotency-key")).toBe("key-1");
    expect(requests[0]?.headers.get("x-trace")).toBe("t");
  });

  it("sends the query of operations without a body, and takes the options after it", async () => {
    const { timecard, requests } = recording([200, { year: 2026 }]);
    await timecard.reports.getOvertime({ year: 2026, employee_id: "emp_1" }, { headers: { "x-trace": "q" } });
    expect(requests[0]?.url.pathname).toBe("/v1/reports/overtime");
    expect(Object.fromEntries(requests[0]?.url.searchParams ?? [])).toEqual({ year: "2026", employee_id: "emp_1" });
    expect(requests[0]?.headers.get("x-trace")).toBe("q");
  });

  it("takes the options right after the path parameters when there is no input", async () => {
    const { timecard, requests } = recording([204, null]);
    expect(await timecard.sessions.delete("ses_1", { headers: { "x-trace": "d" } })).toBeUndefined();
    expect(requests[0]).toMatchObject({ method: "DELETE", body: undefined });
    expect(requests[0]?.url.pathname).toBe("/v1/sessions/ses_1");
    expect(requests[0]?.headers.get("x-trace")).toBe("d");
  });

  it("encodes path parameters", async () => {
    const { timecard, requests } = recording([200, {}]);
    await timecard.sessions.get("ses_1/../../v1/employees");
    expect(requests[0]?.url.pathname).toBe("/v1/sessions/ses_1%2F..%2F..%2Fv1%2Femployees");
  });

  it("follows next_cursor across pages, keeping the query", async () => {
    const { timecard, requests } = recording(
      [200, { data: [{ id: "a" }, { id: "b" }], has_more: true, next_cursor: "c1" }],
      [200, { data: [{ id: "c" }], has_more: false, next_cursor: null }],
    );
    const ids = [];
    for await (const project of timecard.projects.list({ status: "open", limit: 2 })) ids.push(project.id);
    expect(ids).toEqual(["a", "b", "c"]);
    expect(requests.map((r) => Object.fromEntries(r.url.searchParams))).toEqual([
      { status: "open", limit: "2" },
      { status: "open", limit: "2", cursor: "c1" },
    ]);
  });

  it("exposes the webhook verifier beside the webhook methods", async () => {
    const { timecard } = recording();
    const { verifyWebhookAsync } = await import("@timecard/webhooks/web");
    expect(timecard.webhooks.verify).toBe(verifyWebhookAsync);
    expect(typeof timecard.webhooks.createEndpoint).toBe("function");
  });
});
