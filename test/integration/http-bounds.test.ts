/**
 * Every HTTP request devenv makes is bounded (issue 13, finding 5): against real loopback servers that
 * accept and never answer, never accept, send headers and stall, trickle, or redirect in circles.
 * Short limits are given to the client directly; test/cli/network-bounds.test.ts checks the
 * defaults and the DEVENV_HTTP_* variables through the CLI.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { createHttp, type HttpOptions } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import { startHostile, startUnconnectable, type HostileServer } from "../support/hostile-http.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";

installNetGuard();
let a: HostileServer;
let b: HostileServer;
before(async () => {
  a = await startHostile();
  b = await startHostile();
});
after(async () => {
  await a.close();
  await b.close();
  assertNoExternalRequests();
});

const SHORT = { connectMs: 800, firstByteMs: 800, idleMs: 800, minSpeed: 2000, minSpeedMs: 800 };
const client = (o: Partial<HttpOptions> = {}) => createHttp({ mirrors: [], offline: false, backoffMs: 5, limits: SHORT, ...o });

/** Runs `fn`, which must fail with a DevenvError; returns it and how long it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ e: DevenvError; ms: number }> {
  const t = performance.now();
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof DevenvError, `a DevenvError, got ${(e as Error)?.stack ?? e}`);
    return { e, ms: performance.now() - t };
  }
  assert.fail("it did not fail");
}

test("a server that accepts and never answers fails after the first-byte timeout, once, naming the host and DEVENV_HTTP_FIRST_BYTE_TIMEOUT", async () => {
  a.on("/silent", { kind: "silent" });
  const { e, ms } = await failure(() => client().text(`${a.origin}/silent`));
  assert.ok(ms < 3000, `failed after ${ms} ms`);
  assert.equal(e.code, "HTTP");
  // The first-byte bound (0.8 s after the connection). On a loaded machine a slow connect can leave
  // the request's own deadline (connect + first byte, 1.6 s) to fire first: the same failure, said so.
  const firstByte = `${a.host} did not answer: no response to ${a.origin}/silent within 0.8 s`;
  const overall = `${a.host} did not answer: no response to ${a.origin}/silent within 1.6 s (retries and redirects included)`;
  assert.ok(e.message === firstByte || e.message === overall, e.message);
  assert.match(e.hint ?? "", /set DEVENV_HTTP_FIRST_BYTE_TIMEOUT/);
  assert.equal(a.hits("/silent"), 1, "a timeout is not retried");
});

test("a server that never accepts fails after the connect timeout, naming the host and DEVENV_HTTP_CONNECT_TIMEOUT", async () => {
  const u = await startUnconnectable();
  try {
    const { e, ms } = await failure(() => client().text(`http://127.0.0.1:${u.port}/x`));
    assert.ok(ms < 3000, `failed after ${ms} ms`);
    assert.match(e.message, new RegExp(`^127\\.0\\.0\\.1:${u.port} did not answer: no connection to 127\\.0\\.0\\.1:${u.port} within 0\\.8 s`));
    assert.match(e.hint ?? "", /set DEVENV_HTTP_CONNECT_TIMEOUT/);
  } finally {
    u.close();
  }
});

test("headers then a stalled body fail after the idle timeout (DEVENV_HTTP_IDLE_TIMEOUT); a reader that is slow itself is not failed", async () => {
  a.on("/stall", { kind: "stall", length: 100_000, prefix: Buffer.alloc(1000, 1) });
  const http = client();
  const res = await http.get(`${a.origin}/stall`);
  const t = performance.now();
  const chunks: Buffer[] = [];
  const err = await (async () => {
    try {
      for await (const c of res.body) chunks.push(c as Buffer);
    } catch (e) {
      return e;
    }
  })();
  const ms = performance.now() - t;
  assert.ok(err instanceof DevenvError, String(err));
  assert.ok(ms < 3000, `failed after ${ms} ms`);
  assert.equal(err.message, `${a.host} stopped sending: no data for 0.8 s while downloading ${a.origin}/stall`);
  assert.match(err.hint ?? "", /set DEVENV_HTTP_IDLE_TIMEOUT/);
  assert.equal(Buffer.concat(chunks).length, 1000, "what came before the stall was delivered");

  // 4 MB served at once, read with pauses longer than every limit: back-pressure is not a stall.
  const big = Buffer.alloc(4 << 20, 7);
  a.on("/big", { kind: "serve", body: big });
  const ok = await http.get(`${a.origin}/big`);
  await new Promise((r) => setTimeout(r, 2000)); // not reading at all yet
  let n = 0;
  let pauses = 0;
  for await (const c of ok.body) {
    n += (c as Buffer).length;
    if (pauses++ < 2) await new Promise((r) => setTimeout(r, 1200)); // longer than the idle timeout
  }
  assert.equal(n, big.length);
});

test("a trickle fails on the minimum speed (DEVENV_HTTP_MIN_SPEED over DEVENV_HTTP_MIN_SPEED_TIME), though bytes keep coming", async () => {
  a.on("/trickle", { kind: "trickle", length: 1_000_000, bytes: 10, everyMs: 20 }); // ~500 bytes/s
  const http = client({ limits: { ...SHORT, idleMs: 10_000 } });
  const { e, ms } = await failure(() => http.text(`${a.origin}/trickle`));
  assert.ok(ms < 3000, `failed after ${ms} ms`);
  assert.equal(e.message, `${a.host} is too slow: under 2000 bytes/s for 0.8 s while downloading ${a.origin}/trickle`);
  assert.match(e.hint ?? "", /lower DEVENV_HTTP_MIN_SPEED .* raise DEVENV_HTTP_MIN_SPEED_TIME/);
});

test("a redirect loop and too many redirects: devenv's own error naming the start URL and the number of redirects", async () => {
  a.on("/loop/a", { kind: "redirect", to: "/loop/b" });
  a.on("/loop/b", { kind: "redirect", to: `${a.origin}/loop/c` });
  a.on("/loop/c", { kind: "redirect", to: "a" });
  const loop = await failure(() => client().text(`${a.origin}/loop/a`));
  assert.equal(loop.e.message, `redirect loop: ${a.origin}/loop/a came back to ${a.origin}/loop/a after 3 redirects`);
  assert.match(loop.e.hint ?? "", new RegExp(`${a.host} redirects in a circle`));
  assert.equal(a.hits(/^\/loop\//), 3, "each hop once, no retry");

  for (let i = 0; i < 20; i++) a.on(`/hop/${i}`, { kind: "redirect", to: `/hop/${i + 1}` });
  const many = await failure(() => client().text(`${a.origin}/hop/0`));
  assert.equal(many.e.message, `too many redirects: ${a.origin}/hop/0 was redirected 9 times (last to ${a.origin}/hop/9; at most 8)`);
  a.on("/hop/8", { kind: "serve", body: "arrived" });
  assert.equal(await client().text(`${a.origin}/hop/0`), "arrived", "8 redirects are fine");
});

test("a cross-host redirect is followed without the credentials; a failure after it names the host it happened at", async () => {
  // What GitHub does: the API answers with a redirect to another host that serves the bytes.
  a.on("/api/repos/x/y/releases", { kind: "redirect", to: `${b.origin}/objects/1` });
  b.on("/objects/1", { kind: "serve", body: "[]" });
  const http = client({ mirrors: parseMirrors(`https://api.github.com=${a.origin}/api`), githubToken: "ghp_secret" });
  assert.deepEqual(await http.json("https://api.github.com/repos/x/y/releases"), []);
  assert.equal(a.log.find((r) => r.path === "/api/repos/x/y/releases")?.headers.authorization, "Bearer ghp_secret");
  assert.equal(b.log.find((r) => r.path === "/objects/1")?.headers.authorization, undefined, "the token stays with its host");

  b.on("/objects/2", { kind: "silent" });
  a.on("/dl/2", { kind: "redirect", to: `${b.origin}/objects/2` });
  const silent = await failure(() => client().text(`${a.origin}/dl/2`));
  assert.equal(silent.e.message, `${b.host} did not answer: no response to ${b.origin}/objects/2 within 0.8 s`);

  b.on("/objects/3", { kind: "stall", length: 10, prefix: Buffer.from("x") });
  a.on("/dl/3", { kind: "redirect", to: `${b.origin}/objects/3` });
  const stalled = await failure(() => client().text(`${a.origin}/dl/3`));
  assert.match(stalled.e.message, new RegExp(`^${b.host} stopped sending: no data for 0\\.8 s while downloading ${b.origin}/objects/3$`));

  await b.close(); // refused: retried, then named
  a.on("/dl/4", { kind: "redirect", to: `${b.origin}/objects/4` });
  const refused = await failure(() => client().text(`${a.origin}/dl/4`));
  assert.match(refused.e.message, new RegExp(`^could not fetch ${b.origin}/objects/4 from ${b.host}: `));
  b = await startHostile();
});

test("a metadata document that never ends is cut at 64 MiB with an error naming the host (memory stays bounded)", async () => {
  a.on("/endless.json", { kind: "endless", chunk: Buffer.alloc(1 << 16, 0x20) });
  const { e, ms } = await failure(() => client({ limits: { ...SHORT, minSpeed: 0 } }).text(`${a.origin}/endless.json`));
  assert.ok(ms < 20_000, `failed after ${ms} ms`);
  assert.equal(e.code, "HTTP");
  assert.equal(e.message, `${a.host} sent more than 64 MiB for ${a.origin}/endless.json, which should be a small document (an index, a checksum file, a release list)`);
  assert.match(e.hint ?? "", /DEVENV_MIRRORS/);
  assert.equal(a.hits("/endless.json"), 1, "not retried");
});

test("a list's next page is followed on the host asked or the mirror that answered, never to another host the Link header names", async () => {
  // Same host: followed.
  a.on("/list", { kind: "serve", body: "[1,2]", headers: { link: `<${a.origin}/list2?page=2>; rel="next"` } });
  a.on("/list2", { kind: "serve", body: "[3]" });
  assert.deepEqual(await client().jsonPages<number>(`${a.origin}/list`, 5), [1, 2, 3]);

  // Through a mirror: GitHub's canonical Link (api.github.com) is mirrored again to the same server.
  a.on("/api.github.com/repos/o/r/releases", { kind: "serve", body: "[1]", headers: { link: `<https://api.github.com/repositories/7/releases?page=2>; rel="next"` } });
  a.on("/api.github.com/repositories/7/releases", { kind: "serve", body: "[2]" });
  const mirrored = client({ mirrors: parseMirrors(`https://api.github.com/=${a.origin}/api.github.com/`) });
  assert.deepEqual(await mirrored.jsonPages<number>("https://api.github.com/repos/o/r/releases", 5), [1, 2]);

  // Another host: refused before any request reaches it.
  b.on("/stolen", { kind: "serve", body: "[9]" });
  a.on("/evil", { kind: "serve", body: "[1]", headers: { link: `<${b.origin}/stolen>; rel="next"` } });
  const { e } = await failure(() => client().jsonPages(`${a.origin}/evil`, 5));
  assert.equal(e.code, "HTTP");
  assert.match(e.message, /names its next page on another host/);
  assert.equal(b.hits("/stolen"), 0);
});
