import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/generated/commands.js";
import { COMMAND_GROUPS } from "../../src/generated/groups.js";
import { runCli } from "../support/cli.js";

// The completion scripts come from the command tree: bash's is loaded into a real bash and asked
// for completions through its `complete` machinery (COMP_WORDS, COMP_CWORD, the registered function).

async function script(shell: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(["completion", shell]);
  expect(code, stderr).toBe(0);
  return stdout;
}

/** What bash completes for the words typed so far (the last one being completed). */
function complete(bashScript: string, typed: string[]): string[] {
  const words = ["timecard", ...typed].map((w) => `'${w}'`).join(" ");
  const program = `${bashScript}
fn=$(complete -p timecard | sed -E 's/.*-F ([^ ]+).*/\\1/')
COMP_WORDS=(${words}); COMP_CWORD=${typed.length}
"$fn"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split("\n").filter(Boolean).sort();
}

describe("timecard completion bash", () => {
  it("is valid bash that registers a completion for timecard", async () => {
    const bash = await script("bash");
    const check = spawnSync("bash", ["-n"], { input: bash, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    expect(complete(bash, [""])).toEqual(
      expect.arrayContaining(["listen", "trigger", "completion", "login", "api", ...COMMAND_GROUPS.map(([n]) => n)]),
    );
  });

  it("completes groups, their commands (generated and hand-written), flags and flag values", async () => {
    const bash = await script("bash");
    expect(complete(bash, ["ses"])).toEqual(["sessions"]);
    expect(complete(bash, ["sessions", ""])).toEqual([...Object.keys(COMMANDS.sessions ?? {}), "--help"].sort());
    expect(complete(bash, ["webhooks", "v"])).toEqual(["verify"]);
    expect(complete(bash, ["webhooks", "de"])).toEqual(["delete", "delete-endpoint", "deliveries"]);
    expect(complete(bash, ["audit", "t"])).toEqual(["tail"]);
    expect(complete(bash, ["sessions", "start", "--emp"])).toEqual(["--employee"]);
    expect(complete(bash, ["api-keys", "create", "--rate"])).toEqual(["--rate-limit"]);
    expect(complete(bash, ["api-keys", "create", "--scope", ""])).toEqual(["full", "read"]);
    expect(complete(bash, ["--profile", "work", "leave", "list", "--status", "ap"])).toEqual(["approved"]);
    expect(complete(bash, ["exports", "create", "-"])).toEqual(
      expect.arrayContaining(["--output", "--no-wait", "--month"]),
    );
    expect(complete(bash, ["listen", "--"])).toEqual(
      expect.arrayContaining(["--forward-to", "--events", "--print-secret", "--json"]),
    );
    expect(complete(bash, ["completion", ""])).toEqual(["bash", "fish", "zsh"]);
  });
});

describe("timecard completion zsh and fish", () => {
  it("prints zsh's script (bash's through bashcompinit) and fish's, both naming every group", async () => {
    const zsh = await script("zsh");
    expect(zsh).toContain("bashcompinit");
    expect(zsh).toContain("complete -F _timecard timecard");
    const fish = await script("fish");
    for (const [name] of COMMAND_GROUPS) expect(fish).toContain(`-n "__fish_use_subcommand" -a ${name} `);
    expect(fish).toMatch(/__fish_seen_subcommand_from sessions; and __fish_seen_subcommand_from start" -l employee -r/);
  });

  it("exits 2 for another shell", async () => {
    const { code, stderr } = await runCli(["completion", "powershell"]);
    expect(code).toBe(2);
    expect(stderr).toContain("powershell");
  });
});
