import { type CommandContext, clientFor, maskKey } from "../context.js";
import { json, record } from "../output.js";

/** `timecard whoami`: who the credential is, in which organization, with which limits. */
export async function whoami(ctx: CommandContext): Promise<void> {
  const { client, resolved } = await clientFor(ctx);
  const me = await client.me.get();
  const key = maskKey(resolved.apiKey ?? "");
  const source = resolved.keySource === "env" ? "TIMECARD_API_KEY" : `profile ${resolved.profile}`;
  if (ctx.options.json) {
    return ctx.io.stdout(json({ ...me, key, source, profile: resolved.profile, base_url: resolved.baseUrl }));
  }
  const limit = me.rate_limit;
  ctx.io.stdout(
    record([
      ["Name", `${me.user.name} <${me.user.email}>`],
      ["Role", me.user.role],
      ["Organization", `${me.organization.name} (${me.organization.id})`],
      ["Key", `${key} (${me.credential.id}, scope ${me.credential.scope}, from ${source})`],
      ["Mode", me.credential.mode],
      ["Rate limit", `${limit.remaining} of ${limit.limit} an hour left, resets ${limit.reset_at}`],
      ["API", resolved.baseUrl],
    ]),
  );
}
