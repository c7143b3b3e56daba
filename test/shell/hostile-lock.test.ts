/**
 * The first finding as it happened: a pull brings a devenv.lock whose inline tool version
 * walks out of the store, and the user merely `cd`s into the (allowed) project in a real bash with
 * the hook loaded. The hook's refresh refuses the lock, says so once naming the field, changes
 * nothing in the shell, and writes and installs nothing; a good lock is picked up at the next prompt.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { hostPlatform } from "../../src/platform/host.js";
import { runDevenv } from "../helpers/cli.js";
import { gzip, sha256hex, tarEntries } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { shellAvailable, startShell, type ShellSession } from "../support/shell-session.js";
import { devenvOnPath } from "../support/devenv-on-path.js";

installNetGuard();
let fake: FakeUpstream;
let root: string;
const sessions: ShellSession[] = [];
const platform = hostPlatform()!;
const URL_ = "https://downloads.example.com/mytool.tar.gz";
const ARCHIVE = gzip(tarEntries([
  { path: "mytool/", type: "dir" },
  { path: "mytool/bin/", type: "dir" },
  { path: "mytool/bin/mytool", content: "#!/bin/sh\necho mytool 1.2.3\n", mode: 0o755 },
]));

before(async () => {
  fake = await startFakeUpstream();
  fake.addFile("/downloads.example.com/mytool.tar.gz", ARCHIVE);
  root = mkdtempSync(join(tmpdir(), "devenv-hostile-lock-"));
});
after(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await fake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  assertNoExternalRequests();
});

/** Single-quoted for bash (our paths hold no quote or backslash). */
const q = (s: string) => {
  assert.ok(!/['\\]/.test(s), s);
  return `'${s}'`;
};

const lockWith = (version: string) => `${JSON.stringify({
  lockVersion: 1,
  tools: {
    mytool: {
      request: "1.2.3", version, source: "inline", recipeRevision: 1,
      options: { sha256: sha256hex(ARCHIVE), url: URL_ },
      platforms: { [platform]: { url: URL_, sha256: sha256hex(ARCHIVE), format: "tar.gz", strip: "auto" } },
    },
  },
}, null, 2)}\n`;

test("bash: cd into a project whose pulled devenv.lock has a ../ version: one error naming the field, nothing outside the store, environment untouched", { skip: shellAvailable("bash") ? false : "bash is not installed" }, async () => {
  const home = join(root, "home");
  const bin = join(root, "bin");
  const devenvHome = join(root, "devenv-home");
  const project = join(root, "project");
  const outside = join(root, "outside");
  for (const d of [project, outside]) mkdirSync(d, { recursive: true });
  const env = devenvOnPath({ bin, home, devenvHome, mirrors: fake.mirrors });
  writeFileSync(join(project, "devenv.ts"), `export default { tools: { mytool: { version: "1.2.3", url: "${URL_}", sha256: "${sha256hex(ARCHIVE)}" } } };\n`);
  const allowed = await runDevenv(["allow"], { cwd: project, env });
  assert.equal(allowed.code, 0, allowed.stderr);
  // `<store>/<hash>-mytool-<version>` with this version is <root>/outside/escaped.
  const version = "../../../../outside/escaped";
  assert.equal(join(devenvHome, "store", `h-mytool-${version}`), join(outside, "escaped"));
  const hostile = lockWith(version);
  writeFileSync(join(project, "devenv.lock"), hostile);

  const s = await startShell("bash", { env, cwd: root, rc: `eval "$(devenv hook bash)"`, timeoutMs: 30_000 });
  sessions.push(s);
  const before = await s.env();
  const out = await s.run(`cd ${q(project)}`);
  assert.match(out, /^devenv: .*devenv\.lock: tools\.mytool\.version: "\.\.\/\.\.\/\.\.\/\.\.\/outside\/escaped" is not a version/, out);
  assert.match(out, /\n  devenv\.lock is checked before use.*Restore it from version control/);
  assert.equal(await s.run(""), "", "shown once");
  const inside = await s.env();
  for (const k of ["PWD", "OLDPWD", "_"]) {
    delete inside[k];
    delete before[k];
  }
  assert.deepEqual(inside, before, "the shell's environment is untouched");
  assert.deepEqual(readdirSync(outside), [], "nothing was moved out of the store");
  assert.deepEqual(existsSync(join(devenvHome, "store")) ? readdirSync(join(devenvHome, "store")).filter((n) => !n.startsWith(".")) : [], []);
  assert.equal(readFileSync(join(project, "devenv.lock"), "utf8"), hostile, "devenv.lock is left as it is");

  // The teammate's fix arrives: the next prompt installs and activates it.
  writeFileSync(join(project, "devenv.lock"), lockWith("1.2.3"));
  const fixed = await s.run("");
  assert.match(fixed, /installed mytool 1\.2\.3/);
  assert.equal(await s.run("mytool"), "mytool 1.2.3\n");
  assert.deepEqual(readdirSync(outside), []);
});
