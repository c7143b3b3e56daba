/**
 * What the three renderers share: each command's facts as its completion function needs them while
 * walking the words typed so far (which options take a value, how many arguments), and its value
 * slots (an option's flags, or `#n` for the n-th argument) with what each completes from.
 */
import type { CommandSpec, ValueSpec } from "./spec.js";

export interface Walk {
  /** The path as the scripts key it: command names joined by spaces, "" for devenv itself. */
  key: string;
  /** [word, child key] for each subcommand name and alias. */
  children: Array<[string, string]>;
  /** Flags of options that take a value (the next word), and those of them that take several. */
  valueFlags: string[];
  variadicFlags: string[];
  nargs: number;
  /** The last argument is variadic: every argument from it on is in its slot. */
  rest: boolean;
  passThrough: boolean;
}

export interface Slot {
  /** Command key. */
  key: string;
  /** The option flags (any of them) or `#n`. */
  slots: string[];
  value: ValueSpec;
}

export const keyOf = (spec: CommandSpec) => spec.path.join(" ");

export function walkOf(spec: CommandSpec): Walk {
  const valued = spec.options.filter((o) => o.value);
  return {
    key: keyOf(spec),
    children: spec.commands.flatMap((c) => c.names.map((n): [string, string] => [n, keyOf(c)])),
    valueFlags: valued.flatMap((o) => o.flags),
    variadicFlags: valued.filter((o) => o.value!.variadic).flatMap((o) => o.flags),
    nargs: spec.args.length,
    rest: spec.args.at(-1)?.variadic ?? false,
    passThrough: spec.passThrough,
  };
}

/** The value slots of a command that complete from something other than file names. */
export function slotsOf(spec: CommandSpec): Slot[] {
  const key = keyOf(spec);
  const out: Slot[] = [];
  for (const o of spec.options) {
    if (o.value && (o.value.choices || o.value.kind)) out.push({ key, slots: o.flags, value: o.value });
  }
  spec.args.forEach((a, i) => {
    if (a.choices || a.kind) out.push({ key, slots: [`#${i}`], value: a });
  });
  return out;
}

/** POSIX shell single-quoted word (bash and zsh). */
export const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The three case functions the bash and zsh scripts share: `_devenv_child <key> <word>` (a
 * subcommand's key in _devenv_next), `_devenv_node <key>` (the command's facts, `nodes` as each shell
 * writes them) and `_devenv_value <key:slot> <word>` (`valueCode` per shell; `otherwise` when no slot matches).
 */
export function caseFunctions(cmds: readonly CommandSpec[], nodes: readonly string[], valueCode: (v: ValueSpec) => string, otherwise: string): string {
  const children = cmds.flatMap((c) => walkOf(c).children.map(([w, k]) => `    ${sq(`${keyOf(c)}:${w}`)}) _devenv_next=${sq(k)} ;;`));
  const values = cmds.flatMap(slotsOf).map((s) => `    ${s.slots.map((x) => sq(`${s.key}:${x}`)).join("|")}) ${valueCode(s.value)} ;;`);
  return `_devenv_child() {
  case "$1:$2" in
${children.join("\n")}
    *) return 1 ;;
  esac
}

_devenv_node() {
  case "$1" in
${nodes.join("\n")}
  esac
}

_devenv_value() {
  case "$1" in
${values.join("\n")}
    *) ${otherwise} ;;
  esac
}`;
}
