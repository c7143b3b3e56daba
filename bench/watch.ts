/**
 * `npm run bench -- watch`: the footprint of `devenv watch` with 50 registered projects — resident
 * memory, idle CPU over 10 s, and the time from saving a devenv.ts to its cached activation being
 * rewritten. No peer runs such a watcher without Nix (lorri needs Nix; direnv and mise have none),
 * so the reference is a bare Node process that only waits (`node -e 'setInterval(…)'`).
 * Targets: < 80 MB resident, idle CPU close to zero, an edit reflected within 2 s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { activationsRoot } from "../src/state/activations.js";
import { registerRoot } from "../src/state/roots.js";
import { contentHash, writeTrust } from "../src/state/trust.js";
import { median } from "./markdown.js";

const PROJECTS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : Number.NaN;
}
/** utime + stime of a process, in clock ticks (100/s on Linux). */
function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]);
}
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const config = (n: number, value: string) => `export default { env: { GREETING: "${value}", N: "${n}" } };\n`;

async function waitFor(what: string, fn: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function idleFigures(child: ChildProcess, seconds: number): Promise<{ rss: number; children: number; childRss: number; cpuPct: number }> {
  const pid = child.pid!;
  const t0 = cpuTicks(pid);
  await sleep(seconds * 1000);
  const ticks = cpuTicks(pid) - t0;
  const kids = childrenOf(pid);
  return { rss: rssKb(pid) / 1024, children: kids.length, childRss: kids.reduce((n, k) => n + rssKb(k), 0) / 1024, cpuPct: ticks / seconds };
}

export async function benchWatch(repo: string, runs: number): Promise<string> {
  const work = join(repo, ".bench", "watch");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const home = join(work, "home");
  const state = join(home, "state");
  const env = { PATH: process.env.PATH, HOME: join(work, "userhome"), DEVENV_HOME: home, DEVENV_WATCH_DEBOUNCE_MS: "50" };
  const roots: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const dir = join(work, "projects", `p${i}`);
    mkdirSync(dir, { recursive: true });
    const real = realpathSync(dir);
    const src = config(i, "hi");
    writeFileSync(join(dir, "devenv.ts"), src);
    const lock = `{\n  "lockVersion": 1,\n  "tools": {}\n}\n`;
    writeFileSync(join(dir, "devenv.lock"), lock);
    await writeTrust(state, real, "allow", contentHash(src));
    await registerRoot(state, real, lock);
    roots.push(real);
  }
  const act = activationsRoot(state);
  const current = (root: string) => {
    try {
      return readFileSync(join(act + root, ".devenv.current"), "utf8");
    } catch {
      return "";
    }
  };

  let out = "";
  const child = spawn(process.execPath, [join(repo, "bin/devenv.js"), "watch"], { env, cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const baseline = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)"], { stdio: "ignore" });
  try {
    const t0 = Date.now();
    await waitFor("every project's first activation", () => roots.every((r) => current(r) !== ""), 120_000);
    const catchUp = Date.now() - t0;
    await sleep(2000);
    const idle = await idleFigures(child, 10);
    const base = await idleFigures(baseline, 2);

    const latencies: number[] = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      const root = roots[(i * 7) % PROJECTS]!;
      const src = config(i, `edit${i}`);
      await writeTrust(state, root, "allow", contentHash(src));
      const before = current(root);
      const t = process.hrtime.bigint();
      writeFileSync(join(root, "devenv.ts"), src);
      await waitFor(`the activation of ${root} to change`, () => current(root) !== before, 10_000);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      await sleep(300);
    }
    const after = await idleFigures(child, 3);
    const lat = median(latencies);
    const ok = (b: boolean) => (b ? "met" : "MISSED");
    return [
      `${PROJECTS} registered projects (each devenv.ts sets two variables; no tools, so no downloads are timed), ${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}, Node ${process.version}.`,
      "Resident memory from /proc/<pid>/status (VmRSS) after the first activations and 2 s of quiet, with that of any child process it has then (refreshes run in a child `devenv watch-refresh`, which exits when done); idle CPU = utime+stime over the next 10 s.",
      `The edit is timed from writing devenv.ts (already allowed) to the project's \`.devenv.current\` naming a new generation (debounce 50 ms here; 300 ms by default), a child process start included; median of ${latencies.length}.`,
      "No peer has a watcher to compare with (lorri needs Nix; direnv and mise have none): the reference is a bare `node -e 'setInterval(…)'`.",
      "",
      "| figure | devenv watch | bare node | target |",
      "|---|---|---|---|",
      `| resident memory, idle (MB) | ${(idle.rss + idle.childRss).toFixed(1)} (${idle.children} child processes) | ${base.rss.toFixed(1)} | < 80 (${ok(idle.rss + idle.childRss < 80)}) |`,
      `| resident after ${latencies.length} edits (MB) | ${(after.rss + after.childRss).toFixed(1)} (${after.children} child processes) | – | < 80 (${ok(after.rss + after.childRss < 80)}) |`,
      `| idle CPU (% of one core, 10 s) | ${idle.cpuPct.toFixed(2)} | ${base.cpuPct.toFixed(2)} | ≈ 0 (${ok(idle.cpuPct < 0.5)}) |`,
      `| first activation of all ${PROJECTS} projects at start | ${catchUp} ms | – | – |`,
      `| edit → activation rewritten (median ms) | ${lat.toFixed(0)} | – | < 2000 (${ok(lat < 2000)}) |`,
    ].join("\n");
  } catch (e) {
    process.stderr.write(`watcher output:\n${out}\n`);
    throw e;
  } finally {
    child.kill("SIGTERM");
    baseline.kill();
    await sleep(200);
    rmSync(work, { recursive: true, force: true });
  }
}
