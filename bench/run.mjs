#!/usr/bin/env node
// `pnpm bench [name…]`: runs bench/<name>.bench.mjs (all of them when no name is given).
// Every benchmark measures its baseline in the same run and prints its figures as ratios,
// because the machines that run it are noisy and shared.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(DIR)
  .filter((f) => f.endsWith(".bench.mjs"))
  .map((f) => f.slice(0, -".bench.mjs".length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n== ${name} ==`);
  const { status } = spawnSync(process.execPath, [join(DIR, `${name}.bench.mjs`)], { stdio: "inherit" });
  if (status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
