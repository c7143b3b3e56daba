/**
 * bin/devenv's Node-free fast path for `exec`, `env` and `which` (issue 20): with fresh cached
 * activations it answers without starting Node, and gives exactly what the Node CLI gives
 * (bin/devenv.js), variable by variable: a user-wide layer, an enclosing project and the
 * project, PATH entries already there, values with quotes, backslashes and newlines, unset
 * variables; the exit status, a death by signal, a signal sent to devenv, stdin and the arguments.
 * Every case it does not take is shown to start Node (test/support/launcher.ts) and give the Node
 * path's result; the Node path writes the caches it lacked, so the next call is fast.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { assertOk, devenvBin, type Sandbox } from "../helpers/cli.js";
import { launcher, type LaunchResult, type Launcher } from "../support/launcher.js";
import { projectSandboxes } from "../support/project-sandbox.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ node: ["20.18.0"] });
const fresh = projectSandboxes(() => fake.mirrors);

const parseEnv0 = (out: string): Record<string, string> =>
  Object.fromEntries(
    out
      .split("\0")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
/** The same result; the output of `env -0` compared as variables (their order in environ is the shell's). */
const same = (fast: LaunchResult, slow: LaunchResult, what: string, env0 = /env -0/.test(what)) => {
  assert.equal(fast.code, slow.code, `${what}: exit status\nfast: ${fast.stderr}\nnode: ${slow.stderr}`);
  assert.equal(fast.signal, slow.signal, `${what}: signal`);
  if (env0) assert.deepEqual(parseEnv0(fast.stdout), parseEnv0(slow.stdout), `${what}: the environment`);
  else assert.equal(fast.stdout, slow.stdout, `${what}: stdout`);
  assert.equal(fast.stderr, slow.stderr, `${what}: stderr`);
};
const INNER_SRC = `import { word } from "./word";
export default { tools: { node: "20" }, env: { GREETING: "hi", WORD: word, ODD: ${JSON.stringify(`a'b"c\\d $x \`q\` * ~ {a,b}`)}, LIB: "\${root}/lib", SHARED: "inner" } };
`;

describe("a user-wide layer, an enclosing project and a project with a tool", { concurrency: false }, () => {
  let sb: Sandbox;
  let inner: string;
  let l: Launcher;
  /** Run on both paths; the fast one must not start Node, and both must agree. */
  const both = async (args: string[], opts: Parameters<Launcher["run"]>[1] = {}) => {
    const fast = await l.run(args, opts);
    const slow = await l.run(args, { ...opts, node: true });
    assert.equal(slow.node, true, "bin/devenv.js is Node");
    return { fast, slow };
  };
  /** The case falls through: Node starts, and the result is the Node path's. */
  const fallsThrough = async (args: string[], opts: Parameters<Launcher["run"]>[1] = {}, what = args.join(" ")) => {
    const { fast, slow } = await both(args, opts);
    assert.equal(fast.node, true, `${what}: the Node CLI took over`);
    same(fast, slow, what);
    return fast;
  };

  /** Date the current cache of `root` just before its devenv.lock was written: devenv.lock is newer. */
  const aged = (root: string) => {
    const dir = join(sb.home, "state", "activations", root);
    const act = join(dir, readdirSync(dir).find((f) => f.endsWith(".act"))!);
    const t = new Date(statSync(join(root, "devenv.lock")).mtimeMs - 1);
    utimesSync(act, t, t);
  };

  before(async () => {
    sb = await fresh(`export default { env: { OUTER: "o", SHARED: "outer" } };\n`);
    inner = join(sb.project, "inner");
    await sb.writeConfig(`export default { env: { WIDE: "user-wide", SHARED: "wide" } };\n`, join(sb.home, "global"));
    writeFileSync(join(sb.project, "placeholder"), "");
    await sb.writeConfig(INNER_SRC, inner);
    writeFileSync(join(inner, "word.ts"), `export const word: string = "w";\n`);
    assertOk(await sb.run(["allow"], { cwd: inner }));
    assertOk(await sb.run(["install"], { cwd: inner }));
    l = launcher(sb);
  });

  test("exec: the first call starts Node and writes the caches; then no Node, and the same environment variable by variable", async () => {
    const first = await l.run(["exec", "--", "env", "-0"], { cwd: inner, env: { ODD: "before", EMPTY: "" } });
    assertOk(first);
    assert.equal(first.node, true, "nothing cached yet: the Node CLI");
    // That call wrote the outer projects' devenv.lock, and their caches within the same few ms, so
    // dated as stale (writeActivation's "racy" rule): the next call takes Node once more.
    await l.run(["exec", "true"], { cwd: inner });
    const { fast, slow } = await both(["exec", "--", "env", "-0"], { cwd: inner, env: { ODD: "before", EMPTY: "" } });
    assert.equal(fast.node, false, `fresh caches: no Node\n${fast.stderr}`);
    same(fast, slow, "exec env -0");
    const env = parseEnv0(fast.stdout);
    assert.deepEqual(parseEnv0(fast.stdout), parseEnv0(slow.stdout));
    assert.equal(env.GREETING, "hi");
    assert.equal(env.ODD, `a'b"c\\d $x \`q\` * ~ {a,b}`);
    assert.equal(env.LIB, `${inner}/lib`);
    assert.equal(env.SHARED, "inner", "the innermost layer wins");
    assert.equal(env.OUTER, "o");
    assert.equal(env.WIDE, "user-wide");
    assert.equal(env.EMPTY, "");
    assert.equal(env.DEVENV_FAST_PATH, undefined);
    assert.match(env.PATH!, /^[^:]*\/store\/[0-9a-z]{32}-node-20\.18\.0\/bin:/);
    assert.deepEqual(Object.keys(env).sort(), Object.keys(parseEnv0(slow.stdout)).sort(), "no variable more or less");

    // PATH already holding the tool's dir (somewhere later): not added twice, nowhere moved; an
    // unset PATH-like variable stays unset; a variable the user unset stays unset.
    const nodeBin = env.PATH!.split(":")[0]!;
    const withDir = `${l.env().PATH}:${nodeBin}`;
    const again = await both(["exec", "env", "-0"], { cwd: inner, env: { PATH: withDir, HOME: undefined } });
    assert.equal(again.fast.node, false);
    same(again.fast, again.slow, "PATH with the tool's dir already in it (env -0)");
    const path = parseEnv0(again.fast.stdout).PATH!;
    assert.ok(path.endsWith(`:${withDir}`), path);
    assert.equal(path.split(":").filter((d) => d === nodeBin).length, 1, "the tool's dir once, where it was");
    assert.equal(parseEnv0(again.fast.stdout).HOME, undefined);
  });

  test("exec: exit status, death by a signal, a signal sent to devenv, stdin and arguments pass as on the Node path", async () => {
    const status = await both(["exec", "--", "sh", "-c", "exit 7"], { cwd: inner });
    assert.equal(status.fast.node, false);
    assert.equal(status.fast.code, 7);
    same(status.fast, status.slow, "exit 7");

    const killed = await both(["exec", "--", "sh", "-c", "kill -TERM $$"], { cwd: inner });
    assert.equal(killed.fast.signal, "SIGTERM");
    same(killed.fast, killed.slow, "killed by SIGTERM");

    const trapScript = `trap 'echo got TERM; exit 9' TERM; echo ready; while :; do sleep 0.05; done`;
    const sendTerm = (pid: number) => setTimeout(() => process.kill(pid, "SIGTERM"), 1500);
    const trapped = await both(["exec", "--", "sh", "-c", trapScript], { cwd: inner, started: sendTerm });
    assert.equal(trapped.fast.code, 9, trapped.fast.stdout + trapped.fast.stderr);
    same(trapped.fast, trapped.slow, "SIGTERM sent to devenv reaches the command");

    const io = await both(["exec", "--", "sh", "-c", `cat; printf '<%s>' "$@"`, "sh", "a b", "", "-x", "--", "*"], { cwd: inner, input: "from stdin\n" });
    assert.equal(io.fast.node, false);
    assert.equal(io.fast.stdout, "from stdin\n<a b><><-x><--><*>");
    same(io.fast, io.slow, "stdin and arguments");

    const tool = await both(["exec", "node", "-v"], { cwd: inner });
    assert.equal(tool.fast.node, false);
    assert.equal(tool.fast.stdout, "v20.18.0\n", "the project's tool by its own path");
    same(tool.fast, tool.slow, "exec node -v");
  });

  test("which and env answer without Node and print what the Node path prints", async () => {
    const which = await both(["which", "node"], { cwd: inner });
    assert.equal(which.fast.node, false);
    assert.match(which.fast.stdout, /\/store\/[0-9a-z]{32}-node-20\.18\.0\/bin\/node\n$/);
    same(which.fast, which.slow, "which node");
    for (const args of [["env"], ["env", "--json"], ["env", "--shell", "fish"], ["env", "--shell=zsh"], ["env", "--shell", "json"]]) {
      const r = await both(args, { cwd: inner, env: { OUTER: "o" } });
      assert.equal(r.fast.node, false, args.join(" "));
      same(r.fast, r.slow, args.join(" "));
    }
    const json = JSON.parse((await l.run(["env", "--json"], { cwd: inner })).stdout) as Record<string, string>;
    assert.equal(json.ODD, `a'b"c\\d $x \`q\` * ~ {a,b}`);
  });

  test("falls through to Node, with the Node path's result: options, commands not found or not executable, unknown commands", async () => {
    await fallsThrough(["-q", "exec", "true"], { cwd: inner });
    await fallsThrough(["exec", "--help"], { cwd: inner });
    await fallsThrough(["exec", "--"], { cwd: inner });
    await fallsThrough(["env", "--shell", "tcsh"], { cwd: inner });
    await fallsThrough(["env", "--json", "extra"], { cwd: inner });
    await fallsThrough(["which", "node", "npm"], { cwd: inner });
    await fallsThrough(["which", "no-such-bin"], { cwd: inner });
    await fallsThrough(["which", "bin/node"], { cwd: inner });
    const missing = await fallsThrough(["exec", "no-such-command"], { cwd: inner });
    assert.equal(missing.code, 127);
    const plain = join(inner, "not-executable");
    writeFileSync(plain, "echo hi\n");
    chmodSync(plain, 0o644);
    const notExec = await fallsThrough(["exec", plain], { cwd: inner });
    assert.equal(notExec.code, 126);
    await fallsThrough(["exec", "true"], { cwd: inner, env: { PATH: `relative/bin:${l.env().PATH}` } }, "a relative PATH entry before the command");
    await fallsThrough(["--version"], { cwd: inner });
    const gone = await fallsThrough(["exec", "./no-such-file"], { cwd: inner });
    assert.equal(gone.code, 127);
  });

  test("falls through to Node: paths it would spell differently from Node (DEVENV_HOME with a trailing slash, PWD with a dot)", async () => {
    await fallsThrough(["exec", "env", "-0"], { cwd: inner, env: { DEVENV_HOME: `${sb.home}/` } }, "DEVENV_HOME/ (exec env -0)");
    await fallsThrough(["which", "node"], { cwd: inner, env: { PWD: `${inner}/.` } }, "PWD ending in /.");
    // (The XDG dirs in the sandbox, so that Node, which finds them without HOME, writes nothing outside it.)
    const xdg = Object.fromEntries(["XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"].map((k) => [k, join(sb.home, "xdg", k)]));
    await fallsThrough(["which", "node"], { cwd: inner, env: { DEVENV_HOME: undefined, HOME: "", ...xdg } }, "no DEVENV_HOME and an empty HOME");
  });

  test("falls through to Node: a current-generation pointer that is not one", async () => {
    const current = join(sb.home, "state", "activations", inner, ".devenv.current");
    const kept = readFileSync(current, "utf8");
    for (const bad of ["../../../../etc/passwd\n", "\n", "ABCDEF0123456789\n", "0123456789abcdef0\n"]) {
      writeFileSync(current, bad);
      await fallsThrough(["which", "node"], { cwd: inner }, `.devenv.current ${JSON.stringify(bad)}`);
      writeFileSync(current, kept);
    }
  });

  test("falls through to Node: the environment it cannot hand on unchanged or print the same (DEVENV_STATE, bytes outside ASCII, a __dvf_ variable)", async () => {
    const state = await fallsThrough(["env"], { cwd: inner, env: { DEVENV_STATE: "devenv-state-2\x1f" } });
    assertOk(state);
    const r = await fallsThrough(["exec", "env", "-0"], { cwd: inner, env: { __dvf_x: "mine", __dvf_T1: "mine too" } });
    assert.equal(parseEnv0(r.stdout).__dvf_x, "mine", "the command sees the user's variable unchanged");
    assert.equal(parseEnv0(r.stdout).__dvf_T1, "mine too");
    // One of the numbered ones alone (the records are kept in __dvf_T<k>, __dvf_N<k>, __dvf_V<k>).
    const numbered = await fallsThrough(["exec", "env", "-0"], { cwd: inner, env: { __dvf_V2: "mine" } });
    assert.equal(parseEnv0(numbered.stdout).__dvf_V2, "mine");
    await fallsThrough(["env"], { cwd: inner, env: { PATH: `/opt/caf\u00e9/bin:${l.env().PATH}` } }, "env with a PATH outside ASCII");
    await fallsThrough(["exec", "true"], { cwd: inner, env: { DEVENV_FAST_PATH: "0" } });
  });

  test("falls through to Node when a cache is stale, and the Node path writes it again: devenv.ts, devenv.lock, an imported file, a store dir gone", async () => {
    const fastAgain = async (what: string) => {
      const r = await l.run(["exec", "true"], { cwd: inner });
      assertOk(r);
      assert.equal(r.node, false, `${what}: fast again after the Node path wrote the cache\n${r.stderr}`);
    };
    await fastAgain("to start with");
    // devenv.lock newer than the cache (the cache dated back: a date in the future would be "racy").
    aged(inner);
    await fallsThrough(["exec", "env", "-0"], { cwd: inner }, "devenv.lock newer");
    await fastAgain("devenv.lock");

    // devenv.ts of the enclosing project edited (and allowed again): the new value, from Node.
    await sb.writeConfig(`export default { env: { OUTER: "o2", SHARED: "outer" } };\n`);
    const outer = await l.run(["exec", "env", "-0"], { cwd: inner });
    assert.equal(outer.node, true, "an edited devenv.ts above");
    assert.equal(parseEnv0(outer.stdout).OUTER, "o2");
    await fastAgain("outer devenv.ts");

    // A store dir gone: Node installs it again.
    const nodeBin = (await l.run(["which", "node"], { cwd: inner })).stdout.trim();
    const entry = nodeBin.replace(/\/bin\/node$/, "");
    rmSync(entry, { recursive: true, force: true });
    const reinstalled = await l.run(["exec", "node", "-v"], { cwd: inner });
    assert.equal(reinstalled.node, true, "a store dir gone");
    assert.equal(reinstalled.stdout, "v20.18.0\n", reinstalled.stderr);
    assert.ok(statSync(entry).isDirectory(), "installed again");
    await fastAgain("store dir");

    // An imported file edited: no longer allowed, which only Node can say.
    writeFileSync(join(inner, "word.ts"), `export const word: string = "edited";\n`);
    const edited = await fallsThrough(["exec", "true"], { cwd: inner }, "an imported file edited");
    assert.notEqual(edited.code, 0);
    assert.match(edited.stderr, /not allowed|changed since/);
    assertOk(await sb.run(["allow"], { cwd: inner }));
    await l.run(["exec", "true"], { cwd: inner });
    await fastAgain("imported file allowed again");
  });

  test("falls through to Node: an enclosing project not allowed, an activation that is not ok, a cache written by another version or broken", async () => {
    const actDir = join(sb.home, "state", "activations", inner);
    const genFile = (ext: string) => join(actDir, readdirSync(actDir).find((f) => f.endsWith(ext))!);
    await l.run(["exec", "true"], { cwd: inner });
    assert.equal((await l.run(["exec", "true"], { cwd: inner })).node, false);

    // The launcher's copy missing (as a cache written before it existed), unparsable, another version.
    rmSync(genFile(".sh"));
    await fallsThrough(["exec", "true"], { cwd: inner }, "no .sh");
    await l.run(["exec", "true"], { cwd: inner });
    writeFileSync(genFile(".sh"), "__dvf_v 1\n__dvf_s X 'unterminated\n");
    await fallsThrough(["exec", "true"], { cwd: inner }, "a .sh that does not parse");
    writeFileSync(genFile(".sh"), "__dvf_v 2\n__dvf_e\n");
    await fallsThrough(["exec", "true"], { cwd: inner }, "a .sh of another version");
    writeFileSync(genFile(".sh"), "__dvf_v 1\n__dvf_s X 'y'\n");
    await fallsThrough(["exec", "true"], { cwd: inner }, "a .sh without its end line");
    // Rewritten by the Node path? Only when stale: make it so, then it is fast again.
    aged(inner);
    await l.run(["exec", "true"], { cwd: inner });
    assert.equal((await l.run(["exec", "true"], { cwd: inner })).node, false);

    // The enclosing project's devenv.ts changed and not allowed: Node warns and skips it.
    writeFileSync(join(sb.project, "devenv.ts"), `export default { env: { OUTER: "not allowed" } };\n`);
    const skipped = await fallsThrough(["exec", "env", "-0"], { cwd: inner }, "an enclosing project not allowed");
    assert.match(skipped.stderr, /not allowed|changed/);
    assert.equal(parseEnv0(skipped.stdout).OUTER, undefined);
  });
});

test("no project: Node's error; a project that is not allowed: Node says so, however the cache looks", async () => {
  const sb = await fresh(`export default { env: { A: "1" } };\n`);
  const l = launcher(sb);
  const outside = await l.run(["exec", "true"], { cwd: join(sb.project, "..") });
  assert.equal(outside.node, true);
  assert.notEqual(outside.code, 0, "no project here: Node's error");
  same(outside, await l.run(["exec", "true"], { cwd: join(sb.project, ".."), node: true }), "no project");
  assertOk(await l.run(["exec", "true"]));
  await l.run(["exec", "true"]);
  assert.equal((await l.run(["exec", "true"])).node, false);
  // Denied: the activations are rewritten as "blocked", which have no .sh.
  assertOk(await sb.run(["deny"]));
  const denied = await l.run(["exec", "true"]);
  assert.equal(denied.node, true);
  assert.notEqual(denied.code, 0);
  const slow = await l.run(["exec", "true"], { node: true });
  same(denied, slow, "denied");
});

/** Which shells this machine has (.ci/run installs them): the launcher is `#!/bin/sh`, which is dash on Debian, bash on macOS and Fedora, busybox ash on Alpine. */
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

describe("under other POSIX shells as /bin/sh", { concurrency: false }, () => {
  let sb: Sandbox;
  let l: Launcher;
  before(async () => {
    sb = await fresh(`export default { tools: { node: "20" }, env: { GREETING: "hi", ODD: ${JSON.stringify(`a'b"c\\d $x`)}, NL: "one\\ntwo" } };\n`);
    assertOk(await sb.run(["install"]));
    l = launcher(sb);
    await l.run(["exec", "true"]);
    await l.run(["exec", "true"]);
    assert.equal((await l.run(["exec", "true"])).node, false);
  });
  // `_` is what the caller set for the shell it started; busybox ash counts itself in SHLVL (D140).
  const shells: Array<{ shell: string[]; fast: boolean; ignore?: string[] }> = [
    { shell: ["bash", "--posix"], fast: true },
    { shell: ["mksh"], fast: true },
    { shell: ["yash"], fast: true },
    { shell: ["busybox", "sh"], fast: true, ignore: ["SHLVL"] },
    // posh's `[` has no -nt, zsh's no `<` (and as sh it sets LOGNAME and OLDPWD, for Node too): Node answers.
    { shell: ["posh"], fast: false },
    { shell: ["zsh", "--emulate", "sh"], fast: false, ignore: ["LOGNAME", "OLDPWD"] },
  ];
  for (const { shell, fast, ignore = [] } of shells) {
    test(`${shell.join(" ")}: ${fast ? "the same environment and output as Node, without Node" : "Node answers"}`, { skip: have(shell[0]!) ? false : `${shell[0]} is not installed` }, async () => {
      const strip = (out: string) => Object.fromEntries(Object.entries(parseEnv0(out)).filter(([k]) => k !== "_" && !ignore.includes(k)));
      // Started from a shell, as scripts are (SHLVL set: bash turns an unset one into 0 on exec, D140).
      // PWD too: mksh exports none it did not get (the Node path here starts through a dash script).
      const env = { SHLVL: "2", PWD: sb.project };
      const r = await l.run(["exec", "env", "-0"], { shell, env });
      const slow = await l.run(["exec", "env", "-0"], { node: true, env });
      assertOk(r);
      assert.equal(r.node, !fast, r.stderr);
      assert.deepEqual(strip(r.stdout), strip(slow.stdout));
      assert.equal(r.stderr, "", "nothing on stderr");
      // (env prints NL, a value with a newline: Node's case on every shell.)
      for (const args of [["env"], ["env", "--json"], ["which", "node"], ["exec", "sh", "-c", "exit 5"]]) {
        const a = await l.run(args, { shell, env });
        const b = await l.run(args, { node: true, env });
        assert.equal(a.node, !fast || args[0] === "env", `${args.join(" ")}: ${a.stderr}`);
        same(a, b, `${shell.join(" ")}: ${args.join(" ")}`);
      }
    });
  }
});

test("a cache in its devenv.lock's second: a shell whose -nt sees whole seconds goes to Node, which dates it again so that the next call is fast", { skip: have("busybox") ? false : "busybox is not installed" }, async () => {
  const sb = await fresh(`export default { tools: { node: "20" }, env: { GREETING: "hi" } };\n`);
  assertOk(await sb.run(["install"]));
  const l = launcher(sb);
  await l.run(["exec", "true"]);
  await l.run(["exec", "true"]);
  const dir = join(sb.home, "state", "activations", sb.project);
  const act = join(dir, readdirSync(dir).find((f) => f.endsWith(".act"))!);
  // devenv.lock and the cache 100 ms apart within one second, ten seconds ago (devenv.ts before it).
  const second = (Math.floor(Date.now() / 1000) - 10) * 1000;
  utimesSync(join(sb.project, "devenv.ts"), new Date(second - 5000), new Date(second - 5000));
  utimesSync(join(sb.project, "devenv.lock"), new Date(second + 100), new Date(second + 100));
  utimesSync(act, new Date(second + 200), new Date(second + 200));
  const dash = await l.run(["exec", "true"]);
  assert.equal(dash.node, false, "dash's -nt sees the 100 ms");
  const seconds = await l.run(["exec", "true"], { shell: ["busybox", "sh"] });
  assert.equal(seconds.node, true, "busybox's -nt sees one second: not newer");
  const again = await l.run(["exec", "sh", "-c", "echo $GREETING"], { shell: ["busybox", "sh"] });
  assert.equal(again.node, false, `the Node path dated the cache in the next second\n${again.stderr}`);
  assert.equal(again.stdout, "hi\n");
});

test("a cache the shell hook wrote is taken: after one prompt in the project, exec starts no Node", async () => {
  const sb = await fresh(`export default { tools: { node: "20" }, env: { GREETING: "hook" } };\n`);
  assertOk(await sb.run(["install"]));
  const l = launcher(sb);
  const hook = spawnSync("bash", ["--norc", "--noprofile", "-c", `eval "$("$1" "$2" hook bash)"; cd "$3" && _devenv_hook`, "_", process.execPath, devenvBin, sb.project], { env: l.env(), encoding: "utf8" });
  assert.equal(hook.status, 0, hook.stderr);
  const r = await l.run(["exec", "sh", "-c", "echo $GREETING"]);
  assert.equal(r.node, false, r.stderr);
  assert.equal(r.stdout, "hook\n");
});

test("a project that sets PATH itself: a command found only in that PATH runs without Node, as on the Node path", async () => {
  const sb = await fresh();
  const own = join(sb.project, "own-bin");
  await sb.writeConfig(`export default { tools: { node: "20" }, env: { PATH: "\${root}/own-bin:/usr/bin:/bin" } };\n`);
  mkdirSync(own);
  writeFileSync(join(own, "only-here"), "#!/bin/sh\necho only here: $PATH\n", { mode: 0o755 });
  assertOk(await sb.run(["install"]));
  const l = launcher(sb);
  await l.run(["exec", "true"]);
  await l.run(["exec", "true"]);
  const fast = await l.run(["exec", "only-here"]);
  assert.equal(fast.node, false, `looked up in the PATH the project sets\n${fast.stderr}`);
  assert.match(fast.stdout, /^only here: [^:]*-node-20\.18\.0\/bin:.*:.*\/own-bin:\/usr\/bin:\/bin\n$/);
  same(fast, await l.run(["exec", "only-here"], { node: true }), "exec only-here");
});

test("env under a shell whose [ cannot order strings (bash with its builtin [ and test off: coreutils' [ has no <): Node prints it", { skip: have("bash") ? false : "no bash" }, async () => {
  const sb = await fresh(`export default { env: { B: "2", A: "1" } };\n`);
  const l = launcher(sb);
  await l.run(["exec", "true"]);
  await l.run(["exec", "true"]);
  const plain = await l.run(["env"], { shell: ["bash", "--posix"] });
  assert.equal(plain.node, false, plain.stderr);
  assert.equal(plain.stdout, "export A='1';\nexport B='2';\n");
  const noOrder = await l.run(["env"], { shell: ["bash", "--posix", "-c", 'enable -n "[" test; . "$0"'] });
  assert.equal(noOrder.node, true, "without `[ a \\< b ]` the names could come out unsorted");
  same(noOrder, plain, "env");
});

test("a project dir whose name holds quotes, $, a backslash, spaces and a newline: the same on both paths, without Node", async () => {
  const sb = await fresh();
  const odd = join(sb.project, `it's "a" $dir \\ with\nnewline`);
  await sb.writeConfig(`export default { tools: { node: "20" }, env: { HERE: "\${root}" } };\n`, odd);
  assertOk(await sb.run(["install"], { cwd: odd }));
  const l = launcher(sb);
  await l.run(["exec", "true"], { cwd: odd });
  await l.run(["exec", "true"], { cwd: odd });
  const fast = await l.run(["exec", "env", "-0"], { cwd: odd });
  assert.equal(fast.node, false, fast.stderr);
  assert.equal(parseEnv0(fast.stdout).HERE, odd);
  same(fast, await l.run(["exec", "env", "-0"], { cwd: odd, node: true }), "odd dir: exec env -0");
  const which = await l.run(["which", "node"], { cwd: odd });
  assert.equal(which.node, false);
  // env: a value with a newline is Node's to print.
  const env = await l.run(["env"], { cwd: odd });
  assert.equal(env.node, true);
  same(env, await l.run(["env"], { cwd: odd, node: true }), "odd dir: env");
});
