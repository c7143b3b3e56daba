/**
 * The checksum tables shipped in recipes/checksums/: exactly what scripts/update-checksum-table.ts
 * writes from the public sources kept in test/fixtures/real/ (so a refresh is reviewable), covering
 * every tarball the clang recipe would pick from the real asset lists, and read by the loader.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { llvmAssetFor } from "../../recipes/clang.js";
import { llvmTable, ninjaTable, parseJsonc, render } from "../../scripts/update-checksum-table.js";
import { assetChecksum, checksumTable, checkTableLocked } from "../../src/recipes/checksum-table.js";
import { ALL_PLATFORMS } from "../../src/recipes/types.js";
import { repoRoot } from "../helpers/cli.js";

const REAL = join(repoRoot, "test/fixtures/real");
const src = (f: string) => ({ from: `test/fixtures/real/${f}`, text: readFileSync(join(REAL, f), "utf8") });
const LLVM_SOURCES = [src("toolchains_llvm-github.jsonc"), src("toolchains_llvm-github_legacy.jsonc")];

test("recipes/checksums/*.json are the script's output for the sources in test/fixtures/real (deterministic)", () => {
  assert.equal(readFileSync(join(repoRoot, "recipes/checksums/llvm.json"), "utf8"), render(llvmTable(LLVM_SOURCES)));
  assert.equal(readFileSync(join(repoRoot, "recipes/checksums/ninja.json"), "utf8"), render(ninjaTable([src("hermit-ninja.hcl")])));
  assert.deepEqual(llvmTable([...LLVM_SOURCES].reverse()).files, llvmTable(LLVM_SOURCES).files, "input order does not change the table");
});

test("jsonc: comments and trailing commas go, // inside strings stays", () => {
  assert.deepEqual(parseJsonc(`// c\n{ "a": "https://x/y", /* b */ "b": [1, 2,], }\n`), { a: "https://x/y", b: [1, 2] });
});

test("the llvm table has every tarball the recipe picks from the real asset lists, 10.0.0 to 22.1.8, and nothing else", () => {
  const names = new Map<string, string[]>();
  for (const s of LLVM_SOURCES) {
    for (const n of Object.keys(parseJsonc(s.text) as object)) {
      const v = /^(?:clang\+llvm|LLVM)-(\d+\.\d+\.\d+)-/.exec(n)?.[1];
      if (v) names.set(v, [...(names.get(v) ?? []), n]);
    }
  }
  assert.ok(names.has("10.0.0") && names.has("22.1.8"));
  const t = checksumTable("llvm");
  let picked = 0;
  for (const [v, list] of names) {
    const assets = list.map((name) => ({ name, size: 1, browser_download_url: "", digest: null }));
    for (const p of ALL_PLATFORMS) {
      const a = llvmAssetFor(v, p, assets);
      if (!a) continue;
      picked++;
      assert.ok(t.files.has(`llvmorg-${v}/${a.name}`), `${v} ${p}: ${a.name}`);
    }
  }
  assert.ok(picked > 150, `${picked} picks`);
  for (const k of t.files.keys()) assert.doesNotMatch(k, /windows|freebsd|solaris|aix|armv7a|powerpc|sles|rhel/, k);
  // 10.x–15.0.6 name the darwin-x64 build `x86_64-apple-darwin` with no Darwin version; the recipe takes it.
  assert.equal(llvmAssetFor("14.0.6", "darwin-x64", [{ name: "clang+llvm-14.0.6-x86_64-apple-darwin.tar.xz", size: 1, browser_download_url: "" }])?.name,
    "clang+llvm-14.0.6-x86_64-apple-darwin.tar.xz");
  assert.equal(t.files.get("llvmorg-17.0.6/clang+llvm-17.0.6-x86_64-linux-gnu-ubuntu-22.04.tar.xz"), "884ee67d647d77e58740c1e645649e29ae9e8a6fe87c1376be0f3a30f3cc9ab3");
});

test("assetChecksum: digest wins when both agree, the table without a digest, a disagreement is CHECKSUM_MISMATCH, neither is undefined", () => {
  const key = "v1.12.1/ninja-linux.zip";
  const real = "6f98805688d19672bd699fbbfa2c2cf0fc054ac3df1f0e6a47664d963d530255";
  const o = { tool: "ninja", version: "1.12.1", table: "ninja" as const, key };
  assert.deepEqual(assetChecksum({ ...o, digest: undefined }), { sha256: real, checksum: "table" });
  assert.deepEqual(assetChecksum({ ...o, digest: real }), { sha256: real, checksum: "digest" });
  assert.throws(() => assetChecksum({ ...o, digest: "0".repeat(64) }), (e: Error & { code?: string }) => e.code === "CHECKSUM_MISMATCH" && /hermit-packages/.test(e.message));
  assert.equal(assetChecksum({ ...o, key: "v9.9.9/ninja-linux.zip", digest: undefined }), undefined);
  assert.equal(checkTableLocked("ninja", key, { sha256: real }), undefined);
  assert.equal(checkTableLocked("ninja", key, { sha256: "1".repeat(64) })?.field, "sha256");
  assert.equal(checkTableLocked("ninja", "v9.9.9/ninja-linux.zip", { sha256: "1".repeat(64) }), undefined, "not covered, not claimed");
  assert.equal(checkTableLocked("ninja", "v9.9.9/ninja-linux.zip", { sha256: "1".repeat(64), checksum: "table" })?.field, "checksum");
});
