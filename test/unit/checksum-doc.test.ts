/**
 * Reading checksum documents (issue 17, src/recipes/sources/aqua/checksum-doc.ts) over real ones:
 * nodejs.org's SHASUMS256.txt (sha256sum layout), two signers' Bitcoin Core 22.0 SHA256SUMS from
 * bitcoin-core/guix.sigs (which disagree on one file: a real conflicting pair), goreleaser's
 * checksums.txt (Kong/deck), and every checksum spec of the real aqua registry snapshot.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ChecksumDocError, CHECKSUM_DOC_MAX_BYTES, findChecksum, normalizeDigest, sriOf } from "../../src/recipes/sources/aqua/checksum-doc.js";
import { compileRe2, Re2Error } from "../../src/recipes/sources/aqua/re2.js";
import type { AquaChecksumSpec } from "../../src/recipes/sources/aqua/types.js";
import { repoRoot } from "../helpers/cli.js";

const real = (f: string) => readFileSync(join(repoRoot, "test/fixtures/real", f), "utf8");
const spec = (lookup: string, more: Partial<AquaChecksumSpec> = {}): AquaChecksumSpec =>
  ({ url: "https://example.invalid/SUMS", algorithm: "sha256", fileFormat: "default", lookup, ...more });

test("nodejs.org SHASUMS256.txt: every tarball's line, by exact name", () => {
  const doc = real("node-v18.17.0-SHASUMS256.txt");
  assert.deepEqual(findChecksum(doc, spec("node-v18.17.0-linux-x64.tar.xz")), { hex: "f36facda28c4d5ce76b3a1b4344e688d29d9254943a47f2f1909b1a10acb1959" });
  assert.deepEqual(findChecksum(doc, spec("node-v18.17.0-linux-x64.tar.gz")), { hex: "5c4a7fd9262c0c47bafab3442de6c3fed1602be3d243cb8cf11309a201955e75" });
  // Every line of the real file is found again under its own name.
  for (const line of doc.split("\n").filter((l) => /^[0-9a-f]{64}  /.test(l))) {
    const [hex, name] = line.split("  ") as [string, string];
    assert.deepEqual(findChecksum(doc, spec(name)), { hex }, name);
  }
  assert.equal(findChecksum(doc, spec("node-v18.17.0-linux-riscv64.tar.gz")), undefined, "a name the document does not list");
  // win-x64/node.exe and win-x86/node.exe: by base name two hashes, so the bare name is an error.
  assert.throws(() => findChecksum(doc, spec("node.exe")), (e: unknown) => e instanceof ChecksumDocError && /node\.exe is listed 2 times/.test(e.message));
  assert.equal(findChecksum(real("node-v14.1.0-SHASUMS256.txt"), spec("node-v14.1.0-darwin-arm64.tar.gz")), undefined, "14.1.0 has no darwin-arm64 build");
});

test("Bitcoin Core 22.0 SHA256SUMS of two guix signers: each read alone; merged, the file they disagree on is an error", () => {
  const b10c = real("bitcoin-22.0-0xb10c-all.SHA256SUMS");
  const jamesob = real("bitcoin-22.0-jamesob-noncodesigned.SHA256SUMS");
  const linux = "59ebd25dd82a51638b7a6bb914586201e67db67b919b2a1ff08925a7936d1b16";
  assert.deepEqual(findChecksum(b10c, spec("bitcoin-22.0-x86_64-linux-gnu.tar.gz")), { hex: linux });
  assert.deepEqual(findChecksum(jamesob, spec("bitcoin-22.0-x86_64-linux-gnu.tar.gz")), { hex: linux });
  assert.equal(findChecksum(jamesob, spec("bitcoin-22.0-osx64.tar.gz")), undefined, "noncodesigned lists no signed mac build");
  const merged = b10c + jamesob;
  assert.deepEqual(findChecksum(merged, spec("bitcoin-22.0-x86_64-linux-gnu.tar.gz")), { hex: linux }, "listed twice with one hash: fine");
  assert.throws(() => findChecksum(merged, spec("bitcoin-22.0-win64-debug.zip")), (e: unknown) =>
    e instanceof ChecksumDocError && /bitcoin-22\.0-win64-debug\.zip is listed 2 times with different hashes \(lines 21, 38\)/.test(e.message));
});

test("HashiCorp's SHA256SUMS (terraform 0.6.8), as published and indented as a cookbook quotes it", () => {
  const doc = real("terraform_0.6.8_SHA256SUMS");
  const linux = "fd61718820c3f2334276517a89694cebe82db354b584ea90c376f1c6d34bb92d";
  assert.deepEqual(findChecksum(doc, spec("terraform_0.6.8_linux_amd64.zip")), { hex: linux });
  assert.deepEqual(findChecksum(doc.replace(/^/gm, "  "), spec("terraform_0.6.8_linux_amd64.zip")), { hex: linux });
  assert.equal(findChecksum(doc, spec("terraform_0.6.8_darwin_arm64.zip")), undefined, "no Apple silicon build in 2015");
});

test("goreleaser's checksums.txt (Kong/deck): the darwin_all and linux archives", () => {
  const doc = real("deck-goreleaser-checksums.txt");
  assert.deepEqual(findChecksum(doc, spec("deck_v1.29.2_lookUpTags_darwin_all.tar.gz")), { hex: "52dd812e19ad482a840153f0da92f453f31be59aefed62ae3bd836dc0f9136bb" });
  assert.deepEqual(findChecksum(doc, spec("deck_v1.29.2_lookUpTags_linux_arm64.tar.gz")), { hex: "53e5531b823d4d1cd310eaf73614eb2af7f6f5575326022511885b9b7a5afb2e" });
  assert.deepEqual(findChecksum(doc.replace(/\n/g, "\r\n"), spec("deck_v1.29.2_lookUpTags_linux_arm64.tar.gz")), { hex: "53e5531b823d4d1cd310eaf73614eb2af7f6f5575326022511885b9b7a5afb2e" }, "CRLF lines");
});

test("line forms: binary-mode *, ./ and directory prefixes (compared by base name, like aqua), BSD tags of the spec's algorithm only", () => {
  const h = (c: string) => c.repeat(64);
  assert.deepEqual(findChecksum(`${h("a")} *tool-linux.tar.gz\n`, spec("tool-linux.tar.gz")), { hex: h("a") });
  assert.deepEqual(findChecksum(`${h("b")}  ./tool-linux\n${h("c")}  ./tool-mac\n`, spec("tool-linux")), { hex: h("b") });
  assert.deepEqual(findChecksum(`${h("d")}  /home/runner/dist/tool\n${h("e")}  other\n`, spec("tool")), { hex: h("d") });
  assert.deepEqual(findChecksum(`${"F".repeat(64)}  tool\n${h("e")}  other\n`, spec("tool")), { hex: "f".repeat(64) }, "lowercase out");
  // yq's checksums-bsd layout (rhash --bsd, every algorithm per file; SHA3-256 sorts beside SHA256).
  // The SHA256 values are yq 4.40.7's real ones (quoted from checksums-bsd in a public Makefile); the
  // other algorithms' values are stand-ins of the right lengths.
  const yq = [
    "CRC32 (yq_linux_amd64) = 1a2b3c4d",
    "MD5 (yq_linux_amd64) = " + "1".repeat(32),
    "SHA1 (yq_linux_amd64) = " + "2".repeat(40),
    "SHA256 (yq_linux_amd64) = 4f13ee9303a49f7e8f61e7d9c87402e07cc920ae8dfaaa8c10d7ea1b8f9f48ed",
    "SHA3-256 (yq_linux_amd64) = " + "3".repeat(64),
    "SHA512 (yq_linux_amd64) = " + "4".repeat(128),
    "SHA256 (yq_linux_arm64) = a84f2c8f105b70cd348c3bf14048aeb1665c2e7314cbe9aaff15479f268b8412",
    "SHA3-256 (yq_linux_arm64) = " + "5".repeat(64),
    "",
  ].join("\n");
  assert.deepEqual(findChecksum(yq, spec("yq_linux_amd64")), { hex: "4f13ee9303a49f7e8f61e7d9c87402e07cc920ae8dfaaa8c10d7ea1b8f9f48ed" });
  assert.deepEqual(findChecksum(yq, spec("yq_linux_arm64")), { hex: "a84f2c8f105b70cd348c3bf14048aeb1665c2e7314cbe9aaff15479f268b8412" });
  assert.deepEqual(findChecksum(yq, spec("yq_linux_amd64", { algorithm: "sha512" })), { hex: "4".repeat(128) });
  // The registry's own yq entry: file_format regexp with its two SHA512 patterns.
  const yqSpec = JSON.parse(real("aqua-checksum-specs.jsonl").split("\n").find((l) => l.includes("SHA512\\\\s+"))!) as { pattern: { checksum: string; file: string } };
  assert.deepEqual(findChecksum(yq, spec("yq_linux_amd64", { algorithm: "sha512", fileFormat: "regexp", pattern: yqSpec.pattern })), { hex: "4".repeat(128) });
  assert.equal(findChecksum(yq, spec("yq_linux_arm64", { algorithm: "sha512", fileFormat: "regexp", pattern: yqSpec.pattern })), undefined);
});

test("a single bare hash is every file's (a sidecar); raw documents may carry a name; base64 of the right length is accepted", () => {
  const hex = "33e15bcf1624b25cdd2a55813a47a2f95dbe126268203e76aa6a585d1e7b149c";
  assert.deepEqual(findChecksum(`${hex}\n`, spec("anything.tar.gz")), { hex });
  assert.deepEqual(findChecksum(`${hex}  ripgrep-15.2.0-x86_64-unknown-linux-musl.tar.gz\n`, spec("x", { fileFormat: "raw" })), { hex });
  assert.throws(() => findChecksum(`${hex}\n${hex}\n`, spec("x", { fileFormat: "raw" })), /raw checksum document holds one hash, this one has 2 lines/);
  const b64 = Buffer.from(hex, "hex").toString("base64");
  assert.deepEqual(findChecksum(`SHA256 (tool) = ${b64}\n`, spec("tool")), { hex });
  assert.equal(normalizeDigest(b64.slice(0, -2) + "==", "sha256"), undefined, "base64 that is not the canonical encoding of 32 bytes");
  assert.equal(sriOf("ab".repeat(64), "sha512"), `sha512-${Buffer.alloc(64, 0xab).toString("base64")}`);
});

test("hash lengths are checked against the algorithm: a sha512 document read for sha256, a short hash, a raw one of the wrong size", () => {
  const doc = `${"a".repeat(128)}  tool.tar.gz\n${"b".repeat(128)}  other.tar.gz\n`;
  assert.throws(() => findChecksum(doc, spec("tool.tar.gz")), (e: unknown) => e instanceof ChecksumDocError && /line 1 gives tool\.tar\.gz the hash .* not a sha256 digest \(64 hex digits\)/.test(e.message));
  assert.equal(findChecksum(doc, spec("third.tar.gz")), undefined, "another algorithm's lines that do not name the file are no entries");
  assert.throws(() => findChecksum("abc123\n", spec("x", { fileFormat: "raw" })), /not a sha256 digest/);
  assert.throws(() => findChecksum(`${"c".repeat(40)}\n`, spec("x")), /not a sha256 digest/);
  assert.deepEqual(findChecksum(`${"c".repeat(40)}\n`, spec("x", { algorithm: "sha1" })), { hex: "c".repeat(40) });
  assert.deepEqual(findChecksum(`${"d".repeat(32)}  x\n`, spec("x", { algorithm: "md5" })), { hex: "d".repeat(32) });
});

test("regexp: a pattern without file applies to the first line that captures; one capture group is required", () => {
  const p = { checksum: "^(\\b[A-Fa-f0-9]{64}\\b)" };
  assert.deepEqual(findChecksum(`# header\n${"e".repeat(64)}  whatever\n`, spec("x", { fileFormat: "regexp", pattern: p })), { hex: "e".repeat(64) });
  assert.throws(() => findChecksum("x", spec("x", { fileFormat: "regexp", pattern: { checksum: "[a-f0-9]{64}" } })), (e: unknown) => e instanceof Re2Error && /no capture group/.test(e.message));
  assert.throws(() => findChecksum("x", spec("x", { fileFormat: "regexp" })), Re2Error);
});

test("RE2 spellings JavaScript lacks are translated or refused by name", () => {
  assert.equal(compileRe2("(?i)^SHA256 \\((?P<f>[^)]+)\\)").re.test("sha256 (x)"), true);
  assert.equal(compileRe2("[[:xdigit:]]{4}").re.test("beef"), true);
  assert.equal(compileRe2("\\Aab\\z").re.test("ab"), true);
  assert.equal(compileRe2("\\Aab\\z").re.test("abc"), false);
  assert.throws(() => compileRe2("(?=x)y"), /group form \(\?=/);
  assert.throws(() => compileRe2("(a)\\1"), /back-reference/);
  assert.throws(() => compileRe2("\\pL+"), /uses \\p/);
  assert.throws(() => compileRe2("(?U)a+"), /ungreedy/);
  assert.throws(() => compileRe2("([a-f"), /not a valid regular expression/);
});

test("every checksum spec of the real aqua registry snapshot is read (patterns compile with one capture group)", () => {
  const rows = real("aqua-checksum-specs.jsonl").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { file_format: string; algorithm: string; pattern: { checksum: string; file?: string } | null });
  assert.equal(rows.length, 17);
  const digits = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as Record<string, number>;
  for (const r of rows) {
    if (!r.pattern) continue;
    for (const p of [r.pattern.checksum, r.pattern.file].filter((x): x is string => Boolean(x))) {
      assert.ok(compileRe2(p).groups >= 1, p);
    }
    // The pattern reads a line in the layout it was written for.
    const n = digits[r.algorithm]!;
    const line = r.pattern.checksum.startsWith("^SHA512") ? `SHA512 (tool_linux_amd64) = ${"ab".repeat(n / 2)}` : `${"ab".repeat(n / 2)}  tool_linux_amd64`;
    const got = findChecksum(`${line}\n`, spec("tool_linux_amd64", { algorithm: r.algorithm as AquaChecksumSpec["algorithm"], fileFormat: "regexp", pattern: r.pattern }));
    assert.deepEqual(got, { hex: "ab".repeat(n / 2) }, JSON.stringify(r));
  }
});

test("a document over the size bound is refused before it is read; an overlong line is no entry", () => {
  const big = `${"a".repeat(64)}  tool\n`.repeat(Math.ceil(CHECKSUM_DOC_MAX_BYTES / 70) + 10);
  assert.throws(() => findChecksum(big, spec("tool")), (e: unknown) => e instanceof ChecksumDocError && /more than the 4194304 a checksum document may have/.test(e.message));
  assert.equal(findChecksum(`${"a".repeat(64)}  ${"x".repeat(9000)}\n${"b".repeat(64)}  other\n`, spec("x".repeat(9000))), undefined);
});
