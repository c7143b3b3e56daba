/**
 * What issue 4's recipes need from the store, against the real HTTP fake: artifacts verified by
 * an SRI sha512 (npm's dist.integrity) instead of a sha256, `npm:` URLs resolved against the
 * user's registry, extra parts unpacked beside the main archive, and the recipe's postInstall.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { silentReporter } from "../../src/reporter.js";
import { createHttp } from "../../src/platform/http.js";
import { parseMirrors } from "../../src/platform/mirrors.js";
import type { InstallTree } from "../../src/recipes/types.js";
import { artifactKeyDigest, ensureInstalled, type InstallSpec } from "../../src/store/install.js";
import { gzip, sha256hex, tarEntries, type Entry } from "../support/archives.js";
import { assertNothingInstalled, entryDirs, rejectsWith, liftComponent, useKit } from "./store-kit.js";

const kit = useKit();

const sri = (b: Buffer) => `sha512-${createHash("sha512").update(b).digest("base64")}`;
const tgz = (entries: Entry[]) => gzip(tarEntries(entries));
const script = (text: string) => `#!/bin/sh\necho ${text}\n`;

const spec = (over: Partial<InstallSpec> & Pick<InstallSpec, "artifact">): InstallSpec => ({
  name: "tool", version: "1.0.0", platform: "linux-x64", source: "test", recipeRevision: 1, bin: ["bin"], ...over,
});

test("integrity: an SRI sha512 is checked instead of a sha256 and recorded in the receipt, with the sha256 of the same bytes", async () => {
  const body = tgz([{ path: "package/bin/tool", mode: 0o755, content: script("npm-tool") }]);
  const { url, path } = kit.serve(body, "tgz");
  const { store } = kit.newStore();
  const t = await ensureInstalled(store, kit.http, spec({ artifact: { url, integrity: sri(body), format: "tar.gz", strip: 1 } }), silentReporter);
  assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), script("npm-tool"));
  assert.equal(t.receipt.integrity, sri(body));
  assert.equal(t.receipt.sha256, sha256hex(body), "computed on the download's one pass");
  assert.deepEqual(t.digests, [{ url, integrity: sri(body), sha256: sha256hex(body) }]);
  assert.equal(kit.fake.log.filter((r) => r.url === path).length, 1, "downloaded once");
});

test("integrity: a tampered download fails naming both digests and installs nothing", async () => {
  const body = tgz([{ path: "package/bin/tool", mode: 0o755, content: script("x") }]);
  const { url, path } = kit.serve(body, "tgz");
  kit.fake.tamper(path);
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, spec({ artifact: { url, integrity: sri(body), format: "tar.gz", strip: 1 } }), silentReporter), "CHECKSUM_MISMATCH");
  assert.match(err.message, new RegExp(`expected integrity ${sri(body).replace(/[+/]/g, "\\$&")}, got sha512-`));
  assertNothingInstalled(base, store);
});

test("integrity and sha256: both are checked; a sha256 the bytes do not have is refused, naming it and what to do", async () => {
  const body = tgz([{ path: "package/bin/tool", mode: 0o755, content: script("both") }]);
  const { url } = kit.serve(body, "tgz");
  const { base, store } = kit.newStore();
  const wrong = sha256hex(Buffer.from("not the tarball"));
  const err = await rejectsWith(ensureInstalled(store, kit.http, spec({ artifact: { url, integrity: sri(body), sha256: wrong, format: "tar.gz", strip: 1 } }), silentReporter), "CHECKSUM_MISMATCH");
  assert.match(err.message, new RegExp(`devenv\\.lock's sha256 for ${url.replace(/[.]/g, "\\.")} does not match the bytes whose sha512 integrity it also records`));
  assert.match(err.message, new RegExp(`the sha256 \\(${wrong}\\) was edited or recorded wrongly; the bytes' sha256 is ${sha256hex(body)}`));
  assert.match(err.hint ?? "", /Remove that sha256 line from devenv\.lock \(devenv install records it again.*\) or restore devenv\.lock/);
  assertNothingInstalled(base, store);
  // The right pair installs, into the entry the integrity alone names.
  const right = spec({ artifact: { url, integrity: sri(body), sha256: sha256hex(body), format: "tar.gz", strip: 1 } });
  const t = await ensureInstalled(store, kit.http, right, silentReporter);
  assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), script("both"));
  assert.deepEqual(t.digests, [{ url, integrity: sri(body), sha256: sha256hex(body) }]);
});

test("a sha256 recorded beside an integrity keeps the store key (nothing installed again); for parts too", () => {
  const sha = "a".repeat(64);
  const integ = `sha512-${"B".repeat(86)}==`;
  const part = { name: "p", url: "https://e.example/p.tgz", integrity: integ, format: "tar.gz" as const, strip: 1 };
  const a = { url: "https://e.example/t.tgz", integrity: integ, format: "tar.gz" as const, strip: 1 };
  assert.equal(artifactKeyDigest({ ...a, sha256: sha }), artifactKeyDigest(a));
  assert.equal(artifactKeyDigest({ ...a, parts: [{ ...part, sha256: sha }] }), artifactKeyDigest({ ...a, parts: [part] }));
  assert.notEqual(artifactKeyDigest({ url: a.url, sha256: sha, format: "tar.gz", strip: 1 }), artifactKeyDigest(a), "a sha256-anchored file is keyed by its sha256");
});

test("npm: URLs are fetched from the registry the resolver names (here a path on the fake), with its token", async () => {
  const body = tgz([{ path: "package/bin/tool", mode: 0o755, content: script("from-registry") }]);
  kit.fake.addFile("/registry/@scope/tool/-/tool-1.0.0.tgz", body);
  const asked: string[] = [];
  const http = createHttp({
    mirrors: parseMirrors(kit.fake.mirrors),
    offline: false,
    backoffMs: 5,
    npmRegistry: (pkg) => {
      asked.push(pkg);
      return { url: `${kit.fake.origin}/registry/`, token: "tok123" };
    },
  });
  const { store } = kit.newStore();
  const t = await ensureInstalled(store, http, spec({ artifact: { url: "npm:@scope/tool/-/tool-1.0.0.tgz", integrity: sri(body), format: "tar.gz", strip: 1 } }), silentReporter);
  assert.equal(readFileSync(join(t.dir, "bin/tool"), "utf8"), script("from-registry"));
  assert.deepEqual(asked, ["@scope/tool/-/tool-1.0.0.tgz"]);
  const req = kit.fake.log.find((r) => r.url === "/registry/@scope/tool/-/tool-1.0.0.tgz");
  assert.equal(req?.headers.authorization, "Bearer tok123");
  assert.equal(t.receipt.url, "npm:@scope/tool/-/tool-1.0.0.tgz");
});

const rustLike = () => {
  const main = tgz([
    { path: "rustc-1.0.0-x/components", content: "rustc\n" },
    { path: "rustc-1.0.0-x/rustc/bin/rustc", mode: 0o755, content: script("rustc 1.0.0") },
  ]);
  const std = tgz([
    { path: "rust-std-1.0.0-riscv/components", content: "rust-std-riscv\n" },
    { path: "rust-std-1.0.0-riscv/rust-std-riscv/lib/rustlib/riscv/lib/libcore.rlib", content: "rlib\n" },
  ]);
  return { main, std };
};

/** Moves every `<component>/…` of the root and of each part dir to the root, as the rust recipe does. */
const assemble = (tree: InstallTree) => {
  const pkgs = ["", ...tree.list("_parts").map((n) => `_parts/${n}`)];
  for (const pkg of pkgs) {
    const at = (rel: string) => (pkg ? `${pkg}/${rel}` : rel);
    for (const comp of tree.read(at("components")).trim().split("\n")) liftComponent(tree, at, comp);
    if (pkg) tree.remove(pkg);
    else tree.remove("components");
  }
  tree.remove("_parts");
  tree.write("finaldir.txt", tree.finalDir);
  tree.symlink("bin/rustc-alias", "rustc");
};

test("parts: each is downloaded, checked and unpacked into its dir; postInstall assembles one entry; the receipt lists the result", async () => {
  const { main, std } = rustLike();
  const m = kit.serve(main, "tar.gz");
  const s = kit.serve(std, "tar.gz");
  const { store } = kit.newStore();
  const artifact = {
    url: m.url, sha256: sha256hex(main), format: "tar.gz" as const, strip: 1,
    parts: [{ name: "rust-std-riscv", url: s.url, sha256: sha256hex(std), format: "tar.gz" as const, strip: 1, dir: "_parts/rust-std-riscv" }],
  };
  const t = await ensureInstalled(store, kit.http, spec({ name: "rust", artifact, postInstall: assemble }), silentReporter);
  assert.equal(readFileSync(join(t.dir, "bin/rustc"), "utf8"), script("rustc 1.0.0"));
  assert.equal(readFileSync(join(t.dir, "lib/rustlib/riscv/lib/libcore.rlib"), "utf8"), "rlib\n");
  assert.equal(existsSync(join(t.dir, "_parts")), false);
  assert.equal(existsSync(join(t.dir, "rustc")), false);
  assert.equal(readFileSync(join(t.dir, "finaldir.txt"), "utf8"), t.dir, "postInstall saw the final store path");
  assert.equal(readlinkSync(join(t.dir, "bin/rustc-alias")), "rustc");
  const paths = t.receipt.files.map((f) => f.path);
  assert.ok(paths.includes("bin/rustc") && paths.includes("lib/rustlib/riscv/lib/libcore.rlib") && paths.includes("bin/rustc-alias"), paths.join(" "));
  assert.ok(!paths.some((p) => p.startsWith("_parts") || p === "components"), paths.join(" "));
  assert.deepEqual(t.receipt.parts, [{ name: "rust-std-riscv", url: s.url, digest: sha256hex(std), sha256: sha256hex(std) }]);
  assert.deepEqual(t.digests, [], "sha256-anchored files: nothing for devenv.lock to record");
  assert.equal(t.receipt.files.find((f) => f.path === "bin/rustc")?.mode, 0o755);
});

test("parts: a part checked by its integrity reports its sha256 too; a wrong sha256 beside it is refused", async () => {
  const { main, std } = rustLike();
  const m = kit.serve(main, "tar.gz");
  const s = kit.serve(std, "tar.gz");
  const part = { name: "rust-std-riscv", url: s.url, integrity: sri(std), format: "tar.gz" as const, strip: 1, dir: "_parts/rust-std-riscv" };
  const artifact = { url: m.url, sha256: sha256hex(main), format: "tar.gz" as const, strip: 1, parts: [part] };
  const { base, store } = kit.newStore();
  const bad = { ...artifact, parts: [{ ...part, sha256: sha256hex(main) }] };
  const err = await rejectsWith(ensureInstalled(store, kit.http, spec({ name: "rust", artifact: bad, postInstall: assemble }), silentReporter), "CHECKSUM_MISMATCH");
  assert.match(err.message, /devenv\.lock's sha256 for .* does not match the bytes whose sha512 integrity it also records/);
  assertNothingInstalled(base, store);
  const t = await ensureInstalled(store, kit.http, spec({ name: "rust", artifact, postInstall: assemble }), silentReporter);
  assert.deepEqual(t.digests, [{ url: s.url, integrity: sri(std), sha256: sha256hex(std) }]);
  assert.deepEqual(t.receipt.parts, [{ name: "rust-std-riscv", url: s.url, digest: sri(std), sha256: sha256hex(std) }]);
});

test("parts: the store key covers every part, so another target set is another entry", async () => {
  const base = { url: "https://x/a.tgz", sha256: "a".repeat(64), format: "tar.gz" as const, strip: 1 };
  const part = (name: string, d: string) => ({ name, url: `https://x/${name}.tgz`, sha256: d.repeat(64), format: "tar.gz" as const, strip: 1 });
  assert.equal(artifactKeyDigest(base), "a".repeat(64), "a single-file artifact keeps its sha256 as the key (existing entries stay valid)");
  const one = artifactKeyDigest({ ...base, parts: [part("std-a", "b")] });
  const two = artifactKeyDigest({ ...base, parts: [part("std-a", "b"), part("std-b", "c")] });
  assert.notEqual(one, base.sha256);
  assert.notEqual(one, two);
  assert.equal(one, artifactKeyDigest({ ...base, parts: [part("std-a", "b")] }));
});

test("parts: a part whose checksum does not match fails the whole install and leaves nothing", async () => {
  const { main, std } = rustLike();
  const m = kit.serve(main, "tar.gz");
  const s = kit.serve(std, "tar.gz");
  const { base, store } = kit.newStore();
  const artifact = {
    url: m.url, sha256: sha256hex(main), format: "tar.gz" as const, strip: 1,
    parts: [{ name: "std", url: s.url, sha256: "0".repeat(64), format: "tar.gz" as const, strip: 1, dir: "_parts/std" }],
  };
  await rejectsWith(ensureInstalled(store, kit.http, spec({ artifact, postInstall: assemble }), silentReporter), "CHECKSUM_MISMATCH");
  assertNothingInstalled(base, store);
});

test("postInstall may not leave the root: escapes, absolute symlinks and writes through symlinks are refused", async () => {
  const body = tgz([
    { path: "t/bin/tool", mode: 0o755, content: script("t") },
    { path: "t/link", type: "symlink", linkname: "bin" },
  ]);
  const { url } = kit.serve(body, "tar.gz");
  const attempts: Array<[string, (t: InstallTree) => void]> = [
    ["write ../", (t) => t.write("../escape", "x")],
    ["absolute symlink", (t) => t.symlink("bin/x", "/etc/passwd")],
    ["symlink out", (t) => t.symlink("bin/x", "../../outside")],
    ["through symlink", (t) => t.write("link/evil", "x")],
    ["move out", (t) => t.move("bin/tool", "../tool")],
  ];
  for (const [what, hook] of attempts) {
    const { base, store } = kit.newStore();
    await rejectsWith(ensureInstalled(store, kit.http, spec({ artifact: { url, sha256: sha256hex(body), format: "tar.gz", strip: 1 }, postInstall: hook }), silentReporter), "UNSAFE_ARCHIVE")
      .catch((e) => assert.fail(`${what}: ${(e as Error).message}`));
    assertNothingInstalled(base, store);
  }
});

test("postInstall: an unexpected failure is an ARCHIVE error naming the tool, and nothing is installed", async () => {
  const body = tgz([{ path: "t/bin/tool", mode: 0o755, content: script("t") }]);
  const { url } = kit.serve(body, "tar.gz");
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, spec({
    artifact: { url, sha256: sha256hex(body), format: "tar.gz", strip: 1 },
    postInstall: (t) => void t.read("no/such/file"),
  }), silentReporter), "ARCHIVE");
  assert.match(err.message, /tool 1\.0\.0: the archive has no file 'no\/such\/file'/);
  assertNothingInstalled(base, store);
  assert.deepEqual(entryDirs(store), []);
  assert.equal(lstatSync(base).isDirectory(), true);
});
