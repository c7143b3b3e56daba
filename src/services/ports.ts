/**
 * Per-checkout ports: `ports.json` in the project's services dir records the port each service got,
 * so a port survives restarts; `port: "auto"` picks one no other project has recorded and nothing
 * listens on, under a machine-wide lock so two `devenv up` at once never pick the same one.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { PortRequest } from "../config/services.js";
import { DevenvError } from "../errors.js";
import { acquireLock, LockBusyError } from "../platform/filelock.js";
import { readIfExists, writeFileAtomic } from "../platform/fs.js";
import { projectsRoot } from "../state/projects.js";
import type { ServicePaths } from "./paths.js";
import { portHolder } from "./port-holder.js";

export { portHolder } from "./port-holder.js";

/** Where "auto" ports come from: above the usual fixed ports, below Linux's ephemeral range (32768+ is shared, but checked by binding). */
export const AUTO_PORT_MIN = 20000;
export const AUTO_PORT_MAX = 60000; // exclusive

const validPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;

/** The ports recorded for this checkout; a missing file is {}. */
export function readPorts(paths: Pick<ServicePaths, "ports">): Record<string, number> {
  const text = readIfExists(paths.ports);
  if (text === undefined) return {};
  const bad = (why: string) =>
    new DevenvError("IO", `${paths.ports}: ${why}`, {
      hint: "devenv records the ports it picked there. Fix the file ({ \"name\": port, … }) or delete it: auto ports are then picked again.",
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw bad("not an object of { name: port }");
  for (const [name, port] of Object.entries(data)) {
    if (!validPort(port)) throw bad(`${name}: ${JSON.stringify(port)} is not a port (an integer 1-65535)`);
  }
  return data as Record<string, number>;
}

/** Every port another project (checkout) has recorded; unreadable files are skipped (they are not ours to judge). */
function portsOfOtherProjects(stateRoot: string, paths: ServicePaths): Set<number> {
  const root = projectsRoot(stateRoot);
  const own = basename(dirname(paths.dir));
  const out = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === own) continue;
    try {
      for (const p of Object.values(readPorts({ ports: join(root, e, basename(paths.dir), "ports.json") }))) out.add(p);
    } catch {
      /* a malformed file of another project: its owner gets the error */
    }
  }
  return out;
}

/** Can this process listen on `host:port` right now? */
export function canBind(port: number, host = "127.0.0.1"): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const s = process.getBuiltinModule("node:net").createServer(); // net loaded only when a port is picked
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}

/** undefined when `host:port` can be bound; else why not, naming the process that holds it when it can be told. */
export async function checkPortFree(port: number, host = "127.0.0.1"): Promise<string | undefined> {
  const err = await canBind(port, host);
  if (!err) return undefined;
  if (err.code === "EADDRINUSE") {
    const holder = portHolder(port);
    return `port ${port} on ${host} is in use${holder ? ` by ${holder}` : " (by a process this user cannot see)"}`;
  }
  if (err.code === "EACCES") return `port ${port} on ${host} cannot be bound: permission denied (ports below 1024 need privileges)`;
  return `port ${port} on ${host} cannot be bound: ${err.code ?? err.message}`;
}

/** A stable first guess for an auto port: from the checkout's services dir (its real path) and the service name. */
export function autoPortStart(paths: Pick<ServicePaths, "dir">, name: string): number {
  const h = createHash("sha256").update(`${paths.dir}\0${name}`).digest().readUInt32BE(0);
  return AUTO_PORT_MIN + (h % (AUTO_PORT_MAX - AUTO_PORT_MIN));
}

/**
 * The port of each wanted service: a number is recorded as is; "auto" keeps the port recorded for
 * that name (unless another project has since recorded it too), else picks the first port from a
 * stable start that no project records and nothing listens on. Names not in `wants` keep theirs.
 */
export async function assignPorts(
  stateRoot: string,
  paths: ServicePaths,
  wants: ReadonlyArray<{ name: string; port: PortRequest }>,
): Promise<Record<string, number>> {
  const lockPath = join(projectsRoot(stateRoot), ".ports.lock");
  let lock;
  try {
    lock = await acquireLock(lockPath, { timeoutMs: 60_000 });
  } catch (e) {
    if (!(e instanceof LockBusyError)) throw e;
    throw new DevenvError("IO", `timed out waiting for the port lock ${lockPath}${e.owner ? ` (held by pid ${e.owner})` : ""}`, {
      hint: "Another devenv is picking ports; try again, or delete the lock file if no devenv runs.",
    });
  }
  try {
    const recorded = readPorts(paths);
    const others = portsOfOtherProjects(stateRoot, paths);
    const next: Record<string, number> = { ...recorded };
    const out: Record<string, number> = {};
    // Fixed ports first, so an auto pick never takes a port this project names.
    for (const w of wants) if (w.port !== "auto") out[w.name] = next[w.name] = w.port;
    for (const w of wants) {
      if (w.port !== "auto") continue;
      const mine = new Set(Object.entries(next).filter(([n]) => n !== w.name).map(([, p]) => p));
      const had = recorded[w.name];
      if (had !== undefined && !others.has(had) && !mine.has(had)) {
        out[w.name] = had;
        continue;
      }
      out[w.name] = next[w.name] = await pickAuto(autoPortStart(paths, w.name), (p) => others.has(p) || mine.has(p));
    }
    if (JSON.stringify(next) !== JSON.stringify(recorded)) await writeFileAtomic(paths.ports, `${JSON.stringify(next, null, 2)}\n`);
    return out;
  } finally {
    await lock.release();
  }
}

async function pickAuto(start: number, taken: (p: number) => boolean): Promise<number> {
  const span = AUTO_PORT_MAX - AUTO_PORT_MIN;
  for (let i = 0; i < span; i++) {
    const p = AUTO_PORT_MIN + ((start - AUTO_PORT_MIN + i) % span);
    if (taken(p)) continue;
    if ((await canBind(p)) === undefined) return p;
  }
  throw new DevenvError("IO", `no free port in ${AUTO_PORT_MIN}-${AUTO_PORT_MAX - 1} on 127.0.0.1`, {
    hint: "Give the service a fixed port in devenv.ts, or stop some of the processes listening there.",
  });
}
