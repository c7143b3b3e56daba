/**
 * The scaffolding of a real-shell test suite, for one shell kind inside its `describe`: a CLI
 * sandbox (its own DEVENV_HOME) against the fake upstream, a fresh directory per test, shells
 * started with the hook in their rc on a system PATH, all closed and removed afterwards.
 */
import { mkdirSync, realpathSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before } from "node:test";
import { sandbox, type Sandbox } from "../helpers/cli.js";
import { startShell, type ShellKind, type ShellSession } from "./shell-session.js";
import { hookRc } from "./shell-words.js";

/** node's own dir and the system's: no devenv, no user tools. */
export const SYS_PATH = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].filter((d, i, a) => a.indexOf(d) === i).join(":");

export interface ShellWorld {
  /** The CLI sandbox (set in `before`). */
  readonly sb: Sandbox;
  /** Real path of the sandbox's base dir (no symlinks above it). */
  readonly base: string;
  /** A fresh directory for one test, under `base`. */
  workDir(name: string): string;
  /** The sandbox's environment on SYS_PATH, plus `extra` (an undefined value unsets). */
  shellEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** An interactive shell with the hook in its rc, closed after the suite. */
  shell(cwd: string, env?: NodeJS.ProcessEnv): Promise<ShellSession>;
}

/** Registers the suite's before/after hooks; call it at the top of a `describe`. */
export function useShellWorld(kind: ShellKind, mirrors: () => string): ShellWorld {
  let sb: Sandbox | undefined;
  let base = "";
  let n = 0;
  const sessions: ShellSession[] = [];
  before(() => {
    sb = sandbox(mirrors());
    base = realpathSync(dirname(sb.project));
    mkdirSync(sb.env.HOME!, { recursive: true });
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    if (base) rmSync(base, { recursive: true, force: true });
  });
  const world: ShellWorld = {
    get sb() {
      if (!sb) throw new Error("useShellWorld: the sandbox is made in before()");
      return sb;
    },
    get base() {
      return base;
    },
    workDir(name) {
      const d = join(base, `w${++n}-${name}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
    shellEnv(extra = {}) {
      const env: NodeJS.ProcessEnv = { ...world.sb.env, PATH: SYS_PATH, ...extra };
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
      return env;
    },
    async shell(cwd, env = world.shellEnv()) {
      const s = await startShell(kind, { env, cwd, rc: hookRc(kind) });
      sessions.push(s);
      return s;
    },
  };
  return world;
}
