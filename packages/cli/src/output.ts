/** Where the program writes; injected so the program also runs in-process. */
export interface ProgramIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** True when `stream` may be coloured: a TTY, and no `NO_COLOR` (https://no-color.org). */
export function hasColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && stream.isTTY === true;
}

/** `text` in bold when `color` is on. */
export const bold = (text: string, color: boolean): string => (color ? `\u001b[1m${text}\u001b[22m` : text);

/** `text` in red when `color` is on. */
export const red = (text: string, color: boolean): string => (color ? `\u001b[31m${text}\u001b[39m` : text);

/** Pretty JSON with a final newline. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** A table of left-aligned columns separated by two spaces, the header in bold when coloured. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], color = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [bold(line(header), color), ...rows.map(line)].map((l) => `${l}\n`).join("");
}

/** Label–value lines, for one record. */
export function record(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}\n`).join("");
}

/** A cell or value as text: scalars as they are, the rest as compact JSON. */
export const text = (value: unknown): string =>
  value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);

const isScalar = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);

/** The columns of a list: `id` first, then up to five scalar fields of its first item. */
export function columnsOf(items: readonly Record<string, unknown>[]): string[] {
  const first = items[0] ?? {};
  const rest = Object.keys(first).filter((key) => key !== "id" && key !== "object" && isScalar(first[key]));
  return [...("id" in first ? ["id"] : []), ...rest.slice(0, 5)];
}

/** How a result prints without `--json`: a table for a list, label–value lines for an object. */
export function human(result: unknown, color = false): string {
  if (result === undefined) return "";
  if (Array.isArray(result)) {
    if (result.length === 0) return "";
    const columns = columnsOf(result as Record<string, unknown>[]);
    return table(
      columns.map((c) => c.toUpperCase()),
      (result as Record<string, unknown>[]).map((item) => columns.map((c) => text(item[c]))),
      color,
    );
  }
  if (typeof result !== "object" || result === null) return `${text(result)}\n`;
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0) return "";
  return record(entries.map(([key, value]) => [key, text(value)] as const));
}
