/**
 * Commands that say what is wrong, in real shells whose hook applied the project (issue 15, item
 * 4): `devenv env` printed nothing there (`--json`: `{}`) because every variable already had its
 * value; it prints the project's environment whether or not a hook applied it. `devenv status`
 * says why the shell still has the environment it shows (an unallowed edit, a syntax error).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
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

    test("devenv status in the shell: a hand-edited devenv.ts keeps the allowed environment and says so; a syntax error exits 1", async () => {
      const w = world.workDir("status");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "hello" } }), proj);
      const s = await world.shell(proj);
      assert.equal(await s.variable("GREETING"), "hello");
      const rc = kind === "fish" ? "; echo rc=$status" : "; echo rc=$?";

      writeFileSync(join(proj, "devenv.ts"), config({ tools: { zig: "0.13" }, env: { GREETING: "edited" } }));
      assert.equal(await s.run(""), `devenv: ${proj}/devenv.ts is not allowed; run 'devenv allow' (keeping the environment of the content you allowed)\n`);
      assert.equal(await s.variable("GREETING"), "hello", "the allowed content's environment stays");
      const edited = await s.run(`${cli()} status${rc}`);
      assert.ok(edited.includes(`active: ${proj}\n  zig@0.13.0\n  GREETING=hello\n`), edited);
      assert.ok(edited.includes(`not allowed: ${proj}: devenv.ts changed since it was allowed (this shell keeps the environment shown above); run 'devenv allow'\nrc=0\n`), edited);

      // Allowed with a syntax error: the hook keeps the last good environment; status says why, exit 1.
      await world.sb.writeConfig(`export default { env: { GREETING: "x" ;\n`, proj);
      await s.run("");
      const broken = await s.run(`${cli()} status${rc}`);
      assert.ok(broken.includes(`  GREETING=hello\n`), broken);
      assert.match(broken, new RegExp(`\nconfig error: ${proj}/devenv\\.ts:1:\\d+: .* \\(this shell keeps the environment shown above\\)\nrc=1\n$`));
    });
  });
}
