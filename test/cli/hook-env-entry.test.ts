/**
 * The shell hook's own entry for `devenv hook-env --activations <dir> -- <root>...` (issue 20, the
 * first visit; src/cli/hook-env-entry.ts): one CommonJS bundle run with a V8 code cache in the
 * user's cache dir, without commander. It must write exactly what the full CLI writes, in every
 * outcome (ok, blocked, error, missing, several roots), whatever its code cache holds; any other
 * command line goes to the full CLI.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { activationDir } from "../../src/state/activations.js";
import { assertOk, repoRoot, runDevenv, sandbox, type RunResult, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"] });

const v8Dir = (sb: Sandbox) => join(sb.home, "cache", "v8");
const acts = (sb: Sandbox) => join(sb.home, "state", "activations");

/** The full CLI (dist/bundle/main.js through commander), as bin/devenv.js ran every command before. */
function fullCli(sb: Sandbox): string {
  const file = join(sb.home, "..", "full-cli.mjs");
  const main = pathToFileURL(join(repoRoot, "dist", "bundle", "main.js")).href;
  writeFileSync(file, `const { main } = await import(${JSON.stringify(main)});\nawait main(process.argv);\n`);
  return file;
}

/** Every file of each root's activation dir (name → content), and what the command printed. */
function snapshot(sb: Sandbox, roots: string[], r: RunResult) {
  const files: Record<string, string> = {};
  for (const root of roots) {
    const dir = activationDir(acts(sb), root);
    for (const name of existsSync(dir) ? readdirSync(dir) : []) files[`${root}/${name}`] = readFileSync(join(dir, name), "utf8");
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, files };
}

/**
 * Run hook-env for `roots` through bin/devenv.js (the hook's entry) and through the full CLI, each
 * on a fresh activations dir, and compare everything they wrote and printed.
 */
async function sameAsFullCli(sb: Sandbox, roots: string[], env: NodeJS.ProcessEnv = {}) {
  const args = ["hook-env", "--activations", acts(sb), "--", ...roots];
  const run = (bin?: string) => runDevenv(args, { cwd: sb.home, env: { ...sb.env, ...env }, ...(bin ? { bin } : {}) });
  rmSync(acts(sb), { recursive: true, force: true });
  rmSync(v8Dir(sb), { recursive: true, force: true });
  const full = snapshot(sb, roots, await run(fullCli(sb)));
  assert.equal(existsSync(v8Dir(sb)), false, "the full CLI keeps no code cache");
  for (const round of ["no code cache yet", "its code cache"]) {
    rmSync(acts(sb), { recursive: true, force: true });
    const entry = snapshot(sb, roots, await run());
    assert.equal(readdirSync(v8Dir(sb)).filter((n) => n.endsWith(".bin")).length, 1, `the hook's entry ran (${round}) and left its code cache`);
    assert.deepEqual(entry, full, `the hook's entry (${round}) wrote and printed what the full CLI did`);
  }
  return full;
}

const CONFIG = `export default { tools: { zig: "0.13" }, env: { GREETING: "hi", DATA: "\${root}/data" } };\n`;

test("the hook's entry writes the full CLI's activation, byte for byte: ok, blocked, error, missing, several roots at once", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(CONFIG);
  assertOk(await sb.run(["install"]));

  const ok = await sameAsFullCli(sb, [sb.project]);
  assert.equal(ok.code, 0);
  const act = Object.entries(ok.files).find(([n]) => n.endsWith(".act"))?.[1] ?? "";
  assert.match(act, /^devenv-activation-1\0ok\0/, "an ok activation");
  assert.match(act, /\0GREETING\0hi\0/);

  // Another project, next to it, whose devenv.ts was never allowed; both roots in one call.
  const other = join(sb.project, "..", "other");
  mkdirSync(other);
  writeFileSync(join(other, "devenv.ts"), CONFIG);
  const two = await sameAsFullCli(sb, [sb.project, other]);
  assert.match(Object.entries(two.files).find(([n]) => n.startsWith(other) && n.endsWith(".act"))?.[1] ?? "", /^devenv-activation-1\0blocked\0/);

  // Edited since it was allowed: blocked, the full CLI and the entry alike.
  writeFileSync(join(sb.project, "devenv.ts"), CONFIG.replace('"hi"', '"hello"'));
  const changed = await sameAsFullCli(sb, [sb.project]);
  assert.match(Object.values(changed.files).join("\n"), /not allowed/);

  // Allowed, but it throws when evaluated.
  await sb.writeConfig(`throw new Error("boom in devenv.ts");\nexport default {};\n`);
  const error = await sameAsFullCli(sb, [sb.project]);
  assert.match(Object.values(error.files).join("\n"), /boom in devenv\.ts/);

  // A tool that is not installed, with installs off.
  await sb.writeConfig(`export default { tools: { zig: "0.13" }, env: { X: "1" } };\n`);
  rmSync(join(sb.home, "store"), { recursive: true, force: true });
  const missing = await sameAsFullCli(sb, [sb.project], { DEVENV_AUTO_INSTALL: "0" });
  assert.match(Object.values(missing.files).join("\n"), /not installed: zig 0\.13\.0/);
});

test("a code cache V8 refuses, or one that cannot be written, changes nothing: the entry compiles and writes the same activation", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(CONFIG);
  assertOk(await sb.run(["install"]));
  const args = ["hook-env", "--activations", acts(sb), "--", sb.project];
  const expected = snapshot(sb, [sb.project], await sb.run(args));
  const [cache] = readdirSync(v8Dir(sb));
  assert.ok(cache, "a code cache was written after the run");

  // Garbage where the cache was: V8 rejects it, the run is the same, the cache is written anew.
  // Then an earlier build's cache goes; this build's for another Node stays.
  writeFileSync(join(v8Dir(sb), cache), "not a code cache");
  const earlier = "hook-env-main-0123456789abcdef.cjs.v20.0.0-x64.bin";
  const otherNode = cache.replace(/\.v[^.]+\.[^.]+\.[^-]+-/, ".v99.0.0-");
  assert.notEqual(otherNode, cache);
  for (const n of [earlier, otherNode]) writeFileSync(join(v8Dir(sb), n), "");
  rmSync(acts(sb), { recursive: true });
  assert.deepEqual(snapshot(sb, [sb.project], await sb.run(args)), expected);
  assert.notEqual(readFileSync(join(v8Dir(sb), cache), "utf8"), "not a code cache", "the refused cache was replaced");
  assert.deepEqual(readdirSync(v8Dir(sb)).sort(), [cache, otherNode].sort(), "an earlier build's cache removed, another Node's kept");

  // The cache dir cannot be made (a file in its place): no cache, same result.
  rmSync(join(sb.home, "cache"), { recursive: true });
  writeFileSync(join(sb.home, "cache"), "");
  rmSync(acts(sb), { recursive: true });
  assert.deepEqual(snapshot(sb, [sb.project], await sb.run(args)), expected);
});

test("any other hook-env command line goes to the full CLI, unchanged: help, global flags, a relative --activations, no '--'", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { env: { A: "1" } };\n`);
  const help = await sb.run(["hook-env", "--help"]);
  assertOk(help);
  assert.match(help.stdout, /^Usage: devenv hook-env \[options\] \[roots\.\.\.\]/);

  for (const args of [
    ["-q", "hook-env", "--activations", acts(sb), "--", sb.project],
    ["hook-env", "--activations", acts(sb), sb.project],
    ["hook-env", "--activations=" + acts(sb), "--", sb.project],
  ]) {
    rmSync(acts(sb), { recursive: true, force: true });
    assertOk(await sb.run(args));
    assert.ok(existsSync(join(activationDir(acts(sb), sb.project), ".devenv.current")), `${args.join(" ")}: the full CLI wrote the activation`);
    assert.equal(existsSync(v8Dir(sb)), false, `${args.join(" ")}: not the hook's entry (it would leave a code cache)`);
  }
  // Relative to the cwd: the full CLI takes it as given.
  const rel = await sb.run(["hook-env", "--activations", "acts", "--", sb.project], { cwd: sb.home });
  assertOk(rel);
  assert.ok(existsSync(join(activationDir(join(sb.home, "acts"), sb.project), ".devenv.current")));
  assert.equal(existsSync(v8Dir(sb)), false);
});

test("the built hook-env bundle is named by a hash of its content (its code cache is keyed by that name) and is ASCII (read as latin1)", () => {
  const entry = readFileSync(join(repoRoot, "dist", "bundle", "hook-env.js"), "utf8");
  const name = /"(hook-env-main-([0-9a-f]{16})\.cjs)"/.exec(entry);
  assert.ok(name, "hook-env.js names its bundle");
  const bytes = readFileSync(join(repoRoot, "dist", "bundle", name[1]!));
  assert.equal(createHash("sha256").update(bytes).digest("hex").slice(0, 16), name[2], "the name's hash is the content's");
  assert.equal(bytes.findIndex((b) => b > 0x7f), -1, "ASCII only");
});
