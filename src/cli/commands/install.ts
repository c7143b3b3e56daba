import type { Command } from "commander";
import { prepareProject } from "../../app/activation/index.js";
import { resolve } from "node:path";
import { openPullSource } from "../../app/cache/source.js";
import { chooseCache } from "../../app/cache/settings.js";
import { pushTarget } from "../../app/cache/target.js";
import { pushLock } from "../../app/project/cache-push.js";
import { requireRoot } from "../../app/project/index.js";
import { keepVerifiedDownloads } from "../../store/kept-downloads.js";
import { contextFor } from "../common.js";
import { describePush } from "./cache-push.js";
import { printText } from "../output.js";
import { checksumFlags, describeTrusted, type ChecksumFlags } from "./lock.js";

export default async function install(opts: { frozen?: boolean; push?: boolean; fromBundle?: string } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  // --from-bundle: that OCI layout (a directory or .tar) is the only cache, and works offline.
  const cache = opts.fromBundle === undefined ? undefined : await openPullSource(ctx, `oci-layout:${resolve(ctx.cwd, opts.fromBundle)}`, "the bundle given to --from-bundle");
  // What this install downloads, the push that follows uploads without fetching it again.
  if (opts.push || chooseCache(ctx, undefined)?.setting.push) keepVerifiedDownloads(true);
  // stamp: shells that showed "not installed; run 'devenv install'" look again at their next prompt.
  const prepared = await prepareProject(ctx, { frozen: Boolean(opts.frozen), ...checksumFlags(opts), stamp: "always", ...(cache ? { cache } : {}) });
  const fresh = prepared.installed.filter((t) => t.fresh).length;
  const lines = prepared.installed.map((t) => `${t.name} ${t.version}  ${t.dir}`);
  if (prepared.lockWritten) lines.unshift("wrote devenv.lock");
  lines.push(...describeTrusted(prepared));
  lines.push(fresh ? `installed ${fresh} tool${fresh > 1 ? "s" : ""}` : "all tools already installed");
  const stats = prepared.cache?.stats;
  if (stats && stats.hits + stats.misses + stats.rejected > 0) lines.push(`from the cache ${prepared.cache!.where}: ${stats.hits} file${stats.hits === 1 ? "" : "s"}, ${stats.misses + stats.rejected} from the upstreams`);
  if (opts.push || chooseCache(ctx, prepared.project)?.setting.push) {
    const target = await pushTarget(ctx, prepared.project);
    lines.push(...describePush(await pushLock(ctx, requireRoot(ctx), { target }), target.where));
  }
  printText(lines.join("\n") + "\n");
}
