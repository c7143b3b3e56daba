/**
 * Issue 18, done when: a team's cache on a REAL registry (Debian's docker-registry, the CNCF
 * distribution registry, started on loopback), driven through the devenv CLI as a team would.
 *
 * - CI pushes once (`devenv cache push`); a fleet of 20 separate DEVENV_HOMEs installs the same lock
 *   at once: the fake upstream serves no artifact, the registry serves the blobs.
 * - The registry stopped while a second fleet installs: every install still succeeds, from upstream.
 * - A blob tampered with in the registry's own storage is refused loudly; the upstream copy is installed.
 * - `devenv bundle` → `install --from-bundle` with DEVENV_OFFLINE=1; skopeo reads the layout.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { assertOk as ok, sandbox, type Sandbox } from "../helpers/cli.js";
import { startRegistry, type RegistryServer } from "../support/registry.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { waitFor } from "../support/wait.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });
const CONFIG = `export default { tools: { node: "20", zig: "0.13" }, platforms: ["linux-x64", "darwin-arm64"] };\n`;
/** The artifacts' downloads (not the version indexes): node's tarballs and zig's. */
const ARTIFACT = /\/(node-v20\.18\.0-[a-z]+-[a-z0-9]+\.tar\.(xz|gz)|zig-[a-z0-9_-]+-0\.13\.0\.tar\.xz)$/;
const artifactDownloads = () => fake.log.filter((r) => r.method === "GET" && ARTIFACT.test(r.url.split("?")[0]!)).length;

let registry: RegistryServer;
before(async () => {
  registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
});

const blobGets = () => registry.requests().filter((r) => r.method === "GET" && /\/blobs\/sha256:/.test(r.path) && r.status === 200);

/** The CI machine: locks and pushes. Returns its project dir (devenv.ts + devenv.lock) for the fleet. */
let ci: Sandbox | undefined;
async function pushedProject(): Promise<Sandbox> {
  if (ci) return ci;
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: registry.url });
  await sb.writeConfig(CONFIG);
  ok(await sb.run(["lock"]));
  const r = await sb.run(["cache", "push"]);
  ok(r);
  // 2 tools × 2 platforms, and the empty config.
  assert.match(r.stdout, /: 5 blobs written \([\d.]+ MiB\), 0 already there/);
  assert.match(r.stdout, /4 artifact manifests tagged \((node|zig)-/);
  const again = await sb.run(["cache", "push"]);
  ok(again);
  assert.match(again.stdout, /: 0 blobs written \(0\.0 MiB\), 4 already there/, "a second push uploads nothing");
  ci = sb;
  return sb;
}

/** A teammate's machine: its own DEVENV_HOME, the CI project's devenv.ts and devenv.lock, trusted. */
async function teammate(project: string, env: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
  const sb = sandbox(fake.mirrors, { DEVENV_CACHE: registry.url, ...env });
  await sb.writeConfig(CONFIG, project);
  return sb;
}

const fleetRun = (fleet: Sandbox[], project: string) => Promise.all(fleet.map((sb) => sb.run(["install", "--frozen"], { cwd: project })));

test("the registry lists what CI pushed: readable tags and an index of the lock", async () => {
  await pushedProject();
  const tags = JSON.parse(execFileSync("curl", ["-sf", `${registry.origin}/v2/${registry.repository}/tags/list`], { encoding: "utf8" })) as { tags: string[] };
  assert.deepEqual(tags.tags.filter((t) => !t.startsWith("lock-")).map((t) => t.replace(/-[0-9a-f]{8}$/, "")).sort(), [
    "node-20.18.0-darwin-arm64", "node-20.18.0-linux-x64", "zig-0.13.0-darwin-arm64", "zig-0.13.0-linux-x64",
  ]);
  assert.equal(tags.tags.filter((t) => /^lock-[0-9a-f]{16}$/.test(t)).length, 1);
  const index = JSON.parse(execFileSync("curl", ["-sf", "-H", "accept: application/vnd.oci.image.index.v1+json", `${registry.origin}/v2/${registry.repository}/manifests/${tags.tags.find((t) => t.startsWith("lock-"))}`], { encoding: "utf8" }));
  assert.equal(index.artifactType, "application/vnd.devenv.lock.v1");
  assert.equal(index.manifests.length, 4);
});

test("a fleet of 20 DEVENV_HOMEs installs the pushed lock at once: no artifact from upstream, every blob from the registry", { timeout: 240_000 }, async () => {
  const project = (await pushedProject()).project;
  const fleet = await Promise.all(Array.from({ length: 20 }, () => teammate(project)));
  fake.reset();
  const before = blobGets().length;
  const results = await fleetRun(fleet, project);
  results.forEach((r, i) => assert.equal(r.code, 0, `machine ${i}: ${r.stderr}`));
  assert.equal(artifactDownloads(), 0, `the upstream served no artifact:\n${fake.requests.join("\n")}`);
  // node and zig for linux-x64, on each of the 20 machines.
  assert.equal(blobGets().length - before, 40, "the registry served 2 blobs to each machine");
  for (const r of results) {
    assert.match(r.stdout, /from the cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv: 2 files, 0 from the upstreams/);
    assert.match(r.stderr, /installed node 20\.18\.0 \([^)]* in [\d.]+s, from the cache\)/);
  }
  const run = await fleet[7]!.run(["exec", "--", "node", "--version"], { cwd: project });
  ok(run);
  assert.match(run.stdout, /v20\.18\.0/);
});

test("the registry stopped while a fleet installs: every install still succeeds, from upstream", { timeout: 240_000 }, async () => {
  const project = (await pushedProject()).project;
  const doomed = await startRegistry();
  try {
    // This fleet's cache is a registry of its own, filled by a push, then stopped mid-way.
    const seed = await teammate(project, { DEVENV_CACHE: doomed.url });
    ok(await seed.run(["cache", "push"], { cwd: project }));
    const fleet = await Promise.all(Array.from({ length: 20 }, () => teammate(project, { DEVENV_CACHE: doomed.url })));
    fake.reset();
    const running = fleetRun(fleet, project);
    await waitFor("the first blob served", () => doomed.requests().some((r) => r.method === "GET" && /\/blobs\//.test(r.path)), 60_000);
    await doomed.stop();
    const results = await running;
    results.forEach((r, i) => assert.equal(r.code, 0, `machine ${i}: ${r.stderr}`));
    assert.ok(artifactDownloads() > 0, "some machines downloaded from upstream");
    const fellBack = results.filter((r) => /downloading/.test(r.stderr));
    assert.ok(fellBack.length > 0);
    for (const r of fellBack) {
      const lines = r.stderr.split("\n").filter((l) => /cache/.test(l));
      assert.ok(lines.length <= 2, `at most one line per file about the cache:\n${r.stderr}`);
    }
  } finally {
    await doomed.stop();
  }
});

test("a blob tampered with in the registry's storage is refused loudly (even under -q) and the upstream copy installed", { timeout: 120_000 }, async () => {
  const sb = await pushedProject();
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
  const sha = lock.tools.zig.platforms["linux-x64"].sha256 as string;
  const data = registry.blobPath(sha);
  const good = readFileSync(data);
  const evil = Buffer.from(good);
  evil[evil.length >> 1] = evil[evil.length >> 1]! ^ 0xff;
  writeFileSync(data, evil);
  try {
    const mate = await teammate(sb.project);
    fake.reset();
    // -q hides progress, never this.
    const r = await mate.run(["-q", "install", "--frozen"], { cwd: sb.project });
    ok(r);
    assert.match(r.stderr, /zig 0\.13\.0: REFUSED the copy from the cache oci\+http:\/\/127\.0\.0\.1:\d+\/team\/devenv: checksum mismatch/);
    assert.match(r.stderr, /tampered with or damaged/);
    assert.equal(artifactDownloads(), 1, "zig's upstream copy, and nothing else, was downloaded");
    // Without -q: the refused copy's bytes are not counted (the line gives the file's own size), and no "from the cache".
    const loud = await (await teammate(sb.project)).run(["install", "--frozen"], { cwd: sb.project });
    ok(loud);
    const size = Number(/installed zig 0\.13\.0 \((\d+) bytes in [\d.]+s\)/.exec(loud.stderr)?.[1]);
    assert.equal(size, good.length, loud.stderr);
    const zig = await mate.run(["exec", "--", "zig", "version"], { cwd: sb.project });
    ok(zig);
  } finally {
    writeFileSync(data, good);
  }
});

test("devenv bundle → install --from-bundle with DEVENV_OFFLINE=1, as a directory and as a tar; skopeo reads the layout", { timeout: 180_000 }, async () => {
  const sb = await pushedProject();
  for (const dest of ["bundle-dir", "bundle.tar"]) {
    const out = join(sb.project, "..", dest);
    // Bundled with the cache off: straight from the upstreams.
    const b = await sb.run(["bundle", out], { env: { DEVENV_CACHE: "off" } });
    ok(b);
    assert.match(b.stdout, /5 blobs written/);
    assert.ok(existsSync(out));
    const offline = await teammate(sb.project, { DEVENV_OFFLINE: "1", DEVENV_CACHE: "off", DEVENV_MIRRORS: "" });
    fake.reset();
    const r = await offline.run(["install", "--frozen", "--from-bundle", out], { cwd: sb.project });
    ok(r);
    assert.equal(fake.requests.length, 0, "nothing was asked of any server");
    assert.match(r.stdout, /installed 2 tools/);
    const node = await offline.run(["exec", "--", "node", "--version"], { cwd: sb.project });
    ok(node);
    assert.match(node.stdout, /v20\.18\.0/);
  }
  const skopeo = spawnSync("skopeo", ["--version"], { encoding: "utf8" });
  if (skopeo.error) return void assert.fail("skopeo is not installed (.ci/run installs it): the layout's check against a real reader did not run");
  const lockTagged = (ref: string) => {
    const r = spawnSync("skopeo", ["inspect", "--raw", ref], { encoding: "utf8" });
    assert.equal(r.status, 0, `${ref}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { artifactType?: string };
  };
  const dirLayout = join(sb.project, "..", "bundle-dir");
  const tag = JSON.parse(readFileSync(join(dirLayout, "index.json"), "utf8")).manifests.map((m: { annotations?: Record<string, string> }) => m.annotations?.["org.opencontainers.image.ref.name"]).find((t: string) => t?.startsWith("node-20.18.0-linux-x64"));
  assert.equal(lockTagged(`oci:${dirLayout}:${tag}`).artifactType, "application/vnd.devenv.artifact.v1");
  assert.equal(lockTagged(`oci-archive:${join(sb.project, "..", "bundle.tar")}:${tag}`).artifactType, "application/vnd.devenv.artifact.v1");
});


test("a push goes on past a file its upstream will not give: the rest is pushed, no index names the gap, and the next push fetches only what is missing", { timeout: 120_000 }, async () => {
  const sb = await pushedProject();
  const own = await startRegistry();
  try {
    const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8"));
    const gone = (lock.tools.zig.platforms["darwin-arm64"].url as string).split("/").pop()!;
    fake.reset();
    fake.failNext(gone, 50, 404);
    const r = await sb.run(["cache", "push"], { env: { DEVENV_CACHE: own.url } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /1 file of devenv\.lock could not be fetched, so the lock's index was not written \(4 blobs written, 0 already there, 3 artifact manifests\)/);
    assert.match(r.stderr, /zig 0\.13\.0 darwin-arm64: /);
    assert.match(r.stderr, /run 'devenv cache push' again/);
    const tags = () => (JSON.parse(execFileSync("curl", ["-sf", `${own.origin}/v2/${own.repository}/tags/list`], { encoding: "utf8" })) as { tags: string[] }).tags;
    assert.equal(tags().length, 3);
    assert.ok(!tags().some((t) => t.startsWith("lock-")));

    fake.reset();
    const again = await sb.run(["cache", "push"], { env: { DEVENV_CACHE: own.url } });
    ok(again);
    assert.match(again.stdout, /: 1 blob written \([\d.]+ MiB\), 3 already there/);
    assert.equal(artifactDownloads(), 1, "only the missing file was fetched");
    assert.equal(tags().length, 5);
  } finally {
    await own.stop();
  }
});

test("cache push --platform pushes only those platforms; --json says what it did", { timeout: 120_000 }, async () => {
  const sb = await pushedProject();
  const own = await startRegistry();
  try {
    const r = await sb.run(["cache", "push", "--platform", "darwin-arm64", "--json"], { env: { DEVENV_CACHE: own.url } });
    ok(r);
    const out = JSON.parse(r.stdout) as { cache: string; pushed: number; present: number; manifests: string[]; index: string; recorded: number };
    assert.equal(out.cache, own.url);
    assert.equal(out.pushed, 3, "node and zig for darwin-arm64, and the empty config");
    assert.deepEqual(out.manifests.map((t) => t.replace(/-[0-9a-f]{8}$/, "")).sort(), ["node-20.18.0-darwin-arm64", "zig-0.13.0-darwin-arm64"]);
    assert.match(out.index, /^lock-[0-9a-f]{16}$/);
  } finally {
    await own.stop();
  }
});

test("oci-layout: as the cache URL: cache push writes the layout, another machine pulls from it (offline too)", { timeout: 120_000 }, async () => {
  const sb = await pushedProject();
  const dir = join(sb.project, "..", "team-layout");
  const pushed = await sb.run(["cache", "push"], { env: { DEVENV_CACHE: `oci-layout:${dir}` } });
  ok(pushed);
  assert.match(pushed.stdout, new RegExp(`oci-layout:${dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: 5 blobs written`));
  assert.ok(existsSync(join(dir, "oci-layout")) && existsSync(join(dir, "index.json")));
  const mate = await teammate(sb.project, { DEVENV_CACHE: `oci-layout:${dir}`, DEVENV_OFFLINE: "1" });
  fake.reset();
  const r = await mate.run(["install", "--frozen"], { cwd: sb.project });
  ok(r);
  assert.equal(fake.requests.length, 0);
  assert.match(r.stdout, /from the cache oci-layout:.*team-layout: 2 files, 0 from the upstreams/);
});

test("the registry's own garbage collection keeps every file a pushed lock references (and removes a stray blob); skopeo lists the tags and reads a manifest", { timeout: 120_000 }, async () => {
  const sb = await pushedProject();
  const lock = JSON.parse(readFileSync(join(sb.project, "devenv.lock"), "utf8")) as { tools: Record<string, { platforms: Record<string, { sha256: string }> }> };
  const locked = Object.values(lock.tools).flatMap((t) => Object.values(t.platforms).map((a) => a.sha256));
  assert.equal(locked.length, 4);
  // A blob no manifest references, pushed by hand: what garbage collection is for.
  const stray = Buffer.from(`stray ${Date.now()}`);
  const strayHex = createHash("sha256").update(stray).digest("hex");
  const start = execFileSync("curl", ["-sfi", "-X", "POST", `${registry.origin}/v2/${registry.repository}/blobs/uploads/`], { encoding: "utf8" });
  const location = /^location: (.+)$/im.exec(start)![1]!.trim();
  execFileSync("curl", ["-sf", "-X", "PUT", "-H", "content-type: application/octet-stream", "--data-binary", stray.toString(), `${location}&digest=sha256:${strayHex}`]);
  assert.ok(existsSync(registry.blobPath(strayHex)));

  const gc = spawnSync("docker-registry", ["garbage-collect", "--delete-untagged", join(dirname(registry.storage), "config.yml")], { encoding: "utf8" });
  assert.equal(gc.status, 0, gc.stderr);
  assert.ok(!existsSync(registry.blobPath(strayHex)), "the stray blob was collected");
  for (const sha of locked) assert.ok(existsSync(registry.blobPath(sha)), `the locked file ${sha} was kept`);

  const tags = spawnSync("skopeo", ["list-tags", "--tls-verify=false", `docker://${registry.host}/${registry.repository}`], { encoding: "utf8" });
  assert.equal(tags.status, 0, tags.stderr);
  const listed = (JSON.parse(tags.stdout) as { Tags: string[] }).Tags;
  const nodeTag = listed.find((t) => t.startsWith("node-20.18.0-linux-x64-"));
  assert.ok(nodeTag, listed.join(" "));
  const raw = spawnSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/${registry.repository}:${nodeTag}`], { encoding: "utf8" });
  assert.equal(raw.status, 0, raw.stderr);
  const manifest = JSON.parse(raw.stdout) as { artifactType: string; layers: Array<{ digest: string }>; annotations: Record<string, string> };
  assert.equal(manifest.artifactType, "application/vnd.devenv.artifact.v1");
  assert.deepEqual(manifest.layers.map((l) => l.digest), [`sha256:${lock.tools.node!.platforms["linux-x64"]!.sha256}`]);
  assert.equal(manifest.annotations["dev.devenv.url"], "https://nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz");
});
