/**
 * devenv.lock as untrusted input: its strict shape (lock/types.ts, lock/names.ts), the check of an
 * entry against devenv.ts and the recipe (resolver/check-entry.ts), re-locking an entry made with an
 * older recipe (resolver/plan.ts), and the store's own last check (store/layout.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { ToolRequest } from "../../src/config/normalise.js";
import { DevenvError } from "../../src/errors.js";
import { emptyLock, parseLock } from "../../src/lock/format.js";
import { versionProblem } from "../../src/lock/names.js";
import type { LockEntry } from "../../src/lock/types.js";
import { inlineRecipe } from "../../src/recipes/inline.js";
import type { Recipe } from "../../src/recipes/types.js";
import { checkLockEntry } from "../../src/resolver/check-entry.js";
import { frozenProblems, planLock } from "../../src/resolver/plan.js";
import { entryDir, entryName } from "../../src/store/layout.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

test("every version form a recipe or fake upstream uses is a valid lock version", () => {
  const real = [
    "20.18.0", "0.13.0", "0.15.0-dev.1+abc1234", "14.2.0-1", "14.2.0-1.1", "14.2.0+1", "1.24rc1", "1.20", "3.14.0rc1",
    "20.1.0-rc2", "1.3.0.1-motley", "3.0.15+quic", "2024.12.16", "2025.10.01", "1.0.0-alpha.2", "17.2.0-beta.13",
    "3.12.7", "1.82.0", "3.31.5", "1.12.1", "19.1.7", "22.04", "1.2.3_4",
  ];
  for (const v of real) assert.equal(versionProblem(v), undefined, v);
});

test("versions that could leave the store, split PATH or break quoting are refused", () => {
  const bad = [
    "", "..", "../x", "1/2", "1\\2", "1..2", ".1", "-1", "+1", "1:2", "1 2", "1\t2", "1\n", "1\u001b[31m", "1\u0000",
    "1'2", '1"2', "$(id)", "1;2", "1*", "~1", "1\u00e9", "a".repeat(129),
  ];
  for (const v of bad) assert.ok(versionProblem(v), JSON.stringify(v));
});

const entry = (over: Partial<LockEntry> = {}): LockEntry => ({
  request: "1.2.3", version: "1.2.3", source: "inline", recipeRevision: 1,
  platforms: { "linux-x64": { url: "https://e.example/t.tar.gz", sha256: SHA_A, format: "tar.gz", strip: "auto" } },
  ...over,
});
const lockText = (tools: Record<string, unknown>) => JSON.stringify({ lockVersion: 1, tools });
const refused = (tools: Record<string, unknown>, path: RegExp) =>
  assert.throws(() => parseLock(lockText(tools), "/p/devenv.lock"), (e: unknown) => {
    assert.ok(e instanceof DevenvError && e.code === "LOCK_INVALID", String(e));
    assert.match(e.message, path);
    assert.match(e.hint ?? "", /Restore it from version control/);
    return true;
  });

test("the lock's shape: names, source, request, URLs, parts; each refusal names the field", () => {
  assert.doesNotThrow(() => parseLock(lockText({ t: entry() }), "devenv.lock"));
  refused({ t: entry({ version: "../../x" }) }, /^\/p\/devenv\.lock: tools\.t\.version: "\.\.\/\.\.\/x" is not a version/);
  refused({ "T\u001b[2J": entry() }, /tools\."T\\u001b\[2J": /);
  refused({ "a/b": entry() }, /tools\."a\/b": "a\/b" is not a tool name/);
  refused({ t: entry({ source: "registry:node" }) }, /tools\.t\.source: "registry:node" is not "inline", "registry:t", "aqua:<package>" or "github:<owner>\/<repo>"/);
  refused({ t: entry({ source: "git" }) }, /tools\.t\.source: /);
  // Catalogue sources: an aqua: tool records which registry entry it came from; nothing else does.
  const catalog = { registry: "aquaproj/aqua-registry", ref: "4d86e12d6fd055583d34fa3b9eefc28e7166ae59", sha256: SHA_A, package: "jqlang/jq", entry: SHA_A };
  assert.doesNotThrow(() => parseLock(lockText({ t: entry({ source: "aqua:jqlang/jq", catalog }) }), "devenv.lock"));
  assert.doesNotThrow(() => parseLock(lockText({ t: entry({ source: "github:cli/cli" }) }), "devenv.lock"));
  refused({ t: entry({ source: "aqua:jqlang/jq" }) }, /tools\.t\.catalog: an aqua: tool records the catalogue entry it came from/);
  refused({ t: entry({ source: "inline", catalog }) }, /tools\.t\.catalog: only an aqua: tool records a catalogue entry/);
  refused({ t: entry({ source: "aqua:evil/jq", catalog }) }, /tools\.t\.catalog\.package: "jqlang\/jq" is not the package of source "aqua:evil\/jq"/);
  refused({ t: entry({ source: "aqua:../../etc" }) }, /tools\.t\.source: /);
  refused({ t: entry({ source: "github:a/b/c" }) }, /tools\.t\.source: /);
  refused({ t: entry({ source: "aqua:jqlang/jq", catalog: { ...catalog, ref: "main" } }) }, /tools\.t\.catalog\.ref: .*full commit sha/);
  refused({ t: entry({ source: "aqua:jqlang/jq", catalog: { ...catalog, registry: "https://evil.example/r.yaml" } }) }, /tools\.t\.catalog\.registry: .* is not a registry devenv reads/);
  refused({ t: entry({ request: "1\n2" }) }, /tools\.t\.request: "1\\n2" is not a version range/);
  refused({ t: entry({ request: "1\u202e2" }) }, /tools\.t\.request: "1\\u202e2" is not a version range/);
  const artifact = (a: Record<string, unknown>) => entry({ platforms: { "linux-x64": { ...entry().platforms["linux-x64"]!, ...a } } });
  for (const url of ["file:///etc/passwd", "https://e.example/a b.tgz", "https:\\\\e.example\\x", "npm:../x.tgz", "npm:/x", "javascript:1", "https:/x"]) {
    refused({ t: artifact({ url }) }, /tools\.t\.platforms\.linux-x64\.url: .* is not an http\(s\) URL or npm:<package path>/);
  }
  const part = (p: Record<string, unknown>) => artifact({ parts: [{ name: "p", url: "https://e.example/p.tgz", sha256: SHA_B, format: "tar.gz", strip: 1, ...p }] });
  assert.doesNotThrow(() => parseLock(lockText({ t: part({ dir: "_parts/p" }) }), "devenv.lock"));
  refused({ t: part({ dir: "_parts/../../x" }) }, /tools\.t\.platforms\.linux-x64\.parts\.0\.dir: /);
  refused({ t: part({ dir: "/abs" }) }, /parts\.0\.dir: /);
  refused({ t: part({ name: "a/b" }) }, /parts\.0\.name: "a\/b" is not a part name/);
  refused({ t: part({ name: ".." }) }, /parts\.0\.name: /);
  refused({ t: artifact({ strip: 1000 }) }, /platforms\.linux-x64\.strip: /);
});

const inlineReq = (sha256: ToolRequest["options"]["sha256"] = { "linux-x64": SHA_A }, extra: Record<string, unknown> = {}): ToolRequest => ({
  name: "t", range: "1.2.3", inline: true, options: { url: "https://e.example/t.tar.gz", sha256, ...extra },
});
const inline = (req: ToolRequest) => inlineRecipe(req.name, req.range, req.options);
const check = (req: ToolRequest, e: LockEntry, recipe: Recipe = inline(req)) => () => checkLockEntry(req, recipe, e);
const names = (field: string) => (e: unknown) => {
  assert.ok(e instanceof DevenvError, String(e));
  assert.ok(e.message.startsWith(`devenv.lock: tools.t.${field}: `), e.message);
  assert.ok(e.hint, "with a hint");
  return true;
};

test("an inline tool's entry must repeat devenv.ts: version, sha256 per platform, strip, format; no parts", () => {
  const req = inlineReq();
  assert.doesNotThrow(check(req, entry()));
  assert.throws(check(req, entry({ version: "1.2.4" })), names("version"));
  const a = entry().platforms["linux-x64"]!;
  const withArtifact = (over: Record<string, unknown>) => entry({ platforms: { "linux-x64": { ...a, ...over } } });
  assert.throws(check(req, withArtifact({ sha256: SHA_B })), names("platforms.linux-x64.sha256"));
  assert.throws(check(inlineReq(SHA_A), withArtifact({ sha256: SHA_B })), names("platforms.linux-x64.sha256"));
  assert.throws(check(req, withArtifact({ sha256: undefined, integrity: `sha512-${"A".repeat(86)}==` })), names("platforms.linux-x64.sha256"));
  assert.throws(check(req, withArtifact({ strip: 1 })), names("platforms.linux-x64.strip"));
  assert.doesNotThrow(check(inlineReq(undefined, { strip: 1 }), withArtifact({ strip: 1 })) as never);
  assert.throws(check(req, withArtifact({ format: "raw" })), names("platforms.linux-x64.format"));
  assert.throws(check(req, withArtifact({ parts: [{ name: "p", url: a.url, sha256: SHA_A, format: "tar.gz", strip: 1 }] })), names("platforms.linux-x64.parts"));
  assert.throws(check(req, withArtifact({ requires: { glibc: "2.99" } })), names("platforms.linux-x64.requires"));
  assert.throws(check(req, withArtifact({ url: "https://e.example/other.tar.gz" })), names("platforms.linux-x64.url"));
  // A platform devenv.ts gives no sha256 for.
  assert.throws(check(req, entry({ platforms: { "linux-x64": a, "darwin-arm64": a } })), names("platforms.darwin-arm64"));
});

test("a recipe revision newer than this devenv's is refused; an older one is re-locked at its version (and is a frozen problem)", () => {
  const req = inlineReq();
  assert.throws(check(req, entry({ recipeRevision: 2 })), (e: unknown) => names("recipeRevision")(e) && /upgrade devenv/.test((e as DevenvError).hint!));
  const lock = { ...emptyLock(), tools: { t: entry({ recipeRevision: 0, options: req.options }) } };
  const plan = planLock([req], lock, ["linux-x64"], new Set(), () => ["linux-x64"], () => 1);
  assert.equal(plan.keep.length, 1);
  assert.match(plan.keep[0]!.relock ?? "", /made with revision 0 of the t recipe, this devenv has revision 1/);
  assert.deepEqual(frozenProblems(plan), [plan.keep[0]!.relock]);
  const current = planLock([req], { ...lock, tools: { t: entry({ options: req.options }) } }, ["linux-x64"], new Set(), () => ["linux-x64"], () => 1);
  assert.equal(current.keep[0]!.relock, undefined);
});

test("store paths: entry names only from valid names, and an entry dir is always a direct child of the store", () => {
  const key = { name: "zig", version: "0.13.0", platform: "linux-x64", sha256: SHA_A, recipeRevision: 1 };
  assert.equal(entryDir("/s/store", key), join("/s/store", entryName(key)));
  for (const bad of [{ version: "../../../../tmp/x" }, { version: ".." }, { version: "1/2" }, { name: "../x" }, { name: "Zig" }, { version: "" }]) {
    assert.throws(() => entryDir("/s/store", { ...key, ...bad }), (e: unknown) => e instanceof DevenvError && e.code === "LOCK_INVALID" && /refusing to make a store path/.test(e.message), JSON.stringify(bad));
  }
});
