import type { Command } from "commander";
import { writeDenied } from "../../app/activation/index.js";
import { realRoot, setTrust } from "../../app/project/index.js";
import { contextFor } from "../common.js";
import { describeTrustChange } from "./allow.js";
import { printText } from "../output.js";

export default async function deny(dir: string | undefined, _opts: unknown, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const change = await setTrust(ctx, dir, "deny");
  writeDenied(ctx, change.root, change.hash, new Set([change.root, realRoot(change.root)]));
  printText(describeTrustChange(change, "; the hook will not load it until 'devenv allow'"), process.stderr);
}
