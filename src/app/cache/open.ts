/** Open the cache a URL names: an OCI registry (with the user's registry credentials) or an OCI layout on disk. */
import { dockerCredentials } from "../../cache/credentials.js";
import { openLayout } from "../../cache/layout.js";
import { openRegistry } from "../../cache/registry.js";
import type { BlobStore } from "../../cache/types.js";
import { parseCacheUrl } from "../../cache/url.js";
import type { AppContext } from "../context.js";

export async function openCache(ctx: Pick<AppContext, "env">, url: string, mode: "read" | "write"): Promise<{ store: BlobStore; local: boolean }> {
  const loc = parseCacheUrl(url);
  if (loc.kind === "layout") return { store: await openLayout(loc.dir, mode), local: true };
  return { store: openRegistry(loc, { credentials: dockerCredentials(ctx.env), env: ctx.env }), local: false };
}
