import { describe, expect, it } from "vitest";
import { METHOD_ROUTES } from "../../../sdk/src/generated/methods.js";
import { at, T0, useSdkTestServer } from "../../../sdk/test/server-support.js";
import { flagOf } from "../../src/flags.js";
import { COMMANDS } from "../../src/generated/commands.js";
import { COMMAND_GROUPS } from "../../src/generated/groups.js";
import { columnsOf } from "../../src/output.js";
import { runCli } from "../support/cli.js";

const sdk = useSdkTestServer();

/** The CLI with `key` from the environment, against the test server. */
const timecard = (key: string, args: string[]) =>
  runCli(args, { env: { TIMECARD_API_KEY: key, TIMECARD_BASE_URL: sdk.baseUrl } });

describe("the resource command table", () => {
  it("has exactly one command per SDK method, in the SDK's groups", () => {
    const fromCli = Object.entries(COMMANDS).flatMap(([name, commands]) => {
      const sdkGroup = COMMAND_GROUPS.find(([group]) => group === name)?.[1];
      return Object.values(commands).map(([method]) => `${sdkGroup}.${method}`);
    });
    const fromSdk = Object.entries(METHOD_ROUTES).flatMap(([group, routes]) =>
      Object.keys(routes).map((method) => `${group}.${method}`),
    );
    expect(new Set(fromCli).size).toBe(fromCli.length);
    expect([...fromCli].sort()).toEqual([...fromSdk].sort());
    expect(COMMAND_GROUPS.map(([name]) => name).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it("names flags and columns generically", () => {
    expect(flagOf("rate_limit_per_hour")).toBe("--rate-limit-per-hour");
    expect(columnsOf([{ object: "project", name: "X", id: "prj_1", tags: [], a: 1, b: 2, c: 3, d: 4, e: 5 }])).toEqual([
      "id",
      "name",
      "a",
      "b",
      "c",
      "d",
    ]);
  });
});

describe("timecard <group> <command>", () => {
  it("creates a project from flags, then lists it in a table and as JSON", async () => {
    const { world } = await sdk.setUp();
    const created = await timecard(world.admin.key, [
      "projects",
      "create",
      "--name",
      "Website relaunch",
      "--billable",
      "--budget-hours",
      "12",
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^id\s+prj_\S+$/m);
    expect(created.stdout).toMatch(/^name\s+Website relaunch$/m);
    expect(created.stdout).toMatch(/^billable\s+true$/m);

    const list = await timecard(world.admin.key, ["projects", "list"]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+/);
    expect(lines.some((l) => /^prj_\S+\s+.*Website relaunch/.test(l))).toBe(true);

    const json = await timecard(world.admin.key, ["projects", "list", "--json"]);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as { data: { name: string }[]; has_more: boolean };
    expect(page.data.map((p) => p.name)).toContain("Website relaunch");
  });

  it("takes a whole body with --data, flags overriding it", async () => {
    const { world } = await sdk.setUp();
    const { code, stdout } = await timecard(world.admin.key, [
      "--json",
      "projects",
      "create",
      "--data",
      '{"name":"From data","billable":true}',
      "--no-billable",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: "From data", billable: false });
  });

  it("starts and stops a session", async () => {
    const { world } = await sdk.setUp();
    sdk.server.clock.set(T0);
    const started = await timecard(world.employee.key, ["sessions", "start", "--note", "Wireframes", "--json"]);
    expect(started.code).toBe(0);
    const session = JSON.parse(started.stdout) as { id: string; status: string };
    expect(session.status).toBe("running");

    sdk.server.clock.set(at(25));
    const stopped = await timecard(world.employee.key, ["sessions", "stop", session.id]);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`^id\\s+${session.id}$`, "m"));
    expect(stopped.stdout).toMatch(/^status\s+(?!running)\S+$/m);
  });

  it("requests leave as an employee and approves it as the manager", async () => {
    const { world, admin } = await sdk.setUp();
    const requested = await timecard(world.employee.key, [
      "leave",
      "create",
      "--type",
      "vacation",
      "--start-date",
      "2026-11-16",
      "--end-date",
      "2026-11-20",
      "--json",
    ]);
    expect(requested.code).toBe(0);
    const leave = JSON.parse(requested.stdout) as { id: string; status: string };
    expect(leave.status).toBe("requested");

    const approved = await timecard(world.manager.key, ["leave", "approve", leave.id, "--note", "Enjoy"]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^status\s+approved$/m);
    expect((await admin.leave.get(leave.id)).status).toBe("approved");
  });

  it("follows every page with --all", async () => {
    const { world, admin } = await sdk.setUp();
    const all: string[] = [];
    for await (const employee of admin.employees.list({ limit: 100 })) all.push(employee.id);
    expect(all.length).toBeGreaterThan(2);

    const { code, stdout } = await timecard(world.admin.key, ["employees", "list", "--all", "--limit", "2", "--json"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { id: string }[]).map((e) => e.id).sort()).toEqual([...all].sort());

    const page = await timecard(world.admin.key, ["employees", "list", "--limit", "2"]);
    expect(page.code).toBe(0);
    expect(page.stdout.trim().split("\n")).toHaveLength(3);
    expect(page.stderr).toMatch(/More: --cursor \S+/);
  });

  it("creates an API key and prints its secret", async () => {
    const { world } = await sdk.setUp();
    const { code, stdout } = await timecard(world.admin.key, ["api-keys", "create", "--name", "CI", "--scope", "read"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^name\s+CI$/m);
    // The full secret, once (the masked prefix may show too).
    expect(stdout.match(/tc_test_\w{20,}/g)).toHaveLength(1);
  });

  it("exits 2 on a missing required flag, naming it", async () => {
    const { world } = await sdk.setUp();
    const { code, stdout, stderr } = await timecard(world.admin.key, ["projects", "create"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("missing required option '--name'");
  });

  it("exits 2 on a bad flag value, an unknown command or an unknown flag", async () => {
    const { world } = await sdk.setUp();
    const bad = await timecard(world.admin.key, ["projects", "create", "--name", "X", "--budget-hours", "many"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--budget-hours takes a number");
    const choice = await timecard(world.admin.key, ["api-keys", "create", "--name", "X", "--scope", "root"]);
    expect(choice.code).toBe(2);
    const command = await timecard(world.admin.key, ["projects", "bogus"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'bogus'");
    expect((await timecard(world.admin.key, ["projects", "list", "--bogus"])).code).toBe(2);
    expect((await timecard(world.admin.key, ["bogus-group", "list"])).code).toBe(2);
    expect((await timecard(world.admin.key, ["projects", "get"])).stderr).toContain(
      "missing required argument 'project_id'",
    );
  });

  it("exits 1 with not_found for an unknown id", async () => {
    const { world } = await sdk.setUp();
    const { code, stdout, stderr } = await timecard(world.admin.key, ["projects", "get", "prj_0000000000000000"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: .+ \(not_found, request \S+\)\n$/);
  });

  it("lists a group's commands with --help, and the groups in timecard --help", async () => {
    const group = await runCli(["leave", "--help"]);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain("Usage: timecard leave");
    for (const name of Object.keys(COMMANDS.leave ?? {}))
      expect(group.stdout).toMatch(new RegExp(`^ {2}${name}\\b`, "m"));
    const command = await runCli(["api-keys", "create", "--help"]);
    expect(command.code).toBe(0);
    expect(command.stdout).toContain("--rate-limit <n>");
    // The property's own name still works, without cluttering the help.
    expect(command.stdout).not.toContain("--rate-limit-per-hour");
    const top = await runCli(["--help"]);
    expect(top.stdout).toMatch(/^ {2}api-keys\s/m);
  });
});
