import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, unlinkSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { readIfExists, writeFileAtomicSync } from "../platform/fs.js";

/**
 * Cached activations live in the user's state dir, in a tree that mirrors project paths:
 * `<activations>/home/me/proj/.devenv.current` names the current generation,
 * `.devenv.<gen>.act` holds it (gen = hash of its content). The hooks find a project's cache
 * from its path with string operations alone, and a new generation (plus removal of the old
 * file) is how every shell learns, at its next prompt, that the activation changed.
 */
export const activationsRoot = (stateDir: string) => join(stateDir, "activations");

export const activationDir = (actRoot: string, root: string) => (root === "/" ? actRoot : actRoot + root);

const GEN_FILE = /^\.devenv\.[0-9a-f]{16}\.(act|sh)$/;
const CURRENT = ".devenv.current";
/** The project's last good environment (state/last-good.ts reads and writes it). */
export const LAST_GOOD_FILE = ".devenv.last-good.json";

/** Newest mtime (ms) of the files an activation depends on; 0 for those missing. */
export function newestMtime(files: string[]): number {
  let max = 0;
  for (const f of files) {
    try {
      max = Math.max(max, statSync(f).mtimeMs);
    } catch {
      /* missing */
    }
  }
  return max;
}

/** Within this window of its inputs' newest mtime a cache is written as already stale (see writeActivation). */
const RACY_MS = 50;

/**
 * Write an activation for `root` and make it current. Its mtime is set just above `inputsMtime`
 * (the newest of devenv.ts, devenv.lock and the stamp, read before they were), so the hook's
 * `devenv.ts -nt cache` test notices any later edit. An input modified within the last few
 * milliseconds might be modified again within the same clock tick, unseen: then the cache is
 * dated just below it, so the next prompt checks once more (as git does with its "racy" index).
 * Synchronous so that it can run from a signal handler. Returns the generation file.
 * `now`: the time it is written. `launcher`: the same activation for bin/devenv's fast path (shell/exec-cache.ts; "ok" ones only),
 * written as `.devenv.<gen>.sh` before the generation becomes current.
 * `readAt`: when the inputs' mtimes were read. When the next whole second after them had passed by
 * then, the cache is dated at that second rather than 1 ms after them: equally safe (any later edit
 * is dated after the read), and a shell whose `-nt` compares whole seconds (bash 3.2, busybox) then
 * sees it as newer, which bin/devenv's fast path needs (D142).
 */
export function writeActivation(actRoot: string, root: string, text: string, inputsMtime: number, opts: { now?: number; launcher?: string; readAt?: number } = {}): string {
  const { now = Date.now(), launcher, readAt = now } = opts;
  const dir = activationDir(actRoot, root);
  mkdirSync(dir, { recursive: true });
  const gen = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const file = join(dir, `.devenv.${gen}.act`);
  let same = false;
  try {
    same = readFileSync(file, "utf8") === text;
  } catch {
    /* new */
  }
  if (!same) writeFileAtomicSync(file, text);
  const nextSecond = (Math.floor(inputsMtime / 1000) + 1) * 1000;
  const mtime = now - inputsMtime < RACY_MS ? inputsMtime - 1 : nextSecond <= readAt - RACY_MS ? nextSecond : inputsMtime + 1;
  utimesSync(file, now / 1000, mtime / 1000);
  const sh = join(dir, `.devenv.${gen}.sh`);
  if (launcher === undefined) rmSync(sh, { force: true });
  else {
    let old: string | undefined;
    try {
      old = readFileSync(sh, "utf8");
    } catch {
      /* new */
    }
    if (old !== launcher) writeFileAtomicSync(sh, launcher);
  }
  let current: string | undefined;
  try {
    current = readFileSync(join(dir, CURRENT), "utf8");
  } catch {
    /* first */
  }
  if (current !== gen + "\n") writeFileAtomicSync(join(dir, CURRENT), gen + "\n");
  for (const name of readdirSync(dir)) {
    if (GEN_FILE.test(name) && name !== `.devenv.${gen}.act` && name !== `.devenv.${gen}.sh`) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        /* another writer removed it */
      }
    }
  }
  return file;
}

/** The current generation file of root (what a shell entering it now would apply), if any. */
export function currentActivationFile(actRoot: string, root: string): string | undefined {
  const gen = readIfExists(join(activationDir(actRoot, root), CURRENT), { what: `the current activation of ${root}` })?.trim();
  return gen === undefined ? undefined : join(activationDir(actRoot, root), `.devenv.${gen}.act`);
}

/** A project's cached activations, found by walking the mirror tree. */
export interface ActivationSite {
  /** The project path as shells name it (the mirror path under the activations root). */
  root: string;
  /** The activation dir. */
  dir: string;
  /** Its files (current pointer, generations, last good). */
  files: string[];
}

const isActivationFile = (name: string) => name === CURRENT || name === LAST_GOOD_FILE || GEN_FILE.test(name);

/** Every project with cached activations under `actRoot`. */
export function scanActivationSites(actRoot: string): ActivationSite[] {
  const out: ActivationSite[] = [];
  const walk = (dir: string, root: string) => {
    let ents;
    try {
      ents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const files = ents.filter((e) => !e.isDirectory() && isActivationFile(e.name)).map((e) => e.name).sort();
    if (files.length) out.push({ root: root || "/", dir, files });
    for (const e of ents) if (e.isDirectory()) walk(join(dir, e.name), `${root}/${e.name}`);
  };
  walk(actRoot, "");
  return out;
}

/** Remove a project's activation files, then its mirror dirs that became empty (never `actRoot`). */
export function removeActivationSite(actRoot: string, site: ActivationSite): void {
  for (const f of site.files) rmSync(join(site.dir, f), { force: true });
  for (let d = site.dir; d.length > actRoot.length && d.startsWith(actRoot + "/"); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      break; // not empty: another project lives below
    }
  }
}

