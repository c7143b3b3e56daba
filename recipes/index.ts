import { DevenvError } from "../src/errors.js";
import type { Recipe } from "../src/recipes/types.js";

/** Recipe modules by tool name, loaded on demand so start-up pays only for the tools it uses. */
const RECIPES: Record<string, () => Promise<{ default: Recipe }>> = {
  clang: () => import("./clang.js"),
  cmake: () => import("./cmake.js"),
  gcc: () => import("./gcc.js"),
  go: () => import("./go.js"),
  llvm: () => import("./llvm.js"),
  ninja: () => import("./ninja.js"),
  node: () => import("./node.js"),
  postgres: () => import("./postgres.js"),
  python: () => import("./python.js"),
  "riscv-none-elf-gcc": () => import("./riscv-none-elf-gcc.js"),
  "riscv64-linux-gnu-gcc": () => import("./riscv64-linux-gnu-gcc.js"),
  rust: () => import("./rust.js"),
  zig: () => import("./zig.js"),
};

export const recipeNames = (): string[] => Object.keys(RECIPES).sort();

export const hasRecipe = (name: string) => Object.hasOwn(RECIPES, name);

export async function loadRecipe(name: string): Promise<Recipe> {
  if (!Object.hasOwn(RECIPES, name)) throw unknownTool(name);
  return (await RECIPES[name]!()).default;
}

export async function allRecipes(): Promise<Recipe[]> {
  return Promise.all(recipeNames().map(loadRecipe));
}

export function unknownTool(name: string, where?: string): DevenvError {
  const near = nearestNames(name, recipeNames());
  return new DevenvError("UNKNOWN_TOOL", `${where ? `${where}: ` : ""}unknown tool '${name}'`, {
    hint: near.length
      ? `Did you mean ${near.map((n) => `'${n}'`).join(" or ")}? 'devenv search' lists all tools; a tool no recipe knows can be given inline with { version, url, sha256 }.`
      : "'devenv search' lists all tools; a tool no recipe knows can be given inline with { version, url, sha256 }.",
  });
}

export function nearestNames(name: string, names: string[], max = 3): string[] {
  const scored = names
    .map((n) => ({ n, d: n.includes(name) || name.includes(n) ? 1 : editDistance(name, n) }))
    .filter((s) => s.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, max).map((s) => s.n);
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
