import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandContext } from "../context.js";
import { CliError } from "../errors.js";

/** `timecard sandbox`'s flags, passed on to sandbox/start.mjs. */
export interface SandboxFlags {
  mock?: boolean;
  port?: string;
  host?: string;
  verbose?: boolean;
}

/** True when `dir` is a checkout of the Timecard repository (its root package.json is `timecard`). */
function isRepository(dir: string): boolean {
  if (!existsSync(join(dir, "sandbox", "start.mjs"))) return false;
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name === "timecard";
  } catch {
    return false;
  }
}

/** The first directory from `start` up to the root that is a checkout of the repository. */
function findUp(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isRepository(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The checkout whose sandbox to start: `TIMECARD_REPOSITORY`, else the one this CLI was built in
 * (`pnpm --filter @timecard/cli build`), else one above the current directory.
 */
export function findRepository(env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  if (env.TIMECARD_REPOSITORY) return isRepository(env.TIMECARD_REPOSITORY) ? env.TIMECARD_REPOSITORY : undefined;
  const own = ownDirectory();
  return (own === undefined ? undefined : findUp(own)) ?? findUp(cwd);
}

/** This module's directory; unknown in the CommonJS build of the library, where `import.meta` is empty. */
function ownDirectory(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

const HOW_TO_GET_IT = `The sandbox runs from the Timecard repository (it is not part of the npm package):

  git clone https://github.com/timecard/timecard.git
  cd timecard
  npm run sandbox              # installs what it needs, then starts the API on http://127.0.0.1:4010

Then run timecard sandbox inside the clone, or set TIMECARD_REPOSITORY to it, and log in with a
sandbox key: timecard login --profile sandbox --base-url http://127.0.0.1:4010`;

/**
 * `timecard sandbox [--mock]`: runs the repository's `sandbox/start.mjs` (what `pnpm sandbox`
 * runs) in the foreground, and exits as it does.
 */
export async function sandbox(ctx: CommandContext, flags: SandboxFlags): Promise<void> {
  const root = findRepository(ctx.env);
  if (!root) {
    const named = ctx.env.TIMECARD_REPOSITORY;
    throw new CliError(
      `${named ? `TIMECARD_REPOSITORY (${named}) is not a checkout of the Timecard repository` : "no Timecard repository found here"}.\n${HOW_TO_GET_IT}`,
    );
  }
  const args = [join(root, "sandbox", "start.mjs")];
  if (flags.mock) args.push("--mock");
  if (flags.port) args.push("--port", flags.port);
  if (flags.host) args.push("--host", flags.host);
  if (flags.verbose) args.push("--verbose");
  const child = spawn(process.execPath, args, { cwd: root, stdio: "inherit", env: ctx.env });
  // Ctrl+C reaches the sandbox too (one process group on a terminal); forward it when sent to us alone.
  let stopped = false;
  const forward = (signal: NodeJS.Signals) => () => {
    stopped = true;
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    const code = await new Promise<number>((done, fail) => {
      child.on("error", fail);
      child.on("exit", (exitCode, signal) => done(exitCode ?? (signal ? 0 : 1)));
    });
    // Stopped by Ctrl+C or a TERM: a clean stop, whatever the sandbox's own exit code.
    if (code !== 0 && !stopped) throw new CliError(`the sandbox exited with code ${code}`);
  } finally {
    process.removeListener("SIGINT", onInt);
    process.removeListener("SIGTERM", onTerm);
  }
}
