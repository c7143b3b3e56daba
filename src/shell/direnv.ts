import { readFileSync } from "node:fs";
import { join } from "node:path";
import { quotePosix, renderEnv } from "./render.js";

export interface DirenvParams {
  /** Absolute path of the node binary: the function must not depend on the PATH it changes. */
  node: string;
  /** Absolute path of bin/devenv.js. */
  cli: string;
  /** The stamp file allow/deny/install touch: watched, so `devenv allow` makes direnv load again. */
  stamp: string;
}

/** The last line of `devenv direnv --export`: use_devenv evaluates nothing without it. */
export const DIRENV_END = ": devenv-direnv-end";

/** The `use_devenv` function for direnv's stdlib (shell-hooks/direnv.sh), paths filled in. Pure but for the read. */
export function renderDirenv(params: DirenvParams, hooksDir: string): string {
  return readFileSync(join(hooksDir, "direnv.sh"), "utf8")
    .replaceAll("@NODE@", quotePosix(params.node))
    .replaceAll("@CLI@", quotePosix(params.cli))
    .replaceAll("@STAMP@", quotePosix(params.stamp));
}

/**
 * What use_devenv evaluates: `watch_file` for the files the environment came from, then the
 * assignments (none after a failure), then the end marker. Pure.
 */
export function renderDirenvExport(watch: readonly string[], diff?: Record<string, string | undefined>): string {
  const files = [...new Set(watch)];
  const head = files.length ? `watch_file ${files.map(quotePosix).join(" ")}\n` : "";
  return head + (diff ? renderEnv(diff, "bash") : "") + DIRENV_END + "\n";
}
