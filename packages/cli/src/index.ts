/**
 * `timecard`, the Timecard command-line interface. Also usable as a library.
 *
 * @packageDocumentation
 */

export { CliError, EXIT } from "./errors.js";
export type { ProgramIO } from "./program.js";
export { createProgram } from "./program.js";
