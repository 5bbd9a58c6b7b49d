import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach } from "vitest";

/** The built CLI (`pnpm --filter @timecard/cli build`). */
export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** What one run of the CLI did. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the CLI: extra environment, stdin, and node's own flags. */
export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  /** Piped on stdin; without it stdin is an empty pipe (not a TTY). */
  readonly input?: string;
  readonly nodeArgs?: readonly string[];
}

/** The environment of the machine running the tests, without its Timecard settings. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
  for (const name of Object.keys(env)) if (name.startsWith("TIMECARD_")) delete env[name];
  return env;
}

/** Runs the built CLI as a subprocess, as a terminal user would. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      env: { ...cleanEnv(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A fresh home directory per test: HOME, XDG_CONFIG_HOME and APPDATA point into it. */
export function useTempHome(): { readonly env: Record<string, string>; readonly configFile: string } {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "timecard-cli-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get env() {
      return { HOME: dir, XDG_CONFIG_HOME: join(dir, ".config"), APPDATA: join(dir, "AppData") };
    },
    get configFile() {
      return join(dir, ".config", "timecard", "config.json");
    },
  };
}
