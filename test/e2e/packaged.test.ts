/**
 * devenv as a package (issue 19, item 7): `npm pack` of this checkout is what a publish would
 * upload, and `npm install -g` of that tarball (its dependencies from the npm registry as npm is
 * configured here) gives a `devenv` that works without the checkout: it installs node from the
 * loopback fake upstream (verified and unpacked by the package's own code and dependencies), runs it, and its hook
 * points at the installed package, not at this checkout.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/cli.js";
import { netGuardEnv } from "../support/net-guard.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: [{ version: "20.18.0" }] });

/** A child process, awaited: the fake upstream answers from this process's event loop meanwhile. */
const spawnAsync = (cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(cmd, args, { ...opts, encoding: "utf8", maxBuffer: 64 << 20 }, (e, stdout, stderr) => {
      const code = (e as { code?: unknown } | null)?.code;
      resolve({ status: e ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
    });
  });
const ok = (r: { status: number | null; stdout: string; stderr: string }, what: string) => assert.equal(r.status, 0, `${what}: ${r.stdout}${r.stderr}`);

test("npm pack, then npm install -g of the tarball: the installed devenv installs and runs node and hooks into bash without the checkout", { timeout: 600_000 }, async (t) => {
  const base = mkdtempSync(join(tmpdir(), "devenv-packaged-"));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const prefix = join(base, "prefix");
  // The build already ran (npm run test:e2e): pack it as it is (prepack would build again).
  ok(await spawnAsync("npm", ["pack", "--ignore-scripts", "--pack-destination", base], { cwd: repoRoot, timeout: 120_000 }), "npm pack");
  const tgz = readdirSync(base).find((f) => f.endsWith(".tgz"));
  assert.ok(tgz, "npm pack wrote a tarball");
  ok(await spawnAsync("npm", ["install", "-g", "--prefer-offline", "--no-audit", "--no-fund", "--prefix", prefix, join(base, tgz)], { cwd: base, timeout: 300_000 }), "npm install -g");
  const bin = join(prefix, "bin");
  const installed = realpathSync(join(bin, "devenv"));
  assert.ok(!installed.startsWith(realpathSync(repoRoot) + "/"), `the command runs the installed package (${installed}), not this checkout`);

  const home = join(base, "home");
  const project = join(base, "project");
  mkdirSync(project, { recursive: true });
  mkdirSync(home, { recursive: true });
  const env = {
    ...(netGuardEnv(process.env) as Record<string, string>),
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    DEVENV_HOME: join(home, ".devenv"),
    DEVENV_MIRRORS: fake.mirrors,
    NO_COLOR: "1",
  };
  const run = (args: string[]) => spawnAsync("devenv", args, { cwd: project, env, timeout: 120_000 });
  writeFileSync(join(project, "devenv.ts"), `export default { tools: { node: "20" } };\n`);
  for (const args of [["allow"], ["install"]]) {
    const r = await run(args);
    assert.equal(r.status, 0, `devenv ${args.join(" ")}: ${r.stdout}${r.stderr}`);
  }
  const v = await run(["exec", "--", "node", "-v"]);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), "v20.18.0");

  // The installed command is the sh launcher: once the cache is written, `exec` starts no Node (a
  // `node` first on PATH notes each start; the launcher only reaches Node through it).
  const wrap = join(base, "wrap");
  const mark = join(base, "node-started");
  mkdirSync(wrap);
  writeFileSync(join(wrap, "node"), `#!/bin/sh\n: >'${mark}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  const wrapped = { ...env, PATH: `${bin}:${wrap}:${process.env.PATH}` };
  for (let i = 0; i < 2; i++) await spawnAsync("devenv", ["exec", "true"], { cwd: project, env: wrapped, timeout: 120_000 });
  rmSync(mark, { force: true });
  const fast = await spawnAsync("devenv", ["exec", "--", "node", "-v"], { cwd: project, env: wrapped, timeout: 120_000 });
  assert.equal(fast.stdout.trim(), "v20.18.0", fast.stderr);
  assert.equal(existsSync(mark), false, "the installed launcher answered without starting Node");

  // The hook the installed devenv prints starts that package's CLI, and a real bash activates node.
  const hook = await run(["hook", "bash"]);
  assert.equal(hook.status, 0, hook.stderr);
  assert.ok(hook.stdout.includes(join(prefix, "lib/node_modules/devenv")) && !hook.stdout.includes(repoRoot + "/"), "the hook names the installed package");
  const sh = await spawnAsync("bash", ["--norc", "--noprofile", "-c", `eval "$(devenv hook bash)"; cd ${JSON.stringify(project)} && _devenv_hook && node -v`], { cwd: base, env, timeout: 120_000 });
  assert.equal(sh.status, 0, sh.stderr);
  assert.equal(sh.stdout.trim(), "v20.18.0");
});
