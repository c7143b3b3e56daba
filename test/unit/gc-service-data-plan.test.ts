/** planServiceData: which service data dirs gc lists and which it may delete (pure). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planServiceData, type ServiceDataFacts } from "../../src/app/gc/service-data-plan.js";

const gone = (dir: string, running: ServiceDataFacts["running"] = { running: false }): ServiceDataFacts =>
  ({ dir, interrupted: false, record: { root: `/p/${dir}` }, project: "gone", running });

test("a live project's data is not listed; a gone one's is listed, removed only when asked", () => {
  const facts: ServiceDataFacts[] = [{ dir: "a", interrupted: false, record: { root: "/p/a" }, project: "live" }, gone("b")];
  assert.deepEqual(planServiceData(facts, { remove: false }), [{ dir: "b", root: "/p/b", status: "gone", remove: false, keep: { why: "not-asked" } }]);
  assert.deepEqual(planServiceData(facts, { remove: true }), [{ dir: "b", root: "/p/b", status: "gone", remove: true }]);
});

test("kept even when asked: running, cannot tell whether running, unknown project, a project that cannot be looked at", () => {
  const facts: ServiceDataFacts[] = [
    gone("r", { running: true, pid: 42, what: "supervisor" }),
    gone("u", { running: "unknown", reason: "cannot read supervisor.json" }),
    { dir: "n", interrupted: false, record: { root: "/p/n" }, project: "gone" }, // running not checked
    { dir: "x", interrupted: false, record: { unknown: "no valid project.json" } },
    { dir: "e", interrupted: false, record: { root: "/p/e" }, project: { error: "EACCES" } },
    { dir: "m", interrupted: false, record: { root: "/p/m" } },
  ];
  const plan = planServiceData(facts, { remove: true });
  assert.deepEqual(plan.map((i) => [i.dir, i.remove, i.keep?.why]), [
    ["r", false, "running"],
    ["u", false, "cannot-tell-running"],
    ["n", false, "cannot-tell-running"],
    ["x", false, "unknown-project"],
    ["e", false, "unreachable"],
    ["m", false, "unreachable"],
  ]);
});

test("an interrupted removal is listed, and finished only when asked", () => {
  const f: ServiceDataFacts = { dir: "t", interrupted: true, record: { unknown: "being removed" } };
  assert.deepEqual(planServiceData([f], { remove: false }).map((i) => [i.status, i.remove]), [["interrupted", false]]);
  assert.deepEqual(planServiceData([f], { remove: true }).map((i) => [i.status, i.remove]), [["interrupted", true]]);
});
