/**
 * A project's last good environment: what its activation applied the last time every tool was
 * installed. Kept beside its cached activations (`.devenv.last-good.json`, JSON of `LastGood`) so
 * that an error or a pending install keeps the shell's tools instead of dropping them; gc keeps
 * the store entries it names. The one reader and writer of that file.
 */
import { join } from "node:path";
import { readIfExists, writeFileAtomicSync } from "../platform/fs.js";
import type { Activation } from "../shell/activation.js";
import { activationDir, LAST_GOOD_FILE } from "./activations.js";

export type LastGood = Pick<Activation, "tools" | "dirs" | "plan">;

export const emptyLastGood = (): LastGood => ({ tools: [], dirs: [], plan: { path: [], prepend: {}, set: {} } });

export const encodeLastGood = (g: LastGood): string =>
  JSON.stringify({ tools: g.tools, dirs: g.dirs, plan: { path: g.plan.path, prepend: g.plan.prepend, set: g.plan.set } });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
/** A list variable's dirs: strings without ':' (PATH's separator; refused since checkEnvPlan, so older files may hold one). */
const dirList = (v: unknown): v is string[] => strings(v) && v.every((d) => !d.includes(":"));

/** The last good environment in `text`; undefined for anything else (torn, hand-edited, from an older devenv). */
export function decodeLastGood(text: string): LastGood | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || !strings(v.tools) || !strings(v.dirs) || !isObject(v.plan)) return undefined;
  const { path, prepend, set } = v.plan;
  if (!dirList(path) || !isObject(prepend) || !Object.values(prepend).every(dirList)) return undefined;
  if (!isObject(set) || !Object.values(set).every((s) => typeof s === "string")) return undefined;
  return { tools: v.tools, dirs: v.dirs, plan: { path, prepend: prepend as Record<string, string[]>, set: set as Record<string, string> } };
}

const file = (actRoot: string, root: string) => join(activationDir(actRoot, root), LAST_GOOD_FILE);

/** The project's last good environment; undefined when there is none or it does not decode. */
export function readLastGood(actRoot: string, root: string): LastGood | undefined {
  const text = readIfExists(file(actRoot, root), { what: `the last good environment of ${root}` });
  return text === undefined ? undefined : decodeLastGood(text);
}

/** The store dirs a last-good file names (gc keeps them); [] when it does not decode. */
export const lastGoodDirs = (text: string): string[] => decodeLastGood(text)?.dirs ?? [];

export function writeLastGood(actRoot: string, root: string, g: LastGood): void {
  writeFileAtomicSync(file(actRoot, root), encodeLastGood(g), { mkdir: true });
}
