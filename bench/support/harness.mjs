// What the benchmarks share: child processes that print one JSON line once ready, and the
// statistics of interleaved rounds.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const SUPPORT = fileURLToPath(new URL(".", import.meta.url));

/** Starts `bench/support/<script>` and resolves with the JSON line it prints once ready (and the child). */
export async function startProcess(script, args = [], env = {}) {
  const child = spawn(process.execPath, [`${SUPPORT}${script}`, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  child.stdout.setEncoding("utf8");
  const [line] = await Promise.race([
    once(child.stdout, "data"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${script} exited with ${code}`);
    }),
  ]);
  return { child, ...JSON.parse(line) };
}

/** Stops a child started by `startProcess` and waits for it to exit. */
export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

/** A seeded PRNG (mulberry32), so every run shuffles the same way. */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher–Yates) with `random`, and returns it. */
export function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
