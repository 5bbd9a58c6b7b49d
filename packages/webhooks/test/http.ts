import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on 127.0.0.1 with an ephemeral port; close it when done. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/timecard`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** What a test needs from a response. */
export interface Reply {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/** POSTs `chunks` without a Content-Length (chunked transfer coding), as a streaming sender would. */
export function postChunked(
  url: string,
  chunks: readonly Uint8Array[],
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"],
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** POSTs with fetch (undici), which sends a Content-Length. */
export async function post(url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Reply> {
  const response = await fetch(url, { method: "POST", body, headers });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? undefined,
    body: text ? JSON.parse(text) : undefined,
  };
}
