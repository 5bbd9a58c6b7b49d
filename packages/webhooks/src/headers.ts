/** A Fetch `Headers` (or anything with the same `get`). */
export interface HeadersLike {
  get(name: string): string | null;
}

/** Request headers in any common shape: Fetch `Headers`, Node's `IncomingHttpHeaders`, a plain object. */
export type WebhookHeaders = HeadersLike | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header case-insensitively; repeated values are joined with `separator`. */
export function readHeader(headers: WebhookHeaders, name: string, separator = ", "): string | undefined {
  if (typeof (headers as HeadersLike).get === "function") {
    return (headers as HeadersLike).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === "string") values.push(value);
    else values.push(...value);
  }
  return values.length === 0 ? undefined : values.join(separator);
}
