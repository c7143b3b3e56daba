/**
 * `devenv shell -p <tool@range>…` in REAL interactive bash, zsh and fish (test/support/shell-session.ts),
 * where the user's rc loads the devenv hook in the subshell too: at the subshell's prompts the named
 * tools are first on PATH (the hook, inheriting DEVENV_STATE, neither undoes nor buries them), the
 * project's variables are there, and `exit` gives back the shell exactly as it was.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { devenvBin } from "../helpers/cli.js";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd, config, hookRc, stable, word } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const KINDS: readonly ShellKind[] = ["bash", "zsh", "fish"];
const fake = useFakeUpstream({ node: ["20.18.0", "22.11.0"], zig: ["0.13.0"] });

const storeDir = (tool: string, version: string) => new RegExp(`/store/[0-9a-z]{32}-${tool}-${version.replace(/\./g, "\\.")}/`);

for (const kind of KINDS) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);
    const cli = () => `${word(kind, process.execPath)} ${word(kind, devenvBin)}`;
    const shellP = (s: ShellSession, tools: string) => s.run(s.subshellLine(`${cli()} shell -p ${tools}`), { timeoutMs: 60_000 });
    const echoVar = (name: string) => (kind === "fish" ? `echo "$${name}"` : `echo "\${${name}-}"`);
    /** `which node` as this shell sees it, and the first PATH entry. */
    const firstNode = async (s: ShellSession) => (await s.run("command -v node")).trim();

    test("in a project entered by the hook: the -p tool is first at every prompt of the subshell (whose rc loads the hook), the project's variables stay; exit restores the shell exactly", async () => {
      const proj = join(world.workDir("in-project"), "proj");
      await world.sb.writeConfig(config({ tools: { node: "20", zig: "0.13" }, env: { GREETING: "hello from proj" } }), proj);
      const s = await world.shell(world.base);
      await s.run(cdCmd(kind, proj), { timeoutMs: 60_000 });
      assert.equal((await s.run("node -v")).trim(), "v20.18.0");
      const before = stable(await s.env());

      const entered = await shellP(s, "node@22");
      assert.match(entered, /devenv: a shell with node 22\.11\.0 on top of .*proj \(exit to leave\)/);
      assert.doesNotMatch(entered, /error|not allowed|command not found/i, entered);
      assert.match(await firstNode(s), storeDir("node", "22.11.0"));
      assert.equal((await s.run("node -v")).trim(), "v22.11.0");
      assert.equal((await s.run("")).trim(), "", "another prompt: the hook changes nothing and says nothing");
      assert.equal((await s.run("node -v")).trim(), "v22.11.0");
      assert.equal((await s.run(echoVar("GREETING"))).trim(), "hello from proj");
      assert.equal((await s.run("zig version")).trim(), "0.13.0", "the project's other tools are there");
      assert.equal((await s.run(echoVar("DEVENV_SHELL_ROOT"))).trim(), proj);

      await s.run("exit");
      assert.equal((await s.run("node -v")).trim(), "v20.18.0");
      assert.deepEqual(stable(await s.env()), before, "the shell is exactly as before");
    });

    test("inside the subshell, leaving and entering projects neither buries nor removes the -p tool (one the project has too included)", async () => {
      const w = world.workDir("cd-inside");
      const p20 = join(w, "p20");
      const p22 = join(w, "p22");
      await world.sb.writeConfig(config({ tools: { node: "20" } }), p20);
      await world.sb.writeConfig(config({ tools: { node: "22" } }), p22);
      const s = await world.shell(w);
      // p22's layer adds the very store dir that -p node@22 names: undoing that layer must not take it away.
      await s.run(cdCmd(kind, p22), { timeoutMs: 60_000 });
      const before = stable(await s.env());
      await shellP(s, "node@22");
      await s.run(cdCmd(kind, w));
      assert.match(await firstNode(s), storeDir("node", "22.11.0"), "left p22: node 22 still there");
      await s.run(cdCmd(kind, p20), { timeoutMs: 60_000 });
      assert.equal((await s.run("node -v")).trim(), "v22.11.0", "entered p20: node 22 still first");
      assert.match((await s.run(echoVar("DEVENV_STATE"))).trim(), /p20/, "p20's layer is applied under it");
      await s.run(cdCmd(kind, w));
      assert.equal((await s.run("node -v")).trim(), "v22.11.0");
      await s.run("exit");
      assert.deepEqual(stable(await s.env()), before, "the shell is exactly as before");
    });

    test("outside any project: the -p tools in the subshell, none after exit", async () => {
      const dir = world.workDir("no-project");
      const s = await world.shell(dir);
      const before = stable(await s.env());
      const entered = await shellP(s, "node@22 zig@0.13");
      assert.match(entered, /devenv: a shell with node 22\.11\.0, zig 0\.13\.0 \(exit to leave\)/);
      assert.match(await firstNode(s), storeDir("node", "22.11.0"));
      assert.equal((await s.run("")).trim(), "");
      assert.equal((await s.run("zig version")).trim(), "0.13.0");
      await s.run("exit");
      assert.doesNotMatch(await firstNode(s), /\/store\//);
      assert.deepEqual(stable(await s.env()), before);
    });

    test("a parent shell without the hook, a subshell whose rc loads it: the hook applies the project in the subshell, and the -p tool stays first", async () => {
      const proj = join(world.workDir("hook-only-inside"), "proj");
      await world.sb.writeConfig(config({ tools: { node: "20" }, env: { GREETING: "hello from proj" } }), proj);
      const s = await startShell(kind, { env: world.shellEnv(), cwd: proj, rc: "", subshellRc: hookRc(kind) });
      try {
        const before = stable(await s.env());
        await shellP(s, "node@22");
        assert.equal((await s.run(echoVar("DEVENV_STATE"))).trim() !== "", true, "the hook ran in the subshell and applied the project");
        assert.match(await firstNode(s), storeDir("node", "22.11.0"));
        assert.equal((await s.run("node -v")).trim(), "v22.11.0");
        assert.equal((await s.run(echoVar("GREETING"))).trim(), "hello from proj");
        await s.run("exit");
        assert.deepEqual(stable(await s.env()), before);
      } finally {
        await s.close();
      }
    });
  });
}
