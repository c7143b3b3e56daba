/**
 * Variables `env` in devenv.ts may not set. The project's `env` is exported into the user's
 * interactive shell and every process started from it, system programs included, and must be
 * exactly undone on leaving; these names break one of those or reach far beyond the project.
 *
 * - loader: the dynamic loader reads them in every program (glibc ld.so: all LD_*; macOS dyld:
 *   all DYLD_*; glibc's iconv loads GCONV_PATH modules). A project that truly needs one says so with
 *   `unsafeEnv: ["LD_LIBRARY_PATH"]`; the README's promise that system binaries keep their own
 *   libraries then no longer holds for that project, by the user's choice.
 * - shell: the shells run their value as code or take it as their own settings (BASH_ENV and ENV
 *   are sourced by every non-interactive bash / sh; ZDOTDIR moves zsh's rc files; SHELLOPTS and
 *   BASHOPTS switch options in every child bash; prompts and PROMPT_COMMAND are expanded at each
 *   prompt; PS4 at each traced command; FPATH and MODULE_PATH load zsh functions and modules;
 *   fish_* holds fish's function paths and settings; IFS changes how every script splits words).
 * - special: the shells manage them and make them read-only or give them meaning (PWD, OLDPWD,
 *   SHLVL, `_`, UID, EUID, GID, EGID, PPID, …; as root, assigning zsh's UID, EUID or USERNAME
 *   changes the user the shell runs as); setting them fails or cannot be undone.
 * - devenv: devenv's own: DEVENV_* (DEVENV_HOME would move the trust store and the store into the
 *   project's reach, DEVENV_STATE is the hooks' undo record), __DEVENV_HOOK and the hooks' internal
 *   names (`__dv_*`, `_devenv_*`).
 */
export type EnvRefusal = { kind: "loader" | "shell" | "special" | "devenv"; why: string };

const LOADER = /^(LD_|DYLD_)|^GCONV_PATH$/;
const SHELL =
  /^(BASH_ENV|ENV|ZDOTDIR|SHELLOPTS|BASHOPTS|BASH_.*|PROMPT_COMMAND|PS[0-4]|PROMPT[234]?|RPROMPT2?|RPS[12]|IFS|FPATH|MODULE_PATH|fish_.*|__fish_.*)$/;
const SPECIAL =
  /^(PWD|OLDPWD|SHLVL|_|UID|EUID|GID|EGID|PPID|USERNAME|BASHPID|GROUPS|FUNCNAME|HISTCMD|LINENO|RANDOM|SRANDOM|SECONDS|EPOCHSECONDS|EPOCHREALTIME|OPTIND|OPTARG|PIPESTATUS|ARGC|ERRNO|TTYIDLE|status|pipestatus|argv|version|hostname|FISH_VERSION|CMD_DURATION|history)$/;
const DEVENV = /^(DEVENV_.*|__DEVENV_.*|__dv_.*|_devenv_.*)$/;

/** Why `env` may not set `name`, or undefined if it may. */
export function envRefusal(name: string): EnvRefusal | undefined {
  if (DEVENV.test(name)) return { kind: "devenv", why: "reserved for devenv itself (its settings, its store and trust state, the hooks' undo record)" };
  if (LOADER.test(name)) {
    return { kind: "loader", why: "the dynamic loader reads it in every program started in the project's shell, system programs included" };
  }
  if (SHELL.test(name)) return { kind: "shell", why: "the shells run it as code or take it as their own settings, in every shell and script started from the project's" };
  if (SPECIAL.test(name)) return { kind: "special", why: "the shells manage it themselves (read-only or special), so it cannot be set and undone" };
  return undefined;
}

/** Names `unsafeEnv` may unlock: the loader ones, nothing else. */
export const UNLOCKABLE_ENV = /^(LD_[A-Za-z0-9_]+|DYLD_[A-Za-z0-9_]+|GCONV_PATH)$/;
