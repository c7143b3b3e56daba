import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomId, readRegularFile } from "../platform/fs.js";
import { CONFIG_FILE_MAX_BYTES, sha256Hex, sortInputs, type ConfigBundle, type ConfigEdge, type ConfigInput } from "./inputs.js";
import { resolveImport } from "./imports.js";

/**
 * Compiled configs cached by content, so that a run whose config did not change does not start
 * esbuild's service (~30 ms). An entry is found by devenv.ts's path and bytes, and used only if
 * every other input still has the bytes it was compiled from and every import still resolves to
 * the same file (a new helper.ts next to helper.js would change what `./helper` means): then its
 * code is what compiling the files now would give.
 */
interface CacheEntry {
  v: 2;
  inputs: Array<{ rel: string; sha256: string }>;
  edges: ConfigEdge[];
  code: string;
}

const entryFile = (cacheDir: string, esbuildVersion: string, file: string, main: Uint8Array) => {
  const key = sha256Hex(Buffer.concat([Buffer.from(`devenv-config-v2\0${esbuildVersion}\0${file}\0`), main])).slice(0, 32);
  return join(cacheDir, "config-js", `${key}.json`);
};

export function readCachedBundle(cacheDir: string, esbuildVersion: string, root: string, first: ConfigInput, main: Uint8Array): ConfigBundle | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(entryFile(cacheDir, esbuildVersion, first.path, main), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.v !== 2 || entry.inputs[0]?.sha256 !== first.sha256 || typeof entry.code !== "string") return undefined;
  const inputs: ConfigInput[] = [];
  for (const { rel, sha256 } of entry.inputs.slice(1)) {
    const path = resolve(root, rel);
    try {
      const mtimeMs = statSync(path).mtimeMs;
      // Bounded like any read of a config file: a helper turned into a link to /dev/zero is a miss.
      const bytes = readRegularFile(path, CONFIG_FILE_MAX_BYTES);
      if (!bytes || sha256Hex(bytes) !== sha256) return undefined;
      inputs.push({ path, rel, sha256, mtimeMs });
    } catch {
      return undefined;
    }
  }
  for (const [from, spec, to] of entry.edges) {
    const target = resolveImport(spec, resolve(root, from));
    if (target.kind !== "local" || target.path !== resolve(root, to)) return undefined;
  }
  return { root, file: first.path, inputs: sortInputs(first, inputs), edges: entry.edges, code: entry.code };
}

/** Best effort: a cache that cannot be written only costs the next run a compile. */
export function writeCachedBundle(cacheDir: string, esbuildVersion: string, b: ConfigBundle, main: Uint8Array): void {
  const entry: CacheEntry = { v: 2, inputs: b.inputs.map(({ rel, sha256 }) => ({ rel, sha256 })), edges: b.edges, code: b.code! };
  const file = entryFile(cacheDir, esbuildVersion, b.file, main);
  try {
    mkdirSync(join(cacheDir, "config-js"), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomId(4)}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    /* read-only cache: compile again next time */
  }
}
