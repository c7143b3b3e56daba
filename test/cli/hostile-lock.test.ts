/**
 * devenv.lock is data from the network (issue 13): a pulled lock that is not what devenv.ts and the
 * recipes would produce is refused, by every command and by the hook's refresh, before anything is
 * downloaded, written or installed — and a store path is never built from what it says unchecked.
 * Each project here is allowed (devenv.ts is trusted); only its devenv.lock is hostile.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { decodeActivation } from "../../src/shell/activation.js";
import { activationsRoot, currentActivationFile } from "../../src/state/activations.js";
import { hostPlatform } from "../../src/platform/host.js";
import { gzip, sha256hex, tarEntries } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, sandbox, type RunResult, type Sandbox } from "../helpers/cli.js";

installNetGuard();
let fake: FakeUpstream;
const platform = hostPlatform()!;

/** An inline tool's archive: `bin/mytool` printing `says`. */
const toolArchive = (says: string) =>
  gzip(tarEntries([
    { path: "mytool/", type: "dir" },
    { path: "mytool/bin/", type: "dir" },
    { path: "mytool/bin/mytool", content: `#!/bin/sh\necho ${says}\n`, mode: 0o755 },
  ]));
const GOOD = toolArchive("good");
const EVIL = toolArchive("evil");
/** Inline URLs without {version}: nothing in them ties the lock's version to devenv.ts. */
const TOOL_URL = "https://downloads.example.com/mytool.tar.gz";
const OTHER_URL = "https://downloads.example.com/other.tar.gz";

before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"], node: ["20.18.0"] });
  fake.addFile("/downloads.example.com/mytool.tar.gz", GOOD);
  // What a hostile server (or a compromised host) serves for the lock's own sha256.
  fake.addFile("/downloads.example.com/other.tar.gz", EVIL);
});
after(async () => {
  await fake.close();
  assertNoExternalRequests();
});

interface Hostile {
  sb: Sandbox;
  /** Where the traversal would land: a sibling of DEVENV_HOME, its parent dir made (so a rename there would succeed). */
  target: string;
  lockText: string;
}

/** A sandbox whose project is allowed and whose devenv.lock is `lock` as a pull left it. */
async function hostile(config: string, lock: unknown): Promise<Hostile> {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(config);
  const target = join(dirname(sb.home), "outside", "escaped");
  mkdirSync(dirname(target), { recursive: true });
  const lockText = `${JSON.stringify(lock, null, 2)}\n`;
  writeFileSync(join(sb.project, "devenv.lock"), lockText);
  return { sb, target, lockText };
}

/** A version that, as a store entry name `<hash>-<tool>-<version>`, points from the store to `target`. */
const ESCAPE = "../../../../outside/escaped";

const inlineConfig = (url: string, sha: string) =>
  `export default { tools: { mytool: { version: "1.2.3", url: "${url}", sha256: { "${platform}": "${sha}" } } } };\n`;

const inlineLock = (over: { version?: string; url?: string; sha?: string; optionsSha?: string }) => ({
  lockVersion: 1,
  tools: {
    mytool: {
      request: "1.2.3",
      version: over.version ?? "1.2.3",
      source: "inline",
      recipeRevision: 1,
      options: { sha256: { [platform]: over.optionsSha ?? over.sha ?? sha256hex(GOOD) }, url: over.url ?? TOOL_URL },
      platforms: { [platform]: { url: over.url ?? TOOL_URL, sha256: over.sha ?? sha256hex(GOOD), format: "tar.gz", strip: "auto" } },
    },
  },
});

/** Nothing outside the store, nothing in it, devenv.lock as it was. */
function assertUntouched(h: Hostile, what: string): void {
  assert.equal(existsSync(h.target), false, `${what}: nothing was moved to ${h.target}`);
  assert.deepEqual(readdirSync(dirname(h.target)), [], `${what}: nothing beside it either`);
  assert.deepEqual(h.sb.storeEntries(), [], `${what}: no store entry`);
  assert.equal(readFileSync(join(h.sb.project, "devenv.lock"), "utf8"), h.lockText, `${what}: devenv.lock unchanged`);
}

function assertRefused(r: RunResult, field: RegExp, what: string): void {
  assert.equal(r.code, 1, `${what}: exit 1\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, field, `${what}: names the field`);
  assert.match(r.stderr, /hint: /, `${what}: says what to do`);
}

/** What the hook runs on `cd` when the project's cached activation is missing: the activation it wrote. */
async function hookEnv(sb: Sandbox) {
  const r = await sb.run(["hook-env", "--", sb.project]);
  assertOk(r);
  const file = currentActivationFile(activationsRoot(join(sb.home, "state")), sb.project);
  assert.ok(file, "an activation was written");
  return decodeActivation(readFileSync(file, "utf8"))!;
}

test("an inline tool's lock version with ../ is refused by install, install --frozen, exec and the hook; nothing lands outside the store", async () => {
  const config = inlineConfig(TOOL_URL, sha256hex(GOOD));
  const lock = inlineLock({ version: ESCAPE });
  // Refused as a version (the schema), before it is even compared with devenv.ts's.
  const field = /devenv\.lock: tools\.mytool\.version: "\.\.\/\.\.\/\.\.\/\.\.\/outside\/escaped" is not a version/;
  for (const args of [["install"], ["install", "--frozen"], ["exec", "--", "mytool"]]) {
    const h = await hostile(config, lock);
    assert.equal(join(h.sb.home, "store", `x-mytool-${ESCAPE}`), h.target, "the version would lead there");
    assertRefused(await h.sb.run(args), field, args.join(" "));
    assertUntouched(h, args.join(" "));
  }
  const h = await hostile(config, lock);
  const act = await hookEnv(h.sb);
  assert.equal(act.status, "error");
  assert.match(act.message, /^devenv: .*: .*devenv\.lock: tools\.mytool\.version: ".*" is not a version/);
  assert.deepEqual(act.dirs, []);
  assertUntouched(h, "hook-env");
});

test("an inline tool's lock sha256 that differs from devenv.ts's is refused, even when the server serves bytes matching it", async () => {
  const config = inlineConfig(OTHER_URL, sha256hex(GOOD));
  // Request, version and options as devenv.ts says: only the platform's sha256 is the lock's own.
  const lock = inlineLock({ url: OTHER_URL, sha: sha256hex(EVIL), optionsSha: sha256hex(GOOD) });
  const field = new RegExp(`devenv\\.lock: tools\\.mytool\\.platforms\\.${platform}\\.sha256: `);
  fake.reset();
  for (const args of [["install"], ["install", "--frozen"], ["exec", "--", "mytool"]]) {
    const h = await hostile(config, lock);
    const r = await h.sb.run(args);
    assertRefused(r, field, args.join(" "));
    assert.doesNotMatch(r.stdout, /evil/);
    assertUntouched(h, args.join(" "));
  }
  const h = await hostile(config, lock);
  const act = await hookEnv(h.sb);
  assert.equal(act.status, "error");
  assert.match(act.message, field);
  assertUntouched(h, "hook-env");
  assert.equal(fake.count("/downloads.example.com/other.tar.gz"), 0, "nothing was downloaded");
});

test("a registry tool's lock version with / is refused (node 'lts': its range does not bound the version)", async () => {
  const version = ESCAPE;
  const file = `node-v${version}-${platform}.tar.xz`;
  const url = `https://nodejs.org/dist/v${version}/${file}`;
  // Serve the real node archive where that URL leads once its dot segments are resolved, so only the check stops it.
  const served = new URL(url.replace("https://nodejs.org", `${fake.origin}/nodejs.org`)).pathname;
  const body = (await fake.get(`/nodejs.org/dist/v20.18.0/node-v20.18.0-${platform}.tar.xz`))!;
  fake.addFile(served, body);
  const lock = {
    lockVersion: 1,
    tools: {
      node: {
        request: "lts", version, source: "registry:node", recipeRevision: 1,
        platforms: { [platform]: { url, sha256: sha256hex(body), format: "tar.xz", strip: 1 } },
      },
    },
  };
  for (const args of [["install"], ["install", "--frozen"], ["exec", "--", "node", "-v"], ["lock"]]) {
    const h = await hostile(`export default { tools: { node: "lts" } };\n`, lock);
    assertRefused(await h.sb.run(args), /devenv\.lock: tools\.node\.version: /, args.join(" "));
    assertUntouched(h, args.join(" "));
  }
});

test("gc with a hostile lock in a registered project: the lock counts as unreadable, what the project last used is kept, nothing outside the store is touched", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assertOk(await sb.run(["install"]));
  const [zig] = sb.storeEntries();
  assert.ok(zig);
  // A pull brings a lock whose zig version walks out of the store, to a dir that exists there.
  const outside = join(dirname(sb.home), "outside", "escaped");
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "keep"), "not the store's\n");
  const lockFile = join(sb.project, "devenv.lock");
  const lock = JSON.parse(readFileSync(lockFile, "utf8"));
  lock.tools.zig.version = ESCAPE;
  writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  const r = await sb.run(["gc", "--json"]);
  assertOk(r);
  const report = JSON.parse(r.stdout) as { removed: unknown[]; unreadableLocks: Array<{ path: string; reason: string }> };
  assert.deepEqual(report.removed, []);
  assert.equal(report.unreadableLocks.length, 1);
  assert.match(report.unreadableLocks[0]!.reason, /devenv\.lock: tools\.zig\.version: /);
  assert.deepEqual(sb.storeEntries(), [zig], "the entry the project last used is kept");
  assert.equal(readFileSync(join(outside, "keep"), "utf8"), "not the store's\n");
  const text = await sb.run(["gc"]);
  assertOk(text);
  assert.match(text.stderr + text.stdout, /devenv\.lock unreadable \(.*tools\.zig\.version: /);
});

test("a lock made with an older recipe revision is locked again at its version, not trusted; a newer one is refused", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assertOk(await sb.run(["lock"]));
  const lockFile = join(sb.project, "devenv.lock");
  const good = readFileSync(lockFile, "utf8");
  const withRevision = (n: number) => {
    const lock = JSON.parse(good);
    lock.tools.zig.recipeRevision = n;
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    return readFileSync(lockFile, "utf8");
  };
  const old = withRevision(0);
  const frozen = await sb.run(["install", "--frozen"]);
  assert.equal(frozen.code, 1, frozen.stderr);
  assert.match(frozen.stderr, /zig: devenv\.lock was made with revision 0 of the zig recipe, this devenv has revision 1/);
  assert.equal(readFileSync(lockFile, "utf8"), old);
  assert.deepEqual(sb.storeEntries(), []);
  assertOk(await sb.run(["install"]));
  assert.equal(readFileSync(lockFile, "utf8"), good, "the same version, locked with this devenv's recipe");
  withRevision(7);
  const newer = await sb.run(["install"]);
  assertRefused(newer, /devenv\.lock: tools\.zig\.recipeRevision: 7 is newer than this devenv's zig recipe \(revision 1\)/, "install");
  assert.match(newer.stderr, /hint: A newer devenv wrote this lock: upgrade devenv, or run 'devenv update zig'/);
});

test("a devenv.lock (or a file devenv.ts imports) linked to /dev/zero, a FIFO or /dev/tty is refused at once: no command, hook refresh or gc reads it", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assertOk(await sb.run(["install"])); // registered, so gc reads its lock
  const lock = join(sb.project, "devenv.lock");
  const fifo = join(dirname(sb.home), "fifo");
  execFileSync("mkfifo", [fifo]);
  for (const target of ["/dev/zero", fifo, "/dev/tty"]) {
    rmSync(lock);
    symlinkSync(target, lock);
    for (const args of [["list"], ["install"], ["exec", "--", "true"]]) {
      const started = Date.now();
      // Killed (failing the test) if it blocks on the FIFO or keeps reading /dev/zero.
      const r = await sb.run(args, { timeoutMs: 20_000 });
      assert.equal(r.code, 1, `${args.join(" ")} with devenv.lock -> ${target}: ${r.stderr}`);
      assert.match(r.stderr, /devenv\.lock: not a regular file\n/, `${args.join(" ")} -> ${target}`);
      assert.ok(Date.now() - started < 10_000, `${args.join(" ")} -> ${target} took ${Date.now() - started} ms`);
    }
    const act = activationsRoot(join(sb.home, "state"));
    const r = await sb.run(["hook-env", "--activations", act, "--", sb.project], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    const a = decodeActivation(readFileSync(currentActivationFile(act, sb.project)!, "utf8"))!;
    assert.equal(a.status, "error");
    assert.match(a.message, /devenv\.lock: not a regular file/);
    // A real gc: it says it could not read that lock, and keeps what the project last used.
    const entries = sb.storeEntries();
    const gc = await sb.run(["gc", "--json"]);
    assert.equal(gc.code, 0, gc.stderr);
    const report = JSON.parse(gc.stdout) as { removed: unknown[]; unreadableLocks: Array<{ reason: string }> };
    assert.deepEqual(report.removed, [], `-> ${target}: nothing removed`);
    assert.match(report.unreadableLocks[0]?.reason ?? "", /not a regular file/);
    assert.deepEqual(sb.storeEntries(), entries, "zig is still in the store");
    assert.ok(entries.some((e) => e.endsWith("-zig-0.13.0")), entries.join(", "));
  }
  rmSync(lock);
  // An import that was a file when the config was compiled (and cached), now a link to /dev/zero.
  const helper = join(sb.project, "helper.ts");
  writeFileSync(helper, `export const x = 1;\n`);
  writeFileSync(join(sb.project, "devenv.ts"), `import "./helper.ts";\nexport default {};\n`);
  assertOk(await sb.run(["allow"]));
  assertOk(await sb.run(["list"]));
  rmSync(helper);
  symlinkSync("/dev/zero", helper);
  const started = Date.now();
  const list = await sb.run(["list"]);
  assert.equal(list.code, 1, list.stderr);
  // Not read: the cached compile no longer matches, and what is there now is not what was allowed.
  assert.match(list.stderr, /devenv\.ts changed since it was allowed \(no longer imported: helper\.ts\)/, list.stderr);
  assert.ok(Date.now() - started < 10_000, `list took ${Date.now() - started} ms`);
  const allow = await sb.run(["allow"]);
  assert.match(allow.stderr, /helper\.ts is not a regular file/, allow.stderr);
});
