/**
 * Catalogue tools through the real hook, as built-in ones: cd into a project whose devenv.ts names a
 * catalogue tool (and a github: one), and the hook installs and activates them; cd out restores PATH.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { seedCatalog } from "../support/catalog-cache.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd } from "../support/shell-words.js";

installNetGuard();

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ catalog: { only: ["jq", "fzf"] } });
});
after(async () => {
  await fake?.close();
  assertNoExternalRequests();
});

for (const kind of ["bash", "zsh", "fish"] as const satisfies readonly ShellKind[]) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);

    test("cd into a project with a catalogue tool and a github: tool: installed, on PATH; cd out restores", async () => {
      await seedCatalog(world.sb.home);
      const w = world.workDir("catalog");
      const proj = join(w, "json tools");
      await world.sb.writeConfig(`export default { tools: { jq: "1.7", fzf: { version: "0.53", github: "junegunn/fzf" } } };\n`, proj);
      const env = world.shellEnv();
      const s = await world.shell(w, env);
      const pathBefore = await s.variable("PATH");
      await s.run(cdCmd(kind, proj));
      assert.match(await s.run("jq --version"), /jq-1\.7\.1/);
      assert.match(await s.run("fzf --version"), /0\.53\.0/);
      await s.run(cdCmd(kind, w));
      assert.equal(await s.variable("PATH"), pathBefore, "PATH restored on leaving");
    });
  });
}
