import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";
import { CONFIG_FILE, LOCK_FILE, findProjectRoot } from "../config/find.js";
import { newConfigSource, removeTools, setTools } from "../config/edit.js";
import { DevenvError } from "../errors.js";
import { hasRecipe, loadRecipe, unknownTool } from "../registry/index.js";
import { pickVersion } from "../resolver/range.js";
import { isValidRange } from "../resolver/range.js";
import type { AppContext } from "./context.js";
import { installTools, projectTools } from "./install.js";
import { lockProject, type LockResult } from "./lock.js";
import { loadProject, readLock, writeLock } from "./project.js";
import { listVersions } from "./versions.js";
import { readTrust, writeTrust } from "../state/trust.js";
import { allowOwnEdit, realRoot, requireTrustedConfig } from "./trust.js";

export interface ToolArg {
  name: string;
  range: string | undefined;
}

/** `clang@17` → { name: "clang", range: "17" }; `node` → range undefined. */
export function parseToolArg(arg: string): ToolArg {
  const at = arg.indexOf("@", 1);
  const name = (at < 0 ? arg : arg.slice(0, at)).trim().toLowerCase();
  const range = at < 0 ? undefined : arg.slice(at + 1).trim();
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new DevenvError("USAGE", `'${arg}' is not a tool name`, { hint: "Write tools as name or name@range, e.g. node@20 or zig@0.13." });
  }
  if (range !== undefined && (!range || !isValidRange(range))) {
    throw new DevenvError("USAGE", `'${arg}': '${range}' is not a version range`, { hint: 'Use e.g. 20, 3.12, ^1.2, 1.2.3 or latest.' });
  }
  return { name, range };
}

/** The range written for `devenv add tool` without one: the newest stable's major (0.x: major.minor). */
export function defaultRange(version: string): string {
  const v = semver.parse(version, { loose: true }) ?? semver.coerce(version);
  if (!v) return version;
  return v.major === 0 ? `0.${v.minor}` : String(v.major);
}

export interface EditResult {
  root: string;
  created: boolean;
  lock: LockResult;
  installed: string[];
}

/** Snapshot devenv.ts, devenv.lock and the trust record; on failure put them back exactly as they were. */
async function transaction<T>(ctx: AppContext, root: string, fn: () => Promise<T>): Promise<T> {
  const files = [join(root, CONFIG_FILE), join(root, LOCK_FILE)];
  const before = await Promise.all(files.map((f) => readFile(f, "utf8").catch(() => undefined)));
  const trust = readTrust(ctx.dirs.state, realRoot(root));
  try {
    return await fn();
  } catch (e) {
    await Promise.all(files.map((f, i) => (before[i] === undefined ? rm(f, { force: true }) : writeFile(f, before[i]!))));
    if (trust) await writeTrust(ctx.dirs.state, trust.path, trust.status, trust.sha256);
    throw e;
  }
}

async function relockAndInstall(ctx: AppContext, root: string, install: boolean): Promise<{ lock: LockResult; installed: string[] }> {
  const project = await loadProject(ctx, root);
  const { lock: current, text } = await readLock(root);
  const lock = await lockProject(ctx, project, current);
  await writeLock(root, lock.lock, text);
  if (!install) return { lock, installed: [] };
  const installed = await installTools(ctx, await projectTools(ctx, project, lock.lock));
  return { lock, installed: installed.filter((t) => t.fresh).map((t) => `${t.name} ${t.version}`) };
}

export async function addTools(ctx: AppContext, args: ToolArg[], opts: { install: boolean }): Promise<EditResult> {
  for (const a of args) if (!hasRecipe(a.name)) throw unknownTool(a.name);
  const tools = await Promise.all(args.map(async (a) => {
    if (a.range !== undefined) return { name: a.name, spec: a.range };
    const recipe = await loadRecipe(a.name);
    const latest = pickVersion("latest", await listVersions(ctx, recipe, {}, false));
    if (!latest) throw new DevenvError("NO_MATCHING_VERSION", `${a.name}: no stable version published`, { hint: `Give a range: devenv add ${a.name}@<range>.` });
    return { name: a.name, spec: defaultRange(latest.version) };
  }));
  const root = findProjectRoot(ctx.cwd) ?? ctx.cwd;
  const file = join(root, CONFIG_FILE);
  const old = await readFile(file, "utf8").catch(() => undefined);
  if (old !== undefined) await requireTrustedConfig(ctx, root, old);
  return transaction(ctx, root, async () => {
    const source = old === undefined ? newConfigSource(tools) : setTools(old, tools, file);
    await writeFile(file, source);
    await allowOwnEdit(ctx, root, old, source);
    return { root, created: old === undefined, ...(await relockAndInstall(ctx, root, opts.install)) };
  });
}

export async function removeToolsFromProject(ctx: AppContext, names: string[]): Promise<EditResult & { removed: string[] }> {
  const project = await loadProject(ctx);
  const root = project.root;
  const missing = names.filter((n) => !project.tools.some((t) => t.name === n));
  if (missing.length) {
    throw new DevenvError("USAGE", `not in ${CONFIG_FILE}: ${missing.join(", ")}`, {
      hint: `Tools in this project: ${project.tools.map((t) => t.name).join(", ") || "none"}.`,
    });
  }
  const file = join(root, CONFIG_FILE);
  const old = await readFile(file, "utf8");
  return transaction(ctx, root, async () => {
    const { source, removed } = removeTools(old, names, file);
    await writeFile(file, source);
    await allowOwnEdit(ctx, root, old, source);
    return { root, created: false, removed, ...(await relockAndInstall(ctx, root, false)) };
  });
}

export async function initProject(ctx: AppContext): Promise<{ file: string; created: boolean }> {
  const file = join(ctx.cwd, CONFIG_FILE);
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing !== undefined) return { file, created: false };
  const source = newConfigSource([]);
  await writeFile(file, source, { flag: "wx" });
  await allowOwnEdit(ctx, ctx.cwd, undefined, source);
  return { file, created: true };
}
