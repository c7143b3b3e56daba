/**
 * Write recipes/checksums/<table>.json from a public source of release-asset sha256 values:
 *
 *   npm run build && node dist/scripts/update-checksum-table.js llvm <llvm-github.jsonc> <llvm-github_legacy.jsonc>
 *   npm run build && node dist/scripts/update-checksum-table.js ninja <ninja.hcl>
 *
 * Each source is a path or an https URL. llvm: bazel-contrib/toolchains_llvm's
 * toolchain/distributions/*.jsonc (asset name → sha256, 10.x on); ninja: cashapp/hermit-packages'
 * ninja.hcl (`sha256sums` by download URL). Only the assets the recipe can lock are kept (the four
 * platforms' name shapes). The output is deterministic (sorted keys, no clock): rerunning on the same
 * sources rewrites the same bytes, so a refresh shows up in review as exactly the changed lines.
 * Keys are `<release tag>/<asset name>`.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { llvmAssetShape } from "../recipes/clang.js";
import { ninjaAsset } from "../recipes/ninja.js";
import { ALL_PLATFORMS } from "../src/recipes/types.js";

export interface Source {
  /** As given: a path or URL (recorded in the provenance). */
  from: string;
  text: string;
}

export interface TableDoc {
  provenance: Record<string, unknown>;
  files: Record<string, string>;
}

/** JSON with `//` and `/* *\/` comments and trailing commas (toolchains_llvm's format) → value. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

const SHA = /^[0-9a-f]{64}$/;

/** The LLVM version an asset name carries (`clang+llvm-17.0.6-…`, `LLVM-19.1.7-…`). */
const llvmVersionOf = (name: string): string | undefined => /^(?:clang\+llvm|LLVM)-(\d+\.\d+\.\d+(?:-rc\d+)?)-/.exec(name)?.[1];

export function llvmTable(sources: readonly Source[]): TableDoc {
  const files: Record<string, string> = {};
  let seen = 0;
  for (const s of sources) {
    const doc = parseJsonc(s.text) as Record<string, unknown>;
    for (const [name, sha] of Object.entries(doc)) {
      if (name === "_meta") continue;
      if (typeof sha !== "string" || !SHA.test(sha)) throw new Error(`${s.from}: ${name}: not a sha256: ${JSON.stringify(sha)}`);
      seen++;
      const v = llvmVersionOf(name);
      if (!v || !ALL_PLATFORMS.some((p) => llvmAssetShape(v, p, name))) continue;
      const key = `llvmorg-${v}/${name}`;
      if (files[key] && files[key] !== sha) throw new Error(`${s.from}: ${name} has two values (${files[key]}, ${sha})`);
      files[key] = sha;
    }
  }
  return {
    provenance: {
      source: "bazel-contrib/toolchains_llvm toolchain/distributions (per-asset sha256 of llvm/llvm-project release tarballs)",
      url: "https://github.com/bazel-contrib/toolchains_llvm/tree/master/toolchain/distributions (llvm-github.jsonc, llvm-github_legacy.jsonc)",
      inputs: sources.map((s) => ({ from: s.from, sha256: sha256(s.text) })),
      how: "scripts/update-checksum-table.ts llvm <inputs>: every entry whose name is a linux-x64, linux-arm64, darwin-x64 or darwin-arm64 tarball shape the clang recipe locks",
      kept: `${Object.keys(files).length} of ${seen} entries (the builds for other systems and CPUs left out)`,
    },
    files: sorted(files),
  };
}

/** hermit's `sha256sums = { "<url>": "<hex>", … }` block → ninja-build release assets. */
export function ninjaTable(sources: readonly Source[]): TableDoc {
  const files: Record<string, string> = {};
  const shapes = new Set(ALL_PLATFORMS.map(ninjaAsset));
  let seen = 0;
  for (const s of sources) {
    const re = /"https:\/\/github\.com\/ninja-build\/ninja\/releases\/download\/(v[^/"]+)\/([^/"]+)"\s*:\s*"([0-9a-f]{64})"/g;
    for (const m of s.text.matchAll(re)) {
      seen++;
      const [, tag, name, sha] = m as unknown as [string, string, string, string];
      if (!shapes.has(name)) continue;
      const key = `${tag}/${name}`;
      if (files[key] && files[key] !== sha) throw new Error(`${s.from}: ${key} has two values`);
      files[key] = sha;
    }
  }
  if (seen === 0) throw new Error(`no ninja-build release URLs with sha256 in ${sources.map((s) => s.from).join(", ")}`);
  return {
    provenance: {
      source: "cashapp/hermit-packages ninja.hcl (sha256sums of ninja-build/ninja release assets)",
      url: "https://github.com/cashapp/hermit-packages/blob/master/ninja.hcl",
      inputs: sources.map((s) => ({ from: s.from, sha256: sha256(s.text) })),
      how: "scripts/update-checksum-table.ts ninja <inputs>: the ninja-linux.zip, ninja-linux-aarch64.zip and ninja-mac.zip entries",
      kept: `${Object.keys(files).length} of ${seen} entries`,
      corroborated: "1.11.1 and 1.12.1 values match the pins of many unrelated public Dockerfiles and build scripts",
    },
    files: sorted(files),
  };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}

export const render = (doc: TableDoc): string => `${JSON.stringify(doc, null, 2)}\n`;

export const TABLES = { llvm: llvmTable, ninja: ninjaTable } as const;

async function readSource(from: string): Promise<Source> {
  if (/^https:\/\//.test(from)) {
    const res = await fetch(from);
    if (!res.ok) throw new Error(`${from}: HTTP ${res.status}`);
    return { from, text: await res.text() };
  }
  return { from, text: readFileSync(from, "utf8") };
}

async function main(argv: string[]): Promise<void> {
  const [table, ...inputs] = argv;
  if (!table || !(table in TABLES) || inputs.length === 0) {
    console.error(`usage: node dist/scripts/update-checksum-table.js <${Object.keys(TABLES).join("|")}> <source path or https URL>…`);
    process.exit(2);
  }
  const doc = TABLES[table as keyof typeof TABLES](await Promise.all(inputs.map(readSource)));
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const out = join(repo, "recipes", "checksums", `${table}.json`);
  writeFileSync(out, render(doc));
  console.log(`wrote ${out}: ${Object.keys(doc.files).length} files (${String(doc.provenance.kept)})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
