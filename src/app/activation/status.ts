import { findProjectRoot } from "../../config/find.js";
import { readIfExists } from "../../platform/fs.js";
import { decodeActivation } from "../../shell/activation.js";
import { parseState } from "../../shell/state.js";
import { activationsRoot, currentActivationFile } from "../../state/activations.js";
import type { AppContext } from "../context.js";
import { configTrust } from "../project/trust.js";

export interface StatusReport {
  hook: { shell: string; installed: boolean };
  /** Projects active in this shell, outermost first. */
  active: Array<{ root: string; tools: string[]; current: boolean }>;
  /** The nearest project from the current directory, if any. */
  here?: { root: string; trust: string; active: boolean };
}

/** What `devenv status` shows; `parentPid` is the pid of the shell that ran it. */
export async function projectStatus(ctx: AppContext, parentPid: number): Promise<StatusReport> {
  const [shell = "", pid = ""] = (ctx.env.__DEVENV_HOOK ?? "").split(":");
  const installed = shell !== "" && Number(pid) === parentPid;
  const act = activationsRoot(ctx.dirs.state);
  const active = parseState(ctx.env.DEVENV_STATE).map((l) => {
    // Undefined when replaced since: the next prompt applies the new one.
    const text = readIfExists(l.activation, { what: `the activation this shell applied for ${l.root}` });
    return { root: l.root, tools: (text && decodeActivation(text)?.tools) || [], current: l.activation === currentActivationFile(act, l.root) };
  });
  const root = findProjectRoot(ctx.cwd);
  let here: StatusReport["here"];
  if (root) {
    let trust = "unknown";
    try {
      trust = (await configTrust(ctx, root)).state;
    } catch {
      /* unreadable */
    }
    here = { root, trust, active: active.some((a) => a.root === root) };
  }
  return { hook: { shell: shell || (ctx.env.SHELL ?? "").split("/").pop() || "bash", installed }, active, ...(here ? { here } : {}) };
}
