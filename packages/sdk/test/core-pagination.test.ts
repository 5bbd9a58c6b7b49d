import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { NotFoundError, type Page, type PagePromise, paginate } from "../src/core/index.js";
import { coreWith, json, problem } from "./core-support.js";

interface Item {
  id: number;
}

/** Pages of `size` items over ids 1..total, keyed by cursor `c<start>`. */
function pager(total: number, size: number) {
  const cursors: (string | undefined)[] = [];
  const fetchPage = vi.fn(async (cursor?: string) => {
    cursors.push(cursor);
    const start = cursor === undefined ? 1 : Number(cursor.slice(1));
    const data = Array.from({ length: Math.max(0, Math.min(size, total - start + 1)) }, (_, i) => ({ id: start + i }));
    const next = start + size;
    const has_more = next <= total;
    return { data, has_more, next_cursor: has_more ? `c${next}` : null, extra: "kept" };
  });
  return { fetchPage, cursors };
}

describe("paginate", () => {
  it("awaits to the first page, fetched once", async () => {
    const { fetchPage } = pager(7, 3);
    const list = paginate(fetchPage);
    expect(fetchPage).not.toHaveBeenCalled(); // lazy: nothing until awaited or iterated
    const first = await list;
    expect(first).toEqual({
      data: [{ id: 1 }, { id: 2 }, { id: 3 }],
      has_more: true,
      next_cursor: "c4",
      extra: "kept",
    });
    await list;
    expect(fetchPage).toHaveBeenCalledOnce();
  });

  it("iterates every item across pages, passing each next_cursor", async () => {
    const { fetchPage, cursors } = pager(7, 3);
    const ids: number[] = [];
    for await (const item of paginate(fetchPage)) ids.push(item.id);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(cursors).toEqual([undefined, "c4", "c7"]);
  });

  it("reuses the awaited first page when iterating after", async () => {
    const { fetchPage } = pager(4, 2);
    const list = paginate(fetchPage);
    await list;
    expect((await list.toArray()).map((i) => i.id)).toEqual([1, 2, 3, 4]);
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  it("collects with toArray and stops fetching at max", async () => {
    const { fetchPage, cursors } = pager(100, 10);
    const some = await paginate(fetchPage).toArray({ max: 15 });
    expect(some.map((i) => i.id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(cursors).toEqual([undefined, "c11"]);
    expect(await paginate(fetchPage).toArray({ max: 0 })).toEqual([]);
    expect(await paginate(pager(5, 2).fetchPage).toArray()).toHaveLength(5);
  });

  it("walks pages with pages()", async () => {
    const { fetchPage } = pager(5, 2);
    const sizes: number[] = [];
    for await (const page of paginate(fetchPage).pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("stops on an empty list and on has_more without a cursor", async () => {
    expect(await paginate(pager(0, 5).fetchPage).toArray()).toEqual([]);
    const odd = vi.fn(async () => ({ data: [{ id: 1 }], has_more: true, next_cursor: null }));
    expect(await paginate(odd).toArray()).toEqual([{ id: 1 }]);
    expect(odd).toHaveBeenCalledOnce();
  });

  it("rejects the awaiting and the iterating with the page's error", async () => {
    const failing = paginate<Item>(async () => {
      throw new NotFoundError({ status: 404, code: "not_found" });
    });
    await expect(failing).rejects.toBeInstanceOf(NotFoundError);
    await expect(failing.toArray()).rejects.toBeInstanceOf(NotFoundError);
    await expect(failing.catch((e: unknown) => (e as NotFoundError).code)).resolves.toBe("not_found");
    let finished = false;
    await failing.finally(() => (finished = true)).catch(() => {});
    expect(finished).toBe(true);
  });

  it("fails mid-way when a later page fails, after yielding the earlier items", async () => {
    const ids: number[] = [];
    const list = paginate<Item>(async (cursor) => {
      if (cursor) throw new Error("page 2 failed");
      return { data: [{ id: 1 }], has_more: true, next_cursor: "c2" };
    });
    await expect(
      (async () => {
        for await (const item of list) ids.push(item.id);
      })(),
    ).rejects.toThrow("page 2 failed");
    expect(ids).toEqual([1]);
  });

  it("pages through the core, keeping lastResponse on each page", async () => {
    const { core, seen } = coreWith([
      json(200, { data: [{ id: "ses_1" }, { id: "ses_2" }], has_more: true, next_cursor: "cur_2" }),
      problem(503, "unavailable"),
      json(200, { data: [{ id: "ses_3" }], has_more: false, next_cursor: null }, { "x-request-id": "req_p2" }),
    ]);
    type SessionList = Page<{ id: string }>;
    const list = paginate((cursor) =>
      core.call<SessionList>("GET", "/v1/sessions", { params: { query: { from: "2026-10-01", cursor } } }),
    );
    const pages = [];
    for await (const page of list.pages()) pages.push(page);
    expect(pages.flatMap((p) => p.data.map((s) => s.id))).toEqual(["ses_1", "ses_2", "ses_3"]);
    expect(pages[1]?.lastResponse.requestId).toBe("req_p2");
    expect(seen.map((r) => new URL(r.url).search)).toEqual([
      "?from=2026-10-01",
      "?from=2026-10-01&cursor=cur_2",
      "?from=2026-10-01&cursor=cur_2",
    ]);
  });
});

describe("PagePromise types", () => {
  it("infer the item and the page from the fetcher", () => {
    interface EmployeeList {
      data: { id: string; name: string }[];
      has_more: boolean;
      next_cursor: string | null;
    }
    const list = paginate(async (): Promise<EmployeeList> => ({ data: [], has_more: false, next_cursor: null }));
    expectTypeOf(list).toEqualTypeOf<PagePromise<{ id: string; name: string }, EmployeeList>>();
    expectTypeOf(list).toExtend<PromiseLike<EmployeeList>>();
    expectTypeOf(list).toExtend<AsyncIterable<{ id: string; name: string }>>();
    expectTypeOf(list.toArray).returns.toEqualTypeOf<Promise<{ id: string; name: string }[]>>();
    expectTypeOf<PagePromise<Item>>().toExtend<PromiseLike<Page<Item>>>();
    expectTypeOf(paginate<Item>)
      .parameter(0)
      .returns.toExtend<Promise<Page<Item>>>();
  });
});
