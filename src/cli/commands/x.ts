import type { Command } from "commander";
import { whichBin } from "../../app/activation/index.js";
import { parseToolArg } from "../../app/project/index.js";
import { prepareTemporary } from "../../app/temporary/index.js";
import { DevenvError } from "../../errors.js";
import { contextFor } from "../common.js";
import { runInherited } from "../spawn.js";

const USAGE_HINT = "Write the tools, then -- and the command: devenv x node@20 zig@0.13 -- node -v";

/**
 * `devenv x <tool@range>… -- <cmd> [args…]`: the words before `--` are tools, the rest the command.
 * (Commander drops a `--` that comes before any operand, so `x -- cmd` is told apart by the raw words.)
 */
export function splitXArgs(words: readonly string[], raw: readonly string[]): { tools: string[]; command: string; args: string[] } {
  const dash = words.indexOf("--");
  if (dash < 0) {
    const at = raw.indexOf("x");
    if (at >= 0 && raw[at + 1] === "--") throw new DevenvError("USAGE", "no tool named before --", { hint: USAGE_HINT });
    throw new DevenvError("USAGE", "missing -- between the tools and the command", { hint: USAGE_HINT });
  }
  if (dash === 0) throw new DevenvError("USAGE", "no tool named before --", { hint: USAGE_HINT });
  const [command, ...args] = words.slice(dash + 1);
  if (command === undefined) throw new DevenvError("USAGE", "no command after --", { hint: USAGE_HINT });
  return { tools: words.slice(0, dash), command, args };
}

export default async function x(words: string[], _opts: unknown, cmd: Command): Promise<number> {
  const { tools, command, args } = splitXArgs(words, (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? []);
  const parsed = tools.map(parseToolArg);
  const t = await prepareTemporary(contextFor(cmd), parsed, process.env);
  try {
    // The named tools first, then the project's: `x node@22 -- node` never picks another node.
    const file = command.includes("/") ? command : whichBin(t.path, command) ?? command;
    return await runInherited(file, args, t.env).catch((e: unknown) => {
      if (e instanceof DevenvError && e.code === "NOT_INSTALLED") {
        const named = t.tools.map((u) => `${u.name} ${u.version}`).join(", ");
        throw new DevenvError("NOT_INSTALLED", e.message, { hint: `It is not a command of ${named}, nor on PATH.`, exitCode: 127 });
      }
      throw e;
    });
  } finally {
    await t.done();
  }
}
