/** One page of a list: the API's cursor pagination (`limit`/`cursor` → `data`, `has_more`, `next_cursor`). */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Fetches the page after `cursor` (the first page when `cursor` is undefined). */
export type FetchPage<P> = (cursor?: string) => Promise<P>;

/**
 * What a list method returns: await it for the first page, or iterate it for every item
 * across pages (the next page is fetched only when the iteration reaches it).
 *
 * @example
 * ```ts
 * const first = await timecard.sessions.list({ limit: 50 }); // one page
 * for await (const session of timecard.sessions.list({ from, to })) console.log(session.id);
 * const some = await timecard.employees.list().toArray({ max: 200 });
 * ```
 */
export class PagePromise<T, P extends Page<T> = Page<T>> implements PromiseLike<P>, AsyncIterable<T> {
  readonly #fetchPage: FetchPage<P>;
  #first: Promise<P> | undefined;

  constructor(fetchPage: FetchPage<P>) {
    this.#fetchPage = fetchPage;
  }

  /** The first page, fetched once, on the first `then` or iteration. */
  #firstPage(): Promise<P> {
    this.#first ??= this.#fetchPage();
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is a thenable by design.
  then<R1 = P, R2 = never>(
    onfulfilled?: ((page: P) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch`, for the first page. */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<P | R> {
    return this.#firstPage().catch(onrejected);
  }

  /** Like `Promise.prototype.finally`, for the first page. */
  finally(onfinally?: (() => void) | null): Promise<P> {
    return this.#firstPage().finally(onfinally);
  }

  /** Every page, from the first, as long as `has_more` says there is another. */
  async *pages(): AsyncGenerator<P, void, undefined> {
    let page = await this.#firstPage();
    yield page;
    while (page.has_more && page.next_cursor !== null) {
      page = await this.#fetchPage(page.next_cursor);
      yield page;
    }
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Collects the items of every page, stopping after `max` items (no page beyond is fetched). */
  async toArray(options: { max?: number } = {}): Promise<T[]> {
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const items: T[] = [];
    if (max <= 0) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= max) break;
    }
    return items;
  }

  get [Symbol.toStringTag](): string {
    return "PagePromise";
  }
}

/**
 * Wraps a page fetcher in a {@link PagePromise}. The item type is inferred from the page type.
 *
 * @example
 * ```ts
 * const employees = paginate((cursor) => core.call<EmployeeList>("GET", "/v1/employees", { params: { query: { cursor } } }));
 * ```
 */
export function paginate<T, P extends Page<T> = Page<T>>(
  fetchPage: (cursor?: string) => Promise<P & Page<T>>,
): PagePromise<T, P> {
  return new PagePromise<T, P>(fetchPage);
}
