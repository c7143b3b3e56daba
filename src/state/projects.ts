import { createHash } from "node:crypto";
import { basename, join } from "node:path";

/**
 * A project's own writable dir for one tool, in the user's state dir: `npm i -g`, the zig cache,
 * GOPATH and the like go here, never into the shared store entry nor into the project.
 * Keyed by the project's real path (readable name + hash).
 */
export function projectStateDir(stateRoot: string, realRoot: string, tool: string): string {
  const id = createHash("sha256").update(realRoot).digest("hex").slice(0, 16);
  const name = basename(realRoot).replace(/[^A-Za-z0-9._-]/g, "_") || "root";
  return join(stateRoot, "projects", `${name}-${id}`, tool);
}
