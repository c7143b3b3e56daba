/**
 * asdf plugin names and mise tool keys as devenv's tool names: `nodejs` → node, `golang` → go,
 * `core:python` → python, `aqua:BurntSushi/ripgrep` → ripgrep from that aqua package,
 * `github:cli/cli` / `ubi:cli/cli` → cli from that repository's releases. Any other plain name is
 * taken as it is (a built-in recipe, or a catalogue name the caller looks up). Pure.
 */
import { toolNameProblem } from "../../lock/names.js";

export type NameMapping = { name: string; options?: Record<string, string> } | { why: string };

/** Plugin names that are another name in devenv (asdf's, mise's short names). */
const RENAMES: Record<string, string> = {
  nodejs: "node",
  golang: "go",
  postgresql: "postgres",
  "github-cli": "gh",
  "riscv-gcc": "riscv-none-elf-gcc",
};

/** mise backends that install through a package manager devenv does not drive. */
const PACKAGE_BACKENDS: Record<string, string> = {
  npm: "npm packages", cargo: "cargo crates", pipx: "pipx packages", go: "go install", gem: "Ruby gems", spm: "Swift packages",
  dotnet: ".NET tools", conda: "conda packages", vfox: "vfox plugins", http: "mise's http backend", "vfox-backend": "vfox plugins",
};

const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*){1,3}$/;

/** devenv's name for a package (its last part), as `devenv add owner/repo` makes it. */
const lastPart = (path: string) => path.slice(path.lastIndexOf("/") + 1).toLowerCase().replace(/[^a-z0-9._-]/g, "-").replace(/^[^a-z0-9]+/, "");

function named(name: string, options?: Record<string, string>): NameMapping {
  const problem = toolNameProblem(name);
  return problem ? { why: problem } : { name, ...(options ? { options } : {}) };
}

export function mapToolName(written: string): NameMapping {
  const backend = /^([a-z][a-z0-9-]*):(.*)$/.exec(written);
  if (!backend) return named(RENAMES[written.toLowerCase()] ?? written.toLowerCase());
  const [, kind, rest] = backend as unknown as [string, string, string];
  if (kind === "core" || kind === "asdf") {
    if (rest.includes("/") || rest.includes(":")) return { why: "an asdf plugin repository: devenv does not run asdf plugins; add the tool by its name" };
    return named(RENAMES[rest.toLowerCase()] ?? rest.toLowerCase());
  }
  if (kind === "aqua" || kind === "github" || kind === "ubi") {
    if (rest.includes("[")) return { why: `mise's ${kind}: options in [...]: add it with devenv add ${kind === "aqua" ? "aqua" : "github"}:<owner>/<repo> and set asset/bin in devenv.ts` };
    if (!REPO.test(rest) || (kind !== "aqua" && rest.split("/").length !== 2)) return { why: `not an owner/repo after ${kind}:` };
    return named(lastPart(rest), kind === "aqua" ? { aqua: rest } : { github: rest });
  }
  const what = PACKAGE_BACKENDS[kind];
  return { why: what ? `${what}: devenv installs release binaries (its recipes, the aqua catalogue, GitHub releases), not ${what}` : `mise's ${kind}: backend: devenv has no such source` };
}
