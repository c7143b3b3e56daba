/**
 * The challenges of a registry's `WWW-Authenticate` header (RFC 7235; the distribution token spec):
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`,
 * `Basic realm="Registry Realm"`, several in one header. Pure. Quoted values may hold commas and
 * backslash escapes; a header that cannot be read gives no challenge rather than a guess.
 */
export interface Challenge {
  /** Lowercased: "bearer", "basic". */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let s = header.trim();
  let current: Challenge | undefined;
  while (s) {
    s = s.replace(/^[\s,]+/, "");
    if (!s) break;
    const name = TOKEN.exec(s)?.[0];
    if (!name) return [];
    const rest = s.slice(name.length);
    const eq = /^\s*=\s*/.exec(rest);
    if (current && eq && !/^\s*=\s*=/.test(rest)) {
      // A parameter of the current challenge: name=token or name="quoted".
      let value: string;
      let after = rest.slice(eq[0].length);
      if (after.startsWith('"')) {
        let i = 1;
        value = "";
        for (; i < after.length && after[i] !== '"'; i++) value += after[i] === "\\" && i + 1 < after.length ? after[++i] : after[i];
        if (i >= after.length) return [];
        after = after.slice(i + 1);
      } else {
        // RFC 7235 wants a token here; servers also send bare URLs (realm=https://…): up to a comma or space.
        const tok = /^[^\s,"]+/.exec(after)?.[0];
        if (!tok) return [];
        value = tok;
        after = after.slice(tok.length);
      }
      current.params[name.toLowerCase()] = value;
      s = after.trimStart();
      if (s && !s.startsWith(",")) return [];
      continue;
    }
    // A new challenge: the scheme, then its parameters.
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    s = rest.trimStart();
  }
  return out;
}
