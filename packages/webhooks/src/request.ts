import type { VerifyWebhookOptions } from "./delivery.js";
import type { HeadersLike } from "./headers.js";

/** A Fetch `Request` (Next.js, Hono's `c.req.raw`, Cloudflare Workers, Deno, Bun), or anything shaped like one. */
export interface FetchRequestLike {
  readonly headers: HeadersLike;
  readonly bodyUsed?: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What `verifyRequest` checks besides the request itself: the secret(s), tolerance and clock. */
export type VerifyRequestOptions = Omit<VerifyWebhookOptions, "payload" | "headers">;

/**
 * Reads a request's body as bytes, exactly as sent (`text()` would drop a byte-order mark and
 * replace invalid UTF-8, changing what was signed), and its headers.
 */
export async function readFetchRequest(
  request: FetchRequestLike,
): Promise<Pick<VerifyWebhookOptions, "payload" | "headers">> {
  if (request.bodyUsed === true) {
    throw new TypeError(
      "The request body was already read: verify the request before reading it (or pass request.clone()).",
    );
  }
  return { payload: new Uint8Array(await request.arrayBuffer()), headers: request.headers };
}
