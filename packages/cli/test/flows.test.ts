import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, T0, useSdkTestServer } from "../../sdk/test/server-support.js";
import { freePort } from "../../server/test/support/ports.js";
import { type Receiver, startReceiver } from "../../server/test/support/webhook-receiver.js";
import { settlePendingDeliveries } from "../../server/test/support/webhook-server.js";
import { runCli } from "./support/cli.js";

// A realistic flow per resource through the built CLI, against the real reference server: each
// in table mode and with --json, using the hand-shaped names (--employee, --manager, --project,
// --assignee, --rate-limit, `timecard audit`, `timecard webhooks deliveries whe_…`).

const sdk = useSdkTestServer({ TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8" }, { ownDatabase: true });
const { server } = sdk;

/** The CLI with `key` from the environment, against the test server. */
const timecard = (key: string, args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env: { TIMECARD_API_KEY: key, TIMECARD_BASE_URL: sdk.baseUrl, ...env } });

/** Runs the CLI with --json, expects exit 0 and answers the parsed stdout. */
async function json<T = Record<string, unknown>>(key: string, args: string[]): Promise<T> {
  const run = await timecard(key, [...args, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** Runs the CLI, expects exit 0 and answers stdout. */
async function table(key: string, args: string[]): Promise<string> {
  const run = await timecard(key, args);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

const field = (name: string, value: string) =>
  new RegExp(`^${name}\\s+${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m");

describe("employees", () => {
  it("creates one with a manager, a rate and metadata, lists the manager's reports and deactivates", async () => {
    const { world } = await sdk.setUp();
    const key = world.admin.key;
    const created = await table(key, [
      "employees",
      "create",
      "--name",
      "Jana Nová",
      "--email",
      `jana.${Date.now()}@example.com`,
      "--manager",
      world.manager.id,
      "--hourly-rate",
      '{"amount_minor":4500,"currency":"PLN"}',
      "--metadata",
      '{"team":"design"}',
    ]);
    expect(created).toMatch(field("name", "Jana Nová"));
    expect(created).toMatch(field("manager_id", world.manager.id));
    expect(created).toMatch(field("hourly_rate", '{"amount_minor":4500,"currency":"PLN"}'));
    expect(created).toMatch(field("metadata", '{"team":"design"}'));
    const id = created.match(/^id\s+(emp_\S+)$/m)?.[1] ?? "";

    const reports = await json<{ data: { id: string }[] }>(key, ["employees", "list", "--manager", world.manager.id]);
    expect(reports.data.map((e) => e.id).sort()).toEqual([world.employee.id, world.colleague.id, id].sort());
    // The property's own name stays a (hidden) alias.
    const same = await json<{ data: { id: string }[] }>(key, ["employees", "list", "--manager-id", world.manager.id]);
    expect(same.data.map((e) => e.id).sort()).toEqual(reports.data.map((e) => e.id).sort());

    const listed = await table(key, ["employees", "list", "--manager", world.manager.id]);
    expect(listed.split("\n")[0]).toMatch(/^ID\s+/);
    expect(listed).toMatch(new RegExp(`^${id}\\s+.*Jana Nová`, "m"));

    expect(await json(key, ["employees", "deactivate", id])).toMatchObject({ id, status: "deactivated" });
    const active = await json<{ data: { id: string }[] }>(key, ["employees", "list", "--status", "active"]);
    expect(active.data.map((e) => e.id)).not.toContain(id);
  });
});

describe("projects and tasks", () => {
  it("creates a task with assignees (repeated and comma-separated), tracks time on it and closes the project", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const project = await json<{ id: string }>(world.manager.key, ["projects", "create", "--name", "Mobile app"]);
    const task = await json<{ id: string; assignee_ids: string[] }>(world.manager.key, [
      "tasks",
      "create",
      "--project",
      project.id,
      "--name",
      "API",
      "--assignee",
      `${world.employee.id},${world.colleague.id}`,
      "--assignee",
      world.manager.id,
      "--estimate-seconds",
      "7200",
    ]);
    expect(task.assignee_ids.sort()).toEqual([world.employee.id, world.colleague.id, world.manager.id].sort());

    const listed = await table(world.employee.key, ["tasks", "list", "--project", project.id]);
    expect(listed).toMatch(new RegExp(`^${task.id}\\s+.*API`, "m"));
    const mine = await json<{ data: { id: string }[] }>(world.employee.key, [
      "tasks",
      "list",
      "--assignee",
      world.employee.id,
    ]);
    expect(mine.data.map((t) => t.id)).toEqual([task.id]);

    const tracked = await table(world.employee.key, ["tasks", "track", task.id, "--note", "Endpoints"]);
    expect(tracked).toMatch(field("task_id", task.id));
    expect(tracked).toMatch(field("status", "running"));
    server.clock.set(at(40));
    expect(await json(world.employee.key, ["tasks", "stop", task.id])).toMatchObject({
      task_id: task.id,
      status: "completed",
      duration_seconds: 2400,
    });

    const closed = await table(world.manager.key, ["projects", "close", project.id]);
    expect(closed).toMatch(field("status", "closed"));
    const open = await json<{ data: { id: string }[] }>(world.manager.key, ["projects", "list", "--status", "open"]);
    expect(open.data.map((p) => p.id)).not.toContain(project.id);
  });

  it("takes a whole body from --data @file, flags overriding it, and refuses an unreadable or non-object one", async () => {
    const { world } = await sdk.setUp();
    const dir = await mkdtemp(join(tmpdir(), "timecard-data-"));
    try {
      const file = join(dir, "project.json");
      await writeFile(file, JSON.stringify({ name: "From a file", budget_hours: 40, metadata: { source: "file" } }));
      const created = await json(world.admin.key, ["projects", "create", "--data", `@${file}`, "--budget-hours", "12"]);
      expect(created).toMatchObject({ name: "From a file", budget_hours: 12, metadata: { source: "file" } });

      const missing = await timecard(world.admin.key, ["projects", "create", "--data", `@${join(dir, "none.json")}`]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^error: --data: cannot read .*none\.json/);
      await writeFile(join(dir, "list.json"), "[1, 2]");
      const array = await timecard(world.admin.key, ["projects", "create", "--data", `@${join(dir, "list.json")}`]);
      expect(array.code).toBe(2);
      expect(array.stderr).toContain("--data takes a JSON object");
      const bad = await timecard(world.admin.key, ["projects", "create", "--name", "X", "--metadata", "{nope"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--metadata takes JSON");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("sessions", () => {
  it("starts a session for a report as their manager (--employee), lists it, stops and approves it", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const started = await table(world.manager.key, ["sessions", "start", "--employee", world.employee.id]);
    expect(started).toMatch(field("employee_id", world.employee.id));
    const id = started.match(/^id\s+(ses_\S+)$/m)?.[1] ?? "";

    const running = await json<{ data: { id: string }[] }>(world.manager.key, [
      "sessions",
      "list",
      "--employee",
      world.employee.id,
      "--status",
      "running",
    ]);
    expect(running.data.map((s) => s.id)).toEqual([id]);

    server.clock.set(at(90));
    const stopped = await json<{ id: string; status: string; duration_seconds: number }>(world.employee.key, [
      "sessions",
      "stop-running",
    ]);
    expect(stopped).toMatchObject({ id, status: "completed", duration_seconds: 5400 });

    const pending = await table(world.manager.key, ["sessions", "list", "--approval-status", "pending"]);
    expect(pending).toMatch(new RegExp(`^${id}\\s`, "m"));
    expect(await json(world.manager.key, ["sessions", "approve", id])).toMatchObject({ approval_status: "approved" });
  });
});

describe("leave", () => {
  it("lists an employee's requests, rejects one with a reason and lets another be cancelled", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const request = (start: string, end: string) =>
      json<{ id: string }>(world.employee.key, [
        "leave",
        "create",
        "--type",
        "vacation",
        "--start-date",
        start,
        "--end-date",
        end,
      ]);
    const first = await request("2026-12-21", "2026-12-23");
    const second = await request("2027-01-04", "2027-01-05");

    const listed = await table(world.manager.key, ["leave", "list", "--employee", world.employee.id]);
    expect(listed).toMatch(new RegExp(`^${first.id}\\s`, "m"));
    expect(listed).toMatch(new RegExp(`^${second.id}\\s`, "m"));

    const rejected = await table(world.manager.key, ["leave", "reject", first.id, "--reason", "Release week"]);
    expect(rejected).toMatch(field("status", "rejected"));
    expect(rejected).toMatch(field("decision_note", "Release week"));
    expect(await json(world.employee.key, ["leave", "cancel", second.id])).toMatchObject({ status: "cancelled" });

    const noReason = await timecard(world.manager.key, ["leave", "reject", second.id]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("missing required option '--reason'");
  });
});

describe("api-keys", () => {
  it("creates a read key with --rate-limit, updates it with the property's own flag and revokes it", async () => {
    const { world } = await sdk.setUp();
    const created = await table(world.admin.key, [
      "api-keys",
      "create",
      "--name",
      "Reporting",
      "--scope",
      "read",
      "--rate-limit",
      "500",
    ]);
    expect(created).toMatch(field("rate_limit_per_hour", "500"));
    expect(created).toMatch(field("scope", "read"));
    const id = created.match(/^id\s+(key_\S+)$/m)?.[1] ?? "";

    const updated = await json(world.admin.key, ["api-keys", "update", id, "--rate-limit-per-hour", "800"]);
    expect(updated).toMatchObject({ id, rate_limit_per_hour: 800 });
    const listed = await json<{ data: { id: string; status: string }[] }>(world.admin.key, ["api-keys", "list"]);
    expect(listed.data.find((k) => k.id === id)).toMatchObject({ status: "active" });

    expect(await json(world.admin.key, ["api-keys", "revoke", id])).toMatchObject({ id, status: "revoked" });
    const trail = await table(world.admin.key, ["api-keys", "audit", id, "--action", "api_key.*"]);
    expect(trail).toMatch(/api_key\.revoked/);
    expect(trail).toMatch(/api_key\.created/);
  });
});

describe("webhooks", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await settlePendingDeliveries(server);
  });

  it("creates an endpoint for several event types, sends it a test event and lists the delivery by endpoint", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const key = world.admin.key;
    const endpoint = await json<{ id: string; events: string[]; secret: string }>(key, [
      "webhooks",
      "create",
      "--url",
      `${receiver.url}/hooks`,
      "--events",
      "project.created,project.closed",
      "--events",
      "webhook.test",
    ]);
    expect(endpoint.id).toMatch(/^whe_/);
    expect(endpoint.events).toEqual(["project.created", "project.closed", "webhook.test"]);
    const bad = await timecard(key, ["webhooks", "create", "--url", `${receiver.url}/x`, "--events", "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\(validation_failed, request \S+\)/);

    const listed = await table(key, ["webhooks", "list"]);
    expect(listed).toMatch(new RegExp(`^${endpoint.id}\\s`, "m"));

    expect((await timecard(key, ["webhooks", "test", endpoint.id])).code).toBe(0);
    await server.app.webhooks.dispatcher.runDue();
    const deliveries = await table(key, ["webhooks", "deliveries", endpoint.id]);
    expect(deliveries.split("\n")[0]).toMatch(/^ID\s/);
    expect(deliveries).toMatch(/webhook\.test/);
    const page = await json<{ data: { id: string; status: string; event_type: string }[] }>(key, [
      "webhooks",
      "list-endpoint-deliveries",
      endpoint.id,
    ]);
    expect(page.data).toMatchObject([{ status: "SUCCESS", event_type: "webhook.test" }]);
    const delivery = await table(key, ["webhooks", "get-delivery", page.data[0]?.id ?? ""]);
    expect(delivery).toMatch(field("status", "SUCCESS"));
    expect(receiver.requests.map((r) => r.path)).toContain("/hooks");
  });
});

describe("events and the audit log", () => {
  it("lists the events of a project by type prefix and gets one; reads the audit log by IP and action", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const key = world.admin.key;
    const project = await json<{ id: string }>(key, ["projects", "create", "--name", "Audit me"]);
    await json(key, ["projects", "close", project.id]);

    const events = await json<{ data: { id: string; type: string }[] }>(key, [
      "events",
      "list",
      "--type-prefix",
      "project.",
      "--resource-id",
      project.id,
    ]);
    expect(events.data.map((e) => e.type)).toEqual(["project.closed", "project.created"]);
    const one = await table(key, ["events", "get", events.data[0]?.id ?? ""]);
    expect(one).toMatch(field("type", "project.closed"));
    const listed = await table(key, ["events", "list", "--type", "project.created", "--resource-id", project.id]);
    expect(listed).toMatch(new RegExp(`^${events.data[1]?.id}\\s+project\\.created`, "m"));

    // `timecard audit` (the API's Audit Log); `audit-log` still answers.
    const employee = await json<{ id: string }>(key, [
      "employees",
      "create",
      "--name",
      "Audited Person",
      "--email",
      `audited.${Date.now()}@example.com`,
    ]);
    await json(key, ["employees", "update", employee.id, "--role", "manager"]);
    const audit = await table(key, ["audit", "list", "--ip", "127.0.0.1", "--action", "employee.*"]);
    expect(audit.split("\n")[0]).toMatch(/^ID\s/);
    expect(audit).toMatch(/^aud_\S+\s+.*employee\.updated\s+127\.0\.0\.1$/m);
    const entries = await json<{ data: { id: string; action: string; ip: string; changes: unknown }[] }>(key, [
      "audit-log",
      "list",
      "--action",
      "employee.*",
    ]);
    // Newest first: the update with its changes, then the creation.
    expect(entries.data.map((e) => e.action)).toEqual(["employee.updated", "employee.created"]);
    expect(entries.data[0]?.changes).toEqual({ role: { from: "employee", to: "manager" } });
    expect(entries.data.every((e) => e.ip === "127.0.0.1")).toBe(true);
    const none = await json<{ data: unknown[] }>(key, ["audit", "list", "--ip", "203.0.113.0/24"]);
    expect(none.data).toEqual([]);
    expect(await json(key, ["audit", "get", entries.data[0]?.id ?? ""])).toMatchObject({ id: entries.data[0]?.id });
  });
});

describe("bad input", () => {
  it("exits 1 for a bad id with the problem's code and request id on stderr, nothing on stdout", async () => {
    const { world } = await sdk.setUp();
    for (const args of [
      ["sessions", "get", "ses_0000000000000000"],
      ["leave", "approve", "lv_0000000000000000"],
      ["webhooks", "deliveries", "whe_0000000000000000"],
    ]) {
      const { code, stdout, stderr } = await timecard(world.admin.key, args);
      expect(code, args.join(" ")).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^error: .+ \(not_found, request req_\S+\)\n$/);
    }
    const malformed = await timecard(world.admin.key, ["employees", "get", "not-an-id"]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^error: .+ \((validation_failed|not_found), request \S+\)\n$/);
  });

  it("exits 2 for an unknown flag, a missing argument, a bad choice or a bad number, before calling the API", async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // a call would exit 1, not 2
    const cases: [string[], string][] = [
      [["sessions", "start", "--employe", "emp_x"], "unknown option '--employe'"],
      [["leave", "approve"], "missing required argument 'leave_request_id'"],
      [["api-keys", "create", "--name", "X", "--scope", "root"], "--scope"],
      [["api-keys", "create", "--name", "X", "--rate-limit", "lots"], "--rate-limit takes an integer"],
      [["tasks", "create", "--project", "prj_x"], "missing required option '--name'"],
      [["audit", "tail", "--interval", "0"], "--interval takes seconds"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { env: { TIMECARD_API_KEY: "tc_test_x", TIMECARD_BASE_URL: url } });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(message);
    }
  });

  it("exits 4 once a key has expired, naming key_expired", async () => {
    const { world } = await sdk.setUp();
    server.clock.set(T0);
    const created = await json<{ secret: string }>(world.admin.key, [
      "api-keys",
      "create",
      "--name",
      "Short-lived",
      "--expires-in-days",
      "1",
    ]);
    expect((await timecard(created.secret, ["projects", "list"])).code).toBe(0);
    server.clock.set(new Date(Date.parse(T0) + 2 * 86_400_000));
    try {
      const { code, stdout, stderr } = await timecard(created.secret, ["projects", "list"]);
      expect(code).toBe(4);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/\(key_expired, request \S+\)\n$/);
    } finally {
      server.clock.set(T0);
    }
  });

  it("exits 1 with a clear message when the server is unreachable", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await runCli(["projects", "list"], {
      env: { TIMECARD_API_KEY: "tc_test_x", TIMECARD_BASE_URL: url },
    });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^error: Could not reach ${url}: fetch failed \\(ECONNREFUSED\\)\\n$`));
  });
});
