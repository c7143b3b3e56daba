import type { Command } from "commander";
import { setTrust } from "../../app/trust.js";
import { contextFor } from "../common.js";

export default async function allow(dir: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const change = await setTrust(contextFor(cmd), dir, "allow");
  process.stderr.write(`devenv: allowed ${change.file}\n`);
}
