/**
 * devenv.ts may import local files (TypeScript or JavaScript); trust covers every one of them, so an
 * edited helper is refused like an edited devenv.ts, by every command and by the hook's refresh.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { decodeActivation } from "../../src/shell/activation.js";
import { currentActivationFile } from "../../src/state/activations.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"] });

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** The activation the hook's refresh (`devenv hook-env`) writes for the project. */
async function hookRefresh(sb: Sandbox) {
  const acts = join(sb.home, "state", "activations");
  assertOk(await sb.run(["hook-env", "--activations", acts, "--", sb.project]));
  const file = currentActivationFile(acts, sb.project);
  assert.ok(file, "an activation was written");
  return decodeActivation(readFileSync(file, "utf8"))!;
}

test("devenv.ts importing ./helper.ts and ./lib/util.js: loads once allowed; allow lists the files and hashes; an edited helper is refused by every command and not evaluated by the hook", async () => {
  const sb = sandbox(fake.mirrors);
  const marker = join(sb.project, "..", "helper-ran");
  write(sb.project, {
    "devenv.ts": `import { defineConfig } from "devenv";\nimport { greeting } from "./helper";\nimport { n } from "./lib/util.js";\nexport default defineConfig({ env: { GREETING: greeting, N: n } });\n`,
    "helper.ts": `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(marker)}, "ran\\n");\nexport const greeting: string = "hello";\n`,
    "lib/util.js": `export const n = String(1 + 2);\n`,
  });
  const notAllowed = await sb.run(["env"]);
  assert.equal(notAllowed.code, 1);
  assert.match(notAllowed.stderr, /devenv\.ts is not allowed\n  hint: devenv\.ts and the local files it imports is code/);

  const allow = await sb.run(["allow"]);
  assertOk(allow);
  const short = (f: string) => sha(join(sb.project, f)).slice(0, 12);
  const lines = allow.stderr.trimEnd().split("\n");
  assert.match(lines[0]!, new RegExp(`^devenv: allowed ${sb.project}/devenv\\.ts and the 2 local files it imports \\(trust hash [0-9a-f]{12}\\):$`));
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)), [
    ["devenv.ts", "sha256", short("devenv.ts")],
    ["helper.ts", "sha256", short("helper.ts")],
    ["lib/util.js", "sha256", short("lib/util.js")],
  ]);
  assert.equal(existsSync(marker), false, "allow compiles, it runs nothing");

  const env = await sb.run(["env", "--json"]);
  assertOk(env);
  assert.equal(JSON.parse(env.stdout).GREETING, "hello");
  assert.equal(JSON.parse(env.stdout).N, "3");
  assert.equal((await hookRefresh(sb)).status, "ok");
  rmSync(marker);

  // The helper changes (a pull, a teammate): nothing runs it until it is allowed again.
  writeFileSync(join(sb.project, "helper.ts"), readFileSync(join(sb.project, "helper.ts"), "utf8").replace('"hello"', '"pwned"'));
  const devenvTs = readFileSync(join(sb.project, "devenv.ts"), "utf8");
  for (const args of [["env"], ["exec", "--", "true"], ["install"], ["list"], ["lock"], ["shell"], ["which", "zig"], ["add", "zig@0.13"], ["remove", "zig"]]) {
    const r = await sb.run(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /devenv\.ts changed since it was allowed \(changed: helper\.ts\)/, args.join(" "));
  }
  assert.equal(readFileSync(join(sb.project, "devenv.ts"), "utf8"), devenvTs, "a refused add leaves devenv.ts alone");
  const blocked = await hookRefresh(sb);
  assert.equal(blocked.status, "blocked");
  assert.equal(blocked.message, `devenv: ${sb.project}/devenv.ts is not allowed (changed: helper.ts); run 'devenv allow' (keeping the environment of the content you allowed)`);
  assert.equal(blocked.plan.set.GREETING, "hello", "the allowed content's environment stays meanwhile");
  const status = await sb.run(["status", "--json"]);
  assert.equal(JSON.parse(status.stdout).here.trust, "changed");
  assert.equal(existsSync(marker), false, "the changed helper was not evaluated");

  assertOk(await sb.run(["allow"]));
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).GREETING, "pwned");
  assert.equal((await hookRefresh(sb)).status, "ok");
});

test("an edited helper.js is not run from the compiled-config cache: refused until allowed, then the new one runs", async () => {
  const sb = sandbox(fake.mirrors);
  write(sb.project, {
    "devenv.ts": `import { value } from "./helper.js";\nexport default { env: { VALUE: value } };\n`,
    "helper.js": `export const value = "one";\n`,
  });
  assertOk(await sb.run(["allow"]));
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).VALUE, "one");
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).VALUE, "one", "again, from the cache");

  writeFileSync(join(sb.project, "helper.js"), `export const value = "two";\n`);
  const changed = await sb.run(["env", "--json"]);
  assert.equal(changed.code, 1, changed.stdout);
  assert.match(changed.stderr, /changed since it was allowed \(changed: helper\.js\)/);
  // Allowed as it is now: what runs is the new helper, not the compile cached for the old one.
  assertOk(await sb.run(["allow"]));
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).VALUE, "two", "the allowed new helper runs");

  writeFileSync(join(sb.project, "helper.js"), `export const value = "one";\n`);
  assert.equal((await sb.run(["env", "--json"])).code, 1, "back to the old bytes: a change again");
  assertOk(await sb.run(["allow"]));
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).VALUE, "one");

  // A helper.ts appearing next to helper.js changes what "./helper" names: a new file, not yet allowed.
  writeFileSync(join(sb.project, "devenv.ts"), `import { value } from "./helper";\nexport default { env: { VALUE: value } };\n`);
  assertOk(await sb.run(["allow"]));
  assert.equal(JSON.parse((await sb.run(["env", "--json"])).stdout).VALUE, "one");
  writeFileSync(join(sb.project, "helper.ts"), `export const value: string = "shadow";\n`);
  const shadowed = await sb.run(["env", "--json"]);
  assert.equal(shadowed.code, 1, shadowed.stdout);
  assert.match(shadowed.stderr, /changed since it was allowed \(new: helper\.ts; no longer imported: helper\.js\)/);
});

test("imports of packages are refused with file:line, and so is a require of a computed path at run time", async () => {
  const sb = sandbox(fake.mirrors);
  write(sb.project, {
    "devenv.ts": `import { defineConfig } from "devenv";\nimport pad from "left-pad";\nexport default defineConfig({ env: { X: pad("x", 3) } });\n`,
    "node_modules/left-pad/package.json": `{ "name": "left-pad", "main": "index.js" }\n`,
    "node_modules/left-pad/index.js": `module.exports = (s, n) => s.padStart(n);\n`,
  });
  const allow = await sb.run(["allow"]);
  assertOk(allow);
  assert.match(allow.stderr, /devenv: note: it does not load yet/);
  const r = await sb.run(["env"]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^devenv: ${sb.project}/devenv\\.ts:2:17: import "left-pad": a config does not load packages`));
  assert.match(r.stderr, /hint: Copy what the config needs from the package into a file next to devenv\.ts/);

  write(sb.project, {
    "devenv.ts": `const name = ["./helper", "js"].join(".");\nconst { x } = require(name);\nexport default { env: { X: x } };\n`,
    "helper.js": `exports.x = "loaded";\n`,
  });
  assertOk(await sb.run(["allow"]));
  const computed = await sb.run(["env"]);
  assert.equal(computed.code, 1, computed.stdout);
  assert.match(computed.stderr, /evaluating devenv\.ts failed: require\("\.\/helper\.js"\) at run time: a config loads only Node built-ins and "devenv" this way/);
});

test("add keeps its own edit allowed when the imported files are the ones allowed, and not when one changed", async () => {
  const sb = sandbox(fake.mirrors);
  write(sb.project, {
    "devenv.ts": `import { defineConfig } from "devenv";\nimport { shared } from "./shared.ts";\nexport default defineConfig({ tools: {}, env: shared });\n`,
    "shared.ts": `export const shared: Record<string, string> = { TEAM: "a" };\n`,
  });
  assertOk(await sb.run(["allow"]));
  assertOk(await sb.run(["add", "zig@0.13"]));
  const r = await sb.run(["exec", "--", "sh", "-c", 'printf "%s" "$TEAM"; zig version']);
  assertOk(r);
  assert.equal(r.stdout, "a0.13.0\n");

  writeFileSync(join(sb.project, "shared.ts"), `export const shared: Record<string, string> = { TEAM: "b" };\n`);
  const refused = await sb.run(["remove", "zig"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /changed since it was allowed \(changed: shared\.ts\)/);
  assert.match(readFileSync(join(sb.project, "devenv.ts"), "utf8"), /zig/);
});

test("env refuses loader, shell and devenv names; unsafeEnv unlocks the loader ones only", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { env: { LD_PRELOAD: "/tmp/x.so" } };\n`);
  const r = await sb.run(["env"]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^devenv: ${sb.project}/devenv\\.ts: env\\.LD_PRELOAD: not settable from devenv\\.ts: the dynamic loader reads it`));
  assert.match(r.stderr, /hint: .*unsafeEnv: \["LD_PRELOAD"\]/);

  await sb.writeConfig(`export default { env: { BASH_ENV: "\${root}/evil.sh" } };\n`);
  const shell = await sb.run(["exec", "--", "true"]);
  assert.equal(shell.code, 1);
  assert.match(shell.stderr, /env\.BASH_ENV: not settable from devenv\.ts: the shells run it as code/);

  await sb.writeConfig(`export default { env: { DEVENV_STATE: "x" }, unsafeEnv: ["DEVENV_STATE"] };\n`);
  const reserved = await sb.run(["env"]);
  assert.equal(reserved.code, 1);
  assert.match(reserved.stderr, /unsafeEnv\.0: expected a dynamic loader variable/);

  await sb.writeConfig(`export default { env: { LD_LIBRARY_PATH: "\${root}/lib", OTHER: "1" }, unsafeEnv: ["LD_LIBRARY_PATH"] };\n`);
  const unlocked = await sb.run(["env", "--json"]);
  assertOk(unlocked);
  assert.equal(JSON.parse(unlocked.stdout).LD_LIBRARY_PATH, `${sb.project}/lib`);
});
