import { createHash } from "node:crypto";
import { relative } from "node:path";
import type { DevenvError } from "../errors.js";

/** One local file that goes into a config: devenv.ts or a file it imports (directly or not). */
export interface ConfigInput {
  /** Absolute path, as the import reached it (not resolved through symlinks). */
  path: string;
  /** Relative to the project root, with `/`: what trust records and messages name. */
  rel: string;
  /** sha256 of the bytes that were read, and compiled. */
  sha256: string;
  /** mtime (ms) taken before the file was read. */
  mtimeMs: number;
}

/** A local import as it was resolved: importer and target relative to the project root. */
export type ConfigEdge = [from: string, spec: string, to: string];

/**
 * devenv.ts with its local imports, compiled into one CommonJS module from bytes devenv read
 * itself; nothing is run. `code` is exactly the compile of the `inputs` (their sha256 say which
 * bytes), so once the trust store approved those, `code` is what may run. When the build failed,
 * `error` says why and `inputs` holds what was read so far.
 */
export interface ConfigBundle {
  root: string;
  file: string;
  /** devenv.ts first, then the imported files by `rel`. */
  inputs: ConfigInput[];
  edges: ConfigEdge[];
  code?: string;
  error?: DevenvError;
}

/** The most a file of a config may hold (devenv.ts or one it imports). */
export const CONFIG_FILE_MAX_BYTES = 4 << 20;

export const sha256Hex = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

export const relPath = (root: string, path: string) => relative(root, path) || ".";

export function sortInputs(first: ConfigInput, rest: Iterable<ConfigInput>): ConfigInput[] {
  return [first, ...[...rest].filter((i) => i.path !== first.path).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))];
}

