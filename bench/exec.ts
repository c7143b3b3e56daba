/**
 * `npm run bench -- exec`: what scripts, Makefiles and editor tasks pay per call of `devenv exec`,
 * `devenv env` and `devenv which`, against `mise exec` / `mise env`, a bare `node -e 0` and the
 * command run directly (the floor: one fork and exec of a sh script).
 *
 * The projects are the hook bench's (bench/projects.ts): devenv's holds one inline tool with a
 * `bench-hello` command, installed from loopback, and sets GREETING and DATA; mise's mise.toml sets the
 * same and puts a bin dir holding `bench-hello` on PATH. devenv is the file package.json's bin.devenv
 * names, spawned as a command (through its shebang), as users get it. Before timing, the bash hook
 * visits the project once, so its cached activation is fresh; then every command's output and exit
 * status are checked (the same checks again after timing): any mismatch fails the bench.
 *
 * Each call is timed inside bash (bench/exec.bash) with $EPOCHREALTIME around it, as a script would
 * run it: bash's fork and exec are in every row (the floor row shows how much), Node's spawn is not.
 * Each round runs every command ITER times, commands interleaved (the order rotates each round);
 * the figure is the median over all calls, beside the spread of the rounds' medians.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { median } from "./markdown.js";
import { devenvLauncher, findMise, prepareProjects, run, setUpProjects, which, type RunResult } from "./projects.js";

/** Calls per command per round: ~4 s a round for today's Node-started devenv, well under 1 s for the rest. */
const ITER = 30;
/** devenv exec ≤ this × mise exec, in the same run (issue 20). */
export const TARGET_RATIO = 0.5;

type Key = "devenvExec" | "miseExec" | "devenvEnv" | "miseEnv" | "devenvWhich" | "node" | "direct";

interface Case {
  key: Key;
  label: string;
  file: string;
  args: string[];
  cwd: string;
  /** The mise command it is compared with. */
  peer?: Key;
}

/** The bash hook visiting the project once: writes devenv's cached activation, checks it applied. */
const HOOK_VISIT = `
eval "$("$BENCH_DEVENV" hook bash)" || { echo "BENCH-FAIL devenv hook bash failed"; exit 1; }
cd "$BENCH_PROJ" || exit 1
if [[ \${PROMPT_COMMAND@a} == *a* ]]; then
  for __c in "\${PROMPT_COMMAND[@]}"; do eval "$__c"; done
else
  eval "\${PROMPT_COMMAND-}"
fi
[[ \${GREETING-} == hi ]] || { echo "BENCH-FAIL after the hook's first visit: GREETING=\${GREETING-<unset>}"; exit 1; }
__out=$(bench-hello 2>&1)
[[ $__out == "bench-hello devenv" ]] || { echo "BENCH-FAIL after the hook's first visit: bench-hello printed '$__out'"; exit 1; }
echo BENCH-OK
`;

/** Evaluates `<tool> env`'s output ($1) in a clean bash and prints what it gave: GREETING|DATA|bench-hello's output. */
const EVAL_ENV = `eval "$1" || exit 1; printf '%s|%s|%s' "\${GREETING-<unset>}" "\${DATA-<unset>}" "$(bench-hello 2>&1)"`;

function expectRun(what: string, r: RunResult, want: { code?: number; signal?: NodeJS.Signals; stdout?: string | RegExp }): void {
  const wantCode = want.signal ? null : (want.code ?? 0);
  const problems: string[] = [];
  if (r.code !== wantCode || r.signal !== (want.signal ?? null)) {
    problems.push(`ended with ${r.signal ? `signal ${r.signal}` : `exit ${r.code}`}, expected ${want.signal ? `signal ${want.signal}` : `exit ${wantCode}`}`);
  }
  if (typeof want.stdout === "string" && r.stdout !== want.stdout) problems.push(`printed ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(want.stdout)}`);
  if (want.stdout instanceof RegExp && !want.stdout.test(r.stdout)) problems.push(`printed ${JSON.stringify(r.stdout)}, expected ${want.stdout}`);
  if (problems.length) throw new Error(`exec bench: ${what} ${problems.join("; ")}${r.stderr ? `\n--- stderr\n${r.stderr}` : ""}`);
}

export async function benchExec(repo: string, runs: number): Promise<string> {
  const work = join(repo, ".bench", "exec");
  const launcher = devenvLauncher(repo);
  const devenv = launcher.file;
  const bash = which("bash");
  if (!bash) throw new Error("bash is not installed; install it (Debian/Ubuntu: apt-get install -y bash)");
  const mise = findMise(join(repo, ".bench", "mise"));
  const miseVersion = execFileSync(mise, ["--version"], { encoding: "utf8" }).trim().split(/\s+/)[0]!;
  const timer = readFileSync(join(repo, "bench", "exec.bash"), "utf8");
  const load = () => loadavg()[0]!.toFixed(1);
  const loadStart = load();

  const projects = await setUpProjects(work, ["devenv", "mise"]);
  const { env, proj } = projects;
  const samples = {} as Record<Key, number[][]>;
  let cases: Case[] = [];
  try {
    await prepareProjects(projects, { devenv: [devenv], mise });

    // --- a fresh cached activation: the bash hook visits the project once ---
    const visit = await run(bash, ["--norc", "--noprofile", "-c", HOOK_VISIT], { env: { ...env, BENCH_DEVENV: devenv, BENCH_PROJ: proj.devenv }, cwd: join(proj.devenv, "..") });
    if (visit.code !== 0 || !/^BENCH-OK$/m.test(visit.stdout)) {
      throw new Error(`exec bench: the bash hook's first visit did not work (exit ${visit.code}): ${visit.stdout.match(/^BENCH-FAIL .*$/m)?.[0] ?? "no BENCH-OK"}\n--- stdout\n${visit.stdout}--- stderr\n${visit.stderr}`);
    }

    // --- what each command must do; checked before and after timing ---
    const at = (cwd: string) => ({ env, cwd });
    const inDevenv = at(proj.devenv);
    const inMise = at(proj.mise);
    const data = (p: string) => join(p, "data");
    let direct = "";
    const verify = async (when: string) => {
      const dx = (args: string[]) => run(devenv, ["exec", "--", ...args], inDevenv);
      const mx = (args: string[]) => run(mise, ["exec", "--", ...args], inMise);
      const vars = ["sh", "-c", 'printf "%s|%s" "${GREETING-<unset>}" "${DATA-<unset>}"'];
      expectRun(`${when}: devenv exec -- bench-hello`, await dx(["bench-hello"]), { stdout: "bench-hello devenv\n" });
      expectRun(`${when}: devenv exec -- sh -c 'printf GREETING|DATA'`, await dx(vars), { stdout: `hi|${data(proj.devenv)}` });
      expectRun(`${when}: devenv exec -- sh -c 'exit 3'`, await dx(["sh", "-c", "exit 3"]), { code: 3 });
      expectRun(`${when}: devenv exec -- sh -c 'kill -TERM $$'`, await dx(["sh", "-c", "kill -TERM $$"]), { signal: "SIGTERM" });
      const denv = await run(devenv, ["env"], inDevenv);
      expectRun(`${when}: devenv env`, denv, {});
      expectRun(`${when}: bash evaluating devenv env's output`, await run(bash, ["--norc", "--noprofile", "-c", EVAL_ENV, "bash", denv.stdout], inDevenv), { stdout: `hi|${data(proj.devenv)}|bench-hello devenv` });
      const w = await run(devenv, ["which", "bench-hello"], inDevenv);
      expectRun(`${when}: devenv which bench-hello`, w, { stdout: /^\/.*\/bench-hello\n$/ });
      const found = w.stdout.trim();
      if (!found.startsWith(env.DEVENV_HOME! + "/")) throw new Error(`exec bench: ${when}: devenv which bench-hello gave ${found}, outside DEVENV_HOME ${env.DEVENV_HOME}`);
      expectRun(`${when}: ${found} run directly`, await run(found, [], inDevenv), { stdout: "bench-hello devenv\n" });
      if (direct && found !== direct) throw new Error(`exec bench: ${when}: devenv which bench-hello gave ${found}, earlier ${direct}`);
      direct = found;
      expectRun(`${when}: mise exec -- bench-hello`, await mx(["bench-hello"]), { stdout: "bench-hello mise\n" });
      expectRun(`${when}: mise exec -- sh -c 'printf GREETING|DATA'`, await mx(vars), { stdout: `hi|${data(proj.mise)}` });
      expectRun(`${when}: mise exec -- sh -c 'exit 3'`, await mx(["sh", "-c", "exit 3"]), { code: 3 });
      const menv = await run(mise, ["env"], inMise);
      expectRun(`${when}: mise env`, menv, {});
      expectRun(`${when}: bash evaluating mise env's output`, await run(bash, ["--norc", "--noprofile", "-c", EVAL_ENV, "bash", menv.stdout], inMise), { stdout: `hi|${data(proj.mise)}|bench-hello mise` });
      expectRun(`${when}: node -e 0`, await run(process.execPath, ["-e", "0"], inDevenv), {});
    };
    await verify("before timing");

    cases = [
      { key: "devenvExec", label: "`devenv exec -- bench-hello`", file: devenv, args: ["exec", "--", "bench-hello"], cwd: proj.devenv, peer: "miseExec" },
      { key: "miseExec", label: `\`mise exec -- bench-hello\` (mise ${miseVersion})`, file: mise, args: ["exec", "--", "bench-hello"], cwd: proj.mise, peer: "miseExec" },
      { key: "devenvEnv", label: "`devenv env`", file: devenv, args: ["env"], cwd: proj.devenv, peer: "miseEnv" },
      { key: "miseEnv", label: "`mise env`", file: mise, args: ["env"], cwd: proj.mise, peer: "miseEnv" },
      { key: "devenvWhich", label: "`devenv which bench-hello` (mise has no counterpart for a non-tool command)", file: devenv, args: ["which", "bench-hello"], cwd: proj.devenv },
      { key: "node", label: "`node -e 0` (bare Node start-up)", file: process.execPath, args: ["-e", "0"], cwd: proj.devenv },
      { key: "direct", label: "`bench-hello` run directly (the floor: one fork and exec of a sh script)", file: direct, args: [], cwd: proj.devenv },
    ];
    for (const c of cases) samples[c.key] = [];
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(i + round) % cases.length]!;
        const r = await run(bash, ["--norc", "--noprofile", "-c", timer, "bash", String(ITER), c.file, ...c.args], { env, cwd: c.cwd });
        const fail = r.stdout.match(/^BENCH-FAIL .*$/m)?.[0];
        if (r.code !== 0 || fail || !/^BENCH-OK$/m.test(r.stdout)) {
          throw new Error(`exec bench: ${c.label} did not work (exit ${r.code}): ${fail ?? "no BENCH-OK"}\n--- stderr\n${r.stderr}`);
        }
        if (r.stderr.trim()) process.stderr.write(`${c.label} stderr: ${r.stderr}`);
        const us = r.stdout.split("\n").filter((l) => /^\d+$/.test(l)).map(Number);
        if (us.length !== ITER) throw new Error(`exec bench: ${c.label} gave ${us.length} timings, expected ${ITER}:\n${r.stdout}`);
        samples[c.key].push(us.map((x) => x / 1000));
      }
      process.stdout.write(`round ${round + 1}/${runs} (median ms per call) ${cases.map((c) => `${c.key} ${median(samples[c.key].at(-1)!).toFixed(1)}`).join(", ")}\n`);
    }
    await verify("after timing");
  } finally {
    projects.close();
  }

  // --- table and target ---
  const med = (k: Key) => median(samples[k].flat());
  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (x: number, y: number) => `${(x / y).toFixed(x / y >= 10 ? 0 : 2)}×`;
  const spread = (k: Key) => {
    const m = samples[k].map(median);
    return `${ms(Math.min(...m))}–${ms(Math.max(...m))}`;
  };
  const loadEnd = load();
  const d = med("devenvExec");
  const m = med("miseExec");
  const out: string[] = [
    `Per-call cost of exec, env and which, median of ${runs} rounds × ${ITER} calls (${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}; mise ${miseVersion}, Node ${process.version}; 1-min load average ${loadStart} at the start, ${loadEnd} at the end).`,
    "",
    `- devenv = \`${launcher.rel}\`, the file package.json's bin.devenv names (\`${launcher.shebang}\`), spawned as a command through its shebang.`,
    "- The projects are the hook bench's: devenv's `devenv.ts` holds one inline tool with a `bench-hello` command (installed from loopback before timing) and sets GREETING=hi and DATA=<root>/data;",
    "  mise's `mise.toml` sets the same and puts `bin/` (holding `bench-hello`) on PATH, `mise trust`ed. HOME, the XDG dirs and DEVENV_HOME are private to the bench.",
    "- Before timing, the bash hook visits the devenv project once (`eval \"$(devenv hook bash)\"; cd proj; <prompt>`), so its cached activation is fresh.",
    "  Before and after timing, each command's output is checked: `exec -- bench-hello` runs the project's command, `exec -- sh -c` sees GREETING and DATA,",
    "  `exec -- sh -c 'exit 3'` exits 3 (devenv: `kill -TERM $$` ends it by SIGTERM), `env`'s output evaluated by bash gives the same values and command, `which` names the store's file. Any miss fails the bench.",
    "- Each call is timed inside `bash --norc --noprofile` with $EPOCHREALTIME around it, stdout to /dev/null (bench/exec.bash): bash's fork and exec are in every row, as in a script.",
    "  Rounds interleave the commands (the order rotates each round); the figure is the median over all calls, with the range of the rounds' medians.",
    `- Target (issue 20): devenv exec ≤ ${TARGET_RATIO}× mise exec, in the same run.`,
    "",
    "| command | ms per call | rounds' medians | vs mise | vs `node -e 0` |",
    "|---|---|---|---|---|",
  ];
  for (const c of cases) {
    const x = med(c.key);
    out.push(`| ${c.label} | ${ms(x)} | ${spread(c.key)} | ${c.peer ? ratio(x, med(c.peer)) : "—"} | ${ratio(x, med("node"))} |`);
  }
  const pass = d <= TARGET_RATIO * m;
  out.push(
    "",
    /\bnode\b/.test(launcher.shebang)
      ? "Reading it: bin.devenv is a Node script, so every devenv call pays Node's start-up (the `node -e 0` row) and the CLI's loading; issue 20's fast path is to bring `devenv exec` towards the floor row."
      : "Reading it: a devenv row near the floor means the launcher answered without Node; a row near `node -e 0` or above means it fell through to the Node CLI (a stale or missing cached activation, or an option it leaves to Node).",
  );
  out.push("", "Target:", "", `- ${pass ? "PASS" : "FAIL"} devenv exec ${ms(d)} ms ≤ ${TARGET_RATIO}× mise exec (${ms(m)} ms → ≤ ${ms(TARGET_RATIO * m)} ms): ${ratio(d, m)}`);
  return out.join("\n");
}
