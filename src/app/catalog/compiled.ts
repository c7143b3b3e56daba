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
import { sortKeys } from "../../lock/sort-keys.js";
import { readIfExistsAsync, writeFileAtomic } from "../../platform/fs.js";
import { aquaPackageName, type AquaPackage } from "../../recipes/sources/aqua/types.js";
import type { IndexRow } from "./names.js";

const FORMAT = 3;

/** What the index keeps of a package: its names, description, type and commands. */
export function indexRowOf(pkg: AquaPackage): IndexRow {
  return {
    name: aquaPackageName(pkg),
    aliases: (pkg.aliases ?? []).map((a) => a.name).filter((n): n is string => typeof n === "string"),
    description: typeof pkg.description === "string" ? pkg.description.trim() : "",
    type: pkg.type,
    commands: commandsOf(pkg),
  };
}

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
  /** Every row (parses the whole index: for listings and "did you mean"). */
  allRows(): CompiledRow[];
  /** The rows whose index line contains `text` (case-insensitively): a superset of any name or search match. */
  rowsContaining(text: string): CompiledRow[];
  /** The package of a row, read from packages.ndjson. */
  entry(row: CompiledRow): AquaPackage;
}

export const compiledDir = (cacheDir: string, sha256: string) => join(cacheDir, "catalog", sha256);

export const entryHash = (pkg: AquaPackage): string => createHash("sha256").update(JSON.stringify(sortKeys(pkg))).digest("hex");

const TRAILER = "devenv-catalog-end";
const HEADER = (sha256: string) => `devenv-catalog\t${FORMAT}\t${sha256}`;
const field = (s: string) => s.replace(/[\t\r\n]+/g, " ").trim();
const words = (list: string[]) => list.map((w) => w.replace(/\s+/g, "")).filter(Boolean).join(" ");

/**
 * One index line: name, aliases, commands, type, offset, length, hash, description (tab-separated).
 * The file is a header, these lines, and a trailer with their count: a torn file is never read.
 */
function indexLine(r: CompiledRow): string {
  return [field(r.name), words(r.aliases), words(r.commands), field(r.type), r.offset, r.length, r.hash, field(r.description)].join("\t");
}

function parseLine(line: string): CompiledRow {
  const f = line.split("\t");
  const list = (s: string | undefined) => (s ? s.split(" ") : []);
  return { name: f[0]!, aliases: list(f[1]), commands: list(f[2]), type: f[3]!, offset: Number(f[4]), length: Number(f[5]), hash: f[6]!, description: f[7] ?? "" };
}

/** Write the compiled form of `packages` (already parsed and checked) under the cache. */
export async function writeCompiled(cacheDir: string, sha256: string, packages: readonly AquaPackage[]): Promise<CompiledCatalog> {
  const dir = compiledDir(cacheDir, sha256);
  const rows: CompiledRow[] = [];
  const lines: Buffer[] = [];
  let offset = 0;
  for (const pkg of packages) {
    const line = Buffer.from(`${JSON.stringify(pkg)}\n`);
    rows.push({
      ...indexRowOf(pkg),
      offset,
      length: line.length - 1,
      hash: entryHash(pkg),
    });
    lines.push(line);
    offset += line.length;
  }
  await writeFileAtomic(join(dir, "packages.ndjson"), Buffer.concat(lines), { fsync: false });
  const index = [HEADER(sha256), ...rows.map(indexLine), `${TRAILER}\t${rows.length}`].join("\n");
  await writeFileAtomic(join(dir, "index.tsv"), index, { fsync: false });
  return openCompiled(dir, sha256, index.slice(0, index.lastIndexOf("\n")));
}

/** The compiled catalogue of a registry sha256, if the cache has a complete one. */
export async function readCompiled(cacheDir: string, sha256: string): Promise<CompiledCatalog | undefined> {
  const dir = compiledDir(cacheDir, sha256);
  const text = await readIfExistsAsync(join(dir, "index.tsv"), { what: "the compiled catalogue", hint: `Remove ${dir}: devenv compiles it again.` });
  // Another format, another registry's, or torn by a crash (no header, or cut inside a line): compiled again.
  if (text === undefined || !text.startsWith(`${HEADER(sha256)}\n`)) return undefined;
  const end = text.lastIndexOf("\n");
  // One newline ends the header and each package line but the last, whose newline is `end`.
  let lines = 0;
  for (let i = text.indexOf("\n"); i < end; i = text.indexOf("\n", i + 1)) lines++;
  if (text.slice(end + 1) !== `${TRAILER}\t${lines}`) return undefined;
  return openCompiled(dir, sha256, text.slice(0, end));
}

function openCompiled(dir: string, sha256: string, index: string): CompiledCatalog {
  const body = index.slice(index.indexOf("\n") + 1);
  let lower: string | undefined;
  let all: CompiledRow[] | undefined;
  return {
    sha256,
    allRows: () => (all ??= body.split("\n").map(parseLine)),
    rowsContaining(text) {
      lower ??= body.toLowerCase();
      const q = text.toLowerCase();
      const out: CompiledRow[] = [];
      for (let at = lower.indexOf(q); at >= 0 && q; ) {
        const start = lower.lastIndexOf("\n", at) + 1;
        const end = lower.indexOf("\n", at);
        out.push(parseLine(body.slice(start, end < 0 ? undefined : end)));
        if (end < 0) break;
        at = lower.indexOf(q, end + 1);
      }
      return q ? out : (all ??= body.split("\n").map(parseLine));
    },
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
