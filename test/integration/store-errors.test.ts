/**
 * Archives that matched their checksum but cannot be unpacked here (issue 13, finding 9): each
 * error names the tool, the archive and the entry, and its hint says what to do — never a generic
 * "retry", since the same bytes fail the same way. And a backslash in a tar name is part of the
 * file name (as tar keeps it), not a path separator.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { silentReporter } from "../../src/reporter.js";
import { ensureInstalled } from "../../src/store/install.js";
import { gzip, tarEntries, type Entry } from "../support/archives.js";
import { assertNothingInstalled, makeSpec, rejectsWith, useKit } from "./store-kit.js";

const kit = useKit();

const ok = (path: string, content = "fine\n"): Entry => ({ path, content });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Install a verified .tar.gz of `tar` bytes; expect an ARCHIVE error naming the entry, with no "retry" hint; nothing left. */
async function assertArchiveError(tar: Buffer, message: RegExp, hint: RegExp): Promise<void> {
  const body = gzip(tar);
  const { url } = kit.serve(body, "tar.gz");
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "ARCHIVE");
  assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)}`), "names the tool and the archive");
  assert.match(err.message, message);
  assert.match(err.hint ?? "", hint);
  assert.doesNotMatch(err.hint ?? "", /retry|again/i, "a verified archive fails the same way every time: no retry hint");
  assertNothingInstalled(base, store);
}

const PUBLISHED = /^Nothing was installed\. The archive matched its checksum, so this is how it was published: report it to the publisher/;

test("EEXIST: a symlink entry where an earlier entry made a file", () =>
  assertArchiveError(tarEntries([ok("a"), { path: "a", type: "symlink", linkname: "b" }]),
    /: entry 'a' cannot be unpacked: an earlier entry of another kind \(file, directory or link\) is already at that path$/, PUBLISHED));

test("EEXIST: a directory entry where an earlier entry made a file", () =>
  assertArchiveError(tarEntries([ok("a"), { path: "a", type: "dir" }]),
    /: entry 'a' cannot be unpacked: an earlier entry of another kind/, PUBLISHED));

test("EISDIR: a file entry where an earlier entry made a directory", () =>
  assertArchiveError(tarEntries([{ path: "a", type: "dir" }, ok("a")]),
    /: entry 'a' is a file, but an earlier entry made a directory at that path$/, PUBLISHED));

test("ENOTDIR or EEXIST: an entry inside a path that an earlier entry made a file", () =>
  assertArchiveError(tarEntries([ok("a"), ok("a/b/c")]),
    /: entry 'a\/b\/c' (is inside a path that an earlier entry made a file, not a directory|cannot be unpacked: an earlier entry of another kind)/, PUBLISHED));

test("ENAMETOOLONG: a 300-byte name (a pax path)", () =>
  assertArchiveError(tarEntries([ok("bin/ok"), ok(`share/${"n".repeat(300)}`)]),
    /: entry 'share\/n{300}': the name is too long for this filesystem \(longest part 300 bytes, whole path 306 bytes inside the store\)$/,
    /^Nothing was installed\. Most filesystems allow 255 bytes per name;.*report it to the publisher/));

test("TAR_ENTRY_INVALID: a header whose checksum does not match (a damaged tar that was published like that)", () => {
  const tar = tarEntries([ok("a"), ok("b")]);
  tar[1024 + 1] = 0x41; // a byte of the second header's name: its checksum no longer matches
  return assertArchiveError(tar, / is not a readable tar archive: checksum failure \(TAR_ENTRY_INVALID\)$/, new RegExp(`${PUBLISHED.source}.* check that the url in devenv\\.ts ends in the extension of what it serves \\(read as tar\\.gz`));
});

test("a verified file that is not gzip at all: an ARCHIVE error about the format, no retry hint", async () => {
  const body = Buffer.from("<html>not a tarball</html>\n");
  const { url } = kit.serve(body, "tar.gz");
  const { base, store } = kit.newStore();
  const err = await rejectsWith(ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter), "ARCHIVE");
  assert.match(err.message, new RegExp(`^tool 1\\.2\\.3: ${escape(url)} cannot be unpacked as tar\\.gz: incorrect header check$`));
  assert.doesNotMatch(err.hint ?? "", /retry|again/i);
  assertNothingInstalled(base, store);
});

test("a backslash in a tar name is part of the file name, not a separator", async () => {
  const body = gzip(tarEntries([ok("bin\\tool", "one\n"), ok("..\\up", "two\n"), ok("share/a\\b", "three\n")]));
  const { url } = kit.serve(body, "tar.gz");
  const { store } = kit.newStore();
  const t = await ensureInstalled(store, kit.http, makeSpec(url, body, { format: "tar.gz" }), silentReporter);
  assert.equal(readFileSync(join(t.dir, "bin\\tool"), "utf8"), "one\n");
  assert.equal(readFileSync(join(t.dir, "..\\up"), "utf8"), "two\n");
  assert.equal(readFileSync(join(t.dir, "share", "a\\b"), "utf8"), "three\n");
  assert.ok(!existsSync(join(t.dir, "bin")), "no bin/ directory was made from 'bin\\tool'");
  assert.deepEqual(t.receipt.files.map((f) => f.path).sort(), ["..\\up", "bin\\tool", "share/a\\b"]);
});
