/**
 * `devenv store verify [--repair]` as a user runs it: real installs from the fake upstream, files
 * of the store changed by hand, modified entries found, reinstalled for the projects that use them
 * (or removed when none does), and the tool working again.
 */
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { readReceipt } from "../../src/store/receipt.js";
import { sha256hex } from "../support/archives.js";
import { assertOk, sandbox, type Sandbox } from "../helpers/cli.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0"], zig: ["0.13.0"] });

const entryOf = (sb: Sandbox, tool: string) => {
  const e = sb.storeEntries().find((n) => n.slice(33).startsWith(`${tool}-`));
  assert.ok(e, `a ${tool} entry in ${sb.storeEntries().join(", ")}`);
  return e;
};
const NODE_TARBALL = /\/v20\.18\.0\/node-v20\.18\.0-[a-z]+-[a-z0-9]+\.tar\.(gz|xz)$/;

test("verify: receipts hold each file's sha256; changed, chmod'ed, deleted and added files are named; --repair reinstalls for the project and removes what no project uses", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  const other = join(sb.project, "..", "zig-project");
  await sb.writeConfig(`export default { tools: { zig: "0.13" } };\n`, other);
  assertOk(await sb.run(["install"], { cwd: other }));
  const node = entryOf(sb, "node");
  const zig = entryOf(sb, "zig");
  const nodeDir = join(sb.home, "store", node);
  const zigDir = join(sb.home, "store", zig);

  // The receipt records, for every regular file, the sha256 of the file as installed.
  const receipt = readReceipt(nodeDir)!;
  const files = receipt.files.filter((f) => f.type === "file");
  assert.ok(files.some((f) => f.path === "bin/node"));
  for (const f of files) assert.equal(f.sha256, sha256hex(readFileSync(join(nodeDir, f.path))), f.path);

  let r = await sb.run(["store", "verify"]);
  assertOk(r);
  assert.equal(r.stdout, "checked 2 entries: all match their receipts\n");

  appendFileSync(join(nodeDir, "bin/node"), 'echo "patched by hand"\n');
  chmodSync(join(nodeDir, "include/node/node.h"), 0o600);
  rmSync(join(nodeDir, "lib/node_modules/npm/package.json"));
  writeFileSync(join(nodeDir, "bin/extra"), "x");
  assert.match((await sb.run(["exec", "--", "node", "--version"])).stdout, /patched by hand/);

  r = await sb.run(["store", "verify"]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stdout,
    `node 20.18.0  ${node}: 2 changed (bin/node size, include/node/node.h mode), 1 missing (lib/node_modules/npm/package.json), 1 added (bin/extra)\n` +
      "checked 2 entries: 1 modified\n",
  );
  assert.equal(r.stderr, "devenv: 1 modified store entry\n  hint: run 'devenv store verify --repair' to reinstall it.\n");

  const json = await sb.run(["store", "verify", "--json"]);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { entries: Array<{ entry: string; ok: boolean; check: { changed: unknown[]; missing: string[]; added: string[]; unhashed: number } }> };
  const bad = report.entries.find((e) => e.entry === node)!;
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.check, {
    changed: [{ path: "bin/node", what: "size" }, { path: "include/node/node.h", what: "mode" }],
    missing: ["lib/node_modules/npm/package.json"],
    added: ["bin/extra"],
    unhashed: 0,
  });
  assert.equal(report.entries.find((e) => e.entry === zig)?.ok, true);

  // Selecting: only zig is checked, and it is fine.
  r = await sb.run(["store", "verify", "zig"]);
  assertOk(r);
  assert.equal(r.stdout, "checked 1 entry: all match their receipts\n");
  r = await sb.run(["store", "verify", "node@20.18.0", zig]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /checked 2 entries: 1 modified/);
  assert.match(r.stderr, /run 'devenv store verify --repair node@20\.18\.0 [0-9a-z]{32}-zig-0\.13\.0'/);

  // The zig project is deleted (so no devenv.lock uses zig any more), and zig's entry is changed too.
  rmSync(other, { recursive: true, force: true });
  writeFileSync(join(zigDir, "lib/std/std.zig"), readFileSync(join(zigDir, "lib/std/std.zig"), "utf8").replace("true", "fals"));
  r = await sb.run(["store", "verify", "zig"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^zig 0\\.13\\.0  ${zig}: 1 changed \\(lib/std/std\\.zig content\\)$`, "m"));

  const before = fake.count(NODE_TARBALL);
  r = await sb.run(["store", "verify", "--repair"]);
  assertOk(r);
  assert.match(r.stdout, /checked 2 entries: 2 modified/);
  assert.ok(r.stdout.includes(`reinstalled node 20.18.0 (for ${realpathSync(sb.project)})  ${node}\n`), r.stdout);
  assert.ok(r.stdout.includes(`removed zig 0.13.0 (no project's devenv.lock uses it)  ${zig}\n`), r.stdout);
  assert.equal(fake.count(NODE_TARBALL), before + 1, "node was downloaded again");
  assert.deepEqual(sb.storeEntries(), [node], "same entry name; zig gone");
  assert.ok(!sb.storeEntries().some((n) => n.startsWith(".trash-")));

  r = await sb.run(["store", "verify"]);
  assertOk(r);
  assert.equal(r.stdout, "checked 1 entry: all match their receipts\n");
  r = await sb.run(["exec", "--", "node", "--version"]);
  assertOk(r);
  assert.equal(r.stdout, "v20.18.0\n");
});

test("verify: an unknown selector is a usage error (exit 2) naming it and what is installed; old receipts are checked by size", async () => {
  const sb = sandbox(fake.mirrors);
  mkdirSync(sb.project, { recursive: true });
  let r = await sb.run(["store", "verify", "nope"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "devenv: no store entry matches 'nope'\n  hint: The store is empty: nothing is installed.\n");
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  r = await sb.run(["store", "verify", "node", "nope@1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^devenv: no store entry matches 'nope@1'\n  hint: Installed: node@20\.18\.0\. .*'devenv store ls'/);
  assert.equal(r.stdout, "");

  // A receipt written before per-file digests: checked by size, and the summary says so.
  const dir = join(sb.home, "store", entryOf(sb, "node"));
  const receipt = readReceipt(dir)!;
  const n = receipt.files.filter((f) => f.type === "file").length;
  writeFileSync(join(dir, ".devenv-receipt.json"), JSON.stringify({ ...receipt, files: receipt.files.map(({ sha256: _, ...f }) => f) }));
  r = await sb.run(["store", "verify", "node@20"]);
  assertOk(r);
  assert.equal(r.stdout, `checked 1 entry: all match their receipts; ${n} files checked by size only (receipts written before per-file hashes)\n`);
});

test("verify --repair: a project that cannot install (devenv.ts changed, not allowed) is reported with its hint; exit 1; allowing it and installing brings the entry back", async () => {
  const sb = sandbox(fake.mirrors);
  await sb.writeConfig(`export default { tools: { node: "20" } };\n`);
  assertOk(await sb.run(["install"]));
  const node = entryOf(sb, "node");
  const nodeBin = join(sb.home, "store", node, "bin/node");
  const text = readFileSync(nodeBin);
  text[text.length - 2] = text[text.length - 2]! ^ 1; // same size, other content
  writeFileSync(nodeBin, text);
  writeFileSync(join(sb.project, "devenv.ts"), `// edited\nexport default { tools: { node: "20" } };\n`);

  const r = await sb.run(["store", "verify", "--repair"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^node 20\\.18\\.0  ${node}: 1 changed \\(bin/node content\\)$`, "m"));
  assert.match(r.stderr, new RegExp(`devenv: could not reinstall node 20\\.18\\.0 \\(${node}\\): ${realpathSync(sb.project)}/devenv\\.ts changed since it was allowed\n  hint: .*'devenv allow'`));
  assert.ok(r.stderr.includes(`'devenv install' in ${realpathSync(sb.project)} reinstalls it`), r.stderr);
  assert.deepEqual(sb.storeEntries(), [], "the modified entry is gone from the store");

  assertOk(await sb.run(["allow"]));
  assertOk(await sb.run(["install"]));
  assertOk(await sb.run(["store", "verify"]));
  assert.equal((await sb.run(["exec", "--", "node", "--version"])).stdout, "v20.18.0\n");
});
