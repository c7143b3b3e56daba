/**
 * A large tar's files are created, written and hashed by worker threads (issue 20, item 3;
 * extract-tree.ts, tree-lane.ts): the entry and its receipt must be exactly those the installing
 * thread alone makes, for the awkward cases too (a path written twice, a hardlink whose target is
 * written again after it, files in many directories, a file larger than one batch, symlinks,
 * modes), and a step that fails in a worker names its entry and leaves nothing installed.
 * DEVENV_UNPACK_THREADS picks the thread count (by default a tar needs a 4 MB download to get any).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { silentReporter } from "../../src/reporter.js";
import { ensureInstalled, type InstalledTool } from "../../src/store/install.js";
import type { Receipt } from "../../src/store/receipt.js";
import { verifyEntry } from "../../src/store/verify.js";
import { gzip, sha256hex, tarEntries, xz, type Entry } from "../support/archives.js";
import { assertNothingInstalled, makeSpec, rejectsWith, useKit } from "./store-kit.js";

const kit = useKit();

afterEach(() => {
  delete process.env.DEVENV_UNPACK_THREADS;
});

const big = randomBytes(9 << 20); // more than two 4 MiB batches
const first = "first version\n";
const second = "second version\n";

/** Files in 40 directories (every lane gets some), and the cases where order between lanes matters. */
const ENTRIES: Entry[] = [
  { path: "top/", type: "dir", mode: 0o750 },
  { path: "top/bin/tool", mode: 0o4755, content: "#!/bin/sh\necho tool\n" },
  { path: "top/share/big.bin", content: big },
  ...Array.from({ length: 40 }, (_, d) =>
    Array.from({ length: 5 }, (_, f): Entry => ({ path: `top/lib/d${d}/f${f}.txt`, content: `${d}/${f}\n`.repeat(d + f), mode: f % 2 ? 0o600 : 0o644 })),
  ).flat(),
  { path: "top/lib/empty", content: "" },
  // Written twice: the second one is what is installed and recorded.
  { path: "top/lib/d3/again.txt", content: first },
  { path: "top/other/x.txt", content: "in between\n" },
  { path: "top/lib/d3/again.txt", content: second },
  // A hardlink in another directory (another lane), then its target written again: the link keeps
  // the first content and digest.
  { path: "top/etc/conf", content: first },
  { path: "top/lib/d7/conf-link", type: "hardlink", linkname: "top/etc/conf" },
  { path: "top/etc/conf", content: second },
  // Names whose UTF-16 length differs from their byte length (the steps' strings travel as one string).
  { path: "top/lib/ünïcödé/😀 smile\\back.txt", content: "odd name\n" },
  { path: "top/lib/ünïcödé/😀 link", type: "hardlink", linkname: "top/lib/ünïcödé/😀 smile\\back.txt" },
  { path: "top/bin/tool-link", type: "symlink", linkname: "tool" },
  { path: "top/links/deep/up", type: "symlink", linkname: "../../lib/d1" },
];

async function install(threads: string, entries = ENTRIES): Promise<InstalledTool> {
  process.env.DEVENV_UNPACK_THREADS = threads;
  const body = gzip(tarEntries(entries));
  const { url } = kit.serve(body, "tar.gz");
  const { store } = kit.newStore();
  return ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz", strip: "auto" }), silentReporter);
}

const withoutTime = (r: Receipt) => ({ ...r, installedAt: "", url: "" });

test("worker threads install the same tree and write the same receipt as the installing thread alone", { timeout: 120_000 }, async () => {
  const alone = await install("0");
  for (const threads of ["1", "2", "3"]) {
    const t = await install(threads);
    assert.deepEqual(withoutTime(t.receipt), withoutTime(alone.receipt), `receipt with ${threads} threads`);
    assert.deepEqual(verifyEntry(t.dir, t.receipt), { changed: [], missing: [], added: [], unhashed: 0 }, `every file as its receipt says (${threads} threads)`);
    for (const f of t.receipt.files) {
      const st = lstatSync(join(t.dir, f.path));
      if (f.type === "file") assert.equal(st.mode & 0o7777, f.mode, `${f.path}: mode`);
      if (f.type === "dir") assert.ok(st.isDirectory(), `${f.path}: a directory`);
      if (f.type === "symlink") assert.equal(readlinkSync(join(t.dir, f.path)), f.target, `${f.path}: link target`);
    }
  }
  // And what that receipt says is right, independently of how it was computed.
  const files = new Map(alone.receipt.files.map((f) => [f.path, f]));
  assert.equal(files.get("share/big.bin")?.sha256, sha256hex(big));
  assert.equal(files.get("lib/d3/again.txt")?.sha256, sha256hex(second));
  assert.equal(files.get("etc/conf")?.sha256, sha256hex(second));
  assert.equal(files.get("lib/d7/conf-link")?.sha256, sha256hex(first), "the hardlink keeps its first content's digest");
  assert.equal(readFileSync(join(alone.dir, "lib/d7/conf-link"), "utf8"), first);
  assert.equal(files.get("bin/tool")?.mode, 0o755, "no setuid");
  assert.equal(files.get("lib/empty")?.size, 0);
  assert.equal(readFileSync(join(alone.dir, "lib/ünïcödé/😀 smile\\back.txt"), "utf8"), "odd name\n");
  assert.equal(files.get("lib/ünïcödé/😀 link")?.sha256, sha256hex("odd name\n"));
  assert.equal(alone.receipt.files.filter((f) => f.path === "lib/d3/again.txt").length, 1, "a path written twice is recorded once");
});

for (const format of ["tar.gz", "tar.xz"] as const) test(`a step that fails in a worker thread names its entry; nothing is installed (${format})`, { timeout: 60_000 }, async () => {
  process.env.DEVENV_UNPACK_THREADS = "2";
  const tar = tarEntries([...ENTRIES.slice(0, 30), { path: `top/share/${"n".repeat(300)}`, content: "long\n" }, ...ENTRIES.slice(30)]);
  const body = format === "tar.gz" ? gzip(tar) : await xz(tar, 0);
  const { url } = kit.serve(body, format);
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format }), silentReporter), "ARCHIVE");
  assert.match(err.message, /: entry 'top\/share\/n{300}': the name is too long for this filesystem/);
  assertNothingInstalled(base, store);
});

test("DEVENV_UNPACK_THREADS that is not a thread count is a usage error, before anything is downloaded", async () => {
  process.env.DEVENV_UNPACK_THREADS = "many";
  const body = gzip(tarEntries([{ path: "bin/tool", content: "x\n" }]));
  const { url, path } = kit.serve(body, "tar.gz");
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "USAGE");
  assert.match(err.message, /^DEVENV_UNPACK_THREADS: 'many' is not a number of threads from 0 to 16$/);
  assert.equal(kit.fake.count(path), 0, "nothing downloaded");
  assertNothingInstalled(base, store);
});
