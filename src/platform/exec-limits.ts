import { readFileSync } from "node:fs";
import type { ExecLimits } from "../env/limits.js";

const KIB = 1024;

/**
 * The exec limits of this machine. Linux (fs/exec.c): one string may not pass 32 pages
 * (MAX_ARG_STRLEN, 128 KiB); all strings and pointers together may not pass a quarter of the
 * stack limit, capped at 6 MiB and at least 128 KiB. macOS: ARG_MAX is 1 MiB, no per-string limit.
 */
export function execLimits(): ExecLimits {
  if (process.platform !== "linux") return { perString: undefined, total: 1024 * KIB };
  let stack = 8192 * KIB;
  try {
    const line = /^Max stack size\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (line) stack = line[1] === "unlimited" ? Infinity : Number(line[1]) || stack;
  } catch {
    /* no /proc: the usual 8 MiB */
  }
  return { perString: 128 * KIB, total: Math.max(Math.min(stack / 4, 6144 * KIB), 128 * KIB) };
}
