/**
 * Record in devenv.lock the sha256 of integrity-anchored files (lock/computed-sha256.ts) that devenv
 * downloaded and verified: an install does it for this platform's files (syncProject), `devenv cache
 * push` for the other platforms' files it fetched and checked itself.
 */
import { withComputedSha256, type ComputedSha256 } from "../../lock/computed-sha256.js";
import { uninterruptible } from "../../platform/critical.js";
import { readLock, writeLock } from "./load.js";

/**
 * Read devenv.lock again (it may have changed while the files were downloading), add the sha256 of
 * the files whose url and integrity match and that record none, and write it (one atomic rename, not
 * cut by a Ctrl-C) if that changed its bytes. Returns whether it wrote. A devenv.lock that is gone
 * stays gone; one that no longer parses is refused as every command refuses it (LOCK_INVALID).
 */
export async function recordSha256(root: string, found: readonly ComputedSha256[]): Promise<boolean> {
  if (!found.length) return false;
  return uninterruptible(async () => {
    const { lock, text } = await readLock(root);
    if (text === undefined) return false;
    const amended = withComputedSha256(lock, found);
    return amended !== lock && (await writeLock(root, amended, text));
  });
}
