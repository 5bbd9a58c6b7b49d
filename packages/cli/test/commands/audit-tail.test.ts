import { describe, expect, it } from "vitest";
import { useSdkTestServer } from "../../../sdk/test/server-support.js";
import { runCli, startCli } from "../support/cli.js";

// `timecard audit tail` against the real reference server: entries written after it started, once
// each, with `audit list`'s filters, and never the entries of its own polling.

const sdk = useSdkTestServer();
const env = (key: string) => ({ TIMECARD_API_KEY: key, TIMECARD_BASE_URL: sdk.baseUrl });

describe("timecard audit tail", () => {
  it("prints each new entry once, leaves out its own polls and exits 0 on Ctrl-C", async () => {
    const { world, admin } = await sdk.setUp();
    await admin.projects.create({ name: "Before the tail" });
    // The entry is written once the response is sent: wait for it, so it is before the tail's start.
    while ((await admin.auditLog.list({ path_prefix: "/v1/projects" })).data.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const tail = startCli(["audit", "tail", "--interval", "0.5"], { env: env(world.admin.key) });
    try {
      await tail.waitFor("stderr", /Press Ctrl\+C to stop/);
      const employee = await admin.employees.create({
        name: "Tailed Person",
        email: `tailed.${Date.now()}@example.com`,
      });
      await admin.employees.update(employee.id, { role: "manager" });
      await tail.waitFor("stdout", /employee\.updated/);
      await tail.waitFor("stdout", /PATCH \/v1\/employees\/emp_\S+ 200/);
      const lines = tail.stdout().trim().split("\n");
      expect(lines.filter((l) => /\sapi_request\s.*POST \/v1\/employees 201\s+req_\S+$/.test(l))).toHaveLength(1);
      expect(
        lines.filter((l) =>
          new RegExp(`\\semployee\\.updated\\s+key_\\S+\\s+127\\.0\\.0\\.1\\s+${employee.id}\\s`).test(l),
        ),
      ).toHaveLength(1);
      expect(tail.stdout()).not.toContain("/v1/audit-log");
      expect(tail.stdout()).not.toContain("POST /v1/projects");
    } finally {
      const run = await tail.stop();
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Stopped\.\n$/);
    }
  });

  it("takes audit list's filters and prints JSON lines with --json", async () => {
    const { world, admin } = await sdk.setUp();
    const tail = startCli(["audit", "tail", "--action", "employee.*", "--interval", "0.5", "--json"], {
      env: env(world.admin.key),
    });
    try {
      await tail.waitFor("stderr", /Press Ctrl\+C to stop/);
      const employee = await admin.employees.create({ name: "Filtered", email: `filtered.${Date.now()}@example.com` });
      await admin.employees.update(employee.id, { name: "Filtered Again" });
      await tail.waitFor("stdout", /employee\.updated/);
      const entries = tail
        .stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { action: string; resource: { id: string } });
      expect(entries.map((e) => [e.action, e.resource.id])).toEqual([
        ["employee.created", employee.id],
        ["employee.updated", employee.id],
      ]);
    } finally {
      expect((await tail.stop()).code).toBe(0);
    }
  });

  it("exits 1 at once when the key may not read the audit log", async () => {
    const { world } = await sdk.setUp();
    const { code, stderr } = await runCli(["audit", "tail"], { env: env(world.employee.key) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/\(forbidden, request \S+\)\n$/);
  });
});
