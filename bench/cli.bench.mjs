// `pnpm bench cli`: cold start of `timecard --help` (the built CLI, packages/cli/dist/bin.js)
// against bare `node -e 0`, alternating in one run, as a ratio of the medians (aim ≤ 1.3×).
// Needs `pnpm --filter @timecard/cli build`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { median, seeded, shuffle } from "./support/harness.mjs";

const BIN = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
const ROUNDS = 40;
const AIM = 1.3;

if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run pnpm --filter @timecard/cli build first`);
  process.exit(1);
}

const CASES = {
  baseline: ["-e", "0"],
  help: [BIN, "--help"],
  version: [BIN, "--version"],
};

/** Milliseconds from spawning `node …args` to its exit; fails on a non-zero exit. */
function time(args) {
  const start = performance.now();
  const { status, stderr } = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = performance.now() - start;
  if (status !== 0) throw new Error(`node ${args.join(" ")} exited with ${status}: ${stderr}`);
  return elapsed;
}

const samples = Object.fromEntries(Object.keys(CASES).map((name) => [name, []]));
const random = seeded(6);
for (const name of Object.keys(CASES)) time(CASES[name]); // warm the file system cache
for (let round = 0; round < ROUNDS; round++) {
  // Each round runs every case once, in a shuffled order, so drift hits them alike.
  for (const name of shuffle(Object.keys(CASES), random)) samples[name].push(time(CASES[name]));
}

const base = median(samples.baseline);
console.log(`cold start, median of ${ROUNDS} alternating runs each`);
console.log(`node -e 0 (baseline)       ${base.toFixed(1)} ms`);
for (const name of ["help", "version"]) {
  const m = median(samples[name]);
  console.log(`timecard --${name.padEnd(16)} ${m.toFixed(1)} ms  ratio ×${(m / base).toFixed(2)}`);
}
const ratio = median(samples.help) / base;
console.log(`ratio timecard --help / node -e 0: ×${ratio.toFixed(2)} (aim ≤ ${AIM})`);
