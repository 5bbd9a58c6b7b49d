// The sandbox's seed data as the API answers it, for `@timecard/sdk/testing`
// (src/generated/sandbox.ts). scripts/generate.mjs bundles this file with esbuild and runs it:
// the reference server answers from an in-memory sandbox database seeded at the seed's fixed
// clock, and every list is read page by page with the Polish organization's admin key, so the
// fixture is exactly what `pnpm sandbox` answers, and the same on every run.
import { createApp } from "../../server/src/app.js";
import { loadServerConfig } from "../../server/src/config.js";
import { SANDBOX_KEYS, SEED_CACHE_CLOCK, SEED_VERSION } from "../../server/src/sandbox/seed.js";
import { openSandboxStorage } from "../../server/src/sandbox/storage.js";

/** The lists captured, by the fixture's name for them. */
const LISTS = {
  employees: "/v1/employees",
  projects: "/v1/projects",
  tasks: "/v1/tasks",
  sessions: "/v1/sessions",
  leaveRequests: "/v1/leave-requests",
  events: "/v1/events",
} as const;

/** What the generator writes into the fixture module. */
export interface SandboxCapture {
  seedVersion: string;
  clock: string;
  apiKey: string;
  me: unknown;
  lists: Record<keyof typeof LISTS, unknown[]>;
}

/** Reads the seeded sandbox through the API. */
export async function captureSandbox(): Promise<SandboxCapture> {
  const key = SANDBOX_KEYS.find((k) => k.country === "PL" && k.role === "admin" && k.scope === "full");
  if (!key) throw new Error("the seed has no Polish admin key");
  const storage = await openSandboxStorage({ now: SEED_CACHE_CLOCK });
  const config = loadServerConfig({ TIMECARD_SANDBOX: "true", TIMECARD_WEBHOOK_DISPATCHER: "false" });
  const app = await createApp({ config, storage, now: () => SEED_CACHE_CLOCK });
  try {
    const get = async (url: string) => {
      const response = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${key.secret}` } });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
      return response.json();
    };
    // /v1/me first, so its rate_limit shows a fresh window.
    const me = await get("/v1/me");
    const lists = {} as SandboxCapture["lists"];
    for (const [name, path] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) {
      const items: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: unknown[]; next_cursor: string | null } = await get(
          `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        items.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      lists[name] = items;
    }
    return {
      seedVersion: SEED_VERSION,
      clock: SEED_CACHE_CLOCK.toISOString(),
      apiKey: key.secret,
      me,
      lists,
    };
  } finally {
    await app.close();
    await storage.close();
  }
}
