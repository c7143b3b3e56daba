/**
 * Issue 18: an OCI image layout as a BlobStore, in a directory and in one tar: what is written reads
 * back, an existing layout is added to, and a hostile layout (one that came from elsewhere) is refused
 * or ignored without a file outside it ever being opened.
 */
import assert from "node:assert/strict";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { test } from "node:test";
import { openLayout } from "../../src/cache/layout.js";
import { encodeHeader } from "../../src/cache/tar-header.js";
import { MEDIA, type BlobStore } from "../../src/cache/types.js";
import { DevenvError } from "../../src/errors.js";
import { artifact, artifactManifest, EMPTY_HEX, emptyConfig, handTar, indexJson, lockIndex, OCI_LAYOUT, scratch, sha256 } from "../support/oci-layout-kit.js";

const REF = "org.opencontainers.image.ref.name";

async function refused(p: Promise<unknown>, want: RegExp): Promise<DevenvError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DevenvError, `a DevenvError, not ${String(e)}`);
    assert.match(e.message, want);
    return e;
  }
  assert.fail(`expected an error matching ${want}`);
}

/** Write one node artifact, its manifest (tagged) and a lock index (untagged) into `store`. */
async function fill(store: BlobStore, dir: string, tag = "node-20.11.1-linux-x64") {
  const art = artifact(dir, `${tag}.tar.gz`, `the bytes of ${tag}\n`.repeat(300));
  const cfg = emptyConfig(dir);
  await store.putBlob(cfg.hex, cfg.size, cfg.file);
  await store.putBlob(art.hex, art.size, art.file);
  const manifest = artifactManifest(art);
  assert.equal(await store.putManifest(manifest, MEDIA.manifest, tag), sha256(manifest));
  const index = lockIndex([manifest]);
  assert.equal(await store.putManifest(index, MEDIA.index, undefined), sha256(index));
  return { art, manifest, index };
}

async function readsBack(store: BlobStore, f: Awaited<ReturnType<typeof fill>>, tag = "node-20.11.1-linux-x64") {
  assert.equal(await store.hasBlob(f.art.hex), true);
  assert.equal(await store.hasBlob(EMPTY_HEX), true);
  assert.equal(await store.hasBlob("0".repeat(64)), false);
  const blob = await store.openBlob(f.art.hex);
  assert.ok(blob);
  assert.equal(blob.size, f.art.size);
  assert.equal(await text(blob.body), f.art.bytes.toString());
  assert.equal(await text((await store.openBlob(EMPTY_HEX))!.body), "{}");
  assert.equal(await store.openBlob("1".repeat(64)), undefined);
  assert.deepEqual(await store.getManifest(tag), { bytes: f.manifest, mediaType: MEDIA.manifest });
  assert.deepEqual(await store.getManifest(`sha256:${sha256(f.manifest)}`), { bytes: f.manifest, mediaType: MEDIA.manifest });
  assert.deepEqual(await store.getManifest(`sha256:${sha256(f.index)}`), { bytes: f.index, mediaType: MEDIA.index });
  assert.equal(await store.getManifest("no-such-tag"), undefined);
  await store.close();
}

test("a directory layout: written, then read back (blobs, manifests by tag and digest); index.json as the image spec has it", async () => {
  const dir = scratch();
  const layout = join(dir, "bundle");
  const w = await openLayout(layout, "write");
  const f = await fill(w, dir);
  await w.close();
  await w.close();
  assert.deepEqual(JSON.parse(readFileSync(join(layout, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  assert.equal(index.schemaVersion, 2);
  assert.deepEqual(index.manifests, [
    { mediaType: MEDIA.manifest, digest: `sha256:${sha256(f.manifest)}`, size: f.manifest.length, artifactType: MEDIA.artifact, annotations: { [REF]: "node-20.11.1-linux-x64" } },
    { mediaType: MEDIA.index, digest: `sha256:${sha256(f.index)}`, size: f.index.length, artifactType: MEDIA.lock },
  ]);
  assert.deepEqual(readdirSync(join(layout, "blobs", "sha256")).sort(), [f.art.hex, EMPTY_HEX, sha256(f.manifest), sha256(f.index)].sort(), "no temp file is left");
  const r = await openLayout(layout, "read");
  assert.equal(r.where, `oci-layout:${layout}`);
  await readsBack(r, f);
  await assert.rejects(r.putBlob(f.art.hex, f.art.size, f.art.file), /opened for reading/);
});

test("a tar layout: streamed (oci-layout first, index.json last), read back by byte ranges; GNU tar's ./ names read too", async () => {
  const dir = scratch();
  const file = join(dir, "bundle.tar");
  const w = await openLayout(file, "write");
  const f = await fill(w, dir);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith("bundle")), [], "nothing at the target before close");
  await w.close();
  await w.close();
  const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n");
  assert.equal(names[0], "oci-layout");
  assert.equal(names.at(-1), "index.json");
  assert.ok(names.includes(`blobs/sha256/${f.art.hex}`));
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes("bundle.tar")), ["bundle.tar"], "no temp file is left");
  await readsBack(await openLayout(file, "read"), f);
  // The same layout as GNU tar writes a directory: "./oci-layout", "./blobs/…".
  const unpacked = join(dir, "unpacked");
  mkdirSync(unpacked);
  execFileSync("tar", ["-xf", file, "-C", unpacked]);
  const gnu = join(dir, "gnu.tar");
  execFileSync("tar", ["-cf", gnu, "-C", unpacked, "."]);
  assert.match(execFileSync("tar", ["-tf", gnu], { encoding: "utf8" }), /^\.\/oci-layout$/m);
  await readsBack(await openLayout(gnu, "read"), f);
});

test("writing into an existing directory layout adds to it: a tag is replaced, other entries and fields are kept", async () => {
  const dir = scratch();
  const layout = join(dir, "bundle");
  const first = await openLayout(layout, "write");
  const a = await fill(first, dir, "node-20");
  await first.close();
  // Another tool's entry and a top-level field of its own.
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  index.annotations = { "com.example.keep": "yes" };
  index.manifests.push({ mediaType: MEDIA.manifest, digest: `sha512:${"ab".repeat(64)}`, size: 3, annotations: { [REF]: "other-tool" } });
  writeFileSync(join(layout, "index.json"), JSON.stringify(index));
  const second = await openLayout(layout, "write");
  const b = await fill(second, dir, "go-1.22");
  const newNode = artifact(dir, "node-new", "another node");
  await second.putBlob(newNode.hex, newNode.size, newNode.file);
  const retagged = artifactManifest(newNode);
  await second.putManifest(retagged, MEDIA.manifest, "node-20");
  await second.close();
  const after = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  assert.deepEqual(after.annotations, { "com.example.keep": "yes" });
  const tags = after.manifests.map((m: { annotations?: Record<string, string> }) => m.annotations?.[REF] ?? null);
  assert.deepEqual(tags, [null, "other-tool", "go-1.22", null, "node-20"], "node-20 once, replaced; the untagged indexes and the foreign entry kept");
  const r = await openLayout(layout, "read");
  assert.deepEqual((await r.getManifest("node-20"))?.bytes, retagged);
  assert.deepEqual((await r.getManifest("go-1.22"))?.bytes, b.manifest);
  assert.equal(await r.hasBlob(a.art.hex), true, "the first writer's blobs are still there");
  assert.equal(await r.getManifest("other-tool"), undefined, "a sha512 entry is kept but never opened");
});

test("a 1 GiB tar opens by its headers alone, and openBlob gives the member's exact size and bytes", async () => {
  const dir = scratch();
  const file = join(dir, "big.tar");
  const size = 1 << 30;
  const hex = "c".repeat(64);
  const idx = Buffer.from(indexJson([]));
  const fd = openSync(file, "w");
  const put = (b: Buffer, at: number) => writeSync(fd, b, 0, b.length, at);
  put(encodeHeader("oci-layout", OCI_LAYOUT.length), 0);
  put(Buffer.from(OCI_LAYOUT), 512);
  put(encodeHeader(`blobs/sha256/${hex}`, size), 1024);
  put(Buffer.from("first bytes"), 1536);
  const after = 1536 + size; // 1 GiB is a multiple of 512: no padding
  put(Buffer.from("last"), after - 4);
  put(encodeHeader("index.json", idx.length), after);
  put(idx, after + 512);
  ftruncateSync(fd, after + 1024 + 1024);
  closeSync(fd);
  const started = Date.now();
  const r = await openLayout(file, "read");
  assert.ok(Date.now() - started < 2000, `opened in ${Date.now() - started} ms`);
  const blob = await r.openBlob(hex);
  assert.equal(blob?.size, size);
  const chunks: Buffer[] = [];
  for await (const c of blob!.body) {
    chunks.push(c as Buffer);
    if (chunks.length === 1) break;
  }
  assert.equal(chunks[0]!.subarray(0, 11).toString(), "first bytes");
  await r.close();
});

test("hostile directory layouts: links out of it, a huge index.json, bad digests, altered manifests, not a layout", async () => {
  const dir = scratch();
  const outside = join(dir, "secret");
  writeFileSync(outside, "not yours");
  const make = async (name: string) => {
    const layout = join(dir, name);
    const w = await openLayout(layout, "write");
    const f = await fill(w, dir);
    await w.close();
    return { layout, f };
  };
  // A blob that is a symbolic link out of the layout.
  const l1 = await make("link-blob");
  const linked = join(l1.layout, "blobs", "sha256", "d".repeat(64));
  symlinkSync(outside, linked);
  const r1 = await openLayout(l1.layout, "read");
  await refused(r1.openBlob("d".repeat(64)), /blob d+ is a symbolic link/);
  await refused(r1.hasBlob("d".repeat(64)), /symbolic link/);
  // blobs/ a link to another directory.
  const l2 = await make("link-dir");
  execFileSync("mv", [join(l2.layout, "blobs"), join(dir, "elsewhere")]);
  symlinkSync(join(dir, "elsewhere"), join(l2.layout, "blobs"));
  await refused(openLayout(l2.layout, "read"), /its blobs\/ is a symbolic link/);
  await refused(openLayout(l2.layout, "write"), /its blobs\/ is a symbolic link/);
  // index.json a link; index.json too large.
  const l3 = await make("link-index");
  execFileSync("mv", [join(l3.layout, "index.json"), join(dir, "index-elsewhere.json")]);
  symlinkSync(join(dir, "index-elsewhere.json"), join(l3.layout, "index.json"));
  await refused(openLayout(l3.layout, "read"), /its index\.json is a symbolic link/);
  const l4 = await make("huge-index");
  writeFileSync(join(l4.layout, "index.json"), `{"schemaVersion":2,"manifests":[],"x":"${"a".repeat(17 << 20)}"}`);
  await refused(openLayout(l4.layout, "read"), /index\.json is larger than 16777216 bytes/);
  // Digests that would be paths are never opened; a manifest whose bytes were altered is refused.
  const l5 = await make("bad-digests");
  writeFileSync(join(l5.layout, "index.json"), indexJson([
    { mediaType: MEDIA.manifest, digest: "sha256:../../../secret", size: 9, annotations: { [REF]: "escape" } },
    { mediaType: MEDIA.manifest, digest: `sha256:${"A".repeat(64)}`, size: 9, annotations: { [REF]: "upper" } },
    { mediaType: MEDIA.manifest, digest: `sha256:${sha256(l5.f.manifest)}`, size: 9, annotations: { [REF]: "ok" } },
  ]));
  const r5 = await openLayout(l5.layout, "read");
  assert.equal(await r5.getManifest("escape"), undefined);
  assert.equal(await r5.getManifest("upper"), undefined);
  assert.equal(await r5.getManifest("sha256:../../secret"), undefined);
  await assert.rejects(r5.hasBlob("../../secret"), /not a sha256/);
  writeFileSync(join(l5.layout, "blobs", "sha256", sha256(l5.f.manifest)), "{}");
  await refused(r5.getManifest("ok"), /manifest [0-9a-f]+ does not have that digest/);
  // Not a layout: no oci-layout, another version, index.json not JSON; a non-empty directory is not written into.
  const plain = join(dir, "plain");
  mkdirSync(plain);
  writeFileSync(join(plain, "notes.txt"), "mine");
  const e = await refused(openLayout(plain, "read"), /is not a readable OCI image layout: it has no oci-layout file/);
  assert.match(e.hint ?? "", /devenv bundle/);
  await refused(openLayout(plain, "write"), /it has no oci-layout file/);
  assert.deepEqual(readdirSync(plain), ["notes.txt"], "nothing was written into it");
  writeFileSync(join(plain, "oci-layout"), '{"imageLayoutVersion":"2.0.0"}');
  await refused(openLayout(plain, "read"), /imageLayoutVersion "2\.0\.0"/);
  writeFileSync(join(plain, "oci-layout"), OCI_LAYOUT);
  writeFileSync(join(plain, "index.json"), "{not json");
  await refused(openLayout(plain, "read"), /its index\.json is not JSON/);
  await refused(openLayout(join(dir, "missing"), "read"), /there is no such directory/);
});

test("hostile tars: .., absolute names, links and devices are ignored; a short tar or a bad header is refused", async () => {
  const dir = scratch();
  const good = Buffer.from("payload");
  const hex = sha256(good);
  const other = "e".repeat(64);
  const idx = indexJson([]);
  const write = (name: string, t: Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, t);
    return file;
  };
  const hostile = write("hostile.tar", handTar([
    { name: "oci-layout", data: OCI_LAYOUT },
    { name: `../blobs/sha256/${other}`, data: "escape" },
    { name: `/abs/blobs/sha256/${other}`, data: "absolute" },
    { name: `blobs/sha256/../../${other}`, data: "dots" },
    { name: `blobs/sha256/${other}`, data: "/etc/passwd", flag: "2" },
    { name: `blobs/sha256/${"f".repeat(64)}`, data: "", flag: "3" },
    { name: `blobs/sha256/${"9".repeat(64)}`, data: "oci-layout", flag: "1" },
    { name: `blobs/sha256/${hex}`, data: good },
    { name: `${"long/".repeat(30)}name`, data: "a pax-named member, not a blob" },
    { name: "index.json", data: idx },
  ]));
  const r = await openLayout(hostile, "read");
  for (const h of [other, "f".repeat(64), "9".repeat(64)]) {
    assert.equal(await r.hasBlob(h), false, `${h} is not a blob`);
    assert.equal(await r.openBlob(h), undefined);
  }
  assert.equal(await text((await r.openBlob(hex))!.body), "payload");
  await r.close();
  // Shorter than its headers say: cut inside the blob's data, and inside a header.
  const whole = handTar([{ name: "oci-layout", data: OCI_LAYOUT }, { name: `blobs/sha256/${hex}`, data: "x".repeat(2000) }, { name: "index.json", data: idx }]);
  await refused(openLayout(write("short.tar", whole.subarray(0, 1024 + 1000)), "read"), /shorter than its headers say \(a member at byte 1024 needs 2000 bytes, 488 are left\)/);
  await refused(openLayout(write("short2.tar", whole.subarray(0, 1024 + 100)), "read"), /shorter than its headers say \(it ends inside a header at byte 1024\)/);
  const bad = Buffer.from(whole);
  bad[0] = "O".charCodeAt(0);
  await refused(openLayout(write("bad.tar", bad), "read"), /at byte 0 of the tar, a header's checksum is wrong/);
  await refused(openLayout(write("nolayout.tar", handTar([{ name: "index.json", data: idx }])), "read"), /it has no oci-layout file/);
  await refused(openLayout(write("noindex.tar", handTar([{ name: "oci-layout", data: OCI_LAYOUT }])), "read"), /it has no index\.json/);
  await refused(openLayout(write("hugeindex.tar", handTar([{ name: "oci-layout", data: OCI_LAYOUT }, { name: "index.json", data: "a".repeat((16 << 20) + 1) }])), "read"), /index\.json is larger than/);
  await refused(openLayout(join(dir, "absent.tar"), "read"), /there is no such file/);
  mkdirSync(join(dir, "dir.tar"));
  await refused(openLayout(join(dir, "dir.tar"), "write"), /not a file/);
});

test("two writers of one directory layout at once: index.json ends with the tags of both", async () => {
  const dir = scratch();
  const layout = join(dir, "bundle");
  const a = await openLayout(layout, "write");
  const b = await openLayout(layout, "write");
  const m = (n: number) => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, n }));
  await Promise.all([0, 1, 2, 3].map((i) => (i % 2 ? b : a).putManifest(m(i), MEDIA.manifest, `t${i}`)));
  await a.putManifest(m(4), MEDIA.manifest, "t4");
  await Promise.all([a.close(), b.close()]);
  const r = await openLayout(layout, "read");
  for (const i of [0, 1, 2, 3, 4]) assert.deepEqual((await r.getManifest(`t${i}`))?.bytes, m(i), `t${i}`);
});
