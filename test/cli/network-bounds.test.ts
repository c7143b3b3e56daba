/**
 * Issue 13, finding 5 through the CLI: no network call hangs a command (the default bounds, the
 * DEVENV_HTTP_* settings), and a failed or interrupted `devenv add` / `devenv remove` leaves
 * devenv.ts, devenv.lock and the trust record exactly as they were.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startHostile, type HostileServer } from "../support/hostile-http.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { devenvBin, sandbox, type Sandbox } from "../helpers/cli.js";
import { waitFor } from "../support/wait.js";

installNetGuard();
let fake: FakeUpstream;
let hostile: HostileServer;
before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"], go: ["1.23.4"] });
  hostile = await startHostile();
  hostile.on(/^\/silent\//, { kind: "silent" });
  // Shorter than the 496 bytes the lock records for the zig tarball (a longer one is refused at once).
  hostile.on(/^\/stall\//, { kind: "stall", length: 400, prefix: Buffer.alloc(100, 1) });
  hostile.on(/^\/trickle\//, { kind: "trickle", length: 490, bytes: 5, everyMs: 50 });
});
after(async () => {
  await hostile.close();
  await fake.close();
  assertNoExternalRequests();
});

const read = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** devenv.ts, devenv.lock and the trust records, byte for byte (undefined: absent). */
function snapshot(sb: Sandbox) {
  const trustDir = join(sb.home, "state", "trust");
  let trust: Record<string, string | undefined> = {};
  try {
    trust = Object.fromEntries(readdirSync(trustDir).map((n) => [n, read(join(trustDir, n))]));
  } catch {
    /* none */
  }
  return { config: read(join(sb.project, "devenv.ts")), lock: read(join(sb.project, "devenv.lock")), trust };
}

/** A project with an allowed devenv.ts (spaced oddly, as a person writes it) and a devenv.lock from devenv. */
async function lockedProject(mirrors: string, env: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
  const sb = sandbox(fake.mirrors, env);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`// mine\nexport default {\n    tools: {  },\n};\n`);
  const r = await sb.run(["lock"]);
  assert.equal(r.code, 0, r.stderr);
  sb.env.DEVENV_MIRRORS = mirrors;
  return sb;
}

const withZigIndexAt = (prefix: string) => `${fake.mirrors},https://ziglang.org/download/index.json=${hostile.origin}/${prefix}/index.json`;
const withZigDownloadAt = (prefix: string) => `${fake.mirrors},https://ziglang.org/download/0.13.0/=${hostile.origin}/${prefix}/`;

test("done when: `devenv add zig@0.13` against a server that never answers fails within 45 s with the defaults, naming the host and the setting; devenv.ts, devenv.lock and trust are unchanged", async () => {
  const existing = await lockedProject(withZigIndexAt("silent/a"));
  const fresh = sandbox(withZigIndexAt("silent/b"));
  mkdirSync(fresh.project, { recursive: true });
  const before = [snapshot(existing), snapshot(fresh)];
  assert.ok(before[0]!.lock !== undefined && before[1]!.config === undefined);
  const t = Date.now();
  const [r1, r2] = await Promise.all([existing.run(["add", "zig@0.13"]), fresh.run(["add", "zig@0.13"])]);
  const took = Date.now() - t;
  for (const r of [r1, r2]) {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`devenv: ${hostile.host} did not answer: no response to ${hostile.origin}/silent/[ab]/index\\.json within 30 s\\n`), r.stderr);
    assert.match(r.stderr, /hint: .*set DEVENV_HTTP_FIRST_BYTE_TIMEOUT/);
  }
  assert.ok(took <= 45_000, `took ${took} ms`);
  assert.ok(took >= 29_000, `the default first-byte timeout is 30 s (took ${took} ms)`);
  assert.deepEqual([snapshot(existing), snapshot(fresh)], before);
  assert.equal(hostile.hits("/silent/a/index.json"), 1, "not retried");
});

test("a download that stalls after its headers fails after DEVENV_HTTP_IDLE_TIMEOUT, a trickle after DEVENV_HTTP_MIN_SPEED_TIME; the failed add changes nothing", async () => {
  const stalled = await lockedProject(withZigDownloadAt("stall/a"), { DEVENV_HTTP_IDLE_TIMEOUT: "1" });
  const before = snapshot(stalled);
  const r = await stalled.run(["add", "zig@0.13"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`devenv: ${hostile.host} stopped sending: no data for 1 s while downloading ${hostile.origin}/stall/a/zig-linux-x86_64-0\\.13\\.0\\.tar\\.xz\\n  hint: .*set DEVENV_HTTP_IDLE_TIMEOUT`));
  assert.deepEqual(snapshot(stalled), before);
  assert.equal(hostile.hits(/^\/stall\/a\//), 1, "not retried");
  assert.deepEqual(stalled.storeEntries(), []);

  const fresh = sandbox(withZigDownloadAt("trickle/b"), { DEVENV_HTTP_MIN_SPEED: "1000", DEVENV_HTTP_MIN_SPEED_TIME: "1.5" });
  mkdirSync(fresh.project, { recursive: true });
  const t = Date.now();
  const r2 = await fresh.run(["add", "zig@0.13"]);
  assert.equal(r2.code, 1, r2.stderr);
  assert.ok(Date.now() - t < 15_000);
  assert.match(r2.stderr, new RegExp(`devenv: ${hostile.host} is too slow: under 1000 bytes/s for 1\\.5 s while downloading ${hostile.origin}/trickle/b/`));
  assert.deepEqual(snapshot(fresh), { config: undefined, lock: undefined, trust: {} }, "no devenv.ts, no devenv.lock, no trust record");
});

function start(sb: Sandbox, args: string[]) {
  const child = spawn(process.execPath, [devenvBin, ...args], { cwd: sb.project, env: sb.env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));
  return { child, done, err: () => stderr };
}

for (const sig of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
  test(`${sig} during \`devenv add\` while the download is stalled: devenv.ts, devenv.lock and trust byte for byte as they were`, async () => {
    const prefix = `stall/${sig}`;
    const existing = await lockedProject(withZigDownloadAt(`${prefix}/a`));
    const fresh = sandbox(withZigDownloadAt(`${prefix}/b`));
    mkdirSync(fresh.project, { recursive: true });
    for (const [sb, label] of [[existing, "a"], [fresh, "b"]] as const) {
      const before = snapshot(sb);
      const p = start(sb, ["add", "zig@0.13"]);
      await waitFor("the download to start", () => hostile.hits(new RegExp(`^/${prefix}/${label}/`)) > 0, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      p.child.kill(sig);
      const r = await p.done;
      if (sig === "SIGKILL") assert.equal(r.signal, "SIGKILL");
      else assert.equal(r.code, sig === "SIGINT" ? 130 : 143, p.err());
      assert.deepEqual(snapshot(sb), before, `${label}: ${p.err()}`);
    }
  });
}

test("`devenv remove`: a silent upstream while re-locking, or Ctrl-C then, leaves devenv.ts, devenv.lock and trust as they were", async () => {
  // The lock pins zig; go is in devenv.ts but not locked yet, so removing zig must resolve go.
  const sb = sandbox(fake.mirrors, { DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "1" });
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  assert.equal((await sb.run(["lock"])).code, 0);
  await sb.writeConfig(`export default { tools: { zig: "0.13", go: "1.23" } };\n`);
  sb.env.DEVENV_MIRRORS = `${fake.mirrors},https://go.dev/=${hostile.origin}/silent/go/`;
  const before = snapshot(sb);
  const r = await sb.run(["remove", "zig"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`devenv: ${hostile.host} did not answer: no response to ${hostile.origin}/silent/go/dl/.* within 1 s\\n  hint: .*DEVENV_HTTP_FIRST_BYTE_TIMEOUT`));
  assert.deepEqual(snapshot(sb), before);

  sb.env.DEVENV_HTTP_FIRST_BYTE_TIMEOUT = "60";
  const hits = hostile.hits(/^\/silent\/go\//);
  const p = start(sb, ["remove", "zig"]);
  await waitFor("the go index request", () => hostile.hits(/^\/silent\/go\//) > hits, 20_000);
  p.child.kill("SIGINT");
  assert.equal((await p.done).code, 130, p.err());
  assert.deepEqual(snapshot(sb), before);
});

test("a DEVENV_HTTP_* value that is not a number is a usage error naming the variable", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
  const bad = await sb.run(["lock"], { env: { DEVENV_HTTP_IDLE_TIMEOUT: "soon" } });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^devenv: DEVENV_HTTP_IDLE_TIMEOUT="soon" is not a number of seconds greater than 0\n  hint: Give seconds, e\.g\. DEVENV_HTTP_IDLE_TIMEOUT=30/);
  const zero = await sb.run(["lock"], { env: { DEVENV_HTTP_CONNECT_TIMEOUT: "0" } });
  assert.equal(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /DEVENV_HTTP_CONNECT_TIMEOUT="0" is not a number of seconds greater than 0/);
  const speed = await sb.run(["lock"], { env: { DEVENV_HTTP_MIN_SPEED: "1k" } });
  assert.equal(speed.code, 2, speed.stderr);
  assert.match(speed.stderr, /DEVENV_HTTP_MIN_SPEED="1k" is not a number of bytes per second/);
  const ok = await sb.run(["lock"], { env: { DEVENV_HTTP_MIN_SPEED: "0", DEVENV_HTTP_IDLE_TIMEOUT: "2.5" } });
  assert.equal(ok.code, 0, ok.stderr);
});

test("add writes at the end: devenv.ts edited while the download runs is left as the user wrote it (nothing written); a successful add keeps a symlinked devenv.ts a symlink, and its mode", async () => {
  const sb = await lockedProject(fake.mirrors, { DEVENV_HTTP_MIN_SPEED: "0" });
  // Held while devenv.ts is edited: the add cannot finish before the edit, however slow the machine.
  const hold = fake.hold(/zig-linux-x86_64-0\.13\.0\.tar\.xz$/);
  try {
    const lockBefore = snapshot(sb).lock;
    const p = start(sb, ["add", "zig@0.13"]);
    await waitFor("the download to start", () => fake.count(/zig-linux-x86_64-0\.13\.0\.tar\.xz$/) > 0, 20_000);
    const mine = `// edited meanwhile\nexport default { tools: {} };\n`;
    writeFileSync(join(sb.project, "devenv.ts"), mine);
    hold.release();
    const r = await p.done;
    assert.equal(r.code, 1, p.err());
    assert.match(p.err(), new RegExp(`devenv: devenv\\.ts in ${sb.project} changed while devenv add was running; nothing was written\\n  hint: Run 'devenv add' again\\.`));
    assert.equal(read(join(sb.project, "devenv.ts")), mine);
    assert.equal(snapshot(sb).lock, lockBefore);
  } finally {
    fake.reset();
  }

  // devenv.ts as a symlink to a shared file with mode 0600: still both after the edit.
  const shared = join(sb.project, "..", "shared-devenv.ts");
  renameSync(join(sb.project, "devenv.ts"), shared);
  chmodSync(shared, 0o600);
  symlinkSync(shared, join(sb.project, "devenv.ts"));
  await sb.writeConfig(readFileSync(shared, "utf8"));
  const ok = await sb.run(["add", "zig@0.13"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(lstatSync(join(sb.project, "devenv.ts")).isSymbolicLink(), "still a symlink");
  assert.match(readFileSync(shared, "utf8"), /zig: "0\.13"/);
  assert.equal(statSync(shared).mode & 0o777, 0o600);
  assert.match(read(join(sb.project, "devenv.lock")) ?? "", /"version": "0\.13\.0"/);
});

test("through a proxy that accepts and never answers (HTTPS_PROXY), a request fails within the bound too", async () => {
  const sockets = new Set<Socket>();
  const proxy = createNetServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    const sb = sandbox(fake.mirrors, { HTTP_PROXY: url, HTTPS_PROXY: url, NO_PROXY: "", DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "1", DEVENV_HTTP_CONNECT_TIMEOUT: "1" });
    mkdirSync(sb.project, { recursive: true });
    await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`);
    const t = Date.now();
    const r = await sb.run(["lock"]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(Date.now() - t < 10_000, `took ${Date.now() - t} ms`);
    assert.match(r.stderr, /did not answer: no response to .*index\.json within [12] s.*\n  hint: .*DEVENV_HTTP_FIRST_BYTE_TIMEOUT/);
    assert.ok(sockets.size > 0, "the request went to the proxy");
  } finally {
    for (const s of sockets) s.destroy();
    proxy.close();
  }
});
