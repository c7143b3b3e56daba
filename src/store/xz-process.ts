import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PassThrough, type Readable } from "node:stream";

let cached: string | null | undefined;

/** The system `xz`, if any: about twice as fast as liblzma through N-API, and a separate core. */
export function findXz(env: NodeJS.ProcessEnv = process.env): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (env.DEVENV_XZ === "builtin") return cached;
  const dirs = [...(env.PATH ?? "").split(delimiter), "/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin"];
  for (const d of dirs) {
    if (!d.startsWith("/")) continue;
    try {
      accessSync(join(d, "xz"), constants.X_OK);
      cached = join(d, "xz");
      break;
    } catch {
      /* next */
    }
  }
  return cached;
}

/**
 * `xz -dc < file` as a readable stream of the tar bytes: xz reads the file itself (its stdin is
 * the file). The stream ends only after xz exited 0 (a failure after its last output byte is still
 * an error); destroying the stream kills xz.
 */
export function xzFile(xz: string, file: string): Readable {
  const fd = openSync(file, "r");
  let child;
  try {
    child = spawn(xz, ["-dcq", "-T0"], { stdio: [fd, "pipe", "pipe"] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  child.stdout!.pipe(out, { end: false });
  let closed = false;
  child.on("error", (e) => out.destroy(e));
  child.on("close", (code, signal) => {
    closed = true;
    if (out.destroyed) return;
    if (code === 0) out.end();
    else out.destroy(new Error(`xz failed (${signal ?? `exit ${code}`}): ${stderr.trim() || "corrupt .xz data"}`));
  });
  out.on("close", () => {
    if (!closed) child.kill("SIGKILL");
  });
  return out;
}
