/**
 * `devenv env` in a real shell whose hook already applied the project (issue 15, item 4): it
 * printed nothing (`--json`: `{}`) because every variable already had its value. It prints the
 * project's environment whether or not a hook applied it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { devenvBin } from "../helpers/cli.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd, config, word } from "../support/shell-words.js";

installNetGuard();

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"] });
});
after(async () => {
  await fake?.close();
  assertNoExternalRequests();
});

/** Long enough that the hook keeps it in a value file (a reference in DEVENV_STATE), not inline. */
const LONG = "0123456789abcdef".repeat(400);

for (const kind of ["bash", "zsh", "fish"] as const satisfies readonly ShellKind[]) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);
    const cli = () => `${word(kind, process.execPath)} ${word(kind, devenvBin)}`;

    test("devenv env inside the hooked project prints the project's environment, as outside a hook", async () => {
      const w = world.workDir("env");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "hello", LONG } }), proj);
      // The user's own value of a variable the project sets: the project's value is what env prints.
      const env = world.shellEnv({ GREETING: "the user's" });
      const plain = await world.sb.run(["env", "--json"], { cwd: proj, env });
      assert.equal(plain.code, 0, plain.stderr);
      const expected = JSON.parse(plain.stdout) as Record<string, string>;
      assert.equal(expected.GREETING, "hello");
      assert.match(expected.PATH ?? "", /-zig-0\.13\.0:/);

      const s = await world.shell(w, env);
      await s.run(cdCmd(kind, proj));
      assert.equal(await s.variable("GREETING"), "hello", "the hook applied the project");
      assert.ok((await s.variable("DEVENV_STATE"))?.includes("\x1d2"), "LONG is kept in a value file");
      const inside = await s.run(`${cli()} env --json`);
      assert.deepEqual(JSON.parse(inside), expected, inside);
      // The shell syntax too: the same assignments a shell without the hook gets.
      const sh = kind === "fish" ? "fish" : "bash";
      const plainSh = await world.sb.run(["env", "--shell", sh], { cwd: proj, env });
      assert.equal(await s.run(`${cli()} env --shell ${sh}`), plainSh.stdout);

      // A value the user changed inside is theirs: env prints the project's value for it again.
      await s.run(kind === "fish" ? "set -gx GREETING changed" : "export GREETING=changed");
      assert.equal(JSON.parse(await s.run(`${cli()} env --json`)).GREETING, "hello");
    });
  });
}
