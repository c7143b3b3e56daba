import { DevenvError } from "../errors.js";
import { safeText } from "../text.js";

/**
 * Print an error as `devenv: <message>` plus its hint; return the exit code. Control characters
 * (a path's terminal escapes) are written escaped: an error must not drive the terminal.
 */
export function reportError(e: unknown, stream: NodeJS.WriteStream = process.stderr): number {
  if (e instanceof DevenvError) {
    stream.write(`devenv: ${safeText(e.message)}\n`);
    if (e.hint) stream.write(`  hint: ${safeText(e.hint)}\n`);
    if (process.env.DEVENV_DEBUG && e.cause) stream.write(`${(e.cause as Error).stack ?? e.cause}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  stream.write(`devenv: unexpected error: ${safeText(String(err?.message ?? err))}\n`);
  if (process.env.DEVENV_DEBUG) stream.write(`${err?.stack}\n`);
  else stream.write("  hint: set DEVENV_DEBUG=1 for the stack trace, and report it if it looks like a bug.\n");
  return 1;
}

/** Human output (tables, lines that may quote paths or upstream names): control characters escaped. */
export function printText(text: string, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(safeText(text));
}

export function printJson(data: unknown): void {
  process.stdout.write(JSON.stringify(data, null, 2) + "\n");
}
