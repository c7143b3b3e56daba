/**
 * The store installer across processes (store-worker.js, spawned asynchronously so the fake
 * upstream in this process keeps serving): concurrent installs of one artifact download it once,
 * a kill -9 mid-install leaves only a temp dir and a dead lock that the next install takes over,
 * and Ctrl-C removes the temp dir.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import { ensureInstalled } from "../../src/store/install.js";
import { removeStaleTemps } from "../../src/store/temp.js";
import { gzip, tarEntries, zstdFrame } from "../support/archives.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import {
  entryDirs, lockFiles, makeSpec, startKit, startWorker, tempDirs, withTimeout, type Kit, type WorkerResult,
} from "./store-kit.js";
import { waitFor } from "../support/wait.js";

installNetGuard();

let kit: Kit;
before(async () => {
  kit = await startKit();
});
const running = new Set<ChildProcess>();
after(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await kit.close();
  assertNoExternalRequests();
});

const MB = 1024 * 1024;

/** A tar.gz of about `size` bytes (random payload, so gzip cannot shrink it). */
function bigArchive(size: number, tag: string) {
  const blob = randomBytes(size);
  const body = gzip(tarEntries([
    { path: "bin/tool", mode: 0o755, content: `#!/bin/sh\necho ${tag}\n` },
    { path: "share/blob", content: blob },
  ]));
  return { body, blob };
}

function worker(store: string, spec: ReturnType<typeof makeSpec>) {
  const w = startWorker({ store, mirrors: kit.fake.mirrors, spec });
  running.add(w.child);
  void w.done.finally(() => running.delete(w.child));
  return w;
}

const explain = (r: WorkerResult) => `exit ${r.code} signal ${r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe("concurrent installs", () => {
  test("4 processes installing the same artifact: one download, one entry, same dir for all", { timeout: 30_000 }, async () => {
    const { body, blob } = bigArchive(1.5 * MB, "shared");
    const { url, path } = kit.serve(body, "tar.gz");
    kit.fake.slow(path, 2 * MB); // ~0.75 s: the other three start while the first downloads
    const { store } = kit.newStore();
    const spec = makeSpec(url, body, { format: "tar.gz" });
    const results = await Promise.all([1, 2, 3, 4].map(() => worker(store, spec).done));
    for (const r of results) assert.equal(r.code, 0, explain(r));
    const dirs = new Set(results.map((r) => r.out?.dir));
    assert.equal(dirs.size, 1, `all print the same dir: ${[...dirs].join(", ")}`);
    const dir = [...dirs][0]!;
    assert.equal(results.filter((r) => r.out?.fresh).length, 1, "exactly one of them installed it");
    assert.ok(results.some((r) => r.out?.waited), "at least one waited on the lock (the installs overlapped)");
    assert.equal(kit.fake.count(path), 1, "downloaded once");
    assert.deepEqual(entryDirs(store), [basename(dir)]);
    assert.deepEqual(tempDirs(store), []);
    assert.deepEqual(lockFiles(store), []);
    assert.deepEqual(readFileSync(join(dir, "share/blob")), blob);
  });

  test("two different artifacts installing in parallel in one process both succeed", { timeout: 20_000 }, async () => {
    const a = bigArchive(300 * 1024, "a");
    const b = bigArchive(300 * 1024, "b");
    const ua = kit.serve(a.body, "tar.gz");
    const ub = kit.serve(b.body, "tar.gz");
    kit.fake.slow(ua.path, 1 * MB);
    kit.fake.slow(ub.path, 1 * MB);
    const { store } = kit.newStore();
    const [ta, tb] = await Promise.all([
      ensureInstalled(store, kit.http, makeSpec(ua.url, a.body, { format: "tar.gz", name: "alpha" }), silentReporter),
      ensureInstalled(store, kit.http, makeSpec(ub.url, b.body, { format: "tar.gz", name: "beta" }), silentReporter),
    ]);
    assert.notEqual(ta.dir, tb.dir);
    assert.deepEqual(readFileSync(join(ta.dir, "share/blob")), a.blob);
    assert.deepEqual(readFileSync(join(tb.dir, "share/blob")), b.blob);
    assert.deepEqual(entryDirs(store).sort(), [basename(ta.dir), basename(tb.dir)].sort());
    assert.deepEqual(tempDirs(store), []);
    assert.deepEqual([kit.fake.count(ua.path), kit.fake.count(ub.path)], [1, 1]);
  });
});

describe("interrupted installs", () => {
  /** Start a worker on a slow download and wait until it is mid-download (temp dir made, request in). */
  async function startSlowInstall() {
    const { body, blob } = bigArchive(1 * MB, "slow");
    const slow = kit.serve(body, "tar.gz");
    kit.fake.slow(slow.path, 200 * 1024); // ~5 s
    const { base, store } = kit.newStore();
    const spec = makeSpec(slow.url, body, { format: "tar.gz" });
    const w = worker(store, spec);
    // Mid-download: some of the body is in the temp dir's download file, not all of it.
    const downloaded = () => {
      const [tmp] = tempDirs(store);
      return tmp ? (statSync(join(store, tmp, "download-0"), { throwIfNoEntry: false })?.size ?? 0) : 0;
    };
    await waitFor("the first bytes of the download in the temp dir", () => kit.fake.count(slow.path) > 0 && downloaded() > 0);
    assert.ok(downloaded() < body.length, `still downloading (${downloaded()} of ${body.length} bytes)`);
    assert.equal(w.child.exitCode, null, "still downloading");
    return { body, blob, base, store, spec, w };
  }

  test("kill -9 mid-install: no entry; the temp dir is cleaned up and the dead owner's lock taken over", { timeout: 30_000 }, async () => {
    const { body, blob, store, spec, w } = await startSlowInstall();
    w.child.kill("SIGKILL");
    const r = await w.done;
    assert.equal(r.signal, "SIGKILL");

    assert.deepEqual(entryDirs(store), [], "no entry dir");
    const temps = tempDirs(store);
    assert.equal(temps.length, 1);
    assert.match(temps[0]!, new RegExp(`-${w.child.pid}-`), "the temp dir names its (dead) owner");
    assert.equal(lockFiles(store).length, 1, "the dead worker's lock is still there");
    const lockFile = join(store, ".locks", lockFiles(store)[0]!);
    assert.equal(readFileSync(lockFile, "utf8").trim(), String(w.child.pid));

    assert.deepEqual(await removeStaleTemps(store), temps);
    assert.deepEqual(tempDirs(store), [], "stale temp dir removed");

    // Same artifact (same store key, same lock) from a fast URL: the dead lock must not be waited on.
    const fast = kit.serve(body, "tar.gz");
    const t = await withTimeout(ensureInstalled(store, kit.http, { ...spec, artifact: { ...spec.artifact, url: fast.url } }, silentReporter), 10_000, "install after kill -9");
    assert.equal(t.fresh, true);
    assert.deepEqual(readFileSync(join(t.dir, "share/blob")), blob);
    assert.deepEqual(entryDirs(store), [basename(t.dir)]);
    assert.deepEqual(tempDirs(store), []);
    assert.ok(!existsSync(lockFile), "lock released");
  });

  test("Ctrl-C mid-download: the worker removes its temp dir and exits 130; nothing is installed", { timeout: 30_000 }, async () => {
    const { body, store, spec, w } = await startSlowInstall();
    w.child.kill("SIGINT");
    const r = await w.done;
    assert.equal(r.code, 130, explain(r));
    assert.deepEqual(tempDirs(store), [], "no temp dir left");
    assert.deepEqual(entryDirs(store), [], "no entry dir");

    // The lock the interrupted worker held (process.exit skips its release) does not block the next install.
    const fast = kit.serve(body, "tar.gz");
    const t = await withTimeout(ensureInstalled(store, kit.http, { ...spec, artifact: { ...spec.artifact, url: fast.url } }, silentReporter), 10_000, "install after Ctrl-C");
    assert.equal(t.fresh, true);
    assert.deepEqual(lockFiles(store), []);
  });
});

describe("network failures in a fresh process", () => {
  // Regression: the decompressor used to be loaded between receiving the response and attaching to
  // its body, so a reset arriving then (first tar.zst install in a process) was either an uncaught
  // error or a silent hang. Now it is loaded before the request and the reset is retried.
  test("tar.zst: a connection reset during the first install does not crash the process", { timeout: 20_000 }, async () => {
    const blob = randomBytes(200 * 1024);
    const body = zstdFrame(tarEntries([{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\n" }, { path: "share/blob", content: blob }]));
    const { url, path } = kit.serve(body, "tar.zst");
    kit.fake.dropNext(path, 1);
    const { store } = kit.newStore();
    const w = worker(store, makeSpec(url, body, { format: "tar.zst" }));
    const timer = setTimeout(() => w.child.kill("SIGKILL"), 8000);
    const r = await w.done.finally(() => clearTimeout(timer));
    assert.notEqual(r.signal, "SIGKILL", "hung (killed after 8 s)");
    assert.doesNotMatch(r.stderr, /Unhandled 'error' event/, r.stderr.split("\n").slice(0, 8).join("\n"));
    assert.equal(r.code, 0, explain(r));
    assert.equal(kit.fake.count(path), 2, "retried once");
    assert.deepEqual(readFileSync(join(r.out!.dir!, "share/blob")), blob);
    assert.deepEqual(tempDirs(store), []);
  });
});
