/**
 * `devenv completion <shell>` prints the script; `devenv __complete <kind> -- <word>` (what the
 * scripts call at each Tab) offers tool names from the recipes and the cached catalogue without
 * any request, a project's tools from its devenv.ts without running it (nor needing it allowed),
 * and the binaries of its last activation.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { activationsRoot } from "../../src/state/activations.js";
import { writeLastGood } from "../../src/state/last-good.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";

installNetGuard();

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ catalog: { only: ["jq", "ripgrep"] } });
});
after(async () => {
  await fake?.close();
  assertNoExternalRequests();
});

/** A sandbox whose project dir (where commands run) exists. */
function sandboxHere(): Sandbox {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  return sb;
}

const names = (stdout: string) => stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]);

test("completion prints a script for bash, zsh and fish; another shell is a usage error", async () => {
  const sb = sandboxHere();
  for (const [shell, head] of [["bash", "# bash completion"], ["zsh", "#compdef devenv"], ["fish", "# fish completion"]]) {
    const r = await sb.run(["completion", shell!]);
    assertOk(r);
    assert.ok(r.stdout.startsWith(head!), `${shell}: ${r.stdout.slice(0, 80)}`);
  }
  const r = await sb.run(["completion", "tcsh"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bash, zsh, fish/);
});

test("tool names: built-in recipes, and catalogue names once the catalogue is cached; never a request", async () => {
  const sb = sandboxHere();
  fake.reset();
  const before = await sb.run(["__complete", "tools", "--", "rip"]);
  assertOk(before);
  assert.deepEqual(names(before.stdout), [], "no catalogue in the cache: no catalogue names");
  const zi = await sb.run(["__complete", "tools", "--", "zi"]);
  assert.deepEqual(names(zi.stdout), ["zig"]);
  assert.match(zi.stdout, /^zig\tZig compiler/);
  assert.deepEqual(fake.requests, [], "Tab never downloads the catalogue");
  await seedCatalog(sb.home);
  const rip = await sb.run(["__complete", "tools", "--", "rip"]);
  assertOk(rip);
  assert.ok(names(rip.stdout).includes("ripgrep"), rip.stdout);
  assert.ok(names(rip.stdout).every((n) => n!.toLowerCase().startsWith("rip")), rip.stdout);
  const n = await sb.run(["__complete", "tools", "--", "No"]);
  assert.ok(names(n.stdout).includes("node"), "case is ignored");
  assert.deepEqual(fake.requests, []);
});

test("project tools: from devenv.ts without running it (not even allowed), or from devenv.lock when that is newer or devenv.ts not a literal", async () => {
  const sb = sandboxHere();
  const proj = join(sb.project, "sub");
  mkdirSync(proj, { recursive: true });
  const marker = join(sb.project, "evaluated");
  writeFileSync(
    join(sb.project, "devenv.ts"),
    `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "");\nexport default { tools: { node: "22", "my-tool": { version: "1.0.0", url: "http://127.0.0.1:1/x.tgz" }, jq: "1.7" } };\n`,
  );
  const r = await sb.run(["__complete", "project-tools", "--", ""], { cwd: proj });
  assertOk(r);
  assert.deepEqual(names(r.stdout), ["jq", "my-tool", "node"]);
  assert.deepEqual(names((await sb.run(["__complete", "project-tools", "--", "m"], { cwd: proj })).stdout), ["my-tool"]);
  assert.equal(existsSync(marker), false, "devenv.ts was not run");

  // A lock written after devenv.ts was written from its tools: read instead of parsing devenv.ts.
  const lock = join(sb.project, "devenv.lock");
  writeFileSync(lock, JSON.stringify({ lockVersion: 1, tools: { node: {}, zig: {}, "bad name\n": {} } }));
  const at = (file: string, s: number) => utimesSync(file, s, s);
  at(join(sb.project, "devenv.ts"), 1_000_000);
  at(lock, 1_000_010);
  assert.deepEqual(names((await sb.run(["__complete", "project-tools", "--", ""], { cwd: proj })).stdout), ["node", "zig"], "the newer lock's valid tool names");
  at(lock, 999_990);
  assert.deepEqual(names((await sb.run(["__complete", "project-tools", "--", ""], { cwd: proj })).stdout), ["jq", "my-tool", "node"], "devenv.ts edited after the lock: its own");
  assert.equal(existsSync(marker), false, "devenv.ts was not run");

  writeFileSync(join(sb.project, "devenv.ts"), `const base = { node: "22" };\nexport default { tools: { ...base } };\n`);
  at(lock, 999_990);
  assert.deepEqual(names((await sb.run(["__complete", "project-tools", "--", ""], { cwd: proj })).stdout), ["node", "zig"], "tools that are not a literal: the lock's");

  mkdirSync(sb.home, { recursive: true });
  const outside = await sb.run(["__complete", "project-tools", "--", ""], { cwd: sb.home });
  assertOk(outside);
  assert.equal(outside.stdout, "");
});

test("binaries: those on the PATH dirs of the project's last activation; before one, its tool names", async () => {
  const sb = sandboxHere();
  writeFileSync(join(sb.project, "devenv.ts"), `export default { tools: { node: "22" } };\n`);
  assert.deepEqual(names((await sb.run(["__complete", "bins", "--", ""])).stdout), ["node"]);
  const bin = join(sb.home, "store", "0123456789abcdef-node-22.1.0", "bin");
  mkdirSync(bin, { recursive: true });
  for (const [f, mode] of [["node", 0o755], ["npm", 0o755], ["README", 0o644]] as const) {
    writeFileSync(join(bin, f), "");
    chmodSync(join(bin, f), mode);
  }
  writeLastGood(activationsRoot(join(sb.home, "state")), sb.project, { tools: ["node"], dirs: [join(sb.home, "store", "0123456789abcdef-node-22.1.0")], plan: { path: [bin], prepend: {}, set: {} } });
  const r = await sb.run(["__complete", "bins", "--", ""]);
  assertOk(r);
  assert.equal(r.stdout, "node\tnode-22.1.0\nnpm\tnode-22.1.0\n");
});

test("an unknown kind offers nothing", async () => {
  const sb = sandboxHere();
  const r = await sb.run(["__complete", "colours", "--", "r"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
});
