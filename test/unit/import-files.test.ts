/** The version files of asdf, mise, nvm, pyenv and rustup as devenv import reads them (src/config/import). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { importKind, parseImportFile, type ImportKind } from "../../src/config/import/index.js";
import { DevenvError } from "../../src/errors.js";

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (kind: ImportKind, text: string | Uint8Array, file = "f") => parseImportFile(kind, typeof text === "string" ? enc(text) : text, file);
const pairs = (kind: ImportKind, text: string) => parse(kind, text).entries.map((e) => [e.tool, e.version, e.line, e.others]);

test(".tool-versions: comments, blank lines, tabs, several versions per line (the first is used), CRLF and a BOM", () => {
  const text = "\ufeff# tools of this repo\r\nnodejs   20.11.0  18.19.0 # fallback for old scripts\r\n\r\npython\t3.12.1\r\n   golang 1.22.0\r\nrust stable\r\nzig";
  assert.deepEqual(pairs("tool-versions", text), [
    ["nodejs", "20.11.0", 2, ["18.19.0"]],
    ["python", "3.12.1", 4, undefined],
    ["golang", "1.22.0", 5, undefined],
    ["rust", "stable", 6, undefined],
  ]);
  const r = parse("tool-versions", text, ".tool-versions");
  assert.deepEqual(r.notMapped, [{ file: ".tool-versions", line: 7, what: "zig", why: "no version after the tool name" }]);
});

test(".nvmrc and .node-version: a v prefix, lts/* and comments are kept as written; a second line is reported", () => {
  assert.deepEqual(pairs("nvmrc", "v20.11.1\n"), [["node", "v20.11.1", 1, undefined]]);
  assert.deepEqual(pairs("nvmrc", "# node for the web app\nlts/iron   \n"), [["node", "lts/iron", 2, undefined]]);
  assert.deepEqual(pairs("node-version", "22\r\n"), [["node", "22", 1, undefined]]);
  const two = parse("nvmrc", "20\n18\n", ".nvmrc");
  assert.deepEqual(two.entries.map((e) => e.version), ["20"]);
  assert.deepEqual(two.notMapped, [{ file: ".nvmrc", line: 2, what: "18", why: "only the first line of .nvmrc names the version" }]);
  assert.deepEqual(parse("nvmrc", "\n# nothing\n").notMapped.map((n) => n.why), ["the file names no version"]);
});

test(".python-version: pyenv's several lines are the first version and fallbacks", () => {
  assert.deepEqual(pairs("python-version", "3.12.4\n3.11\n# end\n"), [["python", "3.12.4", 1, ["3.11"]]]);
});

test("rust-toolchain.toml: channel, components, targets, profile; the legacy file as one line or as TOML", () => {
  const toml = `\ufeff# pinned for CI\n[toolchain]\nchannel = "1.82.0"\ncomponents = [ "rustfmt", "clippy" ]\ntargets = [ "wasm32-unknown-unknown", "thumbv7em-none-eabihf" ]\nprofile = "minimal"\n`;
  const r = parse("rust-toolchain-toml", toml);
  assert.deepEqual(r.entries, [{ file: "f", line: 3, tool: "rust", version: "1.82.0", settings: { components: ["rustfmt", "clippy"], targets: ["wasm32-unknown-unknown", "thumbv7em-none-eabihf"], profile: "minimal" } }]);
  assert.deepEqual(pairs("rust-toolchain", "nightly-2024-01-01\n"), [["rust", "nightly-2024-01-01", 1, undefined]]);
  assert.equal(parse("rust-toolchain", toml).entries[0]!.version, "1.82.0");
  assert.deepEqual(parse("rust-toolchain-toml", `[toolchain]\npath = "/opt/rust"\n`).notMapped.map((n) => n.why), ["a local toolchain (path): devenv installs its own verified copy, so there is nothing to map"]);
});

test("mise.toml: strings, arrays (the first wins), tables with version and options, backends; other sections are reported", () => {
  const toml = [
    `\ufeffmin_version = "2024.1.0"`,
    `[env]`,
    `NODE_ENV = "development"`,
    `[tools]`,
    `node = "20"`,
    `python = ["3.12", "3.11"]`,
    `rust = { version = "1.82", components = "rustfmt,clippy", targets = "wasm32-unknown-unknown" }`,
    `"aqua:BurntSushi/ripgrep" = "14"`,
    `terraform = [{ version = "1.7.0", os = ["linux"] }]`,
    `bad = 3`,
  ].join("\n");
  const r = parse("mise", toml, "mise.toml");
  assert.deepEqual(r.entries.map((e) => [e.tool, e.version, e.line, e.others, e.settings]), [
    ["node", "20", 5, undefined, undefined],
    ["python", "3.12", 6, ["3.11"], undefined],
    ["rust", "1.82", 7, undefined, { components: "rustfmt,clippy", targets: "wasm32-unknown-unknown" }],
    ["aqua:BurntSushi/ripgrep", "14", 8, undefined, undefined],
    ["terraform", "1.7.0", 9, undefined, { os: ["linux"] }],
  ]);
  assert.deepEqual(r.notMapped.map((n) => [n.what, n.line]), [["min_version", undefined], ["[env]", undefined], ["bad = 3", 10]]);
  assert.match(r.notMapped[1]!.why, /devenv\.ts takes variables as env/);
});

test("hostile bytes: binary junk, invalid UTF-8, a huge file and broken TOML are errors naming the file", () => {
  const fails = (kind: ImportKind, bytes: Uint8Array | string, pattern: RegExp) =>
    assert.throws(() => parse(kind, bytes, ".tool-versions"), (e: unknown) => e instanceof DevenvError && pattern.test(e.message));
  fails("tool-versions", new Uint8Array([0x6e, 0x6f, 0x64, 0x65, 0x00, 0xff, 0x01]), /^\.tool-versions: binary data \(a NUL byte at offset 4\)/);
  fails("tool-versions", new Uint8Array([0x6e, 0x20, 0xc3, 0x28]), /^\.tool-versions: not UTF-8 text/);
  fails("tool-versions", "nodejs 20\n".repeat(10_000), /^\.tool-versions: larger than 65536 bytes/);
  fails("mise", "[tools]\nnode = \n", /^\.tool-versions:2:\d+: not valid TOML/);
});

test("file names: the known ones, mise's local variants, nothing else", () => {
  assert.equal(importKind(".tool-versions"), "tool-versions");
  assert.equal(importKind("rust-toolchain"), "rust-toolchain");
  assert.equal(importKind("mise.local.toml"), "mise");
  assert.equal(importKind(".mise.toml"), "mise");
  assert.equal(importKind("package.json"), undefined);
});
