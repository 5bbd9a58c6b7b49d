import type { Command } from "commander";
import { type CommandContext, withJson as local } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { addFlags, parseInterval } from "../flags.js";
import { COMMANDS } from "../generated/commands.js";

// The hand-written commands of the resource groups, beside the generated ones: what the API does
// in several calls (`exports create` waiting for the file), offline (`webhooks verify`) or over
// time (`audit tail`). Each implementation loads only when it runs.

const collect = (value: string, previous: string[] = []) => [...previous, value];

const interval = (command: Command) =>
  command.option(
    "--interval <seconds>",
    "seconds between two polls, 0.5 to 60 (longer while the rate limit runs low)",
    (value: string) => parseInterval(value),
    2000,
  );

function exportsExtras(ctx: CommandContext, group: Command): void {
  const spec = COMMANDS.exports?.create;
  const create = group.commands.find((c) => c.name() === "create");
  if (!spec || !create) throw new CliError("the command table has no exports create", EXIT.ERROR);
  create
    .description("Create an export, wait until it is written (a progress bar on a terminal) and download it with -o")
    .option("-o, --output <file>", "write the file here once it is ready (bytes unchanged); - for stdout")
    .option("--no-wait", "answer at once with the queued export")
    .action(async (options: Record<string, unknown>) =>
      (await import("./exports.js")).createExport(local(ctx, options), spec[5], options),
    );

  group
    .command("download")
    .description("Download a completed export's file, bytes unchanged")
    .argument("<export_id>")
    .option("-o, --output <file>", "where to write it (default: the file's own name, here); - for stdout")
    .option("--json", "print JSON on stdout instead of a table")
    .action(async (id: string, options: { output?: string; json?: boolean }) =>
      (await import("./exports.js")).downloadExport(local(ctx, options), id, options),
    );
}

function webhooksExtras(ctx: CommandContext, group: Command): void {
  group
    .command("verify")
    .description("Verify a delivery's signature offline: the raw body on stdin, its headers with --header")
    .option("--secret <whsec>", "the endpoint's signing secret; repeat for a rotation's old and new", collect, [])
    .option("-H, --header <'name: value'>", "a header of the delivery (webhook-id, webhook-timestamp, …)", collect, [])
    .option("--payload <file>", "read the raw body from this file instead of stdin")
    .option("--tolerance <seconds>", "how old webhook-timestamp may be (default 300); none to skip the check")
    .option("--json", "print JSON on stdout")
    .action(
      async (options: { secret: string[]; header: string[]; payload?: string; tolerance?: string; json?: boolean }) =>
        (await import("./webhooks-verify.js")).verify(local(ctx, options), options),
    );
}

function auditExtras(ctx: CommandContext, group: Command): void {
  const list = COMMANDS.audit?.list;
  if (!list) throw new CliError("the command table has no audit list", EXIT.ERROR);
  const tail = group
    .command("tail")
    .description("Follow the audit log: print each new entry as it is written, until Ctrl+C");
  // The list's filters (--actor, --key, --action, --ip, --method, --status, --path-prefix).
  const flags = list[5].filter(([name]) => !["limit", "cursor", "from", "to"].includes(name));
  addFlags(tail, flags);
  interval(tail)
    .option("--json", "print each entry as one JSON line")
    .action(async (options: Record<string, unknown> & { interval: number; json?: boolean }) =>
      (await import("./audit-tail.js")).auditTail(local(ctx, options), flags, options, options.interval),
    );
}

function sandboxExtras(ctx: CommandContext, group: Command): void {
  // `timecard sandbox [--mock]` starts it: the group's default command.
  group
    .command("start", { isDefault: true })
    .description("Start the sandbox from a checkout of the Timecard repository (what pnpm sandbox runs); the default")
    .option("--mock", "Prism alone, answering from the spec's examples")
    .option("--port <n>", "the port (default 4010)")
    .option("--host <host>", "the address to listen on (default 127.0.0.1)")
    .option("--verbose", "log every request")
    .action(async (options: Record<string, unknown>) => (await import("./sandbox.js")).sandbox(ctx, options));
}

const EXTRAS: Record<string, (ctx: CommandContext, group: Command) => void> = {
  exports: exportsExtras,
  webhooks: webhooksExtras,
  audit: auditExtras,
  sandbox: sandboxExtras,
};

/** Adds the group's hand-written commands (none for most groups). */
export function extendGroup(ctx: CommandContext, name: string, group: Command): void {
  EXTRAS[name]?.(ctx, group);
}
