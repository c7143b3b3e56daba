/**
 * The registry client against the real CNCF distribution registry (Debian's docker-registry) on
 * loopback, without auth: blobs up (one PUT, and PATCH chunks) and down, artifact manifests and an
 * index that tags/list shows, 404s, and a registry that is down or silent failing fast.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { openRegistry } from "../../src/cache/registry.js";
import { parseCacheUrl } from "../../src/cache/url.js";
import { MEDIA } from "../../src/cache/types.js";
import { startHostile } from "../support/hostile-http.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import { waitFor } from "../support/wait.js";
import { artifactManifest, blobFile, cacheFailure, indexOf, noCredentials, readAll, sha256hex } from "./kit.js";

installNetGuard();
let reg: RegistryServer;
before(async () => { reg = await startRegistry(); });
after(async () => {
  await reg.stop();
  assertNoExternalRequests();
});

const open = (url: string, o: { chunkSize?: number } = {}) => {
  const loc = parseCacheUrl(url);
  assert.equal(loc.kind, "registry");
  return openRegistry(loc as Extract<typeof loc, { kind: "registry" }>, { credentials: noCredentials, env: {}, ...o });
};

test("a small blob goes up in one PUT to the upload Location (its ?_state= kept, digest added) and comes back by HEAD and GET", async () => {
  const store = open(reg.url);
  assert.equal(store.where, reg.url);
  const f = blobFile(100_000);
  assert.equal(await store.hasBlob(f.sha256), false);
  await store.putBlob(f.sha256, f.bytes.length, f.path);
  assert.equal(await store.hasBlob(f.sha256), true);
  const got = await store.openBlob(f.sha256);
  assert.ok(got);
  assert.equal(got.size, f.bytes.length);
  assert.ok((await readAll(got.body)).equals(f.bytes));
  const served = await waitFor("the GET in the access log", () => {
    const r = reg.requests();
    return r.some((q) => q.method === "GET" && q.path.endsWith(f.sha256)) && r;
  });
  const put = served.filter((q) => q.method === "PUT" && q.path.includes("/blobs/uploads/"));
  assert.equal(put.length, 1);
  assert.match(put[0]!.path, new RegExp(`\\?_state=[^&]+&digest=sha256%3A${f.sha256}$`));
  assert.equal(put[0]!.status, 201);
  assert.equal(served.filter((q) => q.method === "PATCH").length, 0, "no PATCH for a small blob");
});

test("a blob larger than chunkSize goes up in PATCH chunks (each following the last Location), then a PUT with the digest", async () => {
  const store = open(reg.url, { chunkSize: 40_000 });
  const f = blobFile(100_001);
  const before = reg.requests().length;
  await store.putBlob(f.sha256, f.bytes.length, f.path);
  const got = await store.openBlob(f.sha256);
  assert.ok(got && (await readAll(got.body)).equals(f.bytes));
  const served = await waitFor("the upload in the access log", () => {
    const r = reg.requests().slice(before);
    return r.some((q) => q.method === "GET") && r;
  });
  const patches = served.filter((q) => q.method === "PATCH");
  assert.deepEqual(patches.map((q) => q.status), [202, 202, 202], "three chunks: 40000 + 40000 + 20001 bytes");
  assert.equal(new Set(patches.map((q) => q.path)).size, 3, "each chunk goes to the Location the last answer gave");
  const put = served.find((q) => q.method === "PUT");
  assert.ok(put && put.status === 201 && put.path.endsWith(`digest=sha256%3A${f.sha256}`), JSON.stringify(put));
});

test("blobPath is where the registry keeps a blob's bytes: bytes written there are what a GET returns (the lever of a tamper test)", async () => {
  const store = open(reg.url);
  const f = blobFile(3000);
  await store.putBlob(f.sha256, 3000, f.path);
  assert.ok(readFileSync(reg.blobPath(f.sha256)).equals(f.bytes));
  const evil = Buffer.alloc(3000, 0x41);
  writeFileSync(reg.blobPath(f.sha256), evil);
  const got = await store.openBlob(f.sha256);
  assert.ok(got && (await readAll(got.body)).equals(evil), "the registry serves what is on disk without checking it: devenv must verify");
});

test("a missing blob: hasBlob false, openBlob undefined; a missing manifest: undefined", async () => {
  const store = open(reg.url);
  const missing = sha256hex("not there");
  assert.equal(await store.hasBlob(missing), false);
  assert.equal(await store.openBlob(missing), undefined);
  assert.equal(await store.getManifest("no-such-tag"), undefined);
  assert.equal(await store.getManifest(`sha256:${missing}`), undefined);
});

test("an artifact manifest (empty config pushed first) with a tag and an OCI index: read back byte for byte, digests agree, tags/list shows both", async () => {
  const store = open(reg.url);
  const f = blobFile(5000);
  await store.putBlob(f.sha256, f.bytes.length, f.path);
  const manifest = await artifactManifest(store, { sha256: f.sha256, size: f.bytes.length });
  const m = await store.putManifest(manifest, MEDIA.manifest, "demo-1.0.0-linux-x64");
  assert.equal(m, sha256hex(manifest));
  const index = indexOf([{ sha256: m, size: manifest.length }]);
  const i = await store.putManifest(index, MEDIA.index, "lock-abc");
  assert.equal(i, sha256hex(index));
  const byTag = await store.getManifest("demo-1.0.0-linux-x64");
  assert.ok(byTag && byTag.bytes.equals(manifest));
  assert.equal(byTag.mediaType, MEDIA.manifest);
  const byDigest = await store.getManifest(`sha256:${i}`);
  assert.ok(byDigest && byDigest.bytes.equals(index));
  assert.equal(byDigest.mediaType, MEDIA.index);
  const untagged = await store.putManifest(indexOf([]), MEDIA.index, undefined);
  assert.ok((await store.getManifest(`sha256:${untagged}`))?.bytes.equals(indexOf([])));
  const tags = (await (await fetch(`${reg.origin}/v2/${reg.repository}/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual(tags.tags.sort(), ["demo-1.0.0-linux-x64", "lock-abc"]);
});

test("a registry that gives relative Locations (http.relativeurls): uploads still land", async () => {
  const rel = await startRegistry({ relativeUrls: true });
  try {
    const post = await fetch(`${rel.origin}/v2/${rel.repository}/blobs/uploads/`, { method: "POST" });
    assert.match(post.headers.get("location") ?? "", /^\/v2\//, "the registry does answer a relative Location");
    const store = open(rel.url, { chunkSize: 3000 });
    for (const size of [1000, 7000]) {
      const f = blobFile(size);
      await store.putBlob(f.sha256, size, f.path);
      const got = await store.openBlob(f.sha256);
      assert.ok(got && (await readAll(got.body)).equals(f.bytes));
    }
  } finally {
    await rel.stop();
  }
});

test("a registry that is down: every operation is a CacheError 'unreachable' at once, naming the cache URL", async () => {
  const gone = await startRegistry();
  const store = open(gone.url);
  await gone.stop();
  const f = blobFile(10);
  for (const op of [() => store.hasBlob(f.sha256), () => store.openBlob(f.sha256), () => store.putBlob(f.sha256, 10, f.path), () => store.getManifest("x")]) {
    const { e, ms } = await cacheFailure(op);
    assert.equal(e.failure, "unreachable");
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.match(e.message, new RegExp(`^cache ${gone.url.replace(/[.+]/g, "\\$&")} is unreachable: 127\\.0\\.0\\.1:${gone.port}: connection refused \\(ECONNREFUSED\\)`));
    assert.match(e.hint ?? "", /registry is running/);
  }
});

test("a registry that accepts and never answers: 'unreachable' after the first-byte bound, which names its setting", async () => {
  const silent = await startHostile();
  try {
    silent.on(/.*/, { kind: "silent" });
    const loc = parseCacheUrl(`oci+http://${silent.host}/team/devenv`) as Extract<ReturnType<typeof parseCacheUrl>, { kind: "registry" }>;
    const store = openRegistry(loc, { credentials: noCredentials, env: {}, limits: { firstByteMs: 500 } });
    const { e, ms } = await cacheFailure(() => store.hasBlob(sha256hex("x")));
    assert.equal(e.failure, "unreachable");
    assert.ok(ms < 2500, `took ${ms} ms`);
    assert.match(e.message, /did not answer: no response to .* within 0\.5 s/);
    assert.match(e.hint ?? "", /DEVENV_HTTP_FIRST_BYTE_TIMEOUT/);
  } finally {
    await silent.close();
  }
});

test("an answer the spec does not allow (200 to the upload POST, where 202 is due) is a 'protocol' CacheError naming the operation", async () => {
  const odd = await startHostile();
  try {
    odd.on(/.*/, { kind: "serve", body: "" });
    const loc = parseCacheUrl(`oci+http://${odd.host}/team/devenv`) as Extract<ReturnType<typeof parseCacheUrl>, { kind: "registry" }>;
    const store = openRegistry(loc, { credentials: noCredentials, env: {} });
    // 200 to the upload POST instead of 202.
    const f = blobFile(10);
    const { e } = await cacheFailure(() => store.putBlob(f.sha256, 10, f.path));
    assert.equal(e.failure, "protocol");
    assert.match(e.message, new RegExp(`^cache oci\\+http://${odd.host.replace(/\./g, "\\.")}/team/devenv answered HTTP 200 to upload blob sha256:${f.sha256.slice(0, 12)}`));
  } finally {
    await odd.close();
  }
});

/** A loopback server answering with `handler` (the odd registries the real one cannot play). */
async function oddServer(handler: Parameters<typeof createServer>[1]) {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(s.address() as { port: number }).port}`;
  return { host, url: `oci+http://${host}/team/devenv`, close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}

test("a 503 is 'unreachable' (down or overloaded); a 500 is 'protocol', quoting the registry's error body on one line", async () => {
  const s = await oddServer((req, res) => {
    res.writeHead(req.method === "HEAD" ? 503 : 500, { "content-type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "UNKNOWN", message: "storage\n\u001b[2Jbroken" }] }));
  });
  try {
    const store = open(s.url);
    const down = await cacheFailure(() => store.hasBlob(sha256hex("a")));
    assert.equal(down.e.failure, "unreachable");
    assert.match(down.e.message, /is unavailable: HTTP 503 Service Unavailable to check blob/);
    const odd = await cacheFailure(() => store.openBlob(sha256hex("a")));
    assert.equal(odd.e.failure, "protocol");
    assert.equal(odd.e.message, `cache ${s.url} answered HTTP 500 Internal Server Error to download blob sha256:${sha256hex("a").slice(0, 12)}…: the registry says "UNKNOWN: storage [2Jbroken"`);
  } finally {
    await s.close();
  }
});

test("an upload the registry stops reading fails after the idle bound (DEVENV_HTTP_IDLE_TIMEOUT), 'unreachable'", async () => {
  const s = await oddServer((req, res) => {
    if (req.method === "POST") return void res.writeHead(202, { location: "/v2/team/devenv/blobs/uploads/u1?_state=x" }).end();
    req.pause(); // takes no more bytes, never answers
  });
  try {
    const loc = parseCacheUrl(s.url) as Extract<ReturnType<typeof parseCacheUrl>, { kind: "registry" }>;
    const store = openRegistry(loc, { credentials: noCredentials, env: {}, limits: { idleMs: 500 } });
    const f = blobFile(48 << 20);
    const { e, ms } = await cacheFailure(() => store.putBlob(f.sha256, f.bytes.length, f.path));
    assert.equal(e.failure, "unreachable");
    assert.ok(ms < 5000, `took ${ms} ms`);
    assert.match(e.message, new RegExp(`${s.host.replace(/\./g, "\\.")} stopped taking data: nothing could be sent for 0\\.5 s while uploading to http://${s.host.replace(/\./g, "\\.")}/v2/team/devenv/blobs/uploads/u1\\?_state=x&digest=sha256%3A`));
    assert.match(e.hint ?? "", /DEVENV_HTTP_IDLE_TIMEOUT/);
  } finally {
    await s.close();
  }
});

test("a registry whose Docker-Content-Digest names other bytes than those sent is a 'protocol' CacheError", async () => {
  const other = `sha256:${sha256hex("other")}`;
  const s = await oddServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(201, { "docker-content-digest": other }).end());
  });
  try {
    const { e } = await cacheFailure(() => open(s.url).putManifest(Buffer.from("{}"), MEDIA.index, "t1"));
    assert.equal(e.failure, "protocol");
    assert.equal(e.message, `cache ${s.url} stored "${other}" when asked to store manifest t1 (sha256:${sha256hex("{}")})`);
  } finally {
    await s.close();
  }
});
