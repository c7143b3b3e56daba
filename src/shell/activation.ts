import type { EnvPlan } from "../env/plan.js";
import { safeText } from "../text.js";

/**
 * A cached activation: what the shell hook applies when it enters a project, as data (never
 * code). Fields are NUL-terminated, which no environment value can contain, so the hooks read
 * them with one builtin each (bash `mapfile -d ''`, zsh `${(0)mapfile[..]}`, fish `string split0`).
 *
 *   devenv-activation-1 \0 status \0 message \0 { record }
 *   T tool      (name@version, for `devenv status`)
 *   D dir       (a store entry that must exist; if one is gone the hook re-runs devenv)
 *   I file      (an absolute path: another input of the activation, e.g. a module devenv.ts
 *                imports; stale like devenv.ts and devenv.lock when newer than the activation
 *                file, and when missing)
 *   S NAME value
 *   P NAME dir:dir:…   (prepend to a list variable; PATH first; no dir contains ':', see
 *                checkEnvPlan, and any other byte but NUL is fine)
 *   K key       (last; ignored by the hooks: the sha256 of the devenv.ts a "blocked" activation is
 *                about, so that new content is a new generation, whose message the hook shows again)
 * In this order: T, D, I, then S and P, then K (the hooks check T, D and I in one pass that stops
 * at the first other tag).
 */
export const ACTIVATION_MAGIC = "devenv-activation-1";

export type ActivationStatus = "ok" | "blocked" | "error" | "missing";

export interface Activation {
  status: ActivationStatus;
  /**
   * Shown once per shell and content (`devenv: … is not allowed; run 'devenv allow'`); may be "".
   * The hooks print it as it is: encodeActivation escapes its control characters (safeText).
   */
  message: string;
  tools: string[];
  /** Store entries the plan points into. */
  dirs: string[];
  /** Other files the activation was made from (besides devenv.ts and devenv.lock), absolute. */
  inputs?: string[];
  plan: EnvPlan;
  key?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Never set by an activation: the shells' own, and the hooks' bookkeeping. */
const RESERVED = /^(IFS|PWD|OLDPWD|SHLVL|_|DEVENV_STATE|__DEVENV_HOOK|__dv_.*|_devenv_.*)$/;
export const settableName = (name: string) => NAME.test(name) && !RESERVED.test(name);

/**
 * A plan's S and P records in the order the hooks (and applyPlan) apply them: every set, sorted by
 * name, then PATH, then the other lists by name; names that are not settable and empty dirs left
 * out. encodeActivation and the launcher's copy (exec-cache.ts) both write these.
 */
export function planRecords(plan: EnvPlan): Array<["S" | "P", string, string]> {
  const out: Array<["S" | "P", string, string]> = [];
  for (const [k, v] of Object.entries(plan.set).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (settableName(k)) out.push(["S", k, v]);
  }
  const lists: Array<[string, string[]]> = [["PATH", plan.path], ...Object.entries(plan.prepend).sort(([x], [y]) => (x < y ? -1 : 1))];
  for (const [k, dirs] of lists) {
    // checkEnvPlan refused a dir containing ':' before: none may be dropped here unseen.
    const ok = dirs.filter((d) => d);
    if (ok.some((d) => d.includes(":"))) throw new Error(`activation: ${k} entry contains ':': ${JSON.stringify(ok)}`);
    if (ok.length && settableName(k)) out.push(["P", k, ok.join(":")]);
  }
  return out;
}

export function encodeActivation(a: Activation): string {
  const f: string[] = [ACTIVATION_MAGIC, a.status, safeText(a.message)];
  for (const t of a.tools) f.push("T", t);
  for (const d of a.dirs) f.push("D", d);
  for (const i of a.inputs ?? []) f.push("I", i);
  for (const [tag, name, value] of planRecords(a.plan)) f.push(tag, name, value);
  if (a.key) f.push("K", a.key);
  for (const x of f) if (x.includes("\0")) throw new Error(`activation field contains NUL: ${JSON.stringify(x)}`);
  return f.map((x) => x + "\0").join("");
}

export function decodeActivation(text: string): Activation | undefined {
  const f = text.split("\0");
  if (f.pop() !== "" || f[0] !== ACTIVATION_MAGIC) return undefined;
  const a: Activation = { status: f[1] as ActivationStatus, message: f[2] ?? "", tools: [], dirs: [], plan: { path: [], prepend: {}, set: {} } };
  for (let i = 3; i < f.length; ) {
    const tag = f[i++];
    if (tag === "T") a.tools.push(f[i++]!);
    else if (tag === "D") a.dirs.push(f[i++]!);
    else if (tag === "I") (a.inputs ??= []).push(f[i++]!);
    else if (tag === "S") a.plan.set[f[i++]!] = f[i++]!;
    else if (tag === "P") {
      const name = f[i++]!;
      const dirs = f[i++]!.split(":");
      if (name === "PATH") a.plan.path = dirs;
      else a.plan.prepend[name] = dirs;
    } else if (tag === "K") a.key = f[i++]!;
    else return undefined;
  }
  return a;
}
