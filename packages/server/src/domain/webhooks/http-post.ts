import http from "node:http";
import https from "node:https";
import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { type Allowlist, addressRefusal, guardedLookup, type HostResolver } from "./url-safety.js";

// One webhook POST over node:http(s): a fresh connection per attempt whose address is checked
// as it is resolved (no DNS rebinding into the server's network), a hard timeout, redirects
// never followed, and at most a few hundred bytes of the answer read back for the error preview.

/** The longest error preview kept (the spec's `error_preview.maxLength`). */
export const ERROR_PREVIEW_MAX = 500;

/** What one POST gave. */
export interface PostOutcome {
  /** The endpoint's HTTP status; `null` when no response came (timeout, refused, network error). */
  readonly status: number | null;
  /** Milliseconds until the response or the timeout; `null` when no connection was made. */
  readonly durationMs: number | null;
  /** The start of the response body, or the network error; `null` when there is nothing to say. */
  readonly preview: string | null;
}

/** How to POST. */
export interface PostOptions {
  readonly timeoutMs: number;
  readonly allowlist: Allowlist;
  readonly resolve: HostResolver;
}

/**
 * POSTs `body` to `url` with `headers`. Never throws: every failure is an outcome with a
 * preview saying what happened (the address refused, the timeout, the connection error).
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: PostOptions,
): Promise<PostOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ status: null, durationMs: null, preview: "the endpoint's URL is not a valid URL" });
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return Promise.resolve({ status: null, durationMs: null, preview: "the endpoint's URL is not http or https" });
  }
  // Addresses written in the URL are not looked up, so the lookup below would not see them.
  const literal = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal)) {
    const refusal = addressRefusal(literal, literal, options.allowlist);
    if (refusal) return Promise.resolve({ status: null, durationMs: null, preview: `The URL's host ${refusal}` });
  }

  return new Promise((resolve) => {
    const started = performance.now();
    let connected = false;
    let status: number | null = null;
    let durationMs: number | null = null;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;

    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const withBody = () => {
      const text = previewOf(chunks, size);
      const location = status !== null && status >= 300 && status < 400 ? responseLocation : undefined;
      const preview = text || (location ? `redirect to ${location.slice(0, 400)} not followed` : null);
      finish({ status, durationMs, preview });
    };
    let responseLocation: string | undefined;

    const client = target.protocol === "https:" ? https : http;
    const request = client.request(target, {
      method: "POST",
      headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
      // A new connection per attempt: its address is resolved and checked every time.
      agent: false,
      lookup: guardedLookup(options.allowlist, options.resolve) as never,
    });
    const timer = setTimeout(() => {
      if (status !== null) withBody();
      else {
        finish({
          status: null,
          durationMs: options.timeoutMs,
          preview: `timed out after ${options.timeoutMs} ms waiting for a response`,
        });
      }
    }, options.timeoutMs);

    request.on("socket", (socket: Socket) => {
      socket.once("connect", () => {
        connected = true;
      });
    });
    request.on("response", (response) => {
      const code = response.statusCode ?? 0;
      if (code < 100 || code > 599) {
        finish({
          status: null,
          durationMs: Math.round(performance.now() - started),
          preview: `answered with ${code}, which is not an HTTP status`,
        });
        return;
      }
      status = code;
      durationMs = Math.round(performance.now() - started);
      const location = response.headers.location;
      responseLocation = typeof location === "string" ? location : undefined;
      response.on("data", (chunk: Buffer) => {
        if (size < ERROR_PREVIEW_MAX) {
          chunks.push(chunk);
          size += chunk.length;
        }
        if (size >= ERROR_PREVIEW_MAX) withBody();
      });
      response.on("end", withBody);
      response.on("error", withBody);
      response.on("close", withBody);
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (status !== null) {
        withBody();
        return;
      }
      finish({
        status: null,
        durationMs: connected ? Math.round(performance.now() - started) : null,
        preview: error.message || error.code || "the connection failed",
      });
    });
    request.end(body);
  });
}

/** The first bytes of a body as text, cut to the preview's length without a broken last character. */
function previewOf(chunks: readonly Buffer[], size: number): string {
  if (size === 0) return "";
  const bytes = Buffer.concat(chunks).subarray(0, ERROR_PREVIEW_MAX);
  return bytes
    .toString("utf8")
    .replace(/\uFFFD+$/, "")
    .replaceAll("\u0000", "")
    .slice(0, ERROR_PREVIEW_MAX);
}
