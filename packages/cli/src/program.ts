import { OPERATIONS, type OperationInfo } from "@timecard/sdk";
import { Command } from "commander";

/** What the program writes to; injected so tests can capture it. */
export interface ProgramIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Builds the `timecard` command.
 *
 * @example
 * ```ts
 * await createProgram("0.1.0").parseAsync(process.argv);
 * ```
 */
export function createProgram(
  version: string,
  io: ProgramIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
): Command {
  const program = new Command("timecard")
    .description("The Timecard API from your terminal: time tracking, leave, payroll exports and webhooks.")
    .version(version, "-v, --version", "print the version")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run timecard --help for usage)")
    // Throw instead of exiting, so the caller decides exit codes (bin.ts) and tests can run it in-process.
    .exitOverride();

  program
    .command("operations")
    .description("list every operation of the Timecard API, with the scope and roles it needs")
    .option("--tag <tag>", "only the operations of one resource, such as Sessions")
    .option("--json", "print JSON instead of a table")
    .action((options: { tag?: string; json?: boolean }) => {
      const all = Object.values(OPERATIONS) as readonly OperationInfo[];
      const rows = options.tag ? all.filter((op) => op.tag.toLowerCase() === options.tag?.toLowerCase()) : all;
      if (options.tag && rows.length === 0) {
        const tags = [...new Set(all.map((op) => op.tag))].sort().join(", ");
        program.error(`error: no operations with tag "${options.tag}"; tags are: ${tags}`, { exitCode: 2 });
      }
      if (options.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout(formatTable(rows));
    });

  return program;
}

function formatTable(rows: readonly OperationInfo[]): string {
  const sorted = [...rows].sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path));
  const cells = sorted.map((op) => [op.tag, op.method, op.path, op.scope ?? "public", op.operationId]);
  const header = ["RESOURCE", "METHOD", "PATH", "SCOPE", "OPERATION"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: readonly string[]) =>
    `${c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  return [header, ...cells].map(line).join("");
}
