/**
 * The recipe of a catalogue tool: an aqua registry package (by the tool's name, or its `aqua`
 * option), or a GitHub repository's releases (`github` option). A tool already in devenv.lock is
 * read from the registry commit the lock records, so it re-locks the same until `devenv update`.
 */
import type { ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { LOCK_HINT } from "../../lock/format.js";
import type { LockEntry } from "../../lock/types.js";
import { nearestNames, recipeNames } from "../../../recipes/index.js";
import { aquaRecipe } from "../../recipes/sources/aqua/recipe.js";
import { githubRecipe } from "../../recipes/sources/github-recipe.js";
import type { Recipe } from "../../recipes/types.js";
import type { AppContext } from "../context.js";
import { entryHash, type CompiledCatalog, type CompiledRow } from "./compiled.js";
import { projectPackage } from "./project-registries.js";
import { openAquaCatalog } from "./load.js";
import { lookupName, packageRow, shortNames } from "./names.js";
import { AQUA_REGISTRY, currentPin, pinOf, type RegistryPin } from "./pins.js";

export async function catalogRecipe(ctx: AppContext, req: ToolRequest, entry?: LockEntry): Promise<Recipe> {
  // asset and bin reach the recipe with the request's options, in every call.
  if (typeof req.options.github === "string") return githubRecipe(req.name, req.options.github);
  const own = await projectPackage(req);
  if (own) return aquaRecipe(req.name, own.pkg, { registry: "project", sha256: own.sha256, package: own.name, entry: entryHash(own.pkg) });
  const pin = lockedPin(req.name, entry) ?? currentPin();
  const catalog = await openAquaCatalog(ctx, pin);
  const row = pickRow(catalog, req, pin);
  return aquaRecipe(req.name, catalog.entry(row), { registry: AQUA_REGISTRY, ref: pin.ref, sha256: pin.sha256, package: row.name, entry: row.hash });
}

/** The registry commit a lock entry was made from; one this devenv does not know is refused. */
function lockedPin(name: string, entry: LockEntry | undefined): RegistryPin | undefined {
  const c = entry?.catalog;
  if (!c || c.registry !== AQUA_REGISTRY || !c.ref) return undefined;
  const pin = pinOf(c.ref);
  if (!pin) {
    throw new DevenvError("LOCK_INVALID", `devenv.lock: tools.${name}.catalog.ref: ${c.ref} is not an aqua registry commit this devenv knows`, {
      hint: `A newer devenv wrote this lock: upgrade devenv, or run 'devenv update ${name}' to lock ${name} from this devenv's registry (${currentPin().ref.slice(0, 12)}).`,
    });
  }
  if (c.sha256 !== pin.sha256) {
    throw new DevenvError("LOCK_INVALID", `devenv.lock: tools.${name}.catalog.sha256: ${c.sha256} is not the sha256 of the registry at ${c.ref.slice(0, 12)} (${pin.sha256})`, { hint: LOCK_HINT });
  }
  return pin;
}

function pickRow(catalog: CompiledCatalog, req: ToolRequest, pin: RegistryPin): CompiledRow {
  const at = `the aqua registry (${pin.ref.slice(0, 12)}, ${pin.date})`;
  if (typeof req.options.aqua === "string") {
    const row = packageRow(catalog.rowsContaining(req.options.aqua), req.options.aqua) as CompiledRow | undefined;
    if (!row) {
      throw new DevenvError("UNKNOWN_TOOL", `tools.${req.name}: ${at} has no package ${req.options.aqua}`, {
        hint: `'devenv search ${req.options.aqua.split("/").pop()}' lists what the catalogue has; a tool on GitHub releases can be given with github: "owner/repo".`,
      });
    }
    return row;
  }
  const found = lookupName(catalog.rowsContaining(req.name), req.name) as CompiledRow[];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new DevenvError("UNKNOWN_TOOL", `${req.name} is ambiguous: ${found.length} packages of ${at} are called so:\n${found.map((r) => `  ${r.name}${r.description ? `  ${r.description}` : ""}`).join("\n")}`, {
      hint: `Name one: devenv add aqua:${found[0]!.name} (or ${req.name}: { version, aqua: "${found[0]!.name}" } in devenv.ts).`,
    });
  }
  // Built-in names first; very short catalogue names would "contain" almost anything typed.
  const near = nearestNames(req.name, [...new Set([...recipeNames(), ...shortNames(catalog.allRows()).filter((n) => n.length >= 3)])]);
  throw new DevenvError("UNKNOWN_TOOL", `unknown tool '${req.name}': no built-in recipe and no package of ${at} is called so`, {
    hint: `${near.length ? `Did you mean ${near.map((n) => `'${n}'`).join(" or ")}? ` : ""}'devenv search <text>' searches the catalogue; a tool on GitHub releases: devenv add github:<owner>/<repo>.`,
  });
}
