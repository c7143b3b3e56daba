import type { Activation } from "./activation.js";
import { settableName } from "./activation.js";
import { quotePosix } from "./render.js";

/**
 * The launcher's copy of an "ok" activation: `.devenv.<gen>.sh` beside `.devenv.<gen>.act`, the same
 * records as POSIX sh calls, so bin/devenv (a POSIX sh script) can answer `devenv exec`, `env` and
 * `which` without starting Node (a POSIX shell cannot read the NUL-separated .act file with
 * builtins). Every value is in single quotes; names are checked as the .act's are. The launcher
 * defines the functions and sources the file twice: once to check (store dirs there, inputs not
 * newer, and to see PATH as it will be), once to apply. A file without the version line or the end
 * line is not used. Only "ok" activations get one: anything else is the Node CLI's to report.
 *
 *   __dvf_v 1            format version
 *   __dvf_d 'dir'        a store entry that must exist       (D)
 *   __dvf_i 'file'       an input, not newer than the .act   (I)
 *   __dvf_s 'NAME' 'v'   set                                  (S)
 *   __dvf_p 'NAME' 'a:b' prepend the entries not there yet    (P, PATH first)
 *   __dvf_e              end
 */
export const EXEC_CACHE_VERSION = "1";

export function encodeExecCache(a: Activation): string | undefined {
  if (a.status !== "ok") return undefined;
  const q = quotePosix;
  const lines = [`# devenv: the activation for bin/devenv's fast path (src/shell/exec-cache.ts); generated, do not edit`, `__dvf_v ${EXEC_CACHE_VERSION}`];
  for (const d of a.dirs) lines.push(`__dvf_d ${q(d)}`);
  for (const i of a.inputs ?? []) lines.push(`__dvf_i ${q(i)}`);
  // As encodeActivation orders them, and as applyPlan applies them: every set first, then the lists.
  for (const [k, v] of Object.entries(a.plan.set).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (settableName(k)) lines.push(`__dvf_s ${k} ${q(v)}`);
  }
  const lists: Array<[string, string[]]> = [["PATH", a.plan.path], ...Object.entries(a.plan.prepend).sort(([x], [y]) => (x < y ? -1 : 1))];
  for (const [k, dirs] of lists) {
    const ok = dirs.filter((d) => d);
    if (ok.length && settableName(k)) lines.push(`__dvf_p ${k} ${q(ok.join(":"))}`);
  }
  lines.push("__dvf_e");
  return lines.join("\n") + "\n";
}
