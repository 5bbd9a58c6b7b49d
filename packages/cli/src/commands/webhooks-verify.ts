import { readFile } from "node:fs/promises";
import { verifyWebhook, WebhookVerificationError } from "@timecard/webhooks";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { json, record, text } from "../output.js";

/** `webhooks verify`'s flags. */
export interface VerifyFlags {
  secret: string[];
  header: string[];
  payload?: string;
  tolerance?: string;
}

/** `--header 'name: value'` lines as a header object (a repeated name keeps its values, space-separated). */
export function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new CliError(`--header takes 'name: value', got "${line}"`, EXIT.USAGE);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]} ${value}`;
  }
  return headers;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `timecard webhooks verify`: checks a delivery offline, as a receiver would with
 * `@timecard/webhooks` (the raw body from stdin or `--payload`); exits 1 with the reason's code.
 */
export async function verify(ctx: CommandContext, flags: VerifyFlags): Promise<void> {
  if (flags.secret.length === 0) throw new CliError("missing required option '--secret'", EXIT.USAGE);
  if (flags.header.length === 0)
    throw new CliError("missing required option '--header' (the delivery's webhook-* headers)", EXIT.USAGE);
  const headers = parseHeaders(flags.header);
  let toleranceSeconds: number | undefined;
  if (flags.tolerance !== undefined) {
    toleranceSeconds = flags.tolerance === "none" ? Number.POSITIVE_INFINITY : Number(flags.tolerance);
    if (!(toleranceSeconds >= 0)) throw new CliError("--tolerance takes seconds, or none", EXIT.USAGE);
  }
  let payload: Buffer;
  if (flags.payload !== undefined) {
    try {
      payload = await readFile(flags.payload);
    } catch (error) {
      throw new CliError(`--payload: cannot read ${flags.payload}: ${(error as Error).message}`, EXIT.USAGE);
    }
  } else {
    if (process.stdin.isTTY) throw new CliError("pipe the raw body on stdin, or pass --payload <file>", EXIT.USAGE);
    payload = await readStdin();
  }

  try {
    const event = verifyWebhook({
      payload,
      headers,
      secrets: flags.secret,
      ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
    });
    if (ctx.options.json) return ctx.io.stdout(json({ verified: true, event }));
    ctx.io.stdout(
      `Verified: the signature matches.\n${record([
        ["Event", text(event.id)],
        ["Type", text(event.type)],
        ["Created", text(event.created_at)],
      ])}`,
    );
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    if (ctx.options.json) ctx.io.stdout(json({ verified: false, code: error.code, message: error.message }));
    throw new CliError(`not verified: ${error.message} (${error.code})`);
  }
}
