import type { ProjectConfig, ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import type { LockEntry, LockFile } from "../../lock/types.js";
import type { EnvOp, Recipe } from "../../recipes/types.js";
import type { BlobSource } from "../../store/blob-source.js";
import { ensureInstalled, findInstalled, type InstallSpec, type InstalledTool } from "../../store/install.js";
import { removeStaleTemps } from "../../store/temp.js";
import { glibcProblem, hostGlibc } from "../../platform/glibc.js";
import type { AppContext } from "../context.js";
import { checkUsableEntry } from "./lock.js";
import { recipeFor } from "./load.js";

export interface ProjectTool {
  req: ToolRequest;
  recipe: Recipe;
  entry: LockEntry;
  spec: InstallSpec;
}

/**
 * Pair every request with its lock entry and the install spec for this machine. Never resolves.
 * Each entry is checked against devenv.ts and its recipe first: nothing unchecked from devenv.lock
 * reaches a store path or a download.
 */
export async function projectTools(ctx: AppContext, project: ProjectConfig, lock: LockFile): Promise<ProjectTool[]> {
  const out: ProjectTool[] = [];
  for (const req of project.tools) {
    const entry = lock.tools[req.name];
    if (!entry) {
      throw new DevenvError("LOCK_FROZEN", `${req.name} is not in devenv.lock`, { hint: "Run 'devenv lock' or 'devenv install'." });
    }
    const recipe = await recipeFor(ctx, req, entry);
    checkUsableEntry(req, recipe, entry);
    const artifact = entry.platforms[ctx.platform];
    if (!artifact) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `devenv.lock has no ${ctx.platform} build of ${req.name} ${entry.version}`, {
        hint: `Run 'devenv lock' on this machine to add ${ctx.platform}.`,
      });
    }
    out.push({
      req,
      recipe,
      entry,
      spec: {
        name: req.name,
        version: entry.version,
        platform: ctx.platform,
        source: entry.source,
        recipeRevision: entry.recipeRevision,
        artifact,
        bin: req.inline && req.options.bin === undefined ? undefined : recipe.bin(ctx.platform, req.options),
        executables: recipe.executables?.(ctx.platform, req.options),
        ...(recipe.postInstall ? { postInstall: (tree) => recipe.postInstall!(tree, ctx.platform, req.options, entry.version) } : {}),
      },
    });
  }
  return out;
}

/**
 * Install every tool of the lock for this platform; different tools download in parallel. A team's
 * cache (`cache`), when there is one, is asked for each file before its upstream.
 */
export async function installTools(ctx: AppContext, tools: ProjectTool[], opts: { cache?: BlobSource | undefined; concurrency?: number } = {}): Promise<InstalledTool[]> {
  const concurrency = opts.concurrency ?? 4;
  const results = tools.map((t) => findInstalled(ctx.dirs.store, t.spec));
  const todo = tools.flatMap((_, i) => (results[i] ? [] : [i]));
  if (!todo.length) return results as InstalledTool[];
  // Offline, only a cache on disk (an OCI layout: `install --from-bundle`) can still serve.
  if (ctx.offline && !opts.cache?.local) {
    const names = todo.map((i) => `${tools[i]!.spec.name} ${tools[i]!.spec.version}`);
    throw new DevenvError("OFFLINE", `offline: not installed: ${names.join(", ")}`, { hint: "Install once while online; then offline use works from the store." });
  }
  // Before any download: a build this machine cannot run is an error now, not after 1 GB.
  // (The host's glibc is looked up once, and only if an artifact asks: it costs ~5 ms.)
  let glibc: { v: string | undefined } | undefined;
  for (const i of todo) {
    if (tools[i]!.spec.artifact.requires?.glibc) checkHost(ctx, tools[i]!, (glibc ??= { v: hostGlibc(ctx.env) }).v);
  }
  await removeStaleTemps(ctx.dirs.store);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < todo.length && !failed) {
      const i = todo[next++]!;
      try {
        results[i] = await ensureInstalled(ctx.dirs.store, ctx.http, tools[i]!.spec, ctx.reporter, { cache: opts.cache });
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  // Let running downloads finish (or clean up) before reporting the first failure.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
  return results as InstalledTool[];
}

/** Refuse an artifact whose host requirements (glibc) this machine does not meet, naming the alternatives. */
export function checkHost(ctx: AppContext, t: ProjectTool, glibc: string | undefined): void {
  const why = glibcProblem(t.spec.artifact.requires?.glibc, glibc, ctx.platform.startsWith("linux"));
  if (!why) return;
  const alt = t.recipe.alternatives?.(t.entry.version, ctx.platform, t.req.options);
  throw new DevenvError("HOST_UNSUPPORTED", `${t.req.name} ${t.entry.version} cannot run here: ${why}`, {
    hint: `${alt ? `${alt}. ` : ""}Pick another version ('devenv versions ${t.req.name}'), or run it in a container or on a machine with a newer glibc. Nothing was downloaded.`,
  });
}

export function toolEnvOps(ctx: AppContext, t: ProjectTool): EnvOp[] {
  return t.recipe.env?.(ctx.platform, t.req.options) ?? [];
}
