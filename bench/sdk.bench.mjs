// `pnpm bench sdk`: what @timecard/sdk costs its users, in one run. Needs `pnpm build`.
// 1. Per-call time of the generated methods (`projects.list({ limit: 25 })` awaited as its first
//    page, `projects.create({ name })`) and of the raw client (`raw.GET(...)`) against plain
//    `fetch` + `res.json()` of the same request (same headers; the POST with its own
//    Idempotency-Key, as the SDK adds one), sequentially and 8 at a time, against the reference
//    server (in-memory PGlite, auth, rate limit, audit) and against a bare node:http server
//    answering the bytes the reference server answered, where the SDK's own microseconds show.
//    Contenders run in short slices in a shuffled order within each round; every figure is the
//    median over rounds, and every ratio is to `fetch` in the same round (aim: method / fetch
//    ≤ 1.10 against the reference server).
// 2. Size: esbuild bundles (minified, platform neutral) of the SDK's core (src/core: the
//    runtime without the generated methods) and of the whole entry as a consumer bundles it,
//    gzipped, beside openapi-fetch's own (aim: core with openapi-fetch under 10 kB gzipped).
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { median, seeded, shuffle, startProcess, stopProcess } from "./support/harness.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SDK = `${ROOT}packages/sdk/`;
const ROUNDS = 7;
// Slices per round: fewer at a concurrency, so that each slice is many waves of calls, not a ramp.
const slicesAt = (concurrency) => (concurrency === 1 ? 6 : 3);
const ROUND_MS = 400;
const WARMUP_MS = 500;
const AIM_RATIO = 1.1;
const AIM_CORE_GZIP = 10 * 1024;
const LIST_PATH = "/v1/projects";
const LIST_LIMIT = 25;

/**
 * Runs `batch` calls of `contender`, `concurrency` at a time; returns the wall time (ms) and
 * pushes each call's latency (ms) onto `contender.latencies`.
 */
async function time(contender, batch, concurrency) {
  let next = 0;
  const latencies = contender.latencies;
  const worker = async () => {
    while (next < batch) {
      next++;
      const t0 = performance.now();
      const result = await contender.fn();
      latencies.push(performance.now() - t0);
      if (!contender.check(result)) throw new Error(`${contender.name}: unexpected result`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

/**
 * Interleaves the contenders over ROUNDS rounds at a concurrency; resolves to, per contender, the
 * median over rounds of its wall time per call (µs) and of its median call latency (µs), and the
 * median over rounds of each one's ratio to its baseline's (`baseline`, else the first contender)
 * in the same round. The latency ratio is the headline: one GC pause or a neighbour's burst moves
 * a round's mean, not its median.
 */
async function measure(contenders, concurrency, random) {
  for (const contender of contenders) {
    contender.latencies = [];
    let calls = 0;
    let elapsed = 0;
    while (elapsed < WARMUP_MS) {
      elapsed += await time(contender, 20, concurrency);
      calls += 20;
    }
    contender.batch = Math.max(concurrency, Math.round((calls / elapsed) * (ROUND_MS / slicesAt(concurrency))));
    contender.perCall = [];
    contender.p50 = [];
    contender.ratios = [];
    contender.meanRatios = [];
  }
  for (let round = 0; round < ROUNDS; round++) {
    const spent = contenders.map(() => 0);
    for (const contender of contenders) contender.latencies = [];
    for (let slice = 0; slice < slicesAt(concurrency); slice++) {
      for (const i of shuffle(
        contenders.map((_, i) => i),
        random,
      )) {
        spent[i] += await time(contenders[i], contenders[i].batch, concurrency);
      }
    }
    contenders.forEach((contender, i) => {
      contender.perCall.push((spent[i] * 1000) / (contender.batch * slicesAt(concurrency)));
      contender.p50.push(median(contender.latencies) * 1000);
    });
    for (const contender of contenders) {
      const baseline = contenders.find((c) => c.name === contender.baseline) ?? contenders[0];
      contender.ratios.push(contender.p50[round] / baseline.p50[round]);
      contender.meanRatios.push(contender.perCall[round] / baseline.perCall[round]);
    }
  }
  return Object.fromEntries(
    contenders.map((c) => [
      c.name,
      {
        perCallUs: median(c.perCall),
        p50Us: median(c.p50),
        ratio: median(c.ratios),
        meanRatio: median(c.meanRatios),
      },
    ]),
  );
}

/** Records a response as the bare server will answer it: status, the headers the SDK reads, body. */
async function recorded(response) {
  const headers = {};
  for (const name of [
    "content-type",
    "x-request-id",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
  ]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: response.status, headers, body: await response.text() };
}

async function runOverheadBench() {
  const { createTimecard } = await import(`${SDK}dist/index.js`);
  const server = await startProcess("timecard-server.mjs", [], { BENCH_RATE_LIMIT_PER_HOUR: "1000000000" });
  let bare;
  try {
    const authorization = `Bearer ${server.key}`;
    // Projects to list: a full page of 25.
    let created;
    for (let i = 0; i < LIST_LIMIT; i++) {
      created = await fetch(`${server.url}${LIST_PATH}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ name: `Bench project ${i}`, client_name: "Bench client" }),
      });
      if (created.status !== 201)
        throw new Error(`POST ${LIST_PATH} answered ${created.status}: ${await created.text()}`);
      if (i < LIST_LIMIT - 1) await created.arrayBuffer();
    }
    const list = await fetch(`${server.url}${LIST_PATH}?limit=${LIST_LIMIT}`, { headers: { authorization } });
    if (list.status !== 200) throw new Error(`GET ${LIST_PATH} answered ${list.status}: ${await list.text()}`);
    const routes = { [`GET ${LIST_PATH}`]: await recorded(list), [`POST ${LIST_PATH}`]: await recorded(created) };
    const listBytes = Buffer.byteLength(routes[`GET ${LIST_PATH}`].body);
    const listed = JSON.parse(routes[`GET ${LIST_PATH}`].body).data.length;
    bare = await startProcess("bare-http-server.mjs", [JSON.stringify(routes)]);

    const random = seeded(0x5d4c0de);
    const results = [];
    for (const [target, baseUrl] of [
      ["reference server", server.url],
      ["bare node:http", bare.url],
    ]) {
      const timecard = createTimecard({ apiKey: server.key, baseUrl });
      const listUrl = `${baseUrl}${LIST_PATH}?limit=${LIST_LIMIT}`;
      const postUrl = `${baseUrl}${LIST_PATH}`;
      let n = 0;
      const isList = (page) => page?.data?.length === listed;
      const isProject = (project) => typeof project?.id === "string";
      const contenders = [
        {
          name: "GET fetch + json()",
          check: isList,
          fn: async () => {
            const res = await fetch(listUrl, { headers: { authorization } });
            if (!res.ok) throw new Error(`GET answered ${res.status}`);
            return res.json();
          },
        },
        {
          name: "GET projects.list()",
          check: isList,
          fn: () => timecard.projects.list({ limit: LIST_LIMIT }),
        },
        {
          name: "GET raw.GET()",
          check: isList,
          fn: async () => {
            const { data, error } = await timecard.raw.GET(LIST_PATH, { params: { query: { limit: LIST_LIMIT } } });
            if (error) throw new Error(`raw.GET: ${JSON.stringify(error)}`);
            return data;
          },
        },
        {
          name: "POST fetch + json()",
          baseline: "POST fetch + json()",
          check: isProject,
          fn: async () => {
            const res = await fetch(postUrl, {
              method: "POST",
              headers: { authorization, "content-type": "application/json", "idempotency-key": randomUUID() },
              body: JSON.stringify({ name: `Bench fetch ${n++}` }),
            });
            if (res.status !== 201) throw new Error(`POST answered ${res.status}`);
            return res.json();
          },
        },
        {
          name: "POST projects.create()",
          baseline: "POST fetch + json()",
          check: isProject,
          fn: () => timecard.projects.create({ name: `Bench method ${n++}` }),
        },
      ];
      for (const concurrency of [1, 8]) {
        results.push({ target, concurrency, rows: await measure(contenders, concurrency, random) });
      }
    }
    return { results, listed, listBytes };
  } finally {
    if (bare) await stopProcess(bare.child);
    await stopProcess(server.child);
  }
}

function printOverhead({ results, listed, listBytes }) {
  console.log(
    `Per-call time, GET ${LIST_PATH}?limit=${LIST_LIMIT} (${listed} projects, ${listBytes} bytes) and POST ${LIST_PATH}`,
  );
  console.log(
    `µs per call (wall time / calls) and p50 call latency, each with its ratio to fetch of the same HTTP method in the same round; median of ${ROUNDS} rounds`,
  );
  const verdicts = [];
  for (const { target, concurrency, rows } of results) {
    console.log(`\n${target}, ${concurrency === 1 ? "sequential" : `${concurrency} concurrent`}`);
    console.log(
      `${"".padEnd(24)} ${"µs/call".padStart(9)} ${"× fetch".padStart(8)} ${"p50 µs".padStart(9)} ${"× fetch".padStart(8)}`,
    );
    for (const [name, r] of Object.entries(rows)) {
      console.log(
        `${name.padEnd(24)} ${r.perCallUs.toFixed(0).padStart(9)} ${r.meanRatio.toFixed(3).padStart(8)} ${r.p50Us.toFixed(0).padStart(9)} ${r.ratio.toFixed(3).padStart(8)}`,
      );
    }
    const get = rows["GET fetch + json()"];
    const method = rows["GET projects.list()"];
    const raw = rows["GET raw.GET()"];
    const postFetch = rows["POST fetch + json()"];
    const post = rows["POST projects.create()"];
    // Sequentially a call's latency is its cost; 8 at a time, the wall time per call is.
    const figure = concurrency === 1 ? "p50Us" : "perCallUs";
    const extra = (r, base) => `${(r[figure] - base[figure]).toFixed(0)} µs`;
    console.log(
      `SDK's own time per call (${concurrency === 1 ? "p50" : "µs/call"} − fetch's): list ${extra(method, get)}, raw.GET ${extra(raw, get)}, create ${extra(post, postFetch)}`,
    );
    if (target === "reference server") {
      const worst = Math.max(method.ratio, post.ratio);
      verdicts.push(
        `reference server, ${concurrency === 1 ? "sequential" : `${concurrency} concurrent`}: method / fetch ${worst.toFixed(3)} at worst, by p50 latency (aim ≤ ${AIM_RATIO})${worst <= AIM_RATIO ? "" : "  ABOVE AIM"}`,
      );
    }
  }
  console.log("");
  for (const verdict of verdicts) console.log(verdict);
}

async function runSizeBench() {
  // esbuild, as tsup (the packages' bundler) ships it.
  const tsup = createRequire(`${ROOT}package.json`).resolve("tsup/package.json");
  const esbuild = createRequire(tsup)("esbuild");
  const { version } = JSON.parse(await (await import("node:fs/promises")).readFile(`${SDK}package.json`, "utf8"));
  const bundle = async (label, contents, { external = [] } = {}) => {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: SDK, loader: "ts", sourcefile: `${label}.ts` },
      bundle: true,
      minify: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      mainFields: ["module", "main"],
      conditions: ["import"],
      // node:crypto is @timecard/webhooks' verifyWebhook; a bundler for the web drops or shims it.
      external: ["node:*", ...external],
      define: { __TIMECARD_SDK_VERSION__: JSON.stringify(version) },
      logLevel: "error",
    });
    const bytes = result.outputFiles[0].contents;
    return { label, minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  };
  const deps = ["openapi-fetch", "@timecard/webhooks"];
  const rows = [
    await bundle("openapi-fetch (createClient)", `export { default } from "openapi-fetch";`),
    await bundle("SDK core + openapi-fetch", `export * from "./src/core/index.ts";`),
    await bundle("SDK core alone", `export * from "./src/core/index.ts";`, { external: deps }),
    await bundle("SDK entry (dist) + deps", `export * from "./dist/index.js";`),
    await bundle("SDK entry (dist) alone", `export * from "./dist/index.js";`, { external: deps }),
  ];
  const base = rows[0];
  console.log("Bundle size: esbuild --bundle --minify (platform neutral, node:* external), gzip -9");
  console.log(
    `${"".padEnd(30)} ${"minified".padStart(10)} ${"gzipped".padStart(10)} ${"× openapi-fetch".padStart(16)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(30)} ${`${(r.minified / 1024).toFixed(1)} kB`.padStart(10)} ${`${(r.gzipped / 1024).toFixed(1)} kB`.padStart(10)} ${(r.gzipped / base.gzipped).toFixed(2).padStart(16)}`,
    );
  }
  const core = rows[1];
  console.log(
    `core with openapi-fetch: ${(core.gzipped / 1024).toFixed(1)} kB gzipped (aim < ${AIM_CORE_GZIP / 1024} kB)${core.gzipped < AIM_CORE_GZIP ? "" : "  ABOVE AIM"}`,
  );
}

printOverhead(await runOverheadBench());
console.log("");
await runSizeBench();
