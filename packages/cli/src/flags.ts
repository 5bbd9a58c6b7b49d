import { readFile } from "node:fs/promises";
import type { Command, Option } from "commander";
import { CliError, EXIT } from "./errors.js";
import type { CommandFlag } from "./generated/commands.js";

/** `--name` of a parameter or body property: `employee_id` → `--employee-id`. */
export const flagOf = (name: string): string =>
  `--${name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase()}`;

/** Commander's attribute for a flag: `--employee-id` → `employeeId`. */
const attributeOf = (flag: string): string => flag.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

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

const badChoice = (flag: string, values: readonly unknown[]) => usage(`${flag} takes ${values.join(", ")}`);

/** The commander options of one flag under one name. */
function optionsNamed(make: Command, flag: string, [, , type, required, description, values]: CommandFlag): Option[] {
  const option = (flags: string, about: string) => make.createOption(flags, about);
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

/**
 * Adds the options of `flags` to `command`: `--<flag>`, and the property's own name in kebab-case
 * as a hidden alias where the CLI names it otherwise (`--employee` and `--employee-id`).
 */
export function addFlags(command: Command, flags: readonly CommandFlag[]): Command {
  for (const row of flags) {
    const [name, flag] = row;
    for (const option of optionsNamed(command, `--${flag}`, row)) command.addOption(option);
    if (flagOf(name) !== `--${flag}`)
      for (const option of optionsNamed(command, flagOf(name), row)) command.addOption(option.hideHelp());
  }
  return command;
}

/** The value given for one flag, under its name or its alias. */
function givenValue(options: Record<string, unknown>, [name, flag]: CommandFlag): unknown {
  return options[attributeOf(`--${flag}`)] ?? options[attributeOf(flagOf(name))];
}

/** The flags given, by property name, over `base`; a usage error naming the required ones missing. */
export function readFlags(
  flags: readonly CommandFlag[],
  options: Record<string, unknown>,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const input = { ...base };
  for (const row of flags) {
    const value = givenValue(options, row);
    if (value !== undefined) input[row[0]] = value;
  }
  const missing = flags.filter(([name, , , required]) => required && input[name] === undefined);
  if (missing.length)
    throw new CliError(
      `missing required option${missing.length > 1 ? "s" : ""} ${missing.map(([, flag]) => `'--${flag}'`).join(", ")}`,
      EXIT.USAGE,
    );
  return input;
}

/** `--data <json|@file>`: a whole JSON body. */
export async function readData(data: string): Promise<Record<string, unknown>> {
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

/** `--interval <seconds>` as milliseconds, within [min, max] seconds. */
export function parseInterval(value: string, min = 0.5, max = 60): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < min || seconds > max)
    throw usage(`--interval takes seconds from ${min} to ${max}`);
  return Math.round(seconds * 1000);
}
