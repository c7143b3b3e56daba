/** The hook's value dir is private (0700); the state dir it makes on the way is not (a service's user must pass through it). */
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ensureHookValuesDir } from "../../src/state/hook-values.js";

test("ensureHookValuesDir: hook-values is 0700, the state dir it creates keeps the umask's mode", () => {
  const old = process.umask(0o022);
  try {
    const state = join(mkdtempSync(join(tmpdir(), "devenv-hv-")), "home", "state");
    const dir = ensureHookValuesDir(state);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(state).mode & 0o777, 0o755);
    assert.equal(statSync(join(state, "..")).mode & 0o777, 0o755);
  } finally {
    process.umask(old);
  }
});
