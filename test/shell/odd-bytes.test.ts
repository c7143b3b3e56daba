/**
 * Odd bytes in REAL bash, zsh and fish (issue 13, findings 7 and 9): project dirs and bin dirs
 * holding any byte but NUL are applied and restored exactly, also by a shell that inherited the
 * state; what cannot be represented (a bin dir with ':') is refused with an error, by the hook and
 * by `devenv exec`/`env` alike; messages show terminal escapes in paths escaped; a path that is not
 * UTF-8 is said, not silently skipped; an activation's other inputs (I records) make it stale.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { decodeActivation, encodeActivation } from "../../src/shell/activation.js";
import { activationsRoot, currentActivationFile, newestMtime, writeActivation } from "../../src/state/activations.js";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { runDevenv } from "../helpers/cli.js";
import { installNetGuard } from "../support/net-guard.js";
import { shellAvailable, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { cdCmd, config, hookRc, stable } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

installNetGuard();

const KINDS: readonly ShellKind[] = ["bash", "zsh", "fish"];

/** Every odd byte the hooks once mishandled, and the lookalikes of their own escapes. */
const ODD = "u\x1fs g\x1dg n\nl t\tt q'\"$HOME\\b ü esc\x1b[1m\x1b]0;title\x07 lit\x1d0\x1d1\x1d2\x1d3";

const fake = useFakeUpstream({ zig: ["0.13.0", "0.14.1"] });

for (const kind of KINDS) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed`, concurrency: false }, () => {
    const world = useShellWorld(kind, () => fake.mirrors);
    const { workDir, shellEnv, shell } = world;
    const quiet = (out: string, s: ShellSession) =>
      assert.doesNotMatch(out, /error|not allowed|not installed|command not found|unknown|syntax|bad |warning/i, `unexpected output:\n${out}\n--- transcript ---\n${s.transcript().slice(-3000)}`);

    test("project dirs with any byte but NUL, nested: each layer applied and restored exactly, also by a shell that inherited the state", async () => {
      const w = workDir("dirs");
      const outer = join(w, `A ${ODD}`);
      const inner = join(outer, `B ${ODD}\n`);
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { WHERE: "outer", OUTER_ROOT: "${root}", ODD_VALUE: ODD, LOCAL_ONLY: "the project's" } }), outer);
      await world.sb.writeConfig(config({ tools: { zig: "0.14" }, env: { WHERE: "inner", INNER_ROOT: "${root}/sub" } }), inner);
      const s = await shell(w, shellEnv({ WHERE: "the user's" }));
      // Set but not exported: fish once left it exported after a dir with \x1f.
      assert.equal(await s.run(kind === "fish" ? "set -g LOCAL_ONLY mine" : "LOCAL_ONLY=mine"), "");
      const outside = await s.env();
      const local = `printf '[%s]\\n' "$LOCAL_ONLY"`;

      quiet(await s.run(cdCmd(kind, outer)), s);
      const envA = await s.env();
      assert.equal(envA.PWD, outer);
      assert.equal(envA.OUTER_ROOT, outer);
      assert.equal(envA.ODD_VALUE, ODD);
      assert.equal(envA.WHERE, "outer");
      quiet(await s.run(cdCmd(kind, inner)), s);
      const envB = await s.env();
      assert.equal(envB.INNER_ROOT, `${inner}/sub`);
      assert.equal(envB.WHERE, "inner");
      assert.equal(await s.run("zig version"), "0.14.1\n", s.transcript().slice(-2000));
      assert.equal(await s.run(""), "", "the next prompt prints nothing");
      assert.deepEqual(await s.processesDuring(""), [], "nor starts a process");

      quiet(await s.run(cdCmd(kind, outer)), s);
      assert.deepEqual(stable(await s.env()), stable(envA), "inner → outer gives the outer environment exactly");
      quiet(await s.run(cdCmd(kind, w)), s);
      assert.deepEqual(stable(await s.env()), stable(outside), "leaving restores exactly");
      assert.equal(await s.run(local), "[mine]\n", "the unexported variable is back, unexported");
      quiet(await s.run(cdCmd(kind, inner)), s);
      assert.deepEqual(stable(await s.env()), stable(envB), "out → inner applies both layers");

      // A shell started inside (a subshell, a new tmux pane) reads DEVENV_STATE and can leave.
      const sub = await shell(inner, envB);
      quiet(await sub.run(""), sub);
      assert.deepEqual(stable(await sub.env()), stable(envB), "the inheriting shell applies nothing twice");
      quiet(await sub.run(cdCmd(kind, outer)), sub);
      assert.deepEqual(stable(await sub.env()), stable(envA), "the inheriting shell undoes the inner layer exactly");
      quiet(await sub.run(cdCmd(kind, w)), sub);
      assert.deepEqual(stable(await sub.env()), stable(outside), "and the outer one");

      quiet(await s.run(cdCmd(kind, w)), s);
      assert.deepEqual(stable(await s.env()), stable(outside));
    });

    test("a bin dir with any byte but NUL and ':' is put on PATH exactly, once, and removed on leaving", async () => {
      const w = workDir("bins");
      const home = join(w, `home ${ODD}`);
      const proj = join(w, "proj");
      mkdirSync(proj, { recursive: true });
      const src = config({ tools: { zig: "0.13" }, env: { GREETING: "odd store" } });
      writeFileSync(join(proj, "devenv.ts"), src);
      await writeTrust(join(home, "state"), proj, "allow", contentHash(src));
      const s = await shell(w, shellEnv({ DEVENV_HOME: home }));
      const outside = await s.env();

      quiet(await s.run(cdCmd(kind, proj)), s);
      const inside = await s.env();
      assert.equal(inside.GREETING, "odd store", s.transcript().slice(-2000));
      const path = inside.PATH!.split(":");
      assert.ok(path[0]!.startsWith(join(home, "store") + "/"), `the tool dir comes first, exactly: ${JSON.stringify(path[0])}`);
      assert.deepEqual(path.slice(1), outside.PATH!.split(":"));
      assert.equal(await s.run("zig version"), "0.13.0\n", "the tool runs from there");
      for (let i = 0; i < 2; i++) {
        quiet(await s.run(cdCmd(kind, w)), s);
        assert.deepEqual(stable(await s.env()), stable(outside), "leaving removes the dir exactly");
        quiet(await s.run(cdCmd(kind, proj)), s);
        assert.deepEqual(stable(await s.env()), stable(inside), "re-entering adds it once");
      }
      const exec = await runDevenv(["exec", "sh", "-c", 'printf %s "$PATH"'], { cwd: proj, env: shellEnv({ DEVENV_HOME: home }) });
      assert.equal(exec.code, 0, exec.stderr);
      assert.equal(exec.stdout.split(":")[0], path[0], "devenv exec puts the same dir first");
    });

    test("a bin dir containing ':' is refused with an error, by the hook and by devenv exec and env alike", async () => {
      const w = workDir("colon");
      const home = join(w, "home:with:colons");
      const proj = join(w, "proj");
      mkdirSync(proj, { recursive: true });
      const src = config({ tools: { zig: "0.13" }, env: { GREETING: "colon" } });
      writeFileSync(join(proj, "devenv.ts"), src);
      await writeTrust(join(home, "state"), proj, "allow", contentHash(src));
      const env = shellEnv({ DEVENV_HOME: home });
      const s = await shell(w, env);
      const outside = await s.env();
      const out = await s.run(cdCmd(kind, proj));
      assert.match(out, /PATH \(set by a tool of .*devenv\.ts\): the directory '.*home:with:colons\/store\/[^']*' contains ':', which separates PATH entries/, s.transcript().slice(-2000));
      assert.equal(await s.run(""), "", "said once");
      assert.deepEqual(stable(await s.env()), stable(outside), "nothing applied, nothing dropped unseen");
      for (const args of [["exec", "true"], ["env"]]) {
        const r = await runDevenv(args, { cwd: proj, env });
        assert.equal(r.code, 1, `devenv ${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /contains ':', which separates PATH entries/);
      }
    });

    test("messages show terminal escapes and newlines in directory names escaped", async () => {
      const w = workDir("escapes");
      const proj = join(w, "evil\x1b]0;pwned\x07\x1b[2J\nnext");
      mkdirSync(proj, { recursive: true });
      writeFileSync(join(proj, "devenv.ts"), config({ env: { X: "1" } })); // not allowed
      const s = await shell(w);
      const out = await s.run(cdCmd(kind, proj));
      assert.ok(out.includes("evil\\x1b]0;pwned\\x07\\x1b[2J\\nnext/devenv.ts is not allowed"), `the hook's message is escaped: ${JSON.stringify(out)}`);
      const r = await runDevenv(["exec", "true"], { cwd: proj, env: shellEnv() });
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes("evil\\x1b]0;pwned\\x07\\x1b[2J"), `the CLI's error is escaped: ${JSON.stringify(r.stderr)}`);
      assert.ok(!/[\x07\x1b]/.test(r.stderr), "no raw escape in the CLI's error");
    });

    test("a project path that is not UTF-8 is said once, not skipped silently", async () => {
      const w = workDir("latin1");
      const proj = Buffer.concat([Buffer.from(`${w}/caf`), Buffer.from([0xe9])]);
      mkdirSync(proj);
      writeFileSync(Buffer.concat([proj, Buffer.from("/devenv.ts")]), config({ env: { X: "1" } }));
      const s = await shell(w);
      const cd = kind === "fish" ? "cd caf\\xe9" : "cd $'caf\\xe9'";
      const out = await s.run(cd);
      assert.match(out, /caf\uFFFD: this path is not valid UTF-8/, s.transcript().slice(-2000));
      assert.equal(await s.run(""), "", "said once");
    });

    test("an activation's other inputs (I records, odd bytes too): newer or missing makes it stale", async () => {
      const w = workDir("inputs");
      const proj = join(w, "proj");
      const lib = join(w, `lib ${ODD}.ts`);
      const helper = join(proj, "helper.ts");
      await world.sb.writeConfig(config({ env: { GREETING: "inputs" } }), proj);
      writeFileSync(lib, "export const x = 1;\n");
      writeFileSync(helper, "export const y = 2;\n");
      const s = await shell(proj);
      assert.equal((await s.env()).GREETING, "inputs", s.transcript().slice(-2000));
      const act = activationsRoot(join(world.sb.home, "state"));
      /** The current activation again, with these inputs (as refreshActivation will write it). */
      const withInputs = () => {
        const a = decodeActivation(readFileSync(currentActivationFile(act, proj)!, "utf8"))!;
        const m = newestMtime([join(proj, "devenv.ts"), join(proj, "devenv.lock"), lib, helper]);
        writeActivation(act, proj, encodeActivation({ ...a, inputs: [lib, helper] }), m, { now: Math.max(Date.now(), m + 1000) });
      };
      withInputs();
      quiet(await s.run(""), s); // switches to the new generation
      assert.deepEqual(await s.processesDuring(""), [], "fresh: no process");

      // An input edited later than the activation: the next prompt runs devenv.
      const later = (statSync(currentActivationFile(act, proj)!).mtimeMs + 2000) / 1000;
      utimesSync(lib, later, later);
      const ran = await s.processesDuring("");
      assert.ok(ran.some((l) => /execve\(.*node/.test(l)), `an edited input makes the activation stale:\n${ran.join("\n")}`);
      assert.equal((await s.env()).GREETING, "inputs");

      withInputs();
      quiet(await s.run(""), s);
      assert.deepEqual(await s.processesDuring(""), [], "fresh again");
      unlinkSync(helper);
      const ran2 = await s.processesDuring("");
      assert.ok(ran2.some((l) => /execve\(.*node/.test(l)), `a missing input makes the activation stale:\n${ran2.join("\n")}`);

      // The same when the shell switches into the project (the switch's own staleness check).
      writeFileSync(helper, "export const y = 3;\n");
      withInputs();
      quiet(await s.run(cdCmd(kind, w)), s);
      utimesSync(lib, later + 10, later + 10);
      const ran3 = await s.processesDuring(cdCmd(kind, proj));
      assert.ok(ran3.some((l) => /execve\(.*node/.test(l)), `entering with a stale input runs devenv:\n${ran3.join("\n")}`);
    });
  });
}
