/** The tools a devenv.ts already names, read from its text (nothing evaluated), with each value's text. Pure. */
import { DevenvError } from "../../errors.js";
import { toolEntries } from "../listed-tools.js";

export function existingTools(source: string, file: string): Map<string, string> {
  return toolEntries(source, file, (what: string): never => {
    throw new DevenvError("CONFIG_EDIT", `${file}: cannot edit ${what} automatically`, {
      hint: "devenv import adds to a devenv.ts whose tools are an object literal: edit it by hand, or import into a fresh directory and copy the entries.",
    });
  });
}
