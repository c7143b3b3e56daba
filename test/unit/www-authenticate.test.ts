/** Issue 18 groundwork: registries' WWW-Authenticate challenges, as the distribution token spec and basic auth send them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseChallenges } from "../../src/cache/www-authenticate.js";

test("a bearer challenge with realm, service and scope; basic; several in one header", () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"'), [
    { scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:samalba/my-app:pull,push" } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: "basic", params: { realm: "Registry Realm" } }]);
  assert.deepEqual(parseChallenges('Bearer realm="https://ghcr.io/token", service="ghcr.io", Basic realm="x"'), [
    { scheme: "bearer", params: { realm: "https://ghcr.io/token", service: "ghcr.io" } },
    { scheme: "basic", params: { realm: "x" } },
  ]);
  // Unquoted values, escapes in quoted ones, names in any case.
  assert.deepEqual(parseChallenges('bearer Realm=https://r.example/t, error="insufficient_scope", note="a \\"b\\" c"'), [
    { scheme: "bearer", params: { realm: "https://r.example/t", error: "insufficient_scope", note: 'a "b" c' } },
  ]);
});

test("a header that cannot be read gives no challenge, not a guess", () => {
  assert.deepEqual(parseChallenges(""), []);
  assert.deepEqual(parseChallenges('Bearer realm="https://unterminated'), []);
  assert.deepEqual(parseChallenges('Bearer realm="a" junk'), []);
  assert.deepEqual(parseChallenges("Bearer realm=,"), []);
});
