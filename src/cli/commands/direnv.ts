import type { Command } from "commander";
import { envHere, watchedFiles } from "../../app/activation/index.js";
import { resolveDirs } from "../../platform/dirs.js";
import { renderDirenv, renderDirenvExport } from "../../shell/direnv.js";
import { stampFile } from "../../state/trust.js";
import { contextFor } from "../common.js";
import { hooksDir, installPaths } from "../install-paths.js";

/**
 * `devenv direnv`: the `use_devenv` function for direnv's stdlib. `--export` (what that function
 * runs in the project's directory): the files to watch and the environment the hook would give
 * there, as one block for direnv's bash; after a failure only the files (the error on stderr).
 */
export default async function direnv(opts: { export?: boolean }, cmd: Command): Promise<void> {
  if (!opts.export) {
    const dirs = resolveDirs(process.env);
    process.stdout.write(renderDirenv({ node: process.execPath, cli: installPaths().cli, stamp: stampFile(dirs.state) }, hooksDir()));
    return;
  }
  const ctx = contextFor(cmd);
  let here;
  try {
    here = await envHere(ctx, process.env);
  } catch (e) {
    process.stdout.write(renderDirenvExport(watchedFiles(ctx)));
    throw e;
  }
  process.stdout.write(renderDirenvExport(watchedFiles(ctx, here.layers), here.diff));
}
