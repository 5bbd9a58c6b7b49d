import { createRequire } from "node:module";
import { CommanderError } from "commander";
import { createProgram } from "./program.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

// Exit codes: 0 ok, 1 error, 2 usage (commander's own errors: unknown flags, missing arguments),
// 4 authentication. Errors go to stderr, never a stack trace (TIMECARD_DEBUG=1 prints one).
try {
  await createProgram(version).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // EXIT.OK and EXIT.USAGE (errors.ts), written out: `--help` ends here, and loads no other module.
    process.exitCode = error.exitCode === 0 ? 0 : error.code.startsWith("commander.") ? 2 : error.exitCode;
  } else {
    // Loaded only on this path, so `--help` and `--version` read bin.js alone (`pnpm bench cli`).
    const [{ describeError }, { hasColor, red }] = await Promise.all([import("./errors.js"), import("./output.js")]);
    const { message, exitCode } = describeError(error);
    process.stderr.write(`${red("error:", hasColor(process.stderr))} ${message}\n`);
    if (process.env.TIMECARD_DEBUG) process.stderr.write(`${(error as Error).stack ?? ""}\n`);
    process.exitCode = exitCode;
  }
}
