/**
 * `devenv import`: the version files of asdf, mise, nvm, pyenv and rustup in the current directory
 * (or the ones named) as devenv.ts entries, then locked and installed as `devenv add` does. The
 * files are only read; a conflict between them stops everything, nothing written.
 */
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CONFIG_FILE } from "../../config/find.js";
import { newConfigSource, setTools } from "../../config/edit.js";
import { existingTools } from "../../config/import/existing.js";
import {
  IMPORT_FILES, importKind, MAX_IMPORT_BYTES, parseImportFile, planImport, unknownImportFile, where,
  type ImportKind, type ImportPlan, type ParsedFile, type PlannedTool,
} from "../../config/import/index.js";
import type { ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { FileShapeError, readIfExistsAsync, readRegularFile } from "../../platform/fs.js";
import { showPath } from "../../text.js";
import { hasRecipe } from "../../../recipes/index.js";
import type { AppContext } from "../context.js";
import { lockEdited } from "./edit.js";
import type { LockResult } from "./lock.js";
import { recipeFor } from "./load.js";
import type { SyncOptions } from "./sync.js";
import { requireTrustedConfig } from "./trust.js";

/** The version files of other tools in `dir`, by name, in the order import reads them. */
export const importableFiles = (dir: string): string[] => IMPORT_FILES.map(([n]) => n).filter((n) => existsSync(join(dir, n)));

export interface ImportResult {
  root: string;
  /** The files read, as named in messages. */
  read: string[];
  plan: ImportPlan;
  created: boolean;
  /** devenv.ts as written (or, with dryRun, as it would be); undefined when there was nothing to add. */
  source?: string;
  lock?: LockResult;
  installed?: string[];
}

function kindOf(name: string): ImportKind {
  const kind = importKind(basename(name));
  if (!kind) throw unknownImportFile(showPath(name));
  return kind;
}

function readVersionFile(cwd: string, name: string, kind: ImportKind): ParsedFile {
  const path = resolve(cwd, name);
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(path, MAX_IMPORT_BYTES);
  } catch (e) {
    const why = e instanceof FileShapeError ? e.reason : (e as NodeJS.ErrnoException).code ?? String(e);
    throw new DevenvError("IO", `cannot import ${showPath(name)}: ${why}`, { hint: "Nothing was imported. A version file is a small regular text file: check what is at that path.", cause: e });
  }
  if (bytes === undefined) throw new DevenvError("USAGE", `${showPath(name)}: no such file`, { hint: `Name a file that exists (devenv import with no file reads the ones in ${showPath(cwd)}).` });
  return parseImportFile(kind, bytes, showPath(name));
}

/** The request `devenv add` would make of a planned tool, for checking that devenv has it. */
function requestOf(t: PlannedTool): ToolRequest {
  const options = typeof t.spec === "string" ? {} : Object.fromEntries(Object.entries(t.spec).filter(([k]) => k !== "version"));
  const catalog = !hasRecipe(t.name) || "aqua" in options || "github" in options;
  return { name: t.name, range: "latest", options, inline: false, ...(catalog ? { catalog: true as const } : {}) };
}

/** Tools no recipe or catalogue entry has (or with an option it lacks) move to notMapped, with devenv's own message. */
async function checkKnown(ctx: AppContext, plan: ImportPlan): Promise<void> {
  const known = await Promise.all(plan.tools.map(async (t) => {
    try {
      await recipeFor(ctx, requestOf(t));
      return true;
    } catch (e) {
      if (!(e instanceof DevenvError) || !["UNKNOWN_TOOL", "CONFIG_SCHEMA"].includes(e.code)) throw e;
      for (const f of t.from) plan.notMapped.push({ file: f.file, ...(f.line === undefined ? {} : { line: f.line }), what: `${f.tool} ${f.version}`, why: e.message.split("\n")[0]!.replace(/^devenv\.ts: /, "") });
      return false;
    }
  }));
  plan.tools = plan.tools.filter((_, i) => known[i]);
}

export async function importTools(
  ctx: AppContext,
  names: string[],
  opts: { install: boolean; dryRun: boolean } & Pick<SyncOptions, "strict" | "trustFirstDownload">,
): Promise<ImportResult> {
  const root = ctx.cwd;
  const file = join(root, CONFIG_FILE);
  const chosen: Array<[string, ImportKind]> = (names.length ? names : importableFiles(root)).map((n) => [n, kindOf(n)]);
  if (!chosen.length) {
    throw new DevenvError("USAGE", `no version file to import in ${showPath(root)}`, {
      hint: `devenv import reads ${IMPORT_FILES.map(([n]) => n).join(", ")}; or name one: devenv import path/to/.tool-versions.`,
    });
  }
  const parsed = chosen.map(([n, k]) => readVersionFile(root, n, k));
  const old = await readIfExistsAsync(file);
  const plan = planImport(parsed, old === undefined ? new Map() : existingTools(old, CONFIG_FILE));
  if (plan.conflicts.length) {
    const lines = plan.conflicts.flatMap((c) => c.wants.map((w) => `  ${c.name}: ${JSON.stringify(w.spec)} from ${w.from.map((f) => `${where(f)} (${f.tool} ${f.version})`).join(", ")}`));
    throw new DevenvError("CONFIG_EDIT", `the files disagree; nothing was imported:\n${lines.join("\n")}`, {
      hint: `Import the file that is right (devenv import ${chosen.map(([n]) => n).join(" or ")}), or fix the other; or add the version you want: devenv add ${plan.conflicts[0]!.name}@<range>.`,
    });
  }
  await checkKnown(ctx, plan);
  const read = chosen.map(([n]) => showPath(n));
  if (!plan.tools.length) return { root, read, plan, created: false };
  const source = old === undefined ? newConfigSource(plan.tools) : setTools(old, plan.tools, file);
  if (opts.dryRun) return { root, read, plan, created: old === undefined, source };
  const prior = old === undefined ? undefined : await requireTrustedConfig(ctx, root, old);
  const lock = { update: plan.tools.map((t) => t.name) };
  const { dryRun: _, ...sync } = opts;
  const done = await lockEdited(ctx, root, prior, old, source, "import", { ...sync, lock });
  return { root, read, plan, created: old === undefined, source, ...done };
}
