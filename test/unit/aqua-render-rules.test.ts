/**
 * The aqua evaluator's rules one at a time (issue 17): override merging, libc variants, vars,
 * append_ext, the checksum block, what is refused and how, the registry file's checks, and aqua's
 * version comparison. Real entries where the snapshot has one; small entries of the same format
 * where it does not.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { compareGoVersions, parseGoVersion } from "../../src/recipes/sources/aqua/go-version.js";
import { parseAquaRegistry } from "../../src/recipes/sources/aqua/registry-file.js";
import { aquaPlatforms, renderPackage } from "../../src/recipes/sources/aqua/render.js";
import { type AquaPackage, aquaPackageName, AquaUnsupportedError } from "../../src/recipes/sources/aqua/types.js";
import { DevenvError } from "../../src/errors.js";

const registry = fileURLToPath(new URL("../../../test/fixtures/real/aqua-registry/registry.yaml", import.meta.url));
const packages = parseAquaRegistry(readFileSync(registry, "utf8"));
const entry = (name: string): AquaPackage => packages.find((x) => aquaPackageName(x) === name)!;
const pkg = (fields: Record<string, unknown>): AquaPackage => ({ type: "github_release", repo_owner: "o", repo_name: "tool", ...fields });
const unsupported = (re: RegExp) => (e: unknown) => e instanceof AquaUnsupportedError && re.test(e.message);

test("node: devenv's Linux is glibc, so the libc=glibc override applies (nodejs.org), not the musl one", () => {
  const r = renderPackage(entry("nodejs/node"), "v22.11.0", "linux-x64");
  assert.equal(r.url, "https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.gz");
  assert.deepEqual(r.files.map((f) => f.src), ["corepack", "node", "npm", "npx"].map((c) => `node-v22.11.0-linux-x64/bin/${c}`), "AssetWithoutExt in files.src");
});

test("flutter: a var's default, replacements, and the first matching override only", () => {
  const f = entry("flutter/flutter");
  assert.equal(renderPackage(f, "3.24.0", "darwin-arm64").url, "https://storage.googleapis.com/flutter_infra_release/releases/stable/macos/flutter_macos_arm64_3.24.0-stable.zip");
  assert.equal(renderPackage(f, "3.24.0", "darwin-x64").url, "https://storage.googleapis.com/flutter_infra_release/releases/stable/macos/flutter_macos_3.24.0-stable.zip");
  assert.equal(renderPackage(f, "3.24.0", "linux-x64").url, "https://storage.googleapis.com/flutter_infra_release/releases/stable/linux/flutter_linux_3.24.0-stable.tar.xz");
});

test("override replacements are laid over the entry's; format_overrides; an override with an unknown variant never matches", () => {
  const p = pkg({
    asset: "tool-{{.OS}}-{{.Arch}}.{{.Format}}", format: "tar.gz",
    replacements: { amd64: "x86_64", darwin: "macos" },
    format_overrides: [{ goos: "darwin", format: "zip" }],
    overrides: [{ goos: "linux", variants: [{ key: "cpu", value: "v3" }], asset: "wrong" }, { goos: "linux", replacements: { linux: "Linux" } }],
  });
  assert.equal(renderPackage(p, "v1.0.0", "linux-x64").asset, "tool-Linux-x86_64.tar.gz");
  assert.equal(renderPackage(p, "v1.0.0", "darwin-x64").asset, "tool-macos-x86_64.zip");
  assert.equal(renderPackage(p, "v1.0.0", "darwin-arm64").archive, "zip");
  const musl = pkg({ asset: "tool-gnu", format: "raw", overrides: [{ goos: "linux", variants: [{ key: "libc", value: "musl" }], asset: "tool-musl" }] });
  assert.equal(renderPackage(musl, "v1", "linux-x64").asset, "tool-gnu", "a libc=musl override is not devenv's Linux");
  const glibc = pkg({ asset: "tool", format: "raw", overrides: [{ goos: "linux", variants: [{ key: "libc", value: "glibc" }], asset: "tool-glibc" }] });
  assert.equal(renderPackage(glibc, "v1", "linux-arm64").asset, "tool-glibc");
  assert.equal(renderPackage(glibc, "v1", "darwin-arm64").asset, "tool", "macOS has no libc variant");
});

test("append_ext: an asset without an extension gets the format's unless append_ext is false", () => {
  assert.equal(renderPackage(pkg({ asset: "tool_{{.OS}}", format: "tar.gz" }), "v1", "linux-x64").asset, "tool_linux.tar.gz");
  assert.equal(renderPackage(pkg({ asset: "tool_{{.OS}}", format: "tar.gz", append_ext: false }), "v1", "linux-x64").asset, "tool_linux");
  assert.equal(renderPackage(pkg({ asset: "tool_{{.OS}}.tgz", format: "tar.gz" }), "v1", "linux-x64").asset, "tool_linux.tgz");
  const noFormat = renderPackage(pkg({ asset: "tool_{{.OS}}.tar.xz" }), "v1", "linux-x64");
  assert.equal(noFormat.archive, "tar.xz", "no format: the asset name's extension says");
  assert.equal(renderPackage(pkg({ asset: "tool_{{.OS}}.tbz" }), "v1", "linux-x64").archive, "tar.bz2");
  assert.equal(renderPackage(pkg({ asset: "tool_{{.OS}}.gz" }), "v1", "linux-x64").archive, "gz");
});

test("the checksum block: enabled false is none; its own replacements; http checksum URLs see AssetURL", () => {
  assert.equal(renderPackage(pkg({ asset: "t", format: "raw", checksum: { enabled: false } }), "v1", "linux-x64").checksum, undefined);
  const c = renderPackage(pkg({ asset: "t-{{.OS}}", format: "raw", replacements: { linux: "Linux" }, checksum: { type: "github_release", asset: "sums-{{.OS}}-{{.Asset}}.txt", algorithm: "sha1", replacements: { linux: "lin" }, cosign: { opts: ["x"] } } }), "v1", "linux-x64");
  assert.deepEqual(c.checksum, { url: "https://github.com/o/tool/releases/download/v1/sums-lin-t-Linux.txt", asset: "sums-lin-t-Linux.txt", algorithm: "sha1", fileFormat: "default", lookup: "t-Linux" });
  assert.deepEqual(c.signatures, { checksum: { cosign: { opts: ["x"] } } });
  const h = renderPackage({ type: "http", name: "x/y", url: "https://example.test/d/{{.Version}}/y-{{.OS}}", format: "raw", checksum: { type: "http", url: "{{.AssetURL}}.sha256", algorithm: "sha256" } }, "1.0", "darwin-arm64");
  assert.equal(h.checksum?.url, "https://example.test/d/1.0/y-darwin.sha256");
  assert.equal(h.checksum?.lookup, "y-darwin");
  assert.throws(() => renderPackage(pkg({ asset: "t", format: "raw", checksum: { type: "github_release", asset: "s", algorithm: "crc32" } }), "v1", "linux-x64"), unsupported(/checksum algorithm 'crc32'/));
  assert.throws(() => renderPackage(pkg({ asset: "t", format: "raw", checksum: { type: "github_release", asset: "s", algorithm: "sha256", file_format: "json" } }), "v1", "linux-x64"), unsupported(/checksum file_format 'json'/));
});

test("what devenv cannot evaluate is refused naming it, never rendered", () => {
  assert.throws(() => renderPackage(pkg({ asset: "{{.Version | sha256sum}}" }), "v1", "linux-x64"), unsupported(/a template in 'asset'.*sha256sum/));
  assert.throws(() => renderPackage(pkg({ asset: "t", version_constraint: "Version > 3", version_overrides: [] }), "v1", "linux-x64"), unsupported(/the expression "Version > 3"/));
  assert.throws(() => renderPackage(pkg({ asset: "t.dmg" }), "v1", "darwin-x64"), unsupported(/format dmg/));
  assert.throws(() => renderPackage(pkg({ asset: "t", format: "pkg" }), "v1", "darwin-x64"), unsupported(/format pkg/));
  assert.throws(() => renderPackage(pkg({ asset: "t", format: "7z" }), "v1", "darwin-x64"), unsupported(/format 7z/));
  assert.throws(() => renderPackage(pkg({ asset: "t", teleport: true }), "v1", "linux-x64"), unsupported(/the field 'teleport'/));
  assert.throws(() => renderPackage(pkg({ asset: "t-{{.Vars.go}}", vars: [{ name: "go", required: true }] }), "v1", "linux-x64"), unsupported(/the required var 'go'/));
  assert.throws(() => renderPackage(pkg({ type: "cargo", crate: "x" }), "v1", "linux-x64"), unsupported(/type cargo/));
  assert.throws(() => renderPackage(pkg({ asset: "t.tar.gz", files: [{ name: "t", src: "../../etc/t" }] }), "v1", "linux-x64"), unsupported(/the file path/));
});

test("a version override changing the type clears the old type's fields; an entry without version_constraint ignores its overrides", () => {
  const p = pkg({ asset: "t", format: "raw", version_constraint: 'semver(">= 2")', version_overrides: [{ version_constraint: "true", type: "http", url: "https://example.test/{{.Version}}/t" }] });
  assert.equal(renderPackage(p, "v1.0.0", "linux-x64").url, "https://example.test/v1.0.0/t");
  assert.equal(renderPackage(p, "v1.0.0", "linux-x64").asset, undefined);
  assert.equal(renderPackage(p, "v2.0.0", "linux-x64").url, "https://github.com/o/tool/releases/download/v2.0.0/t");
  assert.deepEqual(renderPackage(pkg({ asset: "t.zip", files: [] }), "v1", "linux-x64").files, [{ name: "tool", src: "tool" }], "an empty files list is aqua's default");
  const plain = pkg({ asset: "t", format: "raw", version_overrides: [{ version_constraint: "true", asset: "other" }] });
  assert.equal(renderPackage(plain, "v1", "linux-x64").asset, "t");
  assert.deepEqual(aquaPlatforms(pkg({ asset: "t", supported_envs: ["linux/amd64", "darwin"], rosetta2: true })), ["linux-x64", "darwin-x64", "darwin-arm64"]);
  assert.deepEqual(aquaPlatforms(pkg({ asset: "t", supported_envs: ["amd64"], rosetta2: true })), ["linux-x64", "darwin-x64", "darwin-arm64"]);
  assert.deepEqual(aquaPlatforms(pkg({ asset: "t", supported_envs: ["amd64"] })), ["linux-x64", "darwin-x64"]);
});

test("parseAquaRegistry refuses what is not a registry, naming the package's index", () => {
  const fails = (text: string, re: RegExp) => assert.throws(() => parseAquaRegistry(text, "mine.yaml"), (e: unknown) => e instanceof DevenvError && re.test(e.message));
  fails("- a\n- b\n", /aqua registry mine\.yaml: is not a mapping/);
  fails("packages: 3\n", /has no 'packages' list/);
  fails("packages:\n  - type: http\n    name: a/b\n    url: x\n  - repo_owner: o\n    repo_name: r\n", /packages\[1\] has no 'type'/);
  fails("packages:\n  - type: github_release\n    asset: x\n", /packages\[0\] has no name/);
  fails("packages:\n  - 7\n", /packages\[0\] is not a mapping/);
  fails("packages: [\n", /is not valid YAML/);
  assert.deepEqual(parseAquaRegistry("packages:\n  - type: go_install\n    path: golang.org/x/perf/cmd/benchstat\n").map(aquaPackageName), ["golang.org/x/perf/cmd/benchstat"]);
});

test("versions compare as aqua's go-version does", () => {
  const cmp = (a: string, b: string) => compareGoVersions(parseGoVersion(a)!, parseGoVersion(b)!);
  assert.equal(cmp("1.6", "1.6.0"), 0);
  assert.equal(cmp("v1.6", "1.6.0"), 0);
  assert.equal(cmp("1.5rc2", "1.5"), -1, "a pre-release sorts before its release");
  assert.equal(cmp("1.5rc2", "1.4"), 1);
  assert.equal(cmp("1.18.0-rc.0", "1.18.0-rc.1"), -1);
  assert.equal(cmp("1.18.0-beta.2", "1.18.0-rc.1"), -1);
  assert.equal(cmp("1.10.0", "1.9.9"), 1);
  assert.equal(cmp("1.2.3.4", "1.2.3"), 1);
  assert.equal(cmp("1.0.0+build", "1.0.0"), 0);
  assert.equal(parseGoVersion("nightly"), undefined);
});
