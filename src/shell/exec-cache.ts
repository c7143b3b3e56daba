import { planRecords, type Activation } from "./activation.js";
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
  // The records encodeActivation writes, in its order (applyPlan's): every set first, then the lists.
  for (const [tag, name, value] of planRecords(a.plan)) lines.push(`__dvf_${tag === "S" ? "s" : "p"} ${name} ${q(value)}`);
  lines.push("__dvf_e");
  return lines.join("\n") + "\n";
}
