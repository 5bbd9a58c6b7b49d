import type { components } from "@timecard/sdk";
import { CliError, EXIT } from "./errors.js";
import { COMMANDS } from "./generated/commands.js";

type EventType = components["schemas"]["EventType"];

/** The event types the API lists (`GET /v1/events?type=` accepts only these). */
const KNOWN_TYPES = new Set(COMMANDS.events?.list?.[5].find(([name]) => name === "type")?.[5] ?? []);

/** `--events`: exact types, `prefix.*` or `*`, as a predicate and the query that narrows the list. */
export function eventFilter(patterns: readonly string[] = []): {
  matches: (type: string) => boolean;
  query: { type?: EventType; type_prefix?: string };
} {
  for (const pattern of patterns)
    if (!/^(\*|[a-z][a-z_]*(\.[a-z_]+)*\.\*|[a-z][a-z_]*(\.[a-z_]+)+)$/.test(pattern))
      throw new CliError(
        `--events takes event types (session.started), families (session.*) or *, got "${pattern}"`,
        EXIT.USAGE,
      );
  if (patterns.length === 0 || patterns.includes("*")) return { matches: () => true, query: {} };
  const matches = (type: string) =>
    patterns.some((p) => (p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : type === p));
  const [only] = patterns;
  if (patterns.length > 1 || only === undefined) return { matches, query: {} };
  if (only.endsWith(".*")) return { matches, query: { type_prefix: only.slice(0, -1) } };
  return { matches, query: KNOWN_TYPES.has(only) ? { type: only as EventType } : {} };
}
