/**
 * Run bin/devenv, the POSIX sh launcher users get on PATH, as a script does, and tell whether it
 * answered on its own or started the Node CLI: `node` is found through a wrapper dir first on PATH
 * that notes each start in a file (the fall-through runs bin/devenv.js through `#!/usr/bin/env node`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, RUN_TIMEOUT_MS, type RunResult, type Sandbox } from "../helpers/cli.js";

export const launcherBin = join(repoRoot, "bin/devenv");

export interface LaunchResult extends RunResult {
  /** Did the Node CLI start? */
  node: boolean;
}

export interface LaunchOptions {
  cwd?: string;
  /** Added to (or, undefined values, removed from) the sandbox's environment. */
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Run bin/devenv.js, the Node CLI, instead: the result to compare with. */
  node?: boolean;
  /** Run the launcher with this shell (e.g. ["mksh"]) instead of its #!/bin/sh. */
  shell?: string[];
  /** Called with the launcher's process once it runs (to send it a signal). */
  started?: (pid: number) => void;
}

export interface Launcher {
  run(args: string[], opts?: LaunchOptions): Promise<LaunchResult>;
  /** The environment a run starts from (PATH with the wrapper dir first). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

export function launcher(sb: Sandbox): Launcher {
  const dir = mkdtempSync(join(tmpdir(), "devenv-launcher-"));
  const wrap = join(dir, "bin");
  const mark = join(dir, "node-started");
  mkdirSync(wrap);
  writeFileSync(join(wrap, "node"), `#!/bin/sh\n: >'${mark}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...sb.env, PATH: `${wrap}:${sb.env.PATH}`, ...extra };
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete e[k];
    return e;
  };
  return {
    env,
    run(args, opts = {}) {
      rmSync(mark, { force: true });
      const e = env(opts.env);
      return new Promise((resolve, reject) => {
        const [file, ...pre] = opts.node ? [join(repoRoot, "bin/devenv.js")] : [...(opts.shell ?? []), launcherBin];
        const child = spawn(file!, [...pre, ...args], { cwd: opts.cwd ?? sb.project, env: e, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`devenv ${args.join(" ")} still running: killed\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, RUN_TIMEOUT_MS);
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("spawn", () => opts.started?.(child.pid!));
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr, node: existsSync(mark) });
        });
        child.stdin.on("error", () => {});
        child.stdin.end(opts.input ?? "");
      });
    },
  };
}
