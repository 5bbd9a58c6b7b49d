import { OPERATIONS, type OperationInfo } from "@timecard/sdk";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { hasColor, json, table } from "../output.js";

/** `timecard operations`: every operation of the API, with the scope it needs. */
export function operations(ctx: CommandContext, flags: { tag?: string }): void {
  const all = Object.values(OPERATIONS) as readonly OperationInfo[];
  const tag = flags.tag?.toLowerCase();
  const rows = tag ? all.filter((op) => op.tag.toLowerCase() === tag) : all;
  if (tag && rows.length === 0) {
    const tags = [...new Set(all.map((op) => op.tag))].sort().join(", ");
    throw new CliError(`no operations with tag "${flags.tag}"; tags are: ${tags}`, EXIT.USAGE);
  }
  if (ctx.options.json) {
    ctx.io.stdout(json(rows));
    return;
  }
  const sorted = [...rows].sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path));
  ctx.io.stdout(
    table(
      ["RESOURCE", "METHOD", "PATH", "SCOPE", "OPERATION"],
      sorted.map((op) => [op.tag, op.method, op.path, op.scope ?? "public", op.operationId]),
      hasColor(process.stdout, ctx.env),
    ),
  );
}
