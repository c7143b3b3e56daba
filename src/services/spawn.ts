/**
 * Starting one run of a process: its own process group (detached: pgid = pid), its cwd and whole
 * environment, stdout and stderr on its log file's descriptor, and the user it runs as.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync } from "node:fs";
import { DevenvError } from "../errors.js";
import { identify, procStat } from "./identity.js";
import { openLogFd } from "./logs.js";
import type { ExitInfo } from "./restart-policy.js";
import type { ProcessIdentity, ProcessSpec } from "./types.js";

export interface Run {
  child: ChildProcess;
  identity: ProcessIdentity;
  startedAt: number;
  /** Settles when the process has exited (and was reaped). */
  exited: Promise<ExitInfo>;
  exit?: ExitInfo;
}

export async function spawnRun(spec: ProcessSpec, logFile: string): Promise<Run> {
  const fd = openLogFd(logFile);
  let child: ChildProcess;
  try {
    child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", fd, fd],
      ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
    });
  } catch (e) {
    throw cannotRun(spec, e);
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<unknown>((resolve) => child.once("error", resolve));
    throw cannotRun(spec, err);
  }
  const startedAt = Date.now();
  const identity = identify(pid) ?? { pid, argv: [...spec.argv], pgid: pid, ...(process.platform === "linux" ? { startTime: procStat(pid)?.startTime } : {}) };
  const run: Run = { child, identity: { ...identity, pgid: pid }, startedAt, exited: undefined as unknown as Promise<ExitInfo> };
  run.exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      run.exit = { code, signal };
      resolve(run.exit);
    });
  });
  child.on("error", () => {}); // an exit follows; a kill of a gone process is not an error here
  return run;
}

function cannotRun(spec: ProcessSpec, e: unknown): DevenvError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === "ENOENT" ? `${spec.argv[0]} was not found (or ${spec.cwd} does not exist)`
    : code === "EACCES" ? `${spec.argv[0]} is not executable (permission denied)`
    : String((e as Error)?.message ?? e);
  return new DevenvError("USAGE", why, {
    exitCode: 1,
    hint: `Check processes.${spec.name}.command and cwd in devenv.ts.`,
    cause: e,
  });
}
