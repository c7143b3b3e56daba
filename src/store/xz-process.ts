import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { Duplex } from "node:stream";

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

/** `xz -dc` as a Duplex stream: compressed bytes in, tar bytes out; a non-zero exit is an error. */
export function xzProcess(xz: string): Duplex {
  const child = spawn(xz, ["-dcq", "-T0"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const duplex = Duplex.from({ writable: child.stdin, readable: child.stdout });
  child.on("error", (e) => duplex.destroy(e));
  child.on("exit", (code, signal) => {
    if (code !== 0 && !duplex.destroyed) duplex.destroy(new Error(`xz failed (${signal ?? `exit ${code}`}): ${stderr.trim() || "corrupt .xz data"}`));
  });
  // An EPIPE when the pipeline is torn down early is expected.
  child.stdin.on("error", () => {});
  duplex.on("close", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return duplex;
}
