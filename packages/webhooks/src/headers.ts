/** A Fetch `Headers` (or anything with the same `get`). */
export interface HeadersLike {
  get(name: string): string | null;
}

/** Request headers in any common shape: Fetch `Headers`, Node's `IncomingHttpHeaders`, a plain object. */
export type WebhookHeaders = HeadersLike | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The Standard Webhooks headers of one delivery, as sent; `undefined` when absent. */
export interface WebhookHeaderValues {
  id: string | undefined;
  timestamp: string | undefined;
  /** `webhook-signature`, or `X-Signature` when that is absent; repeated values joined with a space. */
  signature: string | undefined;
}

const W = 0x77;
const X = 0x78;

/** Reads the webhook headers case-insensitively, in one pass over a plain object. */
export function readWebhookHeaders(headers: WebhookHeaders): WebhookHeaderValues {
  if (typeof (headers as HeadersLike).get === "function") {
    const get = (name: string) => (headers as HeadersLike).get(name) ?? undefined;
    return {
      id: get("webhook-id"),
      timestamp: get("webhook-timestamp"),
      signature: get("webhook-signature") ?? get("x-signature"),
    };
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let id: string | undefined;
  let timestamp: string | undefined;
  let signature: string | undefined;
  let xSignature: string | undefined;
  // One pass over the own and inherited enumerable names (there are none of the latter on a plain
  // object or Node's `req.headers`); only a name as long as ours and starting with w or x can match.
  for (const key in record) {
    const length = key.length;
    if (length !== 10 && length !== 11 && length !== 17) continue;
    const first = key.charCodeAt(0) | 0x20;
    if (first !== W && first !== X) continue;
    const value = record[key];
    if (value === undefined) continue;
    switch (key.toLowerCase()) {
      case "webhook-id":
        id = append(id, value, ", ");
        break;
      case "webhook-timestamp":
        timestamp = append(timestamp, value, ", ");
        break;
      case "webhook-signature":
        signature = append(signature, value, " ");
        break;
      case "x-signature":
        xSignature = append(xSignature, value, " ");
        break;
    }
  }
  return { id, timestamp, signature: signature ?? xSignature };
}

// Repeated headers are joined the way Fetch's `Headers.get` joins them (RFC 9110 §5.3).
function append(joined: string | undefined, value: string | readonly string[], separator: string): string | undefined {
  const text = typeof value === "string" ? value : value.length === 0 ? undefined : value.join(separator);
  if (text === undefined) return joined;
  return joined === undefined ? text : `${joined}${separator}${text}`;
}
