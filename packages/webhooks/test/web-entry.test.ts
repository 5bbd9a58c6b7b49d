import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VECTORS } from "./vectors.js";

// `@timecard/webhooks/web` must load where there is no node:crypto (nor Buffer): Cloudflare
// Workers, Vercel Edge, Deno Deploy, browsers. Checked three ways: the source module graph, the
// built files' module graph, and by running the built files with node:crypto blocked and Buffer watched.

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(PACKAGE, "src");
const DIST = join(PACKAGE, "dist");
const IMPORT =
  /(?:^|[\s;}])(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)/g;
const IMPORT_TYPE = /^\s*(?:import|export)\s+type\s/;
// TSDoc examples import other packages; only code counts.
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

/** Every module reachable from `entry` by relative specifiers, and every other specifier they use. */
function moduleGraph(entry: string, resolve: (from: string, specifier: string) => string) {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, "utf8").replace(COMMENTS, "");
    for (const statement of code.split(/;\s*\n|\n(?=import|export)/)) {
      if (IMPORT_TYPE.test(statement)) continue; // erased at build time
      for (const match of statement.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? "";
        if (specifier.startsWith(".")) visit(resolve(file, specifier));
        else external.add(specifier);
      }
    }
  };
  visit(entry);
  return { files: [...files], external: [...external] };
}

const sourceGraph = (entry: string) =>
  moduleGraph(join(SRC, entry), (from, specifier) => join(dirname(from), specifier.replace(/\.js$/, ".ts")));
const builtGraph = (entry: string) =>
  moduleGraph(join(DIST, entry), (from, specifier) => join(dirname(from), specifier));

describe("the /web entry's module graph", () => {
  it("in the sources reaches no node: module, no package and no Buffer", () => {
    const { files, external } = sourceGraph("web.ts");
    expect(files.map((f) => f.slice(SRC.length + 1)).sort()).toContain("verify-async.ts");
    expect(external).toEqual([]);
    for (const file of files) {
      expect(readFileSync(file, "utf8").replace(COMMENTS, ""), file).not.toMatch(/\bBuffer\s*[.(]/);
    }
  });

  it("in the sources of the main entry does reach node:crypto (the check can see it)", () => {
    expect(sourceGraph("index.ts").external).toContain("node:crypto");
  });

  it("is built from the current sources", () => {
    const newestSource = Math.max(
      ...readdirSync(SRC, { recursive: true, encoding: "utf8" }).map((f) => statSync(join(SRC, f)).mtimeMs),
    );
    const built = statSync(join(DIST, "web.js"), { throwIfNoEntry: false });
    expect(built?.mtimeMs ?? 0, "run `pnpm --filter @timecard/webhooks build` first").toBeGreaterThanOrEqual(
      newestSource,
    );
  });

  it.each(["web.js", "web.cjs"])("in dist/%s reaches no node: module and no package", (entry) => {
    const { files, external } = builtGraph(entry);
    expect(files.length).toBeGreaterThan(1); // the entry and the chunk it shares with index
    expect(external).toEqual([]);
    for (const file of files) expect(readFileSync(file, "utf8"), file).not.toMatch(/node:|["']crypto["']/);
  });

  it.each(["index.js", "index.cjs"])("in dist/%s does reach node:crypto (the check can see it)", (entry) => {
    expect(builtGraph(entry).external).toContain("node:crypto");
  });
});

describe("the built /web entry in a runtime without node:crypto", () => {
  const vector = VECTORS.official_sign_vectors[0];
  if (!vector) throw new Error("no sign vector");
  // What the child checks: the official vector signs and verifies, a tampered body is refused.
  const check = `
    const vector = ${JSON.stringify(vector)};
    const headers = new Headers({
      "webhook-id": vector.msg_id,
      "webhook-timestamp": String(vector.timestamp),
      "webhook-signature": vector.expected_signature,
    });
    const now = () => new Date(vector.timestamp * 1000);
    const signature = await web.signWebhookAsync({ id: vector.msg_id, timestamp: vector.timestamp, payload: vector.payload, secret: vector.secret });
    const event = await web.verifyWebhookAsync({ payload: vector.payload, headers, secret: vector.secret, now });
    const request = new Request("https://x.example/", { method: "POST", body: vector.payload, headers });
    const fromRequest = await web.verifyRequest(request, { secret: vector.secret, now });
    const tampered = await web.verifyWebhookAsync({ payload: vector.payload + " ", headers, secret: vector.secret, now }).catch((e) => e.code);
    let blocked = "not blocked";
    try { BLOCKED_PROBE; } catch (e) { blocked = e.message; }
    console.log(JSON.stringify({ signature, event, fromRequest, tampered, blocked, buffer: globalThis.bufferUsedBy ?? "unused" }));
  `;
  const expected = {
    signature: vector.expected_signature,
    event: JSON.parse(vector.payload),
    fromRequest: JSON.parse(vector.payload),
    tampered: "no_matching_signature",
    blocked: "node:crypto is blocked",
    buffer: "unused",
  };
  // Node's own fetch (undici) needs the global Buffer, so it stays, but any use of it from the
  // package's files is recorded.
  const trackBuffer = `
    const RealBuffer = globalThis.Buffer;
    Object.defineProperty(globalThis, "Buffer", {
      get() {
        // Line 0 is "Error", line 1 this getter, line 2 whoever reads Buffer.
        const caller = new Error().stack.split("\\n")[2] ?? "";
        if (caller.includes(${JSON.stringify(DIST)})) globalThis.bufferUsedBy ??= caller.trim();
        return RealBuffer;
      },
    });
  `;
  const run = (args: string[]) => {
    const child = spawnSync(process.execPath, args, { encoding: "utf8", cwd: PACKAGE });
    expect(child.stderr).toBe("");
    return JSON.parse(child.stdout);
  };

  it("works as ESM (import)", () => {
    const hooks = `export async function resolve(specifier, context, next) {
      if (specifier === "node:crypto" || specifier === "crypto") throw new Error("node:crypto is blocked");
      return next(specifier, context);
    }`;
    const main = `
      import { register } from "node:module";
      register("data:text/javascript,${encodeURIComponent(hooks)}");
      ${trackBuffer}
      const web = await import(${JSON.stringify(join(DIST, "web.js"))});
      ${check.replace("BLOCKED_PROBE", "await import('node:crypto')")}
    `;
    expect(run(["--input-type=module", "--eval", main])).toEqual(expected);
  });

  it("works as CommonJS (require)", () => {
    const main = `
      const Module = require("node:module");
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (request === "node:crypto" || request === "crypto") throw new Error("node:crypto is blocked");
        return load.call(this, request, ...rest);
      };
      ${trackBuffer}
      const web = require(${JSON.stringify(join(DIST, "web.cjs"))});
      (async () => { ${check.replace("BLOCKED_PROBE", "require('node:crypto')")} })().catch((e) => { console.error(e); process.exit(1); });
    `;
    expect(run(["--eval", main])).toEqual(expected);
  });
});
