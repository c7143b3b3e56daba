import type { Command } from "commander";
import { setTrust } from "../../app/trust.js";
import { contextFor } from "../common.js";

export default async function deny(dir: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const change = await setTrust(contextFor(cmd), dir, "deny");
  process.stderr.write(`devenv: denied ${change.file}; the hook will not load it until 'devenv allow'\n`);
}
