/**
 * Catalogue names over the real aqua registry snapshot (test/fixtures/real/aqua-registry): the name a
 * user types finds one package, or several listed; search finds by name, command and description; the
 * compiled cache gives back each package exactly, and refuses a changed one.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compiledDir, entryHash, readCompiled, writeCompiled } from "../../src/app/catalog/compiled.js";
import { lookupName, packageRow, searchRows } from "../../src/app/catalog/names.js";
import { parseAquaRegistry } from "../../src/recipes/sources/aqua/registry-file.js";
import { fileURLToPath } from "node:url";

const fixture = (p: string) => fileURLToPath(new URL(`../../../test/fixtures/${p}`, import.meta.url));
const SHA = "f136736f2ea599af62a26e71be0b8f396689ecc7c8db6af9220c6ca4b862bb6b";
const packages = parseAquaRegistry(readFileSync(fixture("real/aqua-registry/registry.yaml"), "utf8"));
const cache = mkdtempSync(join(tmpdir(), "devenv-catalog-"));
const compiled = await writeCompiled(cache, SHA, packages);
const rows = compiled.allRows();
const names = (q: string) => lookupName(rows, q).map((r) => r.name);

test.after(() => rmSync(cache, { recursive: true, force: true }));

test("a tool's short name, package name, alias or command finds its one package", () => {
  assert.deepEqual(names("ripgrep"), ["BurntSushi/ripgrep"]);
  assert.deepEqual(names("BurntSushi/ripgrep"), ["BurntSushi/ripgrep"]);
  assert.deepEqual(names("burntsushi/RIPGREP"), ["BurntSushi/ripgrep"]);
  assert.deepEqual(names("kubectl"), ["kubernetes/kubernetes/kubectl"]);
  // An alias: jq moved from stedolan to jqlang.
  assert.deepEqual(names("stedolan/jq"), ["jqlang/jq"]);
  assert.deepEqual(names("jq"), ["jqlang/jq"]);
  // No package is called gh or rg: their commands are (rg is also the command of microsoft's rebuild).
  assert.deepEqual(names("gh"), ["cli/cli"]);
  assert.deepEqual(names("rg").sort(), ["BurntSushi/ripgrep", "microsoft/ripgrep-prebuilt"]);
  // Two packages are called bat; only sharkdp/bat is one devenv installs (crates.io/bat is a cargo package).
  assert.deepEqual(names("bat"), ["sharkdp/bat"]);
});

test("an ambiguous name gives every candidate; an unknown one none", () => {
  const cli = names("cli");
  assert.ok(cli.length > 20, `cli names ${cli.length} packages`);
  assert.ok(cli.includes("cli/cli") && cli.includes("docker/cli"));
  assert.deepEqual(names("no-such-tool-anywhere"), []);
  assert.equal(packageRow(rows, "jqlang/JQ")?.name, "jqlang/jq");
  assert.equal(packageRow(rows, "stedolan/jq")?.name, "jqlang/jq");
  assert.equal(packageRow(rows, "jqlang"), undefined);
});

test("search matches every word in names, commands and descriptions, the tool of that name first", () => {
  const found = searchRows(rows, "ripgrep").map((r) => r.name);
  assert.equal(found[0], "BurntSushi/ripgrep");
  assert.ok(searchRows(rows, "json processor").some((r) => r.name === "jqlang/jq"));
  assert.ok(searchRows(rows, "json processor").every((r) => /json/i.test(r.description + r.name) && /processor/i.test(r.description + r.name)));
  assert.equal(searchRows(rows, "").length, packages.length);
  assert.deepEqual(searchRows(rows, "zzzz-nothing-qqqq"), []);
});

test("the compiled cache reads back every package exactly, and refuses one changed under it", async () => {
  const again = await readCompiled(cache, SHA);
  assert.ok(again);
  const all = again.allRows();
  assert.equal(all.length, packages.length);
  for (const i of [0, 1, Math.floor(packages.length / 2), packages.length - 1]) {
    assert.deepEqual(again.entry(all[i]!), packages[i]);
    assert.equal(all[i]!.hash, entryHash(packages[i]!));
  }
  // The lines containing a text: every package that could match it, and no other.
  const jq = again.rowsContaining("JQLANG").map((r) => r.name);
  assert.ok(jq.includes("jqlang/jq"));
  assert.ok(jq.every((n) => all.find((r) => r.name === n && JSON.stringify(r).toLowerCase().includes("jqlang"))));
  // A torn index is no cache (compiled again), never a half-read one.
  const dir = compiledDir(cache, SHA);
  const index = readFileSync(join(dir, "index.tsv"), "utf8");
  writeFileSync(join(dir, "index.tsv"), index.slice(0, index.length / 2));
  assert.equal(await readCompiled(cache, SHA), undefined);
  writeFileSync(join(dir, "index.tsv"), index);
  // A package line changed in place: its hash no longer matches the index.
  const ndjson = readFileSync(join(dir, "packages.ndjson"), "utf8");
  const row = all.find((r) => r.name === "jqlang/jq")!;
  const line = ndjson.slice(row.offset, row.offset + row.length);
  writeFileSync(join(dir, "packages.ndjson"), ndjson.replace(line, line.replace("jqlang", "jqlanx")));
  assert.throws(() => again.entry(row), /not what was compiled/);
});
