/**
 * Issue 18: the real skopeo (Debian's, 1.9.3 here) reads the OCI layouts devenv writes, a directory
 * (`oci:`) and a tar (`oci-archive:`), with manifests shaped like devenv's (an artifactType, the
 * empty config, layers of devenv's download type); and devenv reads what skopeo writes.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { test } from "node:test";
import { openLayout } from "../../src/cache/layout.js";
import { MEDIA, type BlobStore } from "../../src/cache/types.js";
import { artifact, artifactManifest, EMPTY_HEX, emptyConfig, lockIndex, scratch, sha256 } from "../support/oci-layout-kit.js";

const SKOPEO = "/usr/bin/skopeo";
const skip = existsSync(SKOPEO) ? false : `${SKOPEO} is not installed (apt-get install skopeo; CI installs it)`;
const TAG = "node-20.11.1-linux-x64";

const skopeo = (...args: string[]) => execFileSync(SKOPEO, ["--insecure-policy", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

async function write(target: string, dir: string) {
  const store = await openLayout(target, "write");
  const cfg = emptyConfig(dir);
  const art = artifact(dir, "node.tar.gz", Buffer.alloc(300_000, "node"));
  await store.putBlob(cfg.hex, cfg.size, cfg.file);
  await store.putBlob(art.hex, art.size, art.file);
  const manifest = artifactManifest(art);
  await store.putManifest(manifest, MEDIA.manifest, TAG);
  await store.putManifest(lockIndex([manifest]), MEDIA.index, "lock-0123abcd");
  await store.close();
  return { art, manifest };
}

async function readsCopy(store: BlobStore, w: Awaited<ReturnType<typeof write>>, tag: string) {
  assert.deepEqual((await store.getManifest(tag))?.bytes, w.manifest, "the copy kept the manifest byte for byte");
  assert.equal(sha256(Buffer.from(await text((await store.openBlob(w.art.hex))!.body), "latin1")), w.art.hex);
  assert.equal(await store.hasBlob(EMPTY_HEX), true);
  await store.close();
}

test("skopeo reads a directory layout devenv wrote (inspect --raw, copy), and devenv reads skopeo's copy", { skip }, async () => {
  const dir = scratch("devenv-skopeo-");
  const layout = join(dir, "bundle");
  const w = await write(layout, dir);
  assert.equal(skopeo("inspect", "--raw", `oci:${layout}:${TAG}`), w.manifest.toString());
  // The lock's index too, by its tag.
  assert.equal(JSON.parse(skopeo("inspect", "--raw", `oci:${layout}:lock-0123abcd`)).artifactType, MEDIA.lock);
  const copy = join(dir, "copy");
  skopeo("copy", `oci:${layout}:${TAG}`, `oci:${copy}:${TAG}`);
  const entry = JSON.parse(readFileSync(join(copy, "index.json"), "utf8")).manifests[0];
  assert.equal(entry.digest, `sha256:${sha256(w.manifest)}`, "skopeo copied the artifact manifest unchanged");
  await readsCopy(await openLayout(copy, "read"), w, TAG);
  // skopeo adding a tag to devenv's layout keeps devenv's entries.
  skopeo("copy", `oci:${layout}:${TAG}`, `oci:${layout}:again`);
  const both = await openLayout(layout, "read");
  assert.ok(await both.getManifest("lock-0123abcd"));
  await readsCopy(both, w, "again");
});

test("skopeo reads a tar layout devenv wrote (oci-archive:), and devenv reads the tar skopeo writes", { skip }, async () => {
  const dir = scratch("devenv-skopeo-");
  const file = join(dir, "bundle.tar");
  const w = await write(file, dir);
  assert.equal(skopeo("inspect", "--raw", `oci-archive:${file}:${TAG}`), w.manifest.toString());
  const out = join(dir, "skopeo.tar");
  skopeo("copy", `oci-archive:${file}:${TAG}`, `oci-archive:${out}:copied`);
  await readsCopy(await openLayout(out, "read"), w, "copied");
});
