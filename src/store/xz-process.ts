import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PassThrough, type Readable } from "node:stream";

const found = new Map<string, string | null>();

/** An executable `name` on PATH or in the usual system dirs, or null; looked up once per process. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const known = found.get(name);
  if (known !== undefined) return known;
  let hit: string | null = null;
  const dirs = [...(env.PATH ?? "").split(delimiter), "/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin"];
  for (const d of dirs) {
    if (!d.startsWith("/")) continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      hit = join(d, name);
      break;
    } catch {
      /* next */
    }
  }
  found.set(name, hit);
  return hit;
}

/** The system `xz`, if any: about twice as fast as liblzma through N-API, and a separate core. */
export function findXz(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DEVENV_XZ === "builtin") return null;
  return findTool("xz", env);
}

/** The system `zstd`, if any: it checks the frames' content checksums (fzstd does not), on a core of its own. */
export function findZstd(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DEVENV_ZSTD === "builtin") return null;
  return findTool("zstd", env);
}

/** `xz -dc < file` as a readable stream (see decompressProcess). */
export function xzFile(xz: string, file: string): Readable {
  return decompressProcess(xz, ["-dcq", "-T0"], file, ".xz");
}

/**
 * `<tool> <args> < file` as a readable stream of its output: the tool reads the file itself (its
 * stdin is the file). The stream ends only after the tool exited 0 (a failure after its last
 * output byte is still an error, naming `kind`); destroying the stream kills the tool, so a
 * reader that stops (a size limit) stops the decompression too.
 */
export function decompressProcess(tool: string, args: string[], file: string, kind: string): Readable {
  const fd = openSync(file, "r");
  let child;
  try {
    child = spawn(tool, args, { stdio: [fd, "pipe", "pipe"] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  child.stdout!.pipe(out, { end: false });
  let closed = false;
  const name = tool.slice(tool.lastIndexOf("/") + 1);
  child.on("error", (e) => out.destroy(e));
  child.on("close", (code, signal) => {
    closed = true;
    if (out.destroyed) return;
    if (code === 0) out.end();
    else out.destroy(new Error(`${name} failed (${signal ?? `exit ${code}`}): ${firstLine(stderr, name) || `corrupt ${kind} data`}`));
  });
  out.on("close", () => {
    if (!closed) child.kill("SIGKILL");
  });
  return out;
}

/**
 * The first line of a tool's complaint, without its `name: ` prefix and the name it gives its
 * input (`(stdin): `, zstd's `/*stdin*\\ : `); bzip2 adds a page of advice after that line.
 */
function firstLine(stderr: string, name: string): string {
  const line = stderr.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  return line
    .replace(new RegExp(`^(\\S*/)?${name}: `), "")
    .replace(/^(\(stdin\)|\/\*stdin\*\\)\s*:\s*/, "")
    .replace(/;$/, "")
    .trim();
}
