import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, findProjectRoot, layerRoots } from "../../config/find.js";
import { readIfExists } from "../../platform/fs.js";
import { decodeActivation } from "../../shell/activation.js";
import { parseState } from "../../shell/state.js";
import { activationsRoot, currentActivationFile } from "../../state/activations.js";
import type { AppContext } from "../context.js";
import { projectHealth, type ProjectHealth } from "./status-health.js";

export interface ActiveProject {
  root: string;
  tools: string[];
  /** Whether the shell applied the project's current activation (else the next prompt updates it). */
  current: boolean;
  /** The variables the project set in this shell. */
  set: Record<string, string>;
  /** The dirs it put in front of list variables (PATH first). */
  prepend: Record<string, string[]>;
}

export interface StatusReport {
  hook: { shell: string; installed: boolean };
  /** Projects active in this shell, outermost first. */
  active: ActiveProject[];
  /** The nearest project from the current directory, if any. */
  here?: { root: string; trust: string; active: boolean };
  /** The projects here and those active in this shell, outermost first: what is wrong with each. */
  projects: ProjectHealth[];
  /** False when a project has a config error or a failed install (`devenv status` then exits 1). */
  ok: boolean;
}

function activeProjects(ctx: AppContext): ActiveProject[] {
  const act = activationsRoot(ctx.dirs.state);
  return parseState(ctx.env.DEVENV_STATE).map((l) => {
    // Undefined when replaced since: the next prompt applies the new one.
    const text = readIfExists(l.activation, { what: `the activation this shell applied for ${l.root}` });
    const a = text === undefined ? undefined : decodeActivation(text);
    const prepend = a ? { ...(a.plan.path.length ? { PATH: a.plan.path } : {}), ...a.plan.prepend } : {};
    return { root: l.root, tools: a?.tools ?? [], current: l.activation === currentActivationFile(act, l.root), set: a?.plan.set ?? {}, prepend };
  });
}

/** What `devenv status` shows; `parentPid` is the pid of the shell that ran it. */
export async function projectStatus(ctx: AppContext, parentPid: number): Promise<StatusReport> {
  const [shell = "", pid = ""] = (ctx.env.__DEVENV_HOOK ?? "").split(":");
  const installed = shell !== "" && Number(pid) === parentPid;
  const active = activeProjects(ctx);
  const root = findProjectRoot(ctx.cwd);
  // An active project whose devenv.ts is gone is unloaded at the next prompt: nothing to check.
  const roots = active.map((a) => a.root).filter((r) => existsSync(join(r, CONFIG_FILE)));
  for (const r of layerRoots(ctx.dirs.global, root)) if (!roots.includes(r)) roots.push(r);
  const projects: ProjectHealth[] = [];
  for (const r of roots) projects.push(await projectHealth(ctx, r));
  const mine = projects.find((p) => p.root === root);
  const here = root ? { root, trust: mine?.trust ?? "unknown", active: active.some((a) => a.root === root) } : undefined;
  return {
    hook: { shell: shell || (ctx.env.SHELL ?? "").split("/").pop() || "bash", installed },
    active,
    ...(here ? { here } : {}),
    projects,
    ok: projects.every((p) => !p.configError && !p.failure),
  };
}
