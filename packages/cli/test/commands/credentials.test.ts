import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { useSdkTestServer } from "../../../sdk/test/server-support.js";
import { freePort } from "../../../server/test/support/ports.js";
import { runCli, useTempHome } from "../support/cli.js";

const sdk = useSdkTestServer();
const home = useTempHome();

/** The CLI in the temp home, against the test server unless `env` says otherwise. */
const timecard = (args: string[], env: Record<string, string> = {}, input?: string) =>
  runCli(args, { env: { ...home.env, ...env }, ...(input === undefined ? {} : { input }) });

const masked = (key: string) => `${key.slice(0, 12)}…${key.slice(-4)}`;

describe("login, whoami, profiles, logout", () => {
  it("logs in with --api-key and saves the key alone, readable by its owner only", async () => {
    const { world } = await sdk.setUp();
    const login = await timecard(["login", "--api-key", world.admin.key, "--base-url", sdk.baseUrl]);
    expect(login.code).toBe(0);
    expect(login.stdout).toContain("Anna Admin");
    expect(login.stdout).toContain(masked(world.admin.key));
    expect(login.stdout + login.stderr).not.toContain(world.admin.key);

    expect((await stat(home.configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(home.configFile))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(home.configFile, "utf8"))).toEqual({
      default_profile: "default",
      profiles: { default: { api_key: world.admin.key, base_url: sdk.baseUrl } },
    });
  });

  it("reads the key from stdin, then answers whoami as a table and as JSON", async () => {
    const { world } = await sdk.setUp();
    const login = await timecard(["login", "--base-url", sdk.baseUrl, "--json"], {}, `${world.manager.key}\n`);
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ profile: "default", key: masked(world.manager.key) });

    const table = await timecard(["whoami"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Name\s+Marek Manager/m);
    expect(table.stdout).toMatch(/^Role\s+manager$/m);
    expect(table.stdout).toMatch(/^Organization\s+Test /m);
    expect(table.stdout).toMatch(/^Mode\s+test$/m);
    expect(table.stdout).toMatch(/^Rate limit\s+\d+ of \d+ an hour left/m);
    expect(table.stdout).toContain(masked(world.manager.key));
    expect(table.stdout).not.toContain(world.manager.key);

    const json = await timecard(["whoami", "--json"]);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(world.manager.key);
    const me = JSON.parse(json.stdout);
    expect(me).toMatchObject({
      user: { name: "Marek Manager", role: "manager" },
      organization: { id: world.organizationId },
      credential: { mode: "test", type: "api_key" },
      key: masked(world.manager.key),
      profile: "default",
    });
    expect(me.rate_limit.limit).toBeGreaterThan(0);
  });

  it("refuses an empty stdin with exit 2 and saves nothing", async () => {
    const { code, stderr } = await timecard(["login", "--base-url", sdk.baseUrl], {}, "");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: no API key given/);
    await expect(stat(home.configFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("keeps profiles apart: flags over the environment over the default profile", async () => {
    const { world } = await sdk.setUp();
    expect((await timecard(["login", "--api-key", world.admin.key, "--base-url", sdk.baseUrl])).code).toBe(0);
    const second = await timecard(["login", "--profile", "emp", "--api-key", world.employee.key], {
      TIMECARD_BASE_URL: sdk.baseUrl,
    });
    expect(second.code).toBe(0);

    const list = await timecard(["profiles", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: "default", key: masked(world.admin.key), base_url: sdk.baseUrl, default: true, active: true },
      { name: "emp", key: masked(world.employee.key), base_url: sdk.baseUrl, default: false, active: false },
    ]);
    const table = await timecard(["profiles"], { TIMECARD_PROFILE: "emp" });
    expect(table.stdout).toMatch(/^\s+default\s.*default$/m);
    expect(table.stdout).toMatch(/^\*\s+emp\s.*active$/m);

    const name = async (args: string[], env: Record<string, string> = {}) =>
      JSON.parse((await timecard([...args, "whoami", "--json"], env)).stdout).user.name;
    expect(await name([])).toBe("Anna Admin");
    expect(await name([], { TIMECARD_PROFILE: "emp" })).toBe("Ewa Employee");
    expect(await name(["--profile", "default"], { TIMECARD_PROFILE: "emp" })).toBe("Anna Admin");
    expect(await name([], { TIMECARD_API_KEY: world.manager.key })).toBe("Marek Manager");

    const logout = await timecard(["logout", "--profile", "emp"]);
    expect(logout.code).toBe(0);
    const left = JSON.parse((await timecard(["profiles", "--json"])).stdout);
    expect(left.map((p: { name: string }) => p.name)).toEqual(["default"]);
    expect((await timecard(["logout", "--profile", "emp"])).code).toBe(1);
    expect((await timecard(["logout"])).code).toBe(0);
    expect(JSON.parse(await readFile(home.configFile, "utf8"))).toEqual({ profiles: {} });
    expect((await stat(home.configFile)).mode & 0o777).toBe(0o600);
  });
});

describe("authentication and connection failures", () => {
  it("exits 4 with no credential configured", async () => {
    const { code, stderr } = await timecard(["whoami"], { TIMECARD_BASE_URL: sdk.baseUrl });
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error: no credential configured/);
  });

  it("exits 4 for an unknown key, naming the problem's code and request id, and saves nothing", async () => {
    const bogus = "tc_test_0000000000000000000000000000000000000000";
    const { code, stdout, stderr } = await timecard(["login", "--api-key", bogus, "--base-url", sdk.baseUrl]);
    expect(code).toBe(4);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: .+ \(invalid_api_key, request \S+\)\n$/);
    await expect(stat(home.configFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("exits 4 once the saved key is revoked", async () => {
    const { world, admin, employee } = await sdk.setUp();
    expect((await timecard(["login", "--api-key", world.employee.key, "--base-url", sdk.baseUrl])).code).toBe(0);
    await admin.apiKeys.revoke((await employee.me.get()).credential.id);
    const { code, stderr } = await timecard(["whoami"]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/\(key_revoked, request \S+\)$/m);
  });

  it("exits 1 with a clear message and no stack trace when the server is unreachable", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await timecard(["whoami", "--base-url", url], { TIMECARD_API_KEY: "tc_test_x" });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(`error: Could not reach ${url}: fetch failed (ECONNREFUSED)\n`);
  });
});
