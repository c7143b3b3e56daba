/**
 * User-wide tools (issue 19, item 2) in REAL interactive bash, zsh and fish: the devenv.ts of
 * `devenv add -g` is the outermost layer everywhere; a project's own node overrides it inside the
 * project and the user-wide one is back after `cd ..`; an `add -g` or `remove -g` is seen at the
 * next prompt; the prompt still starts no process; inside the user-wide dir it is one layer, not two.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { shellAvailable, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd, config } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { assertOk } from "../helpers/cli.js";

const KINDS: readonly ShellKind[] = ["bash", "zsh", "fish"];

const fake = useFakeUpstream({ node: ["20.18.0", "22.11.0"], zig: ["0.13.0"] });

const IGNORED = new Set(["PWD", "OLDPWD", "_"]);
const comparable = (env: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(env).filter(([k]) => !IGNORED.has(k)));
const storeDirs = (env: Record<string, string>, tool: string) => (env.PATH ?? "").split(":").filter((d) => new RegExp(`/store/[0-9a-z]{32}-${tool}-`).test(d));

const assertQuiet = (out: string, s: ShellSession) =>
  assert.doesNotMatch(out, /error|not allowed|not installed|command not found|unknown command|syntax|bad /i, `unexpected output:\n${out}\n--- transcript ---\n${s.transcript()}`);

for (const kind of KINDS) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);

    test("a project's own node overrides the user-wide node inside the project; the user-wide one is back after cd ..; the prompt starts no process", async () => {
      const w = world.workDir("global");
      const proj = join(w, "proj");
      const globalDir = join(world.sb.home, "global");
      await world.sb.writeConfig(config({ tools: { node: "22" }, env: { WHERE: "proj" } }), proj);
      const s = await world.shell(w, world.shellEnv());
      assertQuiet(s.startup, s);
      const cd = async (dir: string) => assertQuiet(await s.run(cdCmd(kind, dir)), s);
      const nodeVersion = async () => (await s.run("node --version 2>&1")).trim();
      const bare = await s.env();
      assert.equal(storeDirs(bare, "node").length, 0);

      // Made while the shell runs: the next prompt sees the new user-wide devenv.ts.
      assertOk(await world.sb.run(["add", "-g", "node@20"], { cwd: w }));
      assertQuiet(await s.run(""), s);
      assert.equal(await nodeVersion(), "v20.18.0", s.transcript());
      const userWide = await s.env();
      assert.equal(storeDirs(userWide, "node").length, 1);
      assert.deepEqual(await s.processesDuring(""), [], "a prompt under the user-wide layer starts no process");

      await cd(proj);
      assert.equal(await nodeVersion(), "v22.11.0", "the project's node wins");
      const inside = await s.env();
      assert.equal(inside.WHERE, "proj");
      const nodes = storeDirs(inside, "node");
      assert.equal(nodes.length, 2);
      assert.match(nodes[0]!, /-node-22\.11\.0\/bin$/);
      assert.match(nodes[1]!, /-node-20\.18\.0\/bin$/);
      assert.deepEqual(await s.processesDuring(""), [], "a prompt in a project under the user-wide layer starts no process");

      await cd(w);
      assert.equal(await nodeVersion(), "v20.18.0", "the user-wide node is back");
      assert.deepEqual(comparable(await s.env()), comparable(userWide), "leaving the project restores the user-wide environment exactly");
      assert.deepEqual(await s.processesDuring(cdCmd(kind, proj)), [], "re-entering with cached activations starts no process");
      assert.deepEqual(comparable(await s.env()), comparable(inside));
      await cd(w);

      // The user-wide dir itself: one layer, not two.
      await cd(globalDir);
      const there = await s.env();
      assert.equal(storeDirs(there, "node").length, 1, s.transcript());
      assert.equal((there.DEVENV_STATE ?? "").split(`\x1fL\x1f${globalDir}\x1f`).length - 1, 1, "one layer of it in DEVENV_STATE");
      assert.deepEqual(await s.processesDuring(""), []);
      await cd(w);
      assert.deepEqual(comparable(await s.env()), comparable(userWide));

      // Another user-wide tool is seen at the next prompt; removing them all restores the shell exactly.
      assertOk(await world.sb.run(["add", "-g", "zig@0.13"], { cwd: w }));
      assertQuiet(await s.run(""), s);
      assert.equal(storeDirs(await s.env(), "zig").length, 1, s.transcript());
      assertOk(await world.sb.run(["remove", "-g", "node", "zig"], { cwd: w }));
      assertQuiet(await s.run(""), s);
      assert.deepEqual(comparable(await s.env()), comparable(bare), "no user-wide tools: the environment as it was");
    });
  });
}
