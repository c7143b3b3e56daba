import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_FILE, LOCK_FILE } from "../../config/find.js";
import type { ConfigBundle } from "../../config/inputs.js";
import { DevenvError } from "../../errors.js";
import { decodeActivation, type Activation } from "../../shell/activation.js";
import { activationsRoot, currentActivationFile, newestMtime } from "../../state/activations.js";
import { stampFile } from "../../state/trust.js";
import type { AppContext } from "../context.js";
import { evaluateBundle, readLock } from "../project/load.js";
import { listProject } from "../project/report.js";
import { bundleTrust, loadConfig } from "../project/trust.js";

/** What is wrong with one project, as `devenv status` tells it. */
export interface ProjectHealth {
  root: string;
  /** allowed, changed, new, denied; "unknown" when devenv.ts does not compile. */
  trust: string;
  /**
   * devenv.ts, a file it imports or devenv.lock does not load: the error, with its file:line:col
   * or field path. A syntax error is found without running anything; the rest only when allowed.
   */
  configError?: string;
  /** The last install or refresh by the hook or `devenv watch` failed, and nothing changed since: why. */
  failure?: string;
  /** The pending tools that failure is about (`broken 1.0.0`), when its message names their file. */
  failedTools?: string[];
  /** Tools devenv.lock pins that are not in the store (`node 20.18.0`), or not locked yet (`node (not locked)`). */
  pending: string[];
}

const errorText = (e: unknown) => (e instanceof DevenvError ? e.message : String((e as Error)?.message ?? e));

/** The cached activation a shell entering `root` would apply now, with its file's mtime. */
export function currentActivation(ctx: AppContext, root: string): { activation: Activation; mtimeMs: number } | undefined {
  const file = currentActivationFile(activationsRoot(ctx.dirs.state), root);
  if (!file) return undefined;
  try {
    const activation = decodeActivation(readFileSync(file, "utf8"));
    return activation && { activation, mtimeMs: statSync(file).mtimeMs };
  } catch {
    return undefined; // replaced meanwhile, or never written
  }
}

/**
 * A failed refresh recorded in the project's current activation, unless something it depends on
 * (devenv.ts, devenv.lock, an imported file, `devenv install`'s stamp) changed since: then the
 * next prompt tries again, and the failure says nothing about the files as they are now.
 */
function recordedFailure(ctx: AppContext, root: string): string | undefined {
  const cur = currentActivation(ctx, root);
  if (!cur || cur.activation.status !== "error") return undefined;
  const inputs = [join(root, CONFIG_FILE), join(root, LOCK_FILE), stampFile(ctx.dirs.state), ...(cur.activation.inputs ?? [])];
  if (newestMtime(inputs) > cur.mtimeMs) return undefined;
  return cur.activation.message.replace(/^devenv: /, "");
}

/** Check one project without installing or writing anything: config, trust, the last refresh, the store. */
export async function projectHealth(ctx: AppContext, root: string): Promise<ProjectHealth> {
  const health: ProjectHealth = { root, trust: "unknown", pending: [] };
  let bundle: ConfigBundle;
  try {
    bundle = await loadConfig(ctx, root); // reads and compiles; runs nothing
  } catch (e) {
    return { ...health, configError: errorText(e) };
  }
  health.trust = bundleTrust(ctx, root, bundle).state;
  const failure = recordedFailure(ctx, root);
  if (health.trust !== "allowed") return health;
  try {
    const project = await evaluateBundle(bundle);
    const { lock } = await readLock(root);
    const rows = (await listProject(ctx, project, lock)).filter((r) => !r.installed);
    health.pending = rows.map((r) => (r.locked ? `${r.name} ${r.locked}` : `${r.name} (not locked)`));
    if (!failure) return health;
    // A download error names the URL as fetched (through a mirror, perhaps): its file name tells the tool.
    const file = (name: string) => lock.tools[name]?.platforms[ctx.platform]?.url.split("/").pop();
    const failedTools = rows.filter((r) => r.locked && failure.includes(file(r.name) || "\0")).map((r) => `${r.name} ${r.locked}`);
    return { ...health, failure, ...(failedTools.length ? { failedTools } : {}) };
  } catch (e) {
    return { ...health, configError: errorText(e) };
  }
}
