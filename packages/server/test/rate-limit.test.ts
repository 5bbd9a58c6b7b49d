import { describe, expect, it } from "vitest";
import { createHandlers } from "../src/routes/index.js";
import { type Call, call, createWorld, type TestUser, useTestServer, type World } from "./support/harness.js";
import { expectProblem, send } from "./support/spec-walk.js";

// Each API key has its own hourly limit; requests without a credential are limited per IP.
// The limiter reads the app's clock, so moving the clock past X-RateLimit-Reset opens a new window.
const server = useTestServer();
const N = 100;

/** Sets a key's limit to N: through the API where updateApiKey exists, else in the table. */
async function limitKey(world: World, user: TestUser): Promise<string> {
  const row = await server.storage.db
    .selectFrom("api_keys")
    .select("id")
    .where("employee_id", "=", user.id)
    .where("scope", "=", "full")
    .executeTakeFirstOrThrow();
  if ("updateApiKey" in createHandlers()) {
    const res = await call(server, world.admin.key, "PATCH", `/v1/api-keys/${row.id}`, { rate_limit_per_hour: N });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rate_limit_per_hour).toBe(N);
  } else {
    await server.storage.db.updateTable("api_keys").set({ rate_limit_per_hour: N }).where("id", "=", row.id).execute();
  }
  return row.id;
}

function header(res: Call, name: string): number {
  return Number(res.headers[name]);
}

function expectRateLimited(res: Call, limit: number): void {
  expectProblem(res, 429, "rate_limited");
  expect(header(res, "x-ratelimit-limit")).toBe(limit);
  expect(header(res, "x-ratelimit-remaining")).toBe(0);
  const retryAfter = header(res, "retry-after");
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  // Retry-After points at the reset.
  expect(
    Math.abs(server.clock.now.getTime() / 1000 + retryAfter - header(res, "x-ratelimit-reset")),
  ).toBeLessThanOrEqual(1);
}

describe("per-key rate limits", () => {
  it("a burst of 2N concurrent requests gets exactly N answers and N 429 rate_limited", async () => {
    const world = await createWorld(server);
    await limitKey(world, world.employee);
    const burst = await Promise.all(
      Array.from({ length: 2 * N }, () => call(server, world.employee.key, "GET", "/v1/me")),
    );
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect({ ok: ok.length, limited: limited.length }).toEqual({ ok: N, limited: N });
    for (const res of limited) expectRateLimited(res, N);
    // Every request was counted once: the successes saw each remaining count exactly once.
    expect(ok.map((r) => header(r, "x-ratelimit-remaining")).sort((a, b) => a - b)).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    // The other keys of the same user and organization keep their own windows.
    expect((await call(server, world.employee.readKey, "GET", "/v1/me")).status).toBe(200);
    expect((await call(server, world.manager.key, "GET", "/v1/me")).status).toBe(200);
  });

  it("X-RateLimit-Remaining counts down and X-RateLimit-Reset stays put within the window", async () => {
    const world = await createWorld(server);
    await limitKey(world, world.colleague);
    // Start at the beginning of the key's next window, so that the seconds below stay inside it.
    const probe = await call(server, world.colleague.key, "GET", "/v1/me");
    server.clock.set(new Date(header(probe, "x-ratelimit-reset") * 1000));
    const seen: Call[] = [];
    for (let i = 0; i < 5; i++) {
      seen.push(await call(server, world.colleague.key, "GET", i % 2 ? "/v1/me" : "/v1/organization"));
      server.clock.advance(1000);
    }
    expect(seen.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(seen.map((r) => header(r, "x-ratelimit-limit"))).toEqual([N, N, N, N, N]);
    expect(seen.map((r) => header(r, "x-ratelimit-remaining"))).toEqual([N - 1, N - 2, N - 3, N - 4, N - 5]);
    const resets = new Set(seen.map((r) => header(r, "x-ratelimit-reset")));
    expect(resets.size).toBe(1);
    const reset = [...resets][0] as number;
    expect(reset * 1000).toBeGreaterThan(server.clock.now.getTime());
    expect(reset * 1000).toBeLessThanOrEqual(server.clock.now.getTime() + 3600 * 1000);
    // Errors count and carry the headers too.
    const notFound = await call(server, world.colleague.key, "GET", "/v1/employees/emp_0000000000000000");
    expect(notFound.status).toBe(404);
    expect(header(notFound, "x-ratelimit-remaining")).toBe(N - 6);
  });

  it("the window resets when the clock passes X-RateLimit-Reset", async () => {
    const world = await createWorld(server);
    await limitKey(world, world.outsider);
    const burst = await Promise.all(
      Array.from({ length: N + 1 }, () => call(server, world.outsider.key, "GET", "/v1/me")),
    );
    const last = burst.find((r) => r.status === 429) as Call;
    expectRateLimited(last, N);
    const reset = header(last, "x-ratelimit-reset");

    // A second before the reset: still limited, and told to wait about a second.
    server.clock.set(new Date(reset * 1000 - 1000));
    const early = await call(server, world.outsider.key, "GET", "/v1/me");
    expectRateLimited(early, N);
    expect(header(early, "retry-after")).toBe(1);

    server.clock.set(new Date(reset * 1000));
    const fresh = await call(server, world.outsider.key, "GET", "/v1/me");
    expect(fresh.status).toBe(200);
    expect(header(fresh, "x-ratelimit-remaining")).toBe(N - 1);
    expect(header(fresh, "x-ratelimit-reset")).toBe(reset + 3600);
  });
});

describe("per-IP limits without a credential", () => {
  it("allows 100 unauthenticated requests an hour per address, then 429 with Retry-After", async () => {
    const from = "203.0.113.77";
    const anonymous = (authorization?: string) =>
      send(
        server,
        null,
        { method: "GET", url: "/v1/me" },
        { remoteAddress: from, headers: authorization ? { authorization } : {} },
      );
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => anonymous(i % 2 ? "Bearer tc_live_bad" : undefined)),
    );
    expect(answers.every((r) => r.status === 401)).toBe(true);
    expect(answers.map((r) => header(r, "x-ratelimit-remaining")).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    const limited = await anonymous();
    expectRateLimited(limited, 100);
    // Another address is not affected, and neither is a valid key from the same address.
    expect((await send(server, null, { method: "GET", url: "/v1/me" }, { remoteAddress: "203.0.113.78" })).status).toBe(
      401,
    );
    const world = await createWorld(server);
    const withKey = await send(server, world.admin.key, { method: "GET", url: "/v1/me" }, { remoteAddress: from });
    expect(withKey.status).toBe(200);
    expect(header(withKey, "x-ratelimit-limit")).toBe(1000);
  });

  it("public operations count against the address too", async () => {
    const from = "203.0.113.90";
    const res = await send(
      server,
      null,
      { method: "GET", url: "/.well-known/oauth-authorization-server" },
      { remoteAddress: from },
    );
    expect(header(res, "x-ratelimit-limit")).toBe(100);
    expect(header(res, "x-ratelimit-remaining")).toBe(99);
  });
});
