/**
 * Entry lists reproducing the REAL upstream archive layouts, with tiny `#!/bin/sh` scripts at the
 * real binary paths (they print the version the way the real tool does). Each script embeds the
 * platform in a comment, so archives for different platforms have different checksums.
 */
import type { Entry } from "./archives.js";

export type NodeOs = "linux" | "darwin";
export type NodeArch = "x64" | "arm64";
export type ZigOs = "linux" | "macos";
export type ZigArch = "x86_64" | "aarch64";
export type CmakePlatform = "linux-x86_64" | "linux-aarch64" | "macos-universal" | "macos10.10-universal";

const sh = (lines: string[]): string => `#!/bin/sh\n${lines.join("\n")}\n`;
const dir = (path: string): Entry => ({ path, type: "dir", mode: 0o755 });
const exe = (path: string, content: string): Entry => ({ path, type: "file", mode: 0o755, content });
const file = (path: string, content: string): Entry => ({ path, type: "file", mode: 0o644, content });
const stripV = (v: string): string => v.replace(/^v/, "");

// ---------------------------------------------------------------- node

export const nodeDirName = (version: string, os: NodeOs = "linux", arch: NodeArch = "x64"): string =>
  `node-v${stripV(version)}-${os}-${arch}`;

export interface NodeTreeOptions { version: string; os?: NodeOs; arch?: NodeArch; npmVersion?: string }

/** `node-v{V}-{os}-{arch}/` with bin/node (prints v{V}), bin/npm & bin/npx symlinks into lib/node_modules/npm. */
export function nodeTree(o: NodeTreeOptions): Entry[] {
  const v = stripV(o.version);
  const top = nodeDirName(v, o.os, o.arch);
  const npm = o.npmVersion ?? "10.9.0";
  return [
    dir(top),
    dir(`${top}/bin`),
    exe(`${top}/bin/node`, sh([`# fake node v${v} (${o.os ?? "linux"}-${o.arch ?? "x64"}) for devenv tests`, `echo "v${v}"`])),
    { path: `${top}/bin/npm`, type: "symlink", linkname: "../lib/node_modules/npm/bin/npm-cli.js" },
    { path: `${top}/bin/npx`, type: "symlink", linkname: "../lib/node_modules/npm/bin/npx-cli.js" },
    { path: `${top}/bin/corepack`, type: "symlink", linkname: "../lib/node_modules/corepack/dist/corepack.js" },
    dir(`${top}/include`),
    dir(`${top}/include/node`),
    file(`${top}/include/node/node.h`, `/* fake node.h for v${v} */\n#define NODE_VERSION "v${v}"\n`),
    dir(`${top}/lib`),
    dir(`${top}/lib/node_modules`),
    dir(`${top}/lib/node_modules/npm`),
    file(`${top}/lib/node_modules/npm/package.json`, `${JSON.stringify({ name: "npm", version: npm })}\n`),
    dir(`${top}/lib/node_modules/npm/bin`),
    exe(`${top}/lib/node_modules/npm/bin/npm-cli.js`, `#!/usr/bin/env node\nconsole.log(${JSON.stringify(npm)});\n`),
    exe(`${top}/lib/node_modules/npm/bin/npx-cli.js`, `#!/usr/bin/env node\nconsole.log(${JSON.stringify(npm)});\n`),
    dir(`${top}/lib/node_modules/corepack`),
    dir(`${top}/lib/node_modules/corepack/dist`),
    exe(`${top}/lib/node_modules/corepack/dist/corepack.js`, `#!/usr/bin/env node\nconsole.log("0.29.4");\n`),
    dir(`${top}/share`),
    dir(`${top}/share/doc`),
    dir(`${top}/share/doc/node`),
    file(`${top}/share/doc/node/README.md`, `# Node.js v${v} (fake)\n`),
    dir(`${top}/share/man`),
    dir(`${top}/share/man/man1`),
    file(`${top}/share/man/man1/node.1`, `.TH NODE 1\n`),
    file(`${top}/CHANGELOG.md`, `# Changelog\n`),
    file(`${top}/LICENSE`, `MIT (fake)\n`),
    file(`${top}/README.md`, `# Node.js\n`),
  ];
}

// ---------------------------------------------------------------- zig

function coreAtLeast(version: string, min: [number, number, number]): boolean {
  const core = version.split(/[-+]/)[0]!.split(".").map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < 3; i++) {
    const a = core[i] ?? 0;
    const b = min[i]!;
    if (a !== b) return a > b;
  }
  return true;
}

/** zig-{os}-{arch}-{V} before 0.14.1, zig-{arch}-{os}-{V} from 0.14.1 on (incl. later dev builds). */
export const zigDirName = (version: string, os: ZigOs = "linux", arch: ZigArch = "x86_64"): string =>
  coreAtLeast(version, [0, 14, 1]) ? `zig-${arch}-${os}-${version}` : `zig-${os}-${arch}-${version}`;

export interface ZigTreeOptions { version: string; os?: ZigOs; arch?: ZigArch }

/** `zig-…-{V}/zig` at the top (no bin/), `zig version` prints {V}; plus lib/std/std.zig. */
export function zigTree(o: ZigTreeOptions): Entry[] {
  const v = o.version;
  const top = zigDirName(v, o.os, o.arch);
  return [
    dir(top),
    exe(`${top}/zig`, sh([
      `# fake zig ${v} (${o.arch ?? "x86_64"}-${o.os ?? "linux"}) for devenv tests`,
      `if [ "$1" = "version" ]; then echo "${v}"; exit 0; fi`,
      `echo "fake zig ${v}: $*" >&2`,
    ])),
    file(`${top}/LICENSE`, `MIT (fake)\n`),
    file(`${top}/README.md`, `# Zig ${v}\n`),
    dir(`${top}/doc`),
    file(`${top}/doc/langref.html`, `<!doctype html><title>Zig ${v}</title>\n`),
    dir(`${top}/lib`),
    dir(`${top}/lib/std`),
    file(`${top}/lib/std/std.zig`, `// fake std for zig ${v}\npub const fake = true;\n`),
  ];
}

// ---------------------------------------------------------------- cmake

export const cmakeDirName = (version: string, platform: CmakePlatform = "linux-x86_64"): string =>
  `cmake-${version}-${platform}`;

/** "3.31.5" → "3.31", "4.0.0-rc1" → "4.0" (the share/cmake-X.Y directory). */
export const cmakeMajorMinor = (version: string): string => version.split(/[-+]/)[0]!.split(".").slice(0, 2).join(".");

export interface CmakeTreeOptions { version: string; platform?: CmakePlatform }

/**
 * Linux: `cmake-{V}-linux-{arch}/bin/cmake`; macOS: `cmake-{V}-macos-universal/CMake.app/Contents/bin/cmake`.
 * `cmake --version` prints `cmake version {V}` like the real one.
 */
export function cmakeTree(o: CmakeTreeOptions): Entry[] {
  const v = o.version;
  const platform = o.platform ?? "linux-x86_64";
  const top = cmakeDirName(v, platform);
  const mm = cmakeMajorMinor(v);
  const mac = platform.startsWith("macos");
  const root = mac ? `${top}/CMake.app/Contents` : top;
  const tool = (name: string) =>
    exe(`${root}/bin/${name}`, sh([
      `# fake ${name} ${v} (${platform}) for devenv tests`,
      `echo "${name} version ${v}"`,
      `echo`,
      `echo "CMake suite maintained and supported by Kitware (kitware.com/cmake)."`,
    ]));
  const entries: Entry[] = [dir(top)];
  if (mac) {
    entries.push(dir(`${top}/CMake.app`), dir(root), file(`${root}/Info.plist`, `<?xml version="1.0"?>\n<plist><dict/></plist>\n`),
      dir(`${root}/MacOS`), exe(`${root}/MacOS/CMake`, sh([`echo "CMake.app ${v}"`])));
  }
  entries.push(
    dir(`${root}/bin`), tool("cmake"), tool("ctest"), tool("cpack"),
    dir(`${root}/share`), dir(`${root}/share/cmake-${mm}`), dir(`${root}/share/cmake-${mm}/Modules`),
    file(`${root}/share/cmake-${mm}/Modules/x.cmake`, `# fake module for CMake ${v}\n`),
    dir(`${root}/doc`), dir(`${root}/doc/cmake-${mm}`),
    file(`${root}/doc/cmake-${mm}/Copyright.txt`, `CMake - Cross Platform Makefile Generator (fake)\n`),
  );
  if (!mac) entries.push(dir(`${root}/man`), dir(`${root}/man/man1`), file(`${root}/man/man1/cmake.1`, `.TH CMAKE 1\n`));
  return entries;
}

// ---------------------------------------------------------------- go

export type GoOs = "linux" | "darwin";
export type GoArch = "amd64" | "arm64";

export interface GoTreeOptions { version: string; os?: GoOs; arch?: GoArch }

/** `go/bin/{go,gofmt}`, `go/pkg/`, `go/src/`; `go version` prints `go version go{V} {os}/{arch}` like the real one. */
export function goTree(o: GoTreeOptions): Entry[] {
  const v = o.version.replace(/^go/, "");
  const os = o.os ?? "linux";
  const arch = o.arch ?? "amd64";
  return [
    dir("go"),
    dir("go/bin"),
    exe("go/bin/go", sh([
      `# fake go ${v} (${os}-${arch}) for devenv tests`,
      `if [ "$1" = "version" ]; then echo "go version go${v} ${os}/${arch}"; exit 0; fi`,
      `if [ "$1" = "env" ]; then echo "GOROOT=$GOROOT"; echo "GOTOOLCHAIN=$GOTOOLCHAIN"; exit 0; fi`,
      `echo "fake go ${v}: $*" >&2`,
      `exit 2`,
    ])),
    exe("go/bin/gofmt", sh([`# fake gofmt ${v} (${os}-${arch})`, `cat`])),
    file("go/VERSION", `go${v}\ntime 2024-12-03T17:41:04Z\n`),
    file("go/LICENSE", `BSD-3-Clause (fake)\n`),
    dir("go/pkg"),
    dir("go/pkg/tool"),
    dir(`go/pkg/tool/${os}_${arch}`),
    exe(`go/pkg/tool/${os}_${arch}/compile`, sh([`echo "compile version go${v}"`])),
    dir("go/src"),
    dir("go/src/fmt"),
    file("go/src/fmt/print.go", `// fake fmt for go ${v}\npackage fmt\n`),
  ];
}

// ---------------------------------------------------------------- dispatcher

export type FakeToolTreeOptions =
  | ({ tool: "node" } & NodeTreeOptions)
  | ({ tool: "zig" } & ZigTreeOptions)
  | ({ tool: "cmake" } & CmakeTreeOptions)
  | ({ tool: "go" } & GoTreeOptions);

export function fakeToolTree(opts: FakeToolTreeOptions): Entry[] {
  switch (opts.tool) {
    case "node": return nodeTree(opts);
    case "zig": return zigTree(opts);
    case "cmake": return cmakeTree(opts);
    case "go": return goTree(opts);
  }
}
