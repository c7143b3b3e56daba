import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CONFIG_FILE, findProjectRoot } from "../config/find.js";
import { DevenvError } from "../errors.js";
import { contentHash, touchStamp, trustOf, writeTrust, type TrustState } from "../state/trust.js";
import type { AppContext } from "./context.js";

export const realRoot = (root: string) => {
  try {
    return realpathSync(root);
  } catch {
    return resolve(root);
  }
};

export function trustState(ctx: AppContext, root: string, content: string): TrustState {
  return trustOf(ctx.dirs.state, realRoot(root), contentHash(content));
}

/** The one-line reason the hook shows for a project it will not evaluate. */
export function notAllowedMessage(root: string, state: TrustState): string {
  const file = join(root, CONFIG_FILE);
  return state === "denied"
    ? `devenv: ${file} is denied; run 'devenv allow' to use it`
    : `devenv: ${file} is not allowed; run 'devenv allow'`;
}

/** Throws unless the user allowed exactly this content of root/devenv.ts. */
export function requireTrusted(ctx: AppContext, root: string, content: string): void {
  const state = trustState(ctx, root, content);
  if (state === "allowed") return;
  const file = join(root, CONFIG_FILE);
  const what = state === "denied" ? "is denied" : state === "changed" ? "changed since it was allowed" : "is not allowed";
  throw new DevenvError("NOT_ALLOWED", `${file} ${what}`, {
    hint: `devenv.ts is code that devenv runs. Read it, then run 'devenv allow'${ctx.cwd === root ? "" : ` ${root}`}.`,
  });
}

function rootFor(ctx: AppContext, dir: string | undefined): string {
  const start = dir ? resolve(ctx.cwd, dir) : ctx.cwd;
  const root = findProjectRoot(start);
  if (!root) {
    throw new DevenvError("CONFIG_NOT_FOUND", `no ${CONFIG_FILE} in ${start} or any parent directory`, {
      hint: "Give the project directory: devenv allow <dir>.",
    });
  }
  return root;
}

export interface TrustChange {
  root: string;
  file: string;
  status: "allow" | "deny";
  /** The devenv.ts content the decision is about. */
  content: string;
}

/** `devenv allow` / `devenv deny`: record the decision for the current content of devenv.ts. */
export async function setTrust(ctx: AppContext, dir: string | undefined, status: "allow" | "deny"): Promise<TrustChange> {
  const root = rootFor(ctx, dir);
  const file = join(root, CONFIG_FILE);
  const content = await readFile(file, "utf8");
  await writeTrust(ctx.dirs.state, realRoot(root), status, contentHash(content));
  await touchStamp(ctx.dirs.state);
  return { root, file, status, content };
}

/**
 * After devenv itself wrote devenv.ts (add/remove/init): allow the new content if the old content
 * was allowed or there was none, so the user's own edits through devenv need no second step.
 */
export async function allowOwnEdit(ctx: AppContext, root: string, before: string | undefined, after: string): Promise<void> {
  if (before !== undefined && trustState(ctx, root, before) !== "allowed") return;
  await writeTrust(ctx.dirs.state, realRoot(root), "allow", contentHash(after));
  await touchStamp(ctx.dirs.state);
}
