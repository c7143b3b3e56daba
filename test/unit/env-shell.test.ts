import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { applyPlan, envDiff, planEnv } from "../../src/env/plan.js";
import { projectStateDir } from "../../src/state/projects.js";
import { renderEnv } from "../../src/shell/render.js";

const tools = [
  { name: "node", dir: "/s/aaa-node-20", bin: ["bin"], ops: [] },
  { name: "zig", dir: "/s/bbb-zig-0.13", bin: ["."], ops: [{ kind: "set" as const, name: "ZIG_HOME", value: ".", relative: true }] },
  { name: "lib", dir: "/s/ccc-lib-1", bin: ["bin"], ops: [
    { kind: "prepend" as const, name: "PKG_CONFIG_PATH", path: "lib/pkgconfig" },
    { kind: "prepend" as const, name: "LD_LIBRARY_PATH", path: "lib" },
  ] },
];

test("PATH gets bin dirs in config order; recipe vars and ${root} expand; LD_LIBRARY_PATH never", () => {
  const plan = planEnv(tools, { DATA: "${root}/data", PLAIN: "x" }, "/proj");
  assert.deepEqual(plan.path, ["/s/aaa-node-20/bin", "/s/bbb-zig-0.13", "/s/ccc-lib-1/bin"]);
  assert.deepEqual(plan.set, { ZIG_HOME: "/s/bbb-zig-0.13", DATA: "/proj/data", PLAIN: "x" });
  assert.deepEqual(plan.prepend, { PKG_CONFIG_PATH: ["/s/ccc-lib-1/lib/pkgconfig"] });
  const env = applyPlan(plan, { PATH: "/usr/bin:/s/aaa-node-20/bin:/bin", HOME: "/h" });
  // A dir already on PATH keeps its place (as the shell hooks do): nothing duplicated, and undo
  // can remove exactly the entries that were added.
  assert.equal(env.PATH, "/s/bbb-zig-0.13:/s/ccc-lib-1/bin:/usr/bin:/s/aaa-node-20/bin:/bin");
  assert.equal(env.PKG_CONFIG_PATH, "/s/ccc-lib-1/lib/pkgconfig");
  assert.equal(env.LD_LIBRARY_PATH, undefined);
  assert.deepEqual(Object.keys(envDiff({ PATH: "/usr/bin", HOME: "/h", GONE: "1" }, { PATH: "/x:/usr/bin", HOME: "/h" })).sort(), ["GONE", "PATH"]);
});

const tricky = "a b 'q' \"dq\" $HOME \\back\nnew line ✓ `tick`";

for (const shell of ["bash", "fish"] as const) {
  test(`${shell} code sets values exactly (quotes, $, backslashes, newlines, UTF-8)`, { skip: shell === "fish" && !hasShell("fish") ? "fish not installed" : false }, () => {
    const code = renderEnv({ TRICKY: tricky, PATH: "/opt/x y/bin:/usr/bin:/bin", GONE: undefined }, shell);
    const script = shell === "bash"
      ? `export GONE=1; ${code} printf '%s' "$TRICKY"; printf '|%s|' "$PATH"; printf '%s' "\${GONE-unset}"`
      : `set -gx GONE 1; ${code} printf '%s' "$TRICKY"; printf '|%s|' "$PATH"; test (count $PATH) -eq 3; or printf notalist; set -q GONE; or printf unset`;
    const out = execFileSync(shell, ["-c", script], { encoding: "utf8" });
    // fish joins a quoted PATH-like list with ":" again, so both shells print the same.
    assert.equal(out, `${tricky}|/opt/x y/bin:/usr/bin:/bin|unset`);
  });
}

test("json output maps unset to null", () => {
  assert.deepEqual(JSON.parse(renderEnv({ A: "1", B: undefined }, "json")), { A: "1", B: null });
});

function hasShell(name: string): boolean {
  try {
    execFileSync(name, ["-c", "true"]);
    return true;
  } catch {
    return false;
  }
}

test("state ops point into the project's own state dir; without one they are dropped", () => {
  const tool = {
    name: "node",
    dir: "/s/aaa-node-20",
    bin: ["bin"],
    ops: [
      { kind: "set" as const, name: "NPM_CONFIG_PREFIX", value: "npm-global", state: true },
      { kind: "prepend" as const, name: "PATH", path: "npm-global/bin", state: true },
      { kind: "set" as const, name: "NODE_HOME", value: ".", relative: true },
    ],
  };
  const plan = planEnv([{ ...tool, stateDir: "/state/projects/web-0123456789abcdef/node" }], {}, "/proj");
  assert.equal(plan.set.NPM_CONFIG_PREFIX, "/state/projects/web-0123456789abcdef/node/npm-global");
  assert.deepEqual(plan.path, ["/s/aaa-node-20/bin", "/state/projects/web-0123456789abcdef/node/npm-global/bin"]);
  assert.equal(plan.set.NODE_HOME, "/s/aaa-node-20");
  const without = planEnv([tool], {}, "/proj");
  assert.equal(without.set.NPM_CONFIG_PREFIX, undefined);
  assert.deepEqual(without.path, ["/s/aaa-node-20/bin"]);
  assert.deepEqual(
    [projectStateDir("/st", "/home/me/my web", "node"), projectStateDir("/st", "/other/my web", "node")].map((d) => d.replace(/-[0-9a-f]{16}\//, "-H/")),
    ["/st/projects/my_web-H/node", "/st/projects/my_web-H/node"],
  );
  assert.notEqual(projectStateDir("/st", "/home/me/my web", "node"), projectStateDir("/st", "/other/my web", "node"));
});
