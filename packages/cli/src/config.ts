import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./errors.js";

/** One saved credential. */
export interface Profile {
  api_key: string;
  /** Absent for the default API origin. */
  base_url?: string;
}

/** The config file: profiles by name and the one used when none is named. */
export interface Config {
  default_profile?: string;
  profiles: Record<string, Profile>;
  /** `timecard listen`'s signing secret (`whsec_…`) by profile, kept so a local receiver keeps verifying. */
  listen_secrets?: Record<string, string>;
}

/** `$XDG_CONFIG_HOME/timecard/config.json`, else `~/.config/timecard/config.json`; `%APPDATA%\timecard` on Windows. */
export function configPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const base =
    platform === "win32" && env.APPDATA ? env.APPDATA : env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "timecard", "config.json");
}

/** Reads the config file; an absent file is an empty config. */
export async function readConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Config>;
    return { ...parsed, profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError(`${path} is not valid JSON; fix it or delete it and run timecard login again`);
  }
}

/** Writes the config file readable by its owner only (0600, its directory 0700), atomically. */
export async function writeConfig(path: string, config: Config): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
