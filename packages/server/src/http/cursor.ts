import { type RawBuilder, type SqlBool, sql } from "kysely";
import { ApiProblem } from "../errors.js";

// Cursors are opaque to clients: base64url of the sort key of the last item of the page.
// They stay valid under inserts because they name a position, not an offset.

/** The position after which the next page starts: the last item's sort value and id. */
export type CursorPosition = readonly [sortValue: string, id: string];

/** Encodes a position as an opaque cursor. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/** Decodes a cursor, refusing anything this API did not issue with `400 invalid_cursor`. */
export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the problem below
  }
  throw new ApiProblem(
    400,
    "invalid_cursor",
    "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
  );
}

/** A cursor position whose sort value is a timestamp; `400 invalid_cursor` otherwise. */
export function decodeTimeCursor(cursor: string | undefined): [Date, string] | undefined {
  const after = decodeCursor(cursor);
  if (!after) return undefined;
  const at = new Date(after[0]);
  if (Number.isNaN(at.getTime())) {
    throw new ApiProblem(
      400,
      "invalid_cursor",
      "The cursor is not one this API issued: pass `next_cursor` from the previous page unchanged.",
    );
  }
  return [at, after[1]];
}

/**
 * The keyset condition of a list ordered by `column desc, id desc`: the rows after `[at, id]`,
 * written as a row comparison (`(column, id) < (at, id)`), which Postgres evaluates lexicographically.
 *
 * @example
 * ```ts
 * const after = decodeTimeCursor(query.cursor);
 * if (after) q = q.where(newestFirstAfter(after));
 * const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
 * ```
 */
export function newestFirstAfter(
  [at, id]: readonly [Date, string],
  column: "created_at" | "started_at" = "created_at",
): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(column)}, ${sql.ref("id")}) < (${at}, ${id})`;
}

/** A page of a list, as every list operation answers it. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only says that there is more.
 *
 * @example
 * ```ts
 * const rows = await query.limit(limit + 1).execute();
 * return toPage(rows, limit, (row) => [row.name, row.id], toEmployee);
 * ```
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => CursorPosition,
  toItem: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(toItem),
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}
