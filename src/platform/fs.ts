import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join, basename } from "node:path";

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export const randomId = (n = 6) => randomBytes(n).toString("hex");

/**
 * Write a file so that readers see either the old or the new content, never a part.
 * `fsync: false` skips the flush: on ext4 an fsync can force out every dirty page of the
 * filesystem (after unpacking 150 MB that is most of a second).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { fsync?: boolean; mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomId()}.tmp`);
  const fh = await open(tmp, "w", opts.mode ?? 0o644);
  try {
    if (opts.mode !== undefined) await fh.chmod(opts.mode); // exactly, whatever the umask
    await fh.writeFile(data);
    if (opts.fsync !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Is a process with this pid alive (on this machine)? */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
