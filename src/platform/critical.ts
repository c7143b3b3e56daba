/**
 * Sections that a Ctrl-C (or SIGTERM/SIGHUP) must not cut in half: the signal handlers of the CLI
 * (src/cli/common.ts) run their exit through `whenInterruptible`, which waits for the running
 * section to finish. Used for the few renames that commit an edit of devenv.ts and devenv.lock.
 */
let depth = 0;
let pending: (() => void) | undefined;

export async function uninterruptible<T>(fn: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await fn();
  } finally {
    if (--depth === 0 && pending) {
      const exit = pending;
      pending = undefined;
      exit();
    }
  }
}

/** Run `exit` now, or as soon as the running uninterruptible section is done. */
export function whenInterruptible(exit: () => void): void {
  if (depth > 0) pending = exit;
  else exit();
}
