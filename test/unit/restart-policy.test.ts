/** nextRestart: which exits restart under each policy, and the back-off (doubling, capped, reset after a long run). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeExit, nextRestart } from "../../src/services/restart-policy.js";

const b = { initialMs: 500, maxMs: 30_000, resetAfterMs: 10_000 };
const fail = { code: 1, signal: null };
const ok = { code: 0, signal: null };
const segv = { code: null, signal: "SIGSEGV" as const };

test("policies: no never, on-failure on non-zero or signal, always on anything", () => {
  const h = { streak: 0, startedAt: 0 };
  assert.equal(nextRestart("no", fail, h, 1, b).restart, false);
  assert.equal(nextRestart("on-failure", fail, h, 1, b).restart, true);
  assert.equal(nextRestart("on-failure", segv, h, 1, b).restart, true);
  assert.equal(nextRestart("on-failure", ok, h, 1, b).restart, false);
  assert.equal(nextRestart("always", ok, h, 1, b).restart, true);
});

test("back-off doubles for quick crashes in a row, up to the cap; a run that lasted resetAfterMs starts over", () => {
  let streak = 0;
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d = nextRestart("always", fail, { streak, startedAt: 1000 }, 1500, b);
    delays.push(d.delayMs);
    streak = d.streak;
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  const reset = nextRestart("always", fail, { streak, startedAt: 1000 }, 1000 + 10_000, b);
  assert.deepEqual(reset, { restart: true, delayMs: 500, streak: 1 });
});

test("describeExit", () => {
  assert.equal(describeExit(fail), "exit 1");
  assert.equal(describeExit(segv), "signal SIGSEGV");
});
