import { lstatSync, realpathSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import { DevenvError } from "../../errors.js";
import { serializeLock } from "../../lock/format.js";
import type { LockFile } from "../../lock/types.js";
import type { ConfigBundle } from "../../config/inputs.js";
import { uninterruptible } from "../../platform/critical.js";
import { readIfExistsAsync, writeFileAtomic } from "../../platform/fs.js";
import type { AppContext } from "../context.js";
import { allowOwnEdit } from "./trust.js";

/** What an edit of a project read before it started, and what it will write once everything succeeded. */
export interface ProjectEdit {
  root: string;
  /** devenv.ts and devenv.lock as read before the edit (undefined: there was none). */
  configBefore: string | undefined;
  lockBefore: string | undefined;
  config: string;
  lock: LockFile;
  /** The config before the edit (undefined: none) and the edited one, as compiled: what trust is about. */
  prior: ConfigBundle | undefined;
  next: ConfigBundle;
}

/** Where to write `file` so that a symlinked devenv.ts stays a symlink, and the mode it has now. */
function target(file: string): { path: string; mode: number | undefined } {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (!st) return { path: file, mode: undefined };
  const path = st.isSymbolicLink() ? realpathSync(file) : file;
  return { path, mode: lstatSync(path).mode & 0o7777 };
}

/**
 * Write the edit: devenv.ts, then devenv.lock (each by an atomic rename), then the trust record for
 * devenv's own edit. Called after evaluating, locking and installing succeeded, so a failure or a
 * Ctrl-C before it leaves the project exactly as it was; a signal during it waits for it to finish.
 * Refuses (writing nothing) when devenv.ts or devenv.lock changed meanwhile: that edit is the user's.
 */
export async function commitEdit(ctx: AppContext, edit: ProjectEdit, command: string): Promise<void> {
  const configFile = join(edit.root, CONFIG_FILE);
  const lockFile = join(edit.root, LOCK_FILE);
  await uninterruptible(async () => {
    const [config, lock] = await Promise.all([readIfExistsAsync(configFile), readIfExistsAsync(lockFile)]);
    const changed = [config !== edit.configBefore && CONFIG_FILE, lock !== edit.lockBefore && LOCK_FILE].filter(Boolean);
    if (changed.length) {
      throw new DevenvError("CONFIG_EDIT", `${changed.join(" and ")} in ${edit.root} changed while devenv ${command} was running; nothing was written`, {
        hint: `Run 'devenv ${command}' again.`,
      });
    }
    const lockText = serializeLock(edit.lock);
    const cfg = target(configFile);
    const lk = target(lockFile);
    const written: Array<{ path: string; before: string | undefined; mode: number | undefined }> = [];
    try {
      if (edit.config !== edit.configBefore) {
        await writeFileAtomic(cfg.path, edit.config, cfg.mode === undefined ? {} : { mode: cfg.mode });
        written.push({ path: cfg.path, before: edit.configBefore, mode: cfg.mode });
      }
      if (lockText !== edit.lockBefore) await writeFileAtomic(lk.path, lockText, lk.mode === undefined ? {} : { mode: lk.mode });
    } catch (e) {
      // devenv.lock could not be written (a full disk): put devenv.ts back as it was.
      for (const w of written) {
        await (w.before === undefined ? rm(w.path, { force: true }) : writeFileAtomic(w.path, w.before, w.mode === undefined ? {} : { mode: w.mode })).catch(() => {});
      }
      throw e;
    }
    await allowOwnEdit(ctx, edit.root, edit.prior, edit.next);
  });
}
