/** The cache a push writes to: the chosen one (settings.ts), whatever its `push` says (the command asked). */
import { DevenvError } from "../../errors.js";
import type { ProjectConfig } from "../../config/normalise.js";
import type { BlobStore } from "../../cache/types.js";
import type { AppContext } from "../context.js";
import { chooseCache } from "./settings.js";

export async function pushTarget(ctx: AppContext, project: Pick<ProjectConfig, "cache" | "file"> | undefined): Promise<BlobStore> {
  const chosen = chooseCache(ctx, project);
  if (!chosen) {
    throw new DevenvError("USAGE", ctx.userCache === "off" ? "no cache to push to: DEVENV_CACHE is off" : "no cache to push to", {
      hint: 'Set one: DEVENV_CACHE=oci://registry.example/team/devenv-cache, "cache": { "url": … } in the user config file, or cache: { url: "oci://…" } in devenv.ts.',
    });
  }
  const { openCache } = await import("./open.js");
  return (await openCache(ctx, chosen.setting.url, "write")).store;
}
