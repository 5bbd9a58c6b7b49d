import { readFile } from "node:fs/promises";
import type { Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { clientFor } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { COMMANDS, type CommandFlag, type ResourceCommand } from "../generated/commands.js";
import type { COMMAND_GROUPS } from "../generated/groups.js";
import { hasColor, json, record, table } from "../output.js";

/** `--name` of a parameter or body property: `employee_id` → `--employee-id`. */
export const flagOf = (name: string): string =>
  `--${name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase()}`;

/** Commander's attribute for a flag: `--employee-id` → `employeeId`. */
const attributeOf = (name: string): string =>
  flagOf(name)
    .slice(2)
    .replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A bad flag value (thrown from a flag's parser, so it reaches bin.ts as is: exit 2). */
const usage = (message: string) => new CliError(message, EXIT.USAGE);

/** One flag value, parsed for its type (a usage error when it does not parse). */
function parseScalar(type: string, value: string, flag: string): unknown {
  if (type === "integer" || type === "number") {
    const n = Number(value);
    if (value.trim() === "" || Number.isNaN(n) || (type === "integer" && !Number.isInteger(n)))
      throw usage(`${flag} takes ${type === "integer" ? "an integer" : "a number"}`);
    return n;
  }
  if (type === "boolean") {
    if (value === "true") return true;
    if (value === "false") return false;
    throw usage(`${flag} takes true or false`);
  }
  if (type === "object") {
    try {
      return JSON.parse(value);
    } catch {
      throw usage(`${flag} takes JSON`);
    }
  }
  return value;
}

/** The commander options of one flag. */
function optionsOf(make: Command, [name, type, required, description, values]: CommandFlag): Option[] {
  const option = (flags: string, about: string) => make.createOption(flags, about);
  const flag = flagOf(name);
  const about = [description, required ? "(required)" : ""].filter(Boolean).join(" ");
  if (type === "boolean") return [option(flag, about), option(`--no-${flag.slice(2)}`, `not ${flag}`)];
  if (type.endsWith("[]")) {
    const item = type.slice(0, -2);
    // Repeated flags or comma lists; objects as one JSON value (an array or an item) per flag.
    return [
      option(`${flag} <values>`, `${about} (repeat the flag or separate with commas)`).argParser(
        (value: string, previous: unknown[] = []) => {
          if (item === "object") {
            const parsed = parseScalar("object", value, flag);
            return [...previous, ...(Array.isArray(parsed) ? parsed : [parsed])];
          }
          const parts = value.split(",").map((part) => parseScalar(item, part.trim(), flag));
          if (values) for (const part of parts) if (!values.includes(part as string)) throw badChoice(flag, values);
          return [...previous, ...parts];
        },
      ),
    ];
  }
  const single = option(`${flag} <${type === "object" ? "json" : type === "string" ? "value" : "n"}>`, about);
  if (values) single.choices(values.map(String));
  if (type !== "string") single.argParser((value: string) => parseScalar(type, value, flag));
  return [single];
}

const badChoice = (flag: string, values: readonly unknown[]) => usage(`${flag} takes ${values.join(", ")}`);

/** `--data <json|@file>`: a whole JSON body. */
async function readData(data: string): Promise<Record<string, unknown>> {
  let text = data;
  if (data.startsWith("@")) {
    try {
      text = await readFile(data.slice(1), "utf8");
    } catch (error) {
      throw new CliError(`--data: cannot read ${data.slice(1)}: ${(error as Error).message}`, EXIT.USAGE);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError("--data takes a JSON object, or @file with one", EXIT.USAGE);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new CliError("--data takes a JSON object, or @file with one", EXIT.USAGE);
  return parsed as Record<string, unknown>;
}

/** A cell or value as text: scalars as they are, the rest as compact JSON. */
const text = (value: unknown): string =>
  value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);

const isScalar = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);

/** The columns of a list: `id` first, then up to five scalar fields of its first item. */
export function columnsOf(items: readonly Record<string, unknown>[]): string[] {
  const first = items[0] ?? {};
  const rest = Object.keys(first).filter((key) => key !== "id" && key !== "object" && isScalar(first[key]));
  return [...("id" in first ? ["id"] : []), ...rest.slice(0, 5)];
}

/** How a result prints without `--json`: a table for a list, label–value lines for an object. */
function human(ctx: CommandContext, result: unknown): string {
  if (result === undefined) return "";
  if (Array.isArray(result)) {
    if (result.length === 0) return "";
    const columns = columnsOf(result as Record<string, unknown>[]);
    return table(
      columns.map((c) => c.toUpperCase()),
      (result as Record<string, unknown>[]).map((item) => columns.map((c) => text(item[c]))),
      hasColor(process.stdout, ctx.env),
    );
  }
  if (typeof result !== "object" || result === null) return `${text(result)}\n`;
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0) return "";
  return record(entries.map(([key, value]) => [key, text(value)] as const));
}

/** Runs one resource command through the SDK's generated method. */
async function run(
  ctx: CommandContext,
  sdkGroup: string,
  [method, , pathParams, body, paginated, flags]: ResourceCommand,
  ids: string[],
  options: Record<string, unknown>,
): Promise<void> {
  const input: Record<string, unknown> = body && typeof options.data === "string" ? await readData(options.data) : {};
  for (const [name] of flags) {
    const value = options[attributeOf(name)];
    if (value !== undefined) input[name] = value;
  }
  const missing = flags.filter(([name, , required]) => required && input[name] === undefined);
  if (missing.length)
    throw new CliError(
      `missing required option${missing.length > 1 ? "s" : ""} ${missing.map(([name]) => `'${flagOf(name)}'`).join(", ")}`,
      EXIT.USAGE,
    );
  const args: unknown[] = [...ids];
  const hasInput = body !== 0 || flags.length > 0;
  if (hasInput) args.push(Object.keys(input).length || body === 2 ? input : undefined);
  if (pathParams.length + (hasInput ? 1 : 0) === 0) args.length = 0;

  const { client } = await clientFor(ctx);
  const fn = (client as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[sdkGroup]?.[method];
  if (!fn) throw new CliError(`the SDK has no method ${sdkGroup}.${method}`);
  const call = fn(...args);

  if (paginated && options.all) {
    const items: unknown[] = [];
    for await (const item of call as AsyncIterable<unknown>) items.push(item);
    ctx.io.stdout(ctx.options.json ? json(items) : human(ctx, items));
    return;
  }
  const result = await call;
  if (ctx.options.json) {
    if (result !== undefined) ctx.io.stdout(json(result));
    return;
  }
  const page = result as { data?: unknown; has_more?: boolean; next_cursor?: string | null } | undefined;
  if (paginated && Array.isArray(page?.data)) {
    ctx.io.stdout(human(ctx, page.data));
    if (page.data.length === 0) ctx.io.stderr("No items.\n");
    if (page.has_more && page.next_cursor)
      ctx.io.stderr(`More: --cursor ${page.next_cursor}, or --all for every page.\n`);
    return;
  }
  if (result === undefined) {
    ctx.io.stderr("Done.\n");
    return;
  }
  ctx.io.stdout(human(ctx, result));
}

/**
 * `timecard <group> <command> [ids...] [--flags]`: builds the group's commands from the
 * generated table (only now, so `timecard --help` never loads it) and runs `args` through them.
 */
export async function resources(
  ctx: CommandContext,
  [groupName, sdkGroup, description]: (typeof COMMAND_GROUPS)[number],
  args: readonly string[],
  parent: Command,
): Promise<void> {
  // The group's name, SDK group and description come from program.ts, so groups.ts stays in bin.js.
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
    const [, summary, pathParams, body, paginated, flags] = spec;
    const command = group.command(name).description(summary);
    for (const param of pathParams) command.argument(`<${param}>`);
    for (const flag of flags) for (const option of optionsOf(group, flag)) command.addOption(option);
    if (body) command.option("--data <json|@file>", "the whole JSON body; flags override its fields");
    if (paginated) command.option("--all", "every page, not just the first");
    command.option("--json", "print JSON on stdout instead of a table");
    command.action(async (...received: unknown[]) => {
      const ids = received.slice(0, pathParams.length) as string[];
      const options = received[pathParams.length] as Record<string, unknown>;
      const local = { ...ctx, options: { ...ctx.options, ...(options.json ? { json: true } : {}) } };
      await run(local, sdkGroup, spec, ids, options);
    });
  }
  await group.parseAsync([...args], { from: "user" });
}
