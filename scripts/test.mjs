#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it. Installs what is missing, then: generated files
// match the spec, packages build, lint (biome, tsc, Redocly, Spectral), and every test (vitest).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled, pnpmCommand, ROOT, run } from "./pnpm.mjs";
import { findPostgres, startPostgres } from "./postgres.mjs";

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

// The server's suite runs on PGlite and again on a real PostgreSQL. CI installs Debian's
// postgresql; a developer machine without it runs the PGlite half and says so.
let postgres = null;
const postgresBin = findPostgres();
if (process.env.TIMECARD_TEST_DATABASE_URL) {
  console.log(`PostgreSQL for the server suite: ${process.env.TIMECARD_TEST_DATABASE_URL}`);
} else if (postgresBin) {
  postgres = await startPostgres(postgresBin);
  process.env.TIMECARD_TEST_DATABASE_URL = postgres.url;
  console.log(`PostgreSQL for the server suite: started at ${postgres.url}`);
} else if (process.env.CI) {
  console.error("CI must run the server suite on PostgreSQL, but no PostgreSQL is installed (.ci/run installs it).");
  process.exit(1);
} else {
  console.warn("No PostgreSQL here (apt-get install postgresql): running the server suite on PGlite only.");
  steps[3][2].push("--project", "pglite");
}
process.on("exit", () => postgres?.stop());

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
