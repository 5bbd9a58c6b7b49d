import { once } from "node:events";
import { createServer } from "node:net";

/**
 * A loopback port that was free a moment ago: for a process the test starts, or, left unused,
 * as an address where nothing answers (a refused connection).
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
