/** What `import { defineConfig } from "devenv"` gives a devenv.ts: editor types and nothing else. */
import type { DevenvConfig } from "./schema.js";

export type { DevenvConfig, ToolSpec } from "./schema.js";

export function defineConfig<const T extends DevenvConfig>(config: T): T {
  return config;
}
