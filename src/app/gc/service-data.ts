/**
 * The service data of projects that no longer exist: gathers the facts for service-data-plan.ts
 * (each project state dir's project.json, whether that project's devenv.ts is still there, whether
 * anything runs on the data), measures what is listed and, only when asked, deletes it. A dir is
 * moved aside before it is deleted, so a gc killed half-way never leaves half a data dir where
 * `devenv up` looks; the next `gc --remove-service-data` finishes the job.
 */
import { readdirSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CONFIG_FILE } from "../../config/find.js";
import { pidAlive, randomId } from "../../platform/fs.js";
import { servicesRunning } from "../../services/running.js";
import { treeSizeBounded } from "../../store/entries.js";
import { PROJECT_RECORD, readProjectRecord } from "../../state/project-record.js";
import { projectsRoot, projectStateBase } from "../../state/projects.js";
import { planServiceData, type ServiceDataFacts, type ServiceDataItem } from "./service-data-plan.js";

const SERVICES = ".services";
const REMOVING = ".services.removing-";
/** Entries a size walk looks at before it says "over" (a database's data dir can hold many files). */
const MAX_SIZE_ENTRIES = 200_000;

export interface ServiceDataEntry extends ServiceDataItem {
  bytes: number;
  /** The walk stopped at its bound: `bytes` is a lower bound. */
  partial?: true;
  removed: boolean;
}

/** List (and with `remove`, unless `dryRun`, delete) the service data of projects that no longer exist. */
export async function sweepServiceData(stateRoot: string, opts: { remove: boolean; dryRun: boolean }): Promise<ServiceDataEntry[]> {
  const items = planServiceData(gatherFacts(stateRoot), opts);
  const out: ServiceDataEntry[] = [];
  for (const item of items) {
    const size = treeSizeBounded(item.dir, MAX_SIZE_ENTRIES);
    let removed = false;
    if (item.remove && !opts.dryRun) {
      // Judged again right before: a project put back, or an `up` started, since the scan keeps its data.
      const again = item.status === "interrupted" ? item : planServiceData([factsOf(dirname(item.dir), basename(item.dir))], opts)[0];
      if (!again) continue; // its project is back: live data is not listed
      if (again.remove) {
        try {
          if (!(await removeDir(item))) continue; // another gc took it meanwhile
          removed = true;
        } catch (e) {
          Object.assign(item, { remove: false, keep: { why: "failed", reason: (e as Error).message } });
        }
      } else Object.assign(item, again);
    }
    out.push({ ...item, bytes: size.bytes, ...(size.partial ? { partial: true as const } : {}), removed });
  }
  return out;
}

function gatherFacts(stateRoot: string): ServiceDataFacts[] {
  const root = projectsRoot(stateRoot);
  let projects: string[];
  try {
    projects = readdirSync(root).sort();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? [] : [{ dir: root, interrupted: false, record: { root }, project: { error: `cannot list it: ${(e as Error).message}` } }];
  }
  const out: ServiceDataFacts[] = [];
  for (const name of projects) {
    const projectDir = join(root, name);
    let entries: string[];
    try {
      entries = readdirSync(projectDir);
    } catch {
      continue; // not a dir (or gone meanwhile): no service data in it
    }
    // A project dir holding only tool state (GOPATH, CARGO_HOME…) is not service data: not listed.
    for (const e of entries.sort()) {
      if (e === SERVICES || (e.startsWith(REMOVING) && !removingNow(e))) out.push(factsOf(projectDir, e));
    }
  }
  return out;
}

function factsOf(projectDir: string, name: string): ServiceDataFacts {
  const dir = join(projectDir, name);
  if (name.startsWith(REMOVING)) return { dir, interrupted: true, record: { unknown: "being removed" } };
  let rec;
  try {
    rec = readProjectRecord(projectDir);
  } catch (e) {
    return { dir, interrupted: false, record: { unknown: (e as Error).message } };
  }
  if (!rec) return { dir, interrupted: false, record: { unknown: `no valid ${PROJECT_RECORD}` } };
  // The dir's name is derived from the project's path: a record naming another path was copied or edited.
  if (projectStateBase(dirname(dirname(projectDir)), rec.root) !== projectDir) {
    return { dir, interrupted: false, record: { unknown: `its ${PROJECT_RECORD} names ${rec.root}, whose data would be elsewhere` } };
  }
  const project = projectState(rec.root);
  return { dir, interrupted: false, record: rec, project, ...(project === "gone" ? { running: servicesRunning(dir) } : {}) };
}

/** Is the project's devenv.ts there? Only ENOENT/ENOTDIR mean gone; any other error means gc cannot tell. */
function projectState(root: string): ServiceDataFacts["project"] {
  try {
    statSync(join(root, CONFIG_FILE));
    return "live";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? "gone" : { error: `cannot look at ${root}: ${code ?? (e as Error).message}` };
  }
}

/** A dir another gc, still running, is deleting now (`.services.removing-<pid>-<random>`). */
function removingNow(name: string): boolean {
  const pid = Number.parseInt(name.slice(REMOVING.length), 10);
  return pid !== process.pid && pidAlive(pid);
}

/** Moves the dir aside, then deletes it; false when it was gone already. */
async function removeDir(item: ServiceDataItem): Promise<boolean> {
  const projectDir = dirname(item.dir);
  let target = item.dir;
  if (item.status !== "interrupted") {
    target = join(projectDir, `${REMOVING}${process.pid}-${randomId(4)}`);
    try {
      renameSync(item.dir, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw e;
    }
  }
  await rm(target, { recursive: true, force: true, maxRetries: 3 });
  // The project dir goes too when nothing but its record is left (tool state, if any, stays).
  try {
    const left = readdirSync(projectDir);
    if (left.every((n) => n === PROJECT_RECORD)) {
      rmSync(join(projectDir, PROJECT_RECORD), { force: true });
      rmdirSync(projectDir);
    }
  } catch {
    /* something else is in it now: keep it */
  }
  return true;
}

