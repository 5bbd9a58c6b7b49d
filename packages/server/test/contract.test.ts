import { createHash, createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, useTestServer, type World } from "./support/harness.js";
import { type PrismProxy, startPrismProxy } from "./support/prism.js";
import { finishExport } from "./support/spec-walk.js";
import { type Receiver, startReceiver } from "./support/webhook-receiver.js";

// Realistic traffic through Prism's validating proxy in front of the real server: every
// request and every response is checked against the spec. Prism marks a response that breaks
// the contract with an `sl-violations` header (and, with --errors, answers 500 instead).
// Webhooks are delivered to a receiver on loopback, which the allowlist permits here; the
// database is this file's own, so the dispatcher sends only this file's deliveries.
const server = useTestServer({ TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8" }, { ownDatabase: true });
let prism: PrismProxy;
/** The server itself, for what is not part of the spec (the OAuth consent form). */
let serverUrl: string;
let world: World;
let receiver: Receiver;
let receiverUrl: string;

beforeAll(async () => {
  const address = await server.app.listen({ port: 0, host: "127.0.0.1" });
  serverUrl = address;
  prism = await startPrismProxy(address);
  world = await createWorld(server);
  receiver = await startReceiver();
  receiver.script({ status: 503 });
  receiver.setDefault({ status: 204 });
  receiverUrl = `${receiver.url}/timecard`;
}, 90_000);

afterAll(async () => {
  await prism?.stop();
  await receiver?.close();
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

  it("an admin sets up a webhook endpoint, and inspects and retries its deliveries", async () => {
    const endpoint = await expectValid(world.admin.key, "POST", "/v1/webhook-endpoints", 201, {
      url: receiverUrl,
      description: "Payroll sync",
      events: ["project.created", "session.stopped"],
    });
    await expectValid(world.admin.key, "GET", "/v1/webhook-endpoints?enabled=true&event=project.created", 200);
    await expectValid(world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`, 200);
    await expectValid(world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, 200, {
      events: ["project.created", "session.stopped", "session.approved"],
    });
    await expectValid(world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, 200);
    await expectValid(world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/reveal-secret`, 200);

    await expectValid(world.manager.key, "POST", "/v1/projects", 201, { name: "Webhooks contract" });
    // The receiver answers the first attempt 503: the delivery waits for its retry.
    await server.app.webhooks.dispatcher.runDue();
    const retrying = await expectValid(world.admin.key, "GET", "/v1/webhook-deliveries?status=RETRYING", 200);
    expect(retrying.data).toHaveLength(1);
    await expectValid(world.admin.key, "GET", `/v1/webhook-deliveries/${retrying.data[0].id}`, 200);
    await expectValid(world.admin.key, "POST", `/v1/webhook-deliveries/${retrying.data[0].id}/retry`, 409);
    const tested = await expectValid(world.admin.key, "POST", `/v1/webhook-endpoints/${endpoint.id}/test`, 200);
    expect(tested.status).toBe("SUCCESS");
    await expectValid(world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`, 200);
    await expectValid(world.admin.key, "GET", `/v1/webhook-deliveries?endpoint_id=${endpoint.id}&limit=1`, 200);
    await expectValid(world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, 200, { enabled: false });
    const failed = await expectValid(world.admin.key, "GET", "/v1/webhook-deliveries?status=FAILED", 200);
    expect(failed.data).toHaveLength(1);
    await expectValid(world.admin.key, "POST", `/v1/webhook-deliveries/${failed.data[0].id}/retry`, 409);
    await expectValid(world.admin.key, "PATCH", `/v1/webhook-endpoints/${endpoint.id}`, 200, { enabled: true });
    await expectValid(world.admin.key, "POST", `/v1/webhook-deliveries/${failed.data[0].id}/retry`, 202);
    await expectValid(world.admin.key, "POST", "/v1/webhook-endpoints", 422, { url: "http://10.0.0.7/hook" });
    await expectValid(world.admin.key, "DELETE", `/v1/webhook-endpoints/${endpoint.id}`, 204);
    await expectValid(world.admin.key, "GET", `/v1/webhook-endpoints/${endpoint.id}`, 404);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(receiver.requests.every((r) => typeof r.headers["webhook-signature"] === "string")).toBe(true);
  });

  it("an incoming webhook runs JSON actions and Slack commands", async () => {
    const secret = "8f742231b10e8888abcd99yyyzzz85a5";
    const hook = await expectValid(world.admin.key, "POST", "/v1/incoming-webhooks", 201, {
      name: "Slack /track command",
      slack_signing_secret: secret,
    });
    await expectValid(world.admin.key, "GET", "/v1/incoming-webhooks", 200);
    const path = new URL(hook.url).pathname;
    const signed = async (contentType: string, body: string) => {
      const timestamp = Math.floor(server.clock.now.getTime() / 1000);
      const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
      const res = await fetch(`${prism.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": contentType,
          "x-slack-signature": signature,
          "x-slack-request-timestamp": String(timestamp),
        },
        body,
      });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), violations: res.headers.get("sl-violations") };
    };
    const project = await signed(
      "application/json",
      JSON.stringify({ action: "add_project", name: "Website relaunch" }),
    );
    expect([project.status, project.violations]).toEqual([200, null]);
    const task = await signed(
      "application/json",
      JSON.stringify({ action: "add_task", project_id: project.body.result.id, name: "Design" }),
    );
    expect([task.status, task.violations]).toEqual([200, null]);
    const form = new URLSearchParams({
      command: "/track",
      text: "Design in Website relaunch",
      user_id: "U2147483697",
      team_id: "T0001",
    }).toString();
    const slack = await signed("application/x-www-form-urlencoded", form);
    expect([slack.status, slack.violations, slack.body.response_type]).toEqual([200, null, "in_channel"]);
    const unsigned = await fetch(`${prism.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "stop_task" }),
    });
    expect([unsigned.status, unsigned.headers.get("sl-violations")]).toEqual([401, null]);
    await expectValid(world.admin.key, "DELETE", `/v1/incoming-webhooks/${hook.id}`, 204);
  });

  it("hours and overtime reports, compliance alerts and their acknowledgement", async () => {
    // Monday 14:00–23:00 and Tuesday 09:00–17:00 in Warsaw: 10 hours of rest, a daily rest violation.
    for (const [started_at, ended_at] of [
      ["2026-10-12T12:00:00Z", "2026-10-12T21:00:00Z"],
      ["2026-10-13T07:00:00Z", "2026-10-13T15:00:00Z"],
    ]) {
      await expectValid(world.colleague.key, "POST", "/v1/sessions", 201, { started_at, ended_at });
    }
    const month = "from=2026-10-01&to=2026-10-31";
    const report = await expectValid(world.admin.key, "GET", `/v1/reports/hours?${month}&group_by=employee`, 200);
    expect(report.totals.worked_seconds).toBeGreaterThan(0);
    await expectValid(world.employee.key, "GET", `/v1/reports/hours?${month}&group_by=day`, 200);
    await expectValid(world.manager.key, "GET", `/v1/reports/hours?${month}&group_by=project`, 200);
    await expectValid(world.admin.key, "GET", "/v1/reports/hours?from=2026-10-31&to=2026-10-01&group_by=task", 422);
    await expectValid(world.manager.key, "GET", "/v1/reports/overtime?year=2026", 200);
    await expectValid(world.employee.key, "GET", `/v1/reports/overtime?employee_id=${world.employee.id}`, 200);

    const alerts = await expectValid(world.manager.key, "GET", "/v1/compliance-alerts?acknowledged=false", 200);
    const alert = alerts.data.find((a: { kind: string }) => a.kind === "daily_rest");
    expect(alert?.employee_id).toBe(world.colleague.id);
    await expectValid(world.colleague.key, "GET", `/v1/compliance-alerts/${alert.id}`, 200);
    await expectValid(world.manager.key, "POST", `/v1/compliance-alerts/${alert.id}/acknowledge`, 200);
    await expectValid(world.admin.key, "POST", `/v1/compliance-alerts/${alert.id}/acknowledge`, 409);
    await expectValid(world.employee.key, "GET", "/v1/compliance-alerts?kind=daily_rest&severity=violation", 200);
  });

  it("an admin exports a month for payroll, and a manager downloads the file", async () => {
    const formats = await expectValid(world.manager.key, "GET", "/v1/export-formats?country=PL", 200);
    await expectValid(world.admin.key, "GET", "/v1/export-formats?limit=1", 200);
    const format = formats.data.find((f: { requires: string[] }) => f.requires.length === 0);
    expect(format).toBeDefined();
    const created = await expectValid(world.admin.key, "POST", "/v1/exports", 202, {
      format: format.id,
      month: "2026-10",
    });
    await expectValid(world.admin.key, "POST", "/v1/exports", 422, { format: format.id, month: "2099-01" });
    await finishExport(server, created.id);
    const done = await expectValid(world.manager.key, "GET", `/v1/exports/${created.id}`, 200);
    expect(done.status).toBe("completed");
    await expectValid(world.manager.key, "GET", "/v1/exports?status=completed", 200);
    const file = await fetch(`${prism.url}${done.file.download_url}`, {
      headers: { authorization: `Bearer ${world.manager.key}` },
    });
    const bytes = Buffer.from(await file.arrayBuffer());
    expect([file.status, file.headers.get("sl-violations"), bytes.length]).toEqual([200, null, done.file.size_bytes]);
  });

  it("an integrator registers OAuth apps and runs the code, refresh, client credentials and revocation flows", async () => {
    const verifier = randomBytes(40).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const redirect = "http://127.0.0.1:8765/callback";
    const cli = await expectValid(world.admin.key, "POST", "/v1/oauth-apps", 201, {
      name: "Timecard CLI (contract)",
      redirect_uris: ["http://127.0.0.1/callback"],
      allowed_scopes: ["read", "write"],
      confidential: false,
    });
    const bridge = await expectValid(world.admin.key, "POST", "/v1/oauth-apps", 201, {
      name: "Payroll Bridge (contract)",
      description: "Sends approved hours to Symfonia every night.",
      redirect_uris: ["https://bridge.kowalski-software.pl/oauth/callback"],
      allowed_scopes: ["read", "write"],
      grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      client_credentials_employee_id: world.manager.id,
    });
    await expectValid(world.admin.key, "GET", "/v1/oauth-apps?limit=10", 200);
    await expectValid(world.admin.key, "GET", `/v1/oauth-apps/${cli.id}`, 200);
    await expectValid(world.admin.key, "GET", "/v1/oauth-apps/app_0000000000000000", 404);

    /** A request through Prism, redirects not followed (the browser's part of the flow). */
    const viaPrism = async (
      method: string,
      path: string,
      init: { headers?: Record<string, string>; body?: string } = {},
    ) => {
      const res = await fetch(`${prism.url}${path}`, { method, redirect: "manual", ...init });
      const text = await res.text();
      return { status: res.status, text, headers: res.headers, violations: res.headers.get("sl-violations") };
    };
    const formPost = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      viaPrism("POST", path, {
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    const outcome = (res: { status: number; violations: string | null }) => [res.status, res.violations];

    expect(outcome(await viaPrism("GET", "/.well-known/oauth-authorization-server"))).toEqual([200, null]);
    const query = new URLSearchParams({
      response_type: "code",
      client_id: cli.id,
      redirect_uri: redirect,
      scope: "read write",
      state: "af0ifjsldkj3r8Kq",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const page = await viaPrism("GET", `/oauth/authorize?${query}`);
    expect(outcome(page)).toEqual([200, null]);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const unregistered = new URLSearchParams(query);
    unregistered.set("redirect_uri", "https://evil.example.com/callback");
    expect(outcome(await viaPrism("GET", `/oauth/authorize?${unregistered}`))).toEqual([400, null]);
    // Prism's proxy follows redirects (node-fetch's default), so a 302 of /oauth/authorize cannot
    // pass through it: the redirects are asked of the server itself.
    const tooWide = new URLSearchParams(query);
    tooWide.set("scope", "admin");
    const refused = await fetch(`${serverUrl}/oauth/authorize?${tooWide}`, { redirect: "manual" });
    expect(refused.status).toBe(302);
    expect(new URL(refused.headers.get("location") as string).searchParams.get("error")).toBe("invalid_scope");

    // The consent form is the page's own, not an operation of the spec: it is posted to the server.
    const consent = await fetch(`${serverUrl}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...Object.fromEntries(query), api_key: world.employee.key, decision: "approve" }),
    });
    const code = new URL(consent.headers.get("location") as string).searchParams.get("code") as string;

    const redeem = { grant_type: "authorization_code", code, redirect_uri: redirect, client_id: cli.id };
    const wrong = await formPost("/oauth/token", { ...redeem, code_verifier: randomBytes(40).toString("base64url") });
    expect(outcome(wrong)).toEqual([400, null]);
    expect(JSON.parse(wrong.text).error).toBe("invalid_grant");
    // The failed attempt spent the code: a new one, approved again (the session skips the page).
    const again = await fetch(`${serverUrl}/oauth/authorize?${query}`, {
      redirect: "manual",
      headers: { cookie: (consent.headers.get("set-cookie") as string).split(";")[0] as string },
    });
    const code2 = new URL(again.headers.get("location") as string).searchParams.get("code") as string;
    const token = await formPost("/oauth/token", { ...redeem, code: code2, code_verifier: verifier });
    expect(outcome(token)).toEqual([200, null]);
    const tokens = JSON.parse(token.text);
    const me = await expectValid(tokens.access_token, "GET", "/v1/me", 200);
    expect(me.credential.type).toBe("oauth_token");
    await expectValid(tokens.access_token, "POST", "/v1/sessions/start", 201, { note: "OAuth" });
    await expectValid(tokens.access_token, "POST", "/v1/employees", 403, { name: "X", email: "x.oauth@example.com" });

    const refreshed = await formPost("/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: cli.id,
    });
    expect(outcome(refreshed)).toEqual([200, null]);
    const basic = `Basic ${Buffer.from(`${bridge.id}:${bridge.client_secret}`).toString("base64")}`;
    const cc = await formPost(
      "/oauth/token",
      { grant_type: "client_credentials", scope: "read" },
      { authorization: basic },
    );
    expect(outcome(cc)).toEqual([200, null]);
    const badClient = await formPost(
      "/oauth/token",
      { grant_type: "client_credentials" },
      { authorization: `Basic ${Buffer.from(`${bridge.id}:tcs_wrong`).toString("base64")}` },
    );
    expect(outcome(badClient)).toEqual([401, null]);
    expect(badClient.headers.get("www-authenticate")).toBe('Basic realm="timecard"');

    const revoked = await formPost("/oauth/revoke", {
      token: JSON.parse(refreshed.text).refresh_token,
      token_type_hint: "refresh_token",
      client_id: cli.id,
    });
    expect(outcome(revoked)).toEqual([200, null]);
    await expectValid(JSON.parse(refreshed.text).access_token, "GET", "/v1/me", 401);
    await expectValid(world.admin.key, "DELETE", `/v1/oauth-apps/${bridge.id}`, 204);
    await expectValid(JSON.parse(cc.text).access_token, "GET", "/v1/me", 401);
  });

  it("Prism reported no violation at all", () => {
    const violations = prism
      .output()
      .split("\n")
      .filter((line) => /Violation|✖/.test(line));
    expect(violations).toEqual([]);
  });
});
