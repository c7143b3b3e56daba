/**
 * Can programs start with the planned environment at all? The kernel refuses to exec a program
 * whose environment holds one `NAME=value` string of 128 KiB or more (Linux MAX_ARG_STRLEN) or
 * whose arguments and environment together pass ARG_MAX; then every command in the project fails
 * with "Argument list too long". And a list entry containing the list separator cannot be one
 * entry. Such a plan is refused here, before the hook or `devenv exec`/`env` apply any of it, with
 * the variable named. Pure: the limits come from src/platform/exec-limits.ts.
 */
import { delimiter } from "node:path";
import { DevenvError } from "../errors.js";
import { showPath } from "../text.js";
import { applyPlan, type EnvPlan } from "./plan.js";

export interface ExecLimits {
  /** Longest `NAME=value` string, its NUL included; undefined where the kernel has no such limit. */
  perString: number | undefined;
  /** Bytes of argument and environment strings plus their pointers that a program may start with. */
  total: number;
}

/**
 * Left free for a command's own arguments and for DEVENV_STATE, whose inline part the hooks keep
 * under 16384 characters per layer (longer values go to files, see src/shell/state.ts).
 */
export const RESERVED_BYTES = 256 * 1024;

const bytes = (s: string) => Buffer.byteLength(s);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * Throws ENV_INVALID for the first problem: a value with a NUL, a list entry with the separator,
 * a variable the kernel refuses, a total over ARG_MAX. `where` names a variable for the message
 * (e.g. `/p/devenv.ts: env.BIG`); `base` is the environment the plan is applied to.
 */
export function checkEnvPlan(plan: EnvPlan, base: Readonly<Record<string, string | undefined>>, limits: ExecLimits, where: (name: string) => string): void {
  for (const [name, value] of Object.entries(plan.set)) {
    if (value.includes("\0")) {
      throw new DevenvError("ENV_INVALID", `${where(name)}: the value contains a NUL character, which no environment variable can hold`, {
        hint: "Remove the \\0 from the value.",
      });
    }
  }
  const lists: Array<[string, string[]]> = [["PATH", plan.path], ...Object.entries(plan.prepend)];
  for (const [name, dirs] of lists) {
    for (const dir of dirs) {
      if (!dir.includes(delimiter) && !dir.includes("\0")) continue;
      const what = dir.includes("\0") ? "a NUL character" : `'${delimiter}', which separates ${name} entries`;
      throw new DevenvError("ENV_INVALID", `${where(name)}: the directory '${showPath(dir)}' contains ${what}; it cannot be put on ${name}`, {
        hint: "Tool directories are in devenv's store, under DEVENV_HOME (or the XDG data dir): use one whose path has no ':'.",
      });
    }
  }
  const after = applyPlan(plan, base);
  const planned = new Set([...Object.keys(plan.set), ...lists.filter(([, d]) => d.length).map(([n]) => n)]);
  if (limits.perString !== undefined) {
    for (const name of planned) {
      const size = bytes(name) + 1 + bytes(after[name] ?? "") + 1;
      if (size <= limits.perString) continue;
      const listed = name in plan.set ? "" : ` (with the entries already on ${name})`;
      throw new DevenvError("ENV_INVALID", `${where(name)}: ${name}=… would be ${kib(size)}${listed}; the kernel refuses to start any program with a variable of ${kib(limits.perString)} or more, so every command would fail ("Argument list too long")`, {
        hint: `Make ${name} shorter than ${kib(limits.perString)}: for a large value, write it to a file and set a variable to the file's path.`,
      });
    }
  }
  let total = RESERVED_BYTES;
  for (const [k, v] of Object.entries(after)) total += bytes(k) + bytes(v) + 2 + 8;
  if (total > limits.total) {
    const largest = [...planned]
      .map((n) => [n, bytes(after[n] ?? "")] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([n, size]) => `${where(n)} (${kib(size)})`);
    throw new DevenvError("ENV_INVALID", `the environment would be ${kib(total)} with this project's variables (largest: ${largest.join(", ")}), over the ${kib(limits.total)} the kernel lets a program start with (ARG_MAX, ${kib(RESERVED_BYTES)} of it kept for arguments)`, {
      hint: "Make the project's variables smaller (a large value can live in a file whose path a variable gives), or unset large variables of your own.",
    });
  }
}
