import { DevenvError } from "../errors.js";
import { shown } from "../text.js";
import { sortKeys } from "./sort-keys.js";
import { LOCK_VERSION, lockFileSchema, type LockFile } from "./types.js";

export { sortKeys };

export const emptyLock = (): LockFile => ({ lockVersion: LOCK_VERSION, tools: {} });

/** JSON with keys sorted at every level, two-space indent, newline-terminated: diffs stay small and stable. */
export function serializeLock(lock: LockFile): string {
  return JSON.stringify(sortKeys(lock), null, 2) + "\n";
}

/** The most devenv reads of a devenv.lock (one of 100 tools for four platforms is about 100 KB). */
export const LOCK_MAX_BYTES = 16 << 20;

/** What to do about a devenv.lock devenv refuses (a pull brought it; nothing was installed from it). */
export const LOCK_HINT =
  "devenv.lock is checked before use, as a pull can change it; nothing was downloaded or installed. Restore it from version control (git checkout devenv.lock) or delete it and run 'devenv lock'.";

/** A field path as messages show it: `tools.zig.platforms.linux-x64.sha256`, odd keys quoted and escaped. */
export const fieldPath = (path: readonly PropertyKey[]) =>
  path.map((k) => (typeof k === "string" && !/^[A-Za-z0-9._+-]+$/.test(k) ? shown(k) : String(k))).join(".");

/** Parse and check devenv.lock's shape (every name, version and URL; see types.ts). */
export function parseLock(text: string, file: string): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DevenvError("LOCK_INVALID", `${file}: not valid JSON (${(e as Error).message})`, {
      hint: "Restore devenv.lock from version control, or delete it and run 'devenv lock'.",
    });
  }
  const parsed = lockFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DevenvError("LOCK_INVALID", `${file}: ${fieldPath(issue.path) || "(top level)"}: ${issue.message}`, { hint: LOCK_HINT });
  }
  return parsed.data;
}
