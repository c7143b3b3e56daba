/**
 * The C library of this machine, for artifacts built against a minimum glibc. Undefined on
 * macOS and on musl systems (no glibc at all). DEVENV_HOST_GLIBC overrides the detection (to
 * check a lock for an older target machine, and in tests).
 */
export function hostGlibc(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const forced = env.DEVENV_HOST_GLIBC;
  if (forced !== undefined) return forced === "none" ? undefined : forced;
  if (process.platform !== "linux") return undefined;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime;
}

/** Compare dotted versions numerically ("2.9" < "2.27"). */
export function compareDotted(a: string, b: string): number {
  const x = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const y = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/**
 * Why an artifact with these requirements cannot run on a Linux host with `glibc` (undefined:
 * no glibc, e.g. Alpine), or undefined when it can.
 */
export function glibcProblem(required: string | undefined, glibc: string | undefined, isLinux: boolean): string | undefined {
  if (!required || !isLinux) return undefined;
  if (glibc === undefined) return `it needs glibc ${required} or newer and this system has no glibc (musl?)`;
  if (compareDotted(glibc, required) < 0) return `it needs glibc ${required} or newer and this system has glibc ${glibc}`;
  return undefined;
}
