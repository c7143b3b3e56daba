/**
 * Getting devenv (issue 19, item 7; the README's first screen): `npm link` from a checkout puts a
 * `devenv` command on PATH that runs this checkout, with no network and no root (a prefix of the
 * user's own). A real bash then finds it by name and loads its hook.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/cli.js";

test("the README's `npm link` puts devenv on PATH: a real bash runs it by name and loads its hook", { timeout: 60_000 }, (t) => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const firstScreen = readme.slice(0, readme.indexOf("## Usage"));
  assert.match(firstScreen, /^npm link +# put `devenv` on your PATH/m, "the first screen says how");

  const prefix = mkdtempSync(join(tmpdir(), "devenv-npm-prefix-"));
  const home = mkdtempSync(join(tmpdir(), "devenv-home-"));
  t.after(() => {
    rmSync(prefix, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  // A prefix of one's own, as the README says for a user without root; no network is needed.
  execFileSync("npm", ["link", "--no-audit", "--no-fund", "--offline"], {
    cwd: repoRoot, env: { ...process.env, npm_config_prefix: prefix, npm_config_offline: "true" }, stdio: "pipe",
  });
  const bin = join(prefix, "bin");
  assert.equal(realpathSync(join(bin, "devenv")), realpathSync(join(repoRoot, "bin/devenv")), "it runs this checkout (the launcher, which resolves the link to find bin/devenv.js)");

  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", 'command -v devenv && devenv --version && eval "$(devenv hook bash)" && declare -F | grep -c devenv'], {
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, DEVENV_HOME: join(home, ".devenv") },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const [where, version, functions] = r.stdout.trim().split("\n");
  assert.equal(where, join(bin, "devenv"));
  assert.match(version!, /^\d+\.\d+\.\d+$/);
  assert.ok(Number(functions) > 0, "the hook defined its functions");
});
