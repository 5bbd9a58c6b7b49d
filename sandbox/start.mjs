#!/usr/bin/env node
// `pnpm sandbox [--mock] [--port 4010] [--server-port 4011] [--host 127.0.0.1] [--verbose]`:
// the Timecard API on this machine.
//
// Default: the reference server (@timecard/server) in sandbox mode on an in-memory PGlite with
// the deterministic seed data (two organizations, October 2026, see
// packages/server/src/sandbox/seed.ts), behind Prism in proxy mode on --port, which refuses
// requests that break the contract (422) and reports responses that break it. The server also
// answers directly on --server-port, without validation, for load tests. Prints the fixed,
// published test keys of every role and scope.
//
// --mock: Prism alone, answering every operation from the spec's examples and refusing
// requests that break the contract (422 with the violations).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SPEC = join(ROOT, "spec/openapi.yaml");
const PRISM = join(ROOT, "node_modules/.bin/prism");
const TSUP = join(ROOT, "node_modules/.bin/tsup");
const SERVER = join(ROOT, "packages/server");
const SERVER_DIST = join(SERVER, "dist/index.js");
const SDK_DIST = join(ROOT, "packages/sdk/dist/index.d.ts");
const CACHE = join(ROOT, "node_modules/.cache/timecard-sandbox");

const { values } = parseArgs({
  options: {
    mock: { type: "boolean", default: false },
    port: { type: "string", default: process.env.PORT ?? "4010" },
    "server-port": { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    verbose: { type: "boolean", default: false },
  },
});

if (!existsSync(PRISM)) {
  console.error("Prism is not installed: run `pnpm install` (or `npm run setup`) first.");
  process.exit(1);
}

const url = `http://${values.host}:${values.port}`;
let stopping = false;

if (values.mock) await startMock();
else await startSandbox();

// ---------------------------------------------------------------------------------------------

function startPrism(args, onExit) {
  // Prism logs every request at "info", which halves its throughput; "warn" still reports every violation.
  const prism = spawn(
    PRISM,
    [...args, "--port", values.port, "--host", values.host, "--verboseLevel", values.verbose ? "info" : "warn"],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  prism.on(
    "exit",
    onExit ??
      ((code, signal) => {
        if (!stopping) console.error(`Prism exited (${signal ?? code}).`);
        process.exit(code ?? 1);
      }),
  );
  return prism;
}

async function startMock() {
  const started = performance.now();
  const prism = startPrism(["mock", SPEC]);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      stopping = true;
      prism.kill("SIGTERM");
    });
  }
  await waitUntilAnswering(url, { Authorization: "Bearer tc_test_probe" }, () => true, prism);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Timecard sandbox (mock) ready at ${url} in ${seconds} s

  Any bearer token is accepted in mock mode; answers come from the spec's examples.
  curl -H 'Authorization: Bearer tc_test_mock' ${url}/v1/me
  curl -H 'Authorization: Bearer tc_test_mock' ${url}/v1/employees
  Pick another documented response with the Prefer header: -H 'Prefer: code=409'

Press Ctrl+C to stop.`);
}

async function startSandbox() {
  const built = ensureServerBuilt();
  // Start-up is measured from here: after a build, when there was one.
  const started = built ? performance.now() : 0;
  const serverPort = values["server-port"] ?? String(Number(values.port) + 1);
  const direct = `http://${values.host}:${serverPort}`;

  // Prism reads the spec while the server starts.
  let running = null;
  let storage = null;
  const stop = async (code) => {
    if (stopping) process.exit(1); // a second Ctrl+C: no more waiting
    stopping = true;
    if (prism.exitCode === null) prism.kill("SIGTERM");
    try {
      // In-flight requests finish and the audit log is written before the database closes.
      await running?.close();
      await storage?.close();
    } finally {
      process.exit(code);
    }
  };
  const prism = startPrism(["proxy", await specAsJson(), direct, "--errors"], (code, signal) => {
    if (stopping) return;
    console.error(`Prism exited (${signal ?? code}).`);
    stop(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));

  const server = await import(pathToFileURL(SERVER_DIST).href);
  // The migrated, seeded database is cached per server build: initdb and the seed cost seconds, a copy does not.
  const cacheFile = join(CACHE, `pglite-${hashOf(SERVER_DIST)}.tar`);
  storage = await server.openSandboxStorage({ cacheFile });
  if (!storage.fromCache) removeOtherCaches(cacheFile);
  const config = server.loadServerConfig({
    TIMECARD_SANDBOX: "true",
    HOST: values.host,
    PORT: serverPort,
    LOG_LEVEL: values.verbose ? "info" : "error",
  });
  running = await server.startServer({
    config,
    storage,
    signals: [],
  });

  const admin = server.SANDBOX_KEYS.find((k) => k.role === "admin" && k.scope === "full");
  await waitUntilAnswering(url, { Authorization: `Bearer ${admin.secret}` }, (res) => res.status === 200, prism);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  const lines = [
    `Timecard sandbox ready at ${url} in ${seconds} s${storage.fromCache ? "" : " (first start: the database is cached for the next ones)"}`,
    "",
    `  ${url}  the reference server behind Prism: requests and responses are checked against spec/openapi.yaml`,
    `  ${direct}  the server directly, without validation (for load tests)`,
    `  Seed ${server.SEED_VERSION}: October 2026 of two organizations, with a few sessions running now.`,
    "  Reset it: POST /v1/sandbox/reset with an admin key. Keys below allow 10,000 requests an hour.",
    `  Webhooks: endpoints may point at localhost, retries come after ${config.webhooks.retryScheduleSeconds.map(duration).join(", ")};`,
    "  POST /v1/sandbox/trigger sends any event type (or run examples/webhook-receiver.ts).",
    `  OAuth in a browser: open ${direct}/oauth/authorize?… (Prism's proxy follows redirects, so the`,
    "  authorization page and its 302 must be reached directly; the token endpoint works on both ports).",
  ];
  const byOrganization = new Map();
  for (const k of server.SANDBOX_KEYS)
    byOrganization.set(k.organizationId, [...(byOrganization.get(k.organizationId) ?? []), k]);
  for (const keys of byOrganization.values()) {
    const first = keys[0];
    lines.push("", `${first.organizationName} (${first.organizationId}, ${first.country})`);
    for (const k of keys) lines.push(`  ${k.role.padEnd(8)}  ${k.scope.padEnd(4)}  ${k.secret}  ${k.employeeName}`);
  }
  lines.push(
    "",
    `  curl -H 'Authorization: Bearer ${admin.secret}' ${url}/v1/me`,
    `  curl -H 'Authorization: Bearer ${admin.secret}' '${url}/v1/sessions?status=running'`,
    `  curl -X POST -H 'Authorization: Bearer ${admin.secret}' ${url}/v1/sandbox/reset`,
    "",
    "Press Ctrl+C to stop.",
  );
  console.log(lines.join("\n"));
}

/** Seconds as people read them: `5 s`, `2 min`, `1 h`. */
function duration(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

function hashOf(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
}

/** Removes the databases cached for earlier builds (about 40 MB each). */
function removeOtherCaches(keep) {
  for (const name of readdirSync(CACHE)) {
    const file = join(CACHE, name);
    if (name.startsWith("pglite-") && file !== keep) rmSync(file, { force: true });
  }
}

/**
 * spec/openapi.yaml as JSON, for Prism: the same document, which Prism reads faster than YAML
 * (cached per version of the spec).
 */
async function specAsJson() {
  const file = join(CACHE, `openapi-${hashOf(SPEC)}.json`);
  if (!existsSync(file)) {
    const { parse } = await import("yaml");
    mkdirSync(CACHE, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(parse(readFileSync(SPEC, "utf8"))));
    renameSync(partial, file);
  }
  return file;
}

/**
 * Builds @timecard/server when its dist is missing or older than its sources (and the SDK, whose
 * types it needs, when that was never built). Returns whether it built.
 */
function ensureServerBuilt() {
  const newest = (path) => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  const sources = Math.max(
    newest(join(SERVER, "src")),
    newest(join(SERVER, "package.json")),
    newest(join(SERVER, "tsup.config.ts")),
  );
  if (existsSync(SERVER_DIST) && statSync(SERVER_DIST).mtimeMs >= sources) return false;
  const steps = [...(existsSync(SDK_DIST) ? [] : [join(ROOT, "packages/sdk")]), SERVER];
  for (const cwd of steps) {
    console.log(`Building ${cwd.slice(ROOT.length + 1)} …`);
    const { status } = spawnSync(TSUP, ["--silent"], { cwd, stdio: ["ignore", "ignore", "inherit"] });
    if (status !== 0) {
      console.error(`The build of ${cwd} failed; run \`pnpm build\` to see why.`);
      process.exit(1);
    }
  }
  return true;
}

async function waitUntilAnswering(target, headers, ok, prism) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${target}/v1/me`, { headers });
      if (ok(res)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  console.error(`The sandbox did not answer on ${target} within 60 s.`);
  stopping = true;
  prism.kill("SIGTERM");
  process.exit(1);
}
