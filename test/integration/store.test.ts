/**
 * The store installer against a real HTTP server on 127.0.0.1 (the fake upstream, reached through
 * the mirror map from https://downloads.example.com): happy paths per archive format, strip/bin,
 * checksum mismatches and transient network errors. Safety refusals: store-safety.test.ts;
 * processes, crashes and Ctrl-C: store-concurrency.test.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import type { ArchiveFormat } from "../../src/recipes/types.js";
import { ensureInstalled, findInstalled } from "../../src/store/install.js";
import type { Receipt } from "../../src/store/receipt.js";
import { bzip2, gzip, sha256hex, tarEntries, xz, zipEntries, zstdFrame, type Entry } from "../support/archives.js";
import { assertNothingInstalled, entryDirs, entryNameRe, lockFiles, makeSpec, rejectsWith, useKit, tempDirs, withTimeout } from "./store-kit.js";

const kit = useKit();

const TOOL_SH = "#!/bin/sh\necho tool 1.2.3\n";
const DOC = "some docs\n";

/** bin/tool (0755), bin/alias -> tool, share/doc.txt (0644; its dir has no entry of its own). */
const toolTree = (top = ""): Entry[] => [
  ...(top ? [{ path: top, type: "dir" as const }] : []),
  { path: `${top}bin`, type: "dir" },
  { path: `${top}bin/tool`, mode: 0o755, content: TOOL_SH },
  { path: `${top}bin/alias`, type: "symlink", linkname: "tool" },
  { path: `${top}share/doc.txt`, mode: 0o644, content: DOC },
];

async function pack(format: ArchiveFormat, entries: Entry[]): Promise<Buffer> {
  switch (format) {
    case "tar": return tarEntries(entries);
    case "tar.gz": return gzip(tarEntries(entries));
    case "tar.xz": return xz(tarEntries(entries));
    case "tar.zst": return zstdFrame(tarEntries(entries));
    case "tar.bz2": return bzip2(tarEntries(entries));
    case "zip": return zipEntries(entries);
    default: throw new Error(`${format} is not an archive of entries`);
  }
}

const mode = (p: string) => statSync(p).mode & 0o7777;
const readReceiptFile = (dir: string) => JSON.parse(readFileSync(join(dir, ".devenv-receipt.json"), "utf8")) as Receipt;
const fileRec = (r: Receipt, path: string) => r.files.find((f) => f.path === path);

/** Install `entries` packed as `format`; returns the installed dir and the store. */
async function installTree(format: ArchiveFormat, entries: Entry[], o: { strip?: number | "auto"; bin?: string[] } = {}) {
  const body = await pack(format, entries);
  const { url } = kit.serve(body, format);
  const { base, store } = kit.newStore();
  const spec = makeSpec(url, body, { format, ...o });
  const t = await ensureInstalled(store, kit.http, spec, silentReporter);
  return { t, base, store, spec, body, url };
}

describe("happy paths", () => {
  for (const format of ["tar.gz", "tar.xz", "tar.zst", "tar.bz2", "tar", "zip"] as const) {
    test(`${format}: entry dir, contents, modes, symlink, receipt`, async () => {
      const { t, store, spec, url, body } = await installTree(format, toolTree());
      assert.equal(t.fresh, true);
      assert.equal(join(store, basename(t.dir)), t.dir);
      assert.match(basename(t.dir), entryNameRe("tool", "1.2.3"));
      assert.deepEqual(entryDirs(store), [basename(t.dir)]);
      assert.deepEqual(tempDirs(store), [], "temp dir removed");
      assert.deepEqual(lockFiles(store), [], "lock released");

      assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), TOOL_SH);
      assert.equal(mode(join(t.dir, "bin/tool")), 0o755);
      assert.equal(readFileSync(join(t.dir, "share/doc.txt"), "utf8"), DOC);
      assert.equal(mode(join(t.dir, "share/doc.txt")), 0o644);
      assert.ok(lstatSync(join(t.dir, "bin/alias")).isSymbolicLink(), "bin/alias is a symlink");
      assert.equal(readlinkSync(join(t.dir, "bin/alias")), "tool");
      assert.equal(readFileSync(join(t.dir, "bin/alias"), "utf8"), TOOL_SH);

      const r = readReceiptFile(t.dir);
      assert.deepEqual(t.receipt, r);
      assert.equal(r.url, url, "receipt keeps the public URL, not the mirror");
      assert.equal(r.sha256, sha256hex(body));
      assert.deepEqual([r.name, r.version, r.platform, r.recipeRevision], ["tool", "1.2.3", "linux-x64", 1]);
      assert.deepEqual(r.bin, ["bin"]);
      assert.deepEqual(fileRec(r, "bin/tool"), { path: "bin/tool", type: "file", mode: 0o755, size: Buffer.byteLength(TOOL_SH), sha256: sha256hex(TOOL_SH) });
      assert.deepEqual(fileRec(r, "share/doc.txt"), { path: "share/doc.txt", type: "file", mode: 0o644, size: Buffer.byteLength(DOC), sha256: sha256hex(DOC) });
      assert.deepEqual(fileRec(r, "bin/alias"), { path: "bin/alias", type: "symlink", target: "tool" });
      assert.equal(fileRec(r, "bin")?.type, "dir");

      // Installed: found without I/O beyond a stat, and not downloaded again.
      assert.equal(findInstalled(store, spec)?.dir, t.dir);
      const again = await ensureInstalled(store, kit.http, spec, silentReporter);
      assert.equal(again.fresh, false);
      assert.equal(again.dir, t.dir);
      assert.equal(kit.fake.count(new URL(url).pathname), 1, "downloaded once, through the mirror");
    });
  }

  // An inline tool's strip defaults to "auto": its raw download's bin/ must not be lifted away.
  test('raw with strip "auto": still bin/<name>', async () => {
    const body = Buffer.from("#!/bin/sh\necho raw\n");
    const { url } = kit.serve(body, "bin");
    const { store } = kit.newStore();
    const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "raw", name: "rawauto", strip: "auto" }), silentReporter);
    assert.deepEqual(readFileSync(join(t.dir, "bin/rawauto")), body);
    assert.deepEqual(t.receipt.bin, ["bin"]);
  });

  test("raw: the download becomes bin/<name>, executable", async () => {
    const body = Buffer.from("#!/bin/sh\necho raw\n");
    const { url } = kit.serve(body, "bin");
    const { store } = kit.newStore();
    const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "raw", name: "rawtool", version: "0.1.0" }), silentReporter);
    assert.match(basename(t.dir), entryNameRe("rawtool", "0.1.0"));
    assert.deepEqual(readFileSync(join(t.dir, "bin/rawtool")), body);
    assert.equal(mode(join(t.dir, "bin/rawtool")), 0o755);
    assert.deepEqual(t.receipt.bin, ["bin"]);
    assert.deepEqual(fileRec(t.receipt, "bin/rawtool"), { path: "bin/rawtool", type: "file", mode: 0o755, size: body.length, sha256: sha256hex(body) });
    assert.equal(t.receipt.sha256, sha256hex(body));
  });

  test("the store key: a different recipe revision is a different entry", async () => {
    const body = gzip(tarEntries(toolTree()));
    const { url } = kit.serve(body, "tar.gz");
    const { store } = kit.newStore();
    const a = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter);
    const b = await ensureInstalled(store, kit.http, { ...makeSpec(url, body, { format: "tar.gz" }), recipeRevision: 2 }, silentReporter);
    assert.notEqual(a.dir, b.dir);
    assert.equal(b.fresh, true);
    assert.deepEqual(entryDirs(store).sort(), [basename(a.dir), basename(b.dir)].sort());
  });
});

describe("strip and bin", () => {
  test("strip: 1 drops the top directory", async () => {
    const { t } = await installTree("tar.gz", toolTree("tool-1.2.3/"), { strip: 1 });
    assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), TOOL_SH);
    assert.ok(fileRec(t.receipt, "bin/tool"));
    assert.ok(!t.receipt.files.some((f) => f.path.startsWith("tool-1.2.3")), "receipt paths are stripped");
  });

  test("strip: 1 on a zip", async () => {
    const { t } = await installTree("zip", toolTree("tool-1.2.3/"), { strip: 1 });
    assert.equal(mode(join(t.dir, "bin/tool")), 0o755);
    assert.equal(readlinkSync(join(t.dir, "bin/alias")), "tool");
  });

  test('strip: "auto" hoists a lone top directory', async () => {
    const { t, store } = await installTree("tar.gz", toolTree("tool-1.2.3/"), { strip: "auto" });
    assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), TOOL_SH);
    assert.equal(readlinkSync(join(t.dir, "bin/alias")), "tool");
    assert.deepEqual(fileRec(t.receipt, "bin/tool")?.size, Buffer.byteLength(TOOL_SH));
    assert.ok(!t.receipt.files.some((f) => f.path.startsWith("tool-1.2.3")), "receipt paths are relative to the hoisted dir");
    assert.deepEqual(t.receipt.bin, ["bin"]);
    assert.deepEqual(tempDirs(store), []);
  });

  test('strip: "auto" keeps the layout when there are two top-level entries', async () => {
    const entries: Entry[] = [...toolTree("tool-1.2.3/"), { path: "README", content: "top-level file\n" }];
    const { t } = await installTree("tar.gz", entries, { strip: "auto" });
    assert.equal(readFileSync(join(t.dir, "tool-1.2.3/bin/tool"), "utf8"), TOOL_SH);
    assert.equal(readFileSync(join(t.dir, "README"), "utf8"), "top-level file\n");
    assert.deepEqual(t.receipt.bin, ["."], "no bin/ at the top");
  });

  test("bin listed in the spec but missing from the archive: ARCHIVE error naming it", async () => {
    const body = gzip(tarEntries(toolTree()));
    const { url } = kit.serve(body, "tar.gz");
    const { base, store } = kit.newStore();
    const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz", bin: ["bin", "libexec/tools"] }), silentReporter), "ARCHIVE");
    assert.match(err.message, /'libexec\/tools\/'/);
    assert.doesNotMatch(err.message, /'bin\/'/);
    assert.match(err.message, /top level: .*bin/);
    assertNothingInstalled(base, store);
  });

  test("bin given and present is kept as given", async () => {
    const { t } = await installTree("tar.gz", toolTree(), { bin: ["share", "bin"] });
    assert.deepEqual(t.receipt.bin, ["share", "bin"]);
  });

  test('bin: undefined picks "bin" when present, else "."', async () => {
    const withBin = await installTree("tar.gz", toolTree());
    assert.deepEqual(withBin.t.receipt.bin, ["bin"]);
    const flat = await installTree("tar.gz", [{ path: "tool", mode: 0o755, content: TOOL_SH }, { path: "LICENSE", content: "MIT\n" }]);
    assert.deepEqual(flat.t.receipt.bin, ["."]);
    assert.equal(mode(join(flat.t.dir, "tool")), 0o755);
  });
});

describe("checksums", () => {
  test("tampered download (a different valid archive): CHECKSUM_MISMATCH with both digests, nothing installed", async () => {
    const body = gzip(tarEntries(toolTree()));
    const evil = gzip(tarEntries([{ path: "bin/tool", mode: 0o755, content: "#!/bin/sh\necho pwned\n" }]));
    const { url, path } = kit.serve(body, "tar.gz");
    kit.fake.tamper(path, () => evil);
    const { base, store } = kit.newStore();
    const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "CHECKSUM_MISMATCH");
    assert.ok(err.message.includes(sha256hex(body)), `expected digest in: ${err.message}`);
    assert.ok(err.message.includes(sha256hex(evil)), `actual digest in: ${err.message}`);
    assert.equal(kit.fake.count(path), 1, "a checksum mismatch is not retried");
    assertNothingInstalled(base, store);
  });

  for (const format of ["tar", "zip", "raw", "tar.gz", "tar.xz", "tar.zst"] as const) {
    test(`${format}: one flipped byte → CHECKSUM_MISMATCH with both digests (not a decompression error), downloaded once`, async () => {
      // For compressed formats the flip lands mid-stream, so the decompressor (gzip CRC, xz check) or
      // the tar parser may choke on it before the end: the digest of the whole body must still be reported.
      const payload = Buffer.from(Array.from({ length: 64 * 1024 }, (_, k) => (k * 7919 + (k >> 5)) & 0xff));
      const body = format === "raw"
        ? Buffer.from("#!/bin/sh\necho raw\n".repeat(50))
        : await pack(format, format.startsWith("tar.") ? [...toolTree(), { path: "share/blob", content: payload }] : toolTree());
      const { url, path } = kit.serve(body, format);
      kit.fake.tamper(path, "flip");
      const flipped = Buffer.from(body);
      const i = Math.floor(flipped.length / 2);
      flipped[i] = flipped[i]! ^ 0xff;
      const { base, store } = kit.newStore();
      const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format }), silentReporter), "CHECKSUM_MISMATCH");
      assert.ok(err.message.includes(sha256hex(body)), err.message);
      assert.ok(err.message.includes(sha256hex(flipped)), err.message);
      assert.equal(kit.fake.count(path), 1, "a checksum mismatch is not retried");
      assertNothingInstalled(base, store);
    });
  }

  test("wrong sha256 in the spec: CHECKSUM_MISMATCH with both digests, nothing installed", async () => {
    const body = gzip(tarEntries(toolTree()));
    const { url } = kit.serve(body, "tar.gz");
    const wrong = sha256hex("something else");
    const { base, store } = kit.newStore();
    const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz", sha256: wrong }), silentReporter), "CHECKSUM_MISMATCH");
    assert.ok(err.message.includes(wrong), err.message);
    assert.ok(err.message.includes(sha256hex(body)), err.message);
    assertNothingInstalled(base, store);
  });
});

describe("transient errors", { concurrency: true }, () => {
  test("two 503s are retried: installed after 3 requests", async () => {
    const body = gzip(tarEntries(toolTree()));
    const { url, path } = kit.serve(body, "tar.gz");
    kit.fake.failNext(path, 2, 503);
    const { store } = kit.newStore();
    const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter);
    assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), TOOL_SH);
    assert.equal(kit.fake.count(path), 3);
  });

  // A reset mid-body must neither hang (waiting on an already-failed stream) nor crash: it is retried.
  for (const format of ["tar.gz", "tar.xz", "tar.zst", "zip", "raw"] as const) {
    test(`${format}: connection reset mid-body is retried`, async () => {
      const filler = Buffer.from(Array.from({ length: 200 * 1024 }, (_, k) => (k * 31 + (k >> 7)) & 0xff));
      const body = format === "raw" ? filler : await pack(format, [...toolTree(), { path: "share/blob", content: filler }]);
      const { url, path } = kit.serve(body, format);
      kit.fake.dropNext(path, 1);
      const { store } = kit.newStore();
      const t = await withTimeout(ensureInstalled(store, kit.http, makeSpec(url, body, { format }), silentReporter), 4000, `${format} install after a reset`);
      assert.equal(kit.fake.count(path), 2);
      if (format === "raw") assert.deepEqual(readFileSync(join(t.dir, "bin/tool")), body);
      else assert.deepEqual(readFileSync(join(t.dir, "share/blob")), filler);
      assert.deepEqual(tempDirs(store), [], "the interrupted attempt's temp dir is gone");
      assert.deepEqual(entryDirs(store), [basename(t.dir)]);
    });
  }

  test("404: HTTP error without retries, nothing installed", async () => {
    const body = gzip(tarEntries(toolTree()));
    const url = `https://downloads.example.com/missing-${process.pid}.tar.gz`;
    const { base, store } = kit.newStore();
    const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "HTTP");
    assert.match(err.message, /404/);
    assert.equal(kit.fake.count(`/missing-${process.pid}.tar.gz`), 1);
    assertNothingInstalled(base, store);
  });
});
