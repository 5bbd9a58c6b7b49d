import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { components, Timecard } from "@timecard/sdk";
import { type CommandContext, clientFor } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { readData, readFlags } from "../flags.js";
import { sleep } from "../follow.js";
import type { CommandFlag } from "../generated/commands.js";
import { print } from "./resources.js";

type Export = components["schemas"]["Export"];

/** How often a running export is polled. */
const POLL_MS = 1000;

/** `exports create`'s own flags, beside the generated ones. */
export interface CreateExportFlags {
  output?: string;
  /** False with `--no-wait`. */
  wait?: boolean;
  data?: string;
}

/** A progress bar on one terminal line: `[#########...........]  45%  running`. */
export function progressBar(percent: number, status: string, width = 30): string {
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  const done = Math.round((clamped / 100) * width);
  return `[${"#".repeat(done)}${".".repeat(width - done)}] ${String(clamped).padStart(3)}%  ${status}`;
}

/** Polls the export until it is completed or failed; draws the bar on stderr when it is a terminal. */
async function waitFor(ctx: CommandContext, client: Timecard, created: Export): Promise<Export> {
  const tty = process.stderr.isTTY === true;
  const draw = (e: Export) => tty && ctx.io.stderr(`\r${progressBar(e.progress, e.status)}\u001b[K`);
  let current = created;
  const never = new AbortController().signal;
  while (current.status === "queued" || current.status === "running") {
    draw(current);
    await sleep(POLL_MS, never);
    current = await client.exports.get(current.id);
  }
  if (tty) {
    draw(current);
    ctx.io.stderr("\n");
  }
  return current;
}

/** The message of a failed export, naming the employees to fix. */
function failure(e: Export): CliError {
  const error = e.error;
  const employees = error?.employee_ids.length ? `; employees to fix: ${error.employee_ids.join(", ")}` : "";
  return new CliError(
    `export ${e.id} failed: ${error?.message ?? "no reason given"} (${error?.code ?? "unknown"})${employees}`,
  );
}

/** Writes `bytes` to `output`, or to stdout for `-`, unchanged. */
async function writeBytes(output: string, bytes: Uint8Array): Promise<void> {
  if (output === "-") {
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
    return;
  }
  try {
    await writeFile(output, bytes);
  } catch (error) {
    throw new CliError(`cannot write ${output}: ${(error as Error).message}`);
  }
}

/** `GET /v1/exports/{id}/file`: the bytes as sent. */
async function download(client: Timecard, id: string): Promise<Uint8Array> {
  const { data, error, response } = await client.raw.GET("/v1/exports/{export_id}/file", {
    params: { path: { export_id: id } },
    parseAs: "arrayBuffer",
  });
  if (!response.ok || data === undefined) {
    const { errorFromResponse } = await import("@timecard/sdk");
    throw errorFromResponse(response, error);
  }
  return new Uint8Array(data as ArrayBuffer);
}

/** Downloads a completed export's file to `output`, checking it against the export's SHA-256. */
async function save(ctx: CommandContext, client: Timecard, e: Export, output: string): Promise<void> {
  const bytes = await download(client, e.id);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (e.file && sha256 !== e.file.sha256)
    throw new CliError(`the file of ${e.id} arrived damaged (its SHA-256 is not the export's); download it again`);
  await writeBytes(output, bytes);
  if (output !== "-") ctx.io.stderr(`Wrote ${bytes.length} bytes to ${output} (${e.file?.filename ?? e.id}).\n`);
}

/**
 * `timecard exports create`: creates the export, waits until it is written (a progress bar on a
 * terminal) and, with `-o`, downloads its file; a failed export exits 1 naming the employees to fix.
 */
export async function createExport(
  ctx: CommandContext,
  flags: readonly CommandFlag[],
  options: Record<string, unknown> & CreateExportFlags,
): Promise<void> {
  if (options.wait === false && options.output !== undefined)
    throw new CliError("-o needs the file: leave out --no-wait", EXIT.USAGE);
  const input = readFlags(flags, options, options.data ? await readData(options.data) : {});
  const { client } = await clientFor(ctx);
  const created = await client.exports.create(input as Parameters<Timecard["exports"]["create"]>[0]);
  if (options.wait === false) return print(ctx, created);

  ctx.io.stderr(`Export ${created.id} (${created.format}, ${created.month}) ${created.status}.\n`);
  const finished = await waitFor(ctx, client, created);
  if (finished.status === "failed") throw failure(finished);
  if (options.output !== undefined) await save(ctx, client, finished, options.output);
  if (options.output !== "-") print(ctx, finished);
}

/** `timecard exports download <id> [-o file]`: the file of a completed export, bytes unchanged. */
export async function downloadExport(ctx: CommandContext, id: string, options: { output?: string }): Promise<void> {
  const { client } = await clientFor(ctx);
  const e = await client.exports.get(id);
  if (e.status === "failed") throw failure(e);
  if (!e.file) throw new CliError(`export ${id} is ${e.status}, not completed: no file yet`);
  // The file's own name, in the current directory, unless -o says otherwise.
  await save(ctx, client, e, options.output ?? basename(e.file.filename));
}
