import type { Command } from "commander";
import { describeFirstDownload } from "../../app/project/index.js";
import type { LockResult } from "../../app/project/index.js";
import { requireRoot, syncProject } from "../../app/project/index.js";
import type { PlatformKey } from "../../recipes/types.js";
import { skippedLine } from "../../resolver/platform-pick.js";
import { contextFor } from "../common.js";
import { printText } from "../output.js";

export function describeLockChanges(r: LockResult): string[] {
  return [
    ...r.changed.map((c) => (c.from ? `${c.name} ${c.from} → ${c.to}` : `${c.name} ${c.to}`)),
    ...r.dropped.map((n) => `${n} dropped from devenv.lock`),
    ...r.unpublished.map((u) => `${u.name}: not published for ${u.platforms.join(", ")} (left out of devenv.lock)`),
    ...r.skipped.map((s) => skippedLine(s.name, s.version, s.skipped)),
  ];
}

/** One line per checksum of the lock that was trusted on first download: printed on every lock. */
export const describeTrusted = (r: Pick<LockResult, "firstDownload">): string[] => r.firstDownload.map(describeFirstDownload);

/** The checksum flags of add, lock, install and update. */
export interface ChecksumFlags {
  strict?: boolean;
  trustFirstDownload?: boolean;
}

export const checksumFlags = (o: ChecksumFlags): ChecksumFlags => ({
  ...(o.strict ? { strict: true } : {}),
  ...(o.trustFirstDownload ? { trustFirstDownload: true } : {}),
});

export default async function lock(opts: { platform?: PlatformKey[] } & ChecksumFlags, cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  // Installs nothing; the project is recorded as a gc root of what the store already has.
  const { lock: result, lockWritten: written } = await syncProject(ctx, requireRoot(ctx), { lock: "write", install: false, platforms: opts.platform ?? [], ...checksumFlags(opts) });
  const lines = describeLockChanges(result);
  printText([...(written ? [...lines, "wrote devenv.lock"] : ["devenv.lock is up to date"]), ...describeTrusted(result)].join("\n") + "\n");
}
