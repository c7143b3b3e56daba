import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_FILE = "devenv.ts";
export const LOCK_FILE = "devenv.lock";

/** Walk up from `start` to the nearest directory holding devenv.ts. */
export function findProjectRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    try {
      if (statSync(join(dir, CONFIG_FILE)).isFile()) return dir;
    } catch {
      /* keep walking */
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
