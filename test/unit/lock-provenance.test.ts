/** Checksum provenance: devenv.lock's `checksum` field, the config's opt-in and strict setting, what the lock step writes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { normaliseConfig } from "../../src/config/normalise.js";
import { lockedArtifact } from "../../src/app/project/lock.js";
import { firstDownloadValues, refuseFirstDownload } from "../../src/app/project/first-download.js";
import { DevenvError } from "../../src/errors.js";
import { parseLock, serializeLock } from "../../src/lock/format.js";
import type { LockFile } from "../../src/lock/types.js";
import { inlineRecipe } from "../../src/recipes/inline.js";
import { checkLockEntry } from "../../src/resolver/check-entry.js";

const SHA = "d45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea";
const SRI = `sha512-${"A".repeat(86)}==`;
const URL_ZIG = "https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz";

const lockWith = (file: Record<string, unknown>, parts?: Array<Record<string, unknown>>): string =>
  JSON.stringify({
    lockVersion: 1,
    tools: {
      zig: {
        request: "0.13", version: "0.13.0", source: "registry:zig", recipeRevision: 1,
        platforms: { "linux-x64": { url: URL_ZIG, format: "tar.xz", strip: 1, ...file, ...(parts ? { parts } : {}) } },
      },
    },
  });

const refused = (text: string, path: RegExp, why: RegExp) => () =>
  assert.throws(() => parseLock(text, "devenv.lock"), (e: DevenvError) => {
    assert.equal(e.code, "LOCK_INVALID");
    assert.match(e.message, path);
    assert.match(e.message, why);
    return true;
  });

test("a lock without checksum (written before provenance) is read as it is", () => {
  const lock = parseLock(lockWith({ sha256: SHA }), "devenv.lock");
  assert.equal(lock.tools.zig!.platforms["linux-x64"]!.checksum, undefined);
});

test("every known checksum source is read and written back unchanged", () => {
  for (const checksum of ["digest", "checksum-file", "table", "inline", "first-download"]) {
    const text = serializeLock(parseLock(lockWith({ sha256: SHA, checksum }), "devenv.lock"));
    assert.equal(parseLock(text, "devenv.lock").tools.zig!.platforms["linux-x64"]!.checksum, checksum);
  }
  assert.equal(parseLock(lockWith({ integrity: SRI, checksum: "integrity" }), "devenv.lock").tools.zig!.platforms["linux-x64"]!.checksum, "integrity");
});

test("a hostile lock with an unknown checksum source is refused naming the field", () => {
  refused(lockWith({ sha256: SHA, checksum: "trust-me" }), /devenv\.lock: tools\.zig\.platforms\.linux-x64\.checksum: /, /'trust-me'|"trust-me"|trust-me.*is not a checksum source/)();
  refused(lockWith({ sha256: SHA, checksum: 7 }), /tools\.zig\.platforms\.linux-x64\.checksum/, /not a checksum source/)();
  refused(lockWith({ sha256: SHA }, [{ name: "p", url: URL_ZIG, format: "tar.xz", strip: 1, sha256: SHA, checksum: "DIGEST" }]), /tools\.zig\.platforms\.linux-x64\.parts\.0\.checksum/, /not a checksum source/)();
});

test("checksum 'integrity' goes with an integrity and only with one", () => {
  refused(lockWith({ sha256: SHA, checksum: "integrity" }), /tools\.zig\.platforms\.linux-x64\.checksum/, /has no integrity/)();
  refused(lockWith({ integrity: SRI, checksum: "digest" }), /tools\.zig\.platforms\.linux-x64\.checksum/, /checked by its integrity/)();
  refused(lockWith({ sha256: SHA }, [{ name: "p", url: URL_ZIG, format: "tar.xz", strip: 1, integrity: SRI, checksum: "first-download" }]), /parts\.0\.checksum/, /checked by its integrity/)();
});

test("the lock step writes the recipe's checksum source for the artifact and each part", () => {
  const a = lockedArtifact({
    url: URL_ZIG, sha256: SHA, checksum: "checksum-file", format: "tar.xz", strip: 1,
    parts: [{ name: "p", url: URL_ZIG, sha256: SHA, checksum: "digest", format: "tar.xz", strip: 1 }],
  });
  assert.equal(a.checksum, "checksum-file");
  assert.equal(a.parts![0]!.checksum, "digest");
});

test("an inline tool's artifact is 'inline', and a lock claiming another source for it is refused", async () => {
  const opts = { url: "https://e.example/t-{version}.tar.gz", sha256: SHA };
  const recipe = inlineRecipe("t", "1.0.0", opts);
  const a = await recipe.artifact({ http: undefined as never }, "1.0.0", "linux-x64", opts);
  assert.equal(a.checksum, "inline");
  const req = { name: "t", range: "1.0.0", options: opts, inline: true };
  const entry = (checksum: "inline" | "first-download") => ({
    request: "1.0.0", version: "1.0.0", source: "inline", recipeRevision: 1,
    platforms: { "linux-x64": { url: "https://e.example/t-1.0.0.tar.gz", sha256: SHA, checksum, format: "tar.gz" as const, strip: "auto" as const } },
  });
  checkLockEntry(req, recipe, entry("inline"));
  assert.throws(() => checkLockEntry(req, recipe, entry("first-download")), /tools\.t\.platforms\.linux-x64\.checksum/);
});

test("devenv.ts: checksum \"first-download\" is a field of every tool, kept out of its options; strictChecksums is read", () => {
  const p = normaliseConfig({ tools: { cmake: { version: "3.31", checksum: "first-download" }, zig: "0.13" }, strictChecksums: true }, "/p", "/p/devenv.ts");
  const cmake = p.tools.find((t) => t.name === "cmake")!;
  assert.equal(cmake.checksum, "first-download");
  assert.deepEqual(cmake.options, {});
  assert.equal(p.tools.find((t) => t.name === "zig")!.checksum, undefined);
  assert.equal(p.strictChecksums, true);
  assert.equal(normaliseConfig({ tools: {} }, "/p", "/p/devenv.ts").strictChecksums, undefined);
});

test("devenv.ts: another checksum value, or one on an inline tool, is refused", () => {
  assert.throws(() => normaliseConfig({ tools: { cmake: { version: "3.31", checksum: "none" } } }, "/p", "/p/devenv.ts"), (e: DevenvError) => e.code === "CONFIG_SCHEMA" && /tools\.cmake\.checksum/.test(e.message));
  assert.throws(
    () => normaliseConfig({ tools: { t: { version: "1.0.0", url: "https://e.example/t.tgz", sha256: SHA, checksum: "first-download" } } }, "/p", "/p/devenv.ts"),
    (e: DevenvError) => e.code === "CONFIG_SCHEMA" && /tools\.t\.checksum/.test(e.message),
  );
  assert.throws(() => normaliseConfig({ strictChecksums: "yes" }, "/p", "/p/devenv.ts"), (e: DevenvError) => e.code === "CONFIG_SCHEMA" && /strictChecksums/.test(e.message));
});

test("strict checksums refuse a lock entry holding a first-download value, naming tool, platform and file", () => {
  const lock = parseLock(lockWith({ sha256: SHA, checksum: "first-download" }), "devenv.lock") as LockFile;
  const values = firstDownloadValues(lock.tools);
  assert.deepEqual(values, [{ name: "zig", version: "0.13.0", platform: "linux-x64", file: "zig-linux-x86_64-0.13.0.tar.xz", at: "tools.zig.platforms.linux-x64" }]);
  const entries = [{ name: "zig", entry: lock.tools.zig! }];
  refuseFirstDownload({ strict: undefined, trustFirstDownload: false }, entries);
  assert.throws(() => refuseFirstDownload({ strict: { why: "--strict", off: "run without --strict" }, trustFirstDownload: false }, entries), (e: DevenvError) => {
    assert.equal(e.code, "CHECKSUM_UNTRUSTED");
    assert.match(e.message, /tools\.zig\.platforms\.linux-x64\.checksum: zig-linux-x86_64-0\.13\.0\.tar\.xz \(zig 0\.13\.0, linux-x64\) was trusted on first download/);
    assert.match(e.message, /--strict/);
    return true;
  });
});
