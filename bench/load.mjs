// A bounded closed-loop load generator for loopback benchmarks: `concurrency` clients send
// `requests` requests in all, and the result is requests per second and latency percentiles.

/** Sends `requests` GETs to `url` from `concurrency` clients; returns { rps, p50, p99 } (ms). */
export async function load(url, { requests, concurrency = 16, headers = {} }) {
  const latencies = new Float64Array(requests);
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < requests) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status >= 500) throw new Error(`${url} answered ${res.status}`);
      latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { rps: requests / seconds, p50: at(0.5), p99: at(0.99) };
}

/** Formats a result row. */
export function row(label, r) {
  return `${label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms`;
}
