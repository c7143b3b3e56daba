/** Real tmux for the shell tests: whether it is here, and private sockets whose servers are killed after the file. */
import { execFile, execFileSync } from "node:child_process";
import { after } from "node:test";

export const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** The sockets a test file starts tmux servers on: push each one; their servers are killed in after(). */
export function tmuxSockets(): string[] {
  const sockets: string[] = [];
  after(async () => {
    for (const s of sockets) await new Promise((r) => execFile("tmux", ["-S", s, "kill-server"], () => r(undefined)));
  });
  return sockets;
}
