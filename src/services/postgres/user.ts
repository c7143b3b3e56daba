/**
 * Who runs the Postgres server. Postgres refuses to run as root, so when devenv runs as root the
 * server runs as the user who called sudo (SUDO_UID), else as nobody; that user must be able to
 * reach the binaries and the data dir, which is checked for real (a `test` run as that user).
 */
import { spawnSync } from "node:child_process";
import { chmod, chown, lstat, mkdir, stat } from "node:fs/promises";
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

/**
 * `dir` (and its missing parents, mode 0755) exists, mode 0700, owned by `user` when set. As root
 * it is chowned, so it must be a real dir (not a symlink) in a parent only root can write to:
 * otherwise whoever can write there could swap it for a link and have root chown another file.
 */
export async function ownedDir(dir: string, user: RunUser | undefined): Promise<void> {
  await plainDir(dirname(dir));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (user) {
    const parent = await lstat(dirname(dir));
    const me = process.getuid?.() ?? 0;
    if (!parent.isDirectory() || parent.uid !== me || (parent.mode & 0o022) !== 0) {
      throw new DevenvError("SERVICE", `${dirname(dir)} is ${parent.isDirectory() ? `owned by uid ${parent.uid} with mode ${(parent.mode & 0o7777).toString(8).padStart(4, "0")}` : "not a directory"}: devenv will not hand a dir in it to ${user.name}`, {
        hint: `It must be a directory owned by uid ${me} that no one else can write to. Remove it (devenv makes it again), or set DEVENV_HOME elsewhere.`,
      });
    }
    const self = await lstat(dir);
    if (!self.isDirectory()) throw new DevenvError("SERVICE", `${dir} is not a directory (a symlink?)`, { hint: "Remove it: devenv makes it again." });
    await chown(dir, user.uid, user.gid);
  }
  await chmod(dir, 0o700);
}

/** `dir` and its missing parents exist; the ones made here are mode 0755 whatever the umask (the server's user passes through them). */
export async function plainDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (first === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    await chmod(d, 0o755);
    if (d === first || d === dirname(d)) return;
  }
}

const ancestors = (p: string): string[] => {
  const out: string[] = [];
  for (let d = dirname(p); ; d = dirname(d)) {
    out.unshift(d);
    if (d === dirname(d)) return out;
  }
};

/**
 * Can `user` run `binary`, pass through each of `reach` and write in each of `write`? Runs `test`
 * as that user, so ACLs, mount options and groups count as they will for the server. Throws
 * naming the first dir that blocks it.
 */
export async function checkUserReach(user: RunUser, binary: string, dirs: { reach: string[]; write: string[] }): Promise<void> {
  const script = [
    'for d in "$@"; do',
    '  case "$d" in',
    '    x:*) test -x "${d#x:}" || { echo "${d#x:}"; exit 3; } ;;', // a dir it must pass through
    '    w:*) test -w "${d#w:}" && test -x "${d#w:}" || { echo "${d#w:}"; exit 4; } ;;',
    '    f:*) test -x "${d#f:}" || { echo "${d#f:}"; exit 5; } ;;',
    "  esac",
    "done",
  ].join("\n");
  const all = [...dirs.reach, ...dirs.write];
  const args = [
    ...new Set([...ancestors(binary), ...all.flatMap(ancestors), ...dirs.reach].map((d) => `x:${d}`)),
    `f:${binary}`,
    ...dirs.write.map((d) => `w:${d}`),
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
