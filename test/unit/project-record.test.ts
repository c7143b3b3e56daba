/** project.json in a project's state dir: written once, rewritten only when it says something else. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readProjectRecord, recordProjectDir } from "../../src/state/project-record.js";
import { projectStateBase } from "../../src/state/projects.js";

test("recordProjectDir writes { root } in the project's state dir, and leaves a correct record alone", async () => {
  const st = mkdtempSync(join(tmpdir(), "devenv-rec-"));
  const dir = await recordProjectDir(st, "/home/me/my app");
  assert.equal(dir, projectStateBase(st, "/home/me/my app"));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "project.json"), "utf8")), { root: "/home/me/my app" });
  assert.deepEqual(readProjectRecord(dir), { root: "/home/me/my app" });
  const ino = statSync(join(dir, "project.json")).ino;
  await recordProjectDir(st, "/home/me/my app");
  assert.equal(statSync(join(dir, "project.json")).ino, ino, "not rewritten");
});

test("a malformed or different record is rewritten; readProjectRecord reads none as undefined", async () => {
  const st = mkdtempSync(join(tmpdir(), "devenv-rec-"));
  const dir = await recordProjectDir(st, "/p");
  assert.equal(readProjectRecord(join(st, "nowhere")), undefined);
  for (const bad of ['{"root": 1}', "{", '{"root": "relative"}', "null"]) {
    writeFileSync(join(dir, "project.json"), bad);
    assert.equal(readProjectRecord(dir), undefined, bad);
    await recordProjectDir(st, "/p");
    assert.deepEqual(readProjectRecord(dir), { root: "/p" }, bad);
  }
});
