/** Run the built `devenv` binary as a user would, with an isolated DEVENV_HOME and the net guard. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { netGuardEnv } from "../support/net-guard.js";

export const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");
export const devenvBin = join(repoRoot, "bin/devenv.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<RunResult>;
  storeEntries(): string[];
  /** Write devenv.ts (in the project or `dir`) and allow it, as a user would after reading it. */
  writeConfig(source: string, dir?: string): Promise<void>;
}

export function sandbox(mirrors: string, extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const base = mkdtempSync(join(tmpdir(), "devenv-cli-"));
  const home = join(base, "home");
  const project = join(base, "project");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(base, "userhome"),
    LANG: "C.UTF-8",
    DEVENV_HOME: home,
    DEVENV_MIRRORS: mirrors,
    DEVENV_HTTP_BACKOFF_MS: "5",
    NO_PROXY: "127.0.0.1,localhost,::1",
    ...netGuardEnv(process.env),
    ...extraEnv,
  };
  return {
    home,
    project,
    env,
    run(args, opts = {}) {
      return runDevenv(args, { cwd: opts.cwd ?? project, env: { ...env, ...opts.env }, ...(opts.input ? { input: opts.input } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    },
    async writeConfig(source, dir = project) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "devenv.ts"), source);
      await writeTrust(join(home, "state"), realpathSync(dir), "allow", contentHash(source));
    },
    storeEntries() {
      try {
        return readdirSync(join(home, "store")).filter((n) => !n.startsWith(".")).sort();
      } catch {
        return [];
      }
    },
  };
}

/** Fails showing the command's output unless it exited 0. */
export function assertOk(r: RunResult): void {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** Longest a devenv command may run in a test before it is killed and the test fails (a hang is a bug). */
export const RUN_TIMEOUT_MS = 300_000;

/** Async on purpose: the fake upstream runs in this process and must keep serving. */
export function runDevenv(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; bin?: string }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? devenvBin, ...args], { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`devenv ${args.join(" ")} still running after ${(opts.timeoutMs ?? RUN_TIMEOUT_MS) / 1000} s: killed\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? RUN_TIMEOUT_MS);
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}
