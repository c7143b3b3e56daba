import type { Command } from "commander";
import { setTrust, type TrustChange } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export default async function allow(dir: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  printText(describeTrustChange(await setTrust(contextFor(cmd), dir, "allow")), process.stderr);
}

const short = (hash: string) => hash.slice(0, 12);

/**
 * What was approved (or denied), so that a file swapped while the command started is not approved
 * unseen: each file with the start of its sha256 (compare with `sha256sum`), and for several files
 * the trust hash that binds them.
 */
export function describeTrustChange(c: TrustChange, tail = ""): string {
  const verb = c.status === "allow" ? "allowed" : "denied";
  const lines: string[] = [];
  if (c.inputs.length === 1) {
    lines.push(`devenv: ${verb} ${c.file} (sha256 ${short(c.hash)})${tail}`);
  } else {
    const n = c.inputs.length - 1;
    lines.push(`devenv: ${verb} ${c.file} and the ${n} local file${n > 1 ? "s" : ""} it imports (trust hash ${short(c.hash)})${tail}:`);
    const width = Math.max(...c.inputs.map((i) => i.rel.length));
    for (const i of c.inputs) lines.push(`  ${i.rel.padEnd(width)}  sha256 ${short(i.sha256)}`);
  }
  if (c.error) {
    lines.push(`devenv: note: it does not load yet, so this covers the files read up to the error: ${c.error.message}`);
  }
  return lines.join("\n") + "\n";
}
