/**
 * The aqua registry at a pinned commit: from the compiled cache, else downloaded (through
 * DEVENV_MIRRORS), checked against the pin's sha256, parsed and compiled. Offline, only the cache.
 */
import { createHash } from "node:crypto";
import { DevenvError, redactUrl } from "../../errors.js";
import type { AppContext } from "../context.js";
import { readCompiled, writeCompiled, type CompiledCatalog } from "./compiled.js";
import { registryUrl, type RegistryPin } from "./pins.js";

/** The registry file is about 3 MB; a server sending far more is not serving it. */
const REGISTRY_MAX_BYTES = 64 << 20;

const opened = new Map<string, Promise<CompiledCatalog>>();

export function openAquaCatalog(ctx: AppContext, pin: RegistryPin): Promise<CompiledCatalog> {
  const key = `${ctx.dirs.cache}\0${pin.sha256}`;
  let p = opened.get(key);
  if (!p) {
    p = load(ctx, pin);
    opened.set(key, p);
    p.catch(() => opened.delete(key));
  }
  return p;
}

async function load(ctx: AppContext, pin: RegistryPin): Promise<CompiledCatalog> {
  const cached = await readCompiled(ctx.dirs.cache, pin.sha256);
  if (cached) return cached;
  const url = registryUrl(pin);
  if (ctx.offline) {
    throw new DevenvError("OFFLINE", `offline: the tool catalogue (the aqua registry at ${pin.ref.slice(0, 12)}) is not cached yet`, {
      hint: "Run one devenv command that reads the catalogue online (e.g. 'devenv search jq'); it is cached from then on.",
    });
  }
  const bytes = await download(ctx, url);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== pin.sha256) {
    throw new DevenvError("CHECKSUM_MISMATCH", `the aqua registry from ${redactUrl(ctx.http.resolve(url))} has sha256 ${sha}, not the pinned ${pin.sha256}`, {
      hint: "A mirror or proxy changed it, or served another commit's file. Check DEVENV_MIRRORS; devenv uses only the pinned registry.",
    });
  }
  // The YAML parser is loaded only here: once per registry commit, never on the paths that read the cache.
  const { parseAquaRegistry } = await import("../../recipes/sources/aqua/registry-file.js");
  return writeCompiled(ctx.dirs.cache, pin.sha256, parseAquaRegistry(bytes.toString("utf8"), redactUrl(url)));
}

async function download(ctx: AppContext, url: string): Promise<Buffer> {
  const res = await ctx.http.get(url);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > REGISTRY_MAX_BYTES) {
      res.body.destroy();
      throw new DevenvError("HTTP", `${redactUrl(res.finalUrl)} sent more than ${REGISTRY_MAX_BYTES >> 20} MiB: that is not the aqua registry file`, {
        hint: "Check DEVENV_MIRRORS: the registry is a few MB.",
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
