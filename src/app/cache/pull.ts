/**
 * Pull: the installer's BlobSource over a team's cache. A miss, a cache that refuses (401/403) or is
 * down means the upstream, with one line; after a failure that is not a miss the cache is not asked
 * again in this run (20 tools must not each wait for a dead registry). Bytes that do not verify
 * are reported loudly; the installer then uses the upstream copy.
 */
import { CacheError } from "../../cache/errors.js";
import type { BlobStore } from "../../cache/types.js";
import { redactUrl } from "../../errors.js";
import type { Reporter } from "../../reporter.js";
import type { BlobSource } from "../../store/blob-source.js";

export interface PullStats {
  hits: number;
  misses: number;
  rejected: number;
  /** Why the cache stopped being asked, if it did. */
  gaveUp: string | undefined;
}

export function pullSource(store: BlobStore, reporter: Reporter, opts: { local: boolean }): BlobSource & { stats: PullStats } {
  const stats: PullStats = { hits: 0, misses: 0, rejected: 0, gaveUp: undefined };
  let first: Promise<void> | undefined;
  const ask = async (file: { sha256: string; url: string }, label: string) => {
    if (stats.gaveUp !== undefined) return undefined;
    try {
      const blob = await store.openBlob(file.sha256);
      if (!blob) {
        stats.misses++;
        reporter.info(`${label}: not in the cache ${store.where}; downloading ${redactUrl(file.url)}`);
        return undefined;
      }
      stats.hits++;
      return blob;
    } catch (e) {
      if (!(e instanceof CacheError)) throw e;
      if (stats.gaveUp === undefined) {
        // The error names the cache itself ("cache oci://… is unreachable: …"): said once.
        const own = `cache ${store.where} `;
        const why = e.message.startsWith(own) ? `the ${e.message}` : `the cache ${store.where}: ${e.message}`;
        reporter.warn(`${why}; not used in this run, downloading from the upstreams`);
      }
      stats.gaveUp ??= e.message;
      return undefined;
    }
  };
  return {
    local: opts.local,
    stats,
    async open(file, label) {
      // The first request goes alone: if the cache is dead, parallel installs must not each wait
      // for it (and each say so); they go upstream as soon as the first one knows.
      if (first) {
        await first;
        return ask(file, label);
      }
      let release!: () => void;
      first = new Promise<void>((r) => (release = r));
      try {
        return await ask(file, label);
      } finally {
        release();
      }
    },
    rejected(file, label, error) {
      const where = store.where;
      stats.hits--;
      stats.rejected++;
      if ((error as { code?: string }).code === "CHECKSUM_MISMATCH") {
        reporter.warn(
          `${label}: REFUSED the copy from the cache ${where}: ${error.message}. Its bytes are not what devenv.lock pins: the cache was tampered with or damaged; tell whoever runs it. Installing the upstream copy of ${redactUrl(file.url)} instead.`,
        );
      } else {
        // Broke off (the registry went away mid-body): not the bytes' fault; not asked again this run.
        stats.gaveUp ??= error.message;
        reporter.warn(`${label}: the cache ${where} broke off (${error.message}); downloading ${redactUrl(file.url)}`);
      }
    },
  };
}
