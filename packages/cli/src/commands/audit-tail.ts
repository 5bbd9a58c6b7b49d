import type { components } from "@timecard/sdk";
import { type CommandContext, clientFor } from "../context.js";
import { readFlags } from "../flags.js";
import { follow, untilInterrupted, warnOnRetry } from "../follow.js";
import type { CommandFlag } from "../generated/commands.js";

type AuditEntry = components["schemas"]["AuditEntry"];

/** One entry on one line: time, action, actor, IP, and the request it came from. */
function line(entry: AuditEntry): string {
  const actor = entry.actor.api_key_id ?? entry.actor.oauth_app_id ?? entry.actor.employee_id ?? entry.actor.type;
  const request = entry.request
    ? `${entry.request.method} ${entry.request.path} ${entry.request.status}  ${entry.request.request_id}`
    : "";
  const resource = entry.resource ? entry.resource.id : "";
  return `${[entry.occurred_at, entry.action.padEnd(24), actor, entry.ip ?? "-", resource, request].filter(Boolean).join("  ")}\n`;
}

/**
 * `timecard audit tail`: polls `GET /v1/audit-log` with `audit list`'s filters and prints each
 * new entry until Ctrl-C. Its own polling requests (which the log records too) are left out.
 */
export async function auditTail(
  ctx: CommandContext,
  flags: readonly CommandFlag[],
  options: Record<string, unknown>,
  intervalMs: number,
): Promise<void> {
  const filters = readFlags(flags, options);
  // Every API request writes an `api_request` entry, our own polls too: remember their request ids.
  const own = new Set<string>();
  const { client } = await clientFor(ctx, {
    onResponse: ({ requestId }) => {
      if (!requestId) return;
      own.add(requestId);
      // Entries that a filter hides are never met: keep the newest ids only.
      if (own.size > 10_000) for (const id of [...own].slice(0, 5_000)) own.delete(id);
    },
  });
  await untilInterrupted(ctx.io, (signal) =>
    follow(
      {
        page: (from, cursor) =>
          client.auditLog.list(
            { limit: 100, ...filters, ...(from ? { from } : {}), ...(cursor ? { cursor } : {}) },
            { signal },
          ),
        id: (entry) => entry.id,
        time: (entry) => entry.occurred_at,
      },
      {
        intervalMs,
        signal,
        rateLimit: () => client.rateLimit,
        onStarted: () => ctx.io.stderr("Following the audit log. Press Ctrl+C to stop.\n"),
        onRetry: warnOnRetry(ctx.io),
      },
      (entry) => {
        if (entry.request && own.delete(entry.request.request_id)) return;
        ctx.io.stdout(ctx.options.json ? `${JSON.stringify(entry)}\n` : line(entry));
      },
    ),
  );
}
