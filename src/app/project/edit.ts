import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import semver from "semver";
import { CONFIG_FILE, findProjectRoot } from "../../config/find.js";
import { newConfigSource, removeTools, setTools } from "../../config/edit.js";
import { DevenvError } from "../../errors.js";
import { TOOL_NAME } from "../../lock/names.js";
import { readIfExistsAsync } from "../../platform/fs.js";
import { hasRecipe } from "../../../recipes/index.js";
import { toolsWithOtherSources } from "../../../recipes/summaries.js";
import type { ToolRequest } from "../../config/normalise.js";
import { rangeAllows } from "../../resolver/range.js";
import { pickOnPlatforms } from "../../resolver/platform-pick.js";
import { isValidRange } from "../../resolver/range.js";
import type { ConfigBundle } from "../../config/inputs.js";
import type { AppContext } from "../context.js";
import type { LockFile } from "../../lock/types.js";
import type { LockResult } from "./lock.js";
import { commitEdit } from "./edit-commit.js";
import { evaluateBundle, recipeFor, requireRoot } from "./load.js";
import { syncProject, type SyncOptions } from "./sync.js";
import { listVersions } from "./versions.js";
import { allowOwnEdit, loadConfig, requireTrustedConfig, unapprovedImports } from "./trust.js";

export interface ToolArg {
  name: string;
  range: string | undefined;
  /** `aqua:owner/repo` and `owner/repo` give { aqua }, `github:owner/repo` gives { github }. */
  options?: Record<string, string>;
}

const REPO_ARG = /^(aqua:|github:)?([A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*){1,3})$/;

/**
 * `clang@17` → { name: "clang", range: "17" }; `node` → range undefined; `aqua:BurntSushi/ripgrep@14`
 * and `BurntSushi/ripgrep@14` → ripgrep from that aqua package; `github:owner/repo` → the repository's releases.
 */
export function parseToolArg(arg: string): ToolArg {
  const at = arg.indexOf("@", 1);
  const head = (at < 0 ? arg : arg.slice(0, at)).trim();
  const range = at < 0 ? undefined : arg.slice(at + 1).trim();
  if (range !== undefined && (!range || !isValidRange(range))) {
    throw new DevenvError("USAGE", `'${arg}': '${range}' is not a version range`, { hint: 'Use e.g. 20, 3.12, ^1.2, 1.2.3 or latest.' });
  }
  const repo = REPO_ARG.exec(head);
  if (repo && (repo[1] || head.includes("/"))) {
    const path = repo[2]!;
    if (repo[1] === "github:" && path.split("/").length !== 2) {
      throw new DevenvError("USAGE", `'${arg}': github: takes owner/repo`, { hint: "E.g. devenv add github:BurntSushi/ripgrep@14." });
    }
    const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[^a-z0-9]+/, "");
    if (!TOOL_NAME.test(name)) throw new DevenvError("USAGE", `'${arg}': no tool name can be made of ${path}`, { hint: "Add it in devenv.ts under a name of your own, with aqua: or github: naming it." });
    return { name, range, options: repo[1] === "github:" ? { github: path } : { aqua: path } };
  }
  const name = head.toLowerCase();
  if (!TOOL_NAME.test(name)) {
    throw new DevenvError("USAGE", `'${arg}' is not a tool name`, { hint: "Write tools as name or name@range (node@20, zig@0.13), aqua:owner/repo or github:owner/repo." });
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

/**
 * Evaluate the edited devenv.ts from memory and run the project pipeline on it (lock, install under
 * a gc pin), which writes devenv.ts, devenv.lock and the trust record (commitEdit) only then, and
 * records the project as a gc root once they are on disk. A failure, Ctrl-C or kill before that
 * point leaves the project's files and its trust record exactly as they were, including "no devenv.lock".
 */
export async function lockEdited(ctx: AppContext, root: string, prior: ConfigBundle | undefined, before: string | undefined, source: string, command: string, opts: Pick<SyncOptions, "lock" | "install" | "strict" | "trustFirstDownload">) {
  // The edited devenv.ts in place of the one on disk; the files it imports are read from disk. Only
  // devenv.ts is devenv's edit: each of them must be one the approval of the old content covered.
  const bundle = await loadConfig(ctx, root, source);
  const unapproved = unapprovedImports(prior, bundle);
  if (unapproved.length) {
    throw new DevenvError("NOT_ALLOWED", `${join(root, CONFIG_FILE)} imports files that were not allowed with it: ${unapproved.join(", ")}`, {
      hint: `They changed since 'devenv allow'. Read them, run 'devenv allow', then 'devenv ${command}' again.`,
    });
  }
  const project = await evaluateBundle(bundle);
  const commit = (lock: LockFile, lockBefore: string | undefined) =>
    commitEdit(ctx, { root, configBefore: before, lockBefore, config: source, lock, prior, next: bundle }, command);
  const synced = await syncProject(ctx, root, { ...opts, project, commit });
  return { lock: synced.lock, installed: synced.installed.filter((t) => t.fresh).map((t) => `${t.name} ${t.version}`) };
}

/** A command-line tool (`devenv add`, `devenv versions`) as devenv.ts would ask for it. */
export function argRequest(a: ToolArg, registries: readonly string[] = []): ToolRequest {
  const options = a.options ?? {};
  const catalog = Boolean(a.options) || !hasRecipe(a.name);
  return { name: a.name, range: a.range ?? "latest", options, inline: false, ...(catalog ? { catalog: true as const } : {}), ...(catalog && registries.length ? { registries } : {}) };
}

/**
 * `devenv add … --from <source>`: each named tool from that source (node and cmake: `npm`), written
 * into devenv.ts as its `from` option. A tool whose recipe has one source (or a catalogue tool) is
 * refused before anything is looked up.
 */
export function withFrom(a: ToolArg, from: string | undefined, recipeOptions: readonly string[] | undefined): Record<string, string> | undefined {
  if (from === undefined) return a.options;
  if (a.options || !recipeOptions?.includes("from")) {
    const takes = toolsWithOtherSources().join(" and ");
    throw new DevenvError("USAGE", `${a.name} has no other source to take --from ${from} from`, {
      hint: `--from picks another source of a built-in tool that has one (${takes}: --from npm). Add ${a.name} without it.`,
    });
  }
  return { from };
}

/** `root`: the project to edit (the user-wide one for `add -g`); by default the one here, or a new one in the cwd. */
export async function addTools(ctx: AppContext, args: ToolArg[], opts: { install: boolean; from?: string; root?: string } & Pick<SyncOptions, "strict" | "trustFirstDownload">): Promise<EditResult> {
  const root = opts.root ?? findProjectRoot(ctx.cwd) ?? ctx.cwd;
  const file = join(root, CONFIG_FILE);
  const old = await readIfExistsAsync(file);
  const prior = old === undefined ? undefined : await requireTrustedConfig(ctx, root, old);
  // No range given: the major of the newest stable with a build for every platform the project locks.
  const current = prior ? await evaluateBundle(prior) : undefined;
  const platforms = [...new Set([ctx.platform, ...(current?.platforms ?? [])])];
  const tools = await Promise.all(args.map(async (a) => {
    // The recipe first: an unknown or ambiguous name fails before anything is written.
    const recipe = await recipeFor(ctx, argRequest(a, current?.aquaRegistries));
    const options = withFrom(a, opts.from, recipe.options);
    const spec = (range: string) => (options ? { version: range, ...options } : range);
    if (a.range !== undefined) return { name: a.name, spec: spec(a.range) };
    const wanted = platforms.filter((p) => recipe.platforms.includes(p));
    // Only as much of a long list as the newest stable version for these platforms needs (python's releases).
    const query = { satisfies: (v: string) => rangeAllows("latest", v), platforms: wanted };
    const r = pickOnPlatforms("latest", await listVersions(ctx, recipe, options && !a.options ? options : {}, false, query), wanted);
    const latest = r.picked ?? r.probe;
    if (!latest && r.skipped.length) {
      throw new DevenvError("UNSUPPORTED_PLATFORM", `${a.name}: no stable version has a build for every platform this project locks (${platforms.join(", ")})`, {
        hint: `Give a range ('devenv versions ${a.name}' shows what each version lacks), or drop a platform from 'platforms' in devenv.ts.`,
      });
    }
    if (!latest) throw new DevenvError("NO_MATCHING_VERSION", `${a.name}: no stable version published`, { hint: `Give a range: devenv add ${a.name}@<range>.` });
    return { name: a.name, spec: spec(defaultRange(latest.version)) };
  }));
  const source = old === undefined ? newConfigSource(tools) : setTools(old, tools, file);
  // `add` names its tools: they resolve afresh (like `npm install pkg@range`), the others keep their pins.
  const lock = { update: tools.map((t) => t.name) };
  return { root, created: old === undefined, ...(await lockEdited(ctx, root, prior, old, source, "add", { ...opts, lock })) };
}

export async function removeToolsFromProject(ctx: AppContext, names: string[], root = requireRoot(ctx)): Promise<EditResult & { removed: string[] }> {
  const file = join(root, CONFIG_FILE);
  const old = await readFile(file, "utf8");
  const prior = await requireTrustedConfig(ctx, root, old);
  const project = await evaluateBundle(prior);
  const missing = names.filter((n) => !project.tools.some((t) => t.name === n));
  if (missing.length) {
    throw new DevenvError("USAGE", `not in ${CONFIG_FILE}: ${missing.join(", ")}`, {
      hint: `Tools in this project: ${project.tools.map((t) => t.name).join(", ") || "none"}.`,
    });
  }
  const { source, removed } = removeTools(old, names, file);
  return { root, created: false, removed, ...(await lockEdited(ctx, root, prior, old, source, "remove", { lock: "write", install: false })) };
}

export async function initProject(ctx: AppContext): Promise<{ file: string; created: boolean }> {
  const file = join(ctx.cwd, CONFIG_FILE);
  const existing = await readIfExistsAsync(file);
  if (existing !== undefined) return { file, created: false };
  const source = newConfigSource([]);
  await writeFile(file, source, { flag: "wx" });
  await allowOwnEdit(ctx, ctx.cwd, undefined, await loadConfig(ctx, ctx.cwd, source));
  return { file, created: true };
}
