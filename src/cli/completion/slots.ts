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
