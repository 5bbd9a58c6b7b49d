import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Prism in proxy mode in front of `upstream`, validating every request and response against the spec. */
export interface PrismProxy {
  readonly url: string;
  /** What Prism printed: each violation it saw is a line here. */
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts `prism proxy spec/openapi.yaml <upstream> --errors` on a free port. */
export async function startPrismProxy(upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    `${ROOT}node_modules/.bin/prism`,
    ["proxy", `${ROOT}spec/openapi.yaml`, upstream, "--errors", "--port", String(port), "--verboseLevel", "warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (c) => {
    output += c;
  });
  child.stderr?.on("data", (c) => {
    output += c;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      // A spec route, so the probe itself is valid traffic (the upstream answers 401, as documented).
      await fetch(`${url}/v1/me`, { headers: { authorization: "Bearer tc_test_probe" } });
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Prism did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}
