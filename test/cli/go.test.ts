/**
 * The go recipe against a fake go.dev/dl JSON index and dl.google.com tarballs in the real layout
 * (go/bin/go, go/pkg, go/src). Real index entry for reference: go1.23.4 linux-amd64 has sha256
 * 6924efde5de86fe277676e929dc9917d466efa02fb934197bc2eba35d5680971; the fake serves its own bytes.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { goName, goSemver, goTarballName } from "../../recipes/go.js";
import { type Sandbox, assertOk } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ go: ["1.24rc1", "1.23.4", "1.23.3", "1.23.0", "1.22.10", "1.21.0", "1.20.14", "1.20.1", "1.20"] }, async () => {
  sb = await fresh();
});
const fresh = projectSandboxes(() => fake.mirrors);
let sb: Sandbox;

const INDEX = "/go.dev/dl/?mode=json&include=all";

const ok = assertOk;
const read = (name: string) => readFileSync(join(sb.project, name), "utf8");

interface GoFile { filename: string; os: string; arch: string; sha256: string; kind: string }
const indexSha = async (version: string, os: string, arch: string): Promise<string> => {
  const index = JSON.parse((await fake.get(INDEX))!.toString("utf8")) as { version: string; files: GoFile[] }[];
  const f = index.find((r) => r.version === `go${version}`)!.files.find((x) => x.os === os && x.arch === arch && x.kind === "archive")!;
  return f.sha256;
};

test("go version names map to semver and back, including pre-1.21 short names and prereleases", () => {
  assert.equal(goSemver("go1.20"), "1.20.0");
  assert.equal(goSemver("go1.21.0"), "1.21.0");
  assert.equal(goSemver("go1.24rc1"), "1.24.0-rc1");
  assert.equal(goSemver("go1.9beta2"), "1.9.0-beta2");
  assert.equal(goSemver("weekly.2012-03-04"), undefined);
  for (const n of ["1.20", "1.20.1", "1.21.0", "1.23.4", "1.24rc1", "1.9beta2", "1"]) assert.equal(goName(goSemver(n)!), n);
  assert.equal(goTarballName("1.23.4", "linux-x64"), "go1.23.4.linux-amd64.tar.gz");
  assert.equal(goTarballName("1.20.0", "darwin-arm64"), "go1.20.darwin-arm64.tar.gz");
});

test("the fake serves the real index shape", async () => {
  const index = JSON.parse((await fake.get(INDEX))!.toString("utf8")) as { version: string; stable: boolean; files: GoFile[] }[];
  assert.deepEqual(index.map((r) => r.version).slice(0, 3), ["go1.24rc1", "go1.23.4", "go1.23.3"]);
  assert.equal(index[0]!.stable, false);
  const f = index[1]!.files.find((x) => x.filename === "go1.23.4.linux-amd64.tar.gz")!;
  assert.deepEqual(Object.keys(f), ["filename", "os", "arch", "version", "sha256", "size", "kind"]);
  assert.equal(f.sha256, await fake.sha256("/dl.google.com/go/go1.23.4.linux-amd64.tar.gz"));
  const current = JSON.parse((await fake.get("/go.dev/dl/?mode=json"))!.toString("utf8")) as { version: string }[];
  assert.deepEqual(current.map((r) => r.version), ["go1.23.4", "go1.22.10"]);
});

test("devenv versions go lists stable releases newest first, prereleases as semver prereleases", async () => {
  const r = await sb.run(["versions", "go"]);
  ok(r);
  assert.equal(r.stdout, ["1.24.0-rc1", "1.23.4", "1.23.3", "1.23.0", "1.22.10", "1.21.0", "1.20.14", "1.20.1", "1.20.0", ""].join("\n"));
});

test("devenv add go@1.23 locks the newest 1.23.x from the index, installs it, and go runs", async () => {
  const r = await sb.run(["add", "go@1.23"]);
  ok(r);
  assert.match(read("devenv.ts"), /go: "1\.23",/);
  const lock = JSON.parse(read("devenv.lock"));
  assert.equal(lock.tools.go.version, "1.23.4");
  const p = lock.tools.go.platforms["linux-x64"];
  assert.equal(p.url, "https://dl.google.com/go/go1.23.4.linux-amd64.tar.gz");
  assert.equal(p.sha256, await indexSha("1.23.4", "linux", "amd64"));
  assert.equal(p.sha256, await fake.sha256("/dl.google.com/go/go1.23.4.linux-amd64.tar.gz"));
  assert.ok(sb.storeEntries().some((e) => /^[0-9a-z]{32}-go-1\.23\.4$/.test(e)));

  const v = await sb.run(["exec", "--", "go", "version"]);
  ok(v);
  assert.equal(v.stdout, "go version go1.23.4 linux/amd64\n");
  const which = await sb.run(["which", "gofmt"]);
  assert.match(which.stdout, new RegExp(`^${sb.home}/store/[0-9a-z]{32}-go-1\\.23\\.4/bin/gofmt\\n$`));
});

test("devenv env --json sets GOROOT to the store entry and GOTOOLCHAIN=local", async () => {
  const r = await sb.run(["env", "--json"]);
  ok(r);
  const env = JSON.parse(r.stdout);
  assert.match(env.GOROOT, new RegExp(`^${sb.home}/store/[0-9a-z]{32}-go-1\\.23\\.4$`));
  assert.equal(env.GOTOOLCHAIN, "local");
  assert.ok(env.PATH.split(":").includes(`${env.GOROOT}/bin`));
  // `go install` and the module cache go to the project's own state dir.
  assert.match(env.GOPATH, new RegExp(`^${sb.home}/state/projects/[^/]+-[0-9a-f]{16}/go/gopath$`));
  assert.equal(env.GOBIN, `${env.GOPATH}/bin`);
  assert.ok(env.PATH.split(":").includes(env.GOBIN));
  const inside = await sb.run(["exec", "--", "go", "env"]);
  ok(inside);
  assert.equal(inside.stdout, `GOROOT=${env.GOROOT}\nGOTOOLCHAIN=local\n`);
});

test("lock --platform darwin-arm64 takes the sha256 from the index without downloading", async () => {
  fake.reset();
  ok(await sb.run(["lock", "--platform", "darwin-arm64"]));
  const lock = JSON.parse(read("devenv.lock"));
  assert.deepEqual(Object.keys(lock.tools.go.platforms), ["darwin-arm64", "linux-x64"]);
  const p = lock.tools.go.platforms["darwin-arm64"];
  assert.equal(p.url, "https://dl.google.com/go/go1.23.4.darwin-arm64.tar.gz");
  assert.equal(p.sha256, await indexSha("1.23.4", "darwin", "arm64"));
  assert.equal(fake.count(/\.tar\.gz$/), 0, "no artifact was downloaded");
});

test("go@1.20 resolves to the newest 1.20.x; an exact pre-1.21 short name downloads go1.20.*", async () => {
  const dir = join(sb.project, "..", "go120");
  mkdirSync(dir, { recursive: true });
  await sb.writeConfig(`export default { tools: { go: "1.20" } };\n`, dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  let lock = JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.go.version, "1.20.14");

  await sb.writeConfig(`export default { tools: { go: "1.20.0" } };\n`, dir);
  const r = await sb.run(["exec", "--", "go", "version"], { cwd: dir });
  ok(r);
  assert.equal(r.stdout, "go version go1.20 linux/amd64\n");
  lock = JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.go.platforms["linux-x64"].url, "https://dl.google.com/go/go1.20.linux-amd64.tar.gz");
});

test("latest and ranges skip prereleases; an exact prerelease is allowed", async () => {
  const dir = join(sb.project, "..", "gorc");
  mkdirSync(dir, { recursive: true });
  await sb.writeConfig(`export default { tools: { go: "latest" } };\n`, dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  assert.equal(JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8")).tools.go.version, "1.23.4");
  await sb.writeConfig(`export default { tools: { go: "1.24.0-rc1" } };\n`, dir);
  ok(await sb.run(["lock"], { cwd: dir }));
  const lock = JSON.parse(readFileSync(join(dir, "devenv.lock"), "utf8"));
  assert.equal(lock.tools.go.version, "1.24.0-rc1");
  assert.equal(lock.tools.go.platforms["linux-x64"].url, "https://dl.google.com/go/go1.24rc1.linux-amd64.tar.gz");
});
