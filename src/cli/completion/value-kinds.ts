/**
 * Which values complete from what, beyond the choices commander declares: the one table to edit
 * when a command takes tool names. A key is a command path (its first argument; all of them when
 * that argument is variadic), or a command path and one of an option's flags (that option's value).
 * Keys of commands that do not exist are harmless, so a command added later is covered as soon as
 * it is registered under that name.
 */

/**
 * - tools: built-in recipes and catalogue names (what `devenv add` takes), from the cached catalogue only
 * - project-tools: the tools of the project here (its devenv.ts, read without running it)
 * - bins: the binaries the project here puts on PATH (from its last activation), else its tools
 * - commands, dirs, files: the shell's own completion of those
 */
export type ValueKind = "tools" | "project-tools" | "bins" | "commands" | "dirs" | "files";

/** The kinds `devenv __complete <kind> <word>` answers; the others are the shell's own. */
export const DYNAMIC_KINDS = ["tools", "project-tools", "bins"] as const;
export type DynamicKind = (typeof DYNAMIC_KINDS)[number];

export const isDynamic = (k: ValueKind | undefined): k is DynamicKind => (DYNAMIC_KINDS as readonly string[]).includes(k ?? "");

const VALUE_KINDS: Readonly<Record<string, ValueKind>> = {
  add: "tools",
  versions: "tools",
  x: "tools",
  "shell -p": "tools",
  "shell --packages": "tools",
  remove: "project-tools",
  update: "project-tools",
  which: "bins",
  exec: "commands",
  allow: "dirs",
  deny: "dirs",
  bundle: "files",
  "install --from-bundle": "files",
};

/** What the first argument of the command at `path` (or, given a flag, that option's value) completes from. */
export function valueKind(path: readonly string[], flag?: string): ValueKind | undefined {
  const key = [...path, ...(flag ? [flag] : [])].join(" ");
  return Object.hasOwn(VALUE_KINDS, key) ? VALUE_KINDS[key] : undefined;
}
