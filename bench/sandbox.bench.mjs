// The sandbox's Prism: throughput with its default quiet logging (warn: violations only)
// against Prism logging every request (info), in the same run. Justifies the quiet default.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { load, row } from "./load.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REQUESTS = 3000;
const HEADERS = { Authorization: "Bearer tc_test_bench" };

async function measure(port, verbose) {
  const args = [join(ROOT, "sandbox/start.mjs"), "--mock", "--port", String(port), ...(verbose ? ["--verbose"] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  child.stdout.setEncoding("utf8");
  let out = "";
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (c) => {
      out += c;
      if (out.includes("ready at")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  child.stdout.resume();
  const url = `http://127.0.0.1:${port}/v1/employees`;
  await load(url, { requests: 200, headers: HEADERS }); // warm-up
  const result = await load(url, { requests: REQUESTS, headers: HEADERS });
  child.kill("SIGTERM");
  await once(child, "exit");
  return result;
}

const quiet = await measure(4391, false);
const verbose = await measure(4392, true);
console.log(row("prism mock, quiet (default)", quiet));
console.log(row("prism mock, per-request logging", verbose));
console.log(`ratio quiet / logging: ${(quiet.rps / verbose.rps).toFixed(2)}x throughput`);
