import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/**
 * A CommonJS file run with a V8 code cache (Node 20 has no module.enableCompileCache): the cache
 * holds the bytecode of the functions that ran, so the next start neither parses nor compiles
 * them. `cacheFile` must name this exact content of `file` (V8 itself checks only its length, its
 * own version and flags): the caller puts a hash of the content in the name.
 */
export interface CommonJsRun<T> {
  exports: T;
  /** How the cache was used: "hit", "miss" (none), "rejected" (V8 refused it: another Node or flags). */
  cache: "hit" | "miss" | "rejected";
  /**
   * After the work: store the bytecode compiled so far, if the cache was not a hit, and remove the
   * files of its dir that are `stale` (the caches of earlier builds). Best effort.
   */
  save(stale?: (name: string) => boolean): void;
}

export function runCommonJs<T>(file: string, cacheFile: string): CommonJsRun<T> {
  const source = readFileSync(file, "latin1");
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    /* none yet */
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache = !cachedData ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const mod = { exports: {} as T };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(file), mod, file, dirname(file));
  return {
    exports: mod.exports,
    cache,
    save(stale) {
      if (cache === "hit") return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
        for (const name of stale ? readdirSync(dirname(cacheFile)) : []) if (stale!(name)) rmSync(join(dirname(cacheFile), name), { force: true });
      } catch {
        // A cache dir that cannot be written only costs the next start its compile.
        try {
          unlinkSync(tmp);
        } catch {
          /* not written */
        }
      }
    },
  };
}
