/**
 * devenv import against the fake upstream: a repo's .tool-versions and .nvmrc become devenv.ts,
 * locked and installed, and the node they name runs; files that disagree, hostile files and a
 * devenv.ts that already has the tool are reported, and nothing unsafe is written.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertOk, type Sandbox } from "../helpers/cli.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0", "20.11.1", "22.11.0"], zig: ["0.13.0", "0.14.1"], rust: ["1.82.0", "1.81.0"] });
const fresh = projectSandboxes(() => fake.mirrors);
const read = (sb: Sandbox, f: string) => readFileSync(join(sb.project, f), "utf8");
const put = (sb: Sandbox, files: Record<string, string | Buffer>) => {
  for (const [f, body] of Object.entries(files)) writeFileSync(join(sb.project, f), body);
};

test("a repo with .tool-versions and .nvmrc: import writes devenv.ts, locks, installs, and node runs at the version they name", async () => {
  const sb = await fresh();
  const originals = {
    ".tool-versions": "# asdf\r\nnodejs 20.11.1 18.0.0\r\nzig 0.13.0\r\nrust nightly-2024-01-01\r\n",
    ".nvmrc": "\ufeffv20.11.1\n",
  };
  put(sb, originals);
  const r = await sb.run(["import"]);
  assertOk(r);
  assert.equal(read(sb, "devenv.ts"), `import { defineConfig } from "devenv";\n\nexport default defineConfig({\n  tools: {\n    node: "20.11.1",\n    zig: "0.13.0",\n  },\n});\n`);
  assert.match(r.stdout, /^node: "20\.11\.1" {2}from \.tool-versions:2 \(nodejs 20\.11\.1\), \.nvmrc:1 \(node v20\.11\.1\)$/m);
  assert.match(r.stdout, /^ {2}\.tool-versions:2: nodejs 18\.0\.0: further versions: devenv puts one node on PATH/m);
  assert.match(r.stdout, /^ {2}\.tool-versions:4: rust nightly-2024-01-01: devenv's rust installs stable releases only/m);
  for (const [f, body] of Object.entries(originals)) assert.equal(read(sb, f), body, `${f} is left as it was`);
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.node.version, "20.11.1");
  const node = await sb.run(["exec", "node", "-v"]);
  assertOk(node);
  assert.equal(node.stdout, "v20.11.1\n");
});

test("files that disagree (.nvmrc 20, .tool-versions 22) are reported and nothing is written; naming one file imports it", async () => {
  const sb = await fresh();
  put(sb, { ".tool-versions": "nodejs 22\n", ".nvmrc": "20\n" });
  const r = await sb.run(["import", "--no-install"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the files disagree; nothing was imported:\n {2}node: "22" from \.tool-versions:1 \(nodejs 22\)\n {2}node: "20" from \.nvmrc:1 \(node 20\)/);
  assert.match(r.stderr, /hint: Import the file that is right \(devenv import \.tool-versions or \.nvmrc\)/);
  assert.equal(existsSync(join(sb.project, "devenv.ts")), false);
  assert.equal(existsSync(join(sb.project, "devenv.lock")), false);
  const one = await sb.run(["import", ".nvmrc", "--no-install"]);
  assertOk(one);
  assert.match(read(sb, "devenv.ts"), /node: "20",/);
  assert.equal(JSON.parse(read(sb, "devenv.lock")).tools.node.version, "20.18.0");
});

test("hostile files: injection in names and versions is not written; binary junk, a huge file and a FIFO are clear errors", async () => {
  const sb = await fresh();
  put(sb, { ".tool-versions": 'zig 0.13.0\nnode";require("child_process").execSync("touch pwned");// 20\n$(touch${IFS}pwned) 1\nnode 20"});process.exit(1);({"\n' });
  const r = await sb.run(["import", "--no-install"]);
  assertOk(r);
  const ts = read(sb, "devenv.ts");
  assert.match(ts, /zig: "0\.13\.0",/);
  assert.doesNotMatch(ts, /child_process|pwned|process\.exit|node/);
  assert.match(r.stdout, /\.tool-versions:2: .*is not a tool name/);
  assert.match(r.stdout, /\.tool-versions:3: .*is not a tool name/);
  assert.match(r.stdout, /\.tool-versions:4: node 20"}\);process\.exit\(1\);\(\{": not a version or range devenv understands/);
  assert.equal(existsSync(join(sb.project, "pwned")), false);

  const only = await fresh();
  put(only, { ".tool-versions": "evil;rm${IFS}-rf 1\n" });
  const none = await only.run(["import"]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /nothing imported: no tool in these files could be mapped/);
  assert.equal(existsSync(join(only.project, "devenv.ts")), false);

  const junk = await fresh(`export default { tools: { zig: "0.13" } };\n`);
  put(junk, { ".node-version": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0xff, 0xfe]), ".nvmrc": "20\n".repeat(40_000), ".python-version": Buffer.from([0x33, 0x2e, 0xc3, 0x28]) });
  execFileSync("mkfifo", [join(junk.project, "mise.toml")]);
  const cases: Array<[string, RegExp]> = [
    [".node-version", /devenv: \.node-version: binary data \(a NUL byte at offset 5\): not a version file/],
    [".nvmrc", /devenv: cannot import \.nvmrc: larger than 65536 bytes/],
    [".python-version", /devenv: \.python-version: not UTF-8 text/],
    ["mise.toml", /devenv: cannot import mise\.toml: not a regular file/],
    ["package.json", /devenv: package\.json: not a file devenv import knows/],
  ];
  for (const [f, message] of cases) {
    const bad = await junk.run(["import", f], { timeoutMs: 20_000 });
    assert.notEqual(bad.code, 0, f);
    assert.match(bad.stderr, message);
    assert.equal(read(junk, "devenv.ts"), `export default { tools: { zig: "0.13" } };\n`, `${f}: devenv.ts untouched`);
    assert.equal(existsSync(join(junk.project, "devenv.lock")), false);
  }
});

test("a tool devenv.ts already has is kept and reported; --dry-run prints the devenv.ts it would write and writes nothing", async () => {
  const src = `import { defineConfig } from "devenv";\n\nexport default defineConfig({\n  // ours\n  tools: {\n    zig: "0.14", // newer than asdf's\n  },\n});\n`;
  const sb = await fresh(src);
  put(sb, {
    "mise.toml": `[env]\nNODE_ENV = "dev"\n\n[tools]\nnode = ["lts/iron", "18"]\nzig = "0.13"\n"npm:prettier" = "3"\n`,
    "rust-toolchain.toml": `[toolchain]\nchannel = "1.82.0"\ntargets = ["wasm32-unknown-unknown"]\ncomponents = ["clippy", "rust-docs"]\n`,
  });
  const dry = await sb.run(["import", "--dry-run"]);
  assertOk(dry);
  const expected = src.replace(`    zig: "0.14", // newer than asdf's\n`, `    zig: "0.14", // newer than asdf's\n    node: "20",\n    rust: { version: "1.82.0", targets: ["wasm32-unknown-unknown"], components: ["clippy"] },\n`);
  assert.equal(dry.stdout, expected);
  assert.match(dry.stderr, /^zig: already in devenv\.ts as "0\.14", kept \(mise\.toml:6 \(zig 0\.13\) asks for "0\.13"/m);
  assert.match(dry.stderr, /^node: "20" {2}from mise\.toml:5 \(node lts\/iron\) {2}\[lts\/iron: Node\.js 20\]$/m);
  assert.match(dry.stderr, /mise\.toml: \[env\]: devenv\.ts takes variables as env/);
  assert.match(dry.stderr, /mise\.toml:7: npm:prettier 3: npm packages: devenv installs release binaries/);
  assert.match(dry.stderr, /rust-toolchain\.toml:2: rust component rust-docs: devenv's rust has the components/);
  assert.equal(read(sb, "devenv.ts"), src, "--dry-run writes nothing");
  assert.equal(existsSync(join(sb.project, "devenv.lock")), false);
  const real = await sb.run(["import", "--no-install"]);
  assertOk(real);
  assert.equal(read(sb, "devenv.ts"), expected);
  const lock = JSON.parse(read(sb, "devenv.lock"));
  assert.deepEqual([lock.tools.node.version, lock.tools.rust.version, lock.tools.zig.version], ["20.18.0", "1.82.0", "0.14.1"]);
  assert.deepEqual(sb.storeEntries(), []);
});

test("devenv init names devenv import when version files are here, and says nothing of it otherwise", async () => {
  const sb = await fresh();
  const plain = await sb.run(["init"]);
  assertOk(plain);
  assert.doesNotMatch(plain.stdout, /import/);
  const other = await fresh();
  put(other, { ".nvmrc": "20\n", ".tool-versions": "zig 0.13.0\n" });
  const r = await other.run(["init"]);
  assertOk(r);
  assert.match(r.stdout, /^found \.tool-versions, \.nvmrc: 'devenv import' adds their tools to devenv\.ts/m);
});
