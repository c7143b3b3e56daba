/**
 * Check an installed store entry against its receipt: every recorded file, directory and symlink
 * is still there, of the same type, size, permission bits, symlink target and (where the receipt
 * has one) sha256; and nothing was added. Read-only; symlinks are never followed.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { FileRecord } from "./extract-tree.js";
import { sha256File } from "./install-tree.js";
import { RECEIPT } from "./layout.js";
import type { Receipt } from "./receipt.js";

export type ChangeKind = "content" | "size" | "mode" | "type" | "target";

export interface EntryCheck {
  /** Recorded paths that differ, one item per difference (a file can have both `content` and `mode`). */
  changed: Array<{ path: string; what: ChangeKind }>;
  /** Recorded paths that are gone. */
  missing: string[];
  /** Paths on disk the receipt does not record (the topmost one of an added directory only). */
  added: string[];
  /** Regular files checked by size only: the receipt (written before receipts had digests) has no sha256. */
  unhashed: number;
}

export const entryOk = (c: EntryCheck): boolean => !c.changed.length && !c.missing.length && !c.added.length;

const kindOf = (st: Stats): FileRecord["type"] | "other" =>
  st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";

export function verifyEntry(dir: string, receipt: Receipt): EntryCheck {
  const check: EntryCheck = { changed: [], missing: [], added: [], unhashed: 0 };
  // The last record of a path wins (an archive may carry a path twice; the later one is on disk).
  const records = new Map<string, FileRecord>();
  for (const f of receipt.files ?? []) if (f.path) records.set(f.path, f);
  // Directories the receipt implies: unpacking creates a file's parents without recording them.
  const implied = new Set<string>();
  for (const p of records.keys()) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) implied.add(p.slice(0, i));
  }

  for (const [path, rec] of [...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const abs = join(dir, path);
    let st: Stats | undefined;
    try {
      st = lstatSync(abs, { throwIfNoEntry: false });
    } catch {
      st = undefined; // e.g. a parent replaced by a file (ENOTDIR)
    }
    if (!st) {
      check.missing.push(path);
      continue;
    }
    if (kindOf(st) !== rec.type) {
      check.changed.push({ path, what: "type" });
      continue;
    }
    if (rec.type === "symlink") {
      if (rec.target !== undefined && readlinkSync(abs) !== rec.target) check.changed.push({ path, what: "target" });
      continue;
    }
    if (rec.type === "dir") continue;
    if (rec.size !== undefined && st.size !== rec.size) check.changed.push({ path, what: "size" });
    else if (rec.sha256 !== undefined) {
      let digest: string | undefined;
      try {
        digest = sha256File(abs);
      } catch {
        digest = undefined; // unreadable: not the file that was installed
      }
      if (digest !== rec.sha256) check.changed.push({ path, what: "content" });
    } else check.unhashed++;
    if (rec.mode !== undefined && (st.mode & 0o777) !== rec.mode) check.changed.push({ path, what: "mode" });
  }

  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(rel ? join(dir, rel) : dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (!rel && name === RECEIPT) continue;
      const path = rel ? `${rel}/${name}` : name;
      const known = records.get(path);
      if (!known && !implied.has(path)) {
        check.added.push(path);
        continue;
      }
      // Descend into directories only (a recorded dir now a symlink is a type change, not a way in).
      if ((known?.type ?? "dir") === "dir" && lstatSync(join(dir, path), { throwIfNoEntry: false })?.isDirectory()) walk(path);
    }
  };
  walk("");
  return check;
}
