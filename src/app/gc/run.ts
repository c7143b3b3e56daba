/**
 * `devenv gc`: remove the store entries no live project references, and the leftovers (temp dirs
 * of interrupted installs, trash of an interrupted gc, stale version lists and compiled configs,
 * cached activations of deleted projects, values the shell hooks kept out of DEVENV_STATE that no
 * shell can still need). Entries are moved aside while the gc lock is held,
 * then deleted: an interrupted gc leaves no half-deleted entry where installs look.
 * Service data (`<state>/projects/…/.services`) is only listed, unless `removeServiceData` (see
 * service-data.ts); nothing else under `<state>/projects` is ever touched.
 */
import { readdirSync, renameSync, statSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { DevenvError } from "../../errors.js";
import { pidAlive, randomId } from "../../platform/fs.js";
import { activationsRoot, removeActivationSite } from "../../state/activations.js";
import { staleHookValues } from "../../state/hook-values.js";
import { scanRoots } from "../../state/roots.js";
import { entryLabel, entrySize, listEntries, listScratch, TRASH_PREFIX, treeSize, type StoreEntry } from "../../store/entries.js";
import { acquireGcLock, heldInstallLocks, readPins } from "../../store/gc-lock.js";
import { readReceipt } from "../../store/receipt.js";
import { removeDeadLocks } from "../../store/temp.js";
import { readUsed, removeUsed } from "../../store/usage.js";
import type { AppContext } from "../context.js";
import { planGc, type KeepReason } from "./plan.js";
import { collectReferences } from "./references.js";
import { sweepServiceData, type ServiceDataEntry } from "./service-data.js";

/** Version lists and compiled configs not refreshed for this long are removed. */
export const STALE_CACHE_MS = 30 * 86_400_000;

export interface GcOptions {
  dryRun?: boolean;
  /** Drop roots gc cannot judge (unreadable records, projects it cannot look at) instead of stopping. */
  forget?: boolean;
  /** Keep unreferenced entries used within this many ms. */
  olderThanMs?: number;
  /** Delete the service data of projects that no longer exist (listed either way). */
  removeServiceData?: boolean;
  now?: number;
}

export interface RemovedEntry {
  entry: string;
  tool: string;
  version: string;
  platform: string | undefined;
  size: number;
  lastUsed: string | undefined;
  /** "unused", or "incomplete" for a directory without a receipt. */
  reason: "unused" | "incomplete";
}

export type LeftoverKind = "temp" | "trash" | "version-list" | "compiled-config" | "activation" | "hook-value";

export interface Leftover {
  kind: LeftoverKind;
  path: string;
  size: number;
}

export interface GcReport {
  dryRun: boolean;
  removed: RemovedEntry[];
  leftovers: Leftover[];
  /** Bytes freed (or, with dryRun, that would be). */
  freed: number;
  kept: { entries: number; locked: number; active: number; pinned: number; installing: number; recent: number; temporary: number };
  /** Projects no longer registered (directory or devenv.lock gone). */
  droppedRoots: string[];
  /** Projects whose devenv.lock could not be read; what they last used was kept. */
  unreadableLocks: Array<{ path: string; reason: string }>;
  /** Every entry kept, why, and (for a lock or an active shell) which projects keep it. */
  keptEntries: Array<{ entry: string; reason: KeepReason; by: string[] }>;
  /** Roots dropped by `forget` that gc could not judge. */
  forgotten: Array<{ file: string; path?: string; reason: string }>;
  /** Service data of projects that no longer exist (or gc cannot identify): kept unless asked. */
  serviceData: ServiceDataEntry[];
}

function unjudgedRoots(broken: ReadonlyArray<{ file: string; path?: string; reason: string }>): DevenvError {
  const lines = broken.map((b) => (b.path ? `${b.path}: cannot be looked at (${b.reason}); its record: ${b.file}` : `${b.file}: unreadable gc root (${b.reason})`));
  return new DevenvError("ROOT_UNREADABLE", `gc cannot tell what ${broken.length === 1 ? "a project" : `${broken.length} projects`} still use${broken.length === 1 ? "s" : ""}, so it removed nothing:\n  - ${lines.join("\n  - ")}`, {
    hint: "Make the project readable (mount its disk, fix its permissions) and run 'devenv gc' again; or, if it is gone for good, 'devenv gc --forget-unreadable' drops these records and collects what only they kept.",
  });
}

export async function runGc(ctx: AppContext, opts: GcOptions = {}): Promise<GcReport> {
  const store = ctx.dirs.store;
  const dryRun = opts.dryRun ?? false;
  const now = opts.now ?? Date.now();
  await mkdir(store, { recursive: true });
  const lock = await acquireGcLock(store, () => ctx.reporter.info("waiting for another 'devenv gc' to finish"));
  let trash: string | undefined;
  let report: GcReport;
  try {
    // Pins first: a process pinning after this point waits for the lock we hold.
    const pinned = readPins(store, { dryRun });
    // What a root protects must be known before anything is deleted: an unreadable record or a
    // project that cannot be looked at (an unmounted home) stops the sweep, as pnpm's prune does.
    const forgotten = opts.forget ? scanRoots(ctx.dirs.state, { dryRun: true }).broken : [];
    const refs = collectReferences(ctx, { dryRun, forget: opts.forget ?? false });
    if (refs.broken.length) throw unjudgedRoots(refs.broken);
    const installing = heldInstallLocks(store);
    const used = readUsed(store);
    const entries = listEntries(store, { receipts: false });
    const receipts = new Map<string, StoreEntry>();
    const withReceipt = (e: StoreEntry) => {
      let r = receipts.get(e.name);
      if (!r) receipts.set(e.name, (r = { ...e, receipt: readReceipt(e.dir) }));
      return r;
    };
    const lastUsedOf = (e: StoreEntry) => {
      const stamp = used.get(e.hash);
      if (stamp !== undefined) return stamp;
      const at = Date.parse(withReceipt(e).receipt?.installedAt ?? "");
      return Number.isNaN(at) ? undefined : at;
    };
    const plan = planGc({
      entries: entries.map((e) => ({ name: e.name, hash: e.hash, lastUsed: opts.olderThanMs !== undefined ? lastUsedOf(e) : undefined })),
      byLock: refs.byLock,
      byActivation: refs.byActivation,
      pinned,
      installing,
      now,
      olderThanMs: opts.olderThanMs,
      temporary: readUsed(store, true),
    });
    const byName = new Map(entries.map((e) => [e.name, e]));
    const removed: RemovedEntry[] = plan.remove.map((c) => {
      const e = withReceipt(byName.get(c.name)!);
      const last = used.get(e.hash) ?? Date.parse(e.receipt?.installedAt ?? "");
      return {
        entry: e.name,
        tool: e.receipt?.name ?? entryLabel(e.name),
        version: e.receipt?.version ?? "",
        platform: e.receipt?.platform,
        size: entrySize(e),
        lastUsed: Number.isNaN(last) ? undefined : new Date(last).toISOString(),
        reason: e.receipt ? "unused" : "incomplete",
      };
    });
    const leftovers = findLeftovers(ctx, now);
    for (const site of refs.staleSites) leftovers.push({ kind: "activation", path: site.root, size: 0 });

    if (!dryRun && removed.length) {
      trash = join(store, `${TRASH_PREFIX}${process.pid}-${randomId(4)}`);
      await mkdir(trash);
      for (const r of removed) {
        renameSync(join(store, r.entry), join(trash, r.entry));
        removeUsed(store, byName.get(r.entry)!.hash);
      }
    }
    if (!dryRun) {
      const act = activationsRoot(ctx.dirs.state);
      for (const site of refs.staleSites) removeActivationSite(act, site);
      removeOrphanStamps(store, new Set(entries.map((e) => e.hash)), used);
    }
    const count = (r: string) => plan.keep.filter((k) => k.reason === r).length;
    report = {
      dryRun,
      removed: removed.sort((a, b) => (a.tool + "\0" + a.version < b.tool + "\0" + b.version ? -1 : 1)),
      leftovers,
      freed: removed.reduce((n, r) => n + r.size, 0) + leftovers.reduce((n, l) => n + l.size, 0),
      kept: {
        entries: plan.keep.length, locked: count("locked"), active: count("active"), pinned: count("pinned"),
        installing: count("installing"), recent: count("recent"), temporary: count("temporary"),
      },
      droppedRoots: refs.dropped.map((r) => r.path),
      unreadableLocks: refs.unreadable,
      keptEntries: plan.keep
        .map((k) => ({ entry: k.name, reason: k.reason, by: [...((k.reason === "locked" ? refs.byLock : refs.byActivation).get(k.name) ?? [])].sort() }))
        .sort((a, b) => (entryLabel(a.entry) < entryLabel(b.entry) ? -1 : 1)),
      forgotten,
      serviceData: [],
    };
  } finally {
    await lock.release();
  }
  // Deleting can take a while (a toolchain is tens of thousands of files): installs need not wait for it.
  if (!dryRun) {
    if (trash) await rm(trash, { recursive: true, force: true, maxRetries: 3 });
    for (const l of report.leftovers) if (l.kind !== "activation") await rm(l.path, { recursive: true, force: true, maxRetries: 3 });
    await removeDeadLocks(store);
  }
  report.serviceData = await sweepServiceData(ctx.dirs.state, { remove: opts.removeServiceData ?? false, dryRun });
  return report;
}

/**
 * Temp dirs and gc trash of dead processes; version lists and compiled configs older than
 * STALE_CACHE_MS; the hooks' value files no shell can still need (see staleHookValues).
 */
function findLeftovers(ctx: AppContext, now: number): Leftover[] {
  const out: Leftover[] = [];
  for (const s of listScratch(ctx.dirs.store)) {
    if (s.pid === process.pid || pidAlive(s.pid)) continue;
    out.push({ kind: s.kind, path: s.dir, size: treeSize(s.dir) });
  }
  // resolved/: what `devenv x` resolved a tool@range to (app/temporary/resolved.ts), a version list of one.
  for (const [sub, kind] of [["versions", "version-list"], ["resolved", "version-list"], ["config-js", "compiled-config"]] as const) {
    const dir = join(ctx.dirs.cache, sub);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      try {
        const st = statSync(join(dir, name));
        if (st.isFile() && now - st.mtimeMs > STALE_CACHE_MS) out.push({ kind, path: join(dir, name), size: st.size });
      } catch {
        /* removed meanwhile */
      }
    }
  }
  for (const v of staleHookValues(ctx.dirs.state, activationsRoot(ctx.dirs.state), now)) out.push({ kind: "hook-value", ...v });
  return out;
}

/** Last-use stamps of entries that are no longer in the store. */
function removeOrphanStamps(store: string, present: Set<string>, used: Map<string, number>): void {
  for (const hash of new Set([...used.keys(), ...readUsed(store, true).keys()])) if (!present.has(hash)) removeUsed(store, hash);
}
