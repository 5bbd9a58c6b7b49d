import { readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timecard } from "../../../sdk/src/index.js";
import { useSdkTestServer } from "../../../sdk/test/server-support.js";
import { type Receiver, startReceiver } from "../../../server/test/support/webhook-receiver.js";
import { verifyWebhook, type WebhookEvent } from "../../../webhooks/src/index.js";
import { eventFilter } from "../../src/event-filter.js";
import { runCli, startCli, useTempHome } from "../support/cli.js";

// `timecard listen` against the real reference server, forwarding to a real HTTP receiver on
// loopback that verifies each delivery with @timecard/webhooks' verifyWebhook and the secret
// `timecard listen --print-secret` printed, as a developer's own receiver would.

const sdk = useSdkTestServer();
const home = useTempHome();

let receiver: Receiver;
/** What the receiver made of each request: the verified event, or the verification error's code. */
let verdicts: ({ event: WebhookEvent } | { code: string })[] = [];
let secret = "";

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.setDefault((request) => {
    try {
      const event = verifyWebhook({ payload: request.body, headers: request.headers, secret });
      verdicts.push({ event });
      return { status: 204 };
    } catch (error) {
      verdicts.push({ code: (error as { code: string }).code });
      return { status: 400, body: "bad signature" };
    }
  });
});
afterAll(async () => {
  await receiver.close();
});

/** Resolves once the CLI has polled `GET /v1/events` `count` more times (the audit log records each request). */
async function morePolls(admin: Timecard, count: number): Promise<void> {
  const polls = async () =>
    (await admin.auditLog.list({ path_prefix: "/v1/events", method: "GET" }).toArray()).filter((entry) =>
      entry.request?.user_agent?.includes("timecard-cli"),
    ).length;
  const start = await polls();
  while ((await polls()) < start + count) await new Promise((resolve) => setTimeout(resolve, 100));
}

const env = (key: string) => ({ ...home.env, TIMECARD_API_KEY: key, TIMECARD_BASE_URL: sdk.baseUrl });

describe("timecard listen --print-secret", () => {
  it("makes a whsec_ secret once, keeps it in the 0600 config and prints the same one on every run", async () => {
    const first = await runCli(["listen", "--print-secret"], { env: home.env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^whsec_[A-Za-z0-9+/]{43}=\n$/);
    expect(first.stderr).toBe("");
    const again = await runCli(["listen", "--print-secret"], { env: home.env });
    expect(again.stdout).toBe(first.stdout);
    const config = JSON.parse(await readFile(home.configFile, "utf8"));
    expect(config.listen_secrets).toEqual({ default: first.stdout.trim() });
    expect((await stat(home.configFile)).mode & 0o777).toBe(0o600);
    // Each profile has its own.
    const other = await runCli(["--profile", "staging", "listen", "--print-secret"], { env: home.env });
    expect(other.stdout).not.toBe(first.stdout);
  });
});

describe("timecard listen --forward-to", () => {
  it("forwards each new event, once, signed so that verifyWebhook accepts it, and exits 0 on Ctrl-C", async () => {
    const { world, admin } = await sdk.setUp();
    secret = (await runCli(["listen", "--print-secret"], { env: home.env })).stdout.trim();
    verdicts = [];
    receiver.reset();
    // Something before the start, which listen must not replay.
    await admin.projects.create({ name: "Before" });

    const listen = startCli(["listen", "--forward-to", `${receiver.url}/webhooks`, "--interval", "0.5"], {
      env: env(world.admin.key),
    });
    try {
      await listen.waitFor("stderr", /Press Ctrl\+C to stop/);
      expect(listen.stderr()).toContain(`signed with ${secret}`);
      expect(listen.stderr()).toContain(world.organizationId);

      const first = await admin.projects.create({ name: "Website relaunch" });
      await listen.waitFor("stdout", /project\.created\s+(evt_\S+)\s+→ 204/);
      const second = await admin.projects.close(first.id);
      await receiver.waitFor(2);
      await listen.waitFor("stdout", /project\.closed\s+evt_\S+\s+→ 204/);
      // Two more polls at least: still nothing printed or sent twice.
      await morePolls(admin, 2);

      const events = await admin.events.list({ type_prefix: "project.", resource_id: first.id }).toArray();
      expect(events.map((e) => e.type)).toEqual(["project.closed", "project.created"]);
      expect(verdicts).toEqual([{ event: events[1] }, { event: events[0] }]);
      expect((verdicts[1] as { event: WebhookEvent }).event.data).toMatchObject({ id: second.id, status: "closed" });
      expect(receiver.requests.map((r) => [r.method, r.path, r.headers["webhook-id"]])).toEqual([
        ["POST", "/webhooks", events[1]?.id],
        ["POST", "/webhooks", events[0]?.id],
      ]);
      expect(receiver.requests[0]?.headers["x-signature"]).toBe(receiver.requests[0]?.headers["webhook-signature"]);
      expect(listen.stdout().trim().split("\n")).toHaveLength(2);
    } finally {
      const run = await listen.stop("SIGINT");
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Stopped\.\n$/);
    }
  });

  it("prints the receiver's failures too, and with --events only the chosen types, as NDJSON with --json", async () => {
    const { world, admin, manager } = await sdk.setUp();
    secret = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; // not listen's: every signature fails
    verdicts = [];
    receiver.reset();
    const listen = startCli(
      ["listen", "--forward-to", `${receiver.url}/hooks`, "--events", "task.*", "--interval", "0.5", "--json"],
      { env: env(world.admin.key) },
    );
    try {
      await listen.waitFor("stderr", /Press Ctrl\+C to stop/);
      const project = await manager.projects.create({ name: "Mobile app" });
      const task = await manager.tasks.create({ project_id: project.id, name: "API" });
      await listen.waitFor("stderr", /evt_\S+ → 400 \(\d+ ms\)/);
      await admin.tasks.close(task.id);
      await receiver.waitFor(2);
      await listen.waitFor("stdout", /task\.closed/);
      const lines = listen
        .stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { type: string; data: { id: string } });
      expect(lines.map((e) => [e.type, e.data.id])).toEqual([
        ["task.created", task.id],
        ["task.closed", task.id],
      ]);
      expect(verdicts).toEqual([{ code: "no_matching_signature" }, { code: "no_matching_signature" }]);
    } finally {
      expect((await listen.stop("SIGINT")).code).toBe(0);
    }
  });

  it("exits 4 at once for an unknown key, and 2 for a bad URL or event pattern", async () => {
    const unknown = await runCli(["listen"], { env: env("tc_test_0000000000000000000000000000000000000000") });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/\(invalid_api_key, request \S+\)\n$/);
    const url = await runCli(["listen", "--forward-to", "localhost:3000"], { env: env("tc_test_x") });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain("--forward-to takes");
    const pattern = await runCli(["listen", "--events", "Session Started"], { env: env("tc_test_x") });
    expect(pattern.code).toBe(2);
  });
});

describe("eventFilter", () => {
  it.each([
    [[], ["session.started", "leave.approved"], [], {}],
    [["*"], ["session.started"], [], {}],
    [
      ["session.*"],
      ["session.started", "session.stopped"],
      ["sessions.x", "leave.approved"],
      { type_prefix: "session." },
    ],
    [["leave.approved"], ["leave.approved"], ["leave.rejected"], { type: "leave.approved" }],
    [["leave.approved", "task.*"], ["leave.approved", "task.closed"], ["leave.rejected"], {}],
    // A type this CLI does not know yet: matched locally, not sent to the API (which would refuse it).
    [["payroll.locked"], ["payroll.locked"], ["payroll.unlocked"], {}],
  ])("%j", (patterns, accepted, refused, query) => {
    const filter = eventFilter(patterns);
    for (const type of accepted) expect(filter.matches(type), type).toBe(true);
    for (const type of refused) expect(filter.matches(type), type).toBe(false);
    expect(filter.query).toEqual(query);
  });
});
