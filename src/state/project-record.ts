/**
 * Which project a per-project state dir belongs to. The dir's name holds only the project's
 * basename and a hash of its path, so `<dir>/project.json` ({ "root": <real path> }) says it in
 * full: `devenv gc` reads it to tell the service data of a project that no longer exists from
 * that of a live one. Written by what creates per-project data (`devenv up`, port assignment).
 */
import { isAbsolute, join } from "node:path";
import { readIfExists, writeFileAtomic } from "../platform/fs.js";
import { projectStateBase } from "./projects.js";

export const PROJECT_RECORD = "project.json";

export interface ProjectRecord {
  /** The project's real path. */
  root: string;
}

/**
 * Write `<projectStateBase>/project.json` for this project unless it already says so (atomically:
 * a reader sees the old record or the new one). Returns the project's state dir.
 */
export async function recordProjectDir(stateRoot: string, realRoot: string): Promise<string> {
  const dir = projectStateBase(stateRoot, realRoot);
  let current: ProjectRecord | undefined;
  try {
    current = readProjectRecord(dir);
  } catch {
    current = undefined; // unreadable: write it again
  }
  if (current?.root !== realRoot) {
    // Not synced: a record lost in a crash reads as "unknown project", which gc never deletes.
    await writeFileAtomic(join(dir, PROJECT_RECORD), JSON.stringify({ root: realRoot }) + "\n", { fsync: false });
  }
  return dir;
}

/**
 * The record in a project's state dir: undefined when there is none or it is not a record
 * (malformed). A file that exists but cannot be read is a DevenvError naming it.
 */
export function readProjectRecord(dir: string): ProjectRecord | undefined {
  const file = join(dir, PROJECT_RECORD);
  const text = readIfExists(file, { what: "the project record" });
  if (text === undefined) return undefined;
  try {
    const rec = JSON.parse(text) as unknown;
    if (typeof rec !== "object" || rec === null) return undefined;
    const root = (rec as { root?: unknown }).root;
    return typeof root === "string" && isAbsolute(root) ? { root } : undefined;
  } catch {
    return undefined;
  }
}
