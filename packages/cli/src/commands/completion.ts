import type { Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import type { COMMAND_GROUPS } from "../generated/groups.js";
import { buildGroup } from "./resources.js";

/** One command of the tree: its names, flags (with their choices), first argument's choices and subcommands. */
export interface CompletionNode {
  readonly names: readonly string[];
  readonly description: string;
  readonly flags: readonly { name: string; description: string; takesValue: boolean; choices: readonly string[] }[];
  readonly argumentChoices: readonly string[];
  readonly commands: readonly CompletionNode[];
}

function nodeOf(command: Command, commands: CompletionNode[] = []): CompletionNode {
  return {
    names: [command.name(), ...command.aliases()],
    description: command.description().split("\n")[0] ?? "",
    flags: command.options
      .filter((o: Option) => !o.hidden && o.long)
      .map((o: Option) => ({
        name: o.long as string,
        description: o.description,
        takesValue: o.required || o.optional,
        choices: o.argChoices ?? [],
      })),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
    commands,
  };
}

/** The whole command tree: the top-level commands and every group's commands, as their `--help` shows them. */
export function commandTree(ctx: CommandContext, program: Command, groupList: typeof COMMAND_GROUPS): CompletionNode {
  const groups = new Map(groupList.map((group) => [group[0], group]));
  const children = program.commands.map((command) => {
    const group = groups.get(command.name());
    if (!group) return nodeOf(command);
    return nodeOf(
      command,
      buildGroup(ctx, group, program).commands.map((sub) => nodeOf(sub)),
    );
  });
  return nodeOf(program, children);
}

const words = (list: readonly string[]) => list.join(" ");

/** The bash completion script (also what zsh runs, through bashcompinit). */
export function bashScript(tree: CompletionNode): string {
  const globalFlags = tree.flags.map((f) => f.name);
  const withValue = tree.flags.filter((f) => f.takesValue).map((f) => f.name);
  const subCases: string[] = [];
  const flagCases: string[] = [];
  const choiceCases: string[] = [];
  const add = (cases: string[], keys: readonly string[], list: readonly string[]) =>
    cases.push(`      ${keys.join("|")}) words="${words(list)}" ;;`);
  const flagsOf = (node: CompletionNode, keys: readonly string[]) => {
    add(flagCases, keys, [...node.flags.map((f) => f.name), ...globalFlags, "--help"]);
    for (const flag of node.flags)
      if (flag.choices.length)
        add(
          choiceCases,
          keys.map((k) => `${k}/${flag.name}`),
          flag.choices,
        );
  };
  for (const command of tree.commands) {
    if (command.commands.length) {
      add(subCases, command.names, [...command.commands.flatMap((c) => c.names), "--help"]);
      for (const sub of command.commands)
        flagsOf(
          sub,
          command.names.flatMap((g) => sub.names.map((s) => `${g}/${s}`)),
        );
    } else {
      if (command.argumentChoices.length) add(subCases, command.names, command.argumentChoices);
      // A command without subcommands: its first positional argument lands in $sub.
      flagsOf(
        command,
        command.names.map((n) => `${n}/*`),
      );
    }
  }
  for (const flag of tree.flags) if (flag.choices.length) add(choiceCases, [`*/${flag.name}`], flag.choices);
  const lines = [
    "# timecard completion for bash. Load it with",
    '#   eval "$(timecard completion bash)"      (in ~/.bashrc)',
    "# or save it: timecard completion bash > ~/.local/share/bash-completion/completions/timecard",
    "_timecard() {",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local cmd="" sub="" words="" i w',
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in',
    `      ${withValue.join("|")}) ((i++)); continue ;;`,
    "      -*) continue ;;",
    "    esac",
    '    if [[ -z "$cmd" ]]; then cmd="$w"; elif [[ -z "$sub" ]]; then sub="$w"; fi',
    "  done",
    '  if [[ "$cur" != -* ]]; then',
    '    case "$cmd/$sub/$prev" in',
    ...choiceCases,
    "    esac",
    '    if [[ -z "$words" && -z "$cmd" ]]; then',
    `      words="${words(tree.commands.flatMap((c) => c.names))}"`,
    '    elif [[ -z "$words" && -z "$sub" ]]; then',
    '      case "$cmd" in',
    ...subCases.map((c) => `  ${c}`),
    "      esac",
    "    fi",
    '  elif [[ -z "$cmd" ]]; then',
    `    words="${words([...globalFlags, "--help", "--version"])}"`,
    "  else",
    '    case "$cmd/$sub" in',
    ...flagCases,
    "    esac",
    "  fi",
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    "}",
    "complete -F _timecard timecard",
  ];
  return `${lines.join("\n")}\n`;
}

/** The zsh script: the bash one through zsh's bashcompinit. */
export function zshScript(tree: CompletionNode): string {
  return [
    "# timecard completion for zsh. Load it with:",
    '#   eval "$(timecard completion zsh)"       (in ~/.zshrc, after compinit)',
    "autoload -U +X compinit && { (( $+functions[compdef] )) || compinit; }",
    "autoload -U +X bashcompinit && bashcompinit",
    bashScript(tree),
  ].join("\n");
}

const quote = (text: string) => `'${text.replace(/'/g, "\\'")}'`;

/** The fish script. */
export function fishScript(tree: CompletionNode): string {
  const lines = [
    "# timecard completion for fish. Load it with:",
    "#   timecard completion fish > ~/.config/fish/completions/timecard.fish",
    "complete -c timecard -f",
  ];
  for (const flag of tree.flags)
    lines.push(
      `complete -c timecard -l ${flag.name.slice(2)}${flag.takesValue ? " -r" : ""} -d ${quote(flag.description)}`,
    );
  for (const command of tree.commands) {
    const seen = `__fish_seen_subcommand_from ${command.names.join(" ")}`;
    lines.push(
      `complete -c timecard -n "__fish_use_subcommand" -a ${command.names[0]} -d ${quote(command.description)}`,
    );
    const subNames = command.commands.flatMap((c) => c.names);
    for (const sub of command.commands) {
      lines.push(
        `complete -c timecard -n "${seen}; and not __fish_seen_subcommand_from ${subNames.join(" ")}" -a ${sub.names[0]} -d ${quote(sub.description)}`,
      );
      for (const flag of sub.flags) {
        const choices = flag.choices.length ? ` -a ${quote(flag.choices.join(" "))}` : "";
        lines.push(
          `complete -c timecard -n "${seen}; and __fish_seen_subcommand_from ${sub.names.join(" ")}" -l ${flag.name.slice(2)}${flag.takesValue ? " -r" : ""}${choices} -d ${quote(flag.description)}`,
        );
      }
    }
    if (!command.commands.length)
      for (const flag of command.flags)
        lines.push(
          `complete -c timecard -n "${seen}" -l ${flag.name.slice(2)}${flag.takesValue ? " -r" : ""} -d ${quote(flag.description)}`,
        );
  }
  return `${lines.join("\n")}\n`;
}

/** `timecard completion bash|zsh|fish`: the shell's completion script, from the command tree. */
export function completion(ctx: CommandContext, shell: string, program: Command, groups: typeof COMMAND_GROUPS): void {
  const tree = commandTree(ctx, program, groups);
  const scripts: Record<string, (tree: CompletionNode) => string> = {
    bash: bashScript,
    zsh: zshScript,
    fish: fishScript,
  };
  const make = scripts[shell];
  if (!make) throw new CliError(`completion takes bash, zsh or fish, got "${shell}"`, EXIT.USAGE);
  ctx.io.stdout(make(tree));
}
