/** What the OCI layout tests share: artifacts and manifests shaped like devenv's, and hand-built tars. */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMPTY_CONFIG, MEDIA } from "../../src/cache/types.js";
import { encodeHeader, padded } from "../../src/cache/tar-header.js";

export const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
export const EMPTY_HEX = EMPTY_CONFIG.digest.slice("sha256:".length);

export function scratch(prefix = "devenv-layout-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An artifact file (its bytes, hex, path) in `dir`. */
export function artifact(dir: string, name: string, content: string | Buffer) {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return { file, bytes, hex: sha256(bytes), size: bytes.length };
}

/** The `{}` config blob, as a file. */
export const emptyConfig = (dir: string) => artifact(dir, "empty-config.json", "{}");

/** An artifact manifest as devenv writes one: the empty config, one layer of the download. */
export function artifactManifest(layer: { hex: string; size: number }, tool = "node"): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      artifactType: MEDIA.artifact,
      config: { mediaType: EMPTY_CONFIG.mediaType, digest: EMPTY_CONFIG.digest, size: EMPTY_CONFIG.size, data: EMPTY_CONFIG.data },
      layers: [{ mediaType: MEDIA.download, digest: `sha256:${layer.hex}`, size: layer.size, annotations: { "org.opencontainers.image.title": `${tool}.tar.gz` } }],
      annotations: { "dev.devenv.tool": tool },
    }),
  );
}

/** An index of manifests (devenv's per-lock index). */
export function lockIndex(manifests: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.index,
      artifactType: MEDIA.lock,
      manifests: manifests.map((m) => ({ mediaType: MEDIA.manifest, artifactType: MEDIA.artifact, digest: `sha256:${sha256(m)}`, size: m.length })),
    }),
  );
}

export interface TarMember {
  name: string;
  data?: Buffer | string;
  /** A typeflag other than a regular file's ("2" a symlink, "1" a hard link, "3" a char device). */
  flag?: string;
}

/** A tar built by hand, so that it may hold what no well-behaved writer would. */
export function handTar(members: TarMember[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? "");
    const h = encodeHeader(m.name.length <= 100 ? m.name : "x", data.length);
    if (m.name.length > 100) {
      // A long name through a pax record, as Go and GNU tar write it.
      const record = (k: string, v: string) => {
        const body = ` ${k}=${v}\n`;
        let len = body.length + 1;
        while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
        return `${len}${body}`;
      };
      const pax = Buffer.from(record("path", m.name));
      parts.push(retype(encodeHeader("PaxHeaders/x", pax.length), "x"), pax, Buffer.alloc(padded(pax.length) - pax.length));
    }
    parts.push(m.flag ? retype(h, m.flag) : h, data, Buffer.alloc(padded(data.length) - data.length));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** The header with another typeflag, its checksum made right again. */
function retype(h: Buffer, flag: string): Buffer {
  const out = Buffer.from(h);
  out[156] = flag.charCodeAt(0);
  out.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of out) sum += b;
  out.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return out;
}

export const OCI_LAYOUT = '{"imageLayoutVersion":"1.0.0"}';
export const indexJson = (entries: unknown[]) => JSON.stringify({ schemaVersion: 2, manifests: entries });
