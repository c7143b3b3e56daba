/**
 * The python recipe's pure parts: PBS asset names and URLs, picking install_only builds out of a
 * release's assets, and rewriting the `/install` build prefix in sysconfig data, Makefile,
 * pkg-config and python-config.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import python, {
  buildPathFiles, indexBuilds, pbsAssetName, pbsUrl, pythonName, pythonSemver, replaceInstallPrefix,
} from "../../recipes/python.js";
import { DevenvError } from "../../src/errors.js";
import type { GithubRelease } from "../../src/recipes/sources/github.js";
import type { InstallTree } from "../../src/recipes/types.js";
import { pbsAssets, pbsMakefile, pbsPkgConfig, pbsSysconfigData } from "../support/upstreams/pbs.js";

const S = "/home/u/.local/share/devenv/store/0abc-python-3.12.7";

test("the /install prefix is replaced where it starts a path", () => {
  const cases: [string, string][] = [
    [`'prefix': '/install',`, `'prefix': '${S}',`],
    [`'LIBDIR': '/install/lib',`, `'LIBDIR': '${S}/lib',`],
    [`{"prefix": "/install", "LIBDIR": "/install/lib"}`, `{"prefix": "${S}", "LIBDIR": "${S}/lib"}`],
    [`'PY_CORE_LDFLAGS': '-L/install/lib -L/tools/deps/lib',`, `'PY_CORE_LDFLAGS': '-L${S}/lib -L/tools/deps/lib',`],
    [`-I/install/include/python3.12`, `-I${S}/include/python3.12`],
    [`'CONFIG_ARGS': "'--prefix=/install' '--with-openssl=/tools/deps'",`, `'CONFIG_ARGS': "'--prefix=${S}' '--with-openssl=/tools/deps'",`],
    [`prefix=\t\t/install\n`, `prefix=\t\t${S}\n`],
    [`prefix=/install\nexec_prefix=\${prefix}\n`, `prefix=${S}\nexec_prefix=\${prefix}\n`],
    [`/install/lib\n  /install\n`, `${S}/lib\n  ${S}\n`],
    [`'DESTDIRS': '/install /install/lib /install/lib/python3.12',`, `'DESTDIRS': '${S} ${S}/lib ${S}/lib/python3.12',`],
    [`PATH="/install/bin:/usr/bin"`, `PATH="${S}/bin:/usr/bin"`],
  ];
  for (const [input, want] of cases) assert.equal(replaceInstallPrefix(input, S), want, input);
});

test("other occurrences of /install, and other build-machine paths, are left alone", () => {
  for (const keep of [
    `'INSTALL': '/usr/bin/install -c',`,
    `'INSTALL_DATA': '/usr/bin/install -c -m 644',`,
    `'X': '/installer/lib',`,
    `'Y': '/install_only',`,
    `'Z': 'build/install/lib',`,
    `LIBPL=\t\t$(prefix)/install`,
    `-L/tools/deps/lib -I/tools/deps/include`,
    `'AR': '/tools/clang-linux64/bin/llvm-ar',`,
    `'srcdir': '/build/Python-3.12.7',`,
    `'CC': 'clang -pthread',`,
    `x-L/installfoo`,
  ]) {
    assert.equal(replaceInstallPrefix(keep, S), keep, keep);
  }
});

test("the replacement is literal and a trailing slash of the target is dropped", () => {
  assert.equal(replaceInstallPrefix(`'prefix': '/install/lib'`, "/odd/$&/$1/"), `'prefix': '/odd/$&/$1/lib'`);
  assert.equal(replaceInstallPrefix(`'/install'`, `${S}/`), `'${S}'`);
});

test("the fake's realistic sysconfig data, Makefile and .pc lose every /install prefix and keep the rest", () => {
  const data = replaceInstallPrefix(pbsSysconfigData("3.12.7", "x86_64-unknown-linux-gnu"), S);
  assert.doesNotMatch(data, /['"=\s]\/install\b|-[LI]\/install\b/);
  assert.match(data, new RegExp(`'LIBDIR': '${S}/lib',`));
  assert.match(data, new RegExp(`'prefix': '${S}'`));
  assert.match(data, new RegExp(`'LIBPL': '${S}/lib/python3\\.12/config-3\\.12-x86_64-linux-gnu',`));
  assert.match(data, /'INSTALL': '\/usr\/bin\/install -c',/);
  assert.match(data, /'LDFLAGS': '-L\/tools\/deps\/lib -Wl,--exclude-libs,ALL',/);
  assert.match(data, /'srcdir': '\/build\/Python-3\.12\.7'}/);
  assert.match(data, /'CC': 'clang -pthread',/);

  const mk = replaceInstallPrefix(pbsMakefile("3.13.1", "aarch64-apple-darwin"), S);
  assert.match(mk, new RegExp(`^prefix=\\t\\t${S}$`, "m"));
  assert.match(mk, new RegExp(`'--prefix=${S}'`));
  assert.match(mk, /^INSTALL=\t\/usr\/bin\/install -c$/m);
  assert.doesNotMatch(mk, /[=\s']\/install\b/);

  const pc = replaceInstallPrefix(pbsPkgConfig("3.13.1"), S);
  assert.match(pc, new RegExp(`^prefix=${S}$`, "m"));
});

/** An in-memory InstallTree: files with modes, symlinks as targets. */
function memoryTree(finalDir: string, files: Record<string, string | { link: string }>) {
  const data = new Map<string, { content?: string; link?: string; mode: number }>();
  for (const [k, v] of Object.entries(files)) data.set(k, typeof v === "string" ? { content: v, mode: 0o644 } : { link: v.link, mode: 0o777 });
  const writes: string[] = [];
  const removed: string[] = [];
  const tree: InstallTree = {
    finalDir,
    makeExecutable: () => undefined,
    exists: (rel) => data.has(rel) || [...data.keys()].some((k) => k.startsWith(`${rel}/`)),
    list: (rel) => [...new Set([...data.keys()].filter((k) => k.startsWith(`${rel}/`)).map((k) => k.slice(rel.length + 1).split("/")[0]!))].sort(),
    read: (rel) => {
      const e = data.get(rel);
      if (e?.content === undefined) throw new Error(`not a file: ${rel}`);
      return e.content;
    },
    write: (rel, content, mode) => {
      if (data.get(rel)?.link !== undefined) throw new Error(`writes through a symlink: ${rel}`);
      writes.push(rel);
      data.set(rel, { content, mode: mode ?? 0o644 });
    },
    symlink: () => assert.fail("symlink"),
    move: () => assert.fail("move"),
    remove: (rel) => {
      assert.ok(data.delete(rel), `remove ${rel}: no such file`);
      removed.push(rel);
    },
  };
  return { tree, data, writes, removed };
}

const layout = (mm: string, cfg: string) => ({
  "bin/python3": { link: `python${mm}` },
  [`bin/python${mm}`]: "#!/bin/sh\necho fake\n",
  [`bin/python${mm}-config`]: `#!/bin/sh\nprefix="/install"\necho "$prefix"\n`,
  "bin/python3-config": { link: `python${mm}-config` },
  [`lib/python${mm}/_sysconfigdata__linux_x86_64-linux-gnu.py`]: `build_time_vars = {'LIBDIR': '/install/lib',\n 'prefix': '/install'}\n`,
  [`lib/python${mm}/os.py`]: "# /install is not touched here\n'/install'\n",
  [`lib/python${mm}/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-312.pyc`]: "\x00pyc '/install'",
  [`lib/python${mm}/__pycache__/os.cpython-312.pyc`]: "\x00pyc",
  [`lib/python${mm}/${cfg}/Makefile`]: "prefix=\t\t/install\n",
  [`lib/python${mm}/${cfg}/python-config.py`]: "'/install'\n",
  [`lib/pkgconfig/python-${mm}.pc`]: "prefix=/install\n",
  [`lib/pkgconfig/python-${mm}-embed.pc`]: "prefix=/install\n",
  "lib/pkgconfig/python3.pc": { link: `python-${mm}.pc` },
  [`include/python${mm}/Python.h`]: "/* /install */\n",
});

test("buildPathFiles finds the sysconfig data, Makefile, .pc files and python-config, never the symlinks", () => {
  const { tree } = memoryTree(S, layout("3.12", "config-3.12-x86_64-linux-gnu"));
  assert.deepEqual(buildPathFiles(tree), [
    { rel: "lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py", mode: 0o644 },
    { rel: "lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile", mode: 0o644 },
    { rel: "lib/pkgconfig/python-3.12-embed.pc", mode: 0o644 },
    { rel: "lib/pkgconfig/python-3.12.pc", mode: 0o644 },
    { rel: "bin/python3.12-config", mode: 0o755 },
  ]);
  const ft = memoryTree(S, {
    "lib/python3.14t/_sysconfigdata_t_darwin_darwin.py": "x",
    "lib/python3.14t/_sysconfig_vars_t_darwin_darwin.json": "{}",
    "lib/python3.14t/config-3.14t-darwin/Makefile": "x",
  }).tree;
  assert.deepEqual(buildPathFiles(ft).map((f) => f.rel), [
    "lib/python3.14t/_sysconfig_vars_t_darwin_darwin.json",
    "lib/python3.14t/_sysconfigdata_t_darwin_darwin.py",
    "lib/python3.14t/config-3.14t-darwin/Makefile",
  ]);
});

test("postInstall rewrites exactly those files, keeps python-config executable, drops their stale bytecode, and leaves the rest", async () => {
  const { tree, data, writes, removed } = memoryTree(S, layout("3.13", "config-3.13-darwin"));
  await python.postInstall!(tree, "darwin-arm64", {});
  // Stale bytecode of the old sysconfig data goes; other bytecode stays.
  assert.deepEqual(removed, ["lib/python3.13/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-312.pyc"]);
  assert.ok(data.has("lib/python3.13/__pycache__/os.cpython-312.pyc"));
  assert.deepEqual(writes.sort(), [
    "bin/python3.13-config",
    "lib/pkgconfig/python-3.13-embed.pc",
    "lib/pkgconfig/python-3.13.pc",
    "lib/python3.13/_sysconfigdata__linux_x86_64-linux-gnu.py",
    "lib/python3.13/config-3.13-darwin/Makefile",
  ]);
  assert.equal(data.get("lib/python3.13/_sysconfigdata__linux_x86_64-linux-gnu.py")!.content, `build_time_vars = {'LIBDIR': '${S}/lib',\n 'prefix': '${S}'}\n`);
  assert.equal(data.get("bin/python3.13-config")!.content, `#!/bin/sh\nprefix="${S}"\necho "$prefix"\n`);
  assert.equal(data.get("bin/python3.13-config")!.mode, 0o755);
  assert.equal(data.get("lib/python3.13/config-3.13-darwin/Makefile")!.content, `prefix=\t\t${S}\n`);
  assert.equal(data.get("lib/python3.13/os.py")!.content, "# /install is not touched here\n'/install'\n");
  assert.equal(data.get("include/python3.13/Python.h")!.content, "/* /install */\n");
});

test("postInstall refuses an install path that would break the Python and Makefile syntax", async () => {
  for (const bad of ["/home/o'brien/store/x", "/tmp/$HOME/x", "/a\\b", "/a\"b"]) {
    const { tree, writes } = memoryTree(bad, layout("3.12", "config-3.12-x86_64-linux-gnu"));
    await assert.rejects(async () => python.postInstall!(tree, "linux-x64", {}), (e: unknown) => {
      assert.ok(e instanceof DevenvError);
      assert.match(e.message, /cannot write the install path/);
      assert.match(e.hint ?? "", /DEVENV_HOME/);
      return true;
    });
    assert.deepEqual(writes, []);
  }
  // A space is fine; a tree without any of the files is left as it is.
  const spaced = memoryTree("/Users/Jane Doe/store/x", layout("3.12", "config-3.12-x86_64-linux-gnu"));
  await python.postInstall!(spaced.tree, "darwin-x64", {});
  assert.equal(spaced.writes.length, 5);
  const empty = memoryTree("/a'b", { "bin/python3": "x" });
  await python.postInstall!(empty.tree, "linux-x64", {});
  assert.deepEqual(empty.writes, []);
});

test("PBS version names, asset names and URLs ('+' as %2B)", () => {
  assert.equal(pythonSemver("3.12.7"), "3.12.7");
  assert.equal(pythonSemver("3.14.0rc1"), "3.14.0-rc1");
  assert.equal(pythonSemver("3.14.0a7"), "3.14.0-a7");
  assert.equal(pythonSemver("3.14.0b2"), "3.14.0-b2");
  assert.equal(pythonSemver("3.14.7t"), undefined);
  for (const n of ["3.12.7", "3.14.0rc1", "3.14.0a7", "3.14.0b2"]) assert.equal(pythonName(pythonSemver(n)!), n);
  assert.equal(pbsAssetName("3.14.0-rc1", "20250818", "linux-arm64"), "cpython-3.14.0rc1+20250818-aarch64-unknown-linux-gnu-install_only.tar.gz");
  const url = pbsUrl("3.12.7", "20241016", "linux-x64");
  assert.equal(url, "https://github.com/astral-sh/python-build-standalone/releases/download/20241016/cpython-3.12.7%2B20241016-x86_64-unknown-linux-gnu-install_only.tar.gz");
  assert.ok(python.acceptsUrl("3.12.7", "linux-x64", url, {}));
  assert.ok(python.acceptsUrl("3.12.7", "linux-x64", url.replaceAll("20241016", "20991231"), {}));
  for (const bad of [
    url.replace("%2B", "+"),
    url.replace("x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"),
    url.replace("install_only", "install_only_stripped"),
    url.replace("/20241016/", "/20241017/"),
    url.replaceAll("20241016", "2024101"),
    url.replace("3.12.7", "3.12.8"),
    url.replace("https://github.com", "https://example.com"),
  ]) {
    assert.equal(python.acceptsUrl("3.12.7", "linux-x64", bad, {}), false, bad);
  }
  assert.ok(python.acceptsUrl("3.14.0-rc1", "darwin-arm64",
    "https://github.com/astral-sh/python-build-standalone/releases/download/20250818/cpython-3.14.0rc1%2B20250818-aarch64-apple-darwin-install_only.tar.gz", {}));
});

test("indexBuilds keeps only default install_only builds of the four platforms, newest release first", async () => {
  const release = (tag: string, names: string[]): GithubRelease => ({
    tag_name: tag, draft: false, prerelease: false, published_at: `${tag}T00:00:00Z`,
    assets: names.map((name) => ({ name, size: 1, browser_download_url: `https://github.com/x/${name}`, digest: null })),
  });
  const names = (tag: string, pythons: string[]) => pbsAssets({ tag, pythons }).map((a) => a.name);
  const builds = indexBuilds([
    release("20241016", names("20241016", ["3.12.7", "3.13.0"])),
    release("20250818", names("20250818", ["3.14.0rc1"])),
    release("latest-release", ["cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"]),
    // An asset whose tag is not its release's is ignored.
    release("20241017", ["cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"]),
  ]);
  assert.deepEqual([...new Set(builds.map((b) => `${b.tag} ${b.version}`))], ["20250818 3.14.0-rc1", "20241016 3.12.7", "20241016 3.13.0"]);
  assert.equal(builds.length, 12);
  assert.ok(builds.every((b) => /^cpython-[^+]+\+\d{8}-(x86_64|aarch64)-(unknown-linux-gnu|apple-darwin)-install_only\.tar\.gz$/.test(b.asset.name)));
  assert.deepEqual(builds.filter((b) => b.version === "3.13.0").map((b) => b.platform).sort(), ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64"]);
});
