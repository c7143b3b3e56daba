/**
 * Large environment values in REAL bash, zsh and fish (issue 13, finding 6). Two 70 KB values
 * once made every external command in the project fail ("Argument list too long"): DEVENV_STATE
 * held both, past the kernel's 128 KiB per variable. Now the hooks keep long values in files of
 * the state dir and DEVENV_STATE stays small; a value the kernel would refuse is refused by devenv
 * before anything is applied, with the variable named.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd, config, hookRc, stable } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();

const KINDS: readonly ShellKind[] = ["bash", "zsh", "fish"];

const fake = useFakeUpstream({ zig: ["0.13.0"] });

/** n bytes of a repeated pattern (ASCII, so bytes = characters), cut to length. */
const filler = (pattern: string, n: number) => pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n);
const BIG1 = filler("0123456789abcdef", 70_000);
// Separators, newlines, quotes and the hooks' own escape sequences inside a long value.
const BIG2 = filler("line\n\x1f\x1d0\x1d2 'q' \"d\" $x \\ ", 70_000);
const USERS_BIG2 = filler("the user's own value ", 60_000);
/** Each short enough to keep inline, together past a layer's inline budget: some go to files. */
const MEDIUM = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`MEDIUM_${i}`, filler(`${i}ab\n`, 3000)]));

for (const kind of KINDS) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);
    const { shellEnv, shell } = world;

    test("two 70 KB values: external commands work inside, leaving restores exactly, a subshell inherits and can leave", async () => {
      const w = join(world.base, "big");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { BIG1, BIG2, SMALL: "small", ...MEDIUM } }), proj);
      // The user's own long value of a variable the project sets: kept exactly for undo too.
      const s = await shell(w, { ...shellEnv(), BIG2: USERS_BIG2 });
      const outside = await s.env();
      assert.equal(outside.BIG2, USERS_BIG2);

      await s.run(cdCmd(kind, proj));
      assert.equal(await s.run("/bin/echo external ok"), "external ok\n", `an external command runs inside\n${s.transcript().slice(-2000)}`);
      assert.equal(await s.run("zig version"), "0.13.0\n");
      const inside = await s.env();
      assert.equal(inside.BIG1, BIG1);
      assert.equal(inside.BIG2, BIG2);
      assert.equal(inside.SMALL, "small");
      for (const [k, v] of Object.entries(MEDIUM)) assert.equal(inside[k], v, k);
      assert.ok(Buffer.byteLength(inside.DEVENV_STATE ?? "") < 24 * 1024, `DEVENV_STATE stays small: ${Buffer.byteLength(inside.DEVENV_STATE ?? "")} bytes`);
      assert.ok(readdirSync(join(world.sb.home, "state", "hook-values")).length >= 2, "the long values are kept in files");
      assert.equal(await s.run(""), "", "the next prompt prints nothing");
      assert.deepEqual(await s.processesDuring(""), [], "nor starts a process");

      await s.run(cdCmd(kind, w));
      assert.deepEqual(stable(await s.env()), stable(outside), "leaving restores exactly (the user's long BIG2 too)");
      assert.deepEqual(await s.processesDuring(cdCmd(kind, proj)), [], "re-entering with a fresh cache starts no process");
      // (DEVENV_STATE names a new file for the user's BIG2: each entry saves the value it replaces.)
      assert.deepEqual(stable(await s.env(), ["DEVENV_STATE"]), stable(inside, ["DEVENV_STATE"]), "re-entering gives the same environment");

      // A shell started from inside (a subshell, a new tmux pane) inherits DEVENV_STATE: it
      // neither applies twice nor loses track, and leaving restores the values from before.
      const sub = await shell(proj, inside);
      assert.equal(await sub.run("/bin/echo sub ok"), "sub ok\n", sub.transcript().slice(-2000));
      assert.deepEqual(stable(await sub.env()), stable(inside), "the inheriting shell keeps the project exactly once");
      await sub.run(cdCmd(kind, w));
      assert.deepEqual(stable(await sub.env()), stable(outside), "the inheriting shell restores exactly on leaving");

      await s.run(cdCmd(kind, w));
      assert.deepEqual(stable(await s.env()), stable(outside));
    });

    test("a value the kernel would refuse is refused up front, with the variable named, by the hook and by devenv exec/env", async () => {
      const w = join(world.base, "too-big");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ env: { TOO_BIG: filler("x", 128 * 1024), FINE: "fine" } }), proj);
      const s = await shell(w);
      const outside = await s.env();
      const out = await s.run(cdCmd(kind, proj));
      assert.match(out, /devenv\.ts: env\.TOO_BIG: TOO_BIG=… would be 128\.0 KiB; the kernel refuses/, `the refusal is shown\n${s.transcript().slice(-2000)}`);
      assert.equal(await s.run("/bin/echo still ok"), "still ok\n", "commands keep working");
      assert.equal(await s.run(""), "", "the refusal is shown once");
      assert.deepEqual(stable(await s.env()), stable(outside), "nothing of the project is applied");

      for (const args of [["exec", "true"], ["env"]]) {
        const r = await world.sb.run(args, { cwd: proj });
        assert.equal(r.code, 1, `devenv ${args.join(" ")}: ${r.stdout} ${r.stderr}`);
        assert.match(r.stderr, /devenv\.ts: env\.TOO_BIG: TOO_BIG=… would be 128\.0 KiB; the kernel refuses/);
      }
    });
  });
}
