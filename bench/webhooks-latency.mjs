// Webhook delivery latency and throughput, in one run. The reference server (the built package,
// its dispatcher on) runs in its own process on PostgreSQL (a throwaway cluster, when one is
// installed; TIMECARD_BENCH_STORAGE=pglite for in-memory PGlite), a receiver on loopback in this
// one, and an endpoint for `project.created`. Latency is from each event's `created_at` (set in
// the transaction that commits it) to the moment its POST reached the receiver, at 500 events a
// second sustained, for events made two ways:
//   - through the API: clients create projects (POST /v1/projects) at that rate;
//   - in the outbox: the server process commits the events itself (recordEvent), so the figure
//     is the dispatcher's alone, without the API's share of the machine.
// Then an unpaced burst gives deliveries per second. The baseline, in the same run: a bare
// loopback POST of an event-sized body on a new connection each time, as the dispatcher sends.
// Aim: event-to-receipt p99 under 100 ms. Needs `pnpm build`.
// `node bench/webhooks-latency.mjs` runs it alone; bench/webhooks.bench.mjs calls runLatencyBench().
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, request } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findPostgres, startPostgres } from "../scripts/postgres.mjs";

const SUPPORT = fileURLToPath(new URL("./support/webhook-server.mjs", import.meta.url));
const AIM_P99_MS = 100;

/** Milliseconds since the epoch with sub-millisecond precision (comparable with `Date`). */
const clock = () => performance.timeOrigin + performance.now();

function percentile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function startServerProcess(env) {
  const child = spawn(process.execPath, [SUPPORT], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    env: { ...process.env, ...env },
  });
  child.stdout.setEncoding("utf8");
  const [line] = await Promise.race([
    once(child.stdout, "data"),
    once(child, "exit").then(([code]) => {
      throw new Error(`the server exited with ${code}`);
    }),
  ]);
  return { child, ...JSON.parse(line) };
}

/** Asks the server process to commit `count` events at `rate` a second; resolves when they are committed. */
async function emitInServer(server, rate, count, prefix) {
  server.child.send({ type: "emit", rate, count, prefix });
  const [reply] = await once(server.child, "message");
  return reply;
}

/** A receiver that notes when each event (by its webhook-id) first arrived. */
async function startReceiver() {
  const arrivals = new Map();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = clock();
      count++;
      if (req.url === "/hook") {
        const id = String(req.headers["webhook-id"]);
        if (!arrivals.has(id)) {
          const event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          arrivals.set(id, { at, createdAt: Date.parse(event.created_at), resourceId: event.data.id });
        }
      }
      res.writeHead(204).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: server.address().port, arrivals, count: () => count };
}

/** One POST on a new connection, as the dispatcher sends it; resolves to the round trip in ms. */
function barePost(port, body) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/bare",
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(performance.now() - started));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Creates projects through the API at `rate` a second, `count` in all (open loop: sends are
 * scheduled, not held back by answers, up to 256 in flight); resolves to each project's id and
 * send time, and how long sending took.
 */
async function createProjects(server, { rate, count, prefix }) {
  const headers = { authorization: `Bearer ${server.key}`, "content-type": "application/json" };
  const sent = [];
  const pending = new Set();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
    if (pending.size >= 256) await Promise.race(pending);
    const sentAt = clock();
    const p = fetch(`${server.url}/v1/projects`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: `${prefix} ${i}` }),
    })
      .then(async (res) => {
        if (res.status !== 201) throw new Error(`POST /v1/projects answered ${res.status}: ${await res.text()}`);
        const project = await res.json();
        sent.push({ id: project.id, sentAt, answeredAt: clock() });
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return { sent, seconds: (performance.now() - start) / 1000 };
}

/** Waits until `count` events whose resource ids start with `prefix` (or are in `ids`) have arrived. */
async function waitForArrivals(receiver, matches, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const arrived = [...receiver.arrivals.values()].filter((a) => matches(a.resourceId));
    if (arrived.length >= count) return arrived;
    if (Date.now() > deadline) throw new Error(`${arrived.length} of ${count} deliveries arrived in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function latencies(arrived) {
  const values = arrived.map((a) => a.at - a.createdAt);
  const first = Math.min(...arrived.map((a) => a.createdAt));
  const last = Math.max(...arrived.map((a) => a.at));
  return {
    p50: percentile(values, 0.5),
    p99: percentile(values, 0.99),
    max: Math.max(...values),
    deliveriesPerSecond: arrived.length / ((last - first) / 1000),
  };
}

/**
 * Runs the benchmark and prints its figures; resolves to them: event-to-receipt p50/p99 at the
 * sustained rate (through the API and from the outbox), deliveries per second, the bare POST
 * baseline and the ratios.
 */
export async function runLatencyBench({ rate = 500, seconds = 5, burst = 5000, log = console.log } = {}) {
  let postgres = null;
  let storage = "PGlite (in memory)";
  const env = {};
  if (process.env.DATABASE_URL) {
    env.DATABASE_URL = process.env.DATABASE_URL;
    storage = "PostgreSQL (DATABASE_URL)";
  } else if (process.env.TIMECARD_BENCH_STORAGE !== "pglite" && findPostgres()) {
    postgres = await startPostgres(findPostgres());
    env.DATABASE_URL = postgres.url;
    storage = "PostgreSQL (throwaway cluster)";
  }
  const receiver = await startReceiver();
  let server = null;
  try {
    server = await startServerProcess(env);
    const headers = { authorization: `Bearer ${server.key}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/v1/webhook-endpoints`, {
      method: "POST",
      headers,
      body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hook`, events: ["project.created"] }),
    });
    if (created.status !== 201) throw new Error(`creating the endpoint answered ${created.status}`);

    // The baseline: bare POSTs of an event-sized body, on new connections, one at a time and 16 at once.
    const body = JSON.stringify({
      id: "evt_0000000000000000",
      type: "project.created",
      created_at: new Date().toISOString(),
      organization_id: "org_0000000000000000",
      api_version: "2026-10-01",
      data: { id: "prj_0000000000000000", name: "Bench project", status: "active", billable: true, color: "#3b82f6" },
    });
    for (let i = 0; i < 200; i++) await barePost(receiver.port, body);
    const bareTimes = [];
    for (let i = 0; i < 1000; i++) bareTimes.push(await barePost(receiver.port, body));
    const bareStart = performance.now();
    let bareSent = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (bareSent < 3000) {
          bareSent++;
          await barePost(receiver.port, body);
        }
      }),
    );
    const bare = {
      p50: percentile(bareTimes, 0.5),
      p99: percentile(bareTimes, 0.99),
      postsPerSecond: 3000 / ((performance.now() - bareStart) / 1000),
    };

    const count = Math.round(rate * seconds);
    // Warm-up (JIT, caches, connections), then the API phase.
    const warm = await createProjects(server, { rate: Math.min(rate, 200), count: 200, prefix: "Warm-up" });
    const warmIds = new Set(warm.sent.map((s) => s.id));
    await waitForArrivals(receiver, (id) => warmIds.has(id), warmIds.size, 60_000);
    const api = await createProjects(server, { rate, count, prefix: "Sustained" });
    const apiIds = new Map(api.sent.map((s) => [s.id, s]));
    const apiArrived = await waitForArrivals(receiver, (id) => apiIds.has(id), count, 120_000);
    const viaApi = {
      offeredPerSecond: count / api.seconds,
      ...latencies(apiArrived),
      requestToReceiptP99: percentile(
        apiArrived.map((a) => a.at - apiIds.get(a.resourceId).sentAt),
        0.99,
      ),
      apiP50: percentile(
        api.sent.map((s) => s.answeredAt - s.sentAt),
        0.5,
      ),
      apiP99: percentile(
        api.sent.map((s) => s.answeredAt - s.sentAt),
        0.99,
      ),
    };

    // The outbox phase, then the burst from the outbox.
    let viaOutbox = null;
    let burstResult = null;
    const outbox = await emitInServer(server, rate, count, "sus");
    if (outbox.type === "emitted") {
      const arrived = await waitForArrivals(receiver, (id) => id.startsWith("prj_sus"), count, 120_000);
      viaOutbox = { offeredPerSecond: count / outbox.seconds, ...latencies(arrived) };
      const burstRun = await emitInServer(server, 1_000_000, burst, "bur");
      const burstArrived = await waitForArrivals(receiver, (id) => id.startsWith("prj_bur"), burst, 120_000);
      burstResult = { events: burst, committedPerSecond: burst / burstRun.seconds, ...latencies(burstArrived) };
    }

    const result = { storage, rate, seconds, events: count, viaApi, viaOutbox, burst: burstResult, bare };
    const best = viaOutbox ?? viaApi;
    result.meetsAim = best.p99 < AIM_P99_MS;
    const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;
    const line = (label, r) =>
      `  ${label.padEnd(34)} ${r.offeredPerSecond.toFixed(0).padStart(4)}/s offered   p50 ${ms(r.p50)}   p99 ${ms(r.p99)}   ${r.deliveriesPerSecond.toFixed(0).padStart(4)} deliveries/s`;
    log(`Webhook event-to-receipt latency, ${count} project.created events at ${rate}/s for ${seconds} s, ${storage}`);
    log(line("events through the API", viaApi));
    log(
      `    (POST /v1/projects answered in p50 ${ms(viaApi.apiP50).trim()}, p99 ${ms(viaApi.apiP99).trim()}; request sent → receipt p99 ${ms(viaApi.requestToReceiptP99).trim()})`,
    );
    if (viaOutbox) log(line("events from the outbox (no API)", viaOutbox));
    else log("  events from the outbox: skipped (this build of @timecard/server does not export recordEvent)");
    log(
      `  bare loopback POST (baseline)      one at a time p50 ${ms(bare.p50)}   p99 ${ms(bare.p99)}   ${bare.postsPerSecond.toFixed(0)} POSTs/s 16 at once`,
    );
    if (burstResult) {
      log(
        `  burst of ${burst} from the outbox: ${burstResult.deliveriesPerSecond.toFixed(0)} deliveries/s (committed at ${burstResult.committedPerSecond.toFixed(0)}/s)`,
      );
    }
    log(
      `ratio event-to-receipt / bare POST: p50 ×${(best.p50 / bare.p50).toFixed(1)}, p99 ×${(best.p99 / bare.p99).toFixed(1)}${burstResult ? `; burst deliveries / bare POSTs: ${(burstResult.deliveriesPerSecond / bare.postsPerSecond).toFixed(2)} of the throughput` : ""}`,
    );
    log(
      `event-to-receipt p99 at ${rate}/s: ${best.p99.toFixed(1)} ms ${viaOutbox ? "from the outbox" : "through the API"} (aim < ${AIM_P99_MS} ms)${result.meetsAim ? "" : "  ABOVE AIM"}; through the API ${viaApi.p99.toFixed(1)} ms`,
    );
    return result;
  } finally {
    if (server) {
      server.child.kill("SIGTERM");
      await once(server.child, "exit");
    }
    receiver.server.closeAllConnections?.();
    await new Promise((resolve) => receiver.server.close(resolve));
    postgres?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLatencyBench();
}
