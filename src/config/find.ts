import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_FILE = "devenv.ts";
export const LOCK_FILE = "devenv.lock";

/** Does `dir` itself hold a devenv.ts? */
export const hasConfig = (dir: string) => statSync(join(dir, CONFIG_FILE), { throwIfNoEntry: false })?.isFile() ?? false;

/** Walk up from `start` to the nearest directory holding devenv.ts. */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (hasConfig(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every directory from / down to `start` that holds a devenv.ts, outermost first (nested projects). */
export function projectRoots(start: string): string[] {
  const roots: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (hasConfig(dir)) roots.unshift(dir);
    if (dirname(dir) === dir) return roots;
  }
}

/**
 * The layers that apply at `start`, outermost first: the user-wide project in `globalDir` (when it
 * has a devenv.ts), then every project from / down to `start`, the user-wide one not a second time.
 */
export function layerRoots(globalDir: string, start: string | undefined): string[] {
  const global = resolve(globalDir);
  const walked = start === undefined ? [] : projectRoots(start).filter((r) => r !== global);
  return hasConfig(global) ? [global, ...walked] : walked;
}
