/**
 * direnv's `use devenv` (`devenv direnv`) with the real direnv: the same environment as the bash
 * hook in the same directory, variable by variable; edits to devenv.ts, to a file it imports and
 * `devenv allow` picked up at direnv's next prompt (watch_file); leaving restores; a devenv.ts not
 * allowed or an install that fails exports nothing. direnv keeps its config and allow list under
 * XDG dirs of the sandbox's own HOME.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { assertOk, devenvBin } from "../helpers/cli.js";
import { shellAvailable, startShell, type ShellSession } from "../support/shell-session.js";
import { useShellWorld } from "../support/shell-world.js";
import { config, stable } from "../support/shell-words.js";
import { useFakeUpstream } from "../support/use-fake-upstream.js";

const fake = useFakeUpstream({ zig: ["0.13.0", "0.14.1"], go: ["1.23.4"] });

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}
/** Async: the fake upstream serves from this process meanwhile. */
const runProc = (file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Proc> =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

const parseEnv0 = (out: string): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const entry of out.split("\0")) {
    const i = entry.indexOf("=");
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return env;
};

/** The two tools' own bookkeeping: everything else must be equal. */
const BOOKKEEPING = /^(DEVENV_STATE|__DEVENV_HOOK|DIRENV_.*)$/;
const comparable = (env: Record<string, string>) => Object.fromEntries(Object.entries(stable(env)).filter(([k]) => !BOOKKEEPING.test(k)));
const PAST = new Date(Date.now() - 3600_000);

const onPath = (name: string) =>
  (process.env.PATH ?? "").split(":").some((d) => {
    try {
      accessSync(join(d || ".", name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const skip = !shellAvailable("bash") ? "bash is not installed" : !onPath("direnv") ? "direnv is not installed" : false;

describe("direnv: use devenv", { skip, concurrency: false }, () => {
  const world = useShellWorld("bash", () => fake.mirrors);
  const sessions: ShellSession[] = [];
  after(() => Promise.all(sessions.map((s) => s.close())));
  /** The shells' environment, with direnv's XDG dirs in the sandbox and its direnvrc loading `devenv direnv`. */
  const direnvEnv = () => {
    const home = world.sb.env.HOME!;
    return world.shellEnv({ TERM: "dumb", XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share"), XDG_CACHE_HOME: join(home, ".cache") });
  };
  const direnv = (args: string[], cwd: string) => runProc("direnv", args, cwd, direnvEnv());
  let rcWritten = false;
  const writeDirenvrc = async () => {
    if (rcWritten) return;
    const dir = join(direnvEnv().XDG_CONFIG_HOME!, "direnv");
    mkdirSync(dir, { recursive: true });
    // As the README says, with devenv named by path (it is not on the shells' PATH).
    writeFileSync(join(dir, "direnvrc"), `eval "$(${JSON.stringify(process.execPath)} ${JSON.stringify(devenvBin)} direnv)"\n`);
    rcWritten = true;
  };
  const envrc = async (dir: string, text: string) => {
    await writeDirenvrc();
    writeFileSync(join(dir, ".envrc"), text);
    const r = await direnv(["allow", dir], dir);
    assert.equal(r.code, 0, r.stderr);
  };
  const direnvShell = async (cwd: string): Promise<ShellSession> => {
    const s = await startShell("bash", { env: direnvEnv(), cwd, rc: 'eval "$(direnv hook bash)"' });
    sessions.push(s);
    return s;
  };
  const hookShellEnvIn = async (cwd: string, project: string) => {
    const s = await world.shell(cwd, direnvEnv());
    sessions.push(s);
    const out = await s.run(`cd ${project}`);
    assert.doesNotMatch(out, /error|not allowed|not installed/i, out);
    return s.env();
  };

  test("devenv direnv prints a use_devenv function that names node and devenv by absolute path", async () => {
    const r = await world.sb.run(["direnv"], { cwd: world.base, env: direnvEnv() });
    assertOk(r);
    assert.match(r.stdout, /^use_devenv\(\) \{$/m);
    assert.ok(r.stdout.includes(`'${process.execPath}' '${devenvBin}' direnv --export`), r.stdout);
    // Run by itself (direnv's watch_file and log_error stubbed) on a PATH with neither node nor devenv.
    const w = world.workDir("fn");
    await world.sb.writeConfig(config({ env: { GREETING: "no PATH needed" } }), w);
    const stubs = `watch_file() { :; }\nlog_error() { echo "$*" >&2; }`;
    const check = await runProc("bash", ["-c", `${r.stdout}\n${stubs}\nPATH=/nonexistent\nuse_devenv && printf %s "$GREETING"`], w, world.shellEnv());
    assert.equal(check.stdout, "no PATH needed", check.stderr);
  });

  test("use devenv gives the environment the bash hook gives in that directory, variable by variable (PATH, devenv.ts's env, a tool's env); use devenv <dir> too", async () => {
    const w = world.workDir("same");
    const proj = join(w, "proj");
    // An enclosing project too: the hook applies the chain from / down, and so must direnv.
    await world.sb.writeConfig(config({ tools: { zig: "0.14" }, env: { OUTER: "outer", GREETING: "from outer" } }), w);
    await world.sb.writeConfig(config({ tools: { zig: "0.13", go: "1.23" }, env: { GREETING: "hi", QUOTED: `it's "$HOME" \\ \`x\`\nline 2` } }), proj);
    await envrc(proj, "use devenv\n");
    const base = direnvEnv();

    const viaDirenv = await direnv(["exec", proj, "env", "-0"], w);
    assert.equal(viaDirenv.code, 0, viaDirenv.stderr);
    const d = parseEnv0(viaDirenv.stdout);
    const h = await hookShellEnvIn(w, "proj");

    assert.equal(d.GREETING, "hi");
    assert.equal(d.OUTER, "outer");
    assert.equal(d.QUOTED, `it's "$HOME" \\ \`x\`\nline 2`);
    assert.match(d.PATH!.split(":")[0]!, /\/store\/[0-9a-z]{32}-(zig-0\.13\.0|go-1\.23\.4)$/);
    assert.ok(d.GOROOT && /-go-1\.23\.4$/.test(d.GOROOT), `GOROOT: ${d.GOROOT}`);
    assert.equal(d.GOTOOLCHAIN, "local");
    assert.notEqual(d.PATH, base.PATH);
    const zig = await direnv(["exec", proj, "zig", "version"], w);
    assert.equal(zig.stdout.trim(), "0.13.0", "the nearest project's zig wins");
    // The hook's shell and direnv's exec started from the same environment: every variable the
    // same, added or changed or not, bookkeeping aside.
    const dc = comparable(d);
    const hc = comparable(h);
    for (const k of new Set([...Object.keys(dc), ...Object.keys(hc)])) assert.equal(dc[k], hc[k], `${k}: direnv ${JSON.stringify(dc[k])}, hook ${JSON.stringify(hc[k])}`);

    // What editors take as JSON: merged over the same environment, the same variables again.
    const json = await world.sb.run(["env", "--json"], { cwd: proj, env: base });
    assertOk(json);
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...base, ...(JSON.parse(json.stdout) as Record<string, string | null>) })) if (typeof v === "string") merged[k] = v;
    assert.deepEqual(comparable(merged), hc, "devenv env --json merged over the environment");

    // `use devenv proj` in the directory above: the same as the hook in proj.
    await envrc(w, "use devenv proj\n");
    const fromAbove = await direnv(["exec", w, "env", "-0"], w);
    assert.equal(fromAbove.code, 0, fromAbove.stderr);
    assert.deepEqual(comparable(parseEnv0(fromAbove.stdout)), hc);
  });

  test("edits to devenv.ts and to a file it imports, and devenv allow, are picked up at the next prompt; leaving restores", async () => {
    const w = world.workDir("watch");
    const proj = join(w, "proj");
    mkdirSync(proj, { recursive: true });
    writeFileSync(join(proj, "greeting.ts"), `export const greeting: string = "hello";\n`);
    writeFileSync(join(proj, "devenv.ts"), `import { greeting } from "./greeting";\nexport default { tools: { zig: "0.13" }, env: { GREETING: greeting } };\n`);
    assertOk(await world.sb.run(["allow"], { cwd: proj }));
    assertOk(await world.sb.run(["install"], { cwd: proj }));
    await envrc(proj, "use devenv\n");
    // direnv compares mtimes in whole seconds: the files start an hour old, so that an edit now shows.
    const stamp = join(world.sb.home, "state", "stamp");
    for (const f of [join(proj, "devenv.ts"), join(proj, "greeting.ts"), join(proj, "devenv.lock"), stamp]) if (existsSync(f)) utimesSync(f, PAST, PAST);

    const s = await direnvShell(w);
    const outside = await s.env();
    await s.run("cd proj");
    assert.equal(await s.variable("GREETING"), "hello", s.transcript());
    assert.equal((await s.run("zig version")).trim(), "0.13.0");

    // devenv.ts edited: a tool added, a value changed (and allowed, as a user would).
    writeFileSync(join(proj, "devenv.ts"), `import { greeting } from "./greeting";\nexport default { tools: { zig: "0.13", go: "1.23" }, env: { GREETING: greeting + "!" } };\n`);
    assertOk(await world.sb.run(["allow"], { cwd: proj }));
    await s.run("");
    assert.equal(await s.variable("GREETING"), "hello!", s.transcript());
    assert.match((await s.variable("GOROOT")) ?? "", /-go-1\.23\.4$/, s.transcript());
    assert.match((await s.run("go version")).trim(), /go1\.23\.4/);

    // The imported file edited: direnv loads again; devenv refuses the content nobody allowed and
    // exports nothing; `devenv allow` (the stamp) brings the new value.
    for (const f of [join(proj, "greeting.ts"), stamp]) utimesSync(f, PAST, PAST);
    await s.run("");
    writeFileSync(join(proj, "greeting.ts"), `export const greeting: string = "bonjour";\n`);
    const refused = await s.run("");
    assert.match(refused, /changed since it was allowed/, s.transcript());
    assert.equal(await s.variable("GREETING"), undefined, "nothing of the project after a refusal");
    assert.equal(await s.variable("GOROOT"), undefined);
    assertOk(await world.sb.run(["allow"], { cwd: proj }));
    await s.run("");
    assert.equal(await s.variable("GREETING"), "bonjour!", s.transcript());

    await s.run("cd ..");
    assert.deepEqual(comparable(await s.env()), comparable(outside), "leaving restores every variable");
  });

  for (const kind of ["zsh", "fish"] as const) {
    test(`${kind} with direnv's hook: use devenv on cd, the same as direnv exec; leaving restores`, { skip: shellAvailable(kind) ? false : `${kind} is not installed` }, async () => {
      const w = world.workDir(`in-${kind}`);
      const proj = join(w, "proj");
      await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: `hi from ${kind}` } }), proj);
      await envrc(proj, "use devenv\n");
      const expected = parseEnv0((await direnv(["exec", proj, "env", "-0"], w)).stdout);
      const s = await startShell(kind, { env: direnvEnv(), cwd: w, rc: kind === "fish" ? "direnv hook fish | source" : 'eval "$(direnv hook zsh)"' });
      sessions.push(s);
      const outside = await s.env();
      await s.run("cd proj");
      assert.equal(await s.variable("GREETING"), `hi from ${kind}`, s.transcript());
      assert.equal(await s.variable("PATH"), expected.PATH);
      assert.equal((await s.run("zig version")).trim(), "0.13.0");
      await s.run("cd ..");
      const back = await s.env();
      assert.equal(back.GREETING, undefined);
      assert.equal(back.PATH, outside.PATH);
    });
  }

  test("a devenv.ts not allowed runs nothing and exports nothing; a failing install exports nothing either", async () => {
    const w = world.workDir("refuse");
    const proj = join(w, "proj");
    mkdirSync(proj, { recursive: true });
    const marker = join(w, "ran");
    writeFileSync(join(proj, "devenv.ts"), `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default { tools: { zig: "0.13" }, env: { GREETING: "hi" } };\n`);
    await envrc(proj, "use devenv\n");
    const base = direnvEnv();
    const r = await direnv(["exec", proj, "env", "-0"], w);
    assert.match(r.stderr, /devenv\.ts is not allowed\n  hint: /);
    const env = parseEnv0(r.stdout);
    assert.equal(env.GREETING, undefined);
    assert.equal(env.PATH, base.PATH);
    assert.equal(existsSync(marker), false, "devenv.ts was not run");

    // Allowed, but a tool has no such version: the error, and not zig's PATH nor GREETING.
    await world.sb.writeConfig(config({ tools: { zig: "0.13", go: "9.9" }, env: { GREETING: "hi" } }), proj);
    const failed = await direnv(["exec", proj, "env", "-0"], w);
    assert.match(failed.stderr, /go/);
    const fenv = parseEnv0(failed.stdout);
    assert.equal(fenv.GREETING, undefined);
    assert.equal(fenv.PATH, base.PATH, failed.stderr);
  });

  test("the user-wide devenv.ts is watched even while there is none: one brought back with content allowed before is loaded at the next prompt, as the hook does", async () => {
    const w = world.workDir("userwide");
    const proj = join(w, "proj");
    await world.sb.writeConfig(config({ tools: { zig: "0.13" }, env: { GREETING: "hi" } }), proj);
    assertOk(await world.sb.run(["install"], { cwd: proj }));
    // The user-wide tools, allowed and installed by devenv, then taken away (a dotfiles checkout).
    const global = join(world.sb.home, "global");
    assertOk(await world.sb.run(["add", "-g", "go@1.23"], { cwd: w }));
    const text = readFileSync(join(global, "devenv.ts"), "utf8");
    rmSync(join(global, "devenv.ts"));
    await envrc(proj, "use devenv\n");
    const stamp = join(world.sb.home, "state", "stamp");
    for (const f of [join(proj, "devenv.ts"), join(proj, "devenv.lock"), join(global, "devenv.lock"), stamp]) if (existsSync(f)) utimesSync(f, PAST, PAST);

    const s = await direnvShell(w);
    try {
      await s.run("cd proj");
      assert.equal(await s.variable("GREETING"), "hi", s.transcript());
      assert.equal(await s.variable("GOROOT"), undefined, s.transcript());
      // The same content back: allowed already (trust is by content), so nothing touches the stamp.
      writeFileSync(join(global, "devenv.ts"), text);
      await s.run("");
      assert.match((await s.variable("GOROOT")) ?? "", /-go-1\.23\.4$/, s.transcript());
      assert.equal(await s.variable("GREETING"), "hi");
    } finally {
      rmSync(global, { recursive: true, force: true }); // the other tests have no user-wide tools
    }
  });
});
