/**
 * The registry client's auth against the real registry behind a loopback token front (Bearer
 * challenges and a token service, as GHCR, Docker Hub or Harbor do it) and a redirect front (blob
 * GETs sent to an "object store" that refuses any Authorization header, as S3 presigned URLs do).
 * No secret ever appears in an error's text.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openRegistry } from "../../src/cache/registry.js";
import { DevenvError } from "../../src/errors.js";
import type { CredentialSource, RegistryCredential } from "../../src/cache/types.js";
import { parseCacheUrl } from "../../src/cache/url.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { startRedirectFront, startTokenFront, type RedirectFront, type TokenFront } from "../support/registry-fronts.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import { allText, blobFile, cacheFailure, credentials, noCredentials, readAll } from "./kit.js";

installNetGuard();
const PASSWORD = "pw-Secret-4711";
const IDENTITY = "identity-Secret-0815";
const CI_TOKEN = "ci-Secret-Token-2024";
const DIRECT = "direct-Secret-Token-99";
const SECRETS = [PASSWORD, IDENTITY, CI_TOKEN, DIRECT, Buffer.from(`alice:${PASSWORD}`).toString("base64"), Buffer.from(`alice:wrong-${PASSWORD}`).toString("base64")];

let reg: RegistryServer;
let front: TokenFront;
let redirect: RedirectFront;
before(async () => {
  reg = await startRegistry();
  front = await startTokenFront({
    upstream: reg.origin, anonymousPull: true,
    users: { alice: PASSWORD, devenv: CI_TOKEN },
    refreshTokens: [IDENTITY], directTokens: [DIRECT], echo: true,
  });
  redirect = await startRedirectFront({ upstream: front.origin });
});
after(async () => {
  await redirect.close();
  await front.close();
  await reg.stop();
  assertNoExternalRequests();
});

const open = (url: string, creds: CredentialSource, env: NodeJS.ProcessEnv = {}) =>
  openRegistry(parseCacheUrl(url) as Extract<ReturnType<typeof parseCacheUrl>, { kind: "registry" }>, { credentials: creds, env, chunkSize: 3000 });
const alice: RegistryCredential = { kind: "basic", username: "alice", password: PASSWORD };
const tokenCalls = (from: number) => front.requests.slice(from).filter((r) => r.path.startsWith("/token"));

/** Every error text seen by these tests, checked for secrets at the end. */
const texts: string[] = [];
const failing = async (fn: () => Promise<unknown>) => {
  const r = await cacheFailure(fn);
  texts.push(allText(r.e));
  return r.e;
};

test("push with Basic credentials at the token realm (pull,push scope), chunked and monolithic; the token is kept for the next requests", async () => {
  const store = open(front.url(reg.repository), credentials(alice, front.host));
  const from = front.requests.length;
  for (const size of [1000, 7000]) {
    const f = blobFile(size);
    await store.putBlob(f.sha256, size, f.path);
    assert.equal(await store.hasBlob(f.sha256), true);
  }
  const calls = tokenCalls(from);
  assert.equal(calls.length, 1, `one token for everything: ${calls.map((c) => c.path).join(", ")}`);
  assert.match(calls[0]!.path, /scope=repository%3Ateam%2Fdevenv%3Apull%2Cpush/);
  assert.match(calls[0]!.path, /service=devenv-test/);
  assert.equal(calls[0]!.authorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`);
  const v2 = front.requests.slice(from).filter((r) => r.path.startsWith("/v2/") && r.status !== 401);
  assert.ok(v2.length >= 6 && v2.every((r) => r.authorization === `Bearer ${front.issued.at(-1)}`));
});

test("anonymous pull: an anonymous token for the pull scope; push without credentials is 'unauthorized' with a hint to log in", async () => {
  const f = blobFile(500);
  await open(front.url(reg.repository), credentials(alice)).putBlob(f.sha256, 500, f.path);
  const store = open(front.url(reg.repository), noCredentials);
  const from = front.requests.length;
  const got = await store.openBlob(f.sha256);
  assert.ok(got && (await readAll(got.body)).equals(f.bytes));
  const calls = tokenCalls(from);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.authorization, undefined);
  assert.match(calls[0]!.path, /scope=repository%3Ateam%2Fdevenv%3Apull(&|$)/);
  const g = blobFile(500);
  const e = await failing(() => store.putBlob(g.sha256, 500, g.path));
  assert.equal(e.failure, "unauthorized");
  assert.match(e.message, new RegExp(`^cache oci\\+http://${front.host.replace(/\./g, "\\.")}/team/devenv refused to upload blob sha256:${g.sha256.slice(0, 12)}… \\(HTTP 401 Unauthorized\\): the registry says "UNAUTHORIZED: authentication required \\(refused: Bearer \\*\\*\\*\\)"`));
  assert.match(e.hint ?? "", new RegExp(`devenv has no credentials for ${front.host.replace(/\./g, "\\.")}: run docker login`));
});

test("a wrong password: the token service refuses it, 'unauthorized', and the password is in no text of the error", async () => {
  const store = open(front.url(reg.repository), credentials({ kind: "basic", username: "alice", password: `wrong-${PASSWORD}` }));
  const e = await failing(() => store.hasBlob("0".repeat(64)));
  assert.equal(e.failure, "unauthorized");
  assert.match(e.message, /^cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv: the token service 127\.0\.0\.1:\d+ refused the credentials for repository:team\/devenv:pull \(HTTP 401\)$/);
  assert.match(e.hint ?? "", /docker login/);
});

test("an identity token is exchanged by the OAuth2 refresh_token POST (client_id devenv) for an access_token", async () => {
  const store = open(front.url(reg.repository), credentials({ kind: "identity", token: IDENTITY }));
  const from = front.requests.length;
  const f = blobFile(800);
  await store.putBlob(f.sha256, 800, f.path);
  assert.equal(await store.hasBlob(f.sha256), true);
  const calls = tokenCalls(from);
  assert.deepEqual(calls.map((c) => [c.method, c.status]), [["POST", 200]]);
  const bad = open(front.url(reg.repository), credentials({ kind: "identity", token: `x${IDENTITY}` }));
  const e = await failing(() => bad.hasBlob(f.sha256));
  assert.equal(e.failure, "unauthorized");
  assert.match(e.message, /refused the identity token/);
});

test("DEVENV_CACHE_TOKEN (a bearer credential) is first exchanged at the realm as the password of DEVENV_CACHE_USER (default devenv)", async () => {
  const store = open(front.url(reg.repository), credentials({ kind: "bearer", token: CI_TOKEN }));
  const from = front.requests.length;
  const f = blobFile(300);
  await store.putBlob(f.sha256, 300, f.path);
  const calls = tokenCalls(from);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.authorization, `Basic ${Buffer.from(`devenv:${CI_TOKEN}`).toString("base64")}`);
  const asCi = open(front.url(reg.repository), credentials({ kind: "bearer", token: CI_TOKEN }), { DEVENV_CACHE_USER: "ci" });
  const from2 = front.requests.length;
  // The realm does not know user "ci": the token is then sent as it is, which this registry refuses.
  const e = await failing(() => asCi.openBlob(f.sha256));
  assert.equal(e.failure, "unauthorized");
  assert.equal(tokenCalls(from2)[0]!.authorization, `Basic ${Buffer.from(`ci:${CI_TOKEN}`).toString("base64")}`);
  // The registry quoted the refused token back: the message keeps its words, not the token.
  assert.match(e.message, /the registry says "UNAUTHORIZED: authentication required \(refused: Bearer \*\*\*\)"/);
});

test("a bearer credential the realm refuses is sent to the registry as it is (Authorization: Bearer <token>)", async () => {
  const store = open(front.url(reg.repository), credentials({ kind: "bearer", token: DIRECT }));
  const from = front.requests.length;
  const f = blobFile(300);
  await store.putBlob(f.sha256, 300, f.path);
  assert.equal(await store.hasBlob(f.sha256), true);
  assert.deepEqual(tokenCalls(from).map((c) => c.status), [401], "one try at the realm");
  assert.deepEqual(front.requests.slice(from).filter((r) => r.authorization === `Bearer ${DIRECT}`).map((r) => r.method), ["POST", "PUT", "HEAD"], "the token went straight to the registry");
});

test("a credential helper that fails: 'unauthorized' naming the cache and the helper's own words and hint", async () => {
  const broken: CredentialSource = { lookup: async () => { throw new DevenvError("IO", "docker-credential-acme exited with 1", { hint: "Install docker-credential-acme." }); } };
  const e = await failing(() => open(front.url(reg.repository), broken).hasBlob("0".repeat(64)));
  assert.equal(e.failure, "unauthorized");
  assert.match(e.message, /^cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv: the credentials for 127\.0\.0\.1:\d+ could not be read: docker-credential-acme exited with 1$/);
  assert.equal(e.hint, "Install docker-credential-acme.");
});

test("a blob GET redirected to object storage: the bytes arrive, and the object store saw no Authorization header", async () => {
  const f = blobFile(20_000);
  const store = open(redirect.url(reg.repository), credentials(alice));
  await store.putBlob(f.sha256, f.bytes.length, f.path);
  const from = redirect.requests.length;
  const got = await store.openBlob(f.sha256);
  assert.ok(got && (await readAll(got.body)).equals(f.bytes));
  const get = redirect.requests.slice(from).filter((r) => r.method === "GET" && r.path.endsWith(f.sha256));
  assert.deepEqual(get.map((r) => r.status), [307]);
  assert.match(get[0]!.authorization ?? "", /^Bearer tok-/, "the front got the token (so there was one to leak)");
  assert.ok(redirect.store.length >= 1);
  assert.deepEqual(redirect.store.map((r) => [r.status, r.authorization]), redirect.store.map(() => [200, undefined]));
});

test("a registry that stops while devenv holds a token: 'unreachable', and no secret in the error", async () => {
  const spare = await startRegistry();
  const f2 = await startTokenFront({ upstream: spare.origin, anonymousPull: false, users: { alice: PASSWORD } });
  try {
    const store = open(f2.url(spare.repository), credentials(alice));
    const f = blobFile(100);
    await store.putBlob(f.sha256, 100, f.path);
    await f2.close();
    const e = await failing(() => store.hasBlob(f.sha256));
    assert.equal(e.failure, "unreachable");
  } finally {
    await spare.stop();
  }
});

test("no password, identity token, bearer token, issued token or Basic header appears in any error text of these tests", () => {
  assert.ok(texts.length >= 5, `errors collected: ${texts.length}`);
  for (const secret of [...SECRETS, ...front.issued]) {
    for (const t of texts) assert.ok(!t.includes(secret), `a secret leaked into:\n${t}`);
  }
});
