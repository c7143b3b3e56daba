/**
 * One refresh of one watched project, as `devenv watch` asks for it (run in a child process,
 * `devenv watch-refresh`, so that the watcher itself stays small and a devenv.ts that hangs or
 * exits cannot take it down): the hook's own refresh — trust check, evaluate, lock, install, write
 * the activation — for the project's real path and every other path shells reached it by.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE } from "../../config/find.js";
import { DevenvError } from "../../errors.js";
import type { ActivationStatus } from "../../shell/activation.js";
import { activationsRoot, scanActivationSites } from "../../state/activations.js";
import type { AppContext } from "../context.js";
import { refreshActivation } from "../activation/refresh.js";
import { realRoot } from "../project/trust.js";
import { firstLine } from "../../state/watch-status.js";

export interface RefreshOutcome {
  /** The project's real path. */
  root: string;
  /** "gone": its devenv.ts is not there (any more). */
  status: ActivationStatus | "gone";
  /** name@version of what the activation has (the last good tools after a failure). */
  tools: string[];
  /** The activation's message, without the leading "devenv: "; "" when ok. */
  message: string;
  /** A network or disk failure (first line): worth retrying later without any change. */
  transient?: string;
  /** The local files devenv.ts imports (absolute): the watcher watches them too. */
  inputs?: string[];
}

const TRANSIENT = new Set(["HTTP", "IO", "OFFLINE"]);

export async function refreshProject(ctx: AppContext, root: string): Promise<RefreshOutcome> {
  if (!existsSync(join(root, CONFIG_FILE))) return { root, status: "gone", tools: [], message: "" };
  const act = activationsRoot(ctx.dirs.state);
  let transient: string | undefined;
  // A failed download is said in one line, the same at every attempt (the hook shows a message
  // once per content: a line per retry would nag). `devenv watch status` says when it retries.
  const describeError = (e: unknown) => {
    if (!(e instanceof DevenvError && TRANSIENT.has(e.code))) return undefined;
    transient = firstLine(e.message);
    return `${transient} (devenv watch will retry; 'devenv watch status' shows when)`;
  };
  const sites = new Set([root, ...scanActivationSites(act).map((s) => s.root).filter((r) => r !== root && realRoot(r) === root)]);
  let outcome: RefreshOutcome = { root, status: "gone", tools: [], message: "" };
  for (const site of sites) {
    transient = undefined;
    const a = await refreshActivation(ctx, act, site, { autoInstall: true, describeError });
    // The real path's outcome is the project's; the others follow it.
    if (a && site === root) {
      outcome = {
        root, status: a.status, tools: a.tools, message: a.message.replace(/^devenv: /, ""),
        ...(transient ? { transient } : {}),
        ...(a.inputs?.length ? { inputs: a.inputs } : {}),
      };
    }
  }
  return outcome;
}
