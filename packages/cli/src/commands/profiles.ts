import { type CommandContext, DEFAULT_BASE_URL, maskKey, resolve } from "../context.js";
import { hasColor, json, table } from "../output.js";

/** `timecard profiles`: the saved profiles, marking the default and the active one. */
export async function profiles(ctx: CommandContext): Promise<void> {
  const { config, profile: active } = await resolve(ctx);
  const rows = Object.entries(config.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => ({
      name,
      key: maskKey(p.api_key),
      base_url: p.base_url ?? DEFAULT_BASE_URL,
      default: name === config.default_profile,
      active: name === active,
    }));
  if (ctx.options.json) {
    ctx.io.stdout(json(rows));
    return;
  }
  if (rows.length === 0) {
    ctx.io.stderr("No profiles yet: run timecard login.\n");
    return;
  }
  const marks = (r: (typeof rows)[number]) => [r.active ? "active" : "", r.default ? "default" : ""].filter(Boolean);
  ctx.io.stdout(
    table(
      ["", "NAME", "KEY", "API", ""],
      rows.map((r) => [r.active ? "*" : "", r.name, r.key, r.base_url, marks(r).join(", ")]),
      hasColor(process.stdout, ctx.env),
    ),
  );
}
