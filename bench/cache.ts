/**
 * `npm run bench -- cache`: installing a real Node.js (.tar.xz, from the npm registry's binaries) into
 * an empty store from a team's cache — a real registry (Debian's docker-registry) on loopback, filled
 * by `devenv cache push` — against the same install from the loopback upstream mirror, and
 * `curl | tar` of the same file. Median of N runs. The cache is not meant to be faster on loopback
 * (the bytes are the same; it verifies the same way): it saves the upstream, its rate limits and
 * the distance to it. This shows what asking the registry first costs.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { buildNodeMirror } from "../scripts/node-mirror.js";
import { serveDir } from "../scripts/serve-dir.js";
import { startRegistry } from "../test/support/registry.js";
import { timed } from "./install.js";
import { median } from "./markdown.js";

export async function benchCache(repo: string, runs: number): Promise<string> {
  const work = join(repo, ".bench", "cache");
  const mirror = buildNodeMirror(join(work, "mirror"), "20", ["xz"]);
  const { origin, server } = await serveDir(mirror.dir);
  const registry = await startRegistry();
  const devenv = join(repo, "bin/devenv.js");
  try {
    const file = mirror.files.xz!;
    const name = basename(file);
    writeFileSync(join(mirror.dir, "nodejs.org/dist", `v${mirror.version}`, "SHASUMS256.txt"), `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${name}\n`);
    const project = join(work, "project");
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "devenv.ts"), `export default { tools: { node: "${mirror.version}" } };\n`);
    const home = join(work, "home");
    const env = { ...process.env, DEVENV_HOME: home, DEVENV_MIRRORS: `https://nodejs.org=${origin}/nodejs.org`, DEVENV_VERSIONS_TTL: "0", NO_PROXY: "127.0.0.1" };
    await timed(process.execPath, [devenv, "-q", "allow"], { cwd: project, env });
    await timed(process.execPath, [devenv, "-q", "lock"], { cwd: project, env });
    await timed(process.execPath, [devenv, "-q", "cache", "push"], { cwd: project, env: { ...env, DEVENV_CACHE: registry.url } });
    const times = { cache: [] as number[], upstream: [] as number[], curl: [] as number[] };
    const out = join(work, "curl-out");
    const url = `${origin}/nodejs.org/dist/v${mirror.version}/${name}`;
    for (let i = 0; i < runs; i++) {
      for (const [key, cache] of [["cache", registry.url], ["upstream", "off"]] as const) {
        rmSync(join(home, "store"), { recursive: true, force: true });
        execFileSync("sync");
        times[key].push(await timed(process.execPath, [devenv, "-q", "install", "--frozen"], { cwd: project, env: { ...env, DEVENV_CACHE: cache } }));
      }
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out);
      execFileSync("sync");
      times.curl.push(await timed("bash", ["-c", `curl -sf "$1" | tar -xJf - -C "$2"`, "_", url, out]));
    }
    const blobs = registry.requests().filter((r) => r.method === "GET" && r.path.includes("/blobs/sha256:")).length;
    if (blobs < runs) throw new Error(`the registry served ${blobs} blob downloads for ${runs} cache runs: the cache was not used`);
    const [c, u, k] = [median(times.cache), median(times.upstream), median(times.curl)];
    const size = (readFileSync(file).length / 1e6).toFixed(0);
    return [
      `Install of node ${mirror.version} .tar.xz (${size} MB download) into an empty store, median of ${runs} runs (${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}, Node ${process.version}).`,
      "from the cache = `DEVENV_CACHE=oci+http://127.0.0.1:…/team/devenv devenv -q install --frozen` against Debian's docker-registry on loopback (HEAD-less: one GET of the blob, verified against the lock);",
      "from upstream = the same with `DEVENV_CACHE=off`, from the loopback nodejs.org mirror. curl|tar = `curl -s URL | tar -xJf -` of the mirror's file.",
      "",
      "| install of node .tar.xz | time | vs from upstream | vs curl \\| tar |",
      "|---|---|---|---|",
      `| from the cache (registry) | ${c.toFixed(0)} ms | ${(c / u).toFixed(2)}× | ${(c / k).toFixed(2)}× |`,
      `| from upstream (mirror) | ${u.toFixed(0)} ms | 1.00× | ${(u / k).toFixed(2)}× |`,
      `| curl \\| tar | ${k.toFixed(0)} ms | | 1.00× |`,
      "",
      "Reading it: on loopback the registry and the mirror serve the same bytes, verified the same way, so asking the cache first costs nothing measurable; on a real network it replaces the upstream's distance and rate limits with the team's registry.",
    ].join("\n");
  } finally {
    server.close();
    await registry.stop();
  }
}
