/**
 * User-wide tools (issue 19, item 2): `devenv add -g`, `remove -g`, `list -g` edit a devenv.ts and
 * devenv.lock in devenv's config dir ($DEVENV_HOME/global here); exec/env/which apply it as the
 * outermost layer, under the projects here, and alone where there is no project; gc keeps its tools.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readTrust } from "../../src/state/trust.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0", "22.11.0"], zig: ["0.13.0"] });

const globalDir = (sb: Sandbox) => join(sb.home, "global");
const listJson = async (sb: Sandbox, cwd: string) => {
  const r = await sb.run(["list", "-g", "--json"], { cwd });
  assertOk(r);
  return (JSON.parse(r.stdout) as Array<{ name: string; request: string; locked?: string; installed: boolean }>).map((t) => [t.name, t.request, t.locked, t.installed]);
};

test("add -g, list -g, remove -g edit the user-wide devenv.ts and devenv.lock in devenv's config dir, wherever they run; devenv's own edit is allowed", async () => {
  const sb = sandbox(fake.mirrors);
  const here = join(sb.project, "..", "somewhere");
  mkdirSync(here, { recursive: true });
  const g = globalDir(sb);

  const none = await sb.run(["list", "-g"], { cwd: here });
  assertOk(none);
  assert.match(none.stdout, /no user-wide tools/);
  assert.deepEqual(await listJson(sb, here), []);
  const noneToRemove = await sb.run(["remove", "-g", "node"], { cwd: here });
  assert.equal(noneToRemove.code, 1, noneToRemove.stderr);
  assert.match(noneToRemove.stderr, /no user-wide tools: .*\/global\/devenv\.ts does not exist/);
  assert.match(noneToRemove.stderr, /devenv add -g/);
  assert.equal(existsSync(g), false, "list -g and remove -g create nothing");

  const add = await sb.run(["add", "-g", "node@20"], { cwd: here });
  assertOk(add);
  assert.match(add.stdout, new RegExp(`created ${g}/devenv\\.ts`));
  assert.ok(existsSync(join(g, "devenv.lock")), "its lock beside it");
  assert.equal(existsSync(join(here, "devenv.ts")), false, "nothing written where it ran");
  assert.equal(existsSync(join(here, "devenv.lock")), false);
  assert.equal(readTrust(join(sb.home, "state"), realpathSync(g))?.status, "allow", "allowed as devenv add leaves a project it creates");
  assert.deepEqual(await listJson(sb, here), [["node", "20", "20.18.0", true]]);

  // Inside a project, -g still edits the user-wide project, not this one.
  const proj = join(sb.project, "..", "proj");
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`, proj);
  const before = readFileSync(join(proj, "devenv.ts"), "utf8");
  assertOk(await sb.run(["add", "-g", "zig@0.13"], { cwd: proj }));
  assert.equal(readFileSync(join(proj, "devenv.ts"), "utf8"), before);
  assert.equal(existsSync(join(proj, "devenv.lock")), false);
  assert.match(readFileSync(join(g, "devenv.ts"), "utf8"), /zig/);
  assert.deepEqual(await listJson(sb, proj), [["node", "20", "20.18.0", true], ["zig", "0.13", "0.13.0", true]]);
  const table = await sb.run(["list", "-g"], { cwd: proj });
  assertOk(table);
  assert.match(table.stdout, /^node +20 +20\.18\.0 +yes$/m);

  const rm = await sb.run(["remove", "-g", "zig"], { cwd: proj });
  assertOk(rm);
  assert.equal(rm.stdout, "removed zig\n");
  assert.doesNotMatch(readFileSync(join(g, "devenv.lock"), "utf8"), /zig/);
  assert.deepEqual(await listJson(sb, here), [["node", "20", "20.18.0", true]]);
  assert.equal(readFileSync(join(proj, "devenv.ts"), "utf8"), before, "the project is untouched");
  const again = await sb.run(["remove", "-g", "zig"], { cwd: here });
  assert.equal(again.code, 2, again.stderr);
  assert.match(again.stderr, /not in devenv\.ts: zig/);
});

test("exec, env, which and status: the user-wide layer alone outside projects, the outermost layer inside one (the project's node wins)", async () => {
  const sb = sandbox(fake.mirrors);
  const out = join(sb.project, "..", "out");
  mkdirSync(out, { recursive: true });
  const noProject = await sb.run(["exec", "node", "--version"], { cwd: out });
  assert.equal(noProject.code, 1, "no project and no user-wide tools: as before");
  assert.match(noProject.stderr, /no devenv\.ts in/);

  assertOk(await sb.run(["add", "-g", "node@20"], { cwd: out }));
  const alone = await sb.run(["exec", "node", "--version"], { cwd: out });
  assertOk(alone);
  assert.equal(alone.stdout.trim(), "v20.18.0");
  const which = await sb.run(["which", "node"], { cwd: out });
  assertOk(which);
  assert.match(which.stdout.trim(), /\/store\/[0-9a-z]{32}-node-20\.18\.0\/bin\/node$/);

  const proj = join(sb.project, "..", "proj");
  await sb.writeConfig(`export default { tools: { node: "22" }, env: { WHERE: "proj" } };\n`, proj);
  const inside = await sb.run(["exec", "node", "--version"], { cwd: proj });
  assertOk(inside);
  assert.equal(inside.stdout.trim(), "v22.11.0", "the project's node overrides the user-wide one");
  const env = await sb.run(["env", "--json"], { cwd: proj });
  assertOk(env);
  const vars = JSON.parse(env.stdout) as Record<string, string>;
  const nodes = vars.PATH!.split(":").filter((d) => /\/store\/[0-9a-z]{32}-node-/.test(d));
  assert.equal(nodes.length, 2, vars.PATH);
  assert.match(nodes[0]!, /-node-22\.11\.0\/bin$/, "the project's tools first");
  assert.match(nodes[1]!, /-node-20\.18\.0\/bin$/, "then the user-wide ones");
  assert.equal(vars.WHERE, "proj");
  const status = await sb.run(["status", "--json"], { cwd: proj });
  assertOk(status);
  const report = JSON.parse(status.stdout) as { projects: Array<{ root: string }>; here?: { root: string } };
  assert.deepEqual(report.projects.map((p) => p.root), [globalDir(sb), proj], "status checks the user-wide project too, outermost");
  assert.equal(report.here?.root, proj);

  // Inside the user-wide project's dir itself it is one layer, not two.
  const inGlobal = await sb.run(["env", "--json"], { cwd: globalDir(sb) });
  assertOk(inGlobal);
  assert.equal((JSON.parse(inGlobal.stdout) as Record<string, string>).PATH!.split(":").filter((d) => /\/store\/[0-9a-z]{32}-node-/.test(d)).length, 1);
});

test("the user-wide project is a gc root: gc keeps its tools while it lists them and frees them after remove -g", async () => {
  const sb = sandbox(fake.mirrors);
  const out = join(sb.project, "..", "out");
  mkdirSync(out, { recursive: true });
  assertOk(await sb.run(["add", "-g", "zig@0.13"], { cwd: out }));
  const zig = sb.storeEntries().find((e) => e.includes("-zig-"));
  assert.ok(zig, "installed");
  const kept = await sb.run(["gc"], { cwd: out });
  assertOk(kept);
  assert.deepEqual(sb.storeEntries(), [zig], kept.stdout);
  assertOk(await sb.run(["remove", "-g", "zig"], { cwd: out }));
  const freed = await sb.run(["gc"], { cwd: out });
  assertOk(freed);
  assert.match(freed.stdout, /removed zig 0\.13\.0/);
  assert.deepEqual(sb.storeEntries(), []);
});

test("a user-wide devenv.ts written by hand is not run until allowed; the messages name its directory for 'devenv allow'", async () => {
  const sb = sandbox(fake.mirrors);
  const out = join(sb.project, "..", "out");
  mkdirSync(out, { recursive: true });
  const g = globalDir(sb);
  mkdirSync(g, { recursive: true });
  writeFileSync(join(g, "devenv.ts"), `export default { tools: { node: "20" } };\n`);

  const alone = await sb.run(["exec", "node", "--version"], { cwd: out });
  assert.equal(alone.code, 1, alone.stdout);
  assert.match(alone.stderr, /global\/devenv\.ts is not allowed/);
  assert.match(alone.stderr, new RegExp(`run 'devenv allow'? ${g}`));
  const add = await sb.run(["add", "-g", "zig@0.13"], { cwd: out });
  assert.equal(add.code, 1);
  assert.match(add.stderr, new RegExp(`run 'devenv allow'? ${g}`));

  const proj = join(sb.project, "..", "proj");
  await sb.writeConfig(`export default { tools: { node: "22" } };\n`, proj);
  const inside = await sb.run(["exec", "node", "--version"], { cwd: proj });
  assertOk(inside);
  assert.equal(inside.stdout.trim(), "v22.11.0");
  assert.match(inside.stderr, new RegExp(`global/devenv\\.ts is not allowed; run 'devenv allow ${g}'`), "skipped with a warning, as the hook skips it");

  assertOk(await sb.run(["allow", g], { cwd: out }));
  const allowed = await sb.run(["exec", "node", "--version"], { cwd: out });
  assertOk(allowed);
  assert.equal(allowed.stdout.trim(), "v20.18.0");
});
