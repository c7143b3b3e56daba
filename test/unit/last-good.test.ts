/** The last good environment's one codec (state/last-good.ts): round trip, and what it refuses. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DevenvError } from "../../src/errors.js";
import { activationDir, LAST_GOOD_FILE, scanActivationSites } from "../../src/state/activations.js";
import { decodeLastGood, encodeLastGood, lastGoodDirs, readLastGood, writeLastGood, type LastGood } from "../../src/state/last-good.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const good: LastGood = {
  tools: ["node@20.18.0", "zig@0.13.0"],
  dirs: ["/s/aaaa-node-20.18.0", "/s/bbbb-zig-0.13.0"],
  plan: { path: ["/s/aaaa-node-20.18.0/bin", "/s/bbbb-zig-0.13.0"], prepend: { PKG_CONFIG_PATH: ["/s/x/lib/pkgconfig"] }, set: { GREETING: "hi: there" } },
};

test("encode then decode gives the same environment", () => {
  assert.deepEqual(decodeLastGood(encodeLastGood(good)), good);
  const empty: LastGood = { tools: [], dirs: [], plan: { path: [], prepend: {}, set: {} } };
  assert.deepEqual(decodeLastGood(encodeLastGood(empty)), empty);
  assert.deepEqual(lastGoodDirs(encodeLastGood(good)), good.dirs);
});

test("anything but a last good environment is refused", () => {
  const text = (v: unknown) => JSON.stringify(v);
  for (const [why, bad] of [
    ["not JSON", "{"],
    ["truncated", encodeLastGood(good).slice(0, 40)],
    ["not an object", "[]"],
    ["null", "null"],
    ["no plan", text({ tools: [], dirs: [] })],
    ["tools not strings", text({ ...good, tools: [1] })],
    ["dirs not a list", text({ ...good, dirs: "/s/aaaa" })],
    ["path not a list", text({ ...good, plan: { ...good.plan, path: "/bin" } })],
    ["a PATH dir with ':'", text({ ...good, plan: { ...good.plan, path: ["/a:/b"] } })],
    ["a prepended dir with ':'", text({ ...good, plan: { ...good.plan, prepend: { CPATH: ["/a:/b"] } } })],
    ["prepend not lists", text({ ...good, plan: { ...good.plan, prepend: { CPATH: "/a" } } })],
    ["a set value not a string", text({ ...good, plan: { ...good.plan, set: { N: 1 } } })],
  ] as const) {
    assert.equal(decodeLastGood(bad), undefined, why);
    assert.deepEqual(lastGoodDirs(bad), [], why);
  }
});

test("written beside the project's activations, read back; a directory in its place is an error", () => {
  const act = mkdtempSync(join(tmpdir(), "devenv-lastgood-"));
  dirs.push(act);
  assert.equal(readLastGood(act, "/home/me/p"), undefined, "none yet");
  writeLastGood(act, "/home/me/p", good);
  assert.deepEqual(JSON.parse(readFileSync(join(activationDir(act, "/home/me/p"), LAST_GOOD_FILE), "utf8")), good);
  assert.deepEqual(readLastGood(act, "/home/me/p"), good);
  assert.deepEqual(scanActivationSites(act).map((s) => [s.root, s.files]), [["/home/me/p", [LAST_GOOD_FILE]]]);

  mkdirSync(join(activationDir(act, "/home/me/q"), LAST_GOOD_FILE), { recursive: true });
  assert.throws(() => readLastGood(act, "/home/me/q"), (e: unknown) =>
    e instanceof DevenvError && e.code === "IO" && /last good environment of \/home\/me\/q .*it is a directory/.test(e.message) && !!e.hint);
});
