/**
 * Verify before unpacking, and bounds on what an install may write (issue 13, finding 4): a gzip
 * bomb with a wrong sha256 never gets a byte unpacked (the test holds the server mid-body and looks
 * at the store); the download stops at the lock's size; a verified bomb stops at
 * DEVENV_UNPACK_LIMIT or before the disk is full; a full disk (a worker's own tmpfs) is said
 * plainly, naming the tool, the store and the free space.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import { ensureInstalled } from "../../src/store/install.js";
import { gzip, gzipBomb, sha256hex, tarEntries, zipEntries, type Entry } from "../support/archives.js";
import { assertNothingInstalled, listTree, makeSpec, rejectsWith, serveHeld, useKit, startWorker, tempDirs, tmpfsUnsupported, withTimeout } from "./store-kit.js";
import { waitFor } from "../support/wait.js";

const kit = useKit();

const MiB = 1024 * 1024;
const bytesIn = (dir: string) => listTree(dir).reduce((n, f) => n + f.size, 0);

describe("verify before unpacking", () => {
  test("a gzip bomb (256 MiB of zeros) with a wrong sha256: while half of it has arrived the temp dir holds only the download; then checksum mismatch, nothing left", async () => {
    const body = await gzipBomb("zeros", 256 * MiB);
    const pauseAt = Math.floor(body.length / 2);
    const held = await serveHeld(body, { ext: "tar.gz", pauseAt });
    const { base, store } = kit.newStore();
    // An installer that unpacked before comparing the digest would stop at this cap (an unpack error),
    // never reaching the checksum mismatch this test expects.
    const cap = process.env.DEVENV_UNPACK_LIMIT;
    process.env.DEVENV_UNPACK_LIMIT = "1M";
    try {
      const spec = makeSpec(held.url, body, { format: "tar.gz", sha256: sha256hex("something else") });
      const install = ensureInstalled(store, held.http, spec, silentReporter).then(() => undefined, (e: unknown) => e);
      await held.paused;
      // The installer has the first half (or is about to): wait until its temp dir holds at least
      // that much, then give it time to unpack whatever it would.
      await waitFor("the installer to store the first half", () => tempDirs(store).some((t) => bytesIn(join(store, t)) >= pauseAt));
      await new Promise((r) => setTimeout(r, 500));
      const [tmp] = tempDirs(store);
      const tree = listTree(join(store, tmp!));
      assert.deepEqual(tree.map((f) => f.path), ["download-0"], "only the download is in the temp dir: nothing unpacked before verification");
      assert.ok(tree[0]!.size <= pauseAt, `the download file holds what arrived (${tree[0]!.size} ≤ ${pauseAt} bytes), not 256 MiB of zeros`);
      held.release();
      const err = await withTimeout(install, 20_000, "install");
      assert.ok(err instanceof Error && (err as { code?: string }).code === "CHECKSUM_MISMATCH", `expected a checksum mismatch, got ${String(err)}`);
      assert.match(err.message, /checksum mismatch for https:\/\/held\.example\.com\/.*: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/);
      assertNothingInstalled(base, store);
    } finally {
      if (cap === undefined) delete process.env.DEVENV_UNPACK_LIMIT;
      else process.env.DEVENV_UNPACK_LIMIT = cap;
      await held.close();
    }
  });

  test("the lock's size bounds the download: a Content-Length above it is refused before the body is read", async () => {
    const body = gzip(tarEntries([{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\n" }]));
    // Held after 0 bytes: an installer that read the body would wait for ever.
    const held = await serveHeld(body, { ext: "tar.gz", pauseAt: 0 });
    const { base, store } = kit.newStore();
    try {
      const spec = makeSpec(held.url, body, { format: "tar.gz" });
      spec.artifact.size = body.length - 1;
      const err = await rejectsWith(withTimeout(ensureInstalled(store, held.http, spec, silentReporter), 10_000, "install"), "CHECKSUM_MISMATCH");
      assert.match(err.message, new RegExp(`the server announces ${body.length} bytes, more than the ${body.length - 1} bytes devenv\\.lock records for it`));
      assert.match(err.hint ?? "", /nothing was unpacked/);
      assertNothingInstalled(base, store);
    } finally {
      await held.close();
    }
  });

  test("the lock's size bounds the download: with no Content-Length, reading stops past it", async () => {
    const body = await gzipBomb("zeros", 64 * MiB);
    const held = await serveHeld(body, { ext: "tar.gz", contentLength: false });
    const { base, store } = kit.newStore();
    try {
      const spec = makeSpec(held.url, body, { format: "tar.gz" }); // the right sha256: only the size disagrees
      spec.artifact.size = 1000;
      const err = await rejectsWith(ensureInstalled(store, held.http, spec, silentReporter), "CHECKSUM_MISMATCH");
      assert.match(err.message, /the download went on past 1000 bytes, more than the 1000 bytes devenv\.lock records for it/);
      assertNothingInstalled(base, store);
    } finally {
      await held.close();
    }
  });
});

describe("unpacked size", () => {
  test("a verified bomb over DEVENV_UNPACK_LIMIT stops with the size error (tool, bytes so far, the limit, what to do); nothing left", async () => {
    const body = await gzipBomb("zeros", 64 * MiB, [{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\n" }]);
    const { url } = kit.serve(body, "tar.gz");
    const { base, store } = kit.newStore();
    process.env.DEVENV_UNPACK_LIMIT = "16M";
    try {
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "ARCHIVE");
      assert.match(err.message, /^tool 1\.2\.3: unpacking: stopped after 16\.0 MB written: more than DEVENV_UNPACK_LIMIT \(16\.0 MB\)$/);
      assert.match(err.hint ?? "", /Nothing was installed\. .*raise DEVENV_UNPACK_LIMIT/);
      assertNothingInstalled(base, store);
    } finally {
      delete process.env.DEVENV_UNPACK_LIMIT;
    }
  });

  test("DEVENV_UNPACK_LIMIT that is not a size is a usage error naming the variable", async () => {
    const body = gzip(tarEntries([{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\n" }]));
    const { url } = kit.serve(body, "tar.gz");
    const { base, store } = kit.newStore();
    process.env.DEVENV_UNPACK_LIMIT = "lots";
    try {
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "USAGE");
      assert.match(err.message, /DEVENV_UNPACK_LIMIT: 'lots' is not a size/);
      assertNothingInstalled(base, store);
    } finally {
      delete process.env.DEVENV_UNPACK_LIMIT;
    }
  });
});

describe("a full disk (a worker on a tmpfs of its own)", { skip: tmpfsUnsupported() }, () => {
  /** A store on a fresh mount point; the worker mounts the tmpfs over `<base>/mnt`. */
  function onTmpfs(options: string) {
    const { base } = kit.newStore();
    const mnt = join(base, "mnt");
    mkdirSync(mnt);
    return { base, mnt, store: join(mnt, "store"), tmpfs: { dir: mnt, options } };
  }

  // Also with the files written by worker threads (by default only for large tars): the bytes
  // they have not written yet count as used, or the disk fills before the guard stops.
  for (const threads of ["0", "2"]) test(`a verified bomb stops before the disk is full: the error names the tool, the store, bytes written and the free space (DEVENV_UNPACK_THREADS=${threads})`, async () => {
    const body = await gzipBomb("zeros", 256 * MiB);
    const { url } = kit.serve(body, "tar.gz");
    const { store, tmpfs } = onTmpfs("size=48m");
    const r = await startWorker({ store, mirrors: kit.fake.mirrors, spec: makeSpec(url, body, { format: "tar.gz" }) }, { tmpfs, env: { DEVENV_UNPACK_THREADS: threads } }).done;
    assert.equal(r.out?.error?.code, "IO", `worker exit ${r.code}: ${r.stdout}\n${r.stderr}`);
    assert.match(r.out!.error!.message, new RegExp(`^tool 1\\.2\\.3: unpacking: stopped after \\d+\\.\\d MB written to ${store.replace(/[.]/g, "\\.")}: \\d+\\.\\d MB is free on that filesystem and devenv leaves at least \\d+\\.\\d MB free$`));
    assert.match(r.out!.error!.hint ?? "", /Nothing was installed\. Free disk space/);
  });

  test("a Content-Length larger than the free space is refused before downloading", async () => {
    const body = gzip(tarEntries([{ path: "blob", content: randomBytes(6 * MiB) }]));
    const { url, path } = kit.serve(body, "tar.gz");
    const { store, tmpfs } = onTmpfs("size=4m");
    const r = await startWorker({ store, mirrors: kit.fake.mirrors, spec: makeSpec(url, body, { format: "tar.gz" }) }, { tmpfs }).done;
    assert.equal(r.out?.error?.code, "IO", `worker exit ${r.code}: ${r.stdout}\n${r.stderr}`);
    assert.match(r.out!.error!.message, new RegExp(`^tool 1\\.2\\.3: not downloading ${url.replace(/[.]/g, "\\.")} \\(6\\.0 MB\\): ${store.replace(/[.]/g, "\\.")} has \\d+\\.\\d MB free on its filesystem$`));
    assert.equal(kit.fake.count(path), 1, "requested once (not retried)");
  });

  test("a download with no Content-Length stops before the disk is full (tool, URL, store, bytes written, free space)", async () => {
    const body = gzip(tarEntries([{ path: "blob", content: randomBytes(12 * MiB) }]));
    const held = await serveHeld(body, { ext: "tar.gz", contentLength: false });
    try {
      const { store, tmpfs } = onTmpfs("size=8m");
      const r = await startWorker({ store, mirrors: held.mirrors, spec: makeSpec(held.url, body, { format: "tar.gz" }) }, { tmpfs }).done;
      assert.equal(r.out?.error?.code, "IO", `worker exit ${r.code}: ${r.stdout}\n${r.stderr}`);
      assert.match(r.out!.error!.message, new RegExp(`^tool 1\\.2\\.3: downloading ${held.url.replace(/[.]/g, "\\.")}: stopped after \\d+\\.\\d MB written to ${store.replace(/[.]/g, "\\.")}: \\d+ kB is free on that filesystem and devenv leaves at least \\d+ kB free$`));
      assert.match(r.out!.error!.hint ?? "", /Nothing was installed\. Free disk space/);
      assert.equal(held.requests, 1, "not retried");
    } finally {
      await held.close();
    }
  });

  test("ENOSPC while unpacking a zip (the tmpfs has no inodes left) says the disk is full, not 'not a valid zip'", async () => {
    const entries: Entry[] = Array.from({ length: 60 }, (_, i) => ({ path: `f${i}`, content: "x" }));
    const body = zipEntries(entries);
    const { url } = kit.serve(body, "zip");
    const { store, tmpfs } = onTmpfs("size=16m,nr_inodes=40");
    const r = await startWorker({ store, mirrors: kit.fake.mirrors, spec: makeSpec(url, body, { format: "zip" }) }, { tmpfs }).done;
    assert.equal(r.out?.error?.code, "IO", `worker exit ${r.code}: ${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.out!.error!.message, /not a valid zip/);
    assert.match(r.out!.error!.message, new RegExp(`^tool 1\\.2\\.3: ${url.replace(/[.]/g, "\\.")}: entry 'f\\d+': unpacking: no space left in ${store.replace(/[.]/g, "\\.")} \\(.*free.*\\)$`));
    assert.match(r.out!.error!.hint ?? "", /Nothing was installed\. Free disk space/);
  });
});
