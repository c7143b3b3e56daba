/**
 * The shell hooks in real interactive bash, zsh and fish (test/support/shell-session.ts): trust,
 * failing configs, missing tools and interrupted installs, coexistence with the user's own prompt
 * hooks and shell options, inherited state in subshells and new panes, `devenv exec` against the
 * hook, `devenv status`, and the "done when" as a new user.
 *
 * Each shell kind gets its own DEVENV_HOME (tools are installed once in it); one fake upstream
 * serves them all.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { devenvBin, runDevenv, type RunResult } from "../helpers/cli.js";
import { installNetGuard } from "../support/net-guard.js";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { waitFor } from "../support/wait.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";
import { devenvOnPath } from "../support/devenv-on-path.js";

installNetGuard();

// One zig version per shell kind is kept for the interrupted install (its download is slowed).
const fake = useFakeUpstream({ zig: ["0.13.0", "0.14.0", "0.14.1", "0.12.0", "0.12.1", "0.11.0"] });

const INTERRUPTED_ZIG: Record<ShellKind, string> = { bash: "0.12.0", zsh: "0.12.1", fish: "0.11.0" };

/** Single-quoted for sh, bash, zsh and fish alike (our paths hold no quote or backslash). */
const q = (s: string): string => {
  assert.ok(!/['\\]/.test(s), `unexpected quote or backslash in ${s}`);
  return `'${s}'`;
};

const hookLine = (kind: ShellKind, devenv = `${q(process.execPath)} ${q(devenvBin)}`): string =>
  kind === "fish" ? `${devenv} hook fish | source` : `eval "$(${devenv} hook ${kind})"`;

type Env = Record<string, string>;
/** Always differing between two snapshots of one shell (or set by the shell itself). */
const VOLATILE = ["PWD", "OLDPWD", "_"];
function without(env: Env, names: readonly string[]): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (!names.includes(k)) out[k] = v;
  return out;
}

/** env equals `base` exactly (but for PWD/OLDPWD/_ and `ignore`). */
function assertSameEnv(env: Env, base: Env, msg: string, ignore: readonly string[] = []): void {
  const skip = [...VOLATILE, ...ignore];
  assert.deepEqual(without(env, skip), without(base, skip), msg);
}

/** env is `base` with exactly these PATH entries in front and these variables set, and a DEVENV_STATE. */
function assertActive(env: Env, base: Env, pathDirs: string[], set: Env, msg: string, ignore: readonly string[] = []): void {
  assert.ok(env.DEVENV_STATE, `${msg}: DEVENV_STATE is set`);
  const skip = [...VOLATILE, "DEVENV_STATE", ...ignore];
  // zig's recipe points its global cache into the project's own state dir (never the store).
  const zig = pathDirs.some((d) => /-zig-[^/]*$/.test(d));
  const cache = env.ZIG_GLOBAL_CACHE_DIR;
  if (zig) assert.match(cache ?? "", /\/projects\/[^/]+-[0-9a-f]{16}\/zig\/cache$/, `${msg}: ZIG_GLOBAL_CACHE_DIR`);
  const expected = { ...without(base, skip), ...set, PATH: [...pathDirs, base.PATH].join(":"), ...(zig ? { ZIG_GLOBAL_CACHE_DIR: cache! } : {}) };
  assert.deepEqual(without(env, skip), expected, msg);
}

interface World {
  kind: ShellKind;
  root: string;
  home: string;
  /** DEVENV_HOME */
  devenvHome: string;
  store: string;
  /** The environment every shell starts with (a `devenv` wrapper first on PATH). */
  env: Env;
  /** A new directory for a project (not created). */
  dir(name: string): string;
  cli(args: string[], cwd: string, env?: Env): Promise<RunResult>;
  shell(cwd: string, opts?: { rc?: string; env?: Env; hook?: boolean }): Promise<ShellSession>;
  zigDir(version: string): string;
  storeNames(): string[];
  closeAll(): Promise<void>;
}

function makeWorld(kind: ShellKind): World {
  const root = mkdtempSync(join(tmpdir(), `devenv-trust-${kind}-`));
  const home = join(root, "home");
  const bin = join(root, "bin");
  const devenvHome = join(root, "devenv-home");
  const store = join(devenvHome, "store");
  mkdirSync(join(root, "p"), { recursive: true });
  const env: Env = devenvOnPath({ bin, home, devenvHome, mirrors: fake.mirrors });
  const sessions: ShellSession[] = [];
  return {
    kind,
    root,
    home,
    devenvHome,
    store,
    env,
    dir: (name) => join(root, "p", name),
    cli: (args, cwd, extra = {}) => runDevenv(args, { cwd, env: { ...env, ...extra } }),
    async shell(cwd, opts = {}) {
      const rc = opts.hook === false ? opts.rc ?? "" : opts.rc ?? hookLine(kind);
      const s = await startShell(kind, { env: opts.env ?? env, cwd, rc, timeoutMs: 30_000 });
      sessions.push(s);
      return s;
    },
    zigDir(version) {
      const hit = readdirSync(store).filter((n) => n.endsWith(`-zig-${version}`));
      assert.equal(hit.length, 1, `one store entry for zig ${version}: ${readdirSync(store).join(", ")}`);
      return join(store, hit[0]!);
    },
    storeNames: () => {
      try {
        return readdirSync(store).sort();
      } catch {
        return [];
      }
    },
    async closeAll() {
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}

function project(dir: string, source: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "devenv.ts"), source);
  return dir;
}
/** Write devenv.ts and allow it, as a user would after reading it. */
async function allowedProject(w: World, dir: string, source: string): Promise<string> {
  project(dir, source);
  const r = await w.cli(["allow"], dir);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

const zigConfig = (env: Env, extra = "", zig = "0.13") => `export default { tools: { zig: ${JSON.stringify(zig)} }, env: ${JSON.stringify(env)}${extra} };\n`;
const notAllowed = (dir: string) => `devenv: ${dir}/devenv.ts is not allowed; run 'devenv allow'\n`;
/** What a changed, unallowed devenv.ts's warning adds when the last allowed environment stays. */
const KEPT = " (keeping the environment of the content you allowed)\n";

for (const kind of ["bash", "zsh", "fish"] as const) {
  describe(kind, { skip: shellAvailable(kind) ? false : `${kind} is not installed` }, () => {
    let w: World;
    let zig13: string;
    before(async () => {
      w = makeWorld(kind);
      // zig 0.13.0 (what most projects here use) installed once; the other versions are for the
      // tests of installing from the hook.
      const setup = await allowedProject(w, w.dir("setup"), zigConfig({}));
      const r = await w.cli(["install"], setup);
      assert.equal(r.code, 0, r.stderr);
      zig13 = w.zigDir("0.13.0");
    });
    after(async () => {
      await w?.closeAll();
      if (w) rmSync(w.root, { recursive: true, force: true });
    });

    test("entering an allowed project whose tools are missing installs them (progress on stderr) and activates", async () => {
      const dir = await allowedProject(w, w.dir("main"), zigConfig({ MAIN_VAR: "main" }, "", "0.14.0"));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(w.storeNames().some((n) => n.endsWith("-zig-0.14.0")), false);
      const out = await s.run(`cd ${q(dir)}`);
      assert.match(out, /^downloading zig 0\.14\.0 .*\ninstalled zig 0\.14\.0 .*\n$/, `progress: ${JSON.stringify(out)}`);
      assertActive(await s.env(), outside, [w.zigDir("0.14.0")], { MAIN_VAR: "main" }, "active after the install");
      assert.equal(await s.run("zig version"), "0.14.0\n");
      assert.equal(await s.run(""), "", "nothing more at the next prompt");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exactly as before");
    });

    test("untrusted project: one line once, nothing evaluated; allowed in another shell → live at the next prompt; edited → one new warning; denied → dropped", async () => {
      const dir = w.dir("untrusted");
      const marker = join(w.root, "untrusted-evaluated");
      const source = (v: string) => `require("fs").writeFileSync(${JSON.stringify(marker)}, "evaluated");\n${zigConfig({ TRUST_VAR: v })}`;
      project(dir, source("one"));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), notAllowed(dir));
      assert.equal(await s.run(""), "", "not at the next prompt");
      assert.equal(await s.run("cd .."), "");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "not when coming back in the same shell");
      assertSameEnv(await s.env(), outside, "an unallowed project changes nothing");
      assert.equal(existsSync(marker), false, "devenv.ts was not evaluated");

      // Allowed from another shell: the first one picks it up at its next prompt.
      const other = await w.shell(dir);
      assert.equal(other.startup, notAllowed(dir));
      // allow says what it approved: the file and the start of its sha256.
      assert.equal(await other.run("devenv allow"), `devenv: allowed ${dir}/devenv.ts (sha256 ${createHash("sha256").update(source("one")).digest("hex").slice(0, 12)})\n`);
      assert.equal(await s.run(""), "");
      const active = await s.env();
      assertActive(active, outside, [zig13], { TRUST_VAR: "one" }, "active after 'devenv allow' elsewhere");
      assert.equal(existsSync(marker), true, "evaluated once allowed");
      rmSync(marker);

      // Edited by hand: one new warning, nothing evaluated; the environment of the content the user
      // allowed stays, whole (the warning says so), until the new content is allowed.
      writeFileSync(join(dir, "devenv.ts"), source("two"));
      assert.equal(await s.run(""), notAllowed(dir).replace(/\n$/, KEPT), "a changed devenv.ts warns again");
      assert.equal(await s.run(""), "", "once");
      assertActive(await s.env(), outside, [zig13], { TRUST_VAR: "one" }, "a changed, unallowed devenv.ts: the allowed content's environment stays");
      assert.equal(existsSync(marker), false, "the changed devenv.ts was not evaluated");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exactly as before");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "coming back: no repeat");
      assertActive(await s.env(), outside, [zig13], { TRUST_VAR: "one" }, "coming back: the kept environment");

      // Allowed again, then denied: dropped at the next prompt.
      assert.equal((await w.cli(["allow"], dir)).code, 0);
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { TRUST_VAR: "two" }, "active after allowing the new content");
      rmSync(marker);
      assert.equal((await w.cli(["deny"], dir)).code, 0);
      assert.equal(await s.run(""), `devenv: ${dir}/devenv.ts is denied; run 'devenv allow' to use it\n`);
      assert.equal(await s.run(""), "");
      assertSameEnv(await s.env(), outside, "denied: dropped");
      assert.equal(await s.run("cd .."), "");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "denied: no repeat");
      assertSameEnv(await s.env(), outside, "denied: nothing applied");
      assert.equal(existsSync(marker), false, "a denied devenv.ts is not evaluated");
    });

    test("a file devenv.ts imports is part of it: an edit to it is seen at the next prompt, refused until allowed, then applied", async () => {
      const dir = w.dir("imports");
      const marker = join(w.root, "imports-evaluated");
      const helper = (v: string) => `require("fs").writeFileSync(${JSON.stringify(marker)}, ${JSON.stringify(v)});\nexport const value = ${JSON.stringify(v)};\n`;
      mkdirSync(join(dir, "lib"), { recursive: true });
      writeFileSync(join(dir, "lib", "helper.ts"), helper("one"));
      await allowedProject(w, dir, `import { value } from "./lib/helper";\nexport default { tools: { zig: "0.13" }, env: { HELPER_VAR: value } };\n`);
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      assertActive(await s.env(), outside, [zig13], { HELPER_VAR: "one" }, "active with the helper's value");
      rmSync(marker);

      // Only the helper changes (devenv.ts and devenv.lock do not): the next prompt notices it.
      writeFileSync(join(dir, "lib", "helper.ts"), helper("two"));
      assert.match(await s.run(""), /^devenv: .*\/devenv\.ts is not allowed \(changed: lib\/helper\.ts\); run 'devenv allow' \(keeping the environment of the content you allowed\)\n$/);
      assert.equal(await s.run(""), "", "once");
      assertActive(await s.env(), outside, [zig13], { HELPER_VAR: "one" }, "a config whose helper changed keeps the allowed content's environment, whole");
      assert.equal(existsSync(marker), false, "the changed helper was not evaluated");

      assert.equal((await w.cli(["allow"], dir)).code, 0);
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { HELPER_VAR: "two" }, "the new helper applied once allowed");
      assert.equal(await s.run(""), "", "and the prompt after that is quiet");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exactly as before");
    });

    test("a failing devenv.ts: the error once, the last good environment kept whole; fixed → applied at the next prompt", async () => {
      const dir = await allowedProject(w, w.dir("failing"), zigConfig({ GOOD: "1", ONLY_IN_ONE: "x" }));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      const good = await s.env();
      assertActive(good, outside, [zig13], { GOOD: "1", ONLY_IN_ONE: "x" }, "first good environment");

      // A syntax error: shown once; the last good environment stays, exactly.
      await allowedProject(w, dir, `export default { tools: { zig: "0.13" }, env: { GOOD: "2" ;\n`);
      const syntax = await s.run("");
      assert.match(syntax, new RegExp(`^devenv: ${dir} \\(keeping its last good environment\\): ${dir}/devenv\\.ts:1:\\d+: .*\\n  Fix the syntax error in devenv\\.ts\\.\\n$`), JSON.stringify(syntax));
      assert.equal(await s.run(""), "", "not at every prompt");
      assert.equal(await s.run("true"), "");
      assertActive(await s.env(), outside, [zig13], { GOOD: "1", ONLY_IN_ONE: "x" }, "syntax error: the last good environment, whole");

      // A throw while evaluating: a new message, once; still the last good environment.
      await allowedProject(w, dir, `throw new Error("boom at evaluation");\nexport default { env: { GOOD: "3" } };\n`);
      const thrown = await s.run("");
      assert.match(thrown, new RegExp(`^devenv: ${dir} \\(keeping its last good environment\\): ${dir}/devenv\\.ts: evaluating devenv\\.ts failed: boom at evaluation\\n`), JSON.stringify(thrown));
      assert.equal(thrown.match(/boom at evaluation/g)?.length, 1, thrown);
      assert.equal(await s.run(""), "", "not at every prompt");
      assert.equal(await s.run("cd .."), "", "leaving: no message");
      assertSameEnv(await s.env(), outside, "left: exactly as before");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "coming back: not again");
      assertActive(await s.env(), outside, [zig13], { GOOD: "1", ONLY_IN_ONE: "x" }, "coming back: the last good environment");

      // Fixed: the next prompt applies the new environment, and drops what the old one set.
      await allowedProject(w, dir, zigConfig({ GOOD: "4" }));
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { GOOD: "4" }, "fixed: the new environment");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exactly as before");
    });

    test("a devenv.ts that never worked: the error once and no environment; fixed → applied", async () => {
      const dir = await allowedProject(w, w.dir("never-good"), `export default { tools: { zig: "0.13" }, env: { NEVER: "1" } } }\n`);
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      const out = await s.run(`cd ${q(dir)}`);
      assert.match(out, new RegExp(`^devenv: ${dir}: ${dir}/devenv\\.ts:1:\\d+: .*\\n  Fix the syntax error in devenv\\.ts\\.\\n$`), JSON.stringify(out));
      assert.equal(await s.run(""), "");
      assertSameEnv(await s.env(), outside, "nothing applied");
      await allowedProject(w, dir, `export default { tools: { zig: "0.13" }, env: { NEVER: "fixed" } };\n`);
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { NEVER: "fixed" }, "fixed: applied");
    });

    test("missing tools with DEVENV_AUTO_INSTALL=0 or autoInstall: false: a one-line hint, nothing installed; after 'devenv install' the next prompt activates", async () => {
      const dir = await allowedProject(w, w.dir("no-auto"), zigConfig({ NOAUTO: "1" }, "", "0.14.1"));
      const hint = `devenv: ${dir}: not installed: zig 0.14.1; run 'devenv install'\n`;
      const s = await w.shell(w.dir(""), { env: { ...w.env, DEVENV_AUTO_INSTALL: "0" } });
      const outside = await s.env();
      const storeBefore = w.storeNames();
      assert.equal(await s.run(`cd ${q(dir)}`), hint);
      assert.equal(await s.run(""), "", "the hint once");
      assertSameEnv(await s.env(), outside, "nothing applied");
      assert.deepEqual(w.storeNames(), storeBefore, "nothing installed");

      // The same in devenv.ts, with automatic installs otherwise on.
      const dir2 = await allowedProject(w, w.dir("no-auto-config"), zigConfig({ NOAUTO: "2" }, ", autoInstall: false", "0.14.1"));
      const s2 = await w.shell(w.dir(""));
      const outside2 = await s2.env();
      assert.equal(await s2.run(`cd ${q(dir2)}`), `devenv: ${dir2}: not installed: zig 0.14.1; run 'devenv install'\n`);
      assert.equal(await s2.run(""), "");
      assertSameEnv(await s2.env(), outside2, "autoInstall: false: nothing applied");
      assert.deepEqual(w.storeNames(), storeBefore, "autoInstall: false: nothing installed");

      // Installed from another terminal: both shells pick it up at their next prompt.
      const r = await w.cli(["install"], dir);
      assert.equal(r.code, 0, r.stderr);
      const zig14 = w.zigDir("0.14.1");
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig14], { NOAUTO: "1" }, "active after devenv install");
      assert.equal(await s2.run(""), "");
      assertActive(await s2.env(), outside2, [zig14], { NOAUTO: "2" }, "the other project too");
    });

    test("a tool deleted from the store behind the hook's back: entering again reinstalls it", async () => {
      const dir = await allowedProject(w, w.dir("deleted"), zigConfig({ DEL: "1" }, "", "0.14.0"));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      await s.run(`cd ${q(dir)}`); // installs it if no test before did
      const zigDir = w.zigDir("0.14.0");
      assertActive(await s.env(), outside, [zigDir], { DEL: "1" }, "entered");
      assert.equal(await s.run("cd .."), "");
      rmSync(zigDir, { recursive: true });
      const out = await s.run(`cd ${q(dir)}`);
      assert.match(out, /^downloading zig 0\.14\.0 .*\ninstalled zig 0\.14\.0 .*\n$/, JSON.stringify(out));
      assertActive(await s.env(), outside, [zigDir], { DEL: "1" }, "entered again");
      assert.equal(await s.run("zig version"), "0.14.0\n");
    });

    test("Ctrl-C during the hook's install: a usable shell, a clean store, no retry at every prompt", async () => {
      const version = INTERRUPTED_ZIG[kind];
      const tarball = new RegExp(`/zig-[a-z0-9_-]+-${version.replace(/\./g, "\\.")}\\.tar\\.xz$`);
      // Held until Ctrl-C is in: the install cannot finish first, however slow the machine.
      const hold = fake.hold(tarball);
      const dir = await allowedProject(w, w.dir("interrupted"), zigConfig({ INTR: "1" }, "", version));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      const storeBefore = w.storeNames();
      const entering = s.run(`cd ${q(dir)}`);
      await waitFor("the download to start", () => fake.count(tarball) > 0 && w.storeNames().some((n) => n.startsWith(".tmp-")), 20_000);
      const started = Date.now();
      const [out] = await Promise.all([entering, s.interrupt({ timeoutMs: 10_000 })]);
      const took = Date.now() - started;
      assert.match(out, new RegExp(`devenv: ${dir}: installing was interrupted; run 'devenv install' to finish\\n$`), JSON.stringify(out));
      assert.ok(took < 4000, `Ctrl-C took ${took} ms`);
      assert.equal(await s.run("echo ok"), "ok\n", "the shell is usable");
      const names = w.storeNames();
      assert.deepEqual(names.filter((n) => n.startsWith(".tmp-") || n.endsWith(`-zig-${version}`)), [], "no temp dir, no entry");
      assert.deepEqual(names.filter((n) => n !== ".locks"), storeBefore.filter((n) => n !== ".locks"), "the store as it was");
      const downloads = fake.count(tarball);
      assert.equal(await s.run(""), "", "no retry at the next prompt");
      assert.equal(await s.run("cd .."), "");
      assert.equal(await s.run(`cd ${q(dir)}`), "", "nor when coming back");
      assert.equal(fake.count(tarball), downloads, "nothing downloaded again");
      assertSameEnv(await s.env(), outside, "nothing applied");
      assert.deepEqual(w.storeNames(), names);
      hold.release();
    });

    const userHooks: Array<{ name: string; rc: string; check: string; expect: (code: number) => string }> =
      kind === "bash"
        ? [
            {
              name: "PROMPT_COMMAND as a string",
              // In a string each command sees the status of the one before: well-behaved hooks keep it.
              rc: `__u1() { __last1=$?; return $__last1; }\nPROMPT_COMMAND='__u1'\n${hookLine(kind)}\n__u2() { __last2=$?; }\nPROMPT_COMMAND="$PROMPT_COMMAND;__u2"`,
              check: "echo $__last1 $__last2",
              expect: (c) => `${c} ${c}\n`,
            },
            {
              name: "PROMPT_COMMAND as an array",
              rc: `__u1() { __last1=$?; }\nPROMPT_COMMAND=(__u1)\n${hookLine(kind)}\n__u2() { __last2=$?; }\nPROMPT_COMMAND+=(__u2)`,
              check: "echo $__last1 $__last2",
              expect: (c) => `${c} ${c}\n`,
            },
          ]
        : kind === "zsh"
          ? [
              {
                name: "precmd and precmd_functions",
                rc: `precmd() { __last0=$? }\n__u1() { __last1=$? }\nprecmd_functions=(__u1)\n${hookLine(kind)}\n__u2() { __last2=$? }\nprecmd_functions+=(__u2)`,
                check: "echo $__last0 $__last1 $__last2",
                expect: (c) => `${c} ${c} ${c}\n`,
              },
            ]
          : [
              {
                name: "fish_prompt event functions",
                rc: `function __u1 --on-event fish_prompt; set -g __last1 $status; end\n${hookLine(kind)}\nfunction __u2 --on-event fish_prompt; set -g __last2 $status; end`,
                check: "echo $__last1 $__last2",
                expect: (c) => `${c} ${c}\n`,
              },
            ];
    for (const u of userHooks) {
      test(`the user's own prompt hooks (${u.name}) still run and see the status of the last command`, async () => {
        const dir = await allowedProject(w, w.dir(`coexist-${u.name.replace(/\W+/g, "-")}`), zigConfig({ CO: "1" }));
        const s = await w.shell(w.dir(""), { rc: u.rc });
        const outside = await s.env();
        assert.equal(await s.run("false"), "");
        assert.equal(await s.run(u.check), u.expect(1), "outside a project");
        assert.equal(await s.run(`cd ${q(dir)}`), "");
        assert.equal(await s.run("sh -c 'exit 3'"), "");
        assert.equal(await s.run(u.check), u.expect(3), "inside, nothing changed (the fast path)");
        assertActive(await s.env(), outside, [zig13], { CO: "1" }, "the hook did its work");
        // An edit makes the hook run devenv at the next prompt: the status still gets through.
        await allowedProject(w, dir, zigConfig({ CO: "2" }));
        assert.equal(await s.run("false"), "");
        assert.equal(await s.run(u.check), u.expect(1), "after the hook ran devenv");
        assertActive(await s.env(), outside, [zig13], { CO: "2" }, "reloaded");
        assert.equal(await s.run("true"), "");
        assert.equal(await s.run(u.check), u.expect(0));
      });
    }

    test("the rc snippet sourced twice (and again inside a project): one hook, exact activation", async () => {
      const dir = await allowedProject(w, w.dir("twice"), zigConfig({ TWICE: "1" }));
      const untrusted = project(w.dir("twice-untrusted"), zigConfig({ NO: "1" }));
      const s = await w.shell(w.dir(""), { rc: `${hookLine(kind)}\n${hookLine(kind)}` });
      const outside = await s.env();
      const count =
        kind === "bash"
          ? `echo "\${PROMPT_COMMAND[*]}" | grep -o _devenv_hook | wc -l`
          : kind === "zsh"
            ? "echo ${(M)#precmd_functions:#_devenv_hook} ${(M)#chpwd_functions:#_devenv_chpwd}"
            : "functions --handlers | string match -e _devenv_hook | count";
      const once = kind === "zsh" ? "1 1\n" : kind === "bash" ? "1\n" : "2\n"; // fish: one prompt event and one PWD handler
      assert.equal((await s.run(count)).trim() + "\n", once, "one hook");
      assert.equal(await s.run(`cd ${q(untrusted)}`), notAllowed(untrusted), "warned once");
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      assertActive(await s.env(), outside, [zig13], { TWICE: "1" }, "exact activation");
      // Sourced again from inside the project (`source ~/.bashrc`): nothing changes.
      assert.equal(await s.run(hookLine(kind, "devenv")), "");
      assert.equal(await s.run(""), "");
      assert.equal((await s.run(count)).trim() + "\n", once, "still one hook");
      assertActive(await s.env(), outside, [zig13], { TWICE: "1" }, "re-sourcing inside keeps the activation as it was");
      assert.equal(await s.run(`cd ${q(untrusted)}`), "", "the warning is not repeated after re-sourcing");
      assertSameEnv(await s.env(), outside, "left: exact");
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      assertActive(await s.env(), outside, [zig13], { TWICE: "1" }, "exact activation");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exact");
    });

    const options: Record<ShellKind, string | undefined> = {
      bash: "set -o nounset\nshopt -s failglob nullglob nocasematch extglob globstar dotglob",
      zsh: "setopt ksh_arrays sh_word_split no_unset err_return extended_glob glob_subst null_glob rc_expand_param no_function_argzero",
      fish: undefined, // fish has no such options
    };
    test("the user's shell options do not break the hook", { skip: options[kind] ? false : `${kind} has no such options` }, async () => {
      const dir = await allowedProject(w, w.dir("Opts"), zigConfig({ OPTS: "1" }));
      const lower = w.dir("opts"); // differs only in case: nocasematch must not confuse the two
      mkdirSync(lower);
      const untrusted = project(w.dir("opts-untrusted"), zigConfig({ NO: "1" }));
      const s = await w.shell(w.dir(""), { rc: `${options[kind]}\n${hookLine(kind)}` });
      assert.equal(s.startup, "", "the rc loads without errors");
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { OPTS: "1" }, "entered");
      assert.equal(await s.run(`cd ${q(lower)}`), "");
      assertSameEnv(await s.env(), outside, "a sibling whose name differs only in case is outside the project");
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      assertActive(await s.env(), outside, [zig13], { OPTS: "1" }, "entered again");
      await allowedProject(w, dir, zigConfig({ OPTS: "2" }));
      assert.equal(await s.run(""), "");
      assertActive(await s.env(), outside, [zig13], { OPTS: "2" }, "reloaded");
      assert.equal(await s.run(`cd ${q(untrusted)}`), notAllowed(untrusted));
      assertSameEnv(await s.env(), outside, "left for an unallowed project: exact");
      assert.equal(await s.run("cd .."), "");
      assertSameEnv(await s.env(), outside, "left: exact");
      assert.equal(await s.run("echo ok"), "ok\n");
    });

    test("a nested shell and a new pane inherit the state: each tool dir once; leaving undoes exactly what the first shell did", async () => {
      const dir = await allowedProject(w, w.dir("inherit"), zigConfig({ INHERITED: "1" }));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      const inside = await s.env();
      assertActive(inside, outside, [zig13], { INHERITED: "1" }, "the first shell");
      const shellOwn = ["SHLVL", "__DEVENV_HOOK"];

      // A nested interactive shell, started inside the project with the first one's environment.
      const nested = await w.shell(dir, { env: inside });
      assert.equal(nested.startup, "");
      const nestedInside = await nested.env();
      assertActive(nestedInside, outside, [zig13], { INHERITED: "1" }, "nested: each tool dir once, the same variables", shellOwn);
      assert.equal(nestedInside.DEVENV_STATE, inside.DEVENV_STATE, "the inherited layer is kept as it is");
      assert.equal(await nested.run("cd .."), "");
      assertSameEnv(await nested.env(), outside, "nested, after cd ..: the environment from before the first shell entered", shellOwn);

      // A new pane (or editor terminal) started outside the project from that environment.
      const pane = await w.shell(w.dir(""), { env: inside });
      assert.equal(pane.startup, "");
      assertSameEnv(await pane.env(), outside, "a new shell outside: the project's changes undone at its first prompt", shellOwn);
      assert.equal(await pane.run(`cd ${q(dir)}`), "");
      assertActive(await pane.env(), outside, [zig13], { INHERITED: "1" }, "and it can enter again", shellOwn);
    });

    test("devenv exec from outside any hook (cron, bash -c) gives the environment the hook gives", async () => {
      const dir = await allowedProject(w, w.dir("exec"), zigConfig({ EXEC_VAR: "a b  'c' $d", EMPTY: "" }));
      const s = await w.shell(w.dir(""));
      const outside = await s.env();
      assert.equal(await s.run(`cd ${q(dir)}`), "");
      const inside = await s.env();
      assertActive(inside, outside, [zig13], { EXEC_VAR: "a b  'c' $d", EMPTY: "" }, "the hook's environment");
      // What a cron job started with the user's plain environment sees.
      const plain = without(outside, ["__DEVENV_HOOK", "DEVENV_STATE", ...VOLATILE]);
      const r = await runDevenv(["exec", "--", "sh", "-c", "env -0"], { cwd: dir, env: plain });
      assert.equal(r.code, 0, r.stderr);
      const execEnv: Env = {};
      for (const entry of r.stdout.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) execEnv[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      const ignore = [...VOLATILE, "SHLVL", "DEVENV_STATE", "__DEVENV_HOOK"];
      assert.deepEqual(without(execEnv, ignore), without(inside, ignore));
      const z = await runDevenv(["exec", "--", "sh", "-c", "command -v zig && zig version"], { cwd: dir, env: plain });
      assert.equal(z.stdout, `${zig13}/zig\n0.13.0\n`, z.stderr);
    });

    test("devenv status: the project, its tools and the hook in this shell; a shell without the hook says so", async () => {
      const dir = await allowedProject(w, w.dir("status"), zigConfig({ ST: "1" }));
      const s = await w.shell(dir);
      // The tools, then the variables the project sets (values cut to a line), then the PATH entries.
      const st = await s.run("devenv status");
      assert.ok(st.startsWith(`hook: ${kind}, active in this shell\nactive: ${dir}\n  zig@0.13.0\n  ST=1\n  ZIG_GLOBAL_CACHE_DIR=`), st);
      assert.match(st, /\n {2}PATH \+= \S+\n$/);
      const inside = await s.env();
      const shellPath = (await s.run(`command -v ${kind}`)).trim();

      const plain = await w.shell(dir, { hook: false, env: { ...w.env, SHELL: shellPath } });
      const out = await plain.run("devenv status");
      assert.ok(out.startsWith(`hook: not active in this shell; add: `) && out.includes(`devenv hook ${kind}`), out);
      assert.equal(out.split("\n").slice(1).join("\n"), `active: none\nhere: ${dir} (not active: allowed)\n`);

      // A shell without the hook that inherited a hooked shell's environment: not active either.
      const child = await w.shell(dir, { hook: false, env: { ...inside, SHELL: shellPath } });
      const inherited = await child.run("devenv status");
      assert.match(inherited, /^hook: not active in this shell; add: /, inherited);
    });

    test("done when, as a new user: an rc with only the hook line; enter → zig first on PATH and the var set; leave → byte for byte", { skip: kind === "fish" ? "bash and zsh" : false }, async () => {
      const home = join(w.root, "new-user");
      mkdirSync(home);
      writeFileSync(join(home, kind === "bash" ? ".bashrc" : ".zshrc"), `eval "$(devenv hook ${kind})"\n`);
      // No DEVENV_HOME: everything under the new user's XDG dirs.
      const env: Env = { ...without(w.env, ["DEVENV_HOME"]), HOME: home, ...(kind === "zsh" ? { ZDOTDIR: home } : {}) };
      const dir = join(home, "hello");
      project(dir, zigConfig({ GREETING: "hello, world" }));
      const allowed = await runDevenv(["allow"], { cwd: dir, env });
      assert.equal(allowed.code, 0, allowed.stderr);
      const other = project(join(home, "other"), zigConfig({ NO: "1" }));
      // The shell reads the user's own rc file (after the harness's prompt set-up).
      const s = await w.shell(home, { env, rc: kind === "bash" ? `source "$HOME/.bashrc"` : `source "$ZDOTDIR/.zshrc"` });
      assert.equal(s.startup, "");
      const snapshot = await s.env();
      assert.equal(snapshot.DEVENV_STATE, undefined);

      const out = await s.run("cd hello");
      assert.match(out, /^downloading zig 0\.13\.0 .*\ninstalled zig 0\.13\.0 .*\n$/, out);
      const store = join(home, ".local/share/devenv/store");
      const zigDir = join(store, readdirSync(store).find((n) => n.endsWith("-zig-0.13.0"))!);
      const active = await s.env();
      assert.equal(active.PATH!.split(":")[0], zigDir, "zig first on PATH");
      assert.equal(active.GREETING, "hello, world");
      assertActive(active, snapshot, [zigDir], { GREETING: "hello, world" }, "nothing else changed");
      assert.equal(await s.run("zig version"), "0.13.0\n");

      assert.equal(await s.run("cd .."), "");
      assert.deepEqual(without(await s.env(), VOLATILE), without(snapshot, VOLATILE), "byte for byte as before");

      assert.equal(await s.run("cd other"), notAllowed(other), "said once");
      assert.equal(await s.run(""), "");
      assert.equal(await s.run("cd .."), "");
      assert.equal(await s.run("cd other"), "");
      assert.deepEqual(without(await s.env(), VOLATILE), without(snapshot, VOLATILE), "an unallowed project changes nothing");
    });
  });
}
