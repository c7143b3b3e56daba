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
  sha256?: string;
  /** SRI sha512, for artifacts verified by npm's dist.integrity. */
  integrity?: string;
  /** Further archives unpacked into this entry (rust components), with their digests. */
  parts?: Array<{ name: string; url: string; digest: string }>;
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
