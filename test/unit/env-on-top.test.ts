import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOnTop } from "../../src/env/on-top.js";
import { applyPlan } from "../../src/env/plan.js";

const plan = { path: ["/x/node/bin", "/x/state/bin"], prepend: { PKG_CONFIG_PATH: ["/x/pc"] }, set: { NPM_CONFIG_PREFIX: "/x/state" } };

test("applyOnTop moves the plan's dirs to the front where a layer below already has them; applyPlan would leave them in place", () => {
  const base = { PATH: "/proj/node20/bin:/x/node/bin:/usr/bin", PKG_CONFIG_PATH: "/a:/x/pc", NPM_CONFIG_PREFIX: "/proj/state", HOME: "/h" };
  assert.deepEqual(applyOnTop(plan, base), {
    PATH: "/x/node/bin:/x/state/bin:/proj/node20/bin:/usr/bin",
    PKG_CONFIG_PATH: "/x/pc:/a",
    NPM_CONFIG_PREFIX: "/x/state",
    HOME: "/h",
  });
  assert.equal(applyPlan(plan, base).PATH, "/x/state/bin:/proj/node20/bin:/x/node/bin:/usr/bin");
});

test("applyOnTop keeps every other entry exactly (an empty one included) and makes a variable that was unset", () => {
  const out = applyOnTop(plan, { PATH: "/usr/bin::/bin" });
  assert.equal(out.PATH, "/x/node/bin:/x/state/bin:/usr/bin::/bin");
  assert.equal(out.PKG_CONFIG_PATH, "/x/pc");
});
