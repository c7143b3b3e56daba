/**
 * What shell completion knows of the CLI, read from the commander program itself (so a command or
 * option added to src/cli/main.ts is completed without touching this): the visible commands with
 * their aliases, options (and which take a value), arguments, choices, and what a value completes
 * from (value-kinds.ts). Pure: the renderers for bash, zsh and fish turn this into scripts.
 */
import { Help, type Command, type Option } from "commander";
import { valueKind, type ValueKind } from "./value-kinds.js";

/** What a value (an option's or an argument's) completes from: fixed choices, else a kind; neither: file names. */
export interface ValueSpec {
  choices?: string[];
  kind?: ValueKind;
}

export interface OptionSpec {
  /** `-q`, `--quiet` (short first). */
  flags: string[];
  description: string;
  /** Set when the option takes a value. */
  value?: ValueSpec & { variadic: boolean };
}

export interface ArgSpec extends ValueSpec {
  name: string;
  variadic: boolean;
}

export interface CommandSpec {
  /** Command names from the root, e.g. ["cache", "push"]; [] for devenv itself. */
  path: string[];
  /** Its name, then its aliases. */
  names: string[];
  description: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
  /** After its first argument, words are that command's, not devenv's options (`exec`). */
  passThrough: boolean;
}

const help = new Help();

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function optionSpec(o: Option, path: string[]): OptionSpec {
  const flags = [o.short, o.long].filter((f): f is string => Boolean(f));
  const takesValue = o.required || o.optional;
  const kind = takesValue ? flags.map((f) => valueKind(path, f)).find(Boolean) : undefined;
  return {
    flags,
    description: oneLine(o.description),
    ...(takesValue ? { value: { variadic: o.variadic, ...(o.argChoices ? { choices: [...o.argChoices] } : {}), ...(kind ? { kind } : {}) } } : {}),
  };
}

function commandSpecAt(cmd: Command, path: string[], rootNames: string[]): CommandSpec {
  const subs = help.visibleCommands(cmd);
  const isHelp = path.at(-1) === "help" && subs.length === 0 && cmd.registeredArguments.length === 1;
  const args: ArgSpec[] = cmd.registeredArguments.map((a, i) => {
    // commander's own `help [command]` completes the names of its parent's commands.
    const choices = a.argChoices ? [...a.argChoices] : isHelp ? rootNames : undefined;
    const kind = i === 0 ? valueKind(path) : undefined;
    return { name: a.name(), variadic: a.variadic, ...(choices ? { choices } : {}), ...(kind && !choices ? { kind } : {}) };
  });
  const siblingNames = subs.filter((c) => c.name() !== "help").map((c) => c.name());
  return {
    path,
    names: [cmd.name(), ...cmd.aliases()],
    description: oneLine(cmd.summary() || cmd.description()),
    options: help.visibleOptions(cmd).map((o) => optionSpec(o, path)),
    args,
    commands: subs.map((c) => commandSpecAt(c, [...path, c.name()], siblingNames)),
    passThrough: Boolean((cmd as unknown as { _passThroughOptions?: boolean })._passThroughOptions),
  };
}

/** The completion tree of a program (hidden commands and options left out). */
export function commandSpec(program: Command): CommandSpec {
  return commandSpecAt(program, [], []);
}

/** Every command of the tree, the root first, parents before their subcommands. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

/** The positional slot `#n` an argument index falls in: the last argument takes the rest when it is variadic. */
export function argAt(spec: CommandSpec, n: number): ArgSpec | undefined {
  const last = spec.args.at(-1);
  return spec.args[n] ?? (last?.variadic ? last : undefined);
}
