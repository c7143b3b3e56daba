// PLACEHOLDER (lead): replaced by the evaluator helper's registry-file.ts at merge.
import { parse } from "yaml";
import type { AquaPackage } from "./types.js";
export function parseAquaRegistry(text: string): AquaPackage[] {
  return (parse(text) as { packages: AquaPackage[] }).packages;
}
