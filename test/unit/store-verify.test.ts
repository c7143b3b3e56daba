/** verifyEntry on hand-built trees: what changed, what is missing, what was added; old receipts without digests. */
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { selectEntries } from "../../src/app/store/verify.js";
import { summarize } from "../../src/cli/commands/store-verify.js";
import { DevenvError } from "../../src/errors.js";
import type { StoreEntry } from "../../src/store/entries.js";
import { scanTree, sha256File } from "../../src/store/install-tree.js";
import { RECEIPT } from "../../src/store/layout.js";
import type { Receipt } from "../../src/store/receipt.js";
import { entryOk, verifyEntry, type EntryCheck } from "../../src/store/verify.js";
import { sha256hex } from "../support/archives.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A small installed tree and its receipt (files as scanTree records them, i.e. with digests). */
function tree(): { dir: string; receipt: Receipt } {
  const dir = mkdtempSync(join(tmpdir(), "devenv-verify-"));
  dirs.push(dir);
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "lib/deep"), { recursive: true });
  writeFileSync(join(dir, "bin/tool"), "#!/bin/sh\necho tool 1.0\n", { mode: 0o755 });
  chmodSync(join(dir, "bin/tool"), 0o755);
  writeFileSync(join(dir, "lib/deep/data.txt"), "abcdef\n");
  chmodSync(join(dir, "lib/deep/data.txt"), 0o644);
  writeFileSync(join(dir, "lib/big.bin"), Buffer.alloc(3 * 1024 * 1024 + 17, 9)); // more than one read buffer
  symlinkSync("tool", join(dir, "bin/alias"));
  const receipt: Receipt = {
    receiptVersion: 1, name: "tool", version: "1.0.0", platform: "linux-x64", source: "test", url: "https://x/t.tgz",
    recipeRevision: 1, installedAt: new Date().toISOString(), bin: ["bin"], files: scanTree(dir),
  };
  writeFileSync(join(dir, RECEIPT), JSON.stringify(receipt));
  return { dir, receipt };
}

const clean: EntryCheck = { changed: [], missing: [], added: [], unhashed: 0 };

test("scanTree records each regular file's sha256 (read in chunks); an untouched tree verifies clean, the receipt file is ignored", () => {
  const { dir, receipt } = tree();
  const rec = (p: string) => receipt.files.find((f) => f.path === p);
  assert.equal(rec("bin/tool")?.sha256, sha256hex("#!/bin/sh\necho tool 1.0\n"));
  assert.equal(rec("lib/big.bin")?.sha256, sha256hex(Buffer.alloc(3 * 1024 * 1024 + 17, 9)));
  assert.equal(sha256File(join(dir, "lib/big.bin")), rec("lib/big.bin")?.sha256);
  assert.equal(rec("bin/alias")?.sha256, undefined);
  assert.deepEqual(verifyEntry(dir, receipt), clean);
  assert.ok(entryOk(verifyEntry(dir, receipt)));
});

test("content changed with the same size, size changed, mode changed", () => {
  const { dir, receipt } = tree();
  writeFileSync(join(dir, "lib/deep/data.txt"), "abcdeX\n"); // same length
  appendFileSync(join(dir, "bin/tool"), "# more\n");
  chmodSync(join(dir, "lib/big.bin"), 0o600);
  const c = verifyEntry(dir, receipt);
  assert.deepEqual(c.changed, [
    { path: "bin/tool", what: "size" },
    { path: "lib/big.bin", what: "mode" },
    { path: "lib/deep/data.txt", what: "content" },
  ]);
  assert.deepEqual([c.missing, c.added, c.unhashed], [[], [], 0]);
  assert.equal(entryOk(c), false);
});

test("a content change in the last byte of a file bigger than the read buffer is found", () => {
  const { dir, receipt } = tree();
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 9);
  big[big.length - 1] = 8;
  writeFileSync(join(dir, "lib/big.bin"), big);
  assert.deepEqual(verifyEntry(dir, receipt).changed, [{ path: "lib/big.bin", what: "content" }]);
});

test("symlink retargeted; a file replaced by a symlink and a symlink by a file are type changes; symlinks are not followed", () => {
  const { dir, receipt } = tree();
  unlinkSync(join(dir, "bin/alias"));
  symlinkSync("../lib/deep/data.txt", join(dir, "bin/alias"));
  rmSync(join(dir, "lib/deep/data.txt"));
  symlinkSync("../big.bin", join(dir, "lib/deep/data.txt"));
  const c = verifyEntry(dir, receipt);
  assert.deepEqual(c.changed, [
    { path: "bin/alias", what: "target" },
    { path: "lib/deep/data.txt", what: "type" },
  ]);
  unlinkSync(join(dir, "bin/alias"));
  writeFileSync(join(dir, "bin/alias"), "tool");
  assert.deepEqual(verifyEntry(dir, receipt).changed[0], { path: "bin/alias", what: "type" });
});

test("a recorded directory replaced by a file: a type change, and what was inside is missing", () => {
  const { dir, receipt } = tree();
  rmSync(join(dir, "lib/deep"), { recursive: true });
  writeFileSync(join(dir, "lib/deep"), "not a dir");
  const c = verifyEntry(dir, receipt);
  assert.deepEqual(c.changed, [{ path: "lib/deep", what: "type" }]);
  assert.deepEqual(c.missing, ["lib/deep/data.txt"]);
  assert.deepEqual(c.added, []);
});

test("missing files and directories; added files, symlinks and directories (the top one only)", () => {
  const { dir, receipt } = tree();
  rmSync(join(dir, "bin/tool"));
  rmSync(join(dir, "lib/deep"), { recursive: true });
  writeFileSync(join(dir, "bin/extra"), "x");
  symlinkSync("tool", join(dir, "bin/extra-link"));
  mkdirSync(join(dir, "share/doc"), { recursive: true });
  writeFileSync(join(dir, "share/doc/README"), "r");
  writeFileSync(join(dir, "TOP"), "t");
  const c = verifyEntry(dir, receipt);
  assert.deepEqual(c.missing, ["bin/tool", "lib/deep", "lib/deep/data.txt"]);
  assert.deepEqual(c.added, ["TOP", "bin/extra", "bin/extra-link", "share"]);
  assert.deepEqual(c.changed, []);
});

test("directories the receipt implies (parents of recorded files, not recorded themselves) are not 'added'", () => {
  const { dir, receipt } = tree();
  const onlyFiles: Receipt = { ...receipt, files: receipt.files.filter((f) => f.type !== "dir") };
  assert.deepEqual(verifyEntry(dir, onlyFiles), clean);
});

test("an old receipt without digests: files are checked by size (and mode) only, and counted as unhashed", () => {
  const { dir, receipt } = tree();
  const old: Receipt = { ...receipt, files: receipt.files.map(({ sha256: _drop, ...f }) => f) };
  assert.deepEqual(verifyEntry(dir, old), { ...clean, unhashed: 3 });
  writeFileSync(join(dir, "lib/deep/data.txt"), "abcdeX\n"); // same size: not detectable without a digest
  appendFileSync(join(dir, "bin/tool"), "x");
  const c = verifyEntry(dir, old);
  assert.deepEqual(c.changed, [{ path: "bin/tool", what: "size" }]);
  assert.equal(c.unhashed, 2, "the two files whose size matched");
});

test("summarize: changes grouped by path, at most five paths per kind", () => {
  const c: EntryCheck = {
    changed: [{ path: "bin/node", what: "content" }, { path: "bin/node", what: "mode" }, { path: "lib/a", what: "mode" }],
    missing: ["m1", "m2", "m3", "m4", "m5", "m6", "m7"],
    added: ["x"],
    unhashed: 0,
  };
  assert.equal(summarize(c), "2 changed (bin/node content+mode, lib/a mode), 7 missing (m1, m2, m3, m4, m5, … 2 more), 1 added (x)");
});

test("selectEntries: tool, tool@version, tool@major, entry directory name; no match is a usage error listing what is installed", () => {
  const mk = (name: string, tool?: string, version?: string): StoreEntry => ({
    name, hash: name.slice(0, 32), dir: `/s/${name}`,
    receipt: tool ? ({ name: tool, version } as Receipt) : undefined,
  });
  const h = (c: string) => c.repeat(32);
  const all = [mk(`${h("a")}-node-20.18.0`, "node", "20.18.0"), mk(`${h("b")}-node-22.1.0`, "node", "22.1.0"), mk(`${h("c")}-zig-0.13.0`, "zig", "0.13.0"), mk(`${h("d")}-go-1.22.0`)];
  const names = (sel: string[]) => selectEntries(all, sel).map((e) => e.name.slice(33));
  assert.deepEqual(names([]), ["node-20.18.0", "node-22.1.0", "zig-0.13.0", "go-1.22.0"]);
  assert.deepEqual(names(["node"]), ["node-20.18.0", "node-22.1.0"]);
  assert.deepEqual(names(["node@22.1.0"]), ["node-22.1.0"]);
  assert.deepEqual(names(["node@20"]), ["node-20.18.0"]);
  assert.deepEqual(names([`${h("c")}-zig-0.13.0`, "go"]), ["zig-0.13.0", "go-1.22.0"]);
  assert.throws(() => selectEntries(all, ["node@2"]), (e: unknown) => e instanceof DevenvError && e.code === "USAGE" && /no store entry matches 'node@2'/.test(e.message));
  assert.throws(() => selectEntries(all, ["nope"]), (e: unknown) =>
    e instanceof DevenvError && e.exitCode === 2 && /node@20\.18\.0, node@22\.1\.0, zig@0\.13\.0, go/.test(e.hint ?? "") && /devenv store ls/.test(e.hint ?? ""));
  assert.throws(() => selectEntries([], ["node"]), (e: unknown) => e instanceof DevenvError && /store is empty/.test(e.hint ?? ""));
});
