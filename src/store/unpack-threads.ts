import { availableParallelism } from "node:os";
import { DevenvError } from "../errors.js";

/** A tar whose download is at least this big is written by worker threads (below, starting them costs more than it saves). */
export const THREADED_FROM = 4 << 20;

/**
 * How many worker threads write a tar of `bytes` (compressed): DEVENV_UNPACK_THREADS if set ("0":
 * none, in the installing thread), else none for a small archive and 2 for a large one (the tree's
 * files are created in two directories at a time, beside the parsing and the decompression).
 */
export function unpackThreads(bytes: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEVENV_UNPACK_THREADS?.trim();
  if (raw !== undefined && raw !== "") {
    if (!/^\d{1,2}$/.test(raw) || Number(raw) > 16) {
      throw new DevenvError("USAGE", `DEVENV_UNPACK_THREADS: '${raw}' is not a number of threads from 0 to 16`, {
        hint: "Unset it (devenv picks), or give 0 (unpack in the installing thread) to 16.",
      });
    }
    return Number(raw);
  }
  return bytes >= THREADED_FROM ? Math.min(2, Math.max(1, availableParallelism())) : 0;
}
