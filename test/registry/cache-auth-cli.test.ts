/**
 * Issue 18, done when: the real registry with htpasswd basic auth over TLS (a self-signed certificate
 * trusted through NODE_EXTRA_CA_CERTS), through the devenv CLI with the credentials where the
 * container tools keep them: ~/.docker/config.json and $REGISTRY_AUTH_FILE. Without credentials an
 * install still succeeds from upstream with one line; the password never appears in any output.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { assertOk as ok, sandbox, type RunResult, type Sandbox } from "../helpers/cli.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0"] });
const CONFIG = `export default { tools: { zig: "0.13" } };\n`;
const USER = "ci-bot";
const PASSWORD = "s3cret-Pa55word-never-shown";
const ZIG = /\/zig-[a-z0-9_-]+-0\.13\.0\.tar\.xz$/;

let registry: RegistryServer;
before(async () => {
  registry = await startRegistry({ tls: { user: USER, password: PASSWORD } });
});
after(async () => {
  await registry?.stop();
});

const b64 = (s: string) => Buffer.from(s).toString("base64");
const noSecret = (r: RunResult) => {
  for (const text of [r.stdout, r.stderr]) {
    assert.ok(!text.includes(PASSWORD), `the password leaked:\n${text}`);
    assert.ok(!text.includes(b64(`${USER}:${PASSWORD}`)), `the basic credential leaked:\n${text}`);
  }
};

/** A machine trusting the registry's certificate; `auth` is a docker config.json's `auths` entry (or none). */
function machine(auth?: object, extra: NodeJS.ProcessEnv = {}): Sandbox {
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: registry.url, NODE_EXTRA_CA_CERTS: registry.caFile!, ...extra });
  if (auth) {
    mkdirSync(join(sb.env.HOME!, ".docker"), { recursive: true });
    writeFileSync(join(sb.env.HOME!, ".docker", "config.json"), JSON.stringify({ auths: { [registry.host]: auth } }));
  }
  return sb;
}

test("push needs the credentials: refused without them (clear, no secret), done with ~/.docker/config.json by install --push", { timeout: 120_000 }, async () => {
  assert.match(registry.url, /^oci:\/\/127\.0\.0\.1:\d+\/team\/devenv$/, "TLS: an oci:// URL");
  const anon = machine();
  await anon.writeConfig(CONFIG);
  ok(await anon.run(["lock"]));
  const refused = await anon.run(["cache", "push"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /oci:\/\/127\.0\.0\.1:\d+\/team\/devenv/);
  assert.match(refused.stderr, /401|credentials|unauthori[sz]ed|log in/i);
  noSecret(refused);

  const wrong = machine({ auth: b64(`${USER}:not-the-password`) });
  await wrong.writeConfig(CONFIG, anon.project);
  const bad = await wrong.run(["cache", "push"], { cwd: anon.project });
  assert.equal(bad.code, 1);
  noSecret(bad);

  const bot = machine({ auth: b64(`${USER}:${PASSWORD}`) });
  await bot.writeConfig(CONFIG, anon.project);
  fake.reset();
  const pushed = await bot.run(["install", "--push"], { cwd: anon.project });
  ok(pushed);
  assert.equal(fake.log.filter((x) => ZIG.test(x.url)).length, 1, "the push uploads the file the install downloaded: one download");
  noSecret(pushed);
  assert.match(pushed.stdout, /installed 1 tool/);
  assert.match(pushed.stdout, /: 2 blobs written/);
});

test("pull: without credentials one line and the upstream; with $REGISTRY_AUTH_FILE from the registry", { timeout: 120_000 }, async () => {
  const project = mkdtempSync(join(tmpdir(), "devenv-auth-project-"));
  const bot = machine({ username: USER, password: PASSWORD });
  await bot.writeConfig(CONFIG, project);
  ok(await bot.run(["lock"], { cwd: project }));
  ok(await bot.run(["cache", "push"], { cwd: project }));

  const anon = machine();
  await anon.writeConfig(CONFIG, project);
  fake.reset();
  const r = await anon.run(["install", "--frozen"], { cwd: project });
  ok(r);
  const about = r.stderr.split("\n").filter((l) => l.includes("cache"));
  assert.equal(about.length, 1, `one line about the cache:\n${r.stderr}`);
  assert.match(about[0]!, /^warning: the cache oci:\/\/127\.0\.0\.1:\d+\/team\/devenv .*(401|credentials|log in).*; not used in this run, downloading from the upstreams$/i);
  assert.equal(fake.log.filter((x) => ZIG.test(x.url)).length, 1, "zig came from upstream");

  const authFile = join(mkdtempSync(join(tmpdir(), "devenv-authfile-")), "auth.json");
  writeFileSync(authFile, JSON.stringify({ auths: { [registry.host]: { auth: b64(`${USER}:${PASSWORD}`) } } }));
  const podman = machine(undefined, { REGISTRY_AUTH_FILE: authFile });
  await podman.writeConfig(CONFIG, project);
  fake.reset();
  const p = await podman.run(["install", "--frozen"], { cwd: project });
  ok(p);
  noSecret(p);
  assert.match(p.stdout, /from the cache oci:\/\/127\.0\.0\.1:\d+\/team\/devenv: 1 file, 0 from the upstreams/);
  assert.equal(fake.log.filter((x) => ZIG.test(x.url)).length, 0, "zig came from the registry");
});
