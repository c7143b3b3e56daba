/**
 * Issue 18, pull at the store's level: the installer asks a BlobSource for a file the lock pins by
 * sha256 before its upstream, and verifies what it gives exactly like a download. A hit makes no
 * upstream request; a miss goes upstream; bytes that do not verify (tampered, too long, cut off)
 * are reported to the source and the upstream copy is installed; a file pinned by integrity only is
 * never asked for.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { silentReporter } from "../../src/reporter.js";
import type { BlobSource } from "../../src/store/blob-source.js";
import { ensureInstalled } from "../../src/store/install.js";
import { gzip, sha256hex, tarEntries } from "../support/archives.js";
import { makeSpec, useKit } from "./store-kit.js";

const kit = useKit();

const WHERE = "oci://cache.test/team/devenv";

/** A cache holding `blobs` (sha256 → bytes, served as given), recording what it was asked and told. */
function memoryCache(blobs: Map<string, Buffer | (() => Readable)>) {
  const asked: string[] = [];
  const refused: string[] = [];
  const source: BlobSource = {
    local: false,
    async open(file) {
      asked.push(file.sha256);
      const b = blobs.get(file.sha256);
      if (b === undefined) return undefined;
      const body = typeof b === "function" ? b() : Readable.from([b]);
      return { body, size: Buffer.isBuffer(b) ? b.length : undefined, where: WHERE };
    },
    rejected(_file, _label, error) {
      refused.push(`${WHERE}: ${error.message}`);
    },
  };
  return { source, asked, refused };
}

const archive = (tag: string) => gzip(tarEntries([{ path: "bin/tool", mode: 0o755, content: `#!/bin/sh\necho ${tag}\n` }]));
const upstreamGets = (path: string) => kit.fake.requests.filter((r) => r.includes(path.split("/").pop()!)).length;

test("a hit installs from the cache and never asks the upstream", async () => {
  const body = archive("cached");
  const { url, path } = kit.serve(body, "tar.gz");
  const spec = makeSpec(url, body, { format: "tar.gz" });
  const cache = memoryCache(new Map([[sha256hex(body), body]]));
  const got = await ensureInstalled(kit.newStore().store, kit.http, spec, silentReporter, { cache: cache.source });
  assert.match(readFileSync(join(got.dir, "bin/tool"), "utf8"), /echo cached/);
  assert.deepEqual(cache.asked, [sha256hex(body)]);
  assert.equal(upstreamGets(path), 0, "the upstream was not asked");
  assert.deepEqual(cache.refused, []);
});

test("a miss goes upstream", async () => {
  const body = archive("miss");
  const { url, path } = kit.serve(body, "tar.gz");
  const cache = memoryCache(new Map());
  const got = await ensureInstalled(kit.newStore().store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter, { cache: cache.source });
  assert.match(readFileSync(join(got.dir, "bin/tool"), "utf8"), /echo miss/);
  assert.equal(cache.asked.length, 1);
  assert.equal(upstreamGets(path), 1);
});

test("tampered, oversized or cut-off bytes from the cache are refused loudly and the upstream copy is installed", async () => {
  const cases: Array<[string, (good: Buffer) => Buffer | (() => Readable), RegExp]> = [
    ["tampered", () => archive("evil"), /checksum mismatch/],
    ["longer than the lock's size", (good) => Buffer.concat([good, Buffer.alloc(10)]), /more than the \d+ bytes devenv.lock records/],
    ["cut off mid-body", (good) => () => Readable.from((async function* () {
      yield good.subarray(0, 10);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    })()), /socket hang up/],
  ];
  for (const [what, bad, why] of cases) {
    const body = archive(`good-${what}`);
    const { url, path } = kit.serve(body, "tar.gz");
    const spec = makeSpec(url, body, { format: "tar.gz" });
    spec.artifact.size = body.length;
    const cache = memoryCache(new Map([[sha256hex(body), bad(body)]]));
    const got = await ensureInstalled(kit.newStore().store, kit.http, spec, silentReporter, { cache: cache.source });
    assert.match(readFileSync(join(got.dir, "bin/tool"), "utf8"), new RegExp(`echo good-${what}`), what);
    assert.equal(cache.refused.length, 1, what);
    assert.match(cache.refused[0]!, why, what);
    assert.match(cache.refused[0]!, /^oci:\/\/cache\.test\/team\/devenv: /, what);
    assert.equal(upstreamGets(path), 1, `${what}: the upstream copy was downloaded`);
  }
});

test("a file the lock pins by integrity only is not asked for (no sha256 to address it by)", async () => {
  const body = archive("npm");
  const { url } = kit.serve(body, "tar.gz");
  const spec = makeSpec(url, body, { format: "tar.gz" });
  const { createHash } = await import("node:crypto");
  spec.artifact = { url, integrity: `sha512-${createHash("sha512").update(body).digest("base64")}`, format: "tar.gz", strip: 0 };
  const cache = memoryCache(new Map());
  await ensureInstalled(kit.newStore().store, kit.http, spec, silentReporter, { cache: cache.source });
  assert.deepEqual(cache.asked, []);
});

const sri = (b: Buffer) => `sha512-${createHash("sha512").update(b).digest("base64")}`;

test("a file pinned by integrity with its sha256 recorded beside it is asked for by that sha256, and the cache's copy checked against both", async () => {
  const body = archive("npm-cached");
  const { url, path } = kit.serve(body, "tar.gz");
  const spec = makeSpec(url, body, { format: "tar.gz" });
  spec.artifact = { url, integrity: sri(body), sha256: sha256hex(body), format: "tar.gz", strip: 0 };
  const cache = memoryCache(new Map([[sha256hex(body), body]]));
  const got = await ensureInstalled(kit.newStore().store, kit.http, spec, silentReporter, { cache: cache.source });
  assert.match(readFileSync(join(got.dir, "bin/tool"), "utf8"), /echo npm-cached/);
  assert.deepEqual(cache.asked, [sha256hex(body)]);
  assert.equal(upstreamGets(path), 0, "the upstream was not asked");

  // A blob under that sha256 whose bytes do not have the integrity (a forged sha256 in devenv.lock): refused, and the upstream's.
  const other = archive("npm-other");
  const o = kit.serve(other, "tar.gz");
  const forged = makeSpec(o.url, other, { format: "tar.gz" });
  const evil = archive("evil");
  forged.artifact = { url: o.url, integrity: sri(other), sha256: sha256hex(evil), format: "tar.gz", strip: 0 };
  const c2 = memoryCache(new Map([[sha256hex(evil), evil]]));
  const err = await ensureInstalled(kit.newStore().store, kit.http, forged, silentReporter, { cache: c2.source }).then(() => undefined, (e: Error) => e);
  assert.equal(c2.refused.length, 1);
  assert.match(c2.refused[0]!, /checksum mismatch .*expected integrity/);
  assert.equal(upstreamGets(o.path), 1, "then the upstream copy");
  assert.match(String(err?.message), /devenv\.lock's sha256 for .* does not match the bytes whose sha512 integrity it also records/, "whose sha256 is not the lock's: nothing installed");
});
