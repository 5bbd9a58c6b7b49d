// Prism's validating proxy in front of an upstream, for benchmarks: quiet (violations only).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `prism proxy` on a free port; resolves once it answers. */
export async function startPrismProxy(upstream) {
  const port = await freePort();
  const child = spawn(
    `${ROOT}node_modules/.bin/prism`,
    ["proxy", `${ROOT}spec/openapi.yaml`, upstream, "--errors", "--port", String(port), "--verboseLevel", "warn"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      await fetch(`${url}/v1/me`, { headers: { authorization: "Bearer tc_test_probe" } });
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("Prism did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
