/**
 * Bearer tokens of a registry's token service, kept per scope until they expire (pure: the clock is
 * given). A token is dropped a little before its `expires_in` (a tenth of its life, at most 5 s), so a
 * request does not start with a token that runs out on the way. The token spec's default life is 60 s.
 */
export const DEFAULT_TOKEN_SECONDS = 60;

export class TokenCache {
  private readonly tokens = new Map<string, { value: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(scope: string): string | undefined {
    const t = this.tokens.get(scope);
    if (!t) return undefined;
    if (this.now() >= t.until) {
      this.tokens.delete(scope);
      return undefined;
    }
    return t.value;
  }

  /** `expiresIn` in seconds as the token service said it (missing, 0 or nonsense: the spec's 60 s). */
  set(scope: string, value: string, expiresIn: unknown): void {
    const life = typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_SECONDS * 1000;
    this.tokens.set(scope, { value, until: this.now() + life - Math.min(5000, life / 10) });
  }

  /** Forget a token the registry refused. */
  drop(scope: string, value: string): void {
    if (this.tokens.get(scope)?.value === value) this.tokens.delete(scope);
  }
}
