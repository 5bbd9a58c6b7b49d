import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPERATIONS } from "@timecard/sdk";
import { describe, expect, it } from "vitest";
import { BIN, runCli } from "./support/cli.js";

const RECORD_LOADS = fileURLToPath(new URL("./support/record-loads.mjs", import.meta.url));

/** The module URLs a run of the CLI resolved. */
async function loadedBy(args: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "timecard-loads-"));
  try {
    const log = join(dir, "loads.txt");
    const run = await runCli(args, { nodeArgs: ["--import", RECORD_LOADS], env: { TIMECARD_LOAD_LOG: log } });
    expect(run.code).toBe(0);
    return (await readFile(log, "utf8")).trim().split("\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const isSdk = (url: string) => url.includes("/packages/sdk/") || url.includes("@timecard/sdk");

describe("timecard", () => {
  it("prints its version", async () => {
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists every operation of the API as JSON", async () => {
    const { code, stdout } = await runCli(["operations", "--json"]);
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { operationId: string }[]).map((op) => op.operationId);
    expect(ids.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it("filters operations by resource in a table", async () => {
    const { code, stdout } = await runCli(["operations", "--tag", "employees"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RESOURCE\s+METHOD\s+PATH\s+SCOPE\s+OPERATION$/);
    expect(lines.slice(1).every((l) => l.startsWith("Employees "))).toBe(true);
    expect(stdout).toContain("createEmployee");
    expect(stdout).not.toContain("\u001b[");
  });

  it("exits 2 with the known tags for an unknown one", async () => {
    const { code, stderr } = await runCli(["operations", "--tag", "nope"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Employees");
  });

  it("exits 2 on an unknown flag or command, naming it", async () => {
    const flag = await runCli(["whoami", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    expect(flag.stdout).toBe("");
    expect((await runCli(["bogus"])).code).toBe(2);
  });

  it("exits 2 on a missing argument, naming it", async () => {
    const { code, stderr } = await runCli(["api", "GET"]);
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'path'");
  });

  it("colours tables on a terminal only, and never with NO_COLOR", async () => {
    // `script` (util-linux) runs the CLI on a pseudo-terminal.
    const onTerminal = (env: Record<string, string>) =>
      spawnSync("script", ["-qec", `'${process.execPath}' '${BIN}' operations --tag employees`, "/dev/null"], {
        env: { PATH: process.env.PATH, ...env },
        encoding: "utf8",
      });
    const coloured = onTerminal({});
    expect(coloured.status).toBe(0);
    expect(coloured.stdout).toContain("\u001b[1mRESOURCE");
    const plain = onTerminal({ NO_COLOR: "1" });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^RESOURCE\s+METHOD/m);
    expect(plain.stdout).not.toContain("\u001b[");
    // Piped: no colour either (runCli's stdout is a pipe).
    expect((await runCli(["operations", "--tag", "employees"], { env: { NO_COLOR: undefined } })).stdout).not.toContain(
      "\u001b[",
    );
  });

  it("prints --help without loading the SDK", async () => {
    const loaded = await loadedBy(["--help"]);
    expect(loaded.some((url) => url.endsWith("/dist/bin.js"))).toBe(true);
    expect(loaded.filter(isSdk)).toEqual([]);
  });

  it("loads the SDK once a command needs it", async () => {
    expect((await loadedBy(["operations", "--json"])).some(isSdk)).toBe(true);
  });
});
