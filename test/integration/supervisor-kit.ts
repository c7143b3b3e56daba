/**
 * Shared frame of the supervisor tests (supervisor*.test.ts): a temp dir whose path holds a space,
 * small node programs written there (servers that listen late, crashers, a SIGTERM-ignorer, a parent
 * with a grandchild), ProcessSpecs running them as [node, script], free loopback ports, and a driver
 * that runs a Supervisor in a separate node process (so a test can kill -9 it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after } from "node:test";
import { servicePaths, type ServicePaths } from "../../src/services/paths.js";
import { cleanStale } from "../../src/services/stale.js";
import { Supervisor, type SupervisorOptions } from "../../src/services/supervisor.js";
import type { ProcessSpec } from "../../src/services/types.js";
import { pidAlive } from "../../src/platform/fs.js";
import { waitFor } from "../support/wait.js";

export const SCRIPTS: Record<string, string> = {
  // server.js <name> <port> <delayMs> <shared file>: an HTTP server listening after a delay, answering 503 to its first two
  // requests (then 200), saying so; on SIGTERM appends its name to the shared file.
  "server.js": `
const [name, port, delay, shared] = process.argv.slice(2);
const fs = require("node:fs");
console.log(name + " starting");
process.on("SIGTERM", () => { fs.appendFileSync(shared, name + "\\n"); process.exit(0); });
setTimeout(() => {
  let n = 0;
  require("node:http").createServer((q, r) => {
    r.statusCode = n++ < 2 ? 503 : 200;
    console.log(name + " answered " + r.statusCode);
    r.end();
  }).listen(Number(port), "127.0.0.1", () => console.log(name + " listening on " + port));
}, Number(delay));
`,
  // crash.js <name> <code> [runs file]: counts its runs in a file, says so, exits with <code> soon after.
  "crash.js": `
const [name, code, runs] = process.argv.slice(2);
if (runs) require("node:fs").appendFileSync(runs, "run\\n");
console.log(name + " crashing with " + code);
setTimeout(() => process.exit(Number(code)), 50);
`,
  // forever.js <name> [ignore-term] [shared]: runs until killed; may ignore SIGTERM, may note SIGTERM in a shared file.
  "forever.js": `
const [name, mode, shared] = process.argv.slice(2);
process.on("SIGTERM", () => {
  if (shared) require("node:fs").appendFileSync(shared, name + "\\n");
  if (mode !== "ignore-term") process.exit(0);
  console.log(name + " ignores SIGTERM");
});
console.log(name + " up pid " + process.pid);
setInterval(() => {}, 1 << 30);
`,
  // ticker.js <name>: a numbered line every 30 ms, forever.
  "ticker.js": `
const name = process.argv[2];
let n = 0;
setInterval(() => console.log(name + " tick " + n++), 30);
`,
  // leaver.js <pid file>: starts a grandchild in its group, writes its pid, and exits 0 (a daemonising start script).
  "leaver.js": `
const { spawn } = require("node:child_process");
const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
g.unref();
require("node:fs").writeFileSync(process.argv[2], String(g.pid));
console.log("leaving grandchild " + g.pid);
process.exit(0);
`,
  // parent.js <pid file>: starts a grandchild (which ignores nothing) and writes the grandchild's pid.
  "parent.js": `
const { spawn } = require("node:child_process");
const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
require("node:fs").writeFileSync(process.argv[2], String(g.pid));
console.log("parent up, grandchild " + g.pid);
setInterval(() => {}, 1 << 30);
`,
};

/** What the tests of this file started, stopped at the end even when a test failed half-way. */
const kits: SupKit[] = [];
const supervisors: Supervisor[] = [];
const drivers: ChildProcess[] = [];
after(async () => {
  await Promise.all(supervisors.map((s) => s.stop()));
  for (const d of drivers) if (d.exitCode === null && d.signalCode === null) d.kill("SIGKILL");
  await Promise.all(drivers.map((d) => (d.exitCode === null && d.signalCode === null ? new Promise((r) => d.once("exit", r)) : undefined)));
  for (const k of kits) await cleanStale(k.paths);
  for (const k of kits) rmSync(dirname(k.dir), { recursive: true, force: true });
});

/** A Supervisor in this process, stopped at the end of the file's tests whatever happens. */
export function supervisor(opts: SupervisorOptions): Supervisor {
  const s = new Supervisor(opts);
  supervisors.push(s);
  return s;
}

export interface SupKit {
  dir: string;
  paths: ServicePaths;
  script(name: string): string;
  spec(name: string, script: string, args: (string | number)[], more?: Partial<ProcessSpec>): ProcessSpec;
}

export function supKit(label: string): SupKit {
  const dir = join(realpathSync(mkdtempSync(join(tmpdir(), `devenv-sup-${label}-`))), "with space");
  mkdirSync(join(dir, "bin"), { recursive: true });
  for (const [f, text] of Object.entries(SCRIPTS)) writeFileSync(join(dir, "bin", f.replace(/\.js$/, ".cjs")), text);
  const paths = servicePaths(join(dir, "state"), join(dir, "project"));
  const script = (f: string) => join(dir, "bin", f.replace(/\.js$/, ".cjs"));
  const kit: SupKit = {
    dir,
    paths,
    script,
    spec: (name, f, args, more = {}) => ({
      name,
      argv: [process.execPath, script(f), ...args.map(String)],
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      after: [],
      readyTimeoutMs: 10_000,
      restart: "no",
      stop: [{ signal: "SIGTERM", waitMs: 3_000 }],
      ...more,
    }),
  };
  kits.push(kit);
  return kit;
}

/** A port nothing listens on now (the kernel's pick, released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
export const lines = (f: string) => read(f).split("\n").filter(Boolean);

/** Wait until a pid is gone (a zombie of ours counts as gone: check /proc state). */
export async function waitGone(pid: number, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(`${what} (pid ${pid}) to be gone`, () => !pidAlive(pid) || /\) Z /.test(read(`/proc/${pid}/stat`)), timeoutMs);
}

/** The driver: runs a Supervisor in its own node process, as the CLI would (SIGTERM → stop, SIGUSR2 → restart). */
export const driverPath = fileURLToPath(new URL("./supervisor-driver.js", import.meta.url));

export function startDriver(k: SupKit, specs: ProcessSpec[], backoff?: SupervisorOptions["backoff"]): { child: ChildProcess; out: () => string } {
  const specFile = join(k.dir, `specs-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(specFile, JSON.stringify({ paths: k.paths, specs, backoff }));
  const child = spawn(process.execPath, [driverPath, specFile], { stdio: ["ignore", "pipe", "pipe"] });
  drivers.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, out: () => out };
}
