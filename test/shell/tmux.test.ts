/**
 * New tmux panes inherit the environment of the shell that started the tmux server: a pane opened
 * outside the project must undo the project's changes at its first prompt (no double apply, no
 * stripping of anything else), and a pane opened inside must keep them exactly once.
 * Real tmux on a private socket; the pane shells load the hook from their rc like a user's.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { contentHash, writeTrust } from "../../src/state/trust.js";
import { devenvBin } from "../helpers/cli.js";
import { netGuardEnv } from "../support/net-guard.js";
import { shellAvailable, startShell, type ShellKind, type ShellSession } from "../support/shell-session.js";
import { hasTmux, tmuxSockets } from "../support/tmux.js";
import { waitFor } from "../support/wait.js";

const sessions: ShellSession[] = [];
const sockets = tmuxSockets();
after(async () => {
  for (const s of sessions) await s.close();
});

/** Differ between any two shells: the shell's own, tmux's, and the hook's pid marker. */
const VOLATILE = new Set(["PWD", "OLDPWD", "_", "SHLVL", "TMUX", "TMUX_PANE", "TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "SHELL", "ZDOTDIR", "__DEVENV_HOOK", "COLUMNS", "LINES"]);
const stable = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => !VOLATILE.has(k)));

const parseEnv0 = (text: string) => Object.fromEntries(text.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));

/** The pane's dump is written to a temp name and renamed: it is complete once it exists. */
async function waitForFile(file: string, sock: string, target: string, ms = 60_000): Promise<string> {
  await waitFor(file, () => existsSync(file), { timeoutMs: ms, everyMs: 50, detail: async () => `the pane shows:\n${await screenOf(sock, target)}` });
  return readFileSync(file, "utf8");
}

const dump = (file: string) => `env -0 > '${file}.tmp' && mv '${file}.tmp' '${file}'`;

const tmuxOut = (sock: string, args: string[]) =>
  new Promise<string>((r) => execFile("tmux", ["-S", sock, ...args], (e, out, err) => r(String(out ?? "") + (e ? `[${e.message} ${err}]` : ""))));
const screenOf = (sock: string, target: string) => tmuxOut(sock, ["capture-pane", "-p", "-t", target]);
/** For a failure message: the panes, their processes and what they run. */
async function panesOf(sock: string): Promise<string> {
  const panes = await tmuxOut(sock, ["list-panes", "-a", "-F", "#{session_name}:#{window_index} pid=#{pane_pid} dead=#{pane_dead} status=#{pane_dead_status} cmd=#{pane_current_command}"]);
  const ps = await new Promise<string>((r) => execFile("ps", ["-eo", "pid,ppid,stat,etime,args"], (_e, out) => r(String(out ?? ""))));
  const pids = [...panes.matchAll(/pid=(\d+)/g)].map((m) => m[1]!);
  return `${panes}\n${ps.split("\n").filter((l) => pids.some((p) => new RegExp(`^\\s*\\d+\\s+${p}\\s|^\\s*${p}\\s`).test(l))).join("\n")}`;
}

/** Keys typed before a shell has set up its terminal can be flushed (zsh does): wait for its prompt. */
async function waitForPanePrompt(sock: string, target: string, ms = 60_000): Promise<void> {
  await waitFor("the pane's prompt", async () => /^pane[$%]/m.test(await screenOf(sock, target)), {
    timeoutMs: ms,
    everyMs: 50,
    detail: async () => `screen:\n${await screenOf(sock, target)}\npanes:\n${await panesOf(sock)}`,
  });
}

for (const kind of ["bash", "zsh"] as ShellKind[]) {
  test(`${kind}: new tmux panes inheriting an active project undo it outside and keep it once inside`, { skip: !hasTmux ? "tmux is not installed" : !shellAvailable(kind) ? `${kind} is not installed` : false, timeout: 240_000 }, async () => {
    const base = mkdtempSync(join(tmpdir(), `devenv-tmux-${kind}-`));
    const home = join(base, "devenv-home");
    const outside = join(base, "outside");
    const proj = join(base, "proj");
    mkdirSync(outside, { recursive: true });
    mkdirSync(proj, { recursive: true });
    const src = `export default { env: { GREETING: "hi from tmux", MULTI: "a\\nb 'c' $d" } };\n`;
    writeFileSync(join(proj, "devenv.ts"), src);
    await writeTrust(join(home, "state"), proj, "allow", contentHash(src));
    const hook = `eval "$('${process.execPath}' '${devenvBin}' hook ${kind})"`;
    // The pane's rc, as a user's ~/.bashrc / ~/.zshrc would have it.
    const rcDir = join(base, "rc");
    mkdirSync(rcDir);
    writeFileSync(join(rcDir, ".bashrc"), `${hook}\nPS1='pane$ '\n`);
    writeFileSync(join(rcDir, ".zshrc"), `${hook}\nPS1='pane%% '\n`);
    const paneShell = kind === "bash" ? `bash --noprofile --rcfile ${join(rcDir, ".bashrc")} -i` : `env ZDOTDIR=${rcDir} zsh -i`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: base,
      LANG: "C.UTF-8",
      DEVENV_HOME: home,
      DEVENV_OFFLINE: "1",
      ...netGuardEnv(process.env),
    };
    const sh = await startShell(kind, { env, cwd: outside, rc: hook });
    sessions.push(sh);
    const before = await sh.env();
    await sh.run(`cd '${proj}'`);
    assert.equal(await sh.variable("GREETING"), "hi from tmux");
    const inside = await sh.env();
    const sock = join(base, "tmux.sock");
    sockets.push(sock);
    // The tmux server starts from the active shell: its environment holds the project's changes.
    const out1 = join(base, "pane-outside.env");
    const tmux = async (args: string) => assert.equal(await sh.run(`tmux -S '${sock}' ${args}`), "", `tmux ${args}`);
    await tmux(`-f /dev/null new-session -d -s t -x 200 -y 50 -c '${outside}' "${paneShell}"`);
    // A pane whose shell exits stays visible (with its status) for the failure message.
    await tmux(`set-option -g remain-on-exit on`);
    await waitForPanePrompt(sock, "t:0");
    await tmux(`send-keys -t t:0 "${dump(out1)}" Enter`);
    const paneOutside = parseEnv0(await waitForFile(out1, sock, "t:0"));
    assert.equal(paneOutside.GREETING, undefined, "a pane outside the project must undo it");
    assert.equal(paneOutside.DEVENV_STATE, undefined);
    assert.deepEqual(stable(paneOutside), stable(before), "the pane outside has the environment from before the project");

    const out2 = join(base, "pane-inside.env");
    const out3 = join(base, "pane-inside-left.env");
    // The window index is explicit: a bare `-t t` is first looked up as a window name, which tmux
    // renames after the command running in it.
    await tmux(`new-window -d -t t:1 -c '${proj}' "${paneShell}"`);
    await waitForPanePrompt(sock, "t:1");
    await tmux(`send-keys -t t:1 "${dump(out2)}" Enter`);
    const paneInside = parseEnv0(await waitForFile(out2, sock, "t:1"));
    assert.equal(paneInside.GREETING, "hi from tmux");
    assert.equal(paneInside.MULTI, "a\nb 'c' $d");
    assert.deepEqual(stable(paneInside), stable(inside), "a pane inside keeps the project exactly once");
    await tmux(`send-keys -t t:1 "cd .. && ${dump(out3)}" Enter`);
    const paneLeft = parseEnv0(await waitForFile(out3, sock, "t:1"));
    assert.deepEqual(stable(paneLeft), stable(before), "leaving in the pane restores the environment from before");
  });
}
