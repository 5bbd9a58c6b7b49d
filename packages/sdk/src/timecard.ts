// The WebCrypto verifier: the client loads no `node:*` module, so it runs wherever `fetch` does.
import { type VerifyWebhookOptions, verifyWebhookAsync, type WebhookEvent } from "@timecard/webhooks/web";
import { type Core, createCore, type Page, paginate, type RequestOptions, type TimecardOptions } from "./core/index.js";
import { METHOD_ROUTES, type MethodRoute, type TimecardMethods, type WebhooksMethods } from "./generated/methods.js";

/** `timecard.webhooks`: the webhook endpoint and delivery methods, and the signature verifier. */
export interface TimecardWebhooks extends WebhooksMethods {
  // Spelled out rather than `typeof verifyWebhook`, whose JSDoc links to names of `@timecard/webhooks`
  // that this package's reference does not hold.
  /**
   * Verifies a delivery's signature and resolves to the typed event: `verifyWebhookAsync` of
   * `@timecard/webhooks/web` (WebCrypto, in Node, browsers and edge runtimes alike). Rejects with
   * its `WebhookVerificationError` when a header is missing or malformed, the timestamp is outside
   * the tolerance, or no signature matches. For a synchronous verifier on Node, import
   * `verifyWebhook` from `@timecard/webhooks`.
   */
  readonly verify: (options: VerifyWebhookOptions) => Promise<WebhookEvent>;
}

/** The Timecard client: the generated methods grouped by tag, the raw typed client and the rate-limit state. */
export interface Timecard extends Omit<TimecardMethods, "webhooks"> {
  /** The typed openapi-fetch client, answering `{ data, error, response }`; it shares auth, retries and hooks. */
  readonly raw: Core["raw"];
  /** The rate limit of the last response (limit, remaining, reset), or `null` before the first one. */
  readonly rateLimit: Core["rateLimit"];
  readonly webhooks: TimecardWebhooks;
}

/**
 * Creates a Timecard client.
 *
 * @example
 * ```ts
 * import { createTimecard } from "@timecard/sdk";
 *
 * const timecard = createTimecard({ apiKey: process.env.TIMECARD_API_KEY });
 * const session = await timecard.sessions.start({ note: "Standup" });
 * for await (const employee of timecard.employees.list({ status: "active" })) console.log(employee.name);
 * ```
 */
export function createTimecard(options: TimecardOptions = {}): Timecard {
  const core = createCore(options);
  const groups: Record<string, Record<string, unknown>> = {};
  for (const [group, routes] of Object.entries(METHOD_ROUTES)) {
    const methods: Record<string, unknown> = {};
    for (const [name, route] of Object.entries(routes)) methods[name] = bindRoute(core, `${group}.${name}`, route);
    groups[group] = methods;
  }
  Object.assign(groups.webhooks as object, { verify: verifyWebhookAsync });
  return Object.defineProperties(groups, {
    raw: { value: core.raw, enumerable: true },
    rateLimit: { get: () => core.rateLimit, enumerable: true },
  }) as unknown as Timecard;
}

const PATH_PARAM = /\{([^}]+)\}/g;

/** One generated method: path parameters positionally, then the body or query, then the request options. */
function bindRoute(core: Core, label: string, [method, path, input, paginated]: MethodRoute) {
  const names = [...path.matchAll(PATH_PARAM)].map((match) => match[1] as string);
  return (...args: unknown[]) => {
    const pathParams: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = args[i];
      // An empty or missing id would silently call a different endpoint (`/v1/sessions/`).
      if (typeof value !== "string" || value === "")
        throw new TypeError(
          `${label}: \`${name}\` must be a non-empty string, got ${value === "" ? '""' : typeof value}`,
        );
      pathParams[name] = value;
    });
    const value = input ? (args[names.length] as Record<string, unknown> | undefined) : undefined;
    const options = args[names.length + (input ? 1 : 0)] as RequestOptions | undefined;
    const params = names.length ? { path: pathParams } : {};
    if (paginated)
      return paginate((cursor?: string) =>
        core.call<Page<unknown>>(
          method,
          path,
          { params: { ...params, query: cursor ? { ...value, cursor } : value } },
          options,
        ),
      );
    const init = input === "body" ? { params, body: value } : { params: { ...params, query: value } };
    return core.call(method, path, init, options);
  };
}
