/**
 * Issue 18: registry credentials as docker and podman keep them, read from real files in a temp HOME,
 * with a real credential helper (a shell script on PATH) answering, failing, hanging.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { dockerCredentials } from "../../src/cache/credentials.js";
import { DevenvError } from "../../src/errors.js";
import { pidAlive } from "../../src/platform/fs.js";
import { waitFor } from "../support/wait.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A fresh HOME, and a bin dir holding docker-credential-fake (and -store, the same script) on PATH. */
function world() {
  const root = mkdtempSync(join(tmpdir(), "devenv-creds-"));
  const home = join(root, "home");
  const bin = join(root, "bin");
  mkdirSync(join(home, ".docker"), { recursive: true });
  mkdirSync(bin);
  const script = `#!/bin/sh
read server
echo "$0 $server" >> "${join(root, "calls.log")}"
case "$server" in
  helper.example:5000) printf '{"ServerURL":"%s","Username":"alice","Secret":"helper-secret-1"}' "$server" ;;
  ident.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-secret-2"}' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"hubuser","Secret":"hub-secret"}' "$server" ;;
  store.example) printf '{"ServerURL":"%s","Username":"bob","Secret":"store-secret-3"}' "$server" ;;
  hang.example) sleep 1000 & echo $! > "${join(root, "grandchild.pid")}"; wait ;;
  garbage.example) echo "leaked-secret-in-stderr" >&2; echo "not json leaked-secret-in-stdout" ;;
  fail.example) echo "leaked-secret-on-failure"; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  for (const name of ["docker-credential-fake", "docker-credential-store"]) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: `${bin}:/usr/bin:/bin` };
  const dockerConfig = (c: unknown) => writeFileSync(join(home, ".docker", "config.json"), typeof c === "string" ? c : JSON.stringify(c));
  const calls = () => (existsSync(join(root, "calls.log")) ? readFileSync(join(root, "calls.log"), "utf8").trim().split("\n") : []);
  return { root, home, bin, env, dockerConfig, calls };
}

async function rejects(p: Promise<unknown>): Promise<DevenvError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DevenvError, `a DevenvError, not ${String(e)}`);
    return e;
  }
  assert.fail("expected an error");
}

const noSecret = (e: DevenvError, ...secrets: string[]) => {
  const text = `${e.message}\n${e.hint ?? ""}`;
  for (const s of secrets) assert.ok(!text.includes(s), `the message quotes a secret (${s}): ${text}`);
};

test("no files: no credentials; DEVENV_CACHE_TOKEN is a bearer token for every host, before any file", async () => {
  const w = world();
  assert.equal(await dockerCredentials(w.env).lookup("r.example"), undefined);
  w.dockerConfig({ auths: { "r.example": { auth: b64("u:p") } } });
  const token = dockerCredentials({ ...w.env, DEVENV_CACHE_TOKEN: "tok-123" });
  assert.deepEqual(await token.lookup("r.example"), { kind: "bearer", token: "tok-123" });
  assert.deepEqual(await token.lookup("other.example:5000"), { kind: "bearer", token: "tok-123" });
});

test("auths: the key forms docker writes (host[:port], https://, http://, with a path) and each kind of entry", async () => {
  const w = world();
  w.dockerConfig({
    auths: {
      "plain.example:5000": { auth: b64("plain:pw:with:colons") },
      "https://scheme.example/v1/": { auth: b64("scheme:pw") },
      "http://path.example:8080/some/repo": { username: "pathuser", password: "pathpw" },
      "ident.example": { auth: b64("ignored:ignored"), identitytoken: "id-token" },
      "bearer.example": { registrytoken: "reg-token" },
      "empty.example": {},
      "https://index.docker.io/v1/": { auth: b64("hub:hubpw") },
    },
  });
  const c = dockerCredentials(w.env);
  assert.deepEqual(await c.lookup("plain.example:5000"), { kind: "basic", username: "plain", password: "pw:with:colons" });
  assert.deepEqual(await c.lookup("scheme.example"), { kind: "basic", username: "scheme", password: "pw" });
  assert.deepEqual(await c.lookup("path.example:8080"), { kind: "basic", username: "pathuser", password: "pathpw" });
  assert.deepEqual(await c.lookup("ident.example"), { kind: "identity", token: "id-token" });
  assert.deepEqual(await c.lookup("bearer.example"), { kind: "bearer", token: "reg-token" });
  assert.equal(await c.lookup("empty.example"), undefined, "an empty entry holds no credential");
  assert.equal(await c.lookup("plain.example"), undefined, "another port is another registry");
  assert.deepEqual(await c.lookup("registry-1.docker.io"), { kind: "basic", username: "hub", password: "hubpw" });
  assert.deepEqual(await c.lookup("docker.io"), { kind: "basic", username: "hub", password: "hubpw" });
});

test("$REGISTRY_AUTH_FILE first, then $DOCKER_CONFIG/config.json (instead of ~/.docker/config.json)", async () => {
  const w = world();
  w.dockerConfig({ auths: { "both.example": { auth: b64("docker:1") }, "docker-only.example": { auth: b64("docker:2") } } });
  const authFile = join(w.root, "auth.json");
  writeFileSync(authFile, JSON.stringify({ auths: { "both.example": { auth: b64("podman:1") } } }));
  const c = dockerCredentials({ ...w.env, REGISTRY_AUTH_FILE: authFile });
  assert.deepEqual(await c.lookup("both.example"), { kind: "basic", username: "podman", password: "1" });
  assert.deepEqual(await c.lookup("docker-only.example"), { kind: "basic", username: "docker", password: "2" });
  // A REGISTRY_AUTH_FILE that does not exist is no credentials, not an error.
  const gone = dockerCredentials({ ...w.env, REGISTRY_AUTH_FILE: join(w.root, "nope.json") });
  assert.deepEqual(await gone.lookup("both.example"), { kind: "basic", username: "docker", password: "1" });
  const dc = join(w.root, "dockerconfig");
  mkdirSync(dc);
  writeFileSync(join(dc, "config.json"), JSON.stringify({ auths: { "both.example": { auth: b64("dc:3") } } }));
  const d = dockerCredentials({ ...w.env, DOCKER_CONFIG: dc });
  assert.deepEqual(await d.lookup("both.example"), { kind: "basic", username: "dc", password: "3" });
  assert.equal(await d.lookup("docker-only.example"), undefined, "~/.docker is not read when DOCKER_CONFIG is set");
});

test("credHelpers: a real helper on PATH answers user+secret or an identity token; 'credentials not found' is none; asked once per host", async () => {
  const w = world();
  w.dockerConfig({
    credHelpers: { "helper.example:5000": "fake", "https://ident.example": "fake", "nothere.example": "fake", "docker.io": "fake" },
    auths: { "helper.example:5000": { auth: b64("file:not-used") } },
  });
  const c = dockerCredentials(w.env);
  assert.deepEqual(await c.lookup("helper.example:5000"), { kind: "basic", username: "alice", password: "helper-secret-1" });
  assert.deepEqual(await c.lookup("ident.example"), { kind: "identity", token: "refresh-secret-2" });
  assert.equal(await c.lookup("nothere.example"), undefined);
  assert.deepEqual(await c.lookup("registry-1.docker.io"), { kind: "basic", username: "hubuser", password: "hub-secret" }, "Docker Hub is asked by its v1 key");
  // Looked up again, through another source for the same environment: the helper is not run again.
  assert.deepEqual(await dockerCredentials(w.env).lookup("helper.example:5000"), { kind: "basic", username: "alice", password: "helper-secret-1" });
  assert.deepEqual(w.calls().map((l) => l.split(" ").pop()), ["helper.example:5000", "ident.example", "nothere.example", "https://index.docker.io/v1/"]);
});

test("credsStore is the helper of every host with no credHelpers entry and no credential in auths", async () => {
  const w = world();
  w.dockerConfig({ credsStore: "store", credHelpers: { "helper.example:5000": "fake" }, auths: { "store.example": {}, "file.example": { auth: b64("f:g") } } });
  const c = dockerCredentials(w.env);
  assert.deepEqual(await c.lookup("store.example"), { kind: "basic", username: "bob", password: "store-secret-3" });
  assert.deepEqual(await c.lookup("file.example"), { kind: "basic", username: "f", password: "g" });
  assert.deepEqual(await c.lookup("helper.example:5000"), { kind: "basic", username: "alice", password: "helper-secret-1" });
  assert.equal(await c.lookup("unknown.example"), undefined);
  assert.ok(w.calls().every((l) => !l.includes("file.example")), "the store is not asked when auths holds the credential");
  assert.ok(w.calls().some((l) => l.includes("docker-credential-store store.example")));
});

test("a helper that hangs is stopped after the bound, with what it started, and named in the error", async () => {
  const w = world();
  w.dockerConfig({ credHelpers: { "hang.example": "fake" } });
  const started = Date.now();
  const e = await rejects(dockerCredentials(w.env, { helperTimeoutMs: 400 }).lookup("hang.example"));
  assert.ok(Date.now() - started < 5000, "bounded");
  assert.match(e.message, /docker-credential-fake .*did not answer within/);
  assert.match(e.message, new RegExp(join(w.home, ".docker", "config.json").replace(/[.]/g, "\\.")));
  const pid = Number(readFileSync(join(w.root, "grandchild.pid"), "utf8"));
  await waitFor("the helper's child to be killed", () => !pidAlive(pid), 5000);
});

test("a helper missing from PATH, failing, or answering garbage: an error naming it, never its output", async () => {
  const w = world();
  w.dockerConfig({ credHelpers: { "missing.example": "absent", "fail.example": "fake", "garbage.example": "fake" } });
  const c = dockerCredentials(w.env);
  const missing = await rejects(c.lookup("missing.example"));
  assert.match(missing.message, /docker-credential-absent .*is not on PATH/);
  assert.match(missing.hint ?? "", /Install docker-credential-absent .*or remove it from "credHelpers"\/"credsStore"/);
  const failed = await rejects(c.lookup("fail.example"));
  assert.match(failed.message, /docker-credential-fake .*failed \(exit status 3\)/);
  noSecret(failed, "leaked-secret");
  const garbage = await rejects(c.lookup("garbage.example"));
  assert.match(garbage.message, /docker-credential-fake .*answered something other than/);
  noSecret(garbage, "leaked-secret");
  // A helper name that is a path is refused before anything runs.
  w.dockerConfig({ credsStore: "../../tmp/evil" });
  const path = await rejects(dockerCredentials({ ...w.env, PATH: `${w.bin}:/bin` }).lookup("any.example"));
  assert.match(path.message, /"credsStore" is not a helper name/);
});

test("a malformed or unreadable file is an error naming the file and the field, never quoting a secret", async () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"auths": {"r.example": {"auth": "c2VjcmV0LXVzZXI6c2VjcmV0LXB3"}}', /is not valid JSON \(line 1\)/],
    ['{\n  "auths": {"r.example": {"password": "secret-pw" "username": "u"}}\n}', /is not valid JSON \(line 2\)/],
    [{ auths: { "r.example": { auth: "secret-not-base64!" } } }, /auths\["r\.example"\]\.auth is not base64 of user:password/],
    [{ auths: { "r.example": { auth: b64("secret-no-colon") } } }, /auths\["r\.example"\]\.auth is not base64 of user:password/],
    [{ auths: { "r.example": { password: 42 } } }, /auths\["r\.example"\]\.password is not a string/],
    [{ auths: ["secret-in-array"] }, /"auths" is not an object/],
    [{ credHelpers: { "r.example": 1 } }, /credHelpers\["r\.example"\] is not a helper name/],
    ["[\"secret-array\"]", /it is not a JSON object/],
  ];
  for (const [content, want] of cases) {
    // A fresh HOME each time: the answers of one environment are kept for the process.
    const w = world();
    const file = join(w.home, ".docker", "config.json");
    w.dockerConfig(content);
    const e = await rejects(dockerCredentials(w.env).lookup("r.example"));
    assert.match(e.message, want);
    assert.ok(e.message.includes(file), `names the file: ${e.message}`);
    assert.match(e.hint ?? "", /Fix .*config\.json/);
    noSecret(e, "secret", "c2VjcmV0", "pw");
  }
  // A directory where the file should be, and a file that is too large to be one.
  const w = world();
  const dc = join(w.root, "dc");
  mkdirSync(join(dc, "config.json"), { recursive: true });
  assert.match((await rejects(dockerCredentials({ ...w.env, DOCKER_CONFIG: dc }).lookup("r.example"))).message, /config\.json: not a regular file/);
  const big = join(w.root, "big.json");
  writeFileSync(big, `{"auths": {}, "x": "${"a".repeat(5 << 20)}"}`);
  assert.match((await rejects(dockerCredentials({ ...w.env, REGISTRY_AUTH_FILE: big }).lookup("r.example"))).message, /big\.json: larger than/);
});
