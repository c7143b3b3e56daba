/**
 * Shell words for test command lines typed into real shells (test/support/shell-session.ts): any
 * string but NUL, exactly, in one line of printable ASCII or UTF-8. Control characters are never
 * typed raw (the terminal would take ^C, ^U, ^W … as keys, and fish's line editor binds others):
 * bash and zsh get `$'…\xHH…'`, fish gets `\xHH` between single-quoted runs.
 */
import { devenvBin } from "../helpers/cli.js";
import type { ShellKind } from "./shell-session.js";

const CONTROL = /[\x00-\x1f\x7f]/;
const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

export function word(kind: ShellKind, s: string): string {
  if (kind === "fish") {
    if (s === "") return "''";
    return s
      .split(/([\x00-\x1f\x7f])/)
      .filter((p) => p !== "")
      .map((p) => (CONTROL.test(p) ? hex(p) : `'${p.replace(/[\\']/g, "\\$&")}'`))
      .join("");
  }
  if (!CONTROL.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  return `$'${[...s].map((c) => (c === "\\" || c === "'" ? `\\${c}` : CONTROL.test(c) ? hex(c) : c)).join("")}'`;
}

export const cdCmd = (kind: ShellKind, dir: string) => `cd ${word(kind, dir)}`;

export const exportCmd = (kind: ShellKind, name: string, value: string) =>
  kind === "fish" ? `set -gx ${name} ${word(kind, value)}` : `export ${name}=${word(kind, value)}`;

/** The rc line that loads the hook, as a user's rc file has it. */
export const hookRc = (kind: ShellKind): string => {
  const cli = `${word(kind, process.execPath)} ${word(kind, devenvBin)}`;
  return kind === "fish" ? `${cli} hook fish | source` : `eval "$(${cli} hook ${kind})"`;
};

/** devenv.ts as JSON (valid TypeScript): every value is written exactly. */
export const config = (c: { tools?: Record<string, string>; env?: Record<string, string> }): string => `export default ${JSON.stringify(c, null, 2)};\n`;

/** Differ between two shells started from the same environment (the shell's own, the harness's, the hook's pid marker). */
export const VOLATILE = new Set(["PWD", "OLDPWD", "_", "SHLVL", "ZDOTDIR", "__DEVENV_HOOK"]);

export const stable = (env: Record<string, string>, extra: readonly string[] = []): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !VOLATILE.has(k) && !extra.includes(k)));
