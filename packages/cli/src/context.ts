import type { Timecard, TimecardOptions } from "@timecard/sdk";
import { type Config, configPath, readConfig } from "./config.js";
import { CliError, EXIT } from "./errors.js";
import type { ProgramIO } from "./output.js";

/** The API's origin when neither a flag, the environment nor the profile names one. */
export const DEFAULT_BASE_URL = "https://api.timecard.dev";

/** The options every command takes. */
export interface GlobalOptions {
  profile?: string;
  baseUrl?: string;
  json?: boolean;
}

/** What a command runs with. */
export interface CommandContext {
  readonly io: ProgramIO;
  readonly options: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
}

/** `ctx` with a command's own `--json` applied. */
export const withJson = (ctx: CommandContext, options: { json?: boolean }): CommandContext =>
  options.json ? { ...ctx, options: { ...ctx.options, json: true } } : ctx;

/** The credential and origin a command uses, and where each came from. */
export interface Resolved {
  readonly configPath: string;
  readonly config: Config;
  /** `--profile`, else `TIMECARD_PROFILE`, else the config's default, else `default`. */
  readonly profile: string;
  /** `TIMECARD_API_KEY`, else the profile's key. */
  readonly apiKey: string | undefined;
  readonly keySource: "env" | "profile" | "none";
  /** `--base-url`, else `TIMECARD_BASE_URL`, else the profile's, else the default. */
  readonly baseUrl: string;
}

/** Resolves the credential: flags, then the environment, then the profile. */
export async function resolve(ctx: CommandContext): Promise<Resolved> {
  const path = configPath(ctx.env);
  const config = await readConfig(path);
  const profile = ctx.options.profile || ctx.env.TIMECARD_PROFILE || config.default_profile || "default";
  const saved = config.profiles[profile];
  const envKey = ctx.env.TIMECARD_API_KEY || undefined;
  const apiKey = envKey ?? saved?.api_key;
  return {
    configPath: path,
    config,
    profile,
    apiKey,
    keySource: envKey ? "env" : saved ? "profile" : "none",
    baseUrl: (ctx.options.baseUrl || ctx.env.TIMECARD_BASE_URL || saved?.base_url || DEFAULT_BASE_URL).replace(
      /\/+$/,
      "",
    ),
  };
}

/** An SDK client for `apiKey` (the SDK loads only here, so `--help` never pays for it). */
export async function createClient(
  apiKey: string,
  baseUrl: string,
  options: Omit<TimecardOptions, "apiKey" | "baseUrl"> = {},
): Promise<Timecard> {
  const { createTimecard } = await import("@timecard/sdk");
  return createTimecard({ userAgent: "timecard-cli", ...options, apiKey, baseUrl });
}

/** The client of the resolved credential; exits 4 when none is configured. */
export async function clientFor(
  ctx: CommandContext,
  options: Omit<TimecardOptions, "apiKey" | "baseUrl"> = {},
  given?: Resolved,
): Promise<{ client: Timecard; resolved: Resolved }> {
  const resolved = given ?? (await resolve(ctx));
  if (!resolved.apiKey) {
    const named = ctx.options.profile || ctx.env.TIMECARD_PROFILE;
    throw new CliError(
      named
        ? `no profile "${resolved.profile}"; run timecard login --profile ${resolved.profile}`
        : "no credential configured; run timecard login, or set TIMECARD_API_KEY",
      EXIT.AUTHENTICATION,
    );
  }
  return { client: await createClient(resolved.apiKey, resolved.baseUrl, options), resolved };
}

/** A key as it may be shown: its prefix and last four characters, never the secret. */
export function maskKey(key: string): string {
  return key.length <= 16 ? "…" : `${key.slice(0, 12)}…${key.slice(-4)}`;
}
