import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { OPERATIONS } from "@timecard/sdk";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

// The built CLI as a subprocess: what a terminal user runs.
async function timecard(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("timecard", () => {
  it("prints its version", async () => {
    const { code, stdout } = await timecard("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists every operation of the API as JSON", async () => {
    const { code, stdout } = await timecard("operations", "--json");
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { operationId: string }[]).map((op) => op.operationId);
    expect(ids.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it("filters operations by resource in a table", async () => {
    const { code, stdout } = await timecard("operations", "--tag", "employees");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RESOURCE\s+METHOD\s+PATH\s+SCOPE\s+OPERATION$/);
    expect(lines.slice(1).every((l) => l.startsWith("Employees "))).toBe(true);
    expect(stdout).toContain("createEmployee");
  });

  it("exits 2 with the known tags for an unknown one", async () => {
    const { code, stderr } = await timecard("operations", "--tag", "nope");
    expect(code).toBe(2);
    expect(stderr).toContain("Employees");
  });

  it("exits 2 on an unknown flag or command", async () => {
    expect((await timecard("operations", "--bogus")).code).toBe(2);
    expect((await timecard("bogus")).code).toBe(2);
  });
});
