/**
 * go against the real go.dev/dl/?mode=json&include=all index (test/fixtures/real/go-dl-include-all.setup-go.json,
 * a 2020 capture: go1.2.2–go1.14rc1). Its `go1` entry holds only go1.4-bootstrap source tarballs, which no
 * platform can install; and patch-level release candidates are named `go1.9.2rc2` (not in this capture:
 * served by the fake go upstream), which a lock must take back.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import goRecipe, { goName, goSemver } from "../../recipes/go.js";
import { DevenvError } from "../../src/errors.js";
import { createHttp } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { assertOk, repoRoot, sandbox } from "../helpers/cli.js";

installNetGuard();
let real: FakeUpstream;
let rc: FakeUpstream;

const INDEX = readFileSync(join(repoRoot, "test/fixtures/real/go-dl-include-all.setup-go.json"), "utf8");

before(async () => {
  real = await startFakeUpstream();
  real.addFile("/go.dev/dl/", INDEX, "application/json");
  rc = await startFakeUpstream({ go: ["1.9.2rc2", "1.9.1"] });
});
after(async () => {
  await real.close();
  await rc.close();
  assertNoExternalRequests();
});

const http = () => createHttp({ mirrors: parseMirrors(real.mirrors), offline: false, backoffMs: 5 });

/** go1.13.7's archives as the index lists them (no darwin-arm64 build before go1.16). */
const GO1137: Record<string, [string, string, number]> = {
  "linux-x64": ["https://dl.google.com/go/go1.13.7.linux-amd64.tar.gz", "b3dd4bd781a0271b33168e627f7f43886b4c5d1c794a4015abf34e99c6526ca3", 120071076],
  "linux-arm64": ["https://dl.google.com/go/go1.13.7.linux-arm64.tar.gz", "8717de6c662ada01b7bf318f5025c046b57f8c10cd39a88268bdc171cc7e4eab", 97600515],
  "darwin-x64": ["https://dl.google.com/go/go1.13.7.darwin-amd64.tar.gz", "8436f846b49c2b14a96d90eef6b2a6e0a0e1943bbb767299c1ecabb795b042b9", 121520192],
};

test("the real index lists no uninstallable go1 (bootstrap sources only), and every other release", async () => {
  const versions = (await goRecipe.versions({ http: http() }, {})).map((v) => v.version);
  assert.ok(!versions.includes("1.0.0"), "go1 holds only go1.4-bootstrap-*.tar.gz");
  const index = JSON.parse(INDEX) as { version: string }[];
  assert.equal(versions.length, index.length - 1);
  assert.ok(versions.includes("1.13.7") && versions.includes("1.2.2") && versions.includes("1.14.0-rc1"));
  // Every listed version is installable somewhere: its archive is named as the lock check expects.
  for (const v of versions) assert.equal(goSemver(`go${goName(v)}`), v, v);
  // Each version says which platforms have an archive (`devenv versions go` shows the gaps; the resolver picks by them).
  const info = await goRecipe.versions({ http: http() }, {});
  assert.deepEqual(info.find((v) => v.version === "1.13.7")?.platforms, ["linux-x64", "linux-arm64", "darwin-x64"]);
  assert.ok(info.every((v) => v.platforms && v.platforms.length > 0 && !v.platforms.includes("darwin-arm64")), "no 2020 release has a darwin-arm64 archive");
});

test("the real index gives go1.13.7's URLs and sha256 for each platform; darwin-arm64 has none", async () => {
  const h = http();
  for (const [platform, [url, sha256, size]] of Object.entries(GO1137)) {
    const a = await goRecipe.artifact({ http: h }, "1.13.7", platform as "linux-x64", {});
    assert.deepEqual({ url: a.url, sha256: a.sha256, size: a.size }, { url, sha256, size }, platform);
    assert.ok(goRecipe.acceptsUrl("1.13.7", platform as "linux-x64", a.url, {}), platform);
  }
  await assert.rejects(goRecipe.artifact({ http: h }, "1.13.7", "darwin-arm64", {}),
    (e) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM" && /darwin-arm64/.test(e.message));
  await assert.rejects(goRecipe.artifact({ http: h }, "1.0.0", "linux-x64", {}),
    (e) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM");
});

test("lock over the real index: three platforms with the index's URLs and sha256, nothing downloaded", async () => {
  const sb = sandbox(real.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { platforms: ["linux-x64", "linux-arm64", "darwin-x64"], tools: { go: "1.13" } };\n`);
  real.reset();
  assertOk(await sb.run(["lock"]));
  const entry = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.go;
  assert.equal(entry.version, "1.13.7");
  for (const [platform, [url, sha256]] of Object.entries(GO1137)) {
    assert.equal(entry.platforms[platform].url, url, platform);
    assert.equal(entry.platforms[platform].sha256, sha256, platform);
  }
  assert.equal(real.count(/\.tar\.gz$/), 0);
});

test("a patch-level release candidate (go1.9.2rc2) locks under its own name, installs, and its lock is taken back", async () => {
  assert.equal(goSemver("go1.9.2rc2"), "1.9.2-rc2");
  assert.equal(goName("1.9.2-rc2"), "1.9.2rc2");
  assert.equal(goName("1.24.0-rc1"), "1.24rc1");
  const sb = sandbox(rc.mirrors);
  mkdirSync(sb.project, { recursive: true });
  await sb.writeConfig(`export default { tools: { go: "1.9.2-rc2" } };\n`);
  assertOk(await sb.run(["install"]));
  const entry = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")).tools.go;
  assert.equal(entry.version, "1.9.2-rc2");
  assert.match(entry.platforms["linux-x64"].url, /^https:\/\/dl\.google\.com\/go\/go1\.9\.2rc2\.linux-amd64\.tar\.gz$/);
  // The next command reads the lock back through the same URL check (was LOCK_URL_MISMATCH).
  const again = await sb.run(["install", "--frozen"]);
  assertOk(again);
  const v = await sb.run(["exec", "--", "go", "version"]);
  assertOk(v);
  assert.equal(v.stdout, "go version go1.9.2rc2 linux/amd64\n");
});
