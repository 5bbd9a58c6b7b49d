#!/usr/bin/env node
// `pnpm sandbox [--mock] [--port 4010] [--host 127.0.0.1]`: the Timecard API on this machine.
//
// --mock: Prism alone, answering every operation from the spec's examples and refusing
// requests that break the contract (422 with the violations). The reference server behind a
// validating Prism proxy joins when @timecard/server implements the API; until then the
// sandbox is the mock.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SPEC = join(ROOT, "spec/openapi.yaml");
const PRISM = join(ROOT, "node_modules/.bin/prism");

const { values } = parseArgs({
  options: {
    mock: { type: "boolean", default: false },
    port: { type: "string", default: process.env.PORT ?? "4010" },
    host: { type: "string", default: "127.0.0.1" },
    verbose: { type: "boolean", default: false },
  },
});

if (!existsSync(PRISM)) {
  console.error("Prism is not installed: run `pnpm install` (or `npm run setup`) first.");
  process.exit(1);
}

const started = performance.now();
const url = `http://${values.host}:${values.port}`;
// Prism logs every request at "info", which halves its throughput; "warn" still reports every violation.
const prism = spawn(
  PRISM,
  ["mock", SPEC, "--port", values.port, "--host", values.host, "--verboseLevel", values.verbose ? "info" : "warn"],
  { stdio: ["ignore", "inherit", "inherit"] },
);
prism.on("exit", (code, signal) => {
  if (!stopping) console.error(`Prism exited (${signal ?? code}).`);
  process.exit(code ?? 1);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    prism.kill("SIGTERM");
  });
}

await waitUntilAnswering(url);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (!values.mock) {
  console.log(
    "The reference server is not part of this build yet: the sandbox serves the spec's examples (mock mode).",
  );
}
console.log(`Timecard sandbox (mock) ready at ${url} in ${seconds} s

  Any bearer token is accepted in mock mode; answers come from the spec's examples.
  curl -H 'Authorization: Bearer tc_test_mock' ${url}/v1/me
  curl -H 'Authorization: Bearer tc_test_mock' ${url}/v1/employees
  Pick another documented response with the Prefer header: -H 'Prefer: code=409'

Press Ctrl+C to stop.`);

async function waitUntilAnswering(target) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      await fetch(`${target}/v1/me`, { headers: { Authorization: "Bearer tc_test_probe" } });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  console.error(`Prism did not answer on ${target} within 60 s.`);
  prism.kill("SIGTERM");
  process.exit(1);
}
