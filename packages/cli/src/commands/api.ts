import type { Timecard } from "@timecard/sdk";
import { type CommandContext, clientFor } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { json } from "../output.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

type RawCall = (
  path: string,
  init: { params?: { query?: Record<string, unknown> }; body?: unknown; parseAs: "text" },
) => Promise<{ data?: string; error?: unknown; response: Response }>;

/** `-f key=value` fields as an object: values parsed as JSON when they parse, `key[]=v` appending to an array. */
export function parseFields(fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const eq = field.indexOf("=");
    if (eq <= 0) throw new CliError(`-f takes key=value, got "${field}"`, EXIT.USAGE);
    const raw = field.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    const key = field.slice(0, eq);
    if (key.endsWith("[]")) {
      const name = key.slice(0, -2);
      const list = Array.isArray(out[name]) ? (out[name] as unknown[]) : [];
      out[name] = [...list, value];
    } else out[key] = value;
  }
  return out;
}

/** `timecard api <METHOD> <path>`: one raw call (or every page) through the SDK's client. */
export async function api(
  ctx: CommandContext,
  methodName: string,
  path: string,
  flags: { field: string[]; paginate?: boolean },
): Promise<void> {
  const method = methodName.toUpperCase() as Method;
  if (!METHODS.includes(method))
    throw new CliError(`unknown method "${methodName}"; use ${METHODS.join(", ")}`, EXIT.USAGE);
  if (!path.startsWith("/")) throw new CliError(`the path must start with "/", as in /v1/employees`, EXIT.USAGE);
  if (flags.paginate && method !== "GET") throw new CliError("--paginate works with GET only", EXIT.USAGE);
  const fields = parseFields(flags.field);
  const { client } = await clientFor(ctx);
  const inQuery = method === "GET" || method === "DELETE";
  const send = (query: Record<string, unknown>) =>
    call(client, method, path, inQuery ? query : {}, inQuery || flags.field.length === 0 ? undefined : fields);

  if (!flags.paginate) {
    const body = await send(fields);
    if (body === undefined) return;
    ctx.io.stdout(typeof body === "string" ? body : json(body));
    return;
  }
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = (await send(cursor ? { ...fields, cursor } : fields)) as {
      data?: unknown[];
      has_more?: boolean;
      next_cursor?: string | null;
    };
    if (!Array.isArray(page?.data)) throw new CliError(`${path} is not a list: it answered no data array`);
    if (ctx.options.json) items.push(...page.data);
    else for (const item of page.data) ctx.io.stdout(`${JSON.stringify(item)}\n`);
    cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
  } while (cursor);
  if (ctx.options.json) ctx.io.stdout(json(items));
}

async function call(
  client: Timecard,
  method: Method,
  path: string,
  query: Record<string, unknown>,
  body: unknown,
): Promise<unknown> {
  const raw = client.raw as unknown as Record<Method, RawCall>;
  const { data, error, response } = await raw[method](path, {
    params: { query },
    ...(body === undefined ? {} : { body }),
    parseAs: "text",
  });
  if (!response.ok) throw await apiError(response, error);
  if (data === undefined || data === "") return undefined;
  return /\bjson\b/i.test(response.headers.get("content-type") ?? "") ? JSON.parse(data) : data;
}

/** The SDK's typed error for an error answer of the raw client (the same classes its methods throw). */
async function apiError(response: Response, body: unknown): Promise<Error> {
  const { errorFromResponse } = await import("@timecard/sdk");
  return errorFromResponse(response, body);
}
