/**
 * Overwrites every value reachable from `value` in place — bytes zeroed, dates set to the epoch,
 * numbers to 0, booleans flipped, strings to "x", arrays emptied after their elements — except
 * the ledger's own fields (`checks`: ids, statuses, messages) and what cannot change (frozen
 * objects and arrays, dates whose setters throw: the parts a cache shares). The checks' `detail`
 * values are overwritten too: a detail that shares an array with a cached verdict or a module
 * default would otherwise let a reader change later verdicts (a review found two in TDX). Tests
 * use it on a result served from a cache to prove that no later verification reads what a
 * result exposes. Returns how many values it overwrote.
 */
export function vandalise(value: unknown, seen = new Set<object>()): number {
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof Uint8Array) {
    value.fill(0);
    return 1;
  }
  if (value instanceof Date) {
    try {
      value.setTime(0);
      return 1;
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      return 0;
    }
  }
  if (Object.isFrozen(value)) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += vandalise(v, seen);
    value.length = 0;
    return n + 1;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return 0;
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k === 'checks') {
      if (Array.isArray(o[k])) {
        for (const c of o[k] as { detail?: unknown }[]) n += vandalise(c?.detail, seen);
      }
      continue;
    }
    const v = o[k];
    if (typeof v === 'number') o[k] = 0;
    else if (typeof v === 'boolean') o[k] = !v;
    else if (typeof v === 'string') o[k] = 'x';
    else if (typeof v === 'bigint') o[k] = 0n;
    else {
      n += vandalise(v, seen);
      continue;
    }
    n++;
  }
  return n;
}
