/**
 * The catalogue from the command line: names (unique, ambiguous, unknown, owner/repo, aqua:),
 * search and versions, the registry fetched at its pinned commit and checked, offline from the cache,
 * and a devenv.lock that arrives with a pull naming another registry commit, package or entry.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { seedCatalog } from "../support/catalog-cache.js";
import { startFakeUpstream } from "../support/fake-upstream.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ catalog: { only: ["jq", "ripgrep", "gh"] } });
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");
const seeded = async (src?: string) => {
  const sb = await fresh(src);
  await seedCatalog(sb.home);
  return sb;
};
const REGISTRY = /\/raw\.githubusercontent\.com\/aquaproj\/aqua-registry\/4d86e12d6fd055583d34fa3b9eefc28e7166ae59\/registry\.yaml$/;

test("names: a command name, owner/repo and aqua: find the package; an ambiguous name lists the candidates; a typo suggests", async () => {
  const sb = await seeded();
  // gh is no package's name but cli/cli's command.
  assertOk(await sb.run(["add", "gh@2", "--no-install"]));
  assert.match(read(sb, "devenv.ts"), /gh: "2",/);
  assertOk(await sb.run(["add", "BurntSushi/ripgrep@15", "--no-install"]));
  assert.match(read(sb, "devenv.ts"), /ripgrep: \{ version: "15", aqua: "BurntSushi\/ripgrep" \}/);
  assertOk(await sb.run(["add", "aqua:jqlang/jq@1.7", "--no-install"]));
  const lock = JSON.parse(read(sb, "devenv.lock"));
  assert.equal(lock.tools.gh.source, "aqua:cli/cli");
  assert.equal(lock.tools.ripgrep.source, "aqua:BurntSushi/ripgrep");
  assert.equal(lock.tools.jq.version, "1.7.1");
  assert.deepEqual(lock.tools.jq.catalog, {
    registry: "aquaproj/aqua-registry",
    ref: "4d86e12d6fd055583d34fa3b9eefc28e7166ae59",
    sha256: "f136736f2ea599af62a26e71be0b8f396689ecc7c8db6af9220c6ca4b862bb6b",
    package: "jqlang/jq",
    entry: lock.tools.jq.catalog.entry,
  });
  const before = { ts: read(sb, "devenv.ts"), lock: read(sb, "devenv.lock") };
  // rg is the command of two packages: both listed, with descriptions, and nothing written.
  const amb = await sb.run(["add", "rg"]);
  assert.equal(amb.code, 1);
  assert.match(amb.stderr, /rg is ambiguous: 2 packages .* are called so:\n  BurntSushi\/ripgrep  ripgrep recursively searches/);
  assert.match(amb.stderr, /microsoft\/ripgrep-prebuilt/);
  assert.match(amb.stderr, /hint: Name one: devenv add aqua:BurntSushi\/ripgrep/);
  const typo = await sb.run(["add", "ripgrepp"]);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /unknown tool 'ripgrepp'.*\n  hint: Did you mean 'ripgrep'/);
  const bad = await sb.run(["add", "aqua:nobody/nothing"]);
  assert.match(bad.stderr, /has no package nobody\/nothing/);
  assert.equal(read(sb, "devenv.ts"), before.ts);
  assert.equal(read(sb, "devenv.lock"), before.lock);
  // Built-in recipes keep their names: node is devenv's recipe, not the registry's nodejs/node.
  const search = await sb.run(["search", "node", "--json"]);
  assertOk(search);
  const rows = JSON.parse(search.stdout) as Array<{ name: string; source: string }>;
  assert.deepEqual(rows.find((r) => r.name === "node"), { ...rows.find((r) => r.name === "node"), source: "built-in" });
  assert.ok(rows.some((r) => r.source === "aqua:nodejs/node" && r.name === "nodejs/node"), "the registry's node is listed by its package name");
});

test("search finds catalogue tools by name, command and description; versions lists a catalogue tool's", async () => {
  const sb = await seeded();
  const r = await sb.run(["search", "json", "processor"]);
  assertOk(r);
  assert.match(r.stdout, /^jq +Command-line JSON processor$/m);
  // Built-in recipes are searched by every word too.
  const zig = await sb.run(["search", "toolchain", "zig", "--json"]);
  assertOk(zig);
  assert.deepEqual(JSON.parse(zig.stdout).map((x: { name: string }) => x.name).slice(0, 1), ["zig"]);
  // Every result is named as `devenv add` takes it, however many there are: the short name when it
  // means that one package (bat: sharkdp/bat, crates.io/bat being no type devenv installs), else the package.
  const all = await sb.run(["search", "--json"]);
  assertOk(all);
  const named = new Map((JSON.parse(all.stdout) as Array<{ name: string; source: string }>).map((x) => [x.source, x.name]));
  assert.ok(named.size > 2000, `${named.size} rows`);
  assert.equal(named.get("aqua:sharkdp/bat"), "bat");
  assert.equal(named.get("aqua:crates.io/bat"), "crates.io/bat");
  assert.equal(named.get("aqua:jqlang/jq"), "jq");
  assert.equal(named.get("aqua:cli/cli"), "cli/cli");
  assert.equal(named.get("aqua:nodejs/node"), "nodejs/node");
  const none = await sb.run(["search", "zzzz-nothing-qqqq"]);
  assert.equal(none.code, 1);
  const v = await sb.run(["versions", "jq"]);
  assertOk(v);
  assert.deepEqual(v.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]), ["1.8.1", "1.7.1", "1.6"]);
  assert.match(v.stdout, /^1\.6 +\(no linux-arm64 build\)$/m, "jq 1.6 has no arm64 asset");
  const gh = await sb.run(["versions", "cli/cli", "--json"]);
  assertOk(gh);
  assert.deepEqual(JSON.parse(gh.stdout).map((x: { version: string }) => x.version), ["v2.45.0", "v2.23.0"]);
});

test("the registry is fetched once at its pinned commit, checked, cached, and read offline from the cache", async () => {
  const sb = await fresh();
  fake.reset();
  assertOk(await sb.run(["search", "ripgrep"]));
  assert.equal(fake.count(REGISTRY), 1, "fetched at the pinned commit");
  assertOk(await sb.run(["add", "ripgrep", "--no-install"]));
  assert.equal(fake.count(REGISTRY), 1, "then read from the cache");
  assertOk(await sb.run(["install"]));
  // Offline, a locked catalogue tool installs and runs from the cached catalogue and store.
  const off = await sb.run(["exec", "--", "rg", "--version"], { env: { DEVENV_OFFLINE: "1" } });
  assertOk(off);
  assert.match(off.stdout, /ripgrep 15\.1\.0/);
  const s = await sb.run(["search", "ripgrep"], { env: { DEVENV_OFFLINE: "1" } });
  assertOk(s);
  assert.match(s.stdout, /^ripgrep /m);
  // Another DEVENV_HOME, offline, never fetched: search says it has the built-in tools only; add fails clearly.
  const other = await fresh();
  const s2 = await other.run(["search", "ripgrep"], { env: { DEVENV_OFFLINE: "1" } });
  assert.match(s2.stderr, /built-in tools only: offline: the tool catalogue .* is not cached yet/);
  const a2 = await other.run(["add", "ripgrep"], { env: { DEVENV_OFFLINE: "1" } });
  assert.equal(a2.code, 1);
  assert.match(a2.stderr, /offline: the tool catalogue/);
});

test("a registry that is not the pinned file is refused before anything is written", async () => {
  const bad = await startFakeUpstream({ aquaRegistry: { body: "packages:\n  - type: github_release\n    repo_owner: evil\n    repo_name: jq\n" } });
  try {
    const sb = await fresh(undefined, { mirrors: bad.mirrors });
    const r = await sb.run(["add", "jq"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the aqua registry from .* has sha256 [0-9a-f]{64}, not the pinned f136736f/);
    assert.throws(() => read(sb, "devenv.ts"));
  } finally {
    await bad.close();
  }
});

test("a pulled devenv.lock naming another registry commit, entry or package, or an URL elsewhere, is refused or re-resolved", async () => {
  const sb = await seeded();
  assertOk(await sb.run(["add", "jq@1.7", "--no-install"]));
  const good = read(sb, "devenv.lock");
  const edit = (f: (e: Record<string, any>) => void) => {
    const l = JSON.parse(good);
    f(l.tools.jq);
    writeFileSync(join(sb.project, "devenv.lock"), JSON.stringify(l, null, 2));
  };
  const install = () => sb.run(["install", "--frozen"]);

  edit((e) => (e.catalog.ref = "0".repeat(40)));
  let r = await install();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tools\.jq\.catalog\.ref: 0{40} is not an aqua registry commit this devenv knows/);

  edit((e) => (e.catalog.entry = "1".repeat(64)));
  r = await install();
  assert.match(r.stderr, /tools\.jq\.catalog: not what aqua:jqlang\/jq 1\.7\.1 gives/);

  edit((e) => (e.catalog.sha256 = "2".repeat(64)));
  r = await install();
  assert.match(r.stderr, /tools\.jq\.catalog\.sha256: 2{64} is not the sha256 of the registry/);

  // Another package under the same name: the name resolves to jqlang/jq, so the entry is stale.
  edit((e) => {
    e.source = "aqua:stedolan/jq";
    e.catalog.package = "stedolan/jq";
  });
  r = await install();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /jq: source changed from aqua:stedolan\/jq to aqua:jqlang\/jq/);

  edit((e) => (e.source = "aqua:../../etc"));
  r = await install();
  assert.match(r.stderr, /source: .* is not "inline", "registry:jq", "aqua:<package>" or "github:<owner>\/<repo>"/);

  edit((e) => (e.platforms["linux-x64"].url = "https://evil.example/jq-linux-amd64"));
  r = await install();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tools\.jq\.platforms\.linux-x64\.url: https:\/\/evil\.example\/jq-linux-amd64 is not where jq 1\.7\.1 is published/);

  edit((e) => (e.signatures = { cosign: "x".repeat(20_000) }));
  r = await install();
  assert.match(r.stderr, /more than 16 KiB of signature metadata/);

  writeFileSync(join(sb.project, "devenv.lock"), good);
  assertOk(await install());
});

test("outdated, update and gc treat a catalogue tool like a built-in one", async () => {
  const sb = await seeded();
  assertOk(await sb.run(["add", "jq@1.7"]));
  const out = await sb.run(["outdated", "--json"]);
  assertOk(out);
  assert.deepEqual(JSON.parse(out.stdout).find((r: { name: string }) => r.name === "jq"), { name: "jq", request: "1.7", locked: "1.7.1", wanted: "1.7.1", latest: "1.8.1" });
  // A wider range keeps the locked version; update moves it.
  writeFileSync(join(sb.project, "devenv.ts"), read(sb, "devenv.ts").replace('jq: "1.7"', 'jq: "1"'));
  assertOk(await sb.run(["allow"]));
  assertOk(await sb.run(["install"]));
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.jq.version, "1.7.1");
  assertOk(await sb.run(["update", "jq"]));
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.jq.version, "1.8.1");
  const v = await sb.run(["exec", "--", "jq", "--version"]);
  assertOk(v);
  assert.match(v.stdout, /jq-1\.8\.1/);
  // gc frees jq 1.7.1 (no project uses it) and keeps 1.8.1.
  const gc = await sb.run(["gc", "--json"]);
  assertOk(gc);
  const report = JSON.parse(gc.stdout) as { removed: Array<{ tool: string; version: string }>; keptEntries: Array<{ entry: string }> };
  assert.deepEqual(report.removed.map((e) => `${e.tool} ${e.version}`), ["jq 1.7.1"]);
  assert.ok(report.keptEntries.some((k) => k.entry.endsWith("-jq-1.8.1")), JSON.stringify(report.keptEntries));
});
