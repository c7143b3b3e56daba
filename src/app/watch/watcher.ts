/**
 * `devenv watch`: keep every registered project's cached activation current in the background.
 * chokidar watches each project's directory (depth 0: devenv.ts and devenv.lock only) and the
 * local files its devenv.ts imports (as the last refresh found them), the roots
 * dir (projects registering or going away) and the trust stamp (allow/deny). A change, debounced,
 * runs the hook's own refresh for the project (through a Refresher: see watch-child.ts and
 * watch-refresh.ts) — trust check, evaluate, lock, install, write the activation — so the next
 * prompt of every shell in it applies the new environment without starting devenv. Downloads that
 * fail are retried with back-off; a broken config keeps the last good environment (the refresh
 * guarantees that) and is logged once.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { watch as chokidarWatch, type FSWatcher } from "chokidar";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import { acquireLock, LockBusyError, type FileLock } from "../../platform/filelock.js";
import { scanRoots } from "../../state/roots.js";
import { stampFile } from "../../state/trust.js";
import type { Refresher } from "./child.js";
import type { RefreshOutcome } from "./refresh.js";
import { localStamp, watchPaths, writeWatchStatus, type ProjectStatus, type WatchStatus } from "../../state/watch-status.js";
import { alreadyRunning, isWatcher, readPidFile } from "../../state/watch-pid.js";

export interface WatcherOptions {
  /** One line per event worth telling (the CLI prints it; detached, it goes to the log). */
  log: (line: string) => void;
  /** Quiet time after the last change before a project is refreshed (editors save in bursts). */
  debounceMs?: number;
  /** Waits before retrying a failed download, then the last one repeatedly. */
  retryMs?: number[];
  /** Runs the refreshes (the CLI: a child `devenv watch-refresh` per batch). */
  refresher: Refresher;
}

export interface RunningWatcher {
  stop(): Promise<void>;
}

interface Project {
  root: string;
  /** The local files its devenv.ts imports, as the last refresh found them (watched too). */
  inputs: string[];
  timer?: NodeJS.Timeout;
  retry?: NodeJS.Timeout;
  attempts: number;
  status: ProjectStatus;
  lastLogged?: string;
}

/** A local wall-clock time, as the log lines' own stamps. */
const clock = (ms: number) => localStamp(ms).slice(11);
const DEFAULT_RETRY = [30_000, 60_000, 120_000, 300_000, 600_000];

/** Claim `<state>/watch/watch.pid` (one watcher per state dir), start watching, and return a handle. */
export async function runWatcher(state: string, opts: WatcherOptions): Promise<RunningWatcher> {
  const paths = watchPaths(state);
  const pidLock = await claimPidFile(paths.pid);
  const debounceMs = opts.debounceMs ?? 300;
  const retryMs = opts.retryMs?.length ? opts.retryMs : DEFAULT_RETRY;
  const status: WatchStatus = { pid: process.pid, startedAt: new Date().toISOString(), updatedAt: "", projects: {} };
  const projects = new Map<string, Project>();
  /** Imported file → the projects whose devenv.ts imports it. */
  const importers = new Map<string, Set<string>>();
  const queue: string[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;

  const publish = () => {
    status.updatedAt = new Date().toISOString();
    status.projects = Object.fromEntries([...projects].map(([k, p]) => [k, p.status]));
    return writeWatchStatus(state, status).catch((e) => opts.log(`cannot write ${paths.status}: ${(e as Error).message}`));
  };

  const watcher: FSWatcher = chokidarWatch([], {
    ignoreInitial: true,
    depth: 0,
    // Inside a project dir only its two files matter; never stat the rest.
    ignored: (p: string) => {
      if (importers.has(p)) return false;
      const dir = dirname(p);
      // A project nested in another one is watched in its own right.
      if (projects.has(dir) && !projects.has(p)) return basename(p) !== CONFIG_FILE && basename(p) !== LOCK_FILE;
      return false;
    },
  });

  const schedule = (root: string, delay = debounceMs) => {
    const p = projects.get(root);
    if (!p || stopped) return;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      p.timer = undefined;
      if (!queue.includes(root)) queue.push(root);
      pump();
    }, delay);
  };

  /** One batch at a time: everything queued goes to one refresh (one process start for many projects). */
  const pump = () => {
    if (running || stopped || !queue.length) return;
    const batch = queue.splice(0);
    for (const root of batch) {
      const p = projects.get(root);
      if (p) {
        clearTimeout(p.retry);
        p.retry = undefined;
      }
    }
    let settling = Promise.resolve();
    running = opts.refresher
      .run(batch, (o) => (settling = settling.then(() => settle(o))))
      .then(() => settling)
      .catch((e) => opts.log(`refresh failed: ${(e as Error).message}`))
      .finally(() => {
        running = undefined;
        pump();
      });
  };

  const tell = (p: Project, line: string) => {
    if (p.lastLogged === line) return;
    p.lastLogged = line;
    opts.log(`${p.root}: ${line}`);
  };

  /** Watch the files a project's devenv.ts imports now (and stop watching those it no longer does). */
  const watchInputs = (p: Project, inputs: string[]) => {
    for (const f of p.inputs) {
      if (inputs.includes(f)) continue;
      const owners = importers.get(f);
      owners?.delete(p.root);
      if (owners && !owners.size) {
        importers.delete(f);
        void watcher.unwatch(f);
      }
    }
    for (const f of inputs) {
      if (p.inputs.includes(f)) continue;
      const owners = importers.get(f) ?? new Set<string>();
      if (!owners.size) {
        importers.set(f, owners);
        watcher.add(f);
      }
      owners.add(p.root);
    }
    p.inputs = inputs;
  };

  /** Take in what a refresh found. */
  const settle = async (o: RefreshOutcome): Promise<void> => {
    const root = o.root;
    const p = projects.get(root);
    if (!p) return;
    if (o.status !== "gone") watchInputs(p, o.inputs ?? []);
    if (o.status === "gone") {
      if (!existsSync(root) || !existsSync(join(root, LOCK_FILE))) return drop(root, "project gone; no longer watched");
      return;
    }
    const now = new Date().toISOString();
    const before = p.status.tools?.join(", ");
    if (o.status === "ok") {
      const wasOk = p.status.state === "ok";
      p.attempts = 0;
      p.status = { state: "ok", lastRun: now, tools: o.tools };
      const after = o.tools.join(", ");
      // A refresh that changed nothing is not news.
      if (!wasOk || after !== before) tell(p, `ready: ${after || "no tools"}`);
    } else if (o.transient) {
      const at = Date.now() + retryMs[Math.min(p.attempts, retryMs.length - 1)]!;
      p.attempts++;
      p.status = { state: "retrying", lastRun: now, message: o.transient, nextRetry: new Date(at).toISOString(), tools: p.status.tools ?? [] };
      tell(p, `${o.transient} (retrying at ${clock(at)})`);
      p.retry = setTimeout(() => {
        p.retry = undefined;
        if (!queue.includes(root)) queue.push(root);
        pump();
      }, Math.max(0, at - Date.now()));
    } else {
      p.attempts = 0;
      const tools = o.tools.length ? o.tools : (p.status.tools ?? []);
      p.status = { state: o.status, lastRun: now, message: o.message, tools };
      tell(p, o.status === "error" ? o.message.replace(/^[^:]*: /, "") : o.message);
    }
    await publish();
  };

  const add = (root: string) => {
    if (projects.has(root) || stopped) return;
    projects.set(root, { root, inputs: [], attempts: 0, status: { state: "pending" } });
    watcher.add(root);
    opts.log(`${root}: watching`);
    // Catch up with what changed while no watcher ran (a pull before login).
    schedule(root, 0);
  };

  const drop = async (root: string, why: string) => {
    const p = projects.get(root);
    if (!p) return;
    clearTimeout(p.timer);
    clearTimeout(p.retry);
    watchInputs(p, []);
    projects.delete(root);
    await watcher.unwatch(root);
    scanRoots(state); // removes the records of projects that are gone
    opts.log(`${root}: ${why}`);
    await publish();
  };

  const syncRoots = () => {
    const live = new Set(scanRoots(state, { dryRun: true }).live.map((r) => r.path));
    for (const r of live) add(r);
    for (const r of [...projects.keys()]) if (!live.has(r)) void drop(r, "no longer registered");
  };

  const rootsDir = join(state, "roots");
  const stamp = stampFile(state);
  watcher.on("all", (event, path) => {
    if (stopped) return;
    if (dirname(path) === rootsDir || path === rootsDir) return syncRoots();
    if (path === stamp) {
      // allow/deny/install elsewhere: projects that could not be activated may now be.
      for (const p of projects.values()) if (p.status.state !== "ok") schedule(p.root);
      return;
    }
    const owners = importers.get(path);
    if (owners) {
      // A file devenv.ts imports: an edit is an edit of the config (the refresh says it needs an allow).
      for (const root of owners) schedule(root);
      if (!projects.has(dirname(path))) return;
    }
    const dir = projects.has(path) ? path : dirname(path);
    if (!projects.has(dir)) return;
    if (path === dir && event === "unlinkDir") return void drop(dir, "project gone; no longer watched");
    schedule(dir);
  });
  watcher.on("error", (e) => opts.log(`watch error: ${(e as Error).message}`));

  // A directory that does not exist yet is only noticed late, and what appears in it is missed:
  // on a new machine the watcher may start before any project has registered.
  await mkdir(rootsDir, { recursive: true });
  await new Promise<void>((resolve) => {
    watcher.once("ready", () => resolve());
    watcher.add([rootsDir, stamp]);
  });
  syncRoots();
  await publish();
  opts.log(`watching ${projects.size} project${projects.size === 1 ? "" : "s"} (pid ${process.pid})`);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const p of projects.values()) {
        clearTimeout(p.timer);
        clearTimeout(p.retry);
      }
      opts.refresher.stop();
      await watcher.close();
      await running;
      await pidLock.release();
    },
  };
}

/** Claim `<state>/watch/watch.pid`; a file naming a dead process or one that is not a watcher is taken over. */
async function claimPidFile(file: string): Promise<FileLock> {
  try {
    return await acquireLock(file, { timeoutMs: 0, ownerAlive: isWatcher });
  } catch (e) {
    if (e instanceof LockBusyError) throw alreadyRunning(e.owner ?? readPidFile(file));
    throw e;
  }
}
