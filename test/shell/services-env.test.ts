/**
 * A project with services, entered through the real hook: the shell gets the ports the project's
 * processes use (and Postgres's client variables), and nothing is started by the cd (devbox#1026).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { assertNoExternalRequests, installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd } from "../support/shell-words.js";

installNetGuard();

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"] });
});
after(async () => {
  await fake?.close();
  assertNoExternalRequests();
});

for (const kind of ["bash", "zsh", "fish"] as const satisfies readonly ShellKind[]) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);

    test("cd into a project with processes: <NAME>_PORT exported for each process with a port, nothing started; cd out restores", async () => {
      const w = world.workDir("services");
      const proj = join(w, "shop app");
      await world.sb.writeConfig(
        `export default { tools: { zig: "0.13" }, processes: { "web-ui": { command: "sleep 1000", port: "auto" }, worker: { command: "sleep 1000" } } };\n`,
        proj,
      );
      const env = world.shellEnv();
      const s = await world.shell(w, env);
      await s.run(cdCmd(kind, proj));
      const port = await s.variable("WEB_UI_PORT");
      assert.match(port ?? "", /^\d+$/, `WEB_UI_PORT=${port}`);
      assert.equal(await s.variable("WORKER_PORT"), undefined);
      const ps = await world.sb.run(["ps", "--json"], { cwd: proj, env });
      assert.equal(ps.code, 0, ps.stderr);
      const status = JSON.parse(ps.stdout) as { state: string; processes: unknown[] };
      assert.equal(status.state, "down", ps.stdout);
      assert.deepEqual(status.processes, []);
      await s.run(cdCmd(kind, w));
      assert.equal(await s.variable("WEB_UI_PORT"), undefined, "restored on leaving");
      // The same port the next time: it was picked once for this checkout.
      await s.run(cdCmd(kind, proj));
      assert.equal(await s.variable("WEB_UI_PORT"), port);
    });
  });
}
