/**
 * The quick start: a new project gets a real Node.js through devenv's whole path —
 * devenv add → devenv.ts + devenv.lock → verified download → store → devenv exec.
 * This machine cannot reach nodejs.org, so the real binaries come from the npm registry and
 * are served as a nodejs.org mirror on 127.0.0.1 (DEVENV_MIRRORS points devenv at it).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildNodeMirror } from "./node-mirror.js";
import { serveDir } from "./serve-dir.js";

const repo = resolve(fileURLToPath(import.meta.url), "../../..");
const work = join(repo, ".quickstart");
const devenv = join(repo, "bin/devenv.js");

const step = (s: string) => process.stdout.write(`\n\x1b[1m$ ${s}\x1b[0m\n`);

async function main() {
  process.stdout.write("building a local nodejs.org mirror from the npm registry's node binaries…\n");
  const mirror = buildNodeMirror(join(work, "mirror"), "20");
  const { origin, server } = await serveDir(mirror.dir);
  const project = join(work, "project");
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  const env = {
    ...process.env,
    DEVENV_HOME: join(work, "home"),
    DEVENV_MIRRORS: `https://nodejs.org=${origin}/nodejs.org`,
  };
  const run = async (args: string[]) => {
    step(`devenv ${args.join(" ")}`);
    const { spawn } = await import("node:child_process");
    await new Promise<void>((res, rej) =>
      spawn(process.execPath, [devenv, ...args], { cwd: project, env, stdio: "inherit" }).on("exit", (code) =>
        code === 0 ? res() : rej(new Error(`devenv ${args.join(" ")} exited ${code}`)),
      ),
    );
  };
  try {
    process.stdout.write(`project: ${project}\nDEVENV_HOME=${env.DEVENV_HOME}\nDEVENV_MIRRORS=${env.DEVENV_MIRRORS}\n`);
    await run(["add", "node@20"]);
    step("cat devenv.ts");
    process.stdout.write(readFileSync(join(project, "devenv.ts"), "utf8"));
    step("cat devenv.lock");
    process.stdout.write(readFileSync(join(project, "devenv.lock"), "utf8"));
    await run(["exec", "--", "node", "-e", "console.log('node', process.version, 'from', process.execPath)"]);
    await run(["which", "node"]);
    await run(["env", "--shell", "bash"]);
    step("bash -c 'eval \"$(devenv env)\"; node -v'");
    execFileSync("bash", ["-c", `eval "$(node ${devenv} env)"; node -v`], { cwd: project, env, stdio: "inherit" });
    await run(["list"]);
    // The cd hook, as a user has it after adding `eval "$(devenv hook bash)"` to ~/.bashrc.
    const hookDemo = [
      `devenv() { ${JSON.stringify(process.execPath)} ${JSON.stringify(devenv)} "$@"; }`,
      `eval "$(devenv hook bash)"`,
      `env | grep -v -e '^PWD=' -e '^OLDPWD=' -e '^_=' | sort > before.env`,
      `cd project && echo "in project: $(node -v) from $(command -v node)"`,
      `cd ..`,
      `env | grep -v -e '^PWD=' -e '^OLDPWD=' -e '^_=' | sort > after.env`,
      `if cmp -s before.env after.env; then echo "left project: environment restored exactly"; else diff before.env after.env; exit 1; fi`,
    ];
    step(["# ~/.bashrc: eval \"$(devenv hook bash)\"", "cd project && node -v", "cd .."].join("; "));
    execFileSync("bash", ["--norc", "--noprofile", "-c", hookDemo.join("\n")], { cwd: work, env, stdio: "inherit" });
    process.stdout.write(`\nquick start done: node ${mirror.version} is installed in ${env.DEVENV_HOME}/store\n`);
    process.stdout.write(
      [
        "",
        "next:",
        "  npm link                                   # put devenv on your PATH (no root: npm_config_prefix=~/.local npm link)",
        `  echo 'eval "$(devenv hook bash)"' >> ~/.bashrc   # or zsh/fish: see the README's Shell set-up`,
        "  cd your-project && devenv init && devenv add node@20",
        "",
      ].join("\n"),
    );
  } finally {
    server.close();
  }
}

main().catch((e) => {
  process.stderr.write(`quickstart failed: ${(e as Error).message}\n`);
  process.exit(1);
});
