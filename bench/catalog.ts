/**
 * `npm run bench -- catalog`: searching the catalogue and resolving a catalogue tool, against the
 * fake upstream on loopback (the real registry snapshot, ripgrep's real asset names).
 * - search: `devenv search ripgrep` with the catalogue cached, beside `devenv --version` (Node start-up
 *   and the CLI's own loading) and `mise search ripgrep` (mise's registry is built into its binary);
 *   and the search itself in-process (open the cached index, scan it, rank).
 * - resolve: `devenv lock` of a project with `ripgrep: "15"`: cold (an empty DEVENV_HOME: fetch the 3 MB
 *   registry, check its sha256, compile it, list releases, read the checksum file) and cached (the
 *   catalogue compiled, the version list cached; the lock removed).
 * Target: search well under 100 ms of its own. Median of N runs.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAquaCatalog } from "../src/app/catalog/load.js";
import { searchRows } from "../src/app/catalog/names.js";
import { currentPin } from "../src/app/catalog/pins.js";
import { createContext } from "../src/app/context.js";
import { startFakeUpstream } from "../test/support/fake-upstream.js";
import { findMise } from "./projects.js";
import { median } from "./markdown.js";

function timed(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    let err = "";
    const child = spawn(file, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${err}`))));
  });
}

const ms = (x: number) => `${Math.round(x)} ms`;

export async function benchCatalog(repo: string, runs: number): Promise<string> {
  const fake = await startFakeUpstream({ catalog: { only: ["ripgrep"] } });
  const base = mkdtempSync(join(tmpdir(), "devenv-bench-catalog-"));
  const devenv = join(repo, "bin/devenv.js");
  const envFor = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: base, DEVENV_HOME: home, DEVENV_MIRRORS: fake.mirrors });
  const project = join(base, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "devenv.ts"), `export default { tools: { ripgrep: "15" } };\n`);
  try {
    const warm = join(base, "warm");
    const run = (args: string[], home: string) => timed(process.execPath, [devenv, ...args], envFor(home), project);
    await run(["allow"], warm);
    await run(["lock"], warm);
    const cold: number[] = [];
    const cached: number[] = [];
    const search: number[] = [];
    const version: number[] = [];
    const inProcess: number[] = [];
    for (let i = 0; i < runs; i++) {
      const home = join(base, `cold-${i}`);
      await run(["allow"], home);
      cold.push(await run(["lock"], home));
      rmSync(join(project, "devenv.lock"), { force: true });
      cached.push(await run(["lock"], warm));
      search.push(await run(["search", "ripgrep"], warm));
      version.push(await run(["--version"], warm));
      const t = process.hrtime.bigint();
      const ctx = createContext({ env: envFor(warm), cwd: project });
      const catalog = await openAquaCatalog(ctx, currentPin());
      searchRows(catalog.rowsContaining("ripgrep"), "ripgrep");
      inProcess.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    let mise = "";
    try {
      const bin = findMise(join(repo, ".bench", "mise"));
      const menv = { PATH: process.env.PATH, HOME: base, MISE_DATA_DIR: join(base, "mise-data"), MISE_CACHE_DIR: join(base, "mise-cache"), MISE_OFFLINE: "1" };
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await timed(bin, ["search", "ripgrep"], menv, base));
      mise = ms(median(times));
    } catch (e) {
      mise = `n/a (${(e as Error).message.split("\n")[0]!.slice(0, 60)})`;
    }
    const date = new Date().toISOString().slice(0, 10);
    return [
      `Catalogue, median of ${runs} runs (${date}, ${process.platform}-${process.arch}, Node ${process.version}); fake upstream on loopback serving the real registry snapshot.`,
      "",
      "| what | devenv | baseline | ratio |",
      "|---|---|---|---|",
      `| \`search ripgrep\`, catalogue cached | ${ms(median(search))} | \`devenv --version\` ${ms(median(version))} | ${(median(search) / median(version)).toFixed(2)}× |`,
      `| search itself, in-process (open cached index, scan, rank) | ${median(inProcess).toFixed(1)} ms | target < 100 ms | |`,
      `| \`mise search ripgrep\` (registry built in) | ${mise} | | |`,
      `| \`lock\` ripgrep, cold (fetch + check + compile registry, releases, checksum file) | ${ms(median(cold))} | \`devenv --version\` ${ms(median(version))} | ${(median(cold) / median(version)).toFixed(2)}× |`,
      `| \`lock\` ripgrep, catalogue and version list cached | ${ms(median(cached))} | \`devenv --version\` ${ms(median(version))} | ${(median(cached) / median(version)).toFixed(2)}× |`,
    ].join("\n");
  } finally {
    await fake.close();
    rmSync(base, { recursive: true, force: true });
  }
}
