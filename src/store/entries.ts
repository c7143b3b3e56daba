/**
 * What the store holds: entry directories (`<32 base-32 hash>-<tool>-<version>`), and the
 * leftovers beside them (temp dirs of installs, trash of an interrupted gc). Read-only.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { TEMP_PREFIX } from "./layout.js";
import { readReceipt, type Receipt } from "./receipt.js";

/** A gc in progress moves entries here before deleting them (never visible as entries). */
export const TRASH_PREFIX = ".trash-";

/** `<hash>-<tool>-<version>`: the name of a directory, so no `/`. */
const ENTRY = /^([0-9abcdfghijklmnpqrsvwxyz]{32})-([^/]+)$/;

export interface StoreEntry {
  /** The directory name, e.g. `0a1b…-node-20.18.0`. */
  name: string;
  /** Its 32-char hash (also the name of its install lock). */
  hash: string;
  dir: string;
  /** Undefined for a directory without a readable receipt (never a complete install). */
  receipt: Receipt | undefined;
}

/**
 * The parts of a store entry's directory name: its hash and `<tool>-<version>` (which cannot be
 * split further from the name alone: tool names and versions both may hold a dash). Undefined for
 * any other name (temp dirs, trash, a stray file, a path).
 */
export function parseEntryName(name: string): { hash: string; label: string } | undefined {
  const m = ENTRY.exec(name);
  return m ? { hash: m[1]!, label: m[2]! } : undefined;
}

export const entryHash = (name: string): string | undefined => parseEntryName(name)?.hash;

/** `<tool>-<version>` of an entry name, for messages; the whole name when it is not one. */
export const entryLabel = (name: string): string => parseEntryName(name)?.label ?? name;

/** Every entry directory of the store, sorted by name. Receipts are read only with `receipts`. */
export function listEntries(store: string, opts: { receipts?: boolean } = {}): StoreEntry[] {
  let names: string[];
  try {
    names = readdirSync(store);
  } catch {
    return [];
  }
  const out: StoreEntry[] = [];
  for (const name of names.sort()) {
    const parsed = parseEntryName(name);
    if (!parsed) continue;
    const dir = join(store, name);
    out.push({ name, hash: parsed.hash, dir, receipt: opts.receipts === false ? undefined : readReceipt(dir) });
  }
  return out;
}

/** Temp dirs and gc trash, with the pid that made them (the name's second-to-last dash field). */
export function listScratch(store: string): Array<{ name: string; dir: string; pid: number; kind: "temp" | "trash" }> {
  let names: string[];
  try {
    names = readdirSync(store);
  } catch {
    return [];
  }
  const out: Array<{ name: string; dir: string; pid: number; kind: "temp" | "trash" }> = [];
  for (const name of names.sort()) {
    const kind = name.startsWith(TEMP_PREFIX) ? "temp" : name.startsWith(TRASH_PREFIX) ? "trash" : undefined;
    if (!kind) continue;
    out.push({ name, dir: join(store, name), pid: Number.parseInt(name.split("-").at(-2) ?? "", 10), kind });
  }
  return out;
}

/** Bytes of an entry: the receipt's file sizes (cheap), else a walk of the directory. */
export function entrySize(e: StoreEntry): number {
  if (e.receipt) {
    let n = 0;
    for (const f of e.receipt.files) if (f.type === "file") n += f.size ?? 0;
    return n;
  }
  return treeSize(e.dir);
}

/** Apparent size of the regular files under `dir` (symlinks not followed). */
export function treeSize(dir: string): number {
  return treeSizeBounded(dir, Infinity).bytes;
}

/**
 * The same, looking at no more than `maxEntries` entries (then `partial`): a tree devenv did not
 * make (service data) may be huge. `dir` itself may be a file.
 */
export function treeSizeBounded(dir: string, maxEntries: number): { bytes: number; partial: boolean } {
  try {
    const top = lstatSync(dir);
    if (top.isFile()) return { bytes: top.size, partial: false };
  } catch {
    return { bytes: 0, partial: false };
  }
  let bytes = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > maxEntries) return { bytes, partial: true };
      const p = join(d, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue; // removed meanwhile
      }
      if (st.isDirectory()) stack.push(p);
      else if (st.isFile()) bytes += st.size;
    }
  }
  return { bytes, partial: false };
}

