/**
 * Checksum tables shipped with the recipes (recipes/checksums/<name>.json): sha256 values for
 * release assets whose upstream publishes none (GitHub gives a `digest` only to assets uploaded
 * since 2025-06-03, and LLVM, ninja and riscv-collab publish no checksum file). Each table is data,
 * written by scripts/update-checksum-table.ts from a named public source (its `provenance`), keyed
 * `<release tag>/<asset name>` (the path after `/releases/download/`).
 *
 * A table is read on first use only (a recipe that needs it), then kept for the process.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DevenvError } from "../errors.js";
import { isSha256 } from "./checksums.js";

export type TableName = "llvm" | "ninja";

export interface ChecksumTable {
  name: TableName;
  /** Where the file is (for messages). */
  path: string;
  provenance: Record<string, unknown>;
  files: ReadonlyMap<string, string>;
}

/**
 * Test hook, never read from devenv.ts or devenv.lock (devenv.ts cannot set DEVENV_* variables): a
 * JSON file `{ "<table>": { "<tag>/<asset>": "<sha256>" } }` whose tables stand in for the shipped
 * ones of those names, so tests can install archives they built themselves under real asset names.
 */
export const TEST_TABLE_ENV = "DEVENV_TEST_CHECKSUM_TABLE";

const cache = new Map<TableName, ChecksumTable>();

/** The package root: the nearest directory above this module with a package.json (dist/src/registry, dist/bundle, src/registry). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  throw new DevenvError("IO", `devenv's package root was not found above ${fileURLToPath(import.meta.url)}`, {
    hint: "Reinstall devenv: its recipes/checksums/ files ship with it.",
  });
}

export const tableFile = (name: TableName): string => join(packageRoot(), "recipes", "checksums", `${name}.json`);

function broken(path: string, why: string): DevenvError {
  return new DevenvError("IO", `devenv's checksum table ${path} is unusable: ${why}`, {
    hint: "Reinstall devenv (the file ships with it); if you regenerated it, rerun scripts/update-checksum-table.ts.",
  });
}

function readTable(name: TableName): ChecksumTable {
  const test = testTable(name);
  if (test) return test;
  const path = tableFile(name);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw broken(path, (e as Error).message);
  }
  const d = doc as { provenance?: unknown; files?: unknown } | null;
  if (!d || typeof d.files !== "object" || d.files === null || typeof d.provenance !== "object" || d.provenance === null) {
    throw broken(path, "it needs 'provenance' and 'files'");
  }
  return { name, path, provenance: d.provenance as Record<string, unknown>, files: shaMap(d.files, (k) => broken(path, `files[${JSON.stringify(k)}] is not a lower-case sha256`)) };
}

function shaMap(o: object, bad: (key: string) => DevenvError): Map<string, string> {
  const files = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    if (!isSha256(v)) throw bad(k);
    files.set(k, v);
  }
  return files;
}

function testTable(name: TableName): ChecksumTable | undefined {
  const path = process.env[TEST_TABLE_ENV];
  if (!path) return undefined;
  const bad = (why: string) => new DevenvError("USAGE", `${TEST_TABLE_ENV}=${path}: ${why}`, { hint: `Unset ${TEST_TABLE_ENV} (a test hook).` });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw bad((e as Error).message);
  }
  const block = (doc as Record<string, unknown> | null)?.[name];
  if (!block || typeof block !== "object") return undefined;
  const files = shaMap(block, (k) => bad(`${name}[${JSON.stringify(k)}] is not a lower-case sha256`));
  return { name, path, provenance: { source: `the test table ${path}` }, files };
}

/** The table, read on first use. */
export function checksumTable(name: TableName): ChecksumTable {
  let t = cache.get(name);
  if (!t) {
    t = readTable(name);
    cache.set(name, t);
  }
  return t;
}

/** The table's sha256 for `<tag>/<asset>`, or undefined. */
export const tableSha256 = (name: TableName, key: string): string | undefined => checksumTable(name).files.get(key);

/** Where a table's values come from, in a few words for messages. */
export function tableSource(name: TableName): string {
  const p = checksumTable(name).provenance;
  return typeof p.source === "string" ? p.source : `recipes/checksums/${name}.json`;
}

export interface AssetChecksum {
  sha256: string;
  checksum: "digest" | "table";
}

/**
 * A GitHub release asset's sha256: its `digest` if GitHub has one, else the recipe's table entry.
 * Both present and different → CHECKSUM_MISMATCH (the asset was replaced, or the table is wrong).
 * Neither → undefined (the recipe throws ChecksumMissingError with its own hint).
 */
export function assetChecksum(o: { tool: string; version: string; table: TableName; key: string; digest: string | undefined }): AssetChecksum | undefined {
  const listed = tableSha256(o.table, o.key);
  if (o.digest && listed && o.digest !== listed) {
    const name = o.key.slice(o.key.indexOf("/") + 1);
    throw new DevenvError("CHECKSUM_MISMATCH", `${o.tool} ${o.version}: GitHub's digest of ${name} is ${o.digest}, but devenv's checksum table (recipes/checksums/${o.table}.json, from ${tableSource(o.table)}) says ${listed}`, {
      hint: "The asset was replaced upstream or the table is wrong: nothing was locked. Pick another version, and report it to devenv's maintainers.",
    });
  }
  if (o.digest) return { sha256: o.digest, checksum: "digest" };
  if (listed) return { sha256: listed, checksum: "table" };
  return undefined;
}

/**
 * checkLocked for a table-covered asset: a lock entry for `<tag>/<asset>` must carry the table's
 * value whatever it says its checksum came from (a lock devenv wrote agrees with the table: the
 * digest, where there is one, was checked against it).
 */
export function checkTableLocked(table: TableName, key: string, locked: { sha256?: string; checksum?: string }): { field: string; problem: string } | undefined {
  const listed = tableSha256(table, key);
  const { sha256 } = locked;
  if (!listed) {
    return locked.checksum === "table"
      ? { field: "checksum", problem: `"table", but devenv's checksum table recipes/checksums/${table}.json has no entry for ${key}` }
      : undefined;
  }
  if (sha256 === listed) return undefined;
  return {
    field: "sha256",
    problem: `${JSON.stringify(sha256)} is not the sha256 of ${key.slice(key.indexOf("/") + 1)} (devenv's checksum table recipes/checksums/${table}.json, from ${tableSource(table)}, gives ${listed})`,
  };
}
