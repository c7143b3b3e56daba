/**
 * The pure parts of the registry client (issue 18): upload Locations joined with the digest (the
 * registry's own query kept byte for byte), chunks and their Content-Range, the token cache's expiry,
 * the cache's short timeouts under DEVENV_HTTP_*, Authorization kept for its origin only, and a
 * registry's error body quoted bounded and on one line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { errorWords } from "../../src/cache/client.js";
import { TokenCache } from "../../src/cache/token-cache.js";
import { cacheLimits, withoutAuthorizationElsewhere } from "../../src/cache/transport.js";
import { chunksOf, contentRange, uploadTarget, withDigest } from "../../src/cache/upload.js";

const HEX = "ab".repeat(32);

test("withDigest appends digest=sha256:<hex> after the registry's query, which stays byte for byte", () => {
  const state = "https://r.example/v2/a/b/blobs/uploads/u1?_state=d691bjVZ-x_~=&x=a+b%2F";
  assert.equal(withDigest(state, HEX), `${state}&digest=sha256%3A${HEX}`);
  assert.equal(withDigest("https://r.example/v2/a/blobs/uploads/u1", HEX), `https://r.example/v2/a/blobs/uploads/u1?digest=sha256%3A${HEX}`);
  assert.equal(withDigest("https://r.example/u?", HEX), `https://r.example/u?digest=sha256%3A${HEX}`);
  assert.equal(withDigest("https://r.example/u?a=1&", HEX), `https://r.example/u?a=1&digest=sha256%3A${HEX}`);
});

test("uploadTarget resolves a relative or absolute Location against the URL that answered; refuses https → http and other schemes", () => {
  const from = "https://r.example:5000/v2/a/blobs/uploads/";
  assert.equal(uploadTarget(from, "/v2/a/blobs/uploads/u1?_state=x%3D"), "https://r.example:5000/v2/a/blobs/uploads/u1?_state=x%3D");
  assert.equal(uploadTarget(from, "u2"), "https://r.example:5000/v2/a/blobs/uploads/u2");
  assert.equal(uploadTarget(from, "https://uploads.example/s?sig=1#frag"), "https://uploads.example/s?sig=1");
  assert.equal(uploadTarget(from, "http://r.example:5000/v2/a/blobs/uploads/u1"), undefined);
  assert.equal(uploadTarget(from, "ftp://r.example/x"), undefined);
  assert.equal(uploadTarget("http://127.0.0.1:5000/v2/a/blobs/uploads/", "http://127.0.0.1:5000/v2/u"), "http://127.0.0.1:5000/v2/u");
});

test("chunks cover the file exactly, each at most chunkSize; Content-Range is first-last inclusive", () => {
  assert.deepEqual(chunksOf(10, 4), [{ start: 0, length: 4 }, { start: 4, length: 4 }, { start: 8, length: 2 }]);
  assert.deepEqual(chunksOf(8, 4), [{ start: 0, length: 4 }, { start: 4, length: 4 }]);
  assert.deepEqual(chunksOf(0, 4), []);
  assert.equal(contentRange({ start: 0, length: 4 }), "0-3");
  assert.equal(contentRange({ start: 8, length: 2 }), "8-9");
  assert.throws(() => chunksOf(10, 0));
});

test("a token is kept until a little before its expires_in (a tenth of its life, at most 5 s); the spec's 60 s when none is given", () => {
  let now = 1_000_000;
  const c = new TokenCache(() => now);
  c.set("s", "Bearer a", 300);
  now += 294_999;
  assert.equal(c.get("s"), "Bearer a");
  now += 1;
  assert.equal(c.get("s"), undefined, "dropped 5 s before the end");
  c.set("short", "Bearer b", 10);
  now += 8_999;
  assert.equal(c.get("short"), "Bearer b");
  now += 1;
  assert.equal(c.get("short"), undefined, "a tenth of 10 s early");
  for (const given of [undefined, 0, -5, "300", Number.NaN]) {
    c.set("d", "Bearer c", given);
    now += 54_999;
    assert.equal(c.get("d"), "Bearer c", String(given));
    now += 1;
    assert.equal(c.get("d"), undefined, String(given));
  }
  c.set("x", "Bearer x", 60);
  c.drop("x", "Bearer other");
  assert.equal(c.get("x"), "Bearer x", "only the refused token is dropped");
  c.drop("x", "Bearer x");
  assert.equal(c.get("x"), undefined);
});

test("the cache connects within 3 s and wants a first byte within 10 s, lower DEVENV_HTTP_* limits win, a caller's limits win over both", () => {
  const d = cacheLimits({});
  assert.equal(d.connectMs, 3000);
  assert.equal(d.firstByteMs, 10_000);
  assert.equal(d.idleMs, 30_000);
  const env = cacheLimits({ DEVENV_HTTP_CONNECT_TIMEOUT: "1", DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "60", DEVENV_HTTP_IDLE_TIMEOUT: "5" });
  assert.deepEqual([env.connectMs, env.firstByteMs, env.idleMs], [1000, 10_000, 5000]);
  assert.equal(cacheLimits({}, { firstByteMs: 500 }).firstByteMs, 500);
  assert.equal(cacheLimits({}, { firstByteMs: undefined }).firstByteMs, 10_000, "an undefined limit is no limit given");
});

test("Authorization stays with its origin: dropped on a redirect to another host, port or scheme, kept on the same origin", () => {
  const h = { authorization: "Bearer t", "user-agent": "devenv" };
  assert.deepEqual(withoutAuthorizationElsewhere(h, "https://r.example/v2/a/blobs/x", "https://r.example/other"), h);
  for (const to of ["https://s3.example/b?X-Amz-Signature=1", "https://r.example:444/x", "http://r.example/x"]) {
    assert.deepEqual(withoutAuthorizationElsewhere(h, "https://r.example/v2/a/blobs/x", to), { "user-agent": "devenv" }, to);
  }
  assert.deepEqual(withoutAuthorizationElsewhere({ Authorization: "Basic x" }, "http://a/", "http://b/"), {});
});

test("a registry's error body is quoted: code and message, at most three, one line, bounded; anything else says nothing", () => {
  assert.equal(errorWords(JSON.stringify({ errors: [{ code: "DENIED", message: "requested access to the resource is denied" }] })),
    ': the registry says "DENIED: requested access to the resource is denied"');
  assert.equal(errorWords(JSON.stringify({ errors: [{ code: "A", message: "line1\nline2\u001b[31m" }, { code: "B" }, { code: "C" }, { code: "D" }] })),
    ': the registry says "A: line1 line2 [31m; B; C"');
  assert.equal(errorWords(JSON.stringify({ errors: [{ code: "X", message: "y".repeat(500) }] })).length, ': the registry says ""'.length + 201, "200 characters and an ellipsis");
  assert.equal(errorWords("<html>502</html>"), "");
  assert.equal(errorWords(JSON.stringify({ errors: "no" })), "");
  assert.equal(errorWords(JSON.stringify({ errors: [{}] })), "");
});
