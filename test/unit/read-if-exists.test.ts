/** readIfExists: undefined only when there is no file; any other failure names the file and what to do. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { readIfExists, readIfExistsAsync } from "../../src/platform/fs.js";

const base = mkdtempSync(join(tmpdir(), "devenv-readif-"));
after(() => rmSync(base, { recursive: true, force: true }));

test("a file is read; a missing one, or one under a file (ENOTDIR), is undefined", async () => {
  writeFileSync(join(base, "f"), "text");
  assert.equal(readIfExists(join(base, "f")), "text");
  assert.equal(await readIfExistsAsync(join(base, "f")), "text");
  for (const p of [join(base, "missing"), join(base, "f", "below")]) {
    assert.equal(readIfExists(p), undefined, p);
    assert.equal(await readIfExistsAsync(p), undefined, p);
  }
});

test("a directory in the file's place is a DevenvError with the path, the cause and a hint", async () => {
  const dir = join(base, "d.json");
  mkdirSync(dir);
  const check = (e: unknown) => {
    assert.ok(e instanceof DevenvError);
    assert.equal(e.code, "IO");
    assert.equal(e.message, `cannot read the thing ${dir}: it is a directory, not a file`);
    assert.match(e.hint ?? "", /Only a missing file counts as absent/);
    assert.equal((e.cause as NodeJS.ErrnoException).code, "EISDIR");
    return true;
  };
  assert.throws(() => readIfExists(dir, { what: "the thing" }), check);
  await assert.rejects(readIfExistsAsync(dir, { what: "the thing" }), check);
  assert.throws(() => readIfExists(dir, { hint: "do this" }), (e: unknown) => e instanceof DevenvError && e.hint === "do this");
});
