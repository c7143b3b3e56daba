import { delimiter, join } from "node:path";

/**
 * An environment change a recipe asks for. `relative`: the value is a path inside the installed
 * tool. `state`: a path inside the project's own state dir for this tool (outside the store and
 * the project: where `npm i -g`, caches and the like must write, so the store entry stays intact).
 */
export type EnvOp =
  | { kind: "set"; name: string; value: string; relative?: boolean; state?: boolean }
  | { kind: "prepend"; name: string; path: string; state?: boolean };

/** One installed tool as the environment sees it. */
export interface ToolEnvInput {
  name: string;
  dir: string;
  /** PATH dirs relative to `dir`. */
  bin: string[];
  /** This project's state dir for the tool (for `state` ops); those ops are dropped without it. */
  stateDir?: string;
  ops: EnvOp[];
}

/** What activating a project changes: pure data, applied to an environment by `applyPlan`. */
export interface EnvPlan {
  /** Absolute dirs to put in front of PATH, in config order. */
  path: string[];
  /** Other list variables (PKG_CONFIG_PATH, CMAKE_PREFIX_PATH, …) to prepend to. */
  prepend: Record<string, string[]>;
  /** Variables to set. */
  set: Record<string, string>;
}

/** Never exported: system binaries must keep their own libraries. */
const FORBIDDEN = new Set(["LD_LIBRARY_PATH", "LD_PRELOAD", "DYLD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES"]);

export function expandRoot(value: string, root: string): string {
  return value.replaceAll("${root}", root);
}

export function planEnv(tools: readonly ToolEnvInput[], configEnv: Record<string, string>, root: string): EnvPlan {
  const plan: EnvPlan = { path: [], prepend: {}, set: {} };
  const addPath = (list: string[], dir: string) => {
    if (!list.includes(dir)) list.push(dir);
  };
  for (const t of tools) {
    for (const b of t.bin) addPath(plan.path, b === "." ? t.dir : join(t.dir, b));
    for (const op of t.ops) {
      if (FORBIDDEN.has(op.name)) continue;
      const base = op.state ? t.stateDir : t.dir;
      if (base === undefined) continue;
      if (op.kind === "set") plan.set[op.name] = op.relative || op.state ? join(base, op.value) : op.value;
      else if (op.name === "PATH") addPath(plan.path, join(base, op.path));
      else addPath((plan.prepend[op.name] ??= []), join(base, op.path));
    }
  }
  for (const [k, v] of Object.entries(configEnv)) plan.set[k] = expandRoot(v, root);
  return plan;
}

const splitList = (v: string | undefined) => (v ? v.split(delimiter).filter(Boolean) : []);

/**
 * The environment after activation: `base` with the plan applied, exactly as the shell hooks
 * apply it: variables set first, then list entries prepended unless already present (an entry
 * already there keeps its place, so undo can remove exactly what was added).
 */
export function applyPlan(plan: EnvPlan, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  Object.assign(out, plan.set);
  const prependTo = (name: string, dirs: string[]) => {
    if (!dirs.length) return;
    const current = out[name];
    const added = dirs.filter((d) => !splitList(current).includes(d));
    if (!added.length) return;
    out[name] = current ? `${added.join(delimiter)}${delimiter}${current}` : added.join(delimiter);
  };
  prependTo("PATH", plan.path);
  for (const [name, dirs] of Object.entries(plan.prepend)) prependTo(name, dirs);
  return out;
}

/** Variables whose value differs between two environments (undefined = unset in `after`). */
export function envDiff(before: Readonly<Record<string, string | undefined>>, after: Readonly<Record<string, string>>): Record<string, string | undefined> {
  const diff: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) diff[k] = v;
  for (const k of Object.keys(before)) if (before[k] !== undefined && !(k in after)) diff[k] = undefined;
  return diff;
}
