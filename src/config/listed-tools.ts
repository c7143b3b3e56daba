/**
 * The tool names a devenv.ts lists in its `tools` object literal, read from the parsed source
 * without running it (shell completion of `devenv remove`). Undefined when the file does not
 * parse or its tools are not a literal `devenv remove` could edit (spread, imported, computed).
 */
import { keyName, locate } from "./edit-ast.js";

export function listedTools(source: string, file: string): string[] | undefined {
  try {
    const { tools } = locate(source, file, (what) => {
      throw new Error(what);
    });
    return tools ? tools.properties.map(keyName).filter((n): n is string => n !== undefined) : [];
  } catch {
    return undefined;
  }
}
