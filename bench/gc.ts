/**
 * `npm run bench -- gc`: devenv gc over 2,000 store entries and 200 registered projects (each
 * locking 5 tools; 1,000 entries used by no one), against `mise prune` over the same shape
 * (2,000 installed versions, 200 tracked configs) and a bare `rm -rf` of the 1,000 unused dirs.
 * Target: devenv gc ≤ 2 s. Median of N runs; each run starts from a freshly built fixture.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGcFixture } from "../test/support/gc-fixture.js";
import { findMise } from "./projects.js";
import { median } from "./markdown.js";

const SHAPE = { entries: 2000, roots: 200, perRoot: 5, referenced: 1000 };
const TARGET_MS = 2000;

function timed(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    let err = "";
    const child = spawn(file, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${err}`)),
    );
  });
}

const count = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith(".")).length;

function check(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: ${got} left, expected ${want}`);
}

/** mise's layout for the same shape: installs/node/<v>/{bin/a,bin/b,README}, one trusted+tracked mise.toml per project. */
function buildMiseFixture(base: string, mise: string): { env: NodeJS.ProcessEnv; installs: string } {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: join(base, "home"), MISE_DATA_DIR: join(base, "data"), MISE_STATE_DIR: join(base, "state"),
    MISE_CONFIG_DIR: join(base, "config"), MISE_CACHE_DIR: join(base, "cache"), MISE_OFFLINE: "1", MISE_YES: "1",
  };
  const installs = join(base, "data", "installs", "node");
  const content = "#!/bin/sh\necho hi\n".repeat(16);
  for (let i = 0; i < SHAPE.entries; i++) {
    const d = join(installs, `1.0.${i}`);
    mkdirSync(join(d, "bin"), { recursive: true });
    for (const f of ["bin/a", "bin/b", "README"]) writeFileSync(join(d, f), content, { mode: 0o755 });
  }
  mkdirSync(env.HOME!, { recursive: true });
  mkdirSync(join(base, "state", "tracked-configs"), { recursive: true });
  for (let p = 0; p < SHAPE.roots; p++) {
    const dir = join(base, "projects", `p${p}`);
    mkdirSync(dir, { recursive: true });
    const versions = Array.from({ length: SHAPE.perRoot }, (_, j) => `"1.0.${(p * SHAPE.perRoot + j) % SHAPE.referenced}"`);
    writeFileSync(join(dir, "mise.toml"), `[tools]\nnode = [${versions.join(", ")}]\n`);
    // What mise itself records when it first loads a config: a link under tracked-configs (and trust).
    symlinkSync(join(dir, "mise.toml"), join(base, "state", "tracked-configs", `p${p}`));
  }
  execFileSync(mise, ["trust", "--all"], { env, cwd: base, stdio: "ignore" });
  for (let p = 0; p < SHAPE.roots; p++) execFileSync(mise, ["trust"], { env, cwd: join(base, "projects", `p${p}`), stdio: "ignore" });
  return { env, installs };
}

export async function benchGc(repo: string, runs: number): Promise<string> {
  const work = join(repo, ".bench", "gc");
  const devenv = join(repo, "bin/devenv.js");
  const mise = findMise(join(repo, ".bench", "mise"));
  const miseVersion = execFileSync(mise, ["--version"], { encoding: "utf8" }).trim().split(" ")[0];
  const times = { dry: [] as number[], gc: [] as number[], mise: [] as number[], rm: [] as number[] };
  for (let i = 0; i < runs; i++) {
    rmSync(work, { recursive: true, force: true });
    const f = await buildGcFixture(join(work, "devenv"), SHAPE);
    const env = { PATH: process.env.PATH, HOME: join(work, "devenv", "userhome"), DEVENV_HOME: join(work, "devenv", "home") };
    execFileSync("sync");
    times.dry.push(await timed(process.execPath, [devenv, "-q", "gc", "--dry-run"], env));
    check("devenv gc --dry-run", count(f.store), SHAPE.entries);
    execFileSync("sync");
    times.gc.push(await timed(process.execPath, [devenv, "-q", "gc"], env));
    check("devenv gc", count(f.store), SHAPE.referenced);

    const m = buildMiseFixture(join(work, "mise"), mise);
    execFileSync("sync");
    times.mise.push(await timed(mise, ["prune", "--yes"], m.env, join(work, "mise")));
    // (mise also leaves its alias symlinks 1, 1.0 and latest there.)
    check("mise prune", readdirSync(m.installs).filter((n) => /^1\.0\.\d+$/.test(n)).length, SHAPE.referenced);

    const g = await buildGcFixture(join(work, "rm"), SHAPE);
    const unused = g.entries.slice(SHAPE.referenced).map((e) => join(g.store, e));
    execFileSync("sync");
    times.rm.push(await timed("rm", ["-rf", ...unused], env));
    check("rm -rf", count(g.store), SHAPE.referenced);
    process.stdout.write(`run ${i + 1}/${runs}: gc ${times.gc.at(-1)!.toFixed(0)} ms, dry run ${times.dry.at(-1)!.toFixed(0)} ms, mise prune ${times.mise.at(-1)!.toFixed(0)} ms, rm -rf ${times.rm.at(-1)!.toFixed(0)} ms\n`);
  }
  rmSync(work, { recursive: true, force: true });
  const gc = median(times.gc);
  const row = (name: string, ms: number) => `| ${name} | ${ms.toFixed(0)} ms | ${(ms / gc).toFixed(2)}× |`;
  return [
    `gc over ${SHAPE.entries} entries (3 files each) and ${SHAPE.roots} projects locking ${SHAPE.perRoot} tools each; ${SHAPE.entries - SHAPE.referenced} entries are used by no project.`,
    `Median of ${runs} runs (${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}, Node ${process.version}; mise ${miseVersion}). Every run checks that exactly the unused entries went.`,
    `Target: devenv gc ≤ ${TARGET_MS} ms (${gc <= TARGET_MS ? "met" : "MISSED"}).`,
    "",
    "| command | time | vs devenv gc |",
    "|---|---|---|",
    row("`devenv gc` (read 200 locks and roots, scan activations/pins, move 1,000 entries aside, delete)", gc),
    row("`devenv gc --dry-run` (the same, deleting nothing)", median(times.dry)),
    row("`mise prune --yes` (2,000 installed versions, 200 tracked configs)", median(times.mise)),
    row("`rm -rf` of the 1,000 unused dirs (the floor: no bookkeeping)", median(times.rm)),
  ].join("\n");
}
