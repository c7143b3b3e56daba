/**
 * The commands of a `github:owner/repo` install: after unpacking an archive whose layout nobody
 * described, `.devenv-bin/<command>` symlinks to the programs (the directory the recipe puts on
 * PATH). Symlinks, not moves: programs find their data relative to themselves (nvim's share/).
 */
import { DevenvError } from "../../errors.js";
import type { InstallTree } from "../types.js";

/** Where `.devenv-bin` lives in the install; on PATH. */
export const GITHUB_BIN_DIR = ".devenv-bin";

const DOC_NAME = /^(readme|license|licence|copying|unlicense|changelog|changes|notice|authors|contributors|history|news|todo|install|faq|guide|copyright|code_of_conduct|security)([-_.].*)?$/i;
const MAX_ENTRIES = 5000;

/**
 * `.devenv-bin/<command>` → the program, for each command: the `bin` names, else the tool's name
 * and the repository's. A raw download is `bin/<tool name>` already. Searched breadth-first (the
 * shallowest wins: `bin/gh` before `share/…/gh`), at most 5 levels and 5000 entries. Nothing named
 * so: the one file at the top or in `bin/` that looks like a program (no extension, no README or
 * LICENSE), as ripgrep's `rg`, linked under its own name, or under the tool's when it is the tool's
 * name with a platform suffix (`yq_linux_amd64` → `yq`); several or none is an error listing them.
 */
export function linkCommands(tree: InstallTree, toolName: string, repo: string, bin: string[] | undefined): void {
  if (!tree.kind || !tree.makeExecutable) throw new Error("this install tree cannot tell files from directories");
  const kind = tree.kind.bind(tree);
  const files = new Map<string, string>(); // base name → shallowest path
  const queue: Array<[string, number]> = [["", 0]];
  let seen = 0;
  while (queue.length && seen < MAX_ENTRIES) {
    const [dir, depth] = queue.shift()!;
    for (const entry of tree.list(dir)) {
      if (++seen > MAX_ENTRIES) break;
      const rel = dir ? `${dir}/${entry}` : entry;
      if (rel === GITHUB_BIN_DIR) continue;
      const k = kind(rel);
      if (k === "dir" && depth < 4) queue.push([rel, depth + 1]);
      else if (k === "file" && !files.has(entry)) files.set(entry, rel);
    }
  }
  const wanted = bin ?? [...new Set([toolName, repo.split("/")[1]!])];
  const links = new Map<string, string>();
  for (const cmd of wanted) {
    const at = files.get(cmd);
    if (at) links.set(cmd, at);
    else if (bin) {
      throw new DevenvError("ARCHIVE", `${toolName}: the release archive has no program named '${cmd}' (files: ${[...files.keys()].slice(0, 20).join(", ")})`, {
        hint: `Set bin to the program names in the archive, e.g. bin: ["${guess(files)[0] ?? cmd}"].`,
      });
    }
  }
  if (links.size === 0) {
    const programs = guess(files);
    if (programs.length !== 1) {
      throw new DevenvError("ARCHIVE", `${toolName}: no program named ${wanted.map((w) => `'${w}'`).join(" or ")} in the release archive, and ${programs.length ? `several candidates (${programs.join(", ")})` : "no other program"}`, {
        hint: `Say which with bin: ["<name>"] in devenv.ts${programs.length ? `, e.g. bin: ["${programs[0]}"]` : ""}.`,
      });
    }
    // `yq_linux_amd64` in yq's tarball is the tool under its asset's name: the command is `yq`.
    const only = programs[0]!;
    const named = wanted.find((w) => only.toLowerCase().startsWith(`${w.toLowerCase()}_`) || only.toLowerCase().startsWith(`${w.toLowerCase()}-`));
    links.set(named ?? only, files.get(only)!);
  }
  for (const [cmd, rel] of links) {
    tree.makeExecutable(rel);
    tree.symlink(`${GITHUB_BIN_DIR}/${cmd}`, `../${rel}`);
  }
}

/** Top-level or bin/ files that look like programs. */
function guess(files: Map<string, string>): string[] {
  return [...files.entries()]
    .filter(([base, rel]) => (rel === base || rel === `bin/${base}`) && !base.includes(".") && !DOC_NAME.test(base))
    .map(([base]) => base)
    .sort();
}
