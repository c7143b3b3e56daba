/**
 * Reading an aqua registry document (registry.yaml: `packages: [...]`), the public one or a
 * project's own: parsed with bounded sizes, every package checked to be a mapping with a type and a
 * name, so that the catalogue and the evaluator can trust the shape. Pure (the caller reads the file).
 */
import { parse } from "yaml";
import { DevenvError } from "../../../errors.js";
import type { AquaPackage } from "./types.js";

/** The real registry is 2.5 MB with 2,278 packages; these leave room for growth and refuse absurd input. */
export const MAX_REGISTRY_BYTES = 64 * 1024 * 1024;
export const MAX_PACKAGES = 50_000;

const hint = "An aqua registry file is YAML with a 'packages:' list, each package a mapping with 'type' and 'repo_owner'/'repo_name' (or 'name'), as in aquaproj/aqua-registry's registry.yaml.";
const bad = (where: string, why: string, cause?: unknown) =>
  new DevenvError("CONFIG_SCHEMA", `aqua registry ${where}: ${why}`, cause === undefined ? { hint } : { hint, cause });

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => typeof v === "string" && v !== "";

/** Parse and check a registry document; `where` names it in errors (a path or a URL). */
export function parseAquaRegistry(source: string, where = "registry.yaml"): AquaPackage[] {
  if (source.length > MAX_REGISTRY_BYTES) throw bad(where, `is larger than ${MAX_REGISTRY_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = parse(source, { maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw bad(where, `is not valid YAML (${(e as Error).message.split("\n")[0]})`, e);
  }
  if (!isMap(doc)) throw bad(where, "is not a mapping with a 'packages' list");
  const pkgs = doc.packages;
  if (!Array.isArray(pkgs)) throw bad(where, "has no 'packages' list");
  if (pkgs.length > MAX_PACKAGES) throw bad(where, `has ${pkgs.length} packages, more than ${MAX_PACKAGES}`);
  return pkgs.map((p, i) => {
    if (!isMap(p)) throw bad(where, `packages[${i}] is not a mapping`);
    if (!text(p.type)) throw bad(where, `packages[${i}] has no 'type'`);
    const named = text(p.name) || (text(p.repo_owner) && text(p.repo_name)) || (p.type === "go_install" && text(p.path));
    if (!named) throw bad(where, `packages[${i}] has no name (neither 'name' nor 'repo_owner' and 'repo_name')`);
    for (const k of ["name", "repo_owner", "repo_name", "description"]) {
      if (p[k] !== undefined && typeof p[k] !== "string") throw bad(where, `packages[${i}].${k} is not a string`);
    }
    if (p.aliases !== undefined && !(Array.isArray(p.aliases) && p.aliases.every((a) => isMap(a) && text(a.name)))) {
      throw bad(where, `packages[${i}].aliases is not a list of { name }`);
    }
    return p as AquaPackage;
  });
}
