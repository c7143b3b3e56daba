/**
 * The one way a test waits: poll `probe` until it gives a truthy value, which is returned, and
 * fail naming `what` (and `detail()`, e.g. a log or a screen) after the timeout. It waits for
 * something one can observe — a line, a file, a pid, a status — never for time to pass. A test
 * that must show something did NOT happen waits for a later event that would come after it.
 */
export interface WaitOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Between two probes (default 20 ms). */
  everyMs?: number;
  /** More to say when it times out (a log, a transcript). */
  detail?: () => string | Promise<string>;
}

type Falsy = undefined | null | false | 0 | "";

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, opts: WaitOptions | number = {}): Promise<Exclude<T, Falsy>> {
  const { timeoutMs = 15_000, everyMs = 20, detail } = typeof opts === "number" ? { timeoutMs: opts } : opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as Exclude<T, Falsy>;
    if (Date.now() > deadline) {
      const more = detail ? `\n${await detail()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${more}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
