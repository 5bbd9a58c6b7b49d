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
