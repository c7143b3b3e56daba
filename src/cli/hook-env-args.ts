/** The command line the shell hooks run devenv with, recognised without commander (see hook-env-entry.ts). */
export interface HookEnvArgs {
  activations: string;
  roots: string[];
}

/**
 * The arguments after the script when they are exactly what the hooks pass: `hook-env
 * --activations <absolute dir> -- <root>...`. Anything else (other flags, global options, help)
 * is undefined: the full CLI parses it, as before.
 */
export function hookEnvArgs(args: readonly string[]): HookEnvArgs | undefined {
  if (args[0] !== "hook-env" || args[1] !== "--activations" || args[3] !== "--") return undefined;
  const activations = args[2];
  if (!activations?.startsWith("/")) return undefined;
  return { activations, roots: args.slice(4) };
}
