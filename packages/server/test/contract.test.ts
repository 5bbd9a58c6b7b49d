import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, useTestServer, type World } from "./support/harness.js";
import { type PrismProxy, startPrismProxy } from "./support/prism.js";

// Realistic traffic through Prism's validating proxy in front of the real server: every
// request and every response is checked against the spec. Prism marks a response that breaks
// the contract with an `sl-violations` header (and, with --errors, answers 500 instead).
const server = useTestServer();
let prism: PrismProxy;
let world: World;

beforeAll(async () => {
  const address = await server.app.listen({ port: 0, host: "127.0.0.1" });
  prism = await startPrismProxy(address);
  world = await createWorld(server);
}, 90_000);

afterAll(async () => {
  await prism?.stop();
});

interface Sent {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: responses are read like JSON
  body: any;
  violations: string | null;
}

async function send(key: string, method: string, path: string, body?: unknown): Promise<Sent> {
  const res = await fetch(`${prism.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(method === "POST" ? { "idempotency-key": crypto.randomUUID() } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, violations: res.headers.get("sl-violations") };
}

/** Sends and asserts the expected status with no contract violation either way. */
async function expectValid(key: string, method: string, path: string, status: number, body?: unknown) {
  const res = await send(key, method, path, body);
  expect({ call: `${method} ${path}`, status: res.status, violations: res.violations }).toEqual({
    call: `${method} ${path}`,
    status,
    violations: null,
  });
  return res.body;
}

describe("realistic traffic through the validating proxy", () => {
  it("identity and organization settings", async () => {
    const me = await expectValid(world.admin.key, "GET", "/v1/me", 200);
    expect(me.user.role).toBe("admin");
    await expectValid(world.admin.key, "GET", "/v1/organization", 200);
    await expectValid(world.admin.key, "PATCH", "/v1/organization", 200, { overtime: { weekly_threshold_hours: 42 } });
  });

  it("an admin hires an employee and edits them", async () => {
    const created = await expectValid(world.admin.key, "POST", "/v1/employees", 201, {
      name: "Eva Svobodová",
      email: `eva.${Date.now()}@example.cz`,
      manager_id: world.manager.id,
      hourly_rate: { amount_minor: 35000, currency: "CZK" },
    });
    await expectValid(world.manager.key, "GET", "/v1/employees?limit=2", 200);
    await expectValid(world.admin.key, "GET", `/v1/employees/${created.id}`, 200);
    await expectValid(world.employee.key, "GET", `/v1/employees/${created.id}`, 200);
    await expectValid(world.admin.key, "PATCH", `/v1/employees/${created.id}`, 200, { weekly_hours_norm: 32 });
    await expectValid(world.admin.key, "POST", `/v1/employees/${created.id}/deactivate`, 200);
  });

  it("errors are problems in the documented shape", async () => {
    await expectValid(world.admin.key, "GET", "/v1/employees/emp_0000000000000000", 404);
    await expectValid(world.employee.key, "POST", "/v1/employees", 403, { name: "X", email: "x@example.com" });
    await expectValid(world.admin.readKey, "PATCH", "/v1/organization", 403, { name: "X" });
    await expectValid("tc_test_nope", "GET", "/v1/me", 401);
  });

  it("an employee clocks in and out, and their manager approves the session", async () => {
    const started = await expectValid(world.employee.key, "POST", "/v1/sessions/start", 201, { note: "Standup" });
    await expectValid(world.employee.key, "POST", "/v1/sessions/start", 409, {});
    await expectValid(world.employee.key, "GET", `/v1/sessions/${started.id}`, 200);
    const stopped = await expectValid(world.employee.key, "POST", "/v1/sessions/stop", 200, {});
    expect(stopped.duration_seconds).toBeGreaterThanOrEqual(0);
    const manual = await expectValid(world.employee.key, "POST", "/v1/sessions", 201, {
      started_at: "2026-10-05T07:00:00Z",
      ended_at: "2026-10-05T15:00:00Z",
      note: "Forgot to clock in",
    });
    await expectValid(world.employee.key, "GET", "/v1/sessions?limit=5", 200);
    await expectValid(world.manager.key, "POST", `/v1/sessions/${manual.id}/approve`, 200);
    await expectValid(world.employee.key, "PATCH", `/v1/sessions/${manual.id}`, 409, { note: "edit" });
  });

  it("projects, tasks, and tracking time on a task", async () => {
    const project = await expectValid(world.manager.key, "POST", "/v1/projects", 201, {
      name: `Website ${Date.now()}`,
    });
    const task = await expectValid(world.manager.key, "POST", "/v1/tasks", 201, {
      project_id: project.id,
      name: "Design",
    });
    await expectValid(world.employee.key, "GET", "/v1/projects", 200);
    await expectValid(world.employee.key, "GET", `/v1/tasks?project_id=${project.id}`, 200);
    await expectValid(world.colleague.key, "POST", `/v1/tasks/${task.id}/track`, 201, {});
    await expectValid(world.colleague.key, "POST", `/v1/tasks/${task.id}/stop`, 200, {});
    await expectValid(world.manager.key, "POST", `/v1/tasks/${task.id}/close`, 200, {});
    await expectValid(world.manager.key, "POST", `/v1/projects/${project.id}/close`, 200, {});
  });

  it("a leave request is requested and approved, and balances follow", async () => {
    const request = await expectValid(world.employee.key, "POST", "/v1/leave-requests", 201, {
      type: "vacation",
      start_date: "2026-12-14",
      end_date: "2026-12-16",
    });
    await expectValid(world.manager.key, "POST", `/v1/leave-requests/${request.id}/approve`, 200, {});
    await expectValid(world.employee.key, "GET", "/v1/leave-requests", 200);
    await expectValid(world.employee.key, "GET", `/v1/employees/${world.employee.id}/leave-balances?year=2026`, 200);
    await expectValid(world.employee.key, "GET", "/v1/leave-types", 200);
  });

  it("an admin creates, rotates and revokes API keys, and reads the audit log and events", async () => {
    const key = await expectValid(world.admin.key, "POST", "/v1/api-keys", 201, { name: "CI", scope: "read" });
    const rotated = await expectValid(world.admin.key, "POST", `/v1/api-keys/${key.id}/rotate`, 201, {});
    await expectValid(key.secret, "GET", "/v1/me", 401);
    await expectValid(rotated.secret, "GET", "/v1/me", 200);
    await expectValid(world.admin.key, "POST", `/v1/api-keys/${rotated.id}/revoke`, 200);
    await expectValid(world.admin.key, "GET", "/v1/api-keys", 200);
    await server.app.audit.flush();
    await expectValid(world.admin.key, "GET", "/v1/audit-log?limit=10", 200);
    await expectValid(world.admin.key, "GET", `/v1/api-keys/${key.id}/audit-log`, 200);
    const events = await expectValid(world.admin.key, "GET", "/v1/events?limit=50", 200);
    expect(events.data.length).toBeGreaterThan(0);
    await expectValid(world.admin.key, "GET", `/v1/events/${events.data[0].id}`, 200);
  });

  it("Prism reported no violation at all", () => {
    const violations = prism
      .output()
      .split("\n")
      .filter((line) => /Violation|✖/.test(line));
    expect(violations).toEqual([]);
  });
});
