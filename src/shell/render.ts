/** Environment changes rendered as code for a shell. Pure. */
export type ShellName = "bash" | "zsh" | "fish" | "json";

/** POSIX single quotes: everything literal; a ' becomes '\''. Newlines survive as-is. */
export const quotePosix = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** fish single quotes: only \\ and \' are escapes inside them. */
export const quoteFish = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

export function renderEnv(diff: Record<string, string | undefined>, shell: ShellName): string {
  const names = Object.keys(diff).sort();
  if (shell === "json") {
    const obj: Record<string, string | null> = {};
    for (const n of names) obj[n] = diff[n] ?? null;
    return JSON.stringify(obj, null, 2) + "\n";
  }
  const lines = names.map((n) => {
    const v = diff[n];
    if (shell === "fish") {
      if (v === undefined) return `set -e ${n};`;
      // PATH-like variables are lists in fish.
      if (n === "PATH" || n.endsWith("PATH")) return `set -gx ${n} ${v.split(":").map(quoteFish).join(" ")};`;
      return `set -gx ${n} ${quoteFish(v)};`;
    }
    return v === undefined ? `unset ${n};` : `export ${n}=${quotePosix(v)};`;
  });
  return lines.length ? lines.join("\n") + "\n" : "";
}
