/**
 * Receipts record the sha256 of every regular file as it is installed: hashed while unpacking for
 * plain archives (tar, zip, raw; a hardlink gets its target's digest), re-read after a recipe's
 * postInstall or extra parts, so the digests are those of the FINAL files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { silentReporter } from "../../src/reporter.js";
import type { InstallTree } from "../../src/recipes/types.js";
import { ensureInstalled, type InstallSpec } from "../../src/store/install.js";
import type { Receipt } from "../../src/store/receipt.js";
import { verifyEntry } from "../../src/store/verify.js";
import { gzip, sha256hex, tarEntries, zipEntries, type Entry } from "../support/archives.js";
import { liftComponent, useKit } from "./store-kit.js";

const kit = useKit();

const tgz = (entries: Entry[]) => gzip(tarEntries(entries));
const script = (text: string) => `#!/bin/sh\necho ${text}\n`;
const spec = (over: Partial<InstallSpec> & Pick<InstallSpec, "artifact">): InstallSpec => ({
  name: "tool", version: "1.0.0", platform: "linux-x64", source: "test", recipeRevision: 1, bin: ["bin"], ...over,
});

/** Every regular file of the receipt has a sha256 equal to the installed file's; returns path → digest. */
function assertReceiptHashes(dir: string, receipt: Receipt): Map<string, string> {
  const out = new Map<string, string>();
  const files = receipt.files.filter((f) => f.type === "file");
  assert.ok(files.length > 0);
  for (const f of files) {
    assert.equal(f.sha256, sha256hex(readFileSync(join(dir, f.path))), `${f.path}: receipt digest = file's digest`);
    out.set(f.path, f.sha256!);
  }
  assert.deepEqual(verifyEntry(dir, receipt), { changed: [], missing: [], added: [], unhashed: 0 });
  return out;
}

test("tar: each file's digest is recorded while unpacking; a hardlink gets its target's; a path written twice is recorded once, as last written", async () => {
  const body = tgz([
    { path: "t/bin/tool", mode: 0o755, content: script("tool") },
    { path: "t/bin/tool-link", type: "hardlink", linkname: "t/bin/tool" },
    { path: "t/share/doc.txt", content: "first\n" },
    { path: "t/share/doc.txt", content: "second, longer\n" },
    { path: "t/share/alias", type: "symlink", linkname: "doc.txt" },
    { path: "t/empty", content: "" },
  ]);
  const { url } = kit.serve(body, "tar.gz");
  const { store } = kit.newStore();
  const t = await ensureInstalled(store, kit.http, spec({ artifact: { url, sha256: sha256hex(body), format: "tar.gz", strip: 1 } }), silentReporter);
  const digests = assertReceiptHashes(t.dir, t.receipt);
  assert.equal(digests.get("bin/tool"), sha256hex(script("tool")));
  assert.equal(digests.get("bin/tool-link"), sha256hex(script("tool")), "hardlink: the target's digest");
  assert.equal(digests.get("empty"), sha256hex(""));
  assert.equal(readFileSync(join(t.dir, "share/doc.txt"), "utf8"), "second, longer\n");
  assert.deepEqual(t.receipt.files.filter((f) => f.path === "share/doc.txt").map((f) => [f.size, f.sha256]), [[15, sha256hex("second, longer\n")]], "one record: the last");
  assert.equal(t.receipt.files.find((f) => f.path === "share/alias")?.sha256, undefined, "symlinks have no digest");
});

test("tar: rewriting a path that another name hardlinks replaces it; the hardlink keeps its content and digest", async () => {
  const body = tgz([
    { path: "t/a", content: "original\n" },
    { path: "t/b", type: "hardlink", linkname: "t/a" },
    { path: "t/a", content: "replaced\n" },
  ]);
  const { url } = kit.serve(body, "tar.gz");
  const { store } = kit.newStore();
  const t = await ensureInstalled(store, kit.http, spec({ bin: ["."], artifact: { url, sha256: sha256hex(body), format: "tar.gz", strip: 1 } }), silentReporter);
  assert.equal(readFileSync(join(t.dir, "a"), "utf8"), "replaced\n");
  assert.equal(readFileSync(join(t.dir, "b"), "utf8"), "original\n");
  assertReceiptHashes(t.dir, t.receipt);
});

test("zip and raw artifacts: digests recorded while writing", async () => {
  const zip = zipEntries([
    { path: "z/bin/zt", mode: 0o755, content: script("zip") },
    { path: "z/lib/data.bin", content: Buffer.alloc(300_000, 7) },
  ]);
  const z = kit.serve(zip, "zip");
  const { store } = kit.newStore();
  const tz = await ensureInstalled(store, kit.http, spec({ name: "zt", artifact: { url: z.url, sha256: sha256hex(zip), format: "zip", strip: 1 } }), silentReporter);
  assert.equal(assertReceiptHashes(tz.dir, tz.receipt).get("lib/data.bin"), sha256hex(Buffer.alloc(300_000, 7)));

  const raw = Buffer.from(script("raw"));
  const r = kit.serve(raw, "bin");
  const tr = await ensureInstalled(store, kit.http, spec({ name: "rawtool", artifact: { url: r.url, sha256: sha256hex(raw), format: "raw", strip: 0 } }), silentReporter);
  assert.equal(assertReceiptHashes(tr.dir, tr.receipt).get("bin/rawtool"), sha256hex(raw));
});

test("parts + postInstall: the receipt's digests are those of the final files (rewritten, moved, added), not of the archives' entries", async () => {
  const main = tgz([
    { path: "rustc-1.0.0-x/components", content: "rustc\n" },
    { path: "rustc-1.0.0-x/rustc/bin/rustc", mode: 0o755, content: script("rustc 1.0.0") },
    { path: "rustc-1.0.0-x/rustc/lib/librustc.so", content: "so\n" },
  ]);
  const std = tgz([
    { path: "rust-std-1.0.0-riscv/components", content: "rust-std-riscv\n" },
    { path: "rust-std-1.0.0-riscv/rust-std-riscv/lib/rustlib/riscv/lib/libcore.rlib", content: "rlib\n" },
  ]);
  const m = kit.serve(main, "tar.gz");
  const s = kit.serve(std, "tar.gz");
  const { store } = kit.newStore();
  const assemble = (tree: InstallTree) => {
    for (const pkg of ["", "_parts/rust-std-riscv"]) {
      const at = (rel: string) => (pkg ? `${pkg}/${rel}` : rel);
      liftComponent(tree, at, tree.read(at("components")).trim());
      tree.remove(at("components"));
    }
    tree.remove("_parts");
    // Patch a file in place (its size changes), and add one.
    tree.write("bin/rustc", tree.read("bin/rustc").replace("rustc 1.0.0", `rustc 1.0.0 at ${tree.finalDir}`));
    tree.write("lib/rustlib/manifest", "installed\n");
  };
  const artifact = {
    url: m.url, sha256: sha256hex(main), format: "tar.gz" as const, strip: 1,
    parts: [{ name: "rust-std-riscv", url: s.url, sha256: sha256hex(std), format: "tar.gz" as const, strip: 1, dir: "_parts/rust-std-riscv" }],
  };
  const t = await ensureInstalled(store, kit.http, spec({ name: "rust", artifact, postInstall: assemble, executables: ["bin/rustc"] }), silentReporter);
  const digests = assertReceiptHashes(t.dir, t.receipt);
  const patched = script(`rustc 1.0.0 at ${t.dir}`);
  assert.equal(readFileSync(join(t.dir, "bin/rustc"), "utf8"), patched);
  assert.equal(digests.get("bin/rustc"), sha256hex(patched));
  assert.notEqual(digests.get("bin/rustc"), sha256hex(script("rustc 1.0.0")), "not the archive entry's digest");
  assert.equal(digests.get("lib/rustlib/riscv/lib/libcore.rlib"), sha256hex("rlib\n"));
  assert.equal(digests.get("lib/rustlib/manifest"), sha256hex("installed\n"));
  assert.equal(t.receipt.files.find((f) => f.path === "bin/rustc")?.mode, 0o755);
  assert.deepEqual([...digests.keys()].sort(), ["bin/rustc", "lib/librustc.so", "lib/rustlib/manifest", "lib/rustlib/riscv/lib/libcore.rlib"]);
});
