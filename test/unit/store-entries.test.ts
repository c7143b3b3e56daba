/** Store entry names: the one parser (parseEntryName) every reader of `<hash>-<tool>-<version>` uses. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { entryHash, entryLabel, listEntries, parseEntryName } from "../../src/store/entries.js";
import { entryName, storeHash, type StoreKey } from "../../src/store/layout.js";

const key: StoreKey = { name: "node-red", version: "4.0.0-beta.1", platform: "linux-x64", sha256: "ab".repeat(32), recipeRevision: 1 };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("an entry name made by entryName parses back to its hash and <tool>-<version>", () => {
  const name = entryName(key);
  assert.deepEqual(parseEntryName(name), { hash: storeHash(key), label: "node-red-4.0.0-beta.1" });
  assert.equal(entryHash(name), storeHash(key));
  assert.equal(entryLabel(name), "node-red-4.0.0-beta.1");
});

test("names that are not store entries are refused", () => {
  const hash = storeHash(key);
  for (const bad of [
    `${hash}`, // no label
    `${hash}-`, // empty label
    `${hash.slice(1)}-node-20.0.0`, // 31 chars of hash
    `${hash}x-node-20.0.0`, // 33 chars of hash
    `${"e".repeat(32)}-node-20.0.0`, // e, o, t, u are not in the base-32 alphabet
    `${hash}-node-20/../../etc`, // a path, not a directory name
    `.tmp-${hash}-123-ab`,
    `.trash-123-ab`,
  ]) {
    assert.equal(parseEntryName(bad), undefined, bad);
    assert.equal(entryHash(bad), undefined, bad);
    assert.equal(entryLabel(bad), bad, "a name that does not parse is shown whole");
  }
});

test("listEntries lists only the directories whose names parse", () => {
  const store = mkdtempSync(join(tmpdir(), "devenv-entries-"));
  dirs.push(store);
  const good = entryName(key);
  mkdirSync(join(store, good));
  mkdirSync(join(store, `${"e".repeat(32)}-node-20.0.0`));
  mkdirSync(join(store, ".tmp-x-1-ab"));
  mkdirSync(join(store, ".locks"));
  writeFileSync(join(store, "README"), "");
  assert.deepEqual(listEntries(store, { receipts: false }).map((e) => [e.name, e.hash]), [[good, storeHash(key)]]);
});
