/** Self-test of test/support/shell-session.ts against real interactive bash, zsh and fish. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { waitFor } from "../support/wait.js";

const HOOKS: Record<ShellKind, string> = {
  bash: "__t_hook() { echo hooked; }\nPROMPT_COMMAND='__t_hook'",
  zsh: "__t_hook() { echo hooked; }\nprecmd_functions+=(__t_hook)",
  fish: "function __t_hook --on-event fish_prompt\n    echo hooked\nend",
};

/** Command names of the live children of `pid`. */
function childrenOf(pid: number): string[] {
  const names: string[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "latin1");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) names.push(stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
    } catch {
      /* gone */
    }
  }
  return names;
}

const TRICKY = `spaces  and\nnewline "double" 'single' $HOME \\back\\slash ünïcödé €`;

for (const kind of ["bash", "zsh", "fish"] as const) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed` }, () => {
    let dir: string;
    let plain: ShellSession | undefined;
    let hooked: ShellSession | undefined;
    const baseEnv = (): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: join(dir, "home"),
      LANG: "C.UTF-8",
      TRICKY,
    });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `devenv-harness-${kind}-`));
      [plain, hooked] = await Promise.all([
        startShell(kind, { env: baseEnv(), cwd: dir }),
        startShell(kind, { env: baseEnv(), cwd: dir, rc: HOOKS[kind] }),
      ]);
    });
    after(async () => {
      await Promise.all([plain?.close(), hooked?.close()]);
      rmSync(dir, { recursive: true, force: true });
    });

    test("run returns exactly what the command printed", async () => {
      const s = plain!;
      assert.ok(s.pid > 0);
      assert.equal(await s.run("echo hi"), "hi\n", s.transcript());
      assert.equal(await s.run("printf 'a\\nb'"), "a\nb", s.transcript());
      assert.equal(await s.run(""), "", s.transcript());
      assert.equal(await s.run("echo err >&2"), "err\n", s.transcript());
    });

    test("prompt-hook output lands in run()'s result", async () => {
      const s = hooked!;
      assert.equal(s.startup, "hooked\n", s.transcript());
      assert.equal(await s.run(""), "hooked\n", s.transcript());
      assert.equal(await s.run("echo hi"), "hi\nhooked\n", s.transcript());
    });

    test("env() round-trips exported values exactly", async () => {
      const s = plain!;
      const env = await s.env();
      assert.equal(env.TRICKY, TRICKY);
      assert.equal(env.TERM, "dumb");
      assert.equal(await s.variable("TRICKY"), TRICKY);
      assert.equal(await s.variable("DEVENV_HARNESS_NOT_SET"), undefined);
      // The harness's own launch plumbing does not leak into the environment.
      assert.equal(env.ZDOTDIR, undefined);
      assert.notEqual(env.SHELL, "/bin/sh");
    });

    test("processesDuring sees external commands but not pure-shell hooks", async () => {
      const s = hooked!;
      assert.deepEqual(await s.processesDuring(""), [], s.transcript());
      const lines = await s.processesDuring("/bin/true");
      assert.ok(lines.some((l) => /execve\("\/bin\/true"/.test(l)), lines.join("\n"));
      assert.equal(await s.run("echo still"), "still\nhooked\n", s.transcript());
    });

    test("interrupt() stops a running command and the shell keeps working", async () => {
      const s = plain!;
      const started = Date.now();
      const sleeping = s.run("sleep 30", { timeoutMs: 25_000 });
      await waitFor("sleep to start", () => childrenOf(s.pid).includes("sleep"), 10_000);
      const [viaRun, viaInterrupt] = await Promise.all([sleeping, s.interrupt({ timeoutMs: 5000 })]);
      assert.equal(viaRun, viaInterrupt);
      assert.ok(Date.now() - started < 10_000, `interrupt took ${Date.now() - started} ms`);
      assert.deepEqual(childrenOf(s.pid), []);
      assert.equal(await s.run("echo ok"), "ok\n", s.transcript());
    });
  });
}
