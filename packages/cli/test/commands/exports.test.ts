import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useSdkTestServer } from "../../../sdk/test/server-support.js";
import { createWorld, type World } from "../../../server/test/support/harness.js";
import { insertSession } from "../../../server/test/support/rows.js";
import { progressBar } from "../../src/commands/exports.js";
import { BIN, runCli } from "../support/cli.js";

// `timecard exports create … -o file` against the real reference server with its export worker
// running, as a deployed server runs it: the CLI polls until the file is written and downloads it.

const sdk = useSdkTestServer();
let world: World;
let dir = "";

const env = () => ({ TIMECARD_API_KEY: world.admin.key, TIMECARD_BASE_URL: sdk.baseUrl });
const timecard = (args: string[]) => runCli(args, { env: env() });

/**
 * Runs `command` without blocking this process (whose event loop serves the API), answering its
 * exit code and stdout's bytes.
 */
function exec(command: string, args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: "", ...env() } });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end();
  });
}

/** The bytes of an export's file as the API serves them. */
async function served(id: string): Promise<Buffer> {
  const response = await fetch(`${sdk.baseUrl}/v1/exports/${id}/file`, {
    headers: { authorization: `Bearer ${world.admin.key}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  sdk.server.clock.set("2026-12-05T10:00:00Z");
  await sdk.server.app.exports.start();
  // A Czech organization: Money S3 attendance is a Czech program. The employee worked in
  // November, approved; the colleague too, but has no payroll number.
  world = await createWorld(sdk.server, "CZ");
  for (const employeeId of [world.employee.id, world.colleague.id])
    await insertSession(sdk.server, world, {
      employeeId,
      projectId: null,
      start: "2026-11-02T07:00:00Z",
      end: "2026-11-02T15:00:00Z",
      approval: "approved",
    });
  const numbered = await timecard(["employees", "update", world.employee.id, "--payroll-number", "00042"]);
  expect(numbered.code, numbered.stderr).toBe(0);
  dir = await mkdtemp(join(tmpdir(), "timecard-exports-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("timecard exports create", () => {
  it("waits for the export and writes its file unchanged, with no progress bar outside a terminal", async () => {
    const file = join(dir, "dochazka.xml");
    const run = await timecard([
      "exports",
      "create",
      "--format",
      "money-s3-dochazka",
      "--month",
      "2026-11",
      "--employee",
      world.employee.id,
      "-o",
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^status\s+completed$/m);
    const id = run.stdout.match(/^id\s+(exp_\S+)$/m)?.[1] ?? "";
    expect(run.stderr).toMatch(new RegExp(`^Export ${id} \\(money-s3-dochazka, 2026-11\\) queued\\.$`, "m"));
    expect(run.stderr).toMatch(new RegExp(`^Wrote \\d+ bytes to ${file.replace(/[.]/g, "\\.")}`, "m"));
    expect(run.stderr).not.toContain("\r");
    expect(run.stderr).not.toContain("[#");

    const bytes = await readFile(file);
    expect(bytes.equals(await served(id))).toBe(true);
    expect(bytes.toString("utf8")).toContain("<OsobniCislo>00042</OsobniCislo>");
    const exported = await sdk.client(world.admin.key).exports.get(id);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(exported.file?.sha256);
    expect(exported.employee_ids).toEqual([world.employee.id]);
  });

  it("writes the file to stdout with -o -, and downloads it again with exports download", async () => {
    const piped = await exec(process.execPath, [
      BIN,
      "exports",
      "create",
      "--format",
      "money-s3-dochazka",
      "--month",
      "2026-11",
      "--employee",
      world.employee.id,
      "-o",
      "-",
    ]);
    expect(piped.code, piped.stderr).toBe(0);
    const id = piped.stderr.match(/Export (exp_\S+)/)?.[1] ?? "";
    expect(piped.stdout.equals(await served(id))).toBe(true);

    const again = join(dir, "again.xml");
    const download = await timecard(["exports", "download", id, "-o", again]);
    expect(download.code, download.stderr).toBe(0);
    expect((await readFile(again)).equals(piped.stdout)).toBe(true);
  });

  it("draws a progress bar on stderr when it is a terminal", async () => {
    const file = join(dir, "tty.xml");
    const command = [BIN, "exports", "create", "--format", "money-s3-dochazka", "--month", "2026-11", "-o", file]
      .map((word) => `'${word}'`)
      .join(" ");
    // `script` runs the CLI on a pseudo-terminal (util-linux).
    const run = await exec("script", [
      "-qec",
      `'${process.execPath}' ${command} --employee ${world.employee.id}`,
      "/dev/null",
    ]);
    expect(run.code, run.stdout.toString()).toBe(0);
    expect(run.stdout.toString()).toContain("\r[##############################] 100%  completed");
    expect(await readFile(file, "utf8")).toContain("<OsobniCislo>00042</OsobniCislo>");
  });

  it("exits 1 for a failed export with its message, code and the employees to fix", async () => {
    const file = join(dir, "never.xml");
    const run = await timecard([
      "exports",
      "create",
      "--format",
      "money-s3-dochazka",
      "--month",
      "2026-11",
      "--employee",
      `${world.employee.id},${world.colleague.id}`,
      "-o",
      file,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(
        `^error: export exp_\\S+ failed: .+ \\(missing_identifiers\\); employees to fix: ${world.colleague.id}\\n$`,
        "m",
      ),
    );
    await expect(readFile(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("answers at once with --no-wait, and refuses --no-wait with -o or a missing month", async () => {
    const queued = await timecard([
      "exports",
      "create",
      "--format",
      "money-s3-dochazka",
      "--month",
      "2026-11",
      "--employee",
      world.employee.id,
      "--no-wait",
      "--json",
    ]);
    expect(queued.code, queued.stderr).toBe(0);
    expect(JSON.parse(queued.stdout)).toMatchObject({ id: expect.stringMatching(/^exp_/), status: "queued" });
    const both = await timecard([
      "exports",
      "create",
      "--format",
      "money-s3-dochazka",
      "--month",
      "2026-11",
      "--no-wait",
      "-o",
      "x",
    ]);
    expect(both.code).toBe(2);
    const month = await timecard(["exports", "create", "--format", "money-s3-dochazka"]);
    expect(month.code).toBe(2);
    expect(month.stderr).toContain("missing required option '--month'");
  });
});

describe("progressBar", () => {
  it.each([
    [0, "queued", "[..............................]   0%  queued"],
    [45, "running", "[##############................]  45%  running"],
    [100, "completed", "[##############################] 100%  completed"],
    [140, "completed", "[##############################] 100%  completed"],
  ])("%i%% %s", (percent, status, bar) => {
    expect(progressBar(percent, status)).toBe(bar);
  });
});
