/**
 * Who runs the Postgres server. Postgres refuses to run as root, so when devenv runs as root the
 * server runs as the user who called sudo (SUDO_UID), else as nobody; that user must be able to
 * reach the binaries and the data dir, which is checked for real (a `test` run as that user).
 */
import { spawnSync } from "node:child_process";
import { chmod, chown, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { DevenvError } from "../../errors.js";
import type { RunUser } from "./run.js";

export const NOBODY: RunUser = { uid: 65534, gid: 65534, name: "nobody" };

export interface ServerUser {
  /** Undefined: the current user (devenv is not root). */
  user?: RunUser;
  /** Why it is not the current user, for the log. */
  note?: string;
}

export function serverUser(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): ServerUser {
  if (uid !== 0) return {};
  const sudoUid = Number(env.SUDO_UID);
  const sudoGid = Number(env.SUDO_GID);
  if (Number.isInteger(sudoUid) && sudoUid > 0 && Number.isInteger(sudoGid) && sudoGid >= 0 && env.SUDO_GID) {
    const name = env.SUDO_USER || `uid ${sudoUid}`;
    return {
      user: { uid: sudoUid, gid: sudoGid, name },
      note: `postgres refuses to run as root: running it as ${name} (uid ${sudoUid}, from sudo)`,
    };
  }
  return { user: NOBODY, note: `postgres refuses to run as root: running it as nobody (uid ${NOBODY.uid})` };
}

/** `dir` and its missing parents exist; `dir` itself is mode 0700 and owned by `user` (when set). */
export async function ownedDir(dir: string, user: RunUser | undefined): Promise<void> {
  await mkdir(dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  if (user) await chown(dir, user.uid, user.gid);
}

const ancestors = (p: string): string[] => {
  const out: string[] = [];
  for (let d = dirname(p); ; d = dirname(d)) {
    out.unshift(d);
    if (d === dirname(d)) return out;
  }
};

/**
 * Can `user` run `binary` and write in each of `dirs`? Runs `test` as that user, so ACLs,
 * mount options and group membership count as they will for the server. Throws naming the first
 * dir that blocks it.
 */
export async function checkUserReach(user: RunUser, binary: string, dirs: string[]): Promise<void> {
  const script = [
    'for d in "$@"; do',
    '  case "$d" in',
    '    x:*) test -x "${d#x:}" || { echo "${d#x:}"; exit 3; } ;;', // a dir it must pass through
    '    w:*) test -w "${d#w:}" && test -x "${d#w:}" || { echo "${d#w:}"; exit 4; } ;;',
    '    f:*) test -x "${d#f:}" || { echo "${d#f:}"; exit 5; } ;;',
    "  esac",
    "done",
  ].join("\n");
  const args = [
    ...new Set([...ancestors(binary), ...dirs.flatMap(ancestors)].map((d) => `x:${d}`)),
    `f:${binary}`,
    ...dirs.map((d) => `w:${d}`),
  ];
  const r = spawnSync("/bin/sh", ["-c", script, "sh", ...args], { uid: user.uid, gid: user.gid, encoding: "utf8", cwd: "/", timeout: 10_000 });
  if (r.status === 0) return;
  const blocked = r.stdout.trim();
  if (r.error || !blocked) {
    throw new DevenvError("SERVICE", `could not check what ${user.name} (uid ${user.uid}) can reach: ${r.error?.message ?? `sh exited with ${r.status}: ${r.stderr.trim()}`}`, {
      hint: "Run devenv as a normal user, not as root.",
    });
  }
  const what = r.status === 5 ? `run ${blocked}` : r.status === 4 ? `write in ${blocked}` : `reach ${blocked}`;
  let detail = "";
  try {
    const s = await stat(blocked);
    detail = ` (mode ${(s.mode & 0o7777).toString(8).padStart(4, "0")}, owner uid ${s.uid})`;
  } catch {
    /* gone meanwhile */
  }
  throw new DevenvError("SERVICE", `postgres runs as ${user.name} (uid ${user.uid}), who cannot ${what}${detail}`, {
    hint: `Postgres refuses to run as root, so devenv runs it as ${user.name}. Put devenv's dirs where that user can reach them (DEVENV_HOME=/some/dir whose parents are mode 755, e.g. /opt/devenv or /var/lib/devenv), or run devenv as a normal user.`,
  });
}
