/**
 * Malicious archives against the real installer (fake upstream on 127.0.0.1): every refusal is a
 * DevenvError "UNSAFE_ARCHIVE", leaves nothing in the store (no entry, no temp dir, lock released)
 * and nothing outside it. The store is `<base>/store` and unpacking happens in
 * `<base>/store/.tmp-*\/u`, so `../../../evil` would land in `<base>`: checking that `<base>` holds
 * only `store` catches any escape. Also: modes (no setuid/setgid/sticky, no group/other write), links
 * that are allowed, and symlinks checked against the top dir that strip "auto" lifts.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import type { ArchiveFormat } from "../../src/recipes/types.js";
import { ensureInstalled, findInstalled } from "../../src/store/install.js";
import { verifyEntry } from "../../src/store/verify.js";
import { gzip, tarEntries, zipEntries, type Entry } from "../support/archives.js";
import { assertNothingInstalled, makeSpec, rejectsWith, useKit, startWorker } from "./store-kit.js";

const kit = useKit();

const ok = (path: string, content = "fine\n"): Entry => ({ path, content });
const rnd = () => randomBytes(6).toString("hex");

function install(format: "tar.gz" | "zip", entries: Entry[], strip: number | "auto" = 0) {
  const body = format === "zip" ? zipEntries(entries) : gzip(tarEntries(entries));
  const { url } = kit.serve(body, format);
  const { base, store } = kit.newStore();
  const spec = makeSpec(url, body, { format: format as ArchiveFormat, strip });
  return { base, store, spec, run: () => ensureInstalled(store, kit.http, spec, silentReporter) };
}

/** Install must be refused as UNSAFE_ARCHIVE and leave nothing behind (in the store or next to it). */
async function assertRefused(format: "tar.gz" | "zip", entries: Entry[], why: RegExp, outside: string[] = [], code = "UNSAFE_ARCHIVE"): Promise<void> {
  const { base, store, run } = install(format, entries);
  const err = await rejectsWith(run(), code);
  assert.match(err.message, why);
  if (code === "UNSAFE_ARCHIVE") assert.match(err.message, /refusing entry/);
  assertNothingInstalled(base, store);
  for (const p of outside) assert.ok(!existsSync(p), `${p} must not exist`);
}

describe("refused tar entries", () => {
  test("../evil", () => assertRefused("tar.gz", [ok("a"), ok("../evil")], /'\.\.' in path/));
  test("a/../../evil", () => assertRefused("tar.gz", [ok("a/b"), ok("a/../../evil")], /'\.\.' in path/));
  test("../../../evil (would land next to the store)", () => assertRefused("tar.gz", [ok("a"), ok("../../../evil")], /'\.\.' in path/));
  test("a directory ../../../evildir/", () => assertRefused("tar.gz", [{ path: "../../../evildir", type: "dir" }], /'\.\.' in path/));
  test("a pax path smuggling ../../../evil behind an innocent ustar name", () =>
    assertRefused("tar.gz", [ok("a"), { path: "innocent", content: "x", pax: { path: "../../../evil" } }], /'\.\.' in path/));

  test("absolute /tmp/evil-<random>", async () => {
    const target = `/tmp/evil-${rnd()}`;
    await assertRefused("tar.gz", [ok("a"), ok(target)], /absolute path/, [target]);
  });

  test("symlink link -> ../../outside", () =>
    assertRefused("tar.gz", [ok("a"), { path: "link", type: "symlink", linkname: "../../outside" }], /points outside/));
  test("nested symlink a/b/link -> ../../../outside", () =>
    assertRefused("tar.gz", [{ path: "a/b/link", type: "symlink", linkname: "../../../outside" }], /points outside/));
  test("symlink with an absolute target", () =>
    assertRefused("tar.gz", [{ path: "bin/sh", type: "symlink", linkname: "/bin/sh" }], /absolute path/));

  test("a file written through an earlier symlink d -> .", () =>
    assertRefused("tar.gz", [{ path: "d", type: "symlink", linkname: "." }, ok("d/x")], /through the symlink 'd'/));
  test("a file written through an earlier symlink d -> sub", () =>
    assertRefused("tar.gz", [ok("sub/keep"), { path: "d", type: "symlink", linkname: "sub" }, ok("d/x")], /through the symlink 'd'/));
  test("a directory entry through an earlier symlink", () =>
    assertRefused("tar.gz", [ok("sub/keep"), { path: "d", type: "symlink", linkname: "sub" }, { path: "d/inner", type: "dir" }], /through the symlink 'd'/));
  test("a file overwriting an earlier symlink", () =>
    assertRefused("tar.gz", [ok("sub/keep"), { path: "d", type: "symlink", linkname: "sub/keep" }, ok("d", "overwrite")], /overwrites a symlink/));

  test("hardlink to ../outside", () =>
    assertRefused("tar.gz", [ok("a"), { path: "h", type: "hardlink", linkname: "../outside" }], /'\.\.' in path/));
  test("hardlink to an absolute path", () =>
    assertRefused("tar.gz", [{ path: "h", type: "hardlink", linkname: "/etc/passwd" }], /absolute path/));
  test("hardlink to an entry not in the archive", () =>
    assertRefused("tar.gz", [ok("a"), { path: "h", type: "hardlink", linkname: "missing/file" }], /not in the archive/));
  test("hardlink through a symlink to a file outside", () =>
    assertRefused("tar.gz", [{ path: "d", type: "symlink", linkname: "." }, { path: "h", type: "hardlink", linkname: "d/a" }], /through the symlink 'd'/));

  // A lexical check folds `up/..` away, but the kernel resolves `up` (a symlink) first:
  // `sub/up -> ..` points at the root, `esc -> sub/up/..` normalises to `sub`, yet on disk resolves
  // to the root's parent. TreeWriter.checkSymlinks resolves links through each other on the final tree.
  test("symlink chain: sub/up -> .., esc -> sub/up/.. (escapes through another symlink)", async () => {
    const { base, store, run } = install("tar.gz", [
      ok("sub/keep"),
      { path: "sub/up", type: "symlink", linkname: ".." },
      { path: "esc", type: "symlink", linkname: "sub/up/.." },
    ]);
    let installed: string | undefined;
    try {
      installed = (await run()).dir;
    } catch {
      /* refused: checked below */
    }
    if (installed) {
      const real = realpathSync.native(join(installed, "esc")); // the kernel's view (the JS realpath is lexical)
      assert.fail(`installed ${installed} with esc -> ${readlinkSync(join(installed, "esc"))}, which resolves to ${real} (outside the entry)`);
    }
    assertNothingInstalled(base, store);
  });
});

describe("refused zip entries", () => {
  // yauzl itself rejects `..` and absolute names (before the TreeWriter sees them); unpack-zip.ts
  // reports that as UNSAFE_ARCHIVE, like the tar path does.
  const traversal: Array<[string, Entry[], RegExp, string[]]> = [];
  const evilAbs = `/tmp/evil-${rnd()}`;
  traversal.push(["../evil", [ok("a"), ok("../evil")], /\.\./, []]);
  traversal.push(["a/../../../evil", [ok("a/b"), ok("a/../../../evil")], /\.\./, []]);
  traversal.push(["..\\..\\..\\evil (backslashes)", [ok("a"), ok("..\\..\\..\\evil")], /\.\./, []]);
  traversal.push(["absolute /tmp/evil-<random>", [ok("a"), ok(evilAbs)], /absolute/, [evilAbs]]);
  for (const [name, entries, why, outside] of traversal) {
    test(`${name}: refused as UNSAFE_ARCHIVE, nothing written`, () => assertRefused("zip", entries, why, outside));
  }

  test("symlink link -> ../../outside", () =>
    assertRefused("zip", [ok("a"), { path: "link", type: "symlink", linkname: "../../outside" }], /points outside/));
  test("symlink with an absolute target", () =>
    assertRefused("zip", [{ path: "link", type: "symlink", linkname: "/etc" }], /absolute path/));

  // Regression: writer.file() runs inside yauzl's openReadStream callback; its UNSAFE_ARCHIVE used to
  // escape as an uncaught exception. Run in a separate process so a crash cannot take this one down.
  for (const [name, entries] of [
    ["a file written through an earlier symlink d -> sub", [ok("sub/keep"), { path: "d", type: "symlink", linkname: "sub" }, ok("d/x")]],
    ["a file overwriting an earlier symlink", [ok("sub/keep"), { path: "d", type: "symlink", linkname: "sub/keep" }, ok("d", "overwrite")]],
  ] as Array<[string, Entry[]]>) {
    test(`${name} (in a worker process)`, async () => {
      const body = zipEntries(entries);
      const { url } = kit.serve(body, "zip");
      const { base, store } = kit.newStore();
      const r = await startWorker({ store, mirrors: kit.fake.mirrors, spec: makeSpec(url, body, { format: "zip" }) }).done;
      assert.equal(r.out?.error?.code, "UNSAFE_ARCHIVE", `worker exit ${r.code}, stderr:\n${r.stderr.split("\n").slice(0, 6).join("\n")}`);
      assert.equal(r.code, 1);
      assertNothingInstalled(base, store);
    });
  }
});

describe("modes and allowed links", () => {
  test("setuid/setgid bits are dropped; a sticky 1777 dir installs without the sticky bit", async () => {
    const { run } = install("tar.gz", [
      { path: "bin/suid", mode: 0o6755, content: "#!/bin/sh\n" },
      { path: "bin/sgid", mode: 0o2711, content: "#!/bin/sh\n" },
      { path: "bin/private", mode: 0o600, content: "secret\n" },
      { path: "shared", type: "dir", mode: 0o1777 },
      ok("shared/f"),
    ]);
    const t = await run();
    const mode = (p: string) => statSync(join(t.dir, p)).mode & 0o7777;
    assert.equal(mode("bin/suid"), 0o755);
    assert.equal(mode("bin/sgid"), 0o711);
    assert.equal(mode("bin/private"), 0o600);
    assert.equal(mode("shared") & 0o7000, 0, "no sticky/setgid bit on the directory");
    assert.equal(mode("shared"), 0o755, "nor group/other write");
    assert.equal(t.receipt.files.find((f) => f.path === "bin/suid")?.mode, 0o755, "the receipt records the safe mode");
  });

  // Issue 13: 0666, 0777 and 01777 survived unpacking, so anyone on the machine could change a
  // store file that projects put on PATH.
  for (const format of ["tar.gz", "zip"] as const) {
    test(`${format}: world- and group-writable modes (0666, 0777, 0664, 0775, 01777 dirs) lose group/other write; the receipt records that and store verify agrees`, async () => {
      const { run } = install(format, [
        { path: "bin", type: "dir", mode: 0o777 },
        { path: "bin/tool", mode: 0o777, content: "#!/bin/sh\n" },
        { path: "bin/group", mode: 0o775, content: "#!/bin/sh\n" },
        { path: "etc/conf", mode: 0o666, content: "x=1\n" },
        { path: "etc/shared", mode: 0o664, content: "y=2\n" },
        { path: "tmp", type: "dir", mode: 0o1777 },
        ok("tmp/keep"),
      ]);
      const t = await run();
      const mode = (p: string) => statSync(join(t.dir, p)).mode & 0o7777;
      const expected: Record<string, number> = { "bin/tool": 0o755, "bin/group": 0o755, "etc/conf": 0o644, "etc/shared": 0o644, bin: 0o755, tmp: 0o755 };
      for (const [p, m] of Object.entries(expected)) assert.equal(mode(p).toString(8), m.toString(8), p);
      for (const p of ["bin/tool", "bin/group", "etc/conf", "etc/shared"]) {
        assert.equal(t.receipt.files.find((f) => f.path === p)?.mode, expected[p], `the receipt's mode of ${p}`);
      }
      assert.deepEqual(verifyEntry(t.dir, t.receipt), { changed: [], missing: [], added: [], unhashed: 0 }, "devenv store verify agrees with the receipt");
    });
  }

  test("zip: setuid dropped, unix modes kept", async () => {
    const { run } = install("zip", [{ path: "bin/suid", mode: 0o4755, content: "#!/bin/sh\n" }, { path: "bin/plain", mode: 0o640, content: "x" }]);
    const t = await run();
    assert.equal(statSync(join(t.dir, "bin/suid")).mode & 0o7777, 0o755);
    assert.equal(statSync(join(t.dir, "bin/plain")).mode & 0o7777, 0o640);
  });

  test("hardlinks inside the tree (with strip) and symlinks to siblings or parents inside are fine; FIFOs are skipped", async () => {
    const { run } = install("tar.gz", [
      { path: "top", type: "dir" },
      { path: "top/bin/tool", mode: 0o755, content: "#!/bin/sh\necho hi\n" },
      { path: "top/bin/tool2", type: "hardlink", linkname: "top/bin/tool" },
      { path: "top/lib/x/up", type: "symlink", linkname: "../../bin/tool" },
      { path: "top/fifo", type: "fifo" },
    ], 1);
    const t = await run();
    const a = statSync(join(t.dir, "bin/tool"));
    const b = statSync(join(t.dir, "bin/tool2"));
    assert.equal(a.ino, b.ino, "a real hardlink");
    assert.equal(readFileSync(join(t.dir, "bin/tool2"), "utf8"), "#!/bin/sh\necho hi\n");
    assert.equal(t.receipt.files.find((f) => f.path === "bin/tool2")?.size, a.size);
    assert.equal(readFileSync(join(t.dir, "lib/x/up"), "utf8"), "#!/bin/sh\necho hi\n");
    assert.ok(!existsSync(join(t.dir, "fifo")), "FIFOs are not created");
  });

  // Issue 13: symlinks were checked against the unpack dir before the lone top dir was lifted, so
  // `t/up -> ..` (inside the unpack dir) ended up as `<entry>/up -> ..`, the store itself.
  for (const [name, links] of [
    ["t/up -> ..", [{ path: "t/up", type: "symlink", linkname: ".." }]],
    ["t/lib/store -> ../..", [{ path: "t/lib/store", type: "symlink", linkname: "../.." }]],
    ["t/a -> ., t/b -> a/.. (through another link)", [{ path: "t/a", type: "symlink", linkname: "." }, { path: "t/b", type: "symlink", linkname: "a/.." }]],
  ] as Array<[string, Entry[]]>) {
    test(`strip: "auto" checks symlinks against the lifted top dir: ${name} is refused, nothing installed`, async () => {
      const { base, store, run } = install("tar.gz", [{ path: "t", type: "dir" }, ok("t/bin/tool"), ...links], "auto");
      const err = await rejectsWith(run(), "UNSAFE_ARCHIVE");
      assert.match(err.message, /refusing entry 't\/[a-z/]+': symlink '[a.\/]+' resolves outside the install directory/);
      assertNothingInstalled(base, store);
    });
  }

  test('strip: "auto": links that stay inside the lifted top dir install', async () => {
    const { run } = install("tar.gz", [
      { path: "t", type: "dir" },
      { path: "t/bin/tool", mode: 0o755, content: "#!/bin/sh\n" },
      { path: "t/lib/tool", type: "symlink", linkname: "../bin/tool" },
      { path: "t/self", type: "symlink", linkname: "." },
    ], "auto");
    const t = await run();
    assert.equal(readlinkSync(join(t.dir, "lib/tool")), "../bin/tool");
    assert.equal(realpathSync.native(join(t.dir, "self")), realpathSync.native(t.dir));
  });

  // Regression: with stat (not lstat) a lone top-level symlink `top -> .` counted as "a lone
  // directory" and became the entry itself, a symlink to the store root.
  test('strip: "auto" does not hoist a lone top-level symlink', async () => {
    const { base, store, spec, run } = install("tar.gz", [{ path: "top", type: "symlink", linkname: "." }], "auto");
    let dir: string | undefined;
    try {
      dir = (await run()).dir;
    } catch {
      /* refusing it is fine too */
    }
    if (dir === undefined) return assertNothingInstalled(base, store);
    assert.ok(lstatSync(dir).isDirectory(), `the entry ${dir} is a real directory, not a symlink (to ${realpathSync.native(dir)})`);
    assert.ok(findInstalled(store, spec), "and it is found as installed");
  });
});
