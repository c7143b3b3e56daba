/**
 * `npm run bench -- install`: devenv installing a real ~100 MB (unpacked) Node.js from a loopback
 * mirror, .tar.gz and .tar.xz, against `curl -s URL | tar -x` of the same file. Median of N runs.
 * Target: devenv ≤ 1.10× curl|tar. `--against=<checkout>` adds another build of devenv (e.g. main's,
 * built) as a column, its installs interleaved with these in the same runs: an A/B on equal terms.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildNodeMirror } from "../scripts/node-mirror.js";
import { serveDir } from "../scripts/serve-dir.js";
import { median, updateSection } from "./markdown.js";

/** Run a command (async: the mirror server lives in this process) and return its wall time in ms. */
export function timed(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    spawn(file, args, { ...opts, stdio: ["ignore", "ignore", "inherit"] }).on("exit", (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`${file} ${args.join(" ")} exited ${code}`)),
    );
  });
}

export async function benchInstall(repo: string, runs: number, against?: string): Promise<string> {
  const work = join(repo, ".bench", "install");
  const mirror = buildNodeMirror(join(work, "mirror"), "20", ["gz", "xz"]);
  const { origin, server } = await serveDir(mirror.dir);
  const devenv = join(repo, "bin/devenv.js");
  const other = against === undefined ? undefined : join(against, "bin/devenv.js");
  const rows: string[][] = [];
  try {
    for (const fmt of ["gz", "xz"] as const) {
      const file = mirror.files[fmt]!;
      const name = basename(file);
      const url = `${origin}/nodejs.org/dist/v${mirror.version}/${name}`;
      // Lock this format only.
      const sums = `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${name}\n`;
      writeFileSync(join(mirror.dir, "nodejs.org/dist", `v${mirror.version}`, "SHASUMS256.txt"), sums);
      const project = join(work, `project-${fmt}`);
      rmSync(project, { recursive: true, force: true });
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, "devenv.ts"), `export default { tools: { node: "${mirror.version}" } };\n`);
      const home = join(work, "home");
      const env = { ...process.env, DEVENV_HOME: home, DEVENV_MIRRORS: `https://nodejs.org=${origin}/nodejs.org`, DEVENV_VERSIONS_TTL: "0" };
      await timed(process.execPath, [devenv, "-q", "allow"], { cwd: project, env });
      await timed(process.execPath, [devenv, "-q", "lock"], { cwd: project, env });
      const devenvTimes: number[] = [];
      const otherTimes: number[] = [];
      const curlTimes: number[] = [];
      const out = join(work, "curl-out");
      for (let i = 0; i < runs; i++) {
        rmSync(join(home, "store"), { recursive: true, force: true });
        // Start each timed run with no dirty pages from the previous one, for both sides.
        execFileSync("sync");
        // With another build, the two take turns going first.
        const order = other ? (i % 2 ? [other, devenv] : [devenv, other]) : [devenv];
        for (const [k, bin] of order.entries()) {
          if (k > 0) {
            rmSync(join(home, "store"), { recursive: true, force: true });
            execFileSync("sync");
          }
          (bin === devenv ? devenvTimes : otherTimes).push(await timed(process.execPath, [bin, "-q", "install", "--frozen"], { cwd: project, env }));
        }
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        execFileSync("sync");
        curlTimes.push(await timed("bash", ["-c", `curl -sf "$1" | tar -x${fmt === "gz" ? "z" : "J"}f - -C "$2"`, "_", url, out]));
      }
      const size = Number(execFileSync("du", ["-sb", out], { encoding: "utf8" }).split("\t")[0]);
      const d = median(devenvTimes);
      const c = median(curlTimes);
      const o = other ? [`${median(otherTimes).toFixed(0)} ms`, `${(median(otherTimes) / c).toFixed(2)}×`] : [];
      rows.push([`node ${mirror.version} .tar.${fmt}`, `${(size / 1e6).toFixed(0)} MB`, `${d.toFixed(0)} ms`, `${c.toFixed(0)} ms`, `${(d / c).toFixed(2)}×`, ...o]);
      process.stdout.write(`${rows.at(-1)!.join("  ")}\n`);
    }
  } finally {
    server.close();
  }
  const table = [
    `Install from a loopback mirror, median of ${runs} runs (${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}, Node ${process.version}).`,
    "devenv = `devenv -q install --frozen` into an empty store (Node start-up, lock read, download, sha256, decompress, unpack, receipt, rename).",
    "curl|tar = `curl -s URL | tar -x[zJ]f -` of the same file. Target: ratio ≤ 1.10×.",
    ...(other ? [`other = the build in ${against}, its installs interleaved with devenv's in the same runs.`] : []),
    "",
    `| artifact | unpacked | devenv | curl \\| tar | ratio |${other ? " other | other's ratio |" : ""}`,
    `|---|---|---|---|---|${other ? "---|---|" : ""}`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  return table;
}

export { updateSection };
