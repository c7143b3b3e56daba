/**
 * How `devenv up` and `devenv logs` show processes' lines: `name | line`, the names in colour on a
 * terminal. The lines are the project's own programs' output and pass through as they are (their
 * colours included), as when the program runs in the terminal itself.
 */

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93];

export function linePrinter(names: readonly string[], stream: NodeJS.WriteStream = process.stdout): (name: string, line: string) => void {
  const width = Math.max(6, ...names.map((n) => n.length));
  const colour = Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const paint = new Map(names.map((n, i) => [n, COLOURS[i % COLOURS.length]!]));
  return (name, line) => {
    const label = name.padEnd(width);
    const c = paint.get(name) ?? 90;
    stream.write(`${colour ? `\x1b[${c}m${label} |\x1b[0m` : `${label} |`} ${line}\n`);
  };
}

/** Seconds as "5s", "3m", "2h", "4d". */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
