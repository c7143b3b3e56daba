/**
 * The rust recipe without the store: assembling unpacked rust-installer tarballs (the fake's real
 * layout) through a temp-dir InstallTree, and artifact()/acceptsUrl() against the fake manifest.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import rust, { assembleRustTree, rustAcceptsUrl, rustArtifact, rustCheckLocked, rustOptions } from "../../recipes/rust.js";
import type { Entry } from "../support/archives.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { RUST_STD_TARGETS, rustDistFile, rustPackageEntries } from "../support/upstreams/rust.js";
import type { InstallTree } from "../../src/recipes/types.js";
import { DirInstallTree } from "../../src/store/install-tree.js";
import { DevenvError } from "../../src/errors.js";

/** InstallTree over a real directory, refusing paths that leave it (like the store's). */
function dirTree(root: string): InstallTree {
  const abs = (rel: string) => {
    const p = resolve(root, rel);
    if (p !== root && !p.startsWith(`${root}/`)) throw new Error(`outside the tree: ${rel}`);
    return p;
  };
  const exists = (rel: string) => {
    try {
      lstatSync(abs(rel));
      return true;
    } catch {
      return false;
    }
  };
  return {
    finalDir: "/store/xyz-rust-1.82.0",
    makeExecutable: () => undefined,
    exists,
    list: (rel) => {
      try {
        return readdirSync(abs(rel)).sort();
      } catch {
        return [];
      }
    },
    read: (rel) => readFileSync(abs(rel), "utf8"),
    write: (rel, content, mode) => {
      mkdirSync(dirname(abs(rel)), { recursive: true });
      writeFileSync(abs(rel), content, { mode: mode ?? 0o644 });
    },
    symlink: (rel, target) => symlinkSync(target, abs(rel)),
    move: (from, to) => {
      mkdirSync(dirname(abs(to)), { recursive: true });
      renameSync(abs(from), abs(to));
    },
    remove: (rel) => rmSync(abs(rel), { recursive: true, force: true }),
  };
}

/** Write tar entries below `dir`, dropping `strip` leading components (as the store unpacks). */
function unpack(root: string, dir: string, entries: Entry[], strip = 1): void {
  for (const e of entries) {
    const rel = e.path.split("/").slice(strip).join("/");
    if (!rel) continue;
    const p = join(root, dir, rel);
    if (e.type === "dir") mkdirSync(p, { recursive: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, e.content ?? "", { mode: e.mode ?? 0o644 });
    }
  }
}

const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), "rust-assemble-")));
/** Every file below root, relative, sorted. */
function files(root: string, at = ""): string[] {
  return readdirSync(join(root, at), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(root, join(at, d.name)) : [join(at, d.name)]).sort();
}

const HOST = "x86_64-unknown-linux-gnu";
const V = { version: "1.82.0", date: "2024-10-17", commit: "f6e511eec7342f59a25f7c0534f1dbea00d01b14", commitDate: "2024-10-15" };

const TREES: [string, (root: string) => InstallTree][] = [
  ["a temp-dir tree", dirTree],
  ["the store's DirInstallTree", (root) => new DirInstallTree(root, "/store/xyz-rust-1.82.0", "rust 1.82.0")],
];

for (const [kind, makeTree] of TREES) test(`assembles rustc + cargo + rust-std (host, riscv64gc, riscv32imac) + clippy + rust-src into one toolchain tree (${kind})`, () => {
  const root = tmp();
  unpack(root, "", rustPackageEntries("rustc", V, HOST));
  const parts: [string, Parameters<typeof rustPackageEntries>[0], string][] = [
    ["cargo", "cargo", HOST],
    [`rust-std-${HOST}`, "rust-std", HOST],
    ["rust-std-riscv64gc-unknown-linux-gnu", "rust-std", "riscv64gc-unknown-linux-gnu"],
    ["rust-std-riscv32imac-unknown-none-elf", "rust-std", "riscv32imac-unknown-none-elf"],
    ["clippy", "clippy-preview", HOST],
    ["rust-src", "rust-src", "*"],
  ];
  for (const [name, pkg, triple] of parts) unpack(root, `_parts/${name}`, rustPackageEntries(pkg, V, triple));
  // What the store hands over: the rustc tarball at the root, each part in _parts/<name>.
  assert.deepEqual(readdirSync(root).sort(), ["_parts", "components", "git-commit-hash", "install.sh", "rust-installer-version", "rustc", "version"]);

  const installed = assembleRustTree(makeTree(root));
  assert.deepEqual(installed, [
    "rustc", "cargo", "clippy-preview", "rust-src",
    "rust-std-riscv32imac-unknown-none-elf", "rust-std-riscv64gc-unknown-linux-gnu", `rust-std-${HOST}`,
  ]);
  assert.deepEqual(readdirSync(root).sort(), ["bin", "etc", "lib", "share"]);
  assert.deepEqual(readdirSync(join(root, "bin")).sort(), ["cargo", "cargo-clippy", "clippy-driver", "rustc", "rustdoc"]);
  for (const b of readdirSync(join(root, "bin"))) assert.equal(statSync(join(root, "bin", b)).mode & 0o111, 0o111, `${b} is executable`);
  assert.deepEqual(readdirSync(join(root, "lib/rustlib")).sort(),
    ["components", "riscv32imac-unknown-none-elf", "riscv64gc-unknown-linux-gnu", "src", HOST]);
  // The host dir holds rustc's rust-lld and rust-std's libraries side by side.
  assert.deepEqual(readdirSync(join(root, `lib/rustlib/${HOST}`)).sort(), ["bin", "lib"]);
  assert.ok(existsSync(join(root, `lib/rustlib/${HOST}/bin/rust-lld`)));
  const libs = (t: string) => readdirSync(join(root, `lib/rustlib/${t}/lib`)).map((n) => n.replace(/-[0-9a-f]{16}\.rlib$/, "")).sort();
  assert.deepEqual(libs("riscv64gc-unknown-linux-gnu"), ["liballoc", "libcompiler_builtins", "libcore", "libproc_macro", "libstd"]);
  assert.deepEqual(libs("riscv32imac-unknown-none-elf"), ["liballoc", "libcompiler_builtins", "libcore"]);
  assert.deepEqual(libs(HOST), ["liballoc", "libcompiler_builtins", "libcore", "libproc_macro", "libstd"]);
  assert.ok(existsSync(join(root, "lib/rustlib/src/rust/library/core/src/lib.rs")), "rust-src's bulk dir: entry");
  assert.equal(readFileSync(join(root, "lib/rustlib/components"), "utf8"), `${installed.join("\n")}\n`);
  assert.ok(files(root).every((f) => !/manifest\.in$|install\.sh$|rust-installer-version$/.test(f)), files(root).join("\n"));

  assert.equal(execFileSync(join(root, "bin/rustc"), ["--version"], { encoding: "utf8" }), "rustc 1.82.0 (f6e511eec 2024-10-15)\n");
  assert.equal(execFileSync(join(root, "bin/rustc"), ["--print", "sysroot"], { encoding: "utf8" }), `${root}\n`);
  assert.equal(execFileSync(join(root, "bin/cargo"), ["--version"], { encoding: "utf8" }), "cargo 1.82.0 (8f40fc59f 2024-08-21)\n");
  rmSync(root, { recursive: true, force: true });
});

/** A minimal rust-installer package at `dir` (relative to root) with one component. */
function pkg(root: string, dir: string, component: string, manifest: string, payload: Record<string, string>, installerVersion = "3"): void {
  const at = (rel: string) => join(root, dir, rel);
  const put = (rel: string, content: string) => {
    mkdirSync(dirname(at(rel)), { recursive: true });
    writeFileSync(at(rel), content);
  };
  put("components", `${component}\n`);
  put("rust-installer-version", `${installerVersion}\n`);
  put("install.sh", "#!/bin/sh\n");
  put("version", "1.82.0 (f6e511eec 2024-10-15)\n");
  put("git-commit-hash", `${V.commit}\n`);
  put(`${component}/manifest.in`, manifest);
  for (const [rel, content] of Object.entries(payload)) put(`${component}/${rel}`, content);
}

const archiveError = (re: RegExp) => (e: unknown) => e instanceof DevenvError && e.code === "ARCHIVE" && re.test(e.message);

test("dir: entries merge into a directory an earlier package made; a later file replaces an earlier one", () => {
  const root = tmp();
  pkg(root, "", "rustc", "file:bin/rustc\ndir:share/doc/rust\n", { "bin/rustc": "a", "share/doc/rust/README.md": "rustc", "share/doc/rust/x/1": "1" });
  pkg(root, "_parts/docs", "rust-docs", "dir:share/doc/rust\n", { "share/doc/rust/html/index.html": "docs", "share/doc/rust/x/2": "2", "share/doc/rust/README.md": "docs" });
  pkg(root, "_parts/again", "rustc-again", "file:bin/rustc\n", { "bin/rustc": "b" });
  assembleRustTree(dirTree(root));
  assert.deepEqual(files(root), [
    "bin/rustc", "lib/rustlib/components", "share/doc/rust/README.md", "share/doc/rust/html/index.html", "share/doc/rust/x/1", "share/doc/rust/x/2",
  ]);
  assert.equal(readFileSync(join(root, "bin/rustc"), "utf8"), "b");
  assert.equal(readFileSync(join(root, "share/doc/rust/README.md"), "utf8"), "docs");
  rmSync(root, { recursive: true, force: true });
});

test("a rust-installer-version other than 3, an unsafe or missing manifest.in path, or no components file is an ARCHIVE error", () => {
  const cases: [string, (root: string) => void, RegExp][] = [
    ["version 2", (r) => pkg(r, "", "rustc", "file:bin/rustc\n", { "bin/rustc": "x" }, "2"), /rust-installer-version is '2', only 3/],
    ["version in a part", (r) => {
      pkg(r, "", "rustc", "file:bin/rustc\n", { "bin/rustc": "x" });
      pkg(r, "_parts/cargo", "cargo", "file:bin/cargo\n", { "bin/cargo": "x" }, "4");
    }, /_parts\/cargo: rust-installer-version is '4'/],
    ["..", (r) => pkg(r, "", "rustc", "file:../../etc/passwd\n", { "bin/rustc": "x" }), /unsafe path '\.\.\/\.\.\/etc\/passwd'/],
    ["absolute", (r) => pkg(r, "", "rustc", "dir:/usr\n", { "bin/rustc": "x" }), /unsafe path '\/usr'/],
    ["missing", (r) => pkg(r, "", "rustc", "file:bin/rustc\nfile:bin/rustdoc\n", { "bin/rustc": "x" }), /lists file bin\/rustdoc, which the tarball lacks/],
    ["odd line", (r) => pkg(r, "", "rustc", "link:bin/rustc\n", { "bin/rustc": "x" }), /unexpected line 'link:bin\/rustc'/],
    ["no components", (r) => {
      pkg(r, "", "rustc", "file:bin/rustc\n", { "bin/rustc": "x" });
      rmSync(join(r, "components"));
    }, /no components file/],
    ["bad component", (r) => {
      pkg(r, "", "rustc", "file:bin/rustc\n", { "bin/rustc": "x" });
      writeFileSync(join(r, "components"), "../rustc\n");
    }, /bad component name '\.\.\/rustc'/],
  ];
  for (const [what, make, re] of cases) {
    const root = tmp();
    make(root);
    assert.throws(() => assembleRustTree(dirTree(root)), archiveError(re), what);
    rmSync(root, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- artifact() against the fake manifest

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ rust: ["1.82.0", "1.81.0"] });
});
after(() => fake.close());

/** An Http stand-in reading through the fake's mirror map (no sockets needed). */
const http = {
  async text(url: string): Promise<string> {
    for (const real of Object.keys(fake.mirrorMap)) {
      if (url.startsWith(`${real}/`)) {
        const body = await fake.get(`/${new URL(real).host}${url.slice(real.length)}`);
        if (!body) throw new DevenvError("HTTP", `404 ${url}`);
        return body.toString("utf8");
      }
    }
    throw new Error(`unmapped ${url}`);
  },
};
const dist = (file: string) => `https://static.rust-lang.org/dist/2024-10-17/${file}`;
const fakeSha = (file: string) => fake.sha256(`/static.rust-lang.org/dist/2024-10-17/${file}`);

test("artifact: rustc from the manifest (xz), parts for cargo, the host std and each target, sorted; glibc 2.17 on linux", async () => {
  const a = await rustArtifact(http, "1.82.0", "linux-x64", { targets: ["riscv64gc-unknown-linux-gnu", "riscv32imac-unknown-none-elf"] });
  const rustc = rustDistFile("rustc", "1.82.0", HOST);
  assert.deepEqual({ ...a, parts: undefined }, {
    url: dist(rustc), sha256: await fakeSha(rustc), checksum: "checksum-file", format: "tar.xz", strip: 1, requires: { glibc: "2.17" }, parts: undefined,
  });
  const expect = async (name: string, pkgName: string, triple: string) => {
    const f = rustDistFile(pkgName, "1.82.0", triple);
    return { name, url: dist(f), sha256: await fakeSha(f), checksum: "checksum-file", format: "tar.xz", strip: 1, dir: `_parts/${name}` };
  };
  assert.deepEqual(a.parts, [
    await expect("cargo", "cargo", HOST),
    await expect(`rust-std-${HOST}`, "rust-std", HOST),
    await expect("rust-std-riscv32imac-unknown-none-elf", "rust-std", "riscv32imac-unknown-none-elf"),
    await expect("rust-std-riscv64gc-unknown-linux-gnu", "rust-std", "riscv64gc-unknown-linux-gnu"),
  ]);
  for (const u of [a.url, ...a.parts!.map((p) => p.url)]) assert.ok(rustAcceptsUrl("1.82.0", "linux-x64", u), u);

  // Order and duplicates (the host again) do not change the artifact.
  const b = await rustArtifact(http, "1.82.0", "linux-x64", {
    targets: ["riscv32imac-unknown-none-elf", HOST, "riscv64gc-unknown-linux-gnu", "riscv32imac-unknown-none-elf"],
  });
  assert.deepEqual(b, a);

  const mac = await rustArtifact(http, "1.82.0", "darwin-arm64", {});
  assert.equal(mac.url, dist(rustDistFile("rustc", "1.82.0", "aarch64-apple-darwin")));
  assert.equal(mac.requires, undefined);
  assert.deepEqual(mac.parts!.map((p) => p.name), ["cargo", "rust-std-aarch64-apple-darwin"]);
});

test("artifact: components via [renames] (clippy → clippy-preview), rust-src from target \"*\"", async () => {
  const a = await rustArtifact(http, "1.82.0", "linux-arm64", { components: ["rust-src", "clippy"] });
  assert.deepEqual(a.parts!.map((p) => [p.name, p.url]), [
    ["cargo", dist("cargo-1.82.0-aarch64-unknown-linux-gnu.tar.xz")],
    ["rust-std-aarch64-unknown-linux-gnu", dist("rust-std-1.82.0-aarch64-unknown-linux-gnu.tar.xz")],
    ["clippy", dist("clippy-1.82.0-aarch64-unknown-linux-gnu.tar.xz")],
    ["rust-src", dist("rust-src-1.82.0.tar.xz")],
  ]);
  for (const p of a.parts!) assert.ok(rustAcceptsUrl("1.82.0", "linux-arm64", p.url), p.url);
});

test("lock check: the parts rustArtifact makes pass; another name, order, dir, strip or count is named by its field", async () => {
  const options = { targets: ["riscv64gc-unknown-linux-gnu", "riscv32imac-unknown-none-elf"], components: ["clippy"] };
  const a = await rustArtifact(http, "1.82.0", "linux-x64", options);
  assert.equal(rustCheckLocked("linux-x64", a, options), undefined);
  assert.equal(rustCheckLocked("linux-x64", a, { ...options, targets: [...options.targets].reverse() }), undefined, "order in devenv.ts does not matter");
  const parts = a.parts!;
  const swapped = [parts[0]!, parts[2]!, parts[1]!, ...parts.slice(3)];
  assert.deepEqual(rustCheckLocked("linux-x64", { ...a, parts: swapped }, options)?.field, "parts.1.name");
  const moved = parts.map((p, i) => (i === 2 ? { ...p, dir: "bin" } : p));
  assert.deepEqual(rustCheckLocked("linux-x64", { ...a, parts: moved }, options)?.field, "parts.2.dir");
  const stripped = parts.map((p, i) => (i === 0 ? { ...p, strip: 0 } : p));
  assert.deepEqual(rustCheckLocked("linux-x64", { ...a, parts: stripped }, options)?.field, "parts.0.strip");
  assert.match(rustCheckLocked("linux-x64", { ...a, parts: parts.slice(1) }, options)?.problem ?? "", /^4 parts, but rust with these targets and components has 5 \(cargo, rust-std-x86_64-unknown-linux-gnu, /);
  assert.equal(rustCheckLocked("linux-x64", { ...a, strip: 0 }, options)?.field, "strip");
});

test("artifact: an unknown or unavailable target names the targets the manifest has", async () => {
  for (const [target, extra] of [["riscv64-unknown-linux-gnu", ""], ["mips-unknown-linux-gnu", " (the channel manifest marks it unavailable)"]] as const) {
    await assert.rejects(rustArtifact(http, "1.82.0", "linux-x64", { targets: [target] }), (e: unknown) => {
      assert.ok(e instanceof DevenvError);
      assert.equal(e.code, "UNSUPPORTED_TARGET");
      assert.equal(e.message, `tools.rust.targets: rust 1.82.0 has no standard library for '${target}'${extra}`);
      // Near names first (a few edits away, or the same architecture family), then every target.
      const near = target.startsWith("riscv64") ? "Near names in its channel manifest: riscv64gc-unknown-linux-gnu, aarch64-unknown-linux-gnu, riscv32imac-unknown-none-elf. " : "";
      assert.equal(e.hint, `${near}Targets with a rust-std in 1.82.0: ${[...RUST_STD_TARGETS].sort().join(", ")}.`);
      return true;
    });
  }
  await assert.rejects(rustArtifact(http, "1.82.0", "linux-x64", { components: ["miri"] }), /unknown component 'miri'/);
  await assert.rejects(rustArtifact(http, "1.82.0", "linux-x64", { targets: "riscv64gc-unknown-linux-gnu" }), /tools\.rust\.targets: expected an array of strings/);
  await assert.rejects(rustArtifact(http, "1.82.0", "windows-x64" as never, {}), (e: unknown) => e instanceof DevenvError && e.code === "UNSUPPORTED_PLATFORM");
});

test("acceptsUrl: dated or undated static.rust-lang.org tarballs of this version for this host; rust-std for any target", () => {
  const ok = (url: string, platform: Parameters<typeof rustAcceptsUrl>[1] = "linux-x64", v = "1.82.0") => rustAcceptsUrl(v, platform, url);
  assert.ok(ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz"));
  assert.ok(ok("https://static.rust-lang.org/dist/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.gz"));
  assert.ok(ok("https://static.rust-lang.org/dist/2024-10-17/cargo-1.82.0-x86_64-unknown-linux-gnu.tar.xz"));
  assert.ok(ok("https://static.rust-lang.org/dist/2024-10-17/rust-std-1.82.0-thumbv7em-none-eabihf.tar.xz"));
  assert.ok(ok("https://static.rust-lang.org/dist/2024-10-17/rust-src-1.82.0.tar.xz"));
  assert.ok(ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-aarch64-apple-darwin.tar.xz", "darwin-arm64"));
  assert.ok(!ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-aarch64-apple-darwin.tar.xz"), "another host");
  assert.ok(!ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.81.0-x86_64-unknown-linux-gnu.tar.xz"), "another version");
  assert.ok(!ok("https://static.rust-lang.org/dist/2024-10-17/rust-1.82.0-x86_64-unknown-linux-gnu.tar.xz"), "the combined installer");
  assert.ok(!ok("http://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz"), "http");
  assert.ok(!ok("https://static.rust-lang.org.evil.example/dist/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz"));
  assert.ok(!ok("https://static.rust-lang.org/dist/../rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz"));
  assert.ok(!ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-x86_64-unknown-linux-gnu.zip"));
  assert.ok(!ok("https://static.rust-lang.org/dist/2024-10-17/rustc-1.82.0-x86_64-unknown-linux-gnu.tar.xz", "windows-x64" as never));
});

test("options are checked and sorted; the recipe declares them and puts cargo's home in the state dir", () => {
  assert.deepEqual(rustOptions({ targets: ["b-c-d", "a-b-c", "b-c-d"], components: ["rustfmt", "clippy"] }),
    { targets: ["a-b-c", "b-c-d"], components: ["clippy", "rustfmt"] });
  assert.throws(() => rustOptions({ targets: ["Riscv64 GC"] }), /"Riscv64 GC" is not a target name/);
  assert.deepEqual(rust.options, ["targets", "components"]);
  assert.deepEqual(rust.bin("linux-x64", {}), ["bin"]);
  assert.deepEqual(rust.env!("linux-x64", {}), [
    { kind: "set", name: "CARGO_HOME", value: "cargo-home", state: true },
    { kind: "prepend", name: "PATH", path: "cargo-home/bin", state: true },
  ]);
});

test("artifact: a long target list is shortened, with the same architecture family first", async () => {
  const targets = [...Array.from({ length: 48 }, (_, i) => `arch${String(i).padStart(2, "0")}-unknown-none`), "riscv32imac-unknown-none-elf", "riscv64gc-unknown-linux-gnu"];
  const t = (f: string) => `available = true\nxz_url = "https://static.rust-lang.org/dist/2024-10-17/${f}"\nxz_hash = "${"a".repeat(64)}"\n`;
  const toml = [
    'manifest-version = "2"\ndate = "2024-10-17"',
    `[pkg.rustc.target.${HOST}]\n${t(`rustc-1.82.0-${HOST}.tar.xz`)}`,
    `[pkg.cargo.target.${HOST}]\n${t(`cargo-1.82.0-${HOST}.tar.xz`)}`,
    ...[HOST, ...targets].map((x) => `[pkg.rust-std.target.${x}]\n${t(`rust-std-1.82.0-${x}.tar.xz`)}`),
  ].join("\n");
  const stub = { text: async () => toml };
  await assert.rejects(rustArtifact(stub, "1.82.0", "linux-x64", { targets: ["riscv64-unknown-linux-gnu"] }), (e: unknown) => {
    assert.ok(e instanceof DevenvError);
    assert.match(e.hint!, /^Near names in its channel manifest: riscv64gc-unknown-linux-gnu, riscv32imac-unknown-none-elf\. Targets with a rust-std in 1\.82\.0: arch00-unknown-none, .* … \(11 more\)\.$/);
    return true;
  });
});
