import { createRequire } from "node:module";
import { CommanderError } from "commander";
import { createProgram } from "./program.js";

const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

// Exit codes: 0 ok, 1 error, 2 usage (commander's own errors: unknown flags, missing arguments).
try {
  await createProgram(version).parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : error.code.startsWith("commander.") ? 2 : error.exitCode;
}
