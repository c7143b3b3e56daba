/**
 * One supervisor per project: the identity file is created only if absent (written to a temp file,
 * then hard-linked into place, so it appears whole or not at all). Two `devenv up` started together
 * cannot both run: the second finds the first's file, names a live supervisor, and is refused. A
 * file left by a dead supervisor is moved aside and the claim tried again.
 */
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DevenvError } from "../errors.js";
import { randomId } from "../platform/fs.js";
import { isSameProcess } from "./identity.js";
import type { ServicePaths } from "./paths.js";
import { readSupervisorRecord, type SupervisorRecord } from "./status-file.js";

export const alreadyUp = (live: SupervisorRecord) =>
  new DevenvError("USAGE", `this project's services are already up (supervisor pid ${live.pid}, ${live.mode})`, {
    exitCode: 1,
    hint: "'devenv ps' shows them; 'devenv down' stops them.",
  });

/** Make `record` the project's supervisor, or throw alreadyUp when a live one holds it. */
export function claimSupervisor(paths: ServicePaths, record: SupervisorRecord): void {
  mkdirSync(dirname(paths.supervisor), { recursive: true });
  const tmp = `${paths.supervisor}.${process.pid}-${randomId(4)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, paths.supervisor);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 5) throw e;
      }
      const holder = readSupervisorRecord(paths);
      if (holder && Number.isInteger(holder.pid) && isSameProcess(holder)) throw alreadyUp(holder);
      // Dead (or unreadable): move it aside under a unique name, so that a claim racing with this
      // one is never removed by it; only this process's rename can take that exact file.
      const aside = `${paths.supervisor}.${process.pid}-${randomId(4)}.dead`;
      try {
        renameSync(paths.supervisor, aside);
      } catch {
        continue; // someone else moved or claimed it: look again
      }
      const moved = readSupervisorRecord({ ...paths, supervisor: aside });
      if (moved && Number.isInteger(moved.pid) && isSameProcess(moved)) {
        // A live claim got there between the check and the rename: give it back, then refuse.
        try {
          linkSync(aside, paths.supervisor);
        } catch {
          /* a third claim got in meanwhile (three starts within microseconds): that one runs, and
             the live one we moved loses its file; left as is, it is that unlikely */
        }
        rmSync(aside, { force: true });
        throw alreadyUp(moved);
      }
      rmSync(aside, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
