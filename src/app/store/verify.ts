/**
 * `devenv store verify`: re-hash installed entries against their receipts; with `--repair`, move
 * the modified ones aside (under the gc lock, as gc does) and reinstall them through the normal
 * install path of each project whose devenv.lock references them.
 */
import { renameSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { randomId } from "../../platform/fs.js";
import { entryHash, entryLabel, listEntries, TRASH_PREFIX, type StoreEntry } from "../../store/entries.js";
import { acquireGcLock } from "../../store/gc-lock.js";
import { readReceipt } from "../../store/receipt.js";
import { removeUsed } from "../../store/usage.js";
import { entryOk, verifyEntry, type EntryCheck } from "../../store/verify.js";
import { prepareProject } from "../activation/prepare.js";
import { createContext, type AppContext } from "../context.js";
import { collectReferences } from "../gc/references.js";

export interface VerifiedEntry {
  /** The entry's directory name. */
  entry: string;
  tool: string;
  version: string;
  dir: string;
  ok: boolean;
  /** Undefined when the entry has no readable receipt (see `problem`). */
  check: EntryCheck | undefined;
  problem?: string;
}

export interface VerifyReport {
  entries: VerifiedEntry[];
}

/** Tool and version of an entry: from its receipt, else guessed from `<hash>-<tool>-<version>`. */
function describe(e: StoreEntry): { tool: string; version: string } {
  if (e.receipt) return { tool: e.receipt.name, version: e.receipt.version };
  return { tool: entryLabel(e.name), version: "" };
}

/** Does a selector (tool, tool@version, tool@major[.minor], entry directory name) pick this entry? */
function matches(sel: string, e: StoreEntry): boolean {
  if (sel === e.name) return true;
  const at = sel.lastIndexOf("@");
  const tool = at > 0 ? sel.slice(0, at) : sel;
  const version = at > 0 ? sel.slice(at + 1) : undefined;
  if (!e.receipt) return version === undefined && entryLabel(e.name).startsWith(`${tool}-`);
  if (e.receipt.name !== tool) return false;
  return version === undefined || e.receipt.version === version || e.receipt.version.startsWith(`${version}.`);
}

/** The entries `select` names (all without it); a selector that matches nothing is a usage error. */
export function selectEntries(entries: StoreEntry[], select: string[] | undefined): StoreEntry[] {
  if (!select?.length) return entries;
  const picked = new Set<string>();
  for (const sel of select) {
    const hit = entries.filter((e) => matches(sel, e));
    if (!hit.length) {
      const have = [...new Set(entries.map((e) => `${describe(e).tool}@${describe(e).version}`.replace(/@$/, "")))];
      throw new DevenvError("USAGE", `no store entry matches '${sel}'`, {
        hint: have.length
          ? `Installed: ${have.slice(0, 12).join(", ")}${have.length > 12 ? ", …" : ""}. Name a tool, tool@version or an entry directory ('devenv store ls' lists them).`
          : "The store is empty: nothing is installed.",
      });
    }
    for (const e of hit) picked.add(e.name);
  }
  return entries.filter((e) => picked.has(e.name));
}

export function verifyStore(ctx: AppContext, select?: string[]): VerifyReport {
  const entries = selectEntries(listEntries(ctx.dirs.store), select);
  return {
    entries: entries.map((e) => {
      const { tool, version } = describe(e);
      const base = { entry: e.name, tool, version, dir: e.dir };
      if (!e.receipt) {
        return { ...base, ok: false, check: undefined, problem: `no readable receipt (${e.dir}/.devenv-receipt.json)` };
      }
      const check = verifyEntry(e.dir, e.receipt);
      return { ...base, ok: entryOk(check), check };
    }),
  };
}

export interface RepairResult {
  entry: string;
  tool: string;
  version: string;
  /** reinstalled: by `project`; removed: no project's devenv.lock references it; failed: see message/hint. */
  outcome: "reinstalled" | "removed" | "failed";
  project?: string;
  message?: string;
  hint?: string;
}

/**
 * Move the entries aside (under the gc lock, so no gc or install sees half of one), delete them,
 * then reinstall each through the projects whose devenv.lock references it. A project that fails
 * (not allowed, offline, lock out of date) does not stop the others.
 */
export async function repairEntries(ctx: AppContext, entryNames: string[]): Promise<RepairResult[]> {
  const store = ctx.dirs.store;
  const wanted = new Set(entryNames);
  const info = new Map<string, { tool: string; version: string }>();
  for (const e of listEntries(store)) if (wanted.has(e.name)) info.set(e.name, describe(e));
  const results = new Map<string, RepairResult>();
  for (const name of entryNames) {
    const d = info.get(name) ?? { tool: entryLabel(name), version: "" };
    results.set(name, { entry: name, ...d, outcome: "failed" });
  }
  if (!entryNames.length) return [];

  await mkdir(store, { recursive: true });
  const lock = await acquireGcLock(store, () => ctx.reporter.info("waiting for 'devenv gc' to finish"));
  const trash = join(store, `${TRASH_PREFIX}${process.pid}-${randomId(4)}`);
  let byLock: Map<string, Set<string>>;
  try {
    byLock = collectReferences(ctx, { dryRun: true }).byLock;
    await mkdir(trash);
    for (const name of entryNames) {
      try {
        renameSync(join(store, name), join(trash, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      const hash = entryHash(name);
      if (hash) removeUsed(store, hash);
    }
  } finally {
    await lock.release();
  }
  await rm(trash, { recursive: true, force: true, maxRetries: 3 });

  // Each project once, in path order; a project is skipped once everything it would bring back is back.
  const projects = new Map<string, string[]>();
  for (const name of entryNames) {
    for (const p of byLock.get(name) ?? []) projects.set(p, [...(projects.get(p) ?? []), name]);
  }
  const reinstalled = (name: string) => readReceipt(join(store, name)) !== undefined;
  for (const [project, names] of [...projects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (names.every((n) => results.get(n)!.outcome === "reinstalled")) continue;
    ctx.reporter.info(`reinstalling ${names.map((n) => results.get(n)!.tool).join(", ")} for ${project}`);
    try {
      const projectCtx = createContext({ cwd: project, env: ctx.env, offline: ctx.offline, reporter: ctx.reporter });
      await prepareProject(projectCtx, { frozen: true });
      for (const n of names) {
        const r = results.get(n)!;
        if (r.outcome === "reinstalled") continue;
        if (reinstalled(n)) {
          r.outcome = "reinstalled";
          r.project = project;
          delete r.message;
          delete r.hint;
        } else if (r.message === undefined) {
          r.project = project;
          r.message = `${project}: installing its devenv.lock did not bring this entry back`;
        }
      }
    } catch (e) {
      const err = e instanceof DevenvError ? e : undefined;
      for (const n of names) {
        const r = results.get(n)!;
        if (r.outcome === "reinstalled" || r.message !== undefined) continue;
        r.project = project;
        const msg = (e as Error).message;
        r.message = msg.includes(project) ? msg : `${project}: ${msg}`;
        if (err?.hint) r.hint = err.hint;
      }
    }
  }
  for (const [name, r] of results) {
    if (!byLock.get(name)?.size) r.outcome = "removed";
  }
  return entryNames.map((n) => results.get(n)!);
}

