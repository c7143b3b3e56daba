/**
 * Drives a real interactive bash, zsh or fish in a pseudo-terminal, for tests of shell prompt hooks.
 *
 * No native pty module: util-linux `script -q -f -e -c CMD /dev/null` provides the terminal and we
 * talk to it through pipes. `script` runs CMD with `$SHELL -c`, so it gets SHELL=/bin/sh and the
 * launcher restores the caller's SHELL (or unsets it) before exec'ing the shell under test.
 *
 * Every session gets a scratch dir (`home`) holding its rc file, the pid file and dumps. The rc
 * sets a prompt that prints `__SHELL_PROMPT_<nonce>_<n>__` (n counts prompts), printed after the
 * prompt hooks (bash PROMPT_COMMAND, zsh precmd, fish `--on-event fish_prompt`), so the output of
 * a command *and* of the hooks that ran before the next prompt is what `run()` returns.
 *
 * Terminal echo: bash (`--noediting`) and zsh (`unsetopt zle`) read lines in canonical mode with
 * `stty -echo`, so nothing but real output appears. fish always draws its command line itself; in
 * TERM=dumb it repaints as `\r<prompt><line>` and ends with `\r\n` on Enter, and prints a
 * "missing newline" filler (`⏎ <spaces>\r⏎ \r`) before each prompt; both are removed (see
 * `extractFish`). Use TERM=dumb (the default) with fish; a capable TERM makes fish draw with
 * cursor movements that this harness does not emulate.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";

export type ShellKind = "bash" | "zsh" | "fish";

export interface ShellOptions {
  /** The complete environment of the shell (nothing inherited implicitly); TERM=dumb is added if absent. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Shell code run at start-up after the harness's own set-up, e.g. `eval "$(devenv hook bash)"`. */
  rc?: string;
  /** Default per-command timeout, default 20000. */
  timeoutMs?: number;
  /** The test rc of the shells `subshellLine` starts (default: `rc`). */
  subshellRc?: string;
}

export interface ShellSession {
  readonly kind: ShellKind;
  /** pid of the interactive shell itself (session leader of the terminal). */
  readonly pid: number;
  /** Scratch dir owned by this session (rc files, dumps); removed by close(). */
  readonly home: string;
  /** What was printed before the first prompt (rc output and the first prompt's hook output). */
  readonly startup: string;
  /**
   * Type one command line (no newline in it; an unfinished line such as an open quote would wait
   * for more input, as PS2 is empty and prints nothing), press Enter, wait for the next prompt and return everything printed in between, with ANSI escapes and \r
   * removed. Output is returned exactly: nothing is added or trimmed, so `echo hi` gives "hi\n" and
   * `printf hi` gives "hi" (any hook output then follows on the same line).
   */
  run(line: string, opts?: { timeoutMs?: number }): Promise<string>;
  /**
   * Send Ctrl-C (\x03) to the terminal and wait for the next prompt. Meant for interrupting a
   * running command: call it while a run() is pending (e.g. `const p = s.run("sleep 30")`, then,
   * once the command has started, `await s.interrupt()`); it does not queue behind that run(), and
   * both resolve with the same output. Without a pending run() it sends Ctrl-C at the prompt
   * (bash and zsh print a new prompt; fish only clears the line and does not, so it times out).
   */
  interrupt(opts?: { timeoutMs?: number }): Promise<string>;
  /** The shell's exported environment, exact (dumped with `env -0`; values may contain newlines). */
  env(): Promise<Record<string, string>>;
  /** Exported value, or undefined if unset or not exported. */
  variable(name: string): Promise<string | undefined>;
  /**
   * Trace the shell with strace while `line` runs ("" = just press Enter, one prompt) and return the
   * clone/clone3/fork/vfork/execve lines seen. Thread creation (CLONE_THREAD) is not a process and
   * is left out, so [] means the shell started no process.
   */
  processesDuring(line: string, opts?: { timeoutMs?: number }): Promise<string[]>;
  /** All output so far (markers included), ANSI escapes removed, each line as a terminal shows it after carriage returns; for failure messages. */
  transcript(): string;
  /**
   * A command line that runs `command` (e.g. `devenv shell`) with SHELL naming a launcher of another
   * interactive shell of this kind, with the harness's rc and `subshellRc`: run() then sees that
   * subshell's prompts (numbered above this shell's), and after its `exit`, this shell's again
   * (numbered above the subshell's). One level deep.
   */
  subshellLine(command: string): string;
  /** Exit the shell, kill anything left in its terminal session, remove `home`. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const COLUMNS = 1000;
const ROWS = 50;
/** The tty's canonical-mode line buffer is 4096 bytes; longer lines would be cut by the kernel. */
const MAX_CANONICAL_LINE = 4000;

function findExecutable(name: string, path: string | undefined = process.env.PATH): string | undefined {
  const dirs = [...(path ?? "").split(delimiter), "/usr/local/bin", "/usr/bin", "/bin"].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** True when the shell binary and `script` are installed (strace is only needed by processesDuring). */
export function shellAvailable(kind: ShellKind): boolean {
  return findExecutable(kind) !== undefined && findExecutable("script") !== undefined;
}

/** POSIX sh / bash / zsh single-quoted literal. */
const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** fish single-quoted literal (only \\ and \' are escapes inside). */
const fishQuote = (s: string): string => `'${s.replace(/[\\']/g, "\\$&")}'`;

// CSI, OSC (BEL or ST terminated), charset designation, other two-byte ESC sequences.
const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-~]|\x1b[ -/]*[0-~]/g;
/** fish's "missing newline" filler printed before each prompt: `⏎<spaces>\r⏎<space>\r` (or ~ / ^J). */
const FISH_ABANDON_RE = /(?:\u23ce|\^J|~) *\r(?:\u23ce|\^J|~) *\r/g;

const stripAnsi = (s: string): string => s.replace(ANSI_RE, "");

/** Every session not yet closed, killed synchronously if the test process exits without closing them. */
const live = new Set<{ killNow(): void }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of live) s.killNow();
  });
}

/** pids of all processes in session `sid` (the shell is the session leader of its terminal). */
function sessionMembers(sid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "latin1");
      // pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) === sid) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid || pid <= 1) return;
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * The clone/clone3/fork/vfork/execve lines of an `strace -f -o` log, minus thread creation
 * (CLONE_THREAD, including the `<... clone3 resumed>` half of a split line) and signal/exit notes.
 */
export function processLines(log: string): string[] {
  const out: string[] = [];
  const threadCloneOpen = new Set<string>(); // "pid syscall" with an unfinished CLONE_THREAD call
  for (const rawLine of log.split("\n")) {
    const line = rawLine.trim();
    const m = /^(?:(\d+)\s+)?(?:<\.\.\.\s+)?(clone3?|fork|vfork|execve)\b/.exec(line);
    if (!m) continue;
    const key = `${m[1] ?? ""} ${m[2]}`;
    if (line.includes("resumed>")) {
      if (threadCloneOpen.delete(key)) continue;
    } else if (line.includes("CLONE_THREAD")) {
      if (line.includes("<unfinished")) threadCloneOpen.add(key);
      continue;
    }
    out.push(line);
  }
  return out;
}

/** The prompt numbers of a subshell start here above its parent's (which jumps twice as far when it starts one). */
const SUBSHELL_STEP = 10_000;

function rcFor(kind: ShellKind, o: { nonce: string; home: string; env: NodeJS.ProcessEnv; rc: string; nested?: boolean }): string {
  const pidFile = join(o.home, o.nested ? "pid-subshell" : "pid");
  // A subshell continues from the number its parent passed down (see subshellLine).
  const first = o.nested ? "${__shell_harness_base:-0}" : "0";
  switch (kind) {
    case "bash":
      // \117 is "O": the prompt prints the marker but $PS1 (declare -p, set) does not contain it.
      return [
        "set +o history",
        "PS2=''",
        `__shell_harness_prompt=${first}`, // set: the test rc may turn on nounset
        `PS1='__SHELL_PR\\117MPT_${o.nonce}_$((++__shell_harness_prompt))__\\n'`,
        `builtin printf '%s\\n' "$$" > ${shQuote(pidFile)}`,
        "# --- test rc ---",
        o.rc,
        "",
      ].join("\n");
    case "zsh":
      // zle off: zsh reads lines like bash --noediting, the tty does (no) echo, no redraw escapes.
      // %{%} prints nothing, so $PS1 does not contain the marker.
      return [
        "unsetopt zle prompt_cr prompt_sp",
        "setopt prompt_subst prompt_percent",
        o.env.ZDOTDIR === undefined ? "unset ZDOTDIR" : `export ZDOTDIR=${shQuote(o.env.ZDOTDIR)}`,
        "PS2=''",
        `typeset -gi __shell_harness_prompt=${first}`, // set: the test rc may turn on no_unset
        `PS1='__SHELL_%{%}PROMPT_${o.nonce}_$((++__shell_harness_prompt))__'$'\\n'`,
        `builtin printf '%s\\n' "$$" > ${shQuote(pidFile)}`,
        "# --- test rc ---",
        o.rc,
        "",
      ].join("\n");
    case "fish":
      return [
        "set -g fish_greeting ''",
        "set -g fish_autosuggestion_enabled 0",
        "set -g fish_history ''",
        o.nested ? "set -g __shell_harness_prompt (math $__shell_harness_base + 0)" : "set -g __shell_harness_prompt 0",
        "function fish_prompt",
        "    set -g __shell_harness_prompt (math $__shell_harness_prompt + 1)",
        `    printf '__SHELL_%sPROMPT_%s_%s__' '' ${o.nonce} $__shell_harness_prompt`,
        "end",
        "function fish_right_prompt; end",
        "function fish_mode_prompt; end",
        "function fish_title; end",
        `builtin printf '%s\\n' $fish_pid > ${fishQuote(pidFile)}`,
        "# --- test rc ---",
        o.rc,
        "",
      ].join("\n");
  }
}

export async function startShell(kind: ShellKind, opts: ShellOptions): Promise<ShellSession> {
  const shellPath = findExecutable(kind);
  const scriptPath = findExecutable("script");
  if (!shellPath) throw new Error(`${kind} is not installed`);
  if (!scriptPath) throw new Error("`script` (util-linux) is not installed");
  const sttyPath = findExecutable("stty") ?? "stty";
  const envPath = findExecutable("env") ?? "env";
  const defaultTimeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const home = mkdtempSync(join(tmpdir(), `devenv-shell-${kind}-`));
  const nonce = randomBytes(6).toString("hex");
  const markerRe = new RegExp(`__SHELL_PROMPT_${nonce}_(\\d+)__${kind === "fish" ? "" : "\\r*\\n"}`, "g");
  const markerText = (n: number): string => `__SHELL_PROMPT_${nonce}_${n}__`;

  const shellEnv: NodeJS.ProcessEnv = { ...opts.env };
  if (shellEnv.TERM === undefined) shellEnv.TERM = "dumb";

  // The launcher is sourced by script's `/bin/sh -c`; it runs in the pty already.
  let argv: string[];
  const pre: string[] = [];
  if (kind === "bash") {
    argv = [shellPath, "--noprofile", "--noediting", "--rcfile", join(home, "bashrc"), "-i"];
    writeFileSync(join(home, "bashrc"), rcFor(kind, { nonce, home, env: shellEnv, rc: opts.rc ?? "" }));
  } else if (kind === "zsh") {
    argv = [shellPath, "-d", "-i"]; // -d: no /etc/zsh/zshrc etc. (/etc/zsh/zshenv is always read)
    writeFileSync(join(home, ".zshrc"), rcFor(kind, { nonce, home, env: shellEnv, rc: opts.rc ?? "" }));
    pre.push(`ZDOTDIR=${shQuote(home)}; export ZDOTDIR`);
  } else {
    argv = [shellPath, "--no-config", "-i", "-C", `source ${fishQuote(join(home, "config.fish"))}`];
    writeFileSync(join(home, "config.fish"), rcFor(kind, { nonce, home, env: shellEnv, rc: opts.rc ?? "" }));
  }
  // The subshell launcher: the same shell kind and harness rc, its own test rc, prompts numbered on.
  const nestedRc = rcFor(kind, { nonce, home, env: shellEnv, rc: opts.subshellRc ?? opts.rc ?? "", nested: true });
  let nestedArgv: string[];
  const nestedPre: string[] = [];
  if (kind === "bash") {
    writeFileSync(join(home, "bashrc-subshell"), nestedRc);
    nestedArgv = [shellPath, "--noprofile", "--noediting", "--rcfile", join(home, "bashrc-subshell"), "-i"];
  } else if (kind === "zsh") {
    mkdirSync(join(home, "subshell"));
    writeFileSync(join(home, "subshell", ".zshrc"), nestedRc);
    nestedArgv = [shellPath, "-d", "-i"];
    nestedPre.push(`ZDOTDIR=${shQuote(join(home, "subshell"))}; export ZDOTDIR`);
  } else {
    writeFileSync(join(home, "config-subshell.fish"), nestedRc);
    nestedArgv = [shellPath, "--no-config", "-i", "-C", `source ${fishQuote(join(home, "config-subshell.fish"))}`];
  }
  const subshellPath = join(home, "subshell.sh");
  writeFileSync(subshellPath, ["#!/bin/sh", ...nestedPre, `exec ${nestedArgv.map(shQuote).join(" ")}`, ""].join("\n"), { mode: 0o755 });
  const subshellLine = (command: string): string =>
    kind === "fish"
      ? `set -g __shell_harness_prompt (math $__shell_harness_prompt + ${2 * SUBSHELL_STEP}); env SHELL=${fishQuote(subshellPath)} __shell_harness_base=(math $__shell_harness_prompt - ${SUBSHELL_STEP}) ${command}`
      : `__shell_harness_prompt=$((__shell_harness_prompt + ${2 * SUBSHELL_STEP})); SHELL=${shQuote(subshellPath)} __shell_harness_base=$((__shell_harness_prompt - ${SUBSHELL_STEP})) ${command}`;

  const launcher = [
    `${shQuote(sttyPath)} -echo cols ${COLUMNS} rows ${ROWS} 2>/dev/null`,
    shellEnv.SHELL === undefined ? "unset SHELL" : `SHELL=${shQuote(shellEnv.SHELL)}; export SHELL`,
    ...pre,
    `exec ${argv.map(shQuote).join(" ")}`,
    "",
  ].join("\n");
  writeFileSync(join(home, "launch.sh"), launcher);

  const child: ChildProcess = spawn(scriptPath, ["-q", "-f", "-e", "-c", `. ${shQuote(join(home, "launch.sh"))}`, "/dev/null"], {
    cwd: opts.cwd,
    env: { ...shellEnv, SHELL: "/bin/sh" },
    stdio: ["pipe", "pipe", "pipe"],
  });

  // ---- output buffer and waiting -------------------------------------------------------------
  let raw = "";
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };
  const decoder = new StringDecoder("utf8");
  child.stdout!.on("data", (chunk: Buffer) => {
    raw += decoder.write(chunk);
    notify();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    raw += chunk.toString("utf8"); // script's own complaints; the shell's stderr is the pty
    notify();
  });
  child.stdin!.on("error", () => {
    /* EPIPE after the shell died: reported by the waiter */
  });
  const exitPromise = new Promise<void>((resolveExit) => {
    child.on("error", (err) => {
      spawnError = err; // e.g. cwd missing: there may be no "close" event
      notify();
      resolveExit();
    });
    child.on("close", (code, signal) => {
      raw += decoder.end();
      exited = { code, signal };
      notify();
      resolveExit();
    });
  });
  // A forgotten session must not keep the test process alive; the exit hook kills it.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as Socket | null)?.unref?.();

  const cleanText = (s: string): string => {
    let t = stripAnsi(s);
    if (kind === "fish") t = t.replace(FISH_ABANDON_RE, "");
    return t.replace(/\r/g, "");
  };
  /** Like a terminal would show it: each line's text after its last carriage return (fish repaints). */
  const transcript = (): string => {
    let t = stripAnsi(raw);
    if (kind === "fish") t = t.replace(FISH_ABANDON_RE, "");
    return t
      .split("\n")
      .map((l) => l.replace(/\r+$/, "").replace(/^[^]*\r/, ""))
      .join("\n");
  };
  const tail = (): string => {
    const t = transcript();
    return t.length > 3000 ? `…${t.slice(-3000)}` : t;
  };

  /** Wait until `check()` returns a value; rejects on timeout or when the terminal goes away. */
  const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolveWait, reject) => {
      const listener = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (value !== undefined) {
          finish();
          resolveWait(value);
        } else if (spawnError || exited) {
          finish();
          const how = spawnError ? `failed to start (${scriptPath}, cwd ${opts.cwd}): ${spawnError.message}` : `exited (code ${exited?.code}, signal ${exited?.signal})`;
          reject(new Error(`${kind} session ${how} while waiting for ${what}\n--- transcript tail ---\n${tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${kind} session: timed out after ${timeoutMs} ms waiting for ${what}\n--- transcript tail ---\n${tail()}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      listener();
    });

  let lastPrompt = 0; // number of the last prompt seen
  let consumed = 0; // raw offset just after the last prompt

  /** Wait for a prompt numbered above lastPrompt appearing after raw offset `from`. */
  const waitPrompt = (from: number, timeoutMs: number, what: string): Promise<{ start: number; end: number; n: number }> =>
    waitUntil(
      () => {
        markerRe.lastIndex = from;
        for (let m = markerRe.exec(raw); m; m = markerRe.exec(raw)) {
          const n = Number(m[1]);
          if (n > lastPrompt) return { start: m.index, end: m.index + m[0].length, n };
        }
        return undefined;
      },
      timeoutMs,
      what,
    );

  /**
   * fish draws the command line itself: `\r<old prompt><line>` repaints while typing, then `\r\n`
   * when Enter is accepted. When a line was typed, output starts after the newline that follows the
   * last repaint (or the first newline if fish did not repaint).
   */
  const extractFish = (segment: string, oldPrompt: number, typed: boolean): string => {
    let t = stripAnsi(segment).replace(FISH_ABANDON_RE, "");
    if (typed) {
      const old = markerText(oldPrompt);
      const at = t.lastIndexOf(old);
      const nl = t.indexOf("\n", at >= 0 ? at + old.length : 0);
      if (nl >= 0) t = t.slice(nl + 1);
    }
    return t.replace(/\r/g, "");
  };

  // ---- start-up ------------------------------------------------------------------------------
  let pid = 0;
  let closing: Promise<void> | undefined;
  let strace: ChildProcess | undefined;
  const killNow = (): void => {
    killQuietly(strace?.pid, "SIGKILL");
    if (pid) for (const p of sessionMembers(pid)) killQuietly(p, "SIGKILL");
    killQuietly(pid, "SIGKILL");
    if (!exited) killQuietly(child.pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
    live.delete(handle);
  };
  const handle = { killNow };
  live.add(handle);
  installExitHook();

  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (strace && strace.exitCode === null) killQuietly(strace.pid, "SIGKILL");
      if (!exited && !spawnError) {
        // SIGHUP is what a closing terminal sends: the shells pass it on to their jobs and exit.
        if (pid) killQuietly(pid, "SIGHUP");
        else killQuietly(child.pid, "SIGTERM");
        const timer = setTimeout(() => {
          if (pid) killQuietly(pid, "SIGKILL");
          killQuietly(child.pid, "SIGKILL");
        }, 3000);
        // The child is unref'd: without a ref'd timer the event loop could empty while we wait
        // (node:test then cancels the suite). Bounded: killNow() below cleans up regardless.
        let giveUp: NodeJS.Timeout | undefined;
        await Promise.race([exitPromise, new Promise<void>((r) => (giveUp = setTimeout(r, 8000)))]);
        clearTimeout(timer);
        clearTimeout(giveUp);
      }
      killNow(); // leftovers in the terminal's session, scratch dir
    })();
    return closing;
  };

  let startup: string;
  try {
    const first = await waitPrompt(0, defaultTimeout, "the first prompt");
    lastPrompt = first.n;
    consumed = first.end;
    startup = cleanText(raw.slice(0, first.start));
    pid = await waitUntil(
      () => {
        try {
          const n = Number(readFileSync(join(home, "pid"), "utf8").trim());
          return n > 0 ? n : undefined;
        } catch {
          return undefined;
        }
      },
      2000, // written before the first prompt was printed
      "the pid file",
    );
  } catch (err) {
    await close();
    throw err;
  }

  // ---- commands ------------------------------------------------------------------------------
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = queue.then(fn, fn);
    queue = p.catch(() => undefined);
    return p;
  };

  /** The command currently waiting for its prompt, so interrupt() can join it. */
  let inflight: Promise<string> | undefined;
  /** Set when a command timed out: its prompt may still come, so later output cannot be attributed. */
  let broken: Error | undefined;
  const send = (input: string, typed: boolean, timeoutMs: number, what: string): Promise<string> => {
    if (closing) return Promise.reject(new Error(`${kind} session is closed`));
    if (broken) return Promise.reject(new Error(`${kind} session is unusable after an earlier failure: ${broken.message}`));
    const from = consumed;
    const oldPrompt = lastPrompt;
    child.stdin!.write(input);
    const p = waitPrompt(from, timeoutMs, what).then(
      (next) => {
        lastPrompt = next.n;
        consumed = next.end;
        const segment = raw.slice(from, next.start);
        return kind === "fish" ? extractFish(segment, oldPrompt, typed) : cleanText(segment);
      },
      (err: Error) => {
        broken ??= err;
        throw err;
      },
    );
    inflight = p;
    const clear = (): void => {
      if (inflight === p) inflight = undefined;
    };
    p.then(clear, clear);
    return p;
  };

  const runUnqueued = (line: string, timeoutMs: number): Promise<string> => {
    // Several lines would be several commands (and prompts) in bash and zsh: one line per call.
    if (/[\r\n]/.test(line)) return Promise.reject(new Error("run(): the command line must not contain a newline"));
    if (kind !== "fish" && Buffer.byteLength(line) > MAX_CANONICAL_LINE) {
      return Promise.reject(new Error(`run(): line longer than ${MAX_CANONICAL_LINE} bytes would be cut by the tty`));
    }
    return send(`${line}\r`, true, timeoutMs, `the prompt after ${JSON.stringify(line)}`);
  };

  const run = (line: string, o?: { timeoutMs?: number }): Promise<string> =>
    serial(() => runUnqueued(line, o?.timeoutMs ?? defaultTimeout));

  const interrupt = (o?: { timeoutMs?: number }): Promise<string> => {
    const timeoutMs = o?.timeoutMs ?? defaultTimeout;
    const running = inflight;
    if (!running) return serial(() => send("\x03", false, timeoutMs, "the prompt after Ctrl-C"));
    // A run() is waiting for its prompt: Ctrl-C ends that command, and both return its output.
    child.stdin!.write("\x03");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${kind} session: no prompt ${timeoutMs} ms after Ctrl-C\n--- transcript tail ---\n${tail()}`)),
        timeoutMs,
      );
    });
    return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
  };

  let dumps = 0;
  const env = (): Promise<Record<string, string>> =>
    serial(async () => {
      const file = join(home, `env-${++dumps}`);
      const q = kind === "fish" ? fishQuote : shQuote;
      await runUnqueued(`${q(envPath)} -0 > ${q(file)}`, defaultTimeout);
      const data = readFileSync(file, "utf8");
      rmSync(file, { force: true });
      const out: Record<string, string> = {};
      for (const entry of data.split("\0")) {
        if (entry === "") continue;
        const eq = entry.indexOf("=");
        if (eq <= 0) continue;
        out[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return out;
    });

  const variable = async (name: string): Promise<string | undefined> => {
    const all = await env();
    return Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
  };

  let traces = 0;
  const processesDuring = (line: string, o?: { timeoutMs?: number }): Promise<string[]> =>
    serial(async () => {
      const stracePath = findExecutable("strace");
      if (!stracePath) throw new Error("strace is not installed");
      const timeoutMs = o?.timeoutMs ?? defaultTimeout;
      const file = join(home, `strace-${++traces}`);
      const tracer = spawn(stracePath, ["-f", "-e", "trace=process", "-o", file, "-p", String(pid)], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      strace = tracer;
      let stderr = "";
      let traceExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      const traceDone = new Promise<void>((resolveTrace) => {
        tracer.on("close", (code, signal) => {
          traceExit = { code, signal };
          notify();
          resolveTrace();
        });
      });
      tracer.on("error", (err) => {
        stderr += `\n${err.message}`;
        traceExit ??= { code: null, signal: null };
        notify();
      });
      tracer.stderr!.on("data", (c: Buffer) => {
        stderr += c.toString();
        notify();
      });
      try {
        await waitUntil(
          () => {
            if (new RegExp(`Process ${pid} attached`).test(stderr)) return true;
            if (traceExit) throw new Error(`strace exited before attaching: ${stderr.trim()}`);
            return undefined;
          },
          timeoutMs,
          "strace to attach",
        );
        await runUnqueued(line, timeoutMs);
      } finally {
        if (!traceExit) tracer.kill("SIGINT");
        const killer = setTimeout(() => killQuietly(tracer.pid, "SIGKILL"), 5000);
        await traceDone;
        clearTimeout(killer);
        strace = undefined;
      }
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        /* strace wrote nothing */
      }
      return processLines(text);
    });

  return {
    kind,
    pid,
    home,
    startup,
    run,
    interrupt,
    env,
    variable,
    processesDuring,
    transcript,
    subshellLine,
    close,
  };
}
