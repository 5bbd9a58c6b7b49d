import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A real HTTP receiver on 127.0.0.1 for webhook tests: it records every request exactly as it
// arrived (method, headers, raw body) and answers as the test scripts it (status, body, delay,
// or a dropped connection).

/** A request the receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  readonly body: string;
  /** `Date.now()` when the body had arrived. */
  readonly receivedAt: number;
}

/** How to answer one request. */
export interface ScriptedResponse {
  /** Default 200. */
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Drop the connection instead of answering. */
  readonly close?: boolean;
}

/** A running receiver. */
export interface Receiver {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Answers the next requests with these, in order; after them, with the default. */
  script(...responses: ScriptedResponse[]): void;
  /** How requests are answered once the script is used up (default 200 "ok"). */
  setDefault(response: ScriptedResponse | ((request: ReceivedRequest) => ScriptedResponse)): void;
  /** Resolves once `count` requests have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets the requests and the script. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a receiver on a free loopback port.
 *
 * @example
 * ```ts
 * const receiver = await startReceiver();
 * receiver.script({ status: 500 }, { status: 200 });
 * ```
 */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let queue: ScriptedResponse[] = [];
  let fallback: ScriptedResponse | ((request: ReceivedRequest) => ScriptedResponse) = { status: 200, body: "ok" };
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      requests.push(request);
      for (const waiter of waiters) waiter();
      const scripted = queue.shift();
      const response = scripted ?? (typeof fallback === "function" ? fallback(request) : fallback);
      const answer = () => {
        if (response.close) {
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        res.writeHead(response.status ?? 200, { "content-type": "text/plain", ...response.headers });
        res.end(response.body ?? "");
      };
      if (response.delayMs) setTimeout(answer, response.delayMs).unref();
      else answer();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script(...responses) {
      queue.push(...responses);
    },
    setDefault(response) {
      fallback = response;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(requests.slice());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver got ${requests.length} requests, not ${count}, within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queue = [];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
