/**
 * `devenv logs -f` and the foreground `up`: follow several log files by polling their sizes, emitting
 * whole lines (a partial line waits for its newline). A file that shrinks was rotated or truncated:
 * read again from its start. A file that does not exist yet is picked up when it appears.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";

export interface FollowEntry {
  name: string;
  file: string;
}

const CHUNK = 64 * 1024;

interface Cursor extends FollowEntry {
  offset: number;
  ino?: number;
  partial: string;
  decoder: StringDecoder;
}

function sizeOf(file: string): { size: number; ino: number } | undefined {
  try {
    const st = statSync(file);
    return { size: st.size, ino: st.ino };
  } catch {
    return undefined;
  }
}

function readFrom(file: string, offset: number, upTo: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(upTo - offset, CHUNK));
    const got = readSync(fd, buf, 0, buf.length, offset);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function poll(c: Cursor, onLine: (name: string, line: string) => void): void {
  const st = sizeOf(c.file);
  if (!st) return;
  if (st.size < c.offset || (c.ino !== undefined && st.ino !== c.ino)) {
    c.offset = 0;
    c.partial = "";
    c.decoder = new StringDecoder("utf8");
  }
  c.ino = st.ino;
  while (c.offset < st.size) {
    let chunk: Buffer;
    try {
      chunk = readFrom(c.file, c.offset, st.size);
    } catch {
      return;
    }
    if (chunk.length === 0) return;
    c.offset += chunk.length;
    const parts = (c.partial + c.decoder.write(chunk)).split("\n");
    c.partial = parts.pop()!;
    for (const line of parts) onLine(c.name, line);
  }
}

/** Follow until `signal` aborts; `fromEnd` starts at each existing file's current end. */
export async function follow(
  entries: FollowEntry[],
  onLine: (name: string, line: string) => void,
  signal: AbortSignal,
  opts: { fromEnd?: boolean; everyMs?: number } = {},
): Promise<void> {
  const cursors: Cursor[] = entries.map((e) => {
    const st = opts.fromEnd ? sizeOf(e.file) : undefined;
    return { ...e, offset: st?.size ?? 0, ...(st ? { ino: st.ino } : {}), partial: "", decoder: new StringDecoder("utf8") };
  });
  while (!signal.aborted) {
    for (const c of cursors) poll(c, onLine);
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, opts.everyMs ?? 100);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
