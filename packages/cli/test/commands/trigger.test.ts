import { beforeAll, describe, expect, it } from "vitest";
import { T0, useSdkTestServer } from "../../../sdk/test/server-support.js";
import { ensureSandboxSeed, SANDBOX_KEYS, SANDBOX_ORGANIZATION_IDS } from "../../../server/src/sandbox/seed.js";
import { runCli, startCli, useTempHome } from "../support/cli.js";

// `timecard trigger` and `timecard sandbox reset` against the reference server in sandbox mode,
// with the seed's published keys; and outside sandbox mode, where the operations answer 404.

const sandbox = useSdkTestServer({ TIMECARD_SANDBOX: "true" });
const plain = useSdkTestServer();
const home = useTempHome();

const key = (role: "admin" | "employee") => {
  const found = SANDBOX_KEYS.find((k) => k.country === "PL" && k.role === role && k.scope === "full");
  if (!found) throw new Error(`no sandbox key for a PL ${role}`);
  return found;
};
const timecard = (secret: string, args: string[], baseUrl = sandbox.baseUrl) =>
  runCli(args, { env: { ...home.env, TIMECARD_API_KEY: secret, TIMECARD_BASE_URL: baseUrl } });

beforeAll(async () => {
  await ensureSandboxSeed(sandbox.server.storage.db, sandbox.server.clock.now);
  // The seed's October runs past the harness's clock: move the clock after its newest event, as a
  // real sandbox's clock is (new events come after the ones listed, which is what listen relies on).
  const [newest] = (await sandbox.client(key("admin").secret).events.list({ limit: 1 })).data;
  sandbox.server.clock.set(new Date(Date.parse(newest?.created_at ?? T0) + 3_600_000));
});

describe("timecard trigger", () => {
  it("fires a sample event that the events list then holds, and that timecard listen prints", async () => {
    const admin = key("admin");
    const listen = startCli(["listen", "--events", "leave.approved", "--interval", "0.5"], {
      env: { ...home.env, TIMECARD_API_KEY: admin.secret, TIMECARD_BASE_URL: sandbox.baseUrl },
    });
    try {
      await listen.waitFor("stderr", /Press Ctrl\+C to stop/);
      const fired = await timecard(admin.secret, ["trigger", "leave.approved"]);
      expect(fired.code, fired.stderr).toBe(0);
      const id = fired.stdout.match(/^Triggered leave\.approved (evt_\S+) at \S+\.$/m)?.[1];
      expect(id).toBeDefined();
      await listen.waitFor("stdout", new RegExp(`leave\\.approved\\s+${id}`));

      const json = await timecard(admin.secret, [
        "trigger",
        "session.started",
        "--employee",
        key("employee").employeeId,
        "--json",
      ]);
      expect(json.code).toBe(0);
      const event = JSON.parse(json.stdout) as {
        id: string;
        type: string;
        organization_id: string;
        data: { employee_id: string };
      };
      expect(event).toMatchObject({ type: "session.started", organization_id: SANDBOX_ORGANIZATION_IDS.PL });
      expect(event.data.employee_id).toBe(key("employee").employeeId);
      const listed = await timecard(admin.secret, ["events", "get", event.id, "--json"]);
      expect(JSON.parse(listed.stdout)).toEqual(event);
      // listen was asked for leave.approved only.
      expect(listen.stdout()).not.toContain(event.id);
    } finally {
      expect((await listen.stop()).code).toBe(0);
    }
  });

  it("resets the sandbox with timecard sandbox reset", async () => {
    const { code, stdout } = await timecard(key("admin").secret, ["sandbox", "reset"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^reset_at\s+\S+$/m);
    expect(stdout).toMatch(/^seed\s+\S+$/m);
  });

  it("exits 2 for an unknown event type, and 1 with a hint outside the sandbox", async () => {
    const unknown = await timecard(key("admin").secret, ["trigger", "session.exploded"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("session.started");

    const { world } = await plain.setUp();
    const outside = await timecard(world.admin.key, ["trigger", "session.started"], plain.baseUrl);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/^hint: timecard trigger works against the sandbox only/m);
    expect(outside.stderr).toMatch(/^error: .+ \(not_found, request \S+\)$/m);
    expect((await timecard(key("employee").secret, ["trigger", "session.started"])).code).toBe(1);
  });
});
