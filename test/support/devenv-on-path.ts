/**
 * devenv as a user has it: `<bin>/devenv` runs the built CLI, and the user's environment has that
 * bin dir first on PATH, a HOME and a DEVENV_HOME of its own, the fake upstream as mirror and the
 * net guard. For tests that type `devenv …` into a real shell.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { devenvBin } from "../helpers/cli.js";
import { netGuardEnv } from "./net-guard.js";

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function devenvOnPath(o: { bin: string; home: string; devenvHome: string; mirrors: string }): Record<string, string> {
  mkdirSync(o.bin, { recursive: true });
  mkdirSync(o.home, { recursive: true });
  writeFileSync(join(o.bin, "devenv"), `#!/bin/sh\nexec ${sq(process.execPath)} ${sq(devenvBin)} "$@"\n`);
  chmodSync(join(o.bin, "devenv"), 0o755);
  return {
    PATH: `${o.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: o.home,
    LANG: "C.UTF-8",
    DEVENV_HOME: o.devenvHome,
    DEVENV_MIRRORS: o.mirrors,
    DEVENV_HTTP_BACKOFF_MS: "5",
    NO_PROXY: "127.0.0.1,localhost,::1",
    ...(netGuardEnv(process.env) as Record<string, string>),
  };
}
