/**
 * The versions other tools write, in devenv's range syntax, as written: `20.11.0` stays an exact pin,
 * `20` and `3.12` stay partial ranges, `^1.2` a range. The words that float (`lts/*`, `stable`,
 * `node`) map to devenv's own (`lts`, `latest`) where devenv has the same; the rest are refused
 * with the reason. Pure.
 */
import semver from "semver";

export type VersionMapping = { range: string; note?: string } | { why: string };

/** nvm's LTS code names and the Node.js major each names (`lts/iron` → 20). */
const NODE_LTS: Record<string, string> = {
  argon: "4", boron: "6", carbon: "8", dubnium: "10", erbium: "12", fermium: "14", gallium: "16", hydrogen: "18", iron: "20", jod: "22", krypton: "24",
};

/** What a range may hold: devenv writes it into devenv.ts and hands it to semver, nothing else. */
const RANGE_CHARS = /^[0-9A-Za-z.+\-^~<>=|* ]{1,64}$/;

function nodeWord(v: string): VersionMapping | undefined {
  const lower = v.toLowerCase();
  if (lower === "lts/*" || lower === "lts") return { range: "lts" };
  if (lower === "node" || lower === "stable" || lower === "current") return { range: "latest" };
  if (lower.startsWith("iojs")) return { why: "io.js: devenv's node is Node.js from nodejs.org" };
  const lts = /^lts\/(.+)$/.exec(lower);
  if (lts) {
    const major = NODE_LTS[lts[1]!];
    if (major) return { range: major, note: `${v}: Node.js ${major}` };
    return { why: /^-\d+$/.test(lts[1]!) ? "an LTS line counted back from the newest: it changes meaning as new ones come out; name the major (e.g. 20)" : "an LTS name devenv does not know; 'devenv versions node' shows each version's LTS name: name its major" };
  }
  return undefined;
}

function rustWord(v: string): VersionMapping | undefined {
  if (v === "stable") return { range: "latest" };
  if (/^(beta|nightly)(-\d{4}-\d{2}-\d{2})?(-.+)?$/.test(v)) return { why: "devenv's rust installs stable releases only (no beta or nightly channels)" };
  if (/^\d+\.\d+(\.\d+)?-[a-z0-9_]+-/.test(v)) return { why: "a toolchain for one host triple: write the version alone (devenv picks each platform's host)" };
  return undefined;
}

/** `tool` is devenv's name for it (node, rust, python, …). */
export function mapVersion(tool: string, written: string): VersionMapping {
  const v = written.trim();
  if (!v) return { why: "no version" };
  if (v === "system") return { why: "the machine's own installation: devenv manages only what devenv.ts pins (leave it out, or pin a version)" };
  if (v.startsWith("ref:")) return { why: "built from a source ref: devenv installs released, checksummed binaries only" };
  if (v.startsWith("path:")) return { why: "a local directory: devenv installs its own verified copy into its store" };
  if (v.startsWith("sub-")) return { why: "a version counted back from another one: it changes meaning over time; name the version" };
  const special = tool === "node" ? nodeWord(v) : tool === "rust" ? rustWord(v) : undefined;
  if (special) return special;
  if (v === "latest") return { range: "latest" };
  if (v === "lts") return { why: `only node has LTS lines in devenv` };
  const plain = v.startsWith("prefix:") ? v.slice("prefix:".length) : v;
  const bare = /^v\d/.test(plain) ? plain.slice(1) : plain;
  if (!RANGE_CHARS.test(bare) || semver.validRange(bare, { loose: true }) === null) {
    return { why: "not a version or range devenv understands (e.g. 20, 3.12, 1.82.0, ^1.2)" };
  }
  return { range: bare };
}
