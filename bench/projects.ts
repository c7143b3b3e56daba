/**
 * What the hook and exec benchmarks share: an isolated user (HOME, XDG dirs, DEVENV_HOME), the
 * equivalent projects of devenv, direnv and mise (GREETING=hi, DATA=<root>/data, one dir in front of
 * PATH holding a `bench-hello` command), the loopback server of devenv's inline tool, the mise binary
 * from the npm registry, the devenv command package.json names, and small process helpers.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { delimiter, dirname, join } from "node:path";
import { serveDir } from "../scripts/serve-dir.js";

export type Tool = "devenv" | "direnv" | "mise" | "none";

/** The fake upstream host of the inline tool; DEVENV_MIRRORS points it at a loopback server. */
const UPSTREAM = "https://bench-upstream.invalid";

export function which(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const f = join(dir, name);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command asynchronously (the loopback server lives in this process); capture its output. */
export function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function mustRun(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} exited ${r.code ?? r.signal}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The mise binary that `npm install --prefix .bench/mise @jdxcode/mise` provides (installed if missing). */
export function findMise(dir: string): string {
  const plat = `${process.platform}-${process.arch}`;
  const nm = join(dir, "node_modules");
  const candidates = () => [
    join(nm, ".bin", "mise"),
    join(nm, "@jdxcode", "mise", "bin", "mise"),
    // The package's preinstall script npm-installs the platform package inside itself and hard-links
    // its binary to bin/mise; if install scripts were skipped, the platform package alone is enough.
    join(nm, "@jdxcode", "mise", "node_modules", "@jdxcode", `mise-${plat}`, "bin", "mise"),
    join(nm, "@jdxcode", `mise-${plat}`, "bin", "mise"),
  ];
  const found = () => candidates().find((f) => which("mise", dirname(f)));
  let bin = found();
  if (!bin) {
    process.stdout.write(`installing mise: npm install --prefix ${dir} @jdxcode/mise\n`);
    mkdirSync(dir, { recursive: true });
    execFileSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "@jdxcode/mise"], { stdio: ["ignore", "inherit", "inherit"] });
    bin = found();
  }
  if (!bin) {
    throw new Error(
      `no mise binary under ${nm} after 'npm install --prefix ${dir} @jdxcode/mise' (its preinstall script fetches @jdxcode/mise-${plat}; ` +
        `if install scripts are disabled, run: npm install --prefix ${dir} @jdxcode/mise-${plat})`,
    );
  }
  return bin;
}

/**
 * The command users get: the file package.json's `bin.devenv` names (a Node script or a sh launcher),
 * to be spawned as a file, through its shebang. Read at bench time, so the bench follows the launcher.
 */
export function devenvLauncher(repo: string): { file: string; rel: string; shebang: string } {
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.devenv;
  if (!rel) throw new Error("package.json names no bin.devenv");
  const file = join(repo, rel);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`package.json's bin.devenv, ${rel}, is not an executable file (chmod +x ${rel}?)`);
  }
  const shebang = readFileSync(file, "utf8").split("\n", 1)[0]!;
  if (!shebang.startsWith("#!")) throw new Error(`${rel} has no shebang line: it cannot be spawned as a command`);
  return { file, rel, shebang };
}

export interface BenchProjects {
  /** The environment every tool runs in: a private HOME, XDG dirs and DEVENV_HOME, a short PATH. */
  env: NodeJS.ProcessEnv;
  /** Each tool's project, <work>/<tool>/proj; its parent is where a shell starts and returns to. */
  proj: Record<Tool, string>;
  close(): void;
}

/**
 * Set up <work> afresh (removed first): the user, the projects of `tools` and devenv's inline tool
 * (a tarball holding bin/bench-hello, served on loopback and named in devenv.ts with its sha256).
 * Nothing is allowed, trusted or installed yet: see prepareProjects.
 */
export async function setUpProjects(work: string, tools: readonly Tool[]): Promise<BenchProjects> {
  rmSync(work, { recursive: true, force: true });
  const user = join(work, "user");
  const xdg = { XDG_CONFIG_HOME: join(user, ".config"), XDG_DATA_HOME: join(user, ".local/share"), XDG_STATE_HOME: join(user, ".local/state"), XDG_CACHE_HOME: join(user, ".cache") };
  for (const d of Object.values(xdg)) mkdirSync(d, { recursive: true });
  const upstream = join(work, "upstream");

  // The inline tool devenv puts on PATH: a tarball with bin/bench-hello, served on loopback.
  const stage = join(work, "tool-src");
  mkdirSync(join(stage, "bin"), { recursive: true });
  writeFileSync(join(stage, "bin", "bench-hello"), "#!/bin/sh\necho bench-hello devenv\n");
  chmodSync(join(stage, "bin", "bench-hello"), 0o755);
  mkdirSync(upstream, { recursive: true });
  const tarball = join(upstream, "bench-hello-1.0.0.tar.gz");
  execFileSync("tar", ["-czf", tarball, "-C", stage, "bin"]);
  const sha = createHash("sha256").update(readFileSync(tarball)).digest("hex");
  const { origin, server } = await serveDir(upstream);

  // Node's own dir first: a launcher's `#!/usr/bin/env node` must find the node running the bench.
  const path = [...new Set([dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"])].join(delimiter);
  const env: NodeJS.ProcessEnv = {
    PATH: path,
    HOME: user,
    ...xdg,
    LC_ALL: "C",
    TERM: "dumb",
    DEVENV_HOME: join(work, "devenv-home"),
    DEVENV_MIRRORS: `${UPSTREAM}=${origin}`,
    DIRENV_LOG_FORMAT: "", // direnv's "loading/export" lines: devenv and mise print nothing either
  };

  const proj = {} as Record<Tool, string>;
  for (const tool of tools) {
    proj[tool] = join(work, tool, "proj");
    mkdirSync(join(proj[tool], "data"), { recursive: true });
    if (tool === "direnv" || tool === "mise") {
      mkdirSync(join(proj[tool], "bin"));
      writeFileSync(join(proj[tool], "bin", "bench-hello"), `#!/bin/sh\necho bench-hello ${tool}\n`);
      chmodSync(join(proj[tool], "bin", "bench-hello"), 0o755);
    }
  }
  if (proj.devenv) {
    writeFileSync(
      join(proj.devenv, "devenv.ts"),
      `export default {\n  tools: { "bench-hello": { version: "1.0.0", url: "${UPSTREAM}/bench-hello-{version}.tar.gz", sha256: "${sha}" } },\n  env: { GREETING: "hi", DATA: "\${root}/data" },\n};\n`,
    );
  }
  if (proj.direnv) writeFileSync(join(proj.direnv, ".envrc"), "export GREETING=hi\nexport DATA=$PWD/data\nPATH_add bin\n");
  if (proj.mise) writeFileSync(join(proj.mise, "mise.toml"), '[env]\nGREETING = "hi"\nDATA = "{{config_root}}/data"\n_.path = ["bin"]\n');
  return { env, proj, close: () => server.close() };
}

/**
 * Allow and install the devenv project (`devenv` = the command and its leading arguments, e.g.
 * [node, bin/devenv.js] or [launcher]), `direnv allow` and `mise trust` the others.
 */
export async function prepareProjects(p: BenchProjects, cmds: { devenv?: string[]; direnv?: string; mise?: string }): Promise<void> {
  const { env, proj } = p;
  if (proj.devenv) {
    const [file, ...pre] = cmds.devenv!;
    await mustRun(file!, [...pre, "allow", proj.devenv], { env });
    await mustRun(file!, [...pre, "-q", "install"], { env, cwd: proj.devenv });
  }
  if (proj.direnv) await mustRun(cmds.direnv!, ["allow", proj.direnv], { env, cwd: proj.direnv });
  if (proj.mise) await mustRun(cmds.mise!, ["trust", join(proj.mise, "mise.toml")], { env, cwd: proj.mise });
}
