// `pnpm bench server`: authenticated GET /v1/sessions on the reference server (auth, per-key
// rate limit and audit on, PGlite) against a bare Fastify route answering the same JSON, and
// the same request through the sandbox's validating Prism proxy, in one run. Needs `pnpm build`.
import { load, row } from "./load.mjs";
import { startProcess, stopProcess } from "./support/harness.mjs";
import { startPrismProxy } from "./support/prism.mjs";

const REQUESTS = 2000;
const PATH = "/v1/sessions?limit=25";

const server = await startProcess("timecard-server.mjs");
const headers = { authorization: `Bearer ${server.key}` };
const sample = await fetch(`${server.url}${PATH}`, { headers });
if (sample.status !== 200) throw new Error(`GET ${PATH} answered ${sample.status}: ${await sample.text()}`);
const body = await sample.text();
const bare = await startProcess("bare-server.mjs", [body]);
const prism = await startPrismProxy(server.url);

try {
  const measure = async (url, h = {}) => {
    await load(url, { requests: 200, headers: h });
    return load(url, { requests: REQUESTS, headers: h });
  };
  const bareResult = await measure(`${bare.url}${PATH}`);
  const serverResult = await measure(`${server.url}${PATH}`, headers);
  const prismResult = await measure(`${prism.url}${PATH}`, headers);
  console.log(`GET ${PATH}, ${JSON.parse(body).data.length} sessions, ${REQUESTS} requests, 16 concurrent`);
  console.log(row("bare Fastify route (baseline)", bareResult));
  console.log(row("reference server (auth, limit, audit)", serverResult));
  console.log(row("reference server via Prism proxy", prismResult));
  console.log(
    `ratio server / bare: ${(serverResult.rps / bareResult.rps).toFixed(2)} of the throughput (aim ≥ 0.5), p99 ×${(serverResult.p99 / bareResult.p99).toFixed(2)}`,
  );
  console.log(`ratio via Prism / bare: ${(prismResult.rps / bareResult.rps).toFixed(2)} of the throughput`);
} finally {
  await prism.stop();
  await stopProcess(bare.child);
  await stopProcess(server.child);
}
