/**
 * Issue 13, finding 5 in real interactive shells: entering a project whose upstream accepts and never
 * answers fails at the first prompt within the bound and shows the failure once; further Enters start
 * no process and do not hang; a change of devenv.ts or a `devenv install` tries again.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { devenvBin, runDevenv } from "../helpers/cli.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startHostile, type HostileServer } from "../support/hostile-http.js";
import { assertNoExternalRequests, installNetGuard, netGuardEnv } from "../support/net-guard.js";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";

installNetGuard();
let fake: FakeUpstream;
let hostile: HostileServer;
before(async () => {
  fake = await startFakeUpstream({ zig: ["0.13.0"] });
  hostile = await startHostile();
});
after(async () => {
  await hostile?.close();
  await fake?.close();
  assertNoExternalRequests();
});

const q = (s: string): string => {
  assert.ok(!/['\\]/.test(s), `unexpected quote or backslash in ${s}`);
  return `'${s}'`;
};

for (const kind of ["bash", "zsh", "fish"] as const satisfies readonly ShellKind[]) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed` }, () => {
    let root: string;
    let s: ShellSession | undefined;
    before(() => {
      root = mkdtempSync(join(tmpdir(), `devenv-net-${kind}-`));
    });
    after(async () => {
      await s?.close();
      rmSync(root, { recursive: true, force: true });
    });

    test("a silent upstream: the first prompt fails within the bound and says so once; Enter starts nothing; an edit or `devenv install` tries again", async () => {
      const index = `/${kind}/index.json`;
      hostile.on(index, { kind: "silent" });
      const bin = join(root, "bin");
      mkdirSync(bin);
      writeFileSync(join(bin, "devenv"), `#!/bin/sh\nexec ${q(process.execPath)} ${q(devenvBin)} "$@"\n`);
      chmodSync(join(bin, "devenv"), 0o755);
      const env: Record<string, string> = {
        PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: join(root, "home"),
        LANG: "C.UTF-8",
        DEVENV_HOME: join(root, "devenv-home"),
        DEVENV_MIRRORS: `${fake.mirrors},https://ziglang.org/download/index.json=${hostile.origin}${index}`,
        DEVENV_HTTP_FIRST_BYTE_TIMEOUT: "2",
        DEVENV_HTTP_BACKOFF_MS: "5",
        NO_PROXY: "127.0.0.1,localhost,::1",
        ...(netGuardEnv(process.env) as Record<string, string>),
      };
      mkdirSync(env.HOME!);
      const dir = join(root, "project");
      mkdirSync(dir);
      const config = `export default { tools: { zig: "0.13" }, env: { NET_TEST: "1" } };\n`;
      writeFileSync(join(dir, "devenv.ts"), config);
      assert.equal((await runDevenv(["allow"], { cwd: dir, env })).code, 0);

      const hook = kind === "fish" ? "devenv hook fish | source" : `eval "$(devenv hook ${kind})"`;
      s = await startShell(kind, { env, cwd: root, rc: hook, timeoutMs: 30_000 });
      const t = Date.now();
      const out = await s.run(`cd ${q(dir)}`);
      const took = Date.now() - t;
      const line = `devenv: ${dir}: ${hostile.host} did not answer: no response to ${hostile.origin}${index} within 2 s\n`;
      assert.ok(out.startsWith(line), JSON.stringify(out));
      assert.match(out, /DEVENV_HTTP_FIRST_BYTE_TIMEOUT/);
      assert.equal(out.split("did not answer").length, 2, `said once: ${JSON.stringify(out)}`);
      assert.ok(took < 10_000, `the first prompt took ${took} ms`);
      assert.equal(hostile.hits(index), 1);
      assert.equal(await s.variable("NET_TEST"), undefined, "nothing applied");

      // Further Enters: no message, no process, no request.
      assert.equal(await s.run(""), "");
      assert.deepEqual(await s.processesDuring(""), [], "Enter starts no process");
      assert.equal(await s.run("cd .."), "");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "coming back: not again");
      assert.equal(hostile.hits(index), 1, "no new request");

      // devenv.ts changed: the next prompt tries again (and fails again within the bound).
      writeFileSync(join(dir, "devenv.ts"), config);
      const t2 = Date.now();
      await s.run("");
      assert.ok(Date.now() - t2 < 10_000);
      assert.equal(hostile.hits(index), 2, "retried after the edit");
      assert.equal(await s.run(""), "");
      assert.equal(hostile.hits(index), 2);

      // The upstream answers again; `devenv install` installs, and the next prompt activates.
      hostile.on(index, { kind: "serve", body: (await fake.get("/ziglang.org/download/index.json"))! });
      const installed = await s.run("devenv -q install");
      assert.match(installed, /installed 1 tool\n/, installed);
      assert.equal(await s.variable("NET_TEST"), "1", "active at the prompt after the install");
      assert.equal(await s.run("zig version"), "0.13.0\n");
    });
  });
}
