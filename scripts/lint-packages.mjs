#!/usr/bin/env node
// `pnpm lint:packages`: every published package as npm would ship it — publint (package.json
// and files) and arethetypeswrong (types resolve for node10, node16 CJS and ESM, and bundlers).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, run } from "./pnpm.mjs";

const bin = (name) => join(ROOT, "node_modules/.bin", name);
let failed = 0;
for (const name of readdirSync(join(ROOT, "packages")).sort()) {
  const cwd = join(ROOT, "packages", name);
  console.log(`\n@timecard/${name}`);
  if (run(bin("publint"), ["--strict"], { cwd }) !== 0) failed++;
  if (run(bin("attw"), ["--pack", ".", "--format", "table-flipped"], { cwd }) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
