/** What devenv import makes of the files' entries: names, versions as written, rust's parts, conflicts (src/config/import/translate.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planImport, type ImportEntry, type ParsedFile } from "../../src/config/import/index.js";
import { mapVersion } from "../../src/config/import/versions.js";
import { mapToolName } from "../../src/config/import/names.js";

const entry = (tool: string, version: string, more: Partial<ImportEntry> = {}): ImportEntry => ({ file: ".tool-versions", line: 1, tool, version, ...more });
const file = (...entries: ImportEntry[]): ParsedFile => ({ entries, notMapped: [] });
const specs = (files: ParsedFile[], existing = new Map<string, string>()) => planImport(files, existing).tools.map((t) => [t.name, t.spec]);

test("versions stay as written: exact pins stay exact, partials and ranges stay ranges; v prefixes go", () => {
  const range = (tool: string, v: string) => {
    const m = mapVersion(tool, v);
    return "range" in m ? m.range : `not mapped: ${m.why}`;
  };
  assert.equal(range("node", "20.11.0"), "20.11.0");
  assert.equal(range("node", "v20.11.0"), "20.11.0");
  assert.equal(range("node", "20"), "20");
  assert.equal(range("python", "3.12"), "3.12");
  assert.equal(range("zig", "^0.13"), "^0.13");
  assert.equal(range("go", "prefix:1.22"), "1.22");
  assert.equal(range("go", "latest"), "latest");
});

test("the words that float map to devenv's own where it has them, and are refused with the reason where not", () => {
  const m = (tool: string, v: string) => mapVersion(tool, v);
  assert.deepEqual(m("node", "lts/*"), { range: "lts" });
  assert.deepEqual(m("node", "lts/iron"), { range: "20", note: "lts/iron: Node.js 20" });
  assert.deepEqual(m("node", "lts/Jod"), { range: "22", note: "lts/Jod: Node.js 22" });
  assert.deepEqual(m("node", "node"), { range: "latest" });
  assert.deepEqual(m("node", "stable"), { range: "latest" });
  assert.deepEqual(m("rust", "stable"), { range: "latest" });
  for (const [tool, v, why] of [
    ["node", "lts/-1", /counted back/],
    ["node", "lts/unknownname", /LTS name devenv does not know/],
    ["node", "system", /machine's own installation/],
    ["node", "iojs-v3.3.1", /io\.js/],
    ["rust", "nightly-2024-01-01", /stable releases only/],
    ["rust", "beta", /stable releases only/],
    ["rust", "1.82.0-x86_64-unknown-linux-gnu", /one host triple/],
    ["ruby", "ref:v3_3_0", /source ref/],
    ["go", "path:/usr/local/go", /local directory/],
    ["python", "pypy3.10-7.3.15", /not a version or range/],
    ["python", "3.13t", /not a version or range/],
    ["zig", "lts", /only node has LTS/],
    ["node", '20"]; require("child_process")', /not a version or range/],
  ] as const) {
    const r = m(tool, v);
    assert.ok("why" in r && why.test(r.why), `${tool} ${v}: ${JSON.stringify(r)}`);
  }
});

test("plugin names and mise backends map to devenv's names; what needs another package manager is refused", () => {
  assert.deepEqual(mapToolName("nodejs"), { name: "node" });
  assert.deepEqual(mapToolName("golang"), { name: "go" });
  assert.deepEqual(mapToolName("core:python"), { name: "python" });
  assert.deepEqual(mapToolName("github-cli"), { name: "gh" });
  assert.deepEqual(mapToolName("Terraform"), { name: "terraform" });
  assert.deepEqual(mapToolName("aqua:BurntSushi/ripgrep"), { name: "ripgrep", options: { aqua: "BurntSushi/ripgrep" } });
  assert.deepEqual(mapToolName("ubi:cli/cli"), { name: "cli", options: { github: "cli/cli" } });
  assert.match((mapToolName("npm:prettier") as { why: string }).why, /^npm packages: devenv installs release binaries/);
  assert.match((mapToolName("cargo:ripgrep") as { why: string }).why, /cargo crates/);
  assert.match((mapToolName("$(touch /tmp/pwned)") as { why: string }).why, /is not a tool name/);
  assert.match((mapToolName("node`id`") as { why: string }).why, /is not a tool name/);
});

test("rust: targets and components devenv has are kept, the rest reported; profile default means clippy and rustfmt", () => {
  const plan = planImport([file(entry("rust", "1.82.0", { settings: { components: ["rustfmt-preview", "miri"], targets: ["wasm32-unknown-unknown", "not a target"], profile: "default" } }))], new Map());
  assert.deepEqual(plan.tools.map((t) => [t.name, t.spec]), [["rust", { version: "1.82.0", targets: ["wasm32-unknown-unknown"], components: ["clippy", "rustfmt"] }]]);
  assert.deepEqual(plan.notMapped.map((n) => n.what), ["rust component miri", "rust target not a target", "rust profile default: rust-docs"]);
});

test("several files that agree give one tool with both origins; files that disagree are a conflict, not settled", () => {
  const agree = planImport([file(entry("nodejs", "20")), file(entry("node", "v20", { file: ".nvmrc" }))], new Map());
  assert.deepEqual(agree.tools.map((t) => [t.name, t.spec, t.from.map((f) => f.file)]), [["node", "20", [".tool-versions", ".nvmrc"]]]);
  const disagree = planImport([file(entry("nodejs", "22"), entry("python", "3.12")), file(entry("node", "20", { file: ".nvmrc" }))], new Map());
  assert.deepEqual(disagree.tools.map((t) => t.name), ["python"]);
  assert.deepEqual(disagree.conflicts.map((c) => [c.name, c.wants.map((w) => [w.spec, w.from[0]!.file])]), [["node", [["22", ".tool-versions"], ["20", ".nvmrc"]]]]);
});

test("a tool devenv.ts already has is reported and kept; further versions are reported; other settings are reported", () => {
  const plan = planImport([file(entry("zig", "0.12.0"), entry("python", "3.12", { others: ["3.11"] }), entry("terraform", "1.7.0", { settings: { os: ["linux"] } }))], new Map([["zig", '"0.13"']]));
  assert.deepEqual(plan.tools.map((t) => [t.name, t.spec]), [["python", "3.12"], ["terraform", "1.7.0"]]);
  assert.deepEqual(plan.already.map((a) => [a.name, a.existing, a.spec]), [["zig", '"0.13"', "0.12.0"]]);
  assert.deepEqual(plan.notMapped.map((n) => n.what), ["python 3.11", "terraform os"]);
  assert.deepEqual(specs([file(entry("aqua:BurntSushi/ripgrep", "14"))]), [["ripgrep", { version: "14", aqua: "BurntSushi/ripgrep" }]]);
});
