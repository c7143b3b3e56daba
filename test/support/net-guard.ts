/**
 * Wires test/support/net-guard.cjs into this process and every child it spawns, and reads back
 * the connection attempts it blocked.
 */
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The .cjs is not compiled by tsc: found next to this file (source run) or from dist/test/support/ → ../../../test/support/. */
export const netGuardCjsPath: string = (() => {
  const candidates = [
    fileURLToPath(new URL("./net-guard.cjs", import.meta.url)),
    fileURLToPath(new URL("../../../test/support/net-guard.cjs", import.meta.url)),
  ];
  const hit = candidates.find((p) => existsSync(p));
  if (!hit) throw new Error(`net-guard.cjs not found (looked at ${candidates.join(", ")})`);
  return hit;
})();

/** Where blocked attempts are logged: inherited DEVENV_TEST_NET_LOG, else a per-process file in the temp dir. */
const inheritedLog = process.env.DEVENV_TEST_NET_LOG;
export const netLogPath: string =
  inheritedLog ?? join(tmpdir(), `devenv-test-net-${process.pid}-${Date.now().toString(36)}.log`);
let installed = false;

const quote = (p: string): string => (/[\s"\\]/.test(p) ? `"${p.replace(/(["\\])/g, "\\$1")}"` : p);

/** `--require <net-guard.cjs>`, ready to append to NODE_OPTIONS. */
export const netGuardNodeOption = `--require ${quote(netGuardCjsPath)}`;

/**
 * Idempotent. Sets DEVENV_TEST_NET_LOG and NODE_OPTIONS (appending `--require …net-guard.cjs`) in
 * process.env so spawned children inherit the guard, sets NO_PROXY for loopback so a proxy from the
 * environment is not used for the fake upstream, and patches this process.
 */
export function installNetGuard(): { logPath: string; nodeOptions: string } {
  process.env.DEVENV_TEST_NET_LOG = netLogPath;
  const current = process.env.NODE_OPTIONS ?? "";
  if (!current.includes(netGuardCjsPath)) process.env.NODE_OPTIONS = `${current} ${netGuardNodeOption}`.trim();
  const noProxy = ["127.0.0.1", "localhost", "::1"];
  for (const key of ["NO_PROXY", "no_proxy"]) {
    const have = (process.env[key] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    process.env[key] = [...new Set([...have, ...noProxy])].join(",");
  }
  createRequire(import.meta.url)(netGuardCjsPath);
  if (!installed && inheritedLog === undefined) {
    // This process owns the log: drop it at exit when empty (a non-empty one is kept for debugging).
    process.once("exit", () => {
      try { if (statSync(netLogPath).size === 0) unlinkSync(netLogPath); } catch { /* never created */ }
    });
  }
  installed = true;
  return { logPath: netLogPath, nodeOptions: process.env.NODE_OPTIONS ?? "" };
}

/** Env additions for a child spawned with an explicit `env` (merge into it). */
export function netGuardEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const current = base.NODE_OPTIONS ?? "";
  return {
    DEVENV_TEST_NET_LOG: netLogPath,
    NODE_OPTIONS: current.includes(netGuardCjsPath) ? current : `${current} ${netGuardNodeOption}`.trim(),
  };
}

/** Blocked attempts so far, as `<pid> <host>:<port>` lines. */
export function readNetLog(): string[] {
  if (!existsSync(netLogPath)) return [];
  return readFileSync(netLogPath, "utf8").split("\n").filter(Boolean);
}

export function clearNetLog(): void {
  if (existsSync(netLogPath)) writeFileSync(netLogPath, "");
}

/** Throws if any process (this one or a child) tried to reach a non-loopback host. */
export function assertNoExternalRequests(opts: { clear?: boolean } = {}): void {
  const lines = readNetLog();
  if (opts.clear) clearNetLog();
  if (lines.length > 0) {
    throw new Error(`tests tried to reach the network (${lines.length} blocked connection(s), "<pid> <host>:<port>"):\n  ${lines.join("\n  ")}`);
  }
}
