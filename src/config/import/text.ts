/** The text of a version file: UTF-8, no binary, without a BOM, split into lines whatever their ends. Pure. */
import { DevenvError } from "../../errors.js";

/** A version file is a few lines; anything bigger is not one. */
export const MAX_IMPORT_BYTES = 64 * 1024;

export function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new DevenvError("CONFIG_SYNTAX", `${file}: larger than ${MAX_IMPORT_BYTES} bytes: not a version file`, {
      hint: "devenv import reads .tool-versions, .nvmrc, .node-version, .python-version, rust-toolchain(.toml) and mise.toml; check that this is one.",
    });
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new DevenvError("CONFIG_SYNTAX", `${file}: binary data (a NUL byte at offset ${nul}): not a version file`, {
      hint: "Nothing was imported. Check that the file is the text file it should be.",
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DevenvError("CONFIG_SYNTAX", `${file}: not UTF-8 text`, { hint: "Nothing was imported. Save the file as UTF-8 and run devenv import again." });
  }
  return text.startsWith("\ufeff") ? text.slice(1) : text;
}

/** Lines numbered from 1, with `\n`, `\r\n` or a lone `\r` as the line end. */
export const splitLines = (text: string): string[] => text.split(/\r\n|\r|\n/);

/** A line without its `#` comment, trimmed. */
export const uncomment = (line: string): string => {
  const hash = line.indexOf("#");
  return (hash < 0 ? line : line.slice(0, hash)).trim();
};
