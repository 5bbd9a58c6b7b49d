import { type CoreInternals, createCore, type TimecardOptions } from "../src/core/index.js";

/** A key of the sandbox's shape; tests check it never leaks into errors. */
export const API_KEY = "tc_test_coreSecretKEY0000000000000000000zZ9";

/** What the injected fetch saw of one attempt. */
export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

type Step = Response | Error | ((request: Request) => Response | Promise<Response>);

/** A JSON response with the API's usual headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": `req_${status}`, ...headers },
  });
}

/** A problem+json error response. */
export function problem(status: number, code: string, extra: Record<string, unknown> = {}, headers = {}): Response {
  return new Response(
    JSON.stringify({
      type: `https://docs.timecard.dev/errors/${code}`,
      title: code,
      status,
      code,
      detail: `detail of ${code}`,
      request_id: `req_${code}`,
      ...extra,
    }),
    { status, headers: { "content-type": "application/problem+json", "x-request-id": `req_${code}`, ...headers } },
  );
}

/** A fetch that answers the scripted steps in order and records every request it got. */
export function scriptedFetch(steps: Step[]) {
  const seen: Seen[] = [];
  let index = 0;
  const fetch = async (request: Request): Promise<Response> => {
    seen.push({
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      body: await request.clone().text(),
      signal: request.signal,
    });
    const step = steps[Math.min(index++, steps.length - 1)];
    if (step === undefined) throw new Error("no scripted step");
    if (step instanceof Error) throw step;
    if (typeof step === "function") return step(request);
    return step.clone();
  };
  return { fetch, seen };
}

/** Time and randomness under the test's control: no real waiting anywhere. */
export function fakeInternals(random = 0.5) {
  const sleeps: number[] = [];
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  let clock = Date.UTC(2026, 9, 5, 7, 0, 0);
  const internals: CoreInternals = {
    async sleep(ms) {
      sleeps.push(ms);
      clock += ms;
    },
    setTimer(callback, ms) {
      const timer = { ms, fire: callback, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    random: () => random,
    now: () => clock,
  };
  return {
    internals,
    sleeps,
    timers,
    now: () => clock,
    /** Fires every armed, not yet cancelled timer (a timeout elapsing). */
    fireTimers() {
      for (const timer of timers) if (!timer.cancelled) timer.fire();
    },
  };
}

/** A core over a scripted fetch and fake time. */
export function coreWith(
  steps: Step[],
  options: Partial<TimecardOptions> = {},
  { random = 0.5, internals = {} }: { random?: number; internals?: CoreInternals } = {},
) {
  const script = scriptedFetch(steps);
  const fake = fakeInternals(random);
  const core = createCore(
    { apiKey: API_KEY, baseUrl: "https://api.test", fetch: script.fetch, ...options },
    { ...fake.internals, ...internals },
  );
  return { core, ...script, ...fake };
}
