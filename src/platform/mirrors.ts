import { DevenvError } from "../errors.js";

export type MirrorMap = ReadonlyArray<readonly [from: string, to: string]>;

/** Parse `FROM=TO,FROM2=TO2`. The longest matching prefix wins when rewriting. */
export function parseMirrors(spec: string | undefined, where = "DEVENV_MIRRORS"): MirrorMap {
  if (!spec || !spec.trim()) return [];
  const out: [string, string][] = [];
  for (const part of spec.split(",")) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    if (eq <= 0 || eq === item.length - 1) {
      throw new DevenvError("USAGE", `${where}: '${item}' is not FROM=TO`, {
        hint: `Write prefixes as FROM=TO separated by commas, e.g. https://nodejs.org/dist=http://127.0.0.1:8080/node`,
      });
    }
    out.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return out;
}

export function mirrorsFromObject(obj: Record<string, string> | undefined): MirrorMap {
  return obj ? Object.entries(obj) : [];
}

export function applyMirrors(url: string, mirrors: MirrorMap): string {
  let best: readonly [string, string] | undefined;
  for (const m of mirrors) {
    if (url.startsWith(m[0]) && (!best || m[0].length > best[0].length)) best = m;
  }
  return best ? best[1] + url.slice(best[0].length) : url;
}
