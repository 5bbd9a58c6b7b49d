import type { Command } from "commander";
import { type CommandContext, clientFor, withJson } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { addFlags, readData, readFlags } from "../flags.js";
import { COMMANDS, type ResourceCommand } from "../generated/commands.js";
import type { COMMAND_GROUPS } from "../generated/groups.js";
import { hasColor, human, json } from "../output.js";
import { extendGroup } from "./group-extras.js";

/** One resource group of the generated table. */
export type CommandGroup = (typeof COMMAND_GROUPS)[number];

/** Prints a result: JSON with `--json`, else a table or label–value lines (for a page, its items). */
export function print(ctx: CommandContext, result: unknown, paginated = false): void {
  if (ctx.options.json) {
    if (result !== undefined) ctx.io.stdout(json(result));
    return;
  }
  const color = hasColor(process.stdout, ctx.env);
  const page = result as { data?: unknown; has_more?: boolean; next_cursor?: string | null } | undefined;
  if (paginated && Array.isArray(page?.data)) {
    ctx.io.stdout(human(page.data, color));
    if (page.data.length === 0) ctx.io.stderr("No items.\n");
    if (page.has_more && page.next_cursor)
      ctx.io.stderr(`More: --cursor ${page.next_cursor}, or --all for every page.\n`);
    return;
  }
  if (result === undefined) {
    ctx.io.stderr("Done.\n");
    return;
  }
  ctx.io.stdout(human(result, color));
}

/** Runs one resource command through the SDK's generated method. */
async function run(
  ctx: CommandContext,
  sdkGroup: string,
  [method, , , body, paginated, flags]: ResourceCommand,
  ids: string[],
  options: Record<string, unknown>,
): Promise<void> {
  const base = body && typeof options.data === "string" ? await readData(options.data) : {};
  const input = readFlags(flags, options, base);
  const args: unknown[] = [...ids];
  const hasInput = body !== 0 || flags.length > 0;
  if (hasInput) args.push(Object.keys(input).length || body === 2 ? input : undefined);

  const { client } = await clientFor(ctx);
  const fn = (client as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[sdkGroup]?.[method];
  if (!fn) throw new CliError(`the SDK has no method ${sdkGroup}.${method}`);
  const call = fn(...args);

  if (paginated && options.all) {
    const items: unknown[] = [];
    for await (const item of call as AsyncIterable<unknown>) items.push(item);
    print(ctx, items);
    return;
  }
  print(ctx, await call, paginated === 1);
}

/**
 * The command of a resource group (`timecard sessions`), with its generated commands and the
 * hand-written ones (group-extras.ts), built from the table only when the group runs, so
 * `timecard --help` never loads it.
 */
export function buildGroup(ctx: CommandContext, [groupName, sdkGroup, description]: CommandGroup, parent: Command) {
  const commands = COMMANDS[groupName];
  if (!commands) throw new CliError(`unknown command group "${groupName}"`, EXIT.USAGE);

  // (Commands made through `parent`, so this module never imports commander: bin.js keeps it in one file.)
  const group = parent
    .createCommand(`timecard ${groupName}`)
    .description(description)
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .showHelpAfterError(`(run timecard ${groupName} --help for its commands)`)
    .exitOverride();

  for (const [name, spec] of Object.entries(commands)) {
    const [, summary, pathParams, body, paginated, flags, aliases] = spec;
    const command = group.command(name).description(summary).aliases(aliases);
    for (const param of pathParams) command.argument(`<${param}>`);
    addFlags(command, flags);
    if (body) command.option("--data <json|@file>", "the whole JSON body; flags override its fields");
    if (paginated) command.option("--all", "every page, not just the first");
    command.option("--json", "print JSON on stdout instead of a table");
    command.action(async (...received: unknown[]) => {
      const ids = received.slice(0, pathParams.length) as string[];
      const options = received[pathParams.length] as Record<string, unknown>;
      await run(withJson(ctx, options), sdkGroup, spec, ids, options);
    });
  }
  extendGroup(ctx, groupName, group);
  return group;
}

/** `timecard <group> <command> [ids...] [--flags]`: builds the group's commands and runs `args` through them. */
export async function resources(
  ctx: CommandContext,
  group: CommandGroup,
  args: readonly string[],
  parent: Command,
): Promise<void> {
  await buildGroup(ctx, group, parent).parseAsync([...args], { from: "user" });
}
