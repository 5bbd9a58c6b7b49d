#!/usr/bin/env node
// `pnpm docs`: the API reference (Redocly, from the spec) into docs/api/, and each package's
// TypeScript reference (typedoc, from its JSDoc) into docs/reference/<package>/.
import { join } from "node:path";
import { pnpmCommand, ROOT, run } from "./pnpm.mjs";

const env = { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" };
const [pnpm, ...lead] = pnpmCommand();
const steps = [
  [join(ROOT, "node_modules/.bin/redocly"), ["build-docs", "spec/openapi.yaml", "-o", "docs/api/index.html"]],
  [pnpm, [...lead, "-r", "--filter", "./packages/**", "run", "docs"]],
];
for (const [file, args] of steps) {
  const code = run(file, args, { env });
  if (code !== 0) process.exit(code);
}
console.log("API reference: docs/api/index.html; package references: docs/reference/");
