/**
 * Which process listens on a TCP port (Linux: /proc), so "port in use" can name it. Best effort:
 * another user's processes hide their fds from a normal user, and other systems have no /proc.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const LISTEN = "0A";

/** Socket inodes of LISTEN sockets on `port` in /proc/net/tcp{,6}-format text. */
export function listenInodes(table: string, port: number): string[] {
  const out: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const local = f[1]!;
    const hexPort = local.slice(local.lastIndexOf(":") + 1);
    if (Number.parseInt(hexPort, 16) === port && f[9] !== "0") out.push(f[9]!);
  }
  return out;
}

const read = (p: string): string | undefined => {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
};

/** "pid 1234 (node server.js)" for the process listening on `port`, or undefined when it cannot tell. */
export function portHolder(port: number, proc = "/proc"): string | undefined {
  const inodes = new Set([...listenInodes(read(`${proc}/net/tcp`) ?? "", port), ...listenInodes(read(`${proc}/net/tcp6`) ?? "", port)]);
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((i) => `socket:[${i}]`));
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((d) => /^[0-9]+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!targets.has(link)) continue;
      const cmd = (read(`${proc}/${pid}/cmdline`) ?? "").split("\0").filter(Boolean).join(" ");
      const comm = cmd || (read(`${proc}/${pid}/comm`) ?? "").trim();
      return `pid ${pid}${comm ? ` (${comm.length > 120 ? `${comm.slice(0, 117)}...` : comm})` : ""}`;
    }
  }
  return undefined;
}
