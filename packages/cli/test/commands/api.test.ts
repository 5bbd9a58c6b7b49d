import { describe, expect, it } from "vitest";
import { useSdkTestServer } from "../../../sdk/test/server-support.js";
import { parseFields } from "../../src/commands/api.js";
import { runCli } from "../support/cli.js";

const sdk = useSdkTestServer();

/** The CLI with `key` from the environment, against the test server. */
const timecard = (key: string, args: string[]) =>
  runCli(["api", ...args], { env: { TIMECARD_API_KEY: key, TIMECARD_BASE_URL: sdk.baseUrl } });

describe("parseFields", () => {
  it.each([
    [["name=Design"], { name: "Design" }],
    [["billable=true", "budget_hours=12", "code=null"], { billable: true, budget_hours: 12, code: null }],
    [['hourly_rate={"amount_minor":4500,"currency":"PLN"}'], { hourly_rate: { amount_minor: 4500, currency: "PLN" } }],
    [["note=a=b"], { note: "a=b" }],
    [["events[]=session.started", "events[]=leave.approved"], { events: ["session.started", "leave.approved"] }],
  ])("%j → %j", (fields, expected) => {
    expect(parseFields(fields)).toEqual(expected);
  });

  it("refuses a field without a key", () => {
    expect(() => parseFields(["=x"])).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(() => parseFields(["name"])).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe("timecard api", () => {
  it("follows next_cursor with --paginate and prints every employee", async () => {
    const { world, admin } = await sdk.setUp();
    const all: string[] = [];
    for await (const employee of admin.employees.list({ limit: 100 })) all.push(employee.id);
    expect(all.length).toBeGreaterThan(2);

    const json = await timecard(world.admin.key, ["GET", "/v1/employees", "--paginate", "--json", "-f", "limit=2"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { id: string }[]).map((e) => e.id).sort()).toEqual([...all].sort());

    const lines = await timecard(world.admin.key, ["GET", "/v1/employees", "--paginate", "-f", "limit=2"]);
    expect(lines.code).toBe(0);
    expect(
      lines.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toHaveLength(all.length);
  });

  it("prints one page as pretty JSON, fields in the query", async () => {
    const { world } = await sdk.setUp();
    const { code, stdout } = await timecard(world.admin.key, ["get", "/v1/employees", "-f", "limit=1"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\{\n {2}"data": \[/);
    expect(JSON.parse(stdout).data).toHaveLength(1);
  });

  it("creates a project from -f fields sent as the JSON body", async () => {
    const { world, admin } = await sdk.setUp();
    const { code, stdout } = await timecard(world.admin.key, [
      "POST",
      "/v1/projects",
      "-f",
      "name=Website relaunch",
      "-f",
      "billable=true",
    ]);
    expect(code).toBe(0);
    const created = JSON.parse(stdout);
    expect(created).toMatchObject({ name: "Website relaunch", billable: true });
    expect((await admin.projects.get(created.id)).name).toBe("Website relaunch");
  });

  it.each([
    ["an unknown path", ["GET", "/v1/nope"], "not_found"],
    ["an unknown id", ["GET", "/v1/employees/emp_0000000000000000"], "not_found"],
    ["an invalid body", ["POST", "/v1/projects", "-f", "nope=1"], "validation_failed"],
  ])("exits 1 on %s with the problem's code and request id", async (_name, args, problem) => {
    const { world } = await sdk.setUp();
    const { code, stdout, stderr } = await timecard(world.admin.key, args);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^error: .+ \\(${problem}, request \\S+\\)\\n$`));
  });

  it("exits 4 on an unknown key", async () => {
    const { code, stderr } = await timecard("tc_test_0000000000000000000000000000000000000000", ["GET", "/v1/me"]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/\(invalid_api_key, request \S+\)/);
  });

  it("exits 2 on an unknown method or a path without /", async () => {
    expect((await timecard("tc_test_x", ["FETCH", "/v1/me"])).code).toBe(2);
    expect((await timecard("tc_test_x", ["GET", "v1/me"])).code).toBe(2);
  });
});
