#!/usr/bin/env node
// `pnpm lint:spec`: Redocly and Spectral over spec/openapi.yaml, 0 errors and 0 warnings,
// then the contract's own rules (scripts/spec-check.mjs).
import { join } from "node:path";
import { ROOT, run } from "./pnpm.mjs";

const bin = (name) => join(ROOT, "node_modules/.bin", name);
const env = { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" };
const checks = [
  [bin("redocly"), ["lint", "spec/openapi.yaml", "--format", "stylish"]],
  [bin("spectral"), ["lint", "spec/openapi.yaml", "--ruleset", "spec/.spectral.yaml", "--fail-severity", "warn"]],
  ["node", ["scripts/spec-check.mjs"]],
];
let failed = 0;
for (const [file, args] of checks) if (run(file, args, { env }) !== 0) failed++;
process.exit(failed ? 1 : 0);
