// Finds the pinned pnpm (package.json `packageManager`), or runs it through npx when the
// machine has none or another version: the quick start needs only Node and npm.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const PINNED = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).packageManager.split("@")[1];

/** The command that runs the pinned pnpm, as [file, ...leading args]. */
export function pnpmCommand() {
  try {
    const version = execFileSync("pnpm", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (version === PINNED) return ["pnpm"];
  } catch {
    // not installed: fall through to npx
  }
  return ["npx", "--yes", `pnpm@${PINNED}`];
}

/** Runs a command in the repository root with inherited output; returns its exit code. */
export function run(file, args, options = {}) {
  const result = spawnSync(file, args, { cwd: ROOT, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Installs the workspace's dependencies unless node_modules is already current with the lockfile. */
export function ensureInstalled() {
  const marker = join(ROOT, "node_modules/.modules.yaml");
  const lock = join(ROOT, "pnpm-lock.yaml");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const [file, ...lead] = pnpmCommand();
  console.log(`Installing dependencies with pnpm ${PINNED}…`);
  const code = run(file, [...lead, "install", "--frozen-lockfile"]);
  if (code !== 0) process.exit(code);
}
