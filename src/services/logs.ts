/**
 * A process's log: its stdout and stderr go straight to `logs/<name>.log`, through a descriptor
 * opened for append and given to the child as its stdio. No pipe passes through the supervisor, so a
 * child never dies of a broken pipe when the supervisor is killed. Rotated when a run starts.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";

export const ROTATE_BYTES = 10 * 1024 * 1024;

/** Keep one old log (`<file>.1`) when the log has grown past `limit`. */
export function rotateIfLarge(file: string, limit = ROTATE_BYTES): boolean {
  try {
    if (statSync(file).size <= limit) return false;
  } catch {
    return false;
  }
  renameSync(file, `${file}.1`);
  return true;
}

/** A descriptor for the child's stdout and stderr (the caller closes it once the child has it). */
export function openLogFd(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  rotateIfLarge(file);
  return openSync(file, "a", 0o644);
}

/** A line from devenv itself (prepare's output, "started", "exited") into the process's log. */
export function appendLogLine(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, line.endsWith("\n") ? line : `${line}\n`);
}

/** The last `n` lines of a file, reading at most `maxBytes` from its end ([] when there is none). */
export function lastLines(file: string, n: number, maxBytes = 64 * 1024): string[] {
  if (n <= 0) return [];
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return [];
  }
  try {
    const size = statSync(file).size;
    // One byte more than the bound when the file is larger: was the first line cut, or is it whole?
    const len = Math.min(size, maxBytes + 1);
    const buf = Buffer.alloc(len);
    const got = readSync(fd, buf, 0, len, size - len);
    let lines = buf.subarray(0, got).toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    if (len < size) lines = lines.slice(1); // cut, or empty when the extra byte was the newline before a whole line
    return lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}
