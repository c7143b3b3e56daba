/**
 * Tab in a real interactive bash, zsh and fish, with the completion installed as the README says
 * (bash: eval in the rc file; zsh: _devenv in $fpath before compinit, or eval after it; fish: a file in
 * ~/.config/fish/completions): it completes a command, an option, an option's choice, a catalogue
 * tool name, a built-in one and a tool of the project here. Real tmux on a private socket gives
 * each shell its terminal with line editing; the keys are typed and the pane's screen is read.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { seedCatalog } from "../support/catalog-cache.js";
import { devenvOnPath } from "../support/devenv-on-path.js";
import { shellAvailable, type ShellKind } from "../support/shell-session.js";
import { hasTmux, tmuxSockets } from "../support/tmux.js";
import { waitFor } from "../support/wait.js";

const sockets = tmuxSockets();

const tmux = (sock: string, args: string[], env?: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) =>
    execFile("tmux", ["-S", sock, ...args], { env: env ?? process.env }, (e, out, err) => (e ? reject(new Error(`tmux ${args.join(" ")}: ${e.message} ${err}`)) : resolve(String(out)))),
  );

/** The pane's line where the cursor is (trailing blanks dropped). */
async function cursorLine(sock: string): Promise<string> {
  const y = Number((await tmux(sock, ["display-message", "-p", "-t", "t:0", "#{cursor_y}"])).trim());
  const screen = (await tmux(sock, ["capture-pane", "-p", "-t", "t:0"])).split("\n");
  return (screen[y] ?? "").trimEnd();
}

const screen = (sock: string) => tmux(sock, ["capture-pane", "-p", "-t", "t:0"]);

/** How the README says to install it: bash's eval in ~/.bashrc, zsh's file in $fpath or eval after compinit, fish's file. */
type Install = "bash" | "zsh" | "zsh-eval" | "fish";

/** Install the completion as the README says; the command that starts the shell. */
function installFor(install: Install, base: string, env: NodeJS.ProcessEnv): string {
  const kind: ShellKind = install === "zsh-eval" ? "zsh" : install;
  const script = execFileSync("devenv", ["completion", kind], { env, encoding: "utf8" });
  if (kind === "bash") {
    writeFileSync(join(base, ".bashrc"), `PS1='T> '\neval "$(devenv completion bash)"\n`);
    return `bash --noprofile --rcfile ${join(base, ".bashrc")} -i`;
  }
  if (install === "zsh-eval") {
    writeFileSync(join(base, ".zshrc"), `bindkey -e\nautoload -Uz compinit\ncompinit -u -d ${join(base, ".zcompdump")}\neval "$(devenv completion zsh)"\nPS1='T> '\n`);
    return "zsh -i";
  }
  if (kind === "zsh") {
    const zfunc = join(base, "zfunc");
    mkdirSync(zfunc);
    writeFileSync(join(zfunc, "_devenv"), script);
    writeFileSync(join(base, ".zshrc"), `bindkey -e\nfpath=(${zfunc} $fpath)\nautoload -Uz compinit\ncompinit -u -d ${join(base, ".zcompdump")}\nPS1='T> '\n`);
    return "zsh -i";
  }
  const fishDir = join(base, "config", "fish");
  mkdirSync(join(fishDir, "completions"), { recursive: true });
  writeFileSync(join(fishDir, "completions", "devenv.fish"), script);
  // No autosuggestion: it would show the rest of a word before Tab is pressed.
  writeFileSync(join(fishDir, "config.fish"), `set -g fish_autosuggestion_enabled 0\nfunction fish_greeting; end\nfunction fish_prompt; printf 'T> '; end\n`);
  return "fish -i";
}

const CASES: Array<[typed: string, completed: string, what: string]> = [
  ["devenv ad", "devenv add", "a command"],
  ["devenv store l", "devenv store ls", "a subcommand"],
  ["devenv env --sh", "devenv env --shell", "an option"],
  ["devenv env --shell fi", "devenv env --shell fish", "an option's choice"],
  ["devenv add lazyg", "devenv add lazygit", "a catalogue tool name"],
  ["devenv versions cma", "devenv versions cmake", "a built-in tool name"],
  ["devenv remove j", "devenv remove jq", "a tool of the project here"],
];

for (const install of ["bash", "zsh", "zsh-eval", "fish"] as const) {
  const kind: ShellKind = install === "zsh-eval" ? "zsh" : install;
  const how = install === "zsh-eval" ? " (eval after compinit)" : "";
  test(`${kind}${how}: Tab completes a command, an option and a tool name`, { skip: !hasTmux ? "tmux is not installed" : !shellAvailable(kind) ? `${kind} is not installed` : false, timeout: 240_000 }, async () => {
    const base = mkdtempSync(join(tmpdir(), `devenv-completion-${install}-`));
    const devenvHome = join(base, "devenv-home");
    const env: NodeJS.ProcessEnv = {
      ...devenvOnPath({ bin: join(base, "bin"), home: base, devenvHome, mirrors: "" }),
      DEVENV_OFFLINE: "1",
      ZDOTDIR: base,
      XDG_CONFIG_HOME: join(base, "config"),
      XDG_DATA_HOME: join(base, "data"),
    };
    await seedCatalog(devenvHome);
    const proj = join(base, "proj");
    mkdirSync(proj);
    // Not allowed: completion reads the names without running it.
    writeFileSync(join(proj, "devenv.ts"), `export default { tools: { jq: "1.7", zig: "0.13" } };\n`);
    const shell = installFor(install, base, env);
    const sock = join(base, "tmux.sock");
    sockets.push(sock);
    await tmux(sock, ["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "-c", proj, shell], env);
    await tmux(sock, ["set-option", "-g", "remain-on-exit", "on"]);
    const atPrompt = async () => (await cursorLine(sock)) === "T>";
    // Keys typed before the shell has set up its terminal can be flushed (zsh does): wait for the prompt.
    await waitFor("the shell's prompt", atPrompt, { timeoutMs: 60_000, everyMs: 50, detail: async () => `screen:\n${await screen(sock)}` });
    for (const [typed, completed, what] of CASES) {
      await tmux(sock, ["send-keys", "-t", "t:0", "-l", typed]);
      await tmux(sock, ["send-keys", "-t", "t:0", "Tab"]);
      await waitFor(`${kind}: Tab after '${typed}' gives '${completed}' (${what})`, async () => (await cursorLine(sock)) === `T> ${completed}`, {
        timeoutMs: 30_000,
        everyMs: 50,
        detail: async () => `screen:\n${await screen(sock)}`,
      });
      // Clear the line for the next case.
      await tmux(sock, ["send-keys", "-t", "t:0", "C-u"]);
      await waitFor("an empty command line", atPrompt, { timeoutMs: 10_000, everyMs: 50, detail: async () => `screen:\n${await screen(sock)}` });
    }
  });
}
