/**
 * A project's own aqua registry files (devenv.ts `aquaRegistries`: the text of files devenv.ts imports,
 * so `devenv allow` covers them like any import). Their packages are found before the public
 * registry's, by the same name rules; the lock records `registry: "project"` and the file's sha256.
 */
import { createHash } from "node:crypto";
import type { ToolRequest } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import type { AquaPackage } from "../../recipes/sources/aqua/types.js";
import { indexRowOf } from "./compiled.js";
import { lookupName, packageRow, type IndexRow } from "./names.js";

interface Row extends IndexRow {
  pkg: AquaPackage;
  sha256: string;
}

const parsed = new Map<string, Row[]>();

async function rowsOf(text: string, index: number): Promise<Row[]> {
  const sha256 = createHash("sha256").update(text).digest("hex");
  let rows = parsed.get(sha256);
  if (!rows) {
    const { parseAquaRegistry } = await import("../../recipes/sources/aqua/registry-file.js");
    rows = parseAquaRegistry(text, `devenv.ts aquaRegistries[${index}]`).map((pkg) => ({ ...indexRowOf(pkg), pkg, sha256 }));
    parsed.set(sha256, rows);
  }
  return rows;
}

/** The project registry package a request means, or undefined when no project registry has it. */
export async function projectPackage(req: ToolRequest): Promise<{ pkg: AquaPackage; name: string; sha256: string } | undefined> {
  const all = (await Promise.all((req.registries ?? []).map(rowsOf))).flat();
  if (!all.length) return undefined;
  const found = typeof req.options.aqua === "string"
    ? [packageRow(all, req.options.aqua) as Row | undefined].filter((r): r is Row => r !== undefined)
    : (lookupName(all, req.name) as Row[]);
  if (found.length > 1) {
    throw new DevenvError("UNKNOWN_TOOL", `${req.name} is ambiguous in the project's aquaRegistries:\n${found.map((r) => `  ${r.name}${r.description ? `  ${r.description}` : ""}`).join("\n")}`, {
      hint: `Name one: ${req.name}: { version, aqua: "${found[0]!.name}" } in devenv.ts.`,
    });
  }
  const row = found[0];
  return row && { pkg: row.pkg, name: row.name, sha256: row.sha256 };
}
