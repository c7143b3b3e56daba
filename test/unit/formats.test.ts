/**
 * A download's format by its URL (formatOf: every lock entry's format must be it) and the name a
 * single compressed file unpacks as (issue 17): ".gz" alone vs ".tar.gz", the bzip2 spellings,
 * case, query strings, and names that would leave no file name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ARCHIVE_FORMATS, singleFileName } from "../../src/recipes/formats.js";
import { formatOf } from "../../src/recipes/inline.js";
import { DevenvError } from "../../src/errors.js";
import { parseLock } from "../../src/lock/format.js";

test("formatOf: each ending, the longest first (.tar.gz is not .gz), case-insensitive, query and fragment ignored", () => {
  const cases: Array<[string, string]> = [
    ["https://h/t-1.0-linux-amd64.tar.gz", "tar.gz"],
    ["https://h/t.tgz", "tar.gz"],
    ["https://h/t-linux-amd64.gz", "gz"],
    ["https://h/T.GZ?raw=1#x", "gz"],
    ["https://h/t.tar.xz", "tar.xz"],
    ["https://h/t.txz", "tar.xz"],
    ["https://h/t_linux.xz", "xz"],
    ["https://h/t.tar.zst", "tar.zst"],
    ["https://h/t.tzst", "tar.zst"],
    ["https://h/t.zst", "zst"],
    ["https://h/t.tar.bz2", "tar.bz2"],
    ["https://h/t.tbz2", "tar.bz2"],
    ["https://h/t.tbz", "tar.bz2"],
    ["https://h/t.bz2", "bz2"],
    ["https://h/t.tar", "tar"],
    ["https://h/t.zip", "zip"],
    ["https://h/t-linux-amd64", "raw"],
    ["https://h/t.gz/download", "raw"],
  ];
  for (const [url, format] of cases) assert.equal(formatOf(url), format, url);
});

test("singleFileName: the last path segment without the format's extension, percent-decoding undone", () => {
  assert.equal(singleFileName("https://h/releases/download/v1/tool-linux-amd64.gz", "gz"), "tool-linux-amd64");
  assert.equal(singleFileName("https://h/Tool_1.2.3_Darwin.XZ?x=1#y", "xz"), "Tool_1.2.3_Darwin");
  assert.equal(singleFileName("https://h/my%20tool.zst", "zst"), "my tool");
  assert.equal(singleFileName("https://h/tool.bz2", "bz2"), "tool");
  assert.equal(singleFileName("https://h/bad%zz.gz", "gz"), "bad%zz", "invalid percent-encoding is kept as it is");
});

test("singleFileName: nothing for a name that is empty, '.', '..' or holds a / or NUL", () => {
  for (const url of ["https://h/.gz", "https://h/..gz", "https://h/...gz", "https://h/%2e%2e.gz", "https://h/a%2Fb.gz", "https://h/a%00.gz", "https://h/dir/"]) {
    assert.equal(singleFileName(url, "gz"), undefined, url);
  }
});

test("the lock schema accepts every format devenv unpacks, and no other", () => {
  const lock = (format: string) => JSON.stringify({
    lockVersion: 1,
    tools: { t: { version: "1.0.0", request: "1", source: "inline", recipeRevision: 1, platforms: { "linux-x64": { url: `https://h/t.${format}`, sha256: "0".repeat(64), format, strip: "auto" } } } },
  });
  assert.deepEqual([...ARCHIVE_FORMATS].sort(), ["bz2", "gz", "raw", "tar", "tar.bz2", "tar.gz", "tar.xz", "tar.zst", "xz", "zip", "zst"]);
  for (const format of ARCHIVE_FORMATS) assert.equal(parseLock(lock(format), "devenv.lock").tools.t!.platforms["linux-x64"]!.format, format);
  assert.throws(() => parseLock(lock("7z"), "devenv.lock"), (e: DevenvError) => e.code === "LOCK_INVALID" && /tools\.t\.platforms\.linux-x64\.format/.test(e.message));
});
