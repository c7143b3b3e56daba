import { delimiter } from "node:path";
import type { EnvPlan } from "./plan.js";

/**
 * `base` with `plan` applied on top of everything in it: variables set, and the plan's list entries
 * moved to the front (taken out where they already were), so its tools win over any layer below.
 * (applyPlan, as the hooks do, leaves an entry that is already there in its place.)
 */
export function applyOnTop(plan: EnvPlan, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  Object.assign(out, plan.set);
  const front = (name: string, dirs: readonly string[]) => {
    if (!dirs.length) return;
    const current = out[name];
    // Other entries stay exactly as they were (an empty one, the current dir, included).
    const rest = current ? current.split(delimiter).filter((d) => !dirs.includes(d)) : [];
    out[name] = [...dirs, ...rest].join(delimiter);
  };
  front("PATH", plan.path);
  for (const [name, dirs] of Object.entries(plan.prepend)) front(name, dirs);
  return out;
}
