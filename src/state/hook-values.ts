import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pidAlive } from "../platform/fs.js";
import { scanActivationSites } from "./activations.js";

/**
 * Values too long for DEVENV_STATE, written by the shell hooks (a builtin redirect, no process)
 * and referenced from it (format in src/shell/state.ts). One value per file, followed by `\0=\0`
 * so that a reader can tell a complete file from a cut one. Names:
 *   o.<gen>.<NAME>       the value an activation generation sets NAME to (the same bytes for every
 *                        shell that applies that generation: written once, then reused)
 *   p.<pid>.<random>     anything else: a variable's value from before, the list entries added;
 *                        pid is the writing shell's
 * The dir is private (0700): a value may be a secret of the user's.
 */
export const hookValuesDir = (stateDir: string) => join(stateDir, "hook-values");

/** Made by `devenv hook` and `devenv hook-env`; a hook that finds it missing keeps values inline. */
export function ensureHookValuesDir(stateDir: string): string {
  const dir = hookValuesDir(stateDir);
  // 0700 for this dir only: a recursive mkdir would give the state dir itself that mode too, and
  // then a service's unprivileged user (postgres run by root) could not reach its data dir.
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Nothing removes a value file younger than this: a shell that inherited a reference may still need it. */
export const HOOK_VALUE_GRACE_MS = 30 * 86_400_000;

/**
 * The value files gc removes: older than HOOK_VALUE_GRACE_MS and no longer needed as far as can be
 * seen — an o. file whose generation is no project's current one (shells entering a project reuse
 * its file without rewriting it), a p. file whose writing shell is gone. Files of other names are
 * not the hooks' and stay.
 */
export function staleHookValues(stateDir: string, actRoot: string, now: number): Array<{ path: string; size: number }> {
  const dir = hookValuesDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  let current: Set<string> | undefined;
  const currentGens = () => {
    current ??= new Set(
      scanActivationSites(actRoot).flatMap((s) => {
        try {
          return [readFileSync(join(s.dir, ".devenv.current"), "utf8").trim()];
        } catch {
          return [];
        }
      }),
    );
    return current;
  };
  const out: Array<{ path: string; size: number }> = [];
  for (const name of names.sort()) {
    const m = /^(?:o\.([0-9a-f]{16})\.[A-Za-z_][A-Za-z0-9_]*|p\.(\d+)\.\d+)$/.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (!st.isFile() || now - st.mtimeMs < HOOK_VALUE_GRACE_MS) continue;
    if (m[1] !== undefined ? currentGens().has(m[1]) : pidAlive(Number(m[2]))) continue;
    out.push({ path, size: st.size });
  }
  return out;
}

/** The value a hook wrote to `file` (the bytes before its `\0=\0` end), or undefined if it is gone or cut short. */
export function readHookValue(file: string): string | undefined {
  try {
    const text = readFileSync(file, "utf8");
    return text.endsWith("\0=\0") ? text.slice(0, -3) : undefined;
  } catch {
    return undefined;
  }
}
