/**
 * The aqua registry compiled for fast reading (parsing registry.yaml takes seconds): per registry
 * sha256, `packages.ndjson` (one package per line) and `index.json` (names, aliases, descriptions,
 * and where each package's line is). Search reads only the index; a tool reads its one line.
 * The index is written last, so a compile cut short is never read.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { sortKeys } from "../../lock/format.js";
import { readIfExistsAsync, writeFileAtomic } from "../../platform/fs.js";
import { aquaPackageName, type AquaPackage } from "../../recipes/sources/aqua/types.js";
import type { IndexRow } from "./names.js";

const FORMAT = 3;

/** The commands a package installs: its `files` names, else aqua's default (the repository's name). */
function commandsOf(pkg: AquaPackage): string[] {
  const overrides = Array.isArray(pkg.version_overrides) ? (pkg.version_overrides as Array<{ files?: unknown }>) : [];
  const files = [pkg.files, ...overrides.map((o) => o?.files)].flatMap((f) => (Array.isArray(f) ? f : []));
  const names = files.map((f) => (f && typeof f === "object" ? (f as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === "string");
  if (names.length) return [...new Set(names)];
  const name = aquaPackageName(pkg);
  return [pkg.repo_name ?? name.slice(name.lastIndexOf("/") + 1)];
}

/** An index row with where its package is in packages.ndjson, and the package's own sha256. */
export interface CompiledRow extends IndexRow {
  offset: number;
  length: number;
  /** sha256 of the package's canonical JSON (the lock's `catalog.entry`). */
  hash: string;
}

export interface CompiledCatalog {
  /** sha256 of the registry file it was compiled from. */
  sha256: string;
  rows: CompiledRow[];
  /** The package of a row, read from packages.ndjson. */
  entry(row: CompiledRow): AquaPackage;
}

export const compiledDir = (cacheDir: string, sha256: string) => join(cacheDir, "catalog", sha256);

export const entryHash = (pkg: AquaPackage): string => createHash("sha256").update(JSON.stringify(sortKeys(pkg))).digest("hex");

/** Write the compiled form of `packages` (already parsed and checked) under the cache. */
export async function writeCompiled(cacheDir: string, sha256: string, packages: readonly AquaPackage[]): Promise<CompiledCatalog> {
  const dir = compiledDir(cacheDir, sha256);
  const rows: CompiledRow[] = [];
  const lines: Buffer[] = [];
  let offset = 0;
  for (const pkg of packages) {
    const line = Buffer.from(`${JSON.stringify(pkg)}\n`);
    rows.push({
      name: aquaPackageName(pkg),
      aliases: (pkg.aliases ?? []).map((a) => a.name).filter((n): n is string => typeof n === "string"),
      description: typeof pkg.description === "string" ? pkg.description.trim() : "",
      type: pkg.type,
      commands: commandsOf(pkg),
      offset,
      length: line.length - 1,
      hash: entryHash(pkg),
    });
    lines.push(line);
    offset += line.length;
  }
  await writeFileAtomic(join(dir, "packages.ndjson"), Buffer.concat(lines), { fsync: false });
  await writeFileAtomic(join(dir, "index.json"), JSON.stringify({ format: FORMAT, sha256, rows }), { fsync: false });
  return openCompiled(dir, sha256, rows);
}

/** The compiled catalogue of a registry sha256, if the cache has a complete one. */
export async function readCompiled(cacheDir: string, sha256: string): Promise<CompiledCatalog | undefined> {
  const dir = compiledDir(cacheDir, sha256);
  const text = await readIfExistsAsync(join(dir, "index.json"), { what: "the compiled catalogue", hint: `Remove ${dir}: devenv compiles it again.` });
  if (text === undefined) return undefined;
  try {
    const index = JSON.parse(text) as { format?: unknown; sha256?: unknown; rows?: unknown };
    if (index.format !== FORMAT || index.sha256 !== sha256 || !Array.isArray(index.rows)) return undefined;
    return openCompiled(dir, sha256, index.rows as CompiledRow[]);
  } catch {
    return undefined; // torn or another format: compiled again
  }
}

function openCompiled(dir: string, sha256: string, rows: CompiledRow[]): CompiledCatalog {
  return {
    sha256,
    rows,
    entry(row) {
      const fd = openSync(join(dir, "packages.ndjson"), "r");
      try {
        const buf = Buffer.alloc(row.length);
        readSync(fd, buf, 0, row.length, row.offset);
        let pkg: AquaPackage | undefined;
        try {
          pkg = JSON.parse(buf.toString("utf8")) as AquaPackage;
        } catch { /* reported below */ }
        if (!pkg || entryHash(pkg) !== row.hash) {
          throw new DevenvError("IO", `${join(dir, "packages.ndjson")}: the entry of ${row.name} is not what was compiled (the cache was changed or torn)`, {
            hint: `Remove ${dir}: devenv compiles the registry again.`,
          });
        }
        return pkg;
      } finally {
        closeSync(fd);
      }
    },
  };
}
