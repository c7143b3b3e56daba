/**
 * `npm run bench -- hook`: the shell hooks of devenv, direnv and mise, side by side in bash and zsh.
 *
 * Each tool gets an equivalent project (GREETING=hi, DATA=<root>/data, one dir put in front of PATH
 * holding a `bench-hello` command) at the same depth, and each shell is started non-interactively
 * with that tool's hook loaded as an rc file would (`eval "$(tool hook bash)"`). Inside the shell,
 * with $EPOCHREALTIME (zsh: zsh/datetime), so process start-up is not counted, we time
 *   prompt     what bash runs before a prompt (PROMPT_COMMAND; zsh: precmd_functions) inside the
 *              project when nothing changed;
 *   cd in+out  `cd proj; <prompt>; cd ..; <prompt>` with warm caches (each tool's cd/chpwd hooks
 *              run as they would for a user);
 *   first      devenv only: `cd proj; <prompt>` with the project's cached activation removed before
 *              each one (its tool installed, its activation never written: the hook runs devenv),
 *              next to bare `node -e 0` timed the same way in the same shell.
 * Every shell first checks that the hook really works (values in the project, the tool on PATH,
 * everything gone and PATH restored after leaving) and again after the timed loops; a broken setup
 * fails the bench instead of producing numbers. Rounds interleave tools and shells so that drift
 * on a shared VM hits all of them alike; the result is the median over rounds.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { median } from "./markdown.js";
import { activationDir, activationsRoot } from "../src/state/activations.js";
import { findMise, prepareProjects, run, setUpProjects, which, type Tool } from "./projects.js";

type Shell = "bash" | "zsh";
const SHELLS: Shell[] = ["bash", "zsh"];
const TOOLS: Tool[] = ["devenv", "direnv", "mise", "none"];
const PEERS = ["direnv", "mise"] as const;

/** Iterations per timed batch: enough for a batch to last ~0.1–1 s for each tool. */
const ITER: Record<Tool, { prompt: number; cd: number }> = {
  devenv: { prompt: 2000, cd: 300 },
  none: { prompt: 2000, cd: 300 },
  direnv: { prompt: 100, cd: 20 },
  mise: { prompt: 100, cd: 20 },
};

export const TARGETS = { promptUs: 100, cdUs: 1500, ratio: 10, firstMs: 80 };

/** First visits per shell and round (each runs devenv's hook-env once, and `node -e 0` once). */
const N_FIRST = 10;

/**
 * The script each shell runs (bench/hook-bench.bash, bench/hook-bench.zsh). Environment: BENCH_TOOL,
 * BENCH_RC (hook code, eval'd like an rc file), BENCH_PROJ, BENCH_OUT (its parent), BENCH_N_PROMPT,
 * BENCH_N_CD. Output: `version V`, `prompt US N`, `cd US N`, `BENCH-OK`, or `BENCH-FAIL why` (exit 1).
 */
const script = (repo: string, shell: Shell) => readFileSync(join(repo, "bench", shell === "bash" ? "hook-bench.bash" : "hook-bench.zsh"), "utf8");

interface Sample {
  prompt: number;
  cd: number;
}

/** µs samples of one shell's first visits and of `node -e 0` beside them. */
interface FirstSamples {
  first: number[];
  node: number[];
}

export async function benchHook(repo: string, runs: number): Promise<string> {
  const work = join(repo, ".bench", "hook");
  const node = process.execPath;
  const cli = join(repo, "bin/devenv.js");

  // --- the tools ---
  const shells = Object.fromEntries(SHELLS.map((s) => [s, which(s)])) as Record<Shell, string | undefined>;
  for (const s of SHELLS) if (!shells[s]) throw new Error(`${s} is not installed; install it (Debian/Ubuntu: apt-get install -y ${s})`);
  const direnv = which("direnv");
  if (!direnv) throw new Error("direnv is not installed; install it (Debian/Ubuntu: apt-get install -y direnv) and rerun");
  const mise = findMise(join(repo, ".bench", "mise"));
  const direnvVersion = execFileSync(direnv, ["version"], { encoding: "utf8" }).trim();
  const miseVersion = execFileSync(mise, ["--version"], { encoding: "utf8" }).trim().split(/\s+/)[0]!;

  // --- an isolated user and the three equivalent projects (bench/projects.ts) ---
  const projects = await setUpProjects(work, TOOLS);
  const { env, proj } = projects;

  const samples: Record<Shell, Record<Tool, Sample[]>> = { bash: {} as Record<Tool, Sample[]>, zsh: {} as Record<Tool, Sample[]> };
  const versions: Partial<Record<Shell, string>> = {};
  const firsts: Record<Shell, FirstSamples> = { bash: { first: [], node: [] }, zsh: { first: [], node: [] } };
  const firstRm = activationDir(activationsRoot(join(env.DEVENV_HOME!, "state")), proj.devenv);
  try {
    await prepareProjects(projects, { devenv: [node, cli], direnv, mise });

    const rc = (tool: Tool, shell: Shell): string => {
      const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
      if (tool === "devenv") return `eval "$(${q(node)} ${q(cli)} hook ${shell})"`;
      if (tool === "direnv") return `eval "$(${q(direnv)} hook ${shell})"`;
      if (tool === "mise") return `eval "$(${q(mise)} activate ${shell})"`;
      return "";
    };
    for (let round = 0; round < runs; round++) {
      for (const shell of SHELLS) {
        for (const tool of TOOLS) {
          const args = shell === "bash" ? ["--norc", "--noprofile", "-c", script(repo, "bash")] : ["-f", "-c", script(repo, "zsh")];
          const r = await run(shells[shell]!, args, {
            cwd: join(work, tool),
            env: {
              ...env,
              BENCH_TOOL: tool,
              BENCH_RC: rc(tool, shell),
              BENCH_PROJ: proj[tool],
              BENCH_OUT: join(work, tool),
              BENCH_N_PROMPT: String(ITER[tool].prompt),
              BENCH_N_CD: String(ITER[tool].cd),
              ...(tool === "devenv" ? { BENCH_FIRST_RM: firstRm, BENCH_N_FIRST: String(N_FIRST), BENCH_NODE: node } : {}),
            },
          });
          const fail = r.stdout.match(/^BENCH-FAIL .*$/m)?.[0];
          if (r.code !== 0 || fail || !/^BENCH-OK$/m.test(r.stdout)) {
            throw new Error(`hook bench: ${tool} in ${shell} did not work (exit ${r.code}): ${fail ?? "no BENCH-OK"}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);
          }
          const num = (name: string) => {
            const m = r.stdout.match(new RegExp(`^${name} (\\d+) (\\d+)$`, "m"));
            if (!m) throw new Error(`hook bench: no '${name}' timing from ${tool}/${shell}:\n${r.stdout}`);
            return Number(m[1]) / Number(m[2]);
          };
          versions[shell] = r.stdout.match(/^version (.*)$/m)?.[1];
          (samples[shell][tool] ??= []).push({ prompt: num("prompt"), cd: num("cd") });
          if (tool === "devenv") {
            for (const k of ["first", "node"] as const) {
              const m = r.stdout.match(new RegExp(`^${k} ([\\d ]+)$`, "m"));
              const xs = m?.[1]!.trim().split(" ").map(Number) ?? [];
              if (xs.length !== N_FIRST) throw new Error(`hook bench: ${N_FIRST} '${k}' timings expected from devenv/${shell}:\n${r.stdout}`);
              firsts[shell][k].push(...xs);
            }
          }
          if (tool !== "none" && r.stderr.trim()) process.stderr.write(`${tool}/${shell} stderr: ${r.stderr}`);
        }
      }
      const last = SHELLS.map((s) => `${s}: ${TOOLS.map((t) => `${t} ${samples[s][t]!.at(-1)!.prompt.toFixed(0)}/${samples[s][t]!.at(-1)!.cd.toFixed(0)}`).join(", ")}`);
      const first = SHELLS.map((s) => `${s} ${(median(firsts[s].first.slice(-N_FIRST)) / 1000).toFixed(1)}`).join(", ");
      process.stdout.write(`round ${round + 1}/${runs} (prompt/cd µs) ${last.join("; ")}; first visit (ms) ${first}\n`);
    }
  } finally {
    projects.close();
  }

  // --- tables and targets ---
  const out: string[] = [
    `Shell hooks, median of ${runs} rounds (${new Date().toISOString().slice(0, 10)}, ${process.platform}-${process.arch}; direnv ${direnvVersion}, mise ${miseVersion}, devenv's CLI on Node ${process.version}).`,
    "",
    "- Same work for all three: each project sets GREETING=hi and DATA=<project root>/data and puts one directory holding a `bench-hello` command in front of PATH.",
    "  devenv: `devenv.ts` with that `env` and one inline tool (a tarball served on loopback, installed into the store before timing; so PATH gets a store dir, not a project dir);",
    "  direnv: `.envrc` = `export GREETING=hi; export DATA=$PWD/data; PATH_add bin` + `direnv allow`; mise: `mise.toml` = `[env]` GREETING, `DATA = \"{{config_root}}/data\"`, `_.path = [\"bin\"]` + `mise trust`.",
    "- Each shell is `bash --norc --noprofile -c` / `zsh -f -c` with one tool's hook `eval`'d as in an rc file (`node bin/devenv.js hook bash|zsh`, `direnv hook …`, `mise activate …`).",
    "  HOME, the XDG dirs and DEVENV_HOME are private to the bench; DIRENV_LOG_FORMAT is empty, so no tool prints anything.",
    "- Timed inside the shell with $EPOCHREALTIME (zsh: zsh/datetime): no process start-up. *prompt* = running PROMPT_COMMAND (zsh: precmd_functions) once, inside the project, nothing changed.",
    "  *cd in+out* = `cd proj; <prompt>; cd ..; <prompt>` with warm caches, including each tool's cd wrapper / chpwd hook (direnv has none in bash: its prompt hook switches).",
    "  *no hook* = the same loops with no hook loaded (loop and prompt dispatch alone). Rounds interleave tools and shells.",
    "- Before and after the timed loops every shell checks GREETING and DATA inside, `bench-hello` running inside and gone outside, and PATH restored exactly; any miss fails the bench.",
    "- Needs bash, zsh and direnv (Debian: `apt-get install -y zsh direnv`). mise is installed by the bench: `npm install --prefix .bench/mise @jdxcode/mise`",
    "  (its preinstall script installs the platform package @jdxcode/mise-<os>-<arch> and hard-links that binary to bin/mise).",
    `- *first visit* (devenv) = \`cd proj; <prompt>\` with the project's cached activation deleted before each (\`rm -rf\` of its dir under the activations root, untimed): the tool is installed,`,
    "  its activation never written, so the hook runs `node bin/devenv.js hook-env` (trust check, evaluate devenv.ts, read and check devenv.lock, write the activation).",
    "  Compiled config and V8 code caches stay warm, as for a user who has run devenv before. *node -e 0* = bare Node start-up timed the same way in the same shell, right after each first visit.",
    `  ${N_FIRST} of each per shell and round; the median over all of them.`,
    `- Targets: devenv prompt ≤ ${TARGETS.promptUs} µs, cd in+out ≤ ${TARGETS.cdUs} µs, each ≥ ${TARGETS.ratio}× faster than both direnv and mise; first visit ≤ ${TARGETS.firstMs} ms.`,
  ];
  const checks: string[] = [];
  for (const shell of SHELLS) {
    const med = (t: Tool) => ({ prompt: median(samples[shell][t]!.map((s) => s.prompt)), cd: median(samples[shell][t]!.map((s) => s.cd)) });
    const d = med("devenv");
    const label: Record<Tool, string> = { devenv: "devenv", direnv: `direnv ${direnvVersion}`, mise: `mise ${miseVersion}`, none: "no hook" };
    const us = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
    const ratio = (x: number, y: number) => `${(x / y).toFixed(x / y >= 10 ? 0 : 1)}×`;
    out.push("", `### ${shell} ${versions[shell] ?? ""}`.trimEnd(), "", "| tool | prompt (µs) | cd in+out (µs) | ratio vs devenv (prompt / cd) |", "|---|---|---|---|");
    for (const t of TOOLS) {
      const m = med(t);
      out.push(`| ${label[t]} | ${us(m.prompt)} | ${us(m.cd)} | ${t === "none" ? "—" : `${ratio(m.prompt, d.prompt)} / ${ratio(m.cd, d.cd)}`} |`);
    }
    const pass = (ok: boolean) => (ok ? "PASS" : "FAIL");
    const peerMin = (k: keyof Sample) => Math.min(...PEERS.map((p) => med(p)[k]));
    checks.push(
      `- ${shell}: ${pass(d.prompt <= TARGETS.promptUs)} devenv prompt ${us(d.prompt)} µs ≤ ${TARGETS.promptUs} µs`,
      `- ${shell}: ${pass(d.cd <= TARGETS.cdUs)} devenv cd in+out ${us(d.cd)} µs ≤ ${TARGETS.cdUs} µs`,
      `- ${shell}: ${pass(peerMin("prompt") / d.prompt >= TARGETS.ratio)} prompt ≥ ${TARGETS.ratio}× faster than both peers (nearest: ${ratio(peerMin("prompt"), d.prompt)})`,
      `- ${shell}: ${pass(peerMin("cd") / d.cd >= TARGETS.ratio)} cd in+out ≥ ${TARGETS.ratio}× faster than both peers (nearest: ${ratio(peerMin("cd"), d.cd)})`,
    );
  }
  const ms = (us: number) => (us / 1000).toFixed(1);
  out.push("", "### first visit (devenv)", "", "| shell | first cd+prompt (ms) | node -e 0 (ms) | difference (ms) |", "|---|---|---|---|");
  for (const shell of SHELLS) {
    const f = median(firsts[shell].first);
    const n = median(firsts[shell].node);
    out.push(`| ${shell} | ${ms(f)} | ${ms(n)} | ${ms(f - n)} |`);
    checks.push(`- ${shell}: ${f / 1000 <= TARGETS.firstMs ? "PASS" : "FAIL"} devenv first visit ${ms(f)} ms ≤ ${TARGETS.firstMs} ms (node -e 0: ${ms(n)} ms)`);
  }
  out.push("", "Targets:", "", ...checks);
  return out.join("\n");
}
