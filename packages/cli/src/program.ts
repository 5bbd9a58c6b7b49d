import { Argument, Command, Option } from "commander";
import type { CommandContext, GlobalOptions } from "./context.js";
import { COMMAND_GROUPS } from "./generated/groups.js";
import type { ProgramIO } from "./output.js";

export type { ProgramIO } from "./output.js";

/**
 * Builds the `timecard` command: the command table only. Each command's module, and the SDK,
 * is imported inside its action, so `timecard --help` loads nothing but commander.
 *
 * @example
 * ```ts
 * await createProgram("0.1.0").parseAsync(process.argv);
 * ```
 */
export function createProgram(
  version: string,
  io: ProgramIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const program = new Command("timecard")
    .description("The Timecard API from your terminal: time tracking, leave, payroll exports and webhooks.")
    .version(version, "-v, --version", "print the version")
    .option("--profile <name>", "the saved profile to use (default: TIMECARD_PROFILE, else the default profile)")
    .option("--base-url <url>", "the API's origin (default: TIMECARD_BASE_URL, else the profile's)")
    .option("--json", "print JSON on stdout instead of tables")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(run timecard --help for usage)")
    // Throw instead of exiting, so the caller decides exit codes (bin.ts) and tests can run it in-process.
    .exitOverride();

  const context = (command: Command): CommandContext => ({
    io,
    env,
    options: command.optsWithGlobals<GlobalOptions>(),
  });

  program
    .command("login")
    .description("check an API key with GET /v1/me and save it in a profile (the key is read from stdin when piped)")
    .option("--api-key <key>", "the key (tc_live_… or tc_test_…); prefer stdin, which keeps it out of shell history")
    .action(async (flags: { apiKey?: string }, command: Command) =>
      (await import("./commands/login.js")).login(context(command), flags),
    );

  program
    .command("logout")
    .description("forget the key of a profile")
    .action(async (_flags, command: Command) => (await import("./commands/logout.js")).logout(context(command)));

  program
    .command("whoami")
    .description("show who the credential is: user, role, organization, key, mode and rate limit")
    .action(async (_flags, command: Command) => (await import("./commands/whoami.js")).whoami(context(command)));

  program
    .command("profiles")
    .description("list the saved profiles, marking the default and the active one")
    .action(async (_flags, command: Command) => (await import("./commands/profiles.js")).profiles(context(command)));

  program
    .command("api")
    .description("call any endpoint: fields become the query (GET, DELETE) or the JSON body")
    .argument("<method>", "GET, POST, PUT, PATCH or DELETE")
    .argument("<path>", "the path, such as /v1/employees")
    .addOption(
      new Option("-f, --field <key=value>", "a query parameter or body field; JSON values are parsed; key[]=v appends")
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([]),
    )
    .option("--paginate", "follow next_cursor and print every item (a JSON array with --json, else JSON lines)")
    .action(async (method: string, path: string, flags: { field: string[]; paginate?: boolean }, command: Command) =>
      (await import("./commands/api.js")).api(context(command), method, path, flags),
    );

  program
    .command("operations")
    .description("list every operation of the Timecard API, with the scope and roles it needs")
    .option("--tag <tag>", "only the operations of one resource, such as Sessions")
    .action(async (flags: { tag?: string }, command: Command) =>
      (await import("./commands/operations.js")).operations(context(command), flags),
    );

  program
    .command("listen")
    .description(
      "print the organization's events as they happen and forward each, signed, to a local URL (until Ctrl+C)",
    )
    .option("--forward-to <url>", "POST each event here, signed like a webhook delivery with this profile's secret")
    .addOption(
      new Option(
        "--events <types>",
        "only these types: session.started, session.* or * (repeat or separate with commas)",
      )
        .argParser((value: string, previous: string[] = []) => [...previous, ...value.split(",").map((t) => t.trim())])
        .default(undefined),
    )
    .option("--print-secret", "print the signing secret (whsec_…) that forwarded events are signed with, and exit")
    .option("--interval <seconds>", "seconds between two polls of GET /v1/events, 0.5 to 60", "2")
    .action(
      async (flags: { forwardTo?: string; events?: string[]; printSecret?: boolean; interval: string }, command) => {
        const [{ listen }, { parseInterval }] = await Promise.all([
          import("./commands/listen.js"),
          import("./flags.js"),
        ]);
        await listen(context(command), { ...flags, intervalMs: parseInterval(flags.interval) });
      },
    );

  program
    .command("trigger")
    .description("fire a sample event of a type in the sandbox (POST /v1/sandbox/trigger)")
    .argument("<event-type>", "such as session.started")
    .option("--employee <id>", "the employee the sample concerns (default: the seed's Jan Kowalski)")
    .action(async (type: string, flags: { employee?: string }, command: Command) =>
      (await import("./commands/trigger.js")).trigger(context(command), type, flags),
    );

  program
    .command("completion")
    .description('print the shell completion script: eval "$(timecard completion bash)"')
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action(async (shell: string, _flags, command: Command) =>
      // The groups are passed on, so groups.ts stays inside bin.js rather than in a chunk of its own.
      (await import("./commands/completion.js")).completion(context(command), shell, program, COMMAND_GROUPS),
    );

  // The resource groups (`timecard sessions start …`): only names here; the group's commands and
  // flags are built from the generated table once it runs, so its arguments pass through untouched.
  for (const group of COMMAND_GROUPS) {
    const [name, , description, aliases] = group;
    program
      .command(name)
      .aliases(aliases)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (_flags, command: Command) =>
        (await import("./commands/resources.js")).resources(context(command), group, command.args, program),
      );
  }

  return program;
}
