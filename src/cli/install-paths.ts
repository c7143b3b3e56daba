import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";

/** bin/devenv.js of this installation (through npm's bin symlinks) and the package root. */
export function installPaths(): { cli: string; root: string } {
  const argv1 = process.argv[1] ?? "";
  let cli = argv1;
  try {
    cli = realpathSync(argv1);
  } catch {
    /* keep as given */
  }
  const root = dirname(dirname(cli));
  return { cli, root };
}

export const hooksDir = () => join(installPaths().root, "shell-hooks");
