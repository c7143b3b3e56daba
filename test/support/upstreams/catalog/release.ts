/**
 * One release of a fake catalogue tool: its real names, what each is (the tool's spec), and the bytes
 * served for it (built on first use, memoised). Checksum documents are rendered from the bytes of the
 * assets they cover, so they always agree with what is served, unless `realChecksums` asks for
 * the project's real published sha256 where one is known (then a lock can be compared with reality,
 * but an install of such an asset fails its check, as it should).
 */
import { createHash } from "node:crypto";
import { crc32, sha256hex } from "../../archives.js";
import { Lazy } from "../types.js";
import { tagVersion, type CatalogReleaseData, type CatalogToolData } from "./data.js";
import { buildBytes, filler, RHASH_ALGOS, type AssetSpec, type CatalogToolSpec, type ChecksumSpec } from "./kit.js";

export interface CatalogBuildOptions {
  /** Checksum documents list the real published sha256 (from the data fixture) where known. */
  realChecksums?: boolean;
}

const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);

export class CatalogRelease {
  readonly version: string;
  /** GitHub asset names, or (http tools) the download host's paths. */
  readonly names: readonly string[];
  private readonly lazy = new Lazy();

  constructor(readonly tool: CatalogToolData, readonly spec: CatalogToolSpec, readonly data: CatalogReleaseData, private readonly opts: CatalogBuildOptions = {}) {
    this.version = tagVersion(data.tag);
    this.names = tool.http ? (data.files ?? []) : data.assets;
  }

  /** What `name` (an asset, or an http path, or a GitHub asset of an http tool) is. */
  assetSpec(name: string): AssetSpec {
    const all = this.tool.http && !this.names.includes(name) ? this.data.assets : this.names;
    return this.spec.asset(this.version, name, all);
  }

  bytes(name: string): Promise<Buffer> {
    return this.lazy.get(name, () => this.build(name));
  }

  /** Where the fake serves `name`: `/github.com/<repo>/releases/download/<tag>/<name>` or `/<host>/<path>`. */
  fakePath(name: string): string {
    if (this.tool.http && this.names.includes(name)) return `/${new URL(this.tool.http).host}/${name}`;
    return `/github.com/${this.tool.repo}/releases/download/${this.data.tag}/${name}`;
  }

  private async build(name: string): Promise<Buffer> {
    const s = this.assetSpec(name);
    const label = `${this.tool.id} ${this.data.tag} ${name}`;
    switch (s.role) {
      case "build": return buildBytes(this.tool.bin, this.spec.versionLine(this.version), label, s);
      case "text": return Buffer.from(s.content);
      case "other": return filler(name);
      case "checksums": return Buffer.from(await this.render(s));
    }
  }

  private async hash(name: string, algo: string): Promise<string> {
    if (algo === "sha256" && this.opts.realChecksums && this.data.sha256[name]) return this.data.sha256[name]!;
    const b = await this.bytes(name);
    if (algo === "sha256") return sha256hex(b);
    if (algo === "crc32") return crc32(b).toString(16).padStart(8, "0");
    const known = RHASH_ALGOS.find((a) => a.list === algo);
    if (known?.node) return createHash(known.node).update(b).digest("hex");
    if (!known) return createHash(algo).update(b).digest("hex");
    // An algorithm node lacks (TIGER, GOST, …): a stand-in of the right length; nothing reads it.
    let out = "";
    for (let i = 0; out.length < known.hexLen; i++) out += createHash("sha512").update(`${algo}:${i}:`).update(b).digest("hex");
    return out.slice(0, known.hexLen);
  }

  private async render(s: ChecksumSpec): Promise<string> {
    const inDoc = s.nameInDoc ?? basename;
    const algo = s.algorithm ?? "sha256";
    switch (s.format) {
      case "sha256sum": {
        const rows = await Promise.all(s.covers.map(async (n) => `${await this.hash(n, algo)}  ${inDoc(n)}\n`));
        return rows.join("");
      }
      case "bare": return `${await this.hash(s.covers[0]!, algo)}${s.noNewline ? "" : "\n"}`;
      case "bsd": {
        const rows: string[] = [];
        for (const n of s.covers) {
          for (const a of RHASH_ALGOS) rows.push(`${a.bsd} (${inDoc(n)}) = ${await this.hash(n, a.list === "SHA-256" ? "sha256" : a.list === "CRC32" ? "crc32" : a.list)}\n`);
        }
        return rows.join("");
      }
      case "rhash": {
        const rows: string[] = [];
        for (const n of s.covers) {
          const cols = await Promise.all(RHASH_ALGOS.map((a) => this.hash(n, a.list === "SHA-256" ? "sha256" : a.list === "CRC32" ? "crc32" : a.list)));
          rows.push(`${inDoc(n)}  ${cols.join(" ")}\n`);
        }
        return rows.join("");
      }
    }
  }
}
