/**
 * A new project for a CLI test: a sandbox (its own DEVENV_HOME, test/helpers/cli.ts) against a
 * fake upstream, its project dir made, and with a source, devenv.ts written there and allowed.
 */
import { mkdirSync } from "node:fs";
import { sandbox, type Sandbox } from "../helpers/cli.js";

export interface FreshOptions {
  /** The sandbox's extra environment, instead of the file's default. */
  env?: NodeJS.ProcessEnv;
  /** Another fake upstream's mirror map. */
  mirrors?: string;
}

export type Fresh = (src?: string, o?: FreshOptions) => Promise<Sandbox>;

/**
 * `fresh(src?, o?)` for a test file. Both arguments are read at each call: the fake upstream (and
 * whatever the environment names) is made in `before()`, after the file is loaded.
 */
export function projectSandboxes(mirrors: () => string, env: () => NodeJS.ProcessEnv = () => ({})): Fresh {
  return async (src, o = {}) => {
    const sb = sandbox(o.mirrors ?? mirrors(), o.env ?? env());
    mkdirSync(sb.project, { recursive: true });
    if (src !== undefined) await sb.writeConfig(src);
    return sb;
  };
}
