import { writeConfig } from "../config.js";
import { type CommandContext, resolve } from "../context.js";
import { CliError } from "../errors.js";
import { json } from "../output.js";

/** `timecard logout`: forgets a profile's key (the key itself stays valid until revoked). */
export async function logout(ctx: CommandContext): Promise<void> {
  const { config, configPath, profile } = await resolve(ctx);
  if (!config.profiles[profile]) throw new CliError(`no profile "${profile}"; see timecard profiles`);
  delete config.profiles[profile];
  if (config.default_profile === profile) {
    const next = Object.keys(config.profiles).sort()[0];
    if (next === undefined) delete config.default_profile;
    else config.default_profile = next;
  }
  await writeConfig(configPath, config);
  if (ctx.options.json)
    return ctx.io.stdout(json({ profile, removed: true, default_profile: config.default_profile ?? null }));
  ctx.io.stdout(`Logged out: removed profile "${profile}". The key stays valid until you revoke it.\n`);
}
