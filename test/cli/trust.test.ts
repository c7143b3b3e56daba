/** devenv.ts is code: nothing evaluates it before `devenv allow`; devenv's own edits stay allowed. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { sandbox, type RunResult, assertOk } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"], node: ["20.18.0"] });

const ok = assertOk;

test("an unallowed devenv.ts is never evaluated; allow binds to its content; deny blocks", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  const marker = join(sb.project, "..", "evaluated");
  const src = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\nexport default { env: { GREETING: "hi" } };\n`;
  writeFileSync(join(sb.project, "devenv.ts"), src);
  for (const args of [["exec", "--", "true"], ["env"], ["install"], ["list"], ["add", "zig@0.13"]]) {
    const r = await sb.run(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /devenv\.ts is not allowed/);
    assert.match(r.stderr, /devenv allow/);
  }
  assert.equal(existsSync(marker), false, "devenv.ts ran before it was allowed");
  assert.equal(readFileSync(join(sb.project, "devenv.ts"), "utf8"), src, "a refused add must not touch devenv.ts");

  const allow = await sb.run(["allow"]);
  ok(allow);
  assert.match(allow.stderr, /allowed .*devenv\.ts/);
  const env = await sb.run(["env", "--json"]);
  ok(env);
  assert.equal(JSON.parse(env.stdout).GREETING, "hi");
  assert.equal(existsSync(marker), true);

  // One changed byte: not allowed any more.
  // The value, quoted: the sandbox's random temp dir name in the marker path may itself contain "hi".
  writeFileSync(join(sb.project, "devenv.ts"), src.replace('GREETING: "hi"', 'GREETING: "ho"'));
  const changed = await sb.run(["env"]);
  assert.equal(changed.code, 1);
  assert.match(changed.stderr, /changed since it was allowed/);

  ok(await sb.run(["allow", sb.project], { cwd: "/" }));
  ok(await sb.run(["env"]));
  ok(await sb.run(["deny"]));
  const denied = await sb.run(["env"]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /is denied/);
});

test("add, remove and init keep their own edits allowed (and a failed add restores the old trust)", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  ok(await sb.run(["init"]));
  ok(await sb.run(["add", "zig@0.13"]));
  ok(await sb.run(["exec", "--", "zig", "version"]));
  const before = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  const failed = await sb.run(["add", "node@99"]);
  assert.equal(failed.code, 1);
  assert.equal(readFileSync(join(sb.project, "devenv.ts"), "utf8"), before);
  ok(await sb.run(["exec", "--", "zig", "version"]));
  ok(await sb.run(["remove", "zig"]));
  ok(await sb.run(["env"]));
});

test("exec and env in a nested project apply the enclosing project first, as the hook does", async () => {
  const sb = sandbox(fake.mirrors);
  const outer = sb.project;
  const inner = join(outer, "packages", "inner");
  await sb.writeConfig(`export default { tools: { node: "20" }, env: { WHERE: "outer", OUTER_ONLY: "1" } };\n`);
  await sb.writeConfig(`export default { tools: { zig: "0.13" }, env: { WHERE: "inner" } };\n`, inner);
  const r = await sb.run(["exec", "--", "sh", "-c", 'printf "%s|%s|%s" "$WHERE" "$OUTER_ONLY" "$PATH"'], { cwd: inner });
  ok(r);
  const [where, outerOnly, path] = r.stdout.split("|");
  assert.equal(where, "inner");
  assert.equal(outerOnly, "1");
  const dirs = path!.split(":");
  const zig = dirs.findIndex((d) => /-zig-0\.13\.0$/.test(d));
  const node = dirs.findIndex((d) => /-node-20\.18\.0\/bin$/.test(d));
  assert.ok(zig === 0 && node === 1, `inner's tools first, then outer's: ${path}`);
  // `npm i -g` and zig's cache write into each project's own state dir, never into the store.
  const json = JSON.parse((await sb.run(["env", "--json"], { cwd: inner })).stdout);
  assert.match(json.NPM_CONFIG_PREFIX, new RegExp(`^${sb.home}/state/projects/project-[0-9a-f]{16}/node/npm-global$`));
  assert.ok(json.PATH.split(":").includes(`${json.NPM_CONFIG_PREFIX}/bin`));
  assert.match(json.ZIG_GLOBAL_CACHE_DIR, new RegExp(`^${sb.home}/state/projects/inner-[0-9a-f]{16}/zig/cache$`));
  // An enclosing project that is not allowed is skipped with a warning, the nearest still applies.
  writeFileSync(join(outer, "devenv.ts"), `export default { env: { WHERE: "changed" } };\n`);
  const skipped = await sb.run(["env", "--json"], { cwd: inner });
  ok(skipped);
  assert.equal(JSON.parse(skipped.stdout).WHERE, "inner");
  assert.equal(JSON.parse(skipped.stdout).OUTER_ONLY, undefined);
  assert.ok(skipped.stderr.includes(`${outer}/devenv.ts is not allowed`), skipped.stderr);
});

test("status says whether the hook is active in the calling shell", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { env: { A: "1" } };\n`);
  const r = await sb.run(["status"]);
  ok(r);
  assert.match(r.stdout, /hook: not active in this shell/);
  assert.match(r.stdout, /active: none/);
  assert.match(r.stdout, /here: .*project \(not active: allowed\)/);
  // The hook marks the shell that loaded it with its pid; only a child of that shell counts.
  const viaShell = await sb.run(["status", "--json"], { env: { __DEVENV_HOOK: `bash:${process.pid}` } });
  ok(viaShell);
  assert.equal(JSON.parse(viaShell.stdout).hook.installed, true);
});

test("a project dir holding terminal escapes: init, allow, deny and status print them escaped, never raw", async () => {
  const sb = sandbox(fake.mirrors);
  const dir = join(sb.project, "p\x1b]0;pwned\x07\x1b[2J\u009b1m");
  mkdirSync(dir, { recursive: true });
  const shown = String.raw`p\x1b]0;pwned\x07\x1b[2J\x9b1m`;
  for (const args of [["init"], ["allow"], ["deny"], ["allow"], ["status"]]) {
    const r = await sb.run(args, { cwd: dir });
    const out = r.stdout + r.stderr;
    assert.doesNotMatch(out, /[\x1b\x07\u009b]/, `${args.join(" ")} printed a raw control character: ${JSON.stringify(out)}`);
    assert.ok(out.includes(shown), `${args.join(" ")} names the dir, escaped: ${JSON.stringify(out)}`);
  }
});
