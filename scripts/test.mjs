#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it. Installs what is missing, then: generated files
// match the spec, packages build, lint (biome, tsc, Redocly, Spectral), and every test (vitest).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled, pnpmCommand, ROOT, run } from "./pnpm.mjs";

ensureInstalled();
const [pnpm, ...lead] = pnpmCommand();
const bin = (name) => join(ROOT, "node_modules/.bin", name);
const report = join(ROOT, ".tmp/vitest-report.json");

const steps = [
  ["generated files match the spec", "node", ["scripts/generate.mjs", "--check"]],
  ["build the packages", pnpm, [...lead, "run", "build"]],
  ["lint: biome, types, spec", pnpm, [...lead, "run", "lint"]],
  ["tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]],
];

for (const [title, file, args] of steps) {
  console.log(`\n▶ ${title}`);
  const code = run(file, args);
  if (code !== 0) {
    console.error(`\n✖ ${title} failed (exit ${code})`);
    summarize();
    process.exit(code);
  }
}
summarize();

// The plain closing line that any CI reads: "N passed, N failed".
function summarize() {
  try {
    const r = JSON.parse(readFileSync(report, "utf8"));
    console.log(
      `\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
    );
    rmSync(report);
  } catch {
    // the tests did not run: the failing step said why
  }
}
