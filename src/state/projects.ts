import { createHash } from "node:crypto";
import { basename, join } from "node:path";

/** `<state>/projects`: one dir per project (checkout), named by its real path. */
export const projectsRoot = (stateRoot: string) => join(stateRoot, "projects");

/** A project's own dir in the user's state dir: `<name>-<sha256(real path)[:16]>`. */
export function projectStateBase(stateRoot: string, realRoot: string): string {
  const id = createHash("sha256").update(realRoot).digest("hex").slice(0, 16);
  const name = basename(realRoot).replace(/[^A-Za-z0-9._-]/g, "_") || "root";
  return join(projectsRoot(stateRoot), `${name}-${id}`);
}

/**
 * A project's own writable dir for one tool, in the user's state dir: `npm i -g`, the zig cache,
 * GOPATH and the like go here, never into the shared store entry nor into the project.
 * Keyed by the project's real path (readable name + hash).
 */
export function projectStateDir(stateRoot: string, realRoot: string, tool: string): string {
  return join(projectStateBase(stateRoot, realRoot), tool);
}
