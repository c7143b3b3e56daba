/** What the version files of other tools (asdf, mise, nvm, pyenv, rustup) say, before devenv maps it. Pure. */

/** The files `devenv import` reads, by their names. */
export type ImportKind = "tool-versions" | "nvmrc" | "node-version" | "python-version" | "rust-toolchain" | "rust-toolchain-toml" | "mise";

/** Where something was written: the file as the user named it, and its line when the format has lines. */
export interface Origin {
  file: string;
  line?: number;
}

/** One tool as a file asks for it, in that file's own words. */
export interface ImportEntry extends Origin {
  /** The plugin or tool name as written: `nodejs`, `golang`, `aqua:BurntSushi/ripgrep`. */
  tool: string;
  /** The version as written (the first, when the file lists several). */
  version: string;
  /** Further versions the file lists (asdf and pyenv fall back to them; devenv puts one on PATH). */
  others?: string[];
  /** rustup's and mise's extra settings, as written: targets, components, profile, … */
  settings?: Record<string, unknown>;
}

/** Something a file says that devenv does not import, and why. */
export interface NotMapped extends Origin {
  what: string;
  why: string;
}

export interface ParsedFile {
  entries: ImportEntry[];
  notMapped: NotMapped[];
}

export const where = (o: Origin): string => (o.line === undefined ? o.file : `${o.file}:${o.line}`);
