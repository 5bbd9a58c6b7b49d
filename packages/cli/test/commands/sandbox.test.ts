import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../server/test/support/ports.js";
import { BIN, runCli, startCli } from "../support/cli.js";

// `timecard sandbox` runs the repository's sandbox/start.mjs; installed from npm, outside a
// checkout, it says how to get the sandbox.

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "timecard-sandbox-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("timecard sandbox", () => {
  it("outside a checkout (installed from npm), exits 1 and says how to get the sandbox", async () => {
    // The built CLI as npm installs it: its dist and package.json, away from the repository.
    const installed = join(dir, "node_modules", "@timecard", "cli");
    await mkdir(installed, { recursive: true });
    await cp(dirname(BIN), join(installed, "dist"), { recursive: true });
    await writeFile(
      join(installed, "package.json"),
      JSON.stringify({ name: "@timecard/cli", version: "0.1.0", type: "module" }),
    );
    const { spawn } = await import("node:child_process");
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(installed, "dist", "bin.js"), "sandbox", "--mock"], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: "1" },
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: no Timecard repository found here\./);
    expect(run.stderr).toContain("git clone https://github.com/timecard/timecard.git");
    expect(run.stderr).toContain("npm run sandbox");
  });

  it("exits 1 when TIMECARD_REPOSITORY is not a checkout", async () => {
    const run = await runCli(["sandbox"], { env: { TIMECARD_REPOSITORY: dir } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`TIMECARD_REPOSITORY (${dir}) is not a checkout of the Timecard repository`);
  });

  it("starts the mock sandbox (Prism) from the repository, which answers, and stops it with Ctrl-C", async () => {
    const port = await freePort();
    const sandbox = startCli(["sandbox", "--mock", "--port", String(port)]);
    try {
      await sandbox.waitFor("stdout", /Timecard sandbox \(mock\) ready at http:\/\/127\.0\.0\.1:\d+/, 60_000);
      const me = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: "Bearer tc_test_mock" } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user: { id: expect.stringMatching(/^emp_/) } });
    } finally {
      const run = await sandbox.stop("SIGINT");
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    }
    // Prism went with it.
    await expect(fetch(`http://127.0.0.1:${port}/v1/me`)).rejects.toThrow();
  }, 90_000);
});
