/**
 * @module
 * Content-addressed memoisation in the caller's {@link AttestCache} for the immutable work of
 * DCAP verification (parsed PCK chains, parsed collateral, verified signatures, chain and CRL
 * results), cheap enough that a warm verification costs little more than its two quote-specific
 * signature checks. Entries are found by a fast fingerprint and then compared byte for byte, so
 * a fingerprint collision can only cost a recomputation, never return another input's result.
 * Results that depend on the clock are stored with the interval in which they are identical.
 */
import type { AttestCache } from '../core/cache.js';

/** A cached value bound to its exact input, with room for results derived from it. */
export interface MemoEntry<T> {
  readonly value: T;
  /** Results derived from this exact input (signature checks, chain results); keyed by purpose. */
  readonly derived: Map<string, unknown>;
}

interface Stored<T> extends MemoEntry<T> {
  readonly content: Uint8Array | string;
}

/**
 * A cheap lookup key: the length and 64 evenly spaced samples (FNV-1a). It is not collision
 * resistant and need not be: a hit is only used after an exact comparison with the stored input.
 */
function fingerprint(content: Uint8Array | string): string {
  const n = content.length;
  let h = 0x811c9dc5 ^ n;
  const step = n > 64 ? n / 64 : 1;
  for (let k = 0; k < Math.min(64, n); k++) {
    const i = Math.floor(k * step);
    const x = typeof content === 'string' ? content.charCodeAt(i) : content[i]!;
    h = Math.imul(h ^ x, 0x01000193);
  }
  // The last bytes carry the signatures of signed documents and certificates.
  for (let i = Math.max(0, n - 16); i < n; i++) {
    const x = typeof content === 'string' ? content.charCodeAt(i) : content[i]!;
    h = Math.imul(h ^ x, 0x01000193);
  }
  return `${typeof content === 'string' ? 's' : 'b'}:${n}:${(h >>> 0).toString(36)}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Returns the entry for `content` in namespace `ns`, computing it on a miss. `compute` may throw;
 * the error is cached as well (so malformed collateral is not re-parsed) and rethrown.
 */
export function contentMemo<T>(
  cache: AttestCache | undefined,
  ns: string,
  content: Uint8Array | string,
  compute: () => T,
): MemoEntry<T> {
  const run = ():
    Stored<T> | { readonly content: Uint8Array | string; readonly error: unknown } => {
    const stored = typeof content === 'string' ? content : content.slice();
    try {
      return { content: stored, value: compute(), derived: new Map() };
    } catch (error) {
      return { content: stored, error };
    }
  };
  let entry: ReturnType<typeof run>;
  if (cache === undefined) entry = run();
  else {
    const key = `attestkit:tdx:${ns}:${fingerprint(content)}`;
    const hit = cache.get(key) as ReturnType<typeof run> | undefined;
    const same =
      hit !== undefined &&
      (typeof content === 'string'
        ? hit.content === content
        : hit.content instanceof Uint8Array && sameBytes(hit.content, content));
    if (same) entry = hit;
    else {
      entry = run();
      cache.set(key, entry);
    }
  }
  if ('error' in entry) throw entry.error;
  return entry;
}

/** A clock-dependent result and the closed interval [from, to] (ms) in which it holds unchanged. */
export interface Windowed<R> {
  readonly result: R;
  readonly window?: readonly [number, number];
}

/**
 * Reuses a clock-dependent result stored on `entry` under `key` when `now` lies in its window;
 * otherwise computes it (and stores it when the computation returned a window).
 */
export async function windowMemo<R>(
  entry: MemoEntry<unknown>,
  key: string,
  now: Date,
  compute: () => Promise<Windowed<R>>,
): Promise<R> {
  const t = now.getTime();
  const hit = entry.derived.get(key) as Windowed<R> | undefined;
  if (hit?.window !== undefined && hit.window[0] <= t && t <= hit.window[1]) return hit.result;
  const fresh = await compute();
  if (fresh.window !== undefined) entry.derived.set(key, fresh);
  return fresh.result;
}

/** Memoises a clock-independent result derived from `entry` (e.g. a signature check). */
export function derivedMemo<R>(entry: MemoEntry<unknown>, key: string, compute: () => R): R {
  if (entry.derived.has(key)) return entry.derived.get(key) as R;
  const value = compute();
  entry.derived.set(key, value);
  if (value instanceof Promise) {
    value.catch(() => {
      if (entry.derived.get(key) === value) entry.derived.delete(key);
    });
  }
  return value;
}

interface BytesRecord<R> {
  readonly parts: readonly Uint8Array[];
  readonly value: R;
}

/**
 * Memoises a clock-independent result derived from `entry` and some further byte strings (e.g. a
 * QE report and its signature under the PCK key of this chain). Keeps the last few records and
 * compares the bytes exactly.
 */
export function bytesMemo<R>(
  entry: MemoEntry<unknown>,
  ns: string,
  parts: readonly Uint8Array[],
  compute: () => R,
): R {
  const list = (entry.derived.get(ns) as BytesRecord<R>[] | undefined) ?? [];
  for (const r of list) {
    if (r.parts.length === parts.length && r.parts.every((p, i) => sameBytes(p, parts[i]!)))
      return r.value;
  }
  const value = compute();
  const record = { parts: parts.map((p) => p.slice()), value };
  entry.derived.set(ns, [record, ...list.slice(0, 7)]);
  if (value instanceof Promise) {
    value.catch(() => {
      const now = entry.derived.get(ns) as BytesRecord<R>[] | undefined;
      if (now !== undefined)
        entry.derived.set(
          ns,
          now.filter((r) => r !== record),
        );
    });
  }
  return value;
}
