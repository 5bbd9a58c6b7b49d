import { describe, expect, it } from "vitest";
import { type FollowPage, follow, LOOKBACK_MS, MAX_WAIT_MS, nextWait } from "../src/follow.js";

interface Item {
  id: string;
  at: string;
}

const T = Date.parse("2026-10-05T07:30:00.000Z");
const item = (id: string, seconds: number): Item => ({ id, at: new Date(T + seconds * 1000).toISOString() });

/**
 * A list answered newest first, two items a page, filtered by `from` like the API's; `script[n]`
 * runs before poll `n` (0 is the start) and may add items or throw. Follows until the script ends.
 */
async function run(
  initial: Item[],
  script: ((items: Item[]) => void)[],
): Promise<{ emitted: string[]; retries: unknown[]; polls: number }> {
  const items = [...initial];
  const emitted: string[] = [];
  const retries: unknown[] = [];
  const controller = new AbortController();
  let polls = 0;
  const page = async (from: string | undefined, cursor: string | undefined): Promise<FollowPage<Item>> => {
    if (cursor === undefined) {
      if (polls >= script.length) {
        controller.abort();
        return { data: [], has_more: false, next_cursor: null };
      }
      script[polls++]?.(items);
    }
    // Newest first; of equal times, the later written first (as the API orders by time, then id).
    const listed = items
      .map((i, written) => ({ i, written }))
      .filter(({ i }) => from === undefined || Date.parse(i.at) >= Date.parse(from))
      .sort((a, b) => Date.parse(b.i.at) - Date.parse(a.i.at) || b.written - a.written)
      .map(({ i }) => i);
    const start = cursor ? Number(cursor) : 0;
    const data = listed.slice(start, start + 2);
    const more = start + 2 < listed.length;
    return { data, has_more: more, next_cursor: more ? String(start + 2) : null };
  };
  await follow(
    { page, id: (i) => i.id, time: (i) => i.at },
    { intervalMs: 0, signal: controller.signal, onRetry: (error) => retries.push(error) },
    (i) => {
      emitted.push(i.id);
    },
  );
  return { emitted, retries, polls };
}

const add =
  (...added: Item[]) =>
  (items: Item[]) => {
    items.push(...added);
  };
const nothing = () => {};

describe("follow", () => {
  it("emits only what appears after the start, once each, oldest first, across pages and equal times", async () => {
    const { emitted } = await run(
      [item("a", 0), item("b", 0), item("c", 1)],
      [nothing, add(item("d", 1), item("e", 1), item("f", 2)), nothing, add(item("g", 2)), nothing],
    );
    expect(emitted).toEqual(["d", "e", "f", "g"]);
  });

  it("starts from an empty list and emits everything that comes", async () => {
    const { emitted } = await run([], [nothing, add(item("a", 5), item("b", 3)), add(item("c", 9))]);
    expect(emitted).toEqual(["b", "a", "c"]);
  });

  it("finds an item committed late with an earlier time within the lookback, not one before it", async () => {
    const lookback = LOOKBACK_MS / 1000;
    const { emitted } = await run(
      [item("old", 0)],
      [nothing, add(item("new", lookback + 10)), add(item("late", lookback + 5), item("too-late", 5)), nothing],
    );
    expect(emitted).toEqual(["new", "late"]);
  });

  it("retries after a passing failure (5xx, 429, no connection) and misses nothing", async () => {
    const fail = (error: object) => () => {
      throw error;
    };
    const { emitted, retries } = await run(
      [item("a", 0)],
      [
        nothing,
        fail({ status: 503, code: "unavailable" }),
        add(item("b", 1)),
        fail({ name: "ConnectionError" }),
        fail({ status: 429, code: "rate_limited", retryAfter: 0 }),
        add(item("c", 2)),
      ],
    );
    expect(emitted).toEqual(["b", "c"]);
    expect(retries).toHaveLength(3);
  });

  it("stops with any other error, such as a revoked key", async () => {
    const revoked = { status: 401, code: "key_revoked" };
    await expect(
      run(
        [],
        [
          nothing,
          () => {
            throw revoked;
          },
        ],
      ),
    ).rejects.toBe(revoked);
  });
});

describe("nextWait", () => {
  const reset = (seconds: number) => new Date(T + seconds * 1000);
  it.each([
    ["no rate limit known", null, 2000],
    ["plenty left", { limit: 1000, remaining: 500, reset: reset(3600) }, 2000],
    ["running low: spread the rest until the reset", { limit: 1000, remaining: 50, reset: reset(100) }, 2000],
    ["running low, long window", { limit: 1000, remaining: 50, reset: reset(1000) }, 20_000],
    ["nothing left", { limit: 1000, remaining: 0, reset: reset(3600) }, MAX_WAIT_MS],
  ])("%s", (_, state, expected) => {
    expect(nextWait(2000, state, T)).toBe(expected);
  });
});
