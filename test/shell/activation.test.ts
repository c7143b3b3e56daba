/**
 * Shell activation in REAL interactive bash, zsh and fish (driven in a pty by
 * test/support/shell-session.ts): the "Behaviours to cover" 1–8 of ../shared/ACTIVATION.md.
 * Tools come from a loopback fake of the real upstreams; each shell kind gets its own DEVENV_HOME,
 * so tools install once per kind and every test works in directories of its own.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sandbox } from "../helpers/cli.js";
import { startFakeUpstream } from "../support/fake-upstream.js";
import { installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { SYS_PATH, useShellWorld } from "../support/shell-world.js";
import { cdCmd, config, exportCmd, word } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();

const KINDS: readonly ShellKind[] = ["bash", "zsh", "fish"];

const fake = useFakeUpstream({ zig: ["0.13.0", "0.14.1"] });

// ---- shell syntax --------------------------------------------------------------------------

const setPathCmd = (kind: ShellKind, dirs: string[]) =>
  kind === "fish" ? `set -gx PATH ${dirs.map((d) => word(kind, d)).join(" ")}` : `export PATH=${word(kind, dirs.join(":"))}`;
/** A shell variable that is set but not exported. */
const setLocalCmd = (kind: ShellKind, name: string, value: string) =>
  kind === "fish" ? `set -g ${name} ${word(kind, value)}` : `${name}=${word(kind, value)}`;

const IGNORED = new Set(["PWD", "OLDPWD", "_"]);
const comparable = (env: Record<string, string>, extra: string[] = []): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (!IGNORED.has(k) && !extra.includes(k)) out[k] = v;
  return out;
};
const pathOf = (env: Record<string, string>) => (env.PATH ?? "").split(":");
const zigDir = (version: string) => new RegExp(`/store/[0-9a-z]{32}-zig-${version.replace(/\./g, "\\.")}$`);

/** Output of the hook that must never appear: errors, trust warnings, shell syntax errors. */
const assertQuiet = (out: string, s: ShellSession) =>
  assert.doesNotMatch(out, /error|not allowed|not installed|command not found|unknown command|syntax|bad /i, `unexpected output:\n${out}\n--- transcript ---\n${s.transcript()}`);

for (const kind of KINDS) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);
    const { workDir } = world;
    const shell = async (cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<ShellSession> => {
      const s = await world.shell(cwd, world.shellEnv(extra));
      assertQuiet(s.startup, s);
      return s;
    };
    const zigVersion = async (s: ShellSession) => (await s.run("zig version 2>&1")).trim();

    test("enter: tools and vars set; the next prompt prints nothing and forks nothing; leave: exact restore", async () => {
      const w = workDir("enter");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "hi" } }), proj);
      const s = await shell(w);
      const outside = await s.env();
      assert.equal(outside.GREETING, undefined);
      assert.equal(outside.DEVENV_STATE, undefined);
      const noZig = "command -v zig || echo no-zig";
      assert.equal(await s.run(noZig), "no-zig\n", "zig must not be on the test PATH");

      assertQuiet(await s.run("cd proj"), s);
      assert.equal(await zigVersion(s), "0.13.0", s.transcript());
      const inside = await s.env();
      assert.equal(inside.GREETING, "hi");
      assert.match(pathOf(inside)[0]!, zigDir("0.13.0"));
      assert.deepEqual(pathOf(inside).slice(1), pathOf(outside), "only the tool dir is added to PATH");
      assert.ok(inside.DEVENV_STATE, "DEVENV_STATE is exported inside");

      assert.equal(await s.run(""), "", "the next prompt prints nothing");
      assert.deepEqual(await s.processesDuring(""), [], "the next prompt starts no process");
      assert.deepEqual(comparable(await s.env()), comparable(inside), "an unchanged prompt changes nothing");

      assertQuiet(await s.run("cd .."), s);
      assert.deepEqual(comparable(await s.env()), comparable(outside), "leaving restores the environment exactly");
      assert.deepEqual(await s.processesDuring(""), [], "a prompt outside any project starts no process");
      assert.equal(await s.run(noZig), "no-zig\n");

      // Coming back uses the cached activation: no devenv process at all.
      assert.deepEqual(await s.processesDuring("cd proj"), [], "re-entering with a fresh cache starts no process");
      assert.deepEqual(comparable(await s.env()), comparable(inside));
    });

    test("edits to devenv.ts (two within one second) and to devenv.lock are picked up at the next prompt", async () => {
      const w = workDir("edit");
      const proj = join(w, "proj");
      const ts = join(proj, "devenv.ts");
      const lockFile = join(proj, "devenv.lock");
      await world.sb.writeConfig(config({ tools: { zig: "0" }, env: { GREETING: "zero" } }), proj);
      const s = await shell(proj);
      assert.equal(await s.variable("GREETING"), "zero", s.transcript());
      assert.equal(await zigVersion(s), "0.14.1", "newest zig matching '0' on first visit");

      // Two edits within the same wall-clock second, a prompt after each (direnv misses the second).
      // The first edit is made just after a second begins; once its prompt is done, still in that
      // second, the second edit is dated at that moment (a real edit made then carries it; under
      // load the write itself may land in the next second). If the prompt took the second past, again.
      let first = 0;
      let afterPrompt = 0;
      for (let attempt = 1; ; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
        await world.sb.writeConfig(config({ tools: { zig: "0" }, env: { GREETING: "one" } }), proj);
        first = statSync(ts).mtimeMs;
        assertQuiet(await s.run(""), s);
        assert.equal(await s.variable("GREETING"), "one", s.transcript());
        afterPrompt = Date.now();
        if (Math.floor(afterPrompt / 1000) === Math.floor(first / 1000) && afterPrompt % 1000 < 950) break;
        assert.ok(attempt < 8, "the edit and its prompt never fitted in one second (machine too loaded)");
      }
      await world.sb.writeConfig(config({ tools: { zig: "0" }, env: { GREETING: "two" } }), proj);
      const second = Math.max(afterPrompt, first + 1);
      utimesSync(ts, new Date(second), new Date(second));
      assert.equal(Math.floor(statSync(ts).mtimeMs / 1000), Math.floor(first / 1000), "both edits carry the same second");
      assert.ok(statSync(ts).mtimeMs > first);
      assertQuiet(await s.run(""), s);
      assert.equal(await s.variable("GREETING"), "two", s.transcript());
      assert.deepEqual(await s.processesDuring(""), [], "after the reloads, prompts are quiet again");

      // devenv.lock replaced by one made elsewhere (zig 0.13.0 for the same request '0').
      const old = await startFakeUpstream({ zig: ["0.13.0"] });
      try {
        const sb2 = sandbox(old.mirrors);
        const other = join(dirname(sb2.project), "other");
        await sb2.writeConfig(readFileSync(ts, "utf8"), other);
        const r = await sb2.run(["lock"], { cwd: other });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(readFileSync(join(other, "devenv.lock"), "utf8")).tools.zig.version, "0.13.0");
        copyFileSync(join(other, "devenv.lock"), lockFile);
        rmSync(dirname(sb2.project), { recursive: true, force: true });
      } finally {
        await old.close();
      }
      const lockText = readFileSync(lockFile, "utf8");
      assertQuiet(await s.run(""), s);
      assert.equal(await zigVersion(s), "0.13.0", `the replaced devenv.lock is used\n${s.transcript()}`);
      assert.match(pathOf(await s.env())[0]!, zigDir("0.13.0"));
      assert.equal(readFileSync(lockFile, "utf8"), lockText, "a lock satisfying devenv.ts is kept as it is");
      assert.equal(pathOf(await s.env()).filter((d) => /-zig-/.test(d)).length, 1, "the old zig dir is gone from PATH");

      // A new range: the hook relocks (writing devenv.lock) and the next prompt is quiet.
      await world.sb.writeConfig(config({ tools: { zig: "0.14" }, env: { GREETING: "fourteen" } }), proj);
      assertQuiet(await s.run(""), s);
      assert.equal(await zigVersion(s), "0.14.1");
      assert.equal(JSON.parse(readFileSync(lockFile, "utf8")).tools.zig.version, "0.14.1");
      assert.equal(await s.variable("GREETING"), "fourteen");
      assert.deepEqual(await s.processesDuring(""), [], "the hook's own write of devenv.lock does not cause another reload");
    });

    test("a devenv.ts appearing in the cwd or an ancestor is picked up at the next prompt; a removed one unloads", async () => {
      const w = workDir("appear");
      const here = join(w, "here");
      mkdirSync(here);
      const s = await shell(here);
      assertQuiet(await s.run(""), s);
      const outside = await s.env();

      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "appeared" } }), here);
      assertQuiet(await s.run(""), s);
      assert.equal(await s.variable("GREETING"), "appeared", s.transcript());
      assert.equal(await zigVersion(s), "0.13.0");
      unlinkSync(join(here, "devenv.ts"));
      assertQuiet(await s.run(""), s);
      assert.deepEqual(comparable(await s.env()), comparable(outside), "a deleted devenv.ts unloads exactly");

      // In an ancestor, first not allowed (one warning, nothing applied), then allowed.
      const top = join(w, "top");
      const deep = join(top, "a", "b");
      mkdirSync(deep, { recursive: true });
      assertQuiet(await s.run(cdCmd(kind, deep)), s);
      const before2 = await s.env();
      writeFileSync(join(top, "devenv.ts"), config({ tools: { zig: "0.14" }, env: { GREETING: "ancestor" } }));
      const warned = await s.run("");
      assert.match(warned, /not allowed/, `an unallowed devenv.ts above is noticed\n${s.transcript()}`);
      assert.equal(await s.run(""), "", "the warning is shown once");
      assert.deepEqual(comparable(await s.env()), comparable(before2), "nothing is applied before it is allowed");
      const r = await world.sb.run(["allow", top], { cwd: top });
      assert.equal(r.code, 0, r.stderr);
      assertQuiet(await s.run(""), s);
      assert.equal(await s.variable("GREETING"), "ancestor", s.transcript());
      assert.equal(await zigVersion(s), "0.14.1");
    });

    test("nested A ⊃ B: A → B → A → out restores each layer; A → C and B → C jump directly", async () => {
      const w = workDir("nested");
      const A = join(w, "A");
      const B = join(A, "B");
      const C = join(w, "C");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { A_VAR: "a", SHARED: "fromA" } }), A);
      await world.sb.writeConfig(config({ tools: { zig: "0.14" }, env: { B_VAR: "b", SHARED: "fromB" } }), B);
      await world.sb.writeConfig(config({ tools: { zig: "0.14" }, env: { C_VAR: "c", SHARED: "fromC" } }), C);
      const s = await shell(w);
      const out = await s.env();
      const cd = async (dir: string) => assertQuiet(await s.run(cdCmd(kind, dir)), s);

      await cd(A);
      const envA = await s.env();
      assert.equal(envA.SHARED, "fromA");
      assert.equal(await zigVersion(s), "0.13.0");
      await cd(B);
      const envB = await s.env();
      assert.equal(await zigVersion(s), "0.14.1", "B's tools come first");
      assert.match(pathOf(envB)[0]!, zigDir("0.14.1"));
      assert.match(pathOf(envB)[1]!, zigDir("0.13.0"));
      assert.deepEqual(pathOf(envB).slice(2), pathOf(out));
      assert.equal(envB.A_VAR, "a");
      assert.equal(envB.B_VAR, "b");
      assert.equal(envB.SHARED, "fromB");

      await cd(A);
      assert.deepEqual(comparable(await s.env()), comparable(envA), "B → A gives A's environment exactly");
      assert.deepEqual(await s.processesDuring(cdCmd(kind, B)), [], "switching between cached layers starts no process");
      assert.deepEqual(comparable(await s.env()), comparable(envB), "A → B again gives B's environment exactly");
      await cd(w);
      assert.deepEqual(comparable(await s.env()), comparable(out), "B → out undoes both layers exactly");
      await cd(A);
      assert.deepEqual(comparable(await s.env()), comparable(envA));
      await cd(w);
      assert.deepEqual(comparable(await s.env()), comparable(out), "A → out restores exactly");

      await cd(C);
      const envC = await s.env();
      assert.equal(envC.SHARED, "fromC");
      assert.equal(envC.A_VAR, undefined);
      assert.equal(await zigVersion(s), "0.14.1");
      assert.deepEqual(pathOf(envC).slice(1), pathOf(out));
      await cd(A);
      assert.deepEqual(comparable(await s.env()), comparable(envA), "C → A directly");
      await cd(C);
      assert.deepEqual(comparable(await s.env()), comparable(envC), "A → C directly");
      await cd(B);
      assert.deepEqual(comparable(await s.env()), comparable(envB), "C → B (two layers) directly");
      await cd(C);
      assert.deepEqual(comparable(await s.env()), comparable(envC), "B → C directly");
      await cd(w);
      assert.deepEqual(comparable(await s.env()), comparable(out));
    });

    test("PATH edited inside (prepend, append, reorder) survives leaving and reloading; a tool dir already on PATH stays put", async () => {
      const w = workDir("path");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { RELOAD: "1" } }), proj);
      const sys = SYS_PATH.split(":");
      const basePath = ["/opt/b1", "/opt/b2", ...sys];
      const s = await shell(w, { PATH: basePath.join(":") });
      assertQuiet(await s.run(cdCmd(kind, proj)), s);
      const inside = pathOf(await s.env());
      const T = inside[0]!;
      assert.match(T, zigDir("0.13.0"));
      assert.deepEqual(inside, [T, ...basePath]);

      // The user prepends, appends and swaps two entries of their own.
      const edited = ["/opt/pre", T, "/opt/b2", "/opt/b1", ...sys, "/opt/app"];
      assertQuiet(await s.run(setPathCmd(kind, edited)), s);
      assert.deepEqual(pathOf(await s.env()), edited);
      assertQuiet(await s.run(""), s);
      assert.deepEqual(pathOf(await s.env()), edited, "a prompt does not touch the user's PATH");

      // Reload (devenv.ts edited): the user's entries all stay, in their order; the tool dir once.
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { RELOAD: "2" } }), proj);
      assertQuiet(await s.run(""), s);
      const reloaded = await s.env();
      assert.equal(reloaded.RELOAD, "2", s.transcript());
      assert.deepEqual(pathOf(reloaded).filter((d) => d !== T), edited.filter((d) => d !== T), "the user's PATH edits survive a reload");
      assert.equal(pathOf(reloaded).filter((d) => d === T).length, 1);
      assert.equal(await zigVersion(s), "0.13.0");

      assertQuiet(await s.run(cdCmd(kind, w)), s);
      assert.deepEqual(pathOf(await s.env()), edited.filter((d) => d !== T), "leaving removes exactly the tool dir");

      // The tool dir already on PATH (in the middle): neither duplicated on entering nor removed on leaving.
      const withT = ["/opt/b1", T, ...sys];
      assertQuiet(await s.run(setPathCmd(kind, withT)), s);
      assertQuiet(await s.run(cdCmd(kind, proj)), s);
      const e = await s.env();
      assert.equal(e.RELOAD, "2", "the project is active");
      assert.deepEqual(pathOf(e), withT, "not added a second time");
      assert.equal(await zigVersion(s), "0.13.0");
      assertQuiet(await s.run(cdCmd(kind, w)), s);
      const left = await s.env();
      assert.equal(left.RELOAD, undefined);
      assert.deepEqual(pathOf(left), withT, "a dir the user had before is not removed");
    });

    test("a variable the user changes inside keeps the user's value on leaving; everything else is restored", async () => {
      const w = workDir("user-value");
      const proj = join(w, "proj");
      const env = { GREETING: "hi", WAS_SET: "project", EMPTIED: "e", UNTOUCHED: "u" };
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env }), proj);
      const s = await shell(w, { WAS_SET: "before" });
      const outside = await s.env();
      assertQuiet(await s.run(cdCmd(kind, proj)), s);
      const inside = await s.env();
      for (const [k, v] of Object.entries(env)) assert.equal(inside[k], v, `${k} inside\n${s.transcript()}`);
      assert.match(pathOf(inside)[0]!, zigDir("0.13.0"));

      // By hand: a value the project introduced, one it replaced, one emptied.
      const mine = { GREETING: "mine", WAS_SET: "also mine\nwith a newline", EMPTIED: "" };
      for (const [k, v] of Object.entries(mine)) assertQuiet(await s.run(exportCmd(kind, k, v)), s);
      assertQuiet(await s.run(""), s);
      assertQuiet(await s.run(cdCmd(kind, w)), s);
      const left = await s.env();
      for (const [k, v] of Object.entries(mine)) assert.equal(left[k], v, `${k}: the user's value stays on leaving\n${s.transcript()}`);
      const others = Object.keys(mine);
      assert.deepEqual(comparable(left, others), comparable(outside, others), "PATH, UNTOUCHED and DEVENV_STATE are restored exactly");

      // Coming back sets the project's values again; leaving untouched gives the user's back.
      assertQuiet(await s.run(cdCmd(kind, proj)), s);
      assert.deepEqual(comparable(await s.env(), ["DEVENV_STATE"]), comparable(inside, ["DEVENV_STATE"]), s.transcript());
      assertQuiet(await s.run(cdCmd(kind, w)), s);
      assert.deepEqual(comparable(await s.env()), comparable(left), "the second leave restores the user's values");
    });

    test("unusual paths and values round-trip exactly; set, empty and unset are restored as they were", async () => {
      const w = workDir("unusual");
      const values: Record<string, string> = {
        V_SPACES: "  two  spaces  ",
        V_QUOTES: `"double" 'single' \`back\``,
        V_DOLLAR: "$HOME $(echo no) ${HOME} $1 $",
        V_BACKSLASH: "a\\b\\\\c\\n\\",
        V_NEWLINES: "line1\nline2\n\n",
        V_UTF8: "ünïcödé € 日本 🙂",
        V_EMPTY: "",
        V_GLOB: "* ? [ab] ~",
        V_DASH: "-n",
        V_TAB: "a\tb",
        V_SEPARATORS: "x\x1dy\x1fz\x1d1\x1d0",
        V_ROOT: "${root}/sub",
        WAS_EMPTY: "now set",
        WAS_UNSET: "now set",
        WAS_SET: "",
        OLD_TRICKY: "replaced",
        NOT_EXPORTED: "exported by devenv",
      };
      const names = [`sp ace 'single' "double" $HOME \\back ünï€`, "new\nline ü"];
      const oldTricky = "old\n'v' $x \\ ü";
      for (const name of names) {
        const proj = join(w, name);
        await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: values }), proj);
      }
      const s = await shell(w, { WAS_EMPTY: "", WAS_SET: "was set", OLD_TRICKY: oldTricky });
      assertQuiet(await s.run(setLocalCmd(kind, "NOT_EXPORTED", "local value")), s);
      const outside = await s.env();
      assert.equal(outside.WAS_EMPTY, "");
      assert.equal(outside.WAS_UNSET, undefined);
      assert.equal(outside.NOT_EXPORTED, undefined);

      for (const name of names) {
        const proj = join(w, name);
        assertQuiet(await s.run(cdCmd(kind, proj)), s);
        const e = await s.env();
        assert.equal(e.PWD, proj, `in ${JSON.stringify(proj)}\n${s.transcript()}`);
        for (const [k, v] of Object.entries(values)) {
          const want = k === "V_ROOT" ? `${proj}/sub` : v;
          assert.equal(e[k], want, `${k} in ${JSON.stringify(proj)}: ${JSON.stringify(e[k])} != ${JSON.stringify(want)}`);
        }
        assert.equal(await zigVersion(s), "0.13.0");
        assert.equal(await s.run(""), "");
        assertQuiet(await s.run(cdCmd(kind, w)), s);
        assert.deepEqual(comparable(await s.env()), comparable(outside), `leaving ${JSON.stringify(proj)} restores exactly`);
        assert.equal(await s.run(`printf '[%s]\\n' "$NOT_EXPORTED"`), "[local value]\n", "a set but unexported variable is restored, unexported");
      }
    });

    test("cd -, pushd/popd and `cd proj && zig version` in one command line", async () => {
      const w = workDir("cd");
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "hi" } }), proj);
      const s = await shell(w);
      const none = "printenv GREETING || echo none";

      assert.equal(await s.run(`cd proj && zig version`), "0.13.0\n", s.transcript());
      assert.equal(await s.run(`cd .. && ${none}`), "none\n", "leaving in the same line");
      assert.equal(await s.run(`cd - >/dev/null && zig version`), "0.13.0\n", s.transcript());
      assert.equal(await s.run(`cd - >/dev/null && ${none}`), "none\n");
      assert.equal(await s.run(`pushd proj >/dev/null && zig version`), "0.13.0\n", s.transcript());
      assert.equal(await s.run(`printenv GREETING`), "hi\n");
      assert.equal(await s.run(`popd >/dev/null && ${none}`), "none\n", s.transcript());
      assert.equal(await s.run(`cd proj; zig version; cd ..; ${none}`), "0.13.0\nnone\n", s.transcript());
      assert.deepEqual(await s.processesDuring(""), [], s.transcript());
    });

    test("a project reached through a symlink and through its real path activates the same tools", async () => {
      const w = workDir("symlink");
      const real = join(w, "real", "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "linked" } }), real);
      symlinkSync(join(w, "real"), join(w, "link"));
      const viaLink = join(w, "link", "proj");
      const s = await shell(w);
      const out = await s.env();

      assertQuiet(await s.run(cdCmd(kind, viaLink)), s);
      const envLink = await s.env();
      assert.equal(envLink.GREETING, "linked", s.transcript());
      assert.equal(await zigVersion(s), "0.13.0");
      assertQuiet(await s.run(cdCmd(kind, real)), s);
      const envReal = await s.env();
      assert.equal(await zigVersion(s), "0.13.0");
      assert.deepEqual(comparable(envReal, ["DEVENV_STATE"]), comparable(envLink, ["DEVENV_STATE"]), "link → real path: the same environment");
      assert.deepEqual(pathOf(envReal).slice(1), pathOf(out), "one tool dir, not both");
      assertQuiet(await s.run(cdCmd(kind, viaLink)), s);
      assert.deepEqual(comparable(await s.env(), ["DEVENV_STATE"]), comparable(envReal, ["DEVENV_STATE"]), "real → link: the same environment");
      assertQuiet(await s.run(cdCmd(kind, w)), s);
      assert.deepEqual(comparable(await s.env()), comparable(out));
    });
  });
}
