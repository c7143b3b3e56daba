/**
 * JSON values with object keys sorted at every level (undefined members dropped). Its own file so
 * that reading the compiled catalogue (at every Tab of shell completion) does not load the lock's
 * schema and its validation library with lock/format.ts.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
