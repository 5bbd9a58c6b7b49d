import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { writeConfig } from "../config.js";
import { type CommandContext, createClient, DEFAULT_BASE_URL, maskKey, resolve } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { json, record } from "../output.js";

/** `timecard login`: checks a key with `GET /v1/me` and saves it in a profile. */
export async function login(ctx: CommandContext, flags: { apiKey?: string }): Promise<void> {
  const resolved = await resolve(ctx);
  const apiKey = (flags.apiKey ?? (process.stdin.isTTY ? await prompt("API key: ") : await readStdin())).trim();
  if (apiKey === "") throw new CliError("no API key given: pass --api-key <key> or pipe it on stdin", EXIT.USAGE);
  const me = await (await createClient(apiKey, resolved.baseUrl)).me.get();

  const { config } = resolved;
  config.profiles[resolved.profile] = {
    api_key: apiKey,
    ...(resolved.baseUrl === DEFAULT_BASE_URL ? {} : { base_url: resolved.baseUrl }),
  };
  config.default_profile ??= resolved.profile;
  await writeConfig(resolved.configPath, config);

  const summary = {
    profile: resolved.profile,
    base_url: resolved.baseUrl,
    key: maskKey(apiKey),
    user: me.user,
    organization: me.organization,
    mode: me.credential.mode,
    config: resolved.configPath,
  };
  if (ctx.options.json) {
    ctx.io.stdout(json(summary));
    return;
  }
  ctx.io.stdout(
    `Logged in to ${me.organization.name} as ${me.user.name} (${me.user.role}) with ${summary.key}.\n` +
      record([
        ["Profile", resolved.profile],
        ["API", resolved.baseUrl],
        ["Saved in", resolved.configPath],
      ]),
  );
}

async function readStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** Asks for the key on the terminal without echoing it. */
async function prompt(question: string): Promise<string> {
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await new Promise<string>((answer) => rl.question("", answer));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}
