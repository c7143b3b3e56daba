import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileRecord } from "./extract-tree.js";
import { RECEIPT } from "./layout.js";

/** What was installed, from where, with which checksum, and every file it holds. */
export interface Receipt {
  receiptVersion: 1;
  name: string;
  version: string;
  platform: string;
  source: string;
  url: string;
  /** Of the verified download: the lock's, or (beside an integrity) computed from the same bytes; receipts written before that lack it. */
  sha256?: string;
  /** SRI sha512, for artifacts verified by npm's dist.integrity or a sha512 checksum file. */
  integrity?: string;
  /** Further archives unpacked into this entry (rust components), with their digests (the store key's) and their sha256. */
  parts?: Array<{ name: string; url: string; digest: string; sha256?: string }>;
  recipeRevision: number;
  installedAt: string;
  /** Directories (relative to the entry) that go on PATH. */
  bin: string[];
  files: FileRecord[];
}

export function readReceipt(dir: string): Receipt | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, RECEIPT), "utf8")) as Receipt;
  } catch {
    return undefined;
  }
}
