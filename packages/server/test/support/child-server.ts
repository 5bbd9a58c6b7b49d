import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Starts the built server (test/support/server-process.mjs, on packages/server/dist) as a child
// process that a test can kill -9 and start again on the same database.

const PACKAGE = fileURLToPath(new URL("../..", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./server-process.mjs", import.meta.url));
const DIST = join(PACKAGE, "dist/index.js");

/** A running child server. */
export interface ChildServer {
  readonly process: ChildProcess;
  readonly url: string;
  /** With TIMECARD_TEST_BOOTSTRAP=true: the organization and an admin's full key. */
  readonly organizationId?: string;
  readonly key?: string;
  /** What it wrote to standard error (its warning log lines). */
  readonly stderr: () => string;
  /** Sends SIGKILL and waits for the exit: a crash, nothing is flushed. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/** The newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Why the build cannot run the child server (missing, or older than the sources), or null. CI
 * builds the packages before the tests (`pnpm test`); locally run `pnpm --filter @timecard/server build`.
 */
export function distProblem(): string | null {
  if (!existsSync(DIST)) return `${DIST} is missing: run \`pnpm --filter @timecard/server build\` first`;
  if (newest(join(PACKAGE, "src")) > statSync(DIST).mtimeMs) {
    return `${DIST} is older than packages/server/src: run \`pnpm --filter @timecard/server build\` again`;
  }
  return null;
}

/** Starts the server in a child process with `env` added to this process's environment. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const problem = distProblem();
  if (problem) throw new Error(problem);
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit").catch(() => undefined);
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding("utf8");
  let line = "";
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.stdout?.on("data", (chunk: string) => {
      line += chunk;
      const end = line.indexOf("\n");
      if (end >= 0) resolve(JSON.parse(line.slice(0, end)));
    });
    child.once("exit", (code, signal) =>
      reject(new Error(`the child server exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
  });
  const info = await ready;
  return {
    process: child,
    url: info.url as string,
    ...(info.organizationId ? { organizationId: info.organizationId } : {}),
    ...(info.key ? { key: info.key } : {}),
    stderr: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
