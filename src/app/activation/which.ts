import { existsSync } from "node:fs";
import { join } from "node:path";

/** The first PATH dir of the activated project holding `bin`. */
export function whichBin(pathDirs: readonly string[], bin: string): string | undefined {
  for (const dir of pathDirs) {
    const p = join(dir, bin);
    if (existsSync(p)) return p;
  }
  return undefined;
}
