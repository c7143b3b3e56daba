import { homedir } from "node:os";
import { join } from "node:path";

export interface Dirs {
  store: string;
  state: string;
  cache: string;
  /** The user's config file (mirrors and other settings). */
  configFile: string;
  /** The user-wide project (`devenv add -g`): a devenv.ts and devenv.lock applied outside and under every project. */
  global: string;
}

/** DEVENV_HOME relocates everything; otherwise the XDG base directories. */
export function resolveDirs(env: NodeJS.ProcessEnv = process.env): Dirs {
  const home = env.DEVENV_HOME;
  if (home) {
    return {
      store: join(home, "store"),
      state: join(home, "state"),
      cache: join(home, "cache"),
      configFile: join(home, "config.json"),
      global: join(home, "global"),
    };
  }
  const h = env.HOME || homedir();
  const xdg = (name: string, fallback: string) => {
    const v = env[name];
    return v && v.startsWith("/") ? v : join(h, fallback);
  };
  const config = join(xdg("XDG_CONFIG_HOME", ".config"), "devenv");
  return {
    store: join(xdg("XDG_DATA_HOME", ".local/share"), "devenv", "store"),
    state: join(xdg("XDG_STATE_HOME", ".local/state"), "devenv"),
    cache: join(xdg("XDG_CACHE_HOME", ".cache"), "devenv"),
    configFile: join(config, "config.json"),
    global: join(config, "global"),
  };
}
