import { type ChildProcess, spawn } from "node:child_process";
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

/** Runs the built CLI as a subprocess, as a terminal user would, to its end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return startCli(args, options).finished;
}

/** A CLI process that keeps running (listen, audit tail, sandbox): its output so far, and how to stop it. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `stream`'s output so far matches `pattern`; rejects when the process exits first or after `timeoutMs`. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves to the run once the process has exited on its own. */
  readonly finished: Promise<Run>;
  /** Sends `signal` (default SIGINT, as Ctrl-C does) and resolves to the finished run. */
  stop(signal?: NodeJS.Signals): Promise<Run>;
}

/** Starts the built CLI as a subprocess and leaves it running. */
export function startCli(args: readonly string[], options: RunOptions = {}): RunningCli {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    env: { ...cleanEnv(), ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stdout += chunk;
    changed();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output.stderr += chunk;
    changed();
  });
  const closed = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      changed();
      resolve({ code, stdout: output.stdout, stderr: output.stderr });
    });
  });
  child.stdin?.end(options.input ?? "");
  return {
    child,
    finished: closed,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitFor(stream, pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output[stream].match(pattern);
          if (match) return done(() => resolve(match));
          if (child.exitCode !== null || child.signalCode !== null)
            done(() =>
              reject(
                new Error(`the CLI exited (${child.exitCode}) before ${pattern}:\n${output.stdout}\n${output.stderr}`),
              ),
            );
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms:\n${output[stream]}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = "SIGINT") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return closed;
    },
  };
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
