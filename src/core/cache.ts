/**
 * @module
 * `createCache`: the explicit, caller-owned memo for immutable work — verified certificate chains,
 * imported keys, parsed collateral. attestkit keeps no hidden module-level caches.
 */

import { equalBytes } from './encoding.js';

/**
 * A key/value store attestkit uses for immutable results. Any object with these methods works
 * (e.g. an adapter over a shared LRU); {@link createCache} gives a ready one.
 */
export interface AttestCache {
  /**
   * The value stored under `key`, or undefined on a miss. Keys are `attestkit:`-prefixed strings
   * of at most 16 000 characters that may hold content bytes verbatim (one character per byte);
   * an adapter that needs short keys must hash them with a collision-resistant hash.
   */
  get(key: string): unknown;
  /** Stores `value` under `key`; the cache may evict it at any time. Undefined means "no entry". */
  set(key: string, value: unknown): void;
}

/** Options for {@link createCache}. */
export interface CacheOptions {
  /** Entries kept before the least recently used is evicted. Default 1000. */
  maxEntries?: number;
}

/** The cache returned by {@link createCache}, with introspection for tests and metrics. */
export interface MemoryCache extends AttestCache {
  /** Number of entries held, at most `maxEntries`. */
  readonly size: number;
  /** Removes one entry; true when it was present. */
  delete(key: string): boolean;
  /** Removes every entry. */
  clear(): void;
}

/**
 * Creates an in-memory LRU cache to pass as `options.cache` to any verifier. Share one per
 * process (or per tenant) to make repeated verifications of the same platform cheap.
 *
 * @example
 * ```ts
 * const cache = createCache({ maxEntries: 500 });
 * await verifySnpReport(evidence, { cache });
 * ```
 */
export function createCache(options: CacheOptions = {}): MemoryCache {
  const max = options.maxEntries ?? 1000;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxEntries must be >= 1');
  const map = new Map<string, unknown>();
  return {
    get size() {
      return map.size;
    },
    get(key) {
      if (!map.has(key)) return undefined;
      const v = map.get(key);
      map.delete(key);
      map.set(key, v);
      return v;
    },
    set(key, value) {
      map.delete(key);
      // `undefined` means "no entry" (memo evicts a rejected promise so): nothing is kept for it.
      if (value === undefined) return;
      map.set(key, value);
      if (map.size > max) {
        const oldest = map.keys().next();
        if (oldest.done !== true) map.delete(oldest.value);
      }
    },
    delete: (key) => map.delete(key),
    clear: () => map.clear(),
  };
}

/**
 * The longest key attestkit stores in a cache. Content is keyed by its bytes (one character per
 * byte), so only an oversized input — a certificate or CRL of tens of kilobytes, where real ones
 * are under 3 KB — makes a longer key. Such inputs are never cached: they would fill the heap
 * with keys, and V8 hashes a string of 16 384 characters or more by its length alone, so a few
 * thousand of them of one length would make every lookup compare against all of them.
 *
 * @internal
 */
export const MAX_CACHE_KEY_LENGTH = 16_000;

/**
 * The most bytes (or characters of text) {@link inputMemo} remembers for one input: real evidence
 * inputs (a report, a PEM chain, an HCL report) are a few kilobytes; a larger one is computed
 * every time, so an attacker's oversized inputs are neither copied into the cache nor used as
 * long string keys.
 *
 * @internal
 */
export const MAX_REMEMBERED_INPUT = 16_000;

/**
 * Returns the cached value for `key`, or computes, stores and returns it. Promises are cached as
 * they are, so concurrent callers share one computation; a rejected promise is evicted. A key
 * longer than {@link MAX_CACHE_KEY_LENGTH} is not looked up or stored: the value is computed.
 */
export function memo<T>(cache: AttestCache | undefined, key: string, compute: () => T): T {
  if (cache === undefined || key.length > MAX_CACHE_KEY_LENGTH) return compute();
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const value = compute();
  cache.set(key, value);
  if (value instanceof Promise) {
    value.catch(() => {
      if (cache.get(key) === value) cache.set(key, undefined);
    });
  }
  return value;
}

/** Work remembered per evidence input; see {@link inputMemo}. */
export interface InputMemo {
  /**
   * `compute()`'s value for `input`, or the value remembered for it: a hit needs the very same
   * input object still holding the same content (bytes compared with a private copy, text and
   * arrays of them element by element), so an input changed in place is computed again.
   * `compute` returns `[value, keep]`; only kept values are remembered (never keep errors).
   */
  get<T>(input: unknown, compute: () => readonly [T, boolean]): T;
}

/**
 * Remembers work done on evidence inputs (PEM text, DER bytes, arrays of them, a report) in
 * `cache` under `key`, keyed by the input object itself: a warm call builds no key string and
 * hashes nothing, it compares the input with a private copy. At most `max` inputs are held (all
 * are forgotten when that is reached). Without a cache every call computes.
 *
 * @example
 * ```ts
 * const seen = inputMemo(options.cache, 'attestkit:binding:hcl-inputs');
 * const report = seen.get(bytes, () => [parseAzureHclReport(bytes), true]);
 * ```
 */
export function inputMemo(cache: AttestCache | undefined, key: string, max = 64): InputMemo {
  const seen =
    cache !== undefined
      ? memo(cache, key, () => new Map<unknown, [unknown, unknown]>())
      : undefined;
  return {
    get<T>(input: unknown, compute: () => readonly [T, boolean]): T {
      const hit = seen?.get(input);
      if (hit !== undefined && sameInput(hit[0], input)) return hit[1] as T;
      const [v, keep] = compute();
      if (seen !== undefined && keep && inputSize(input) <= MAX_REMEMBERED_INPUT) {
        if (seen.size >= max) seen.clear();
        seen.set(input, [copyInput(input), v]);
      }
      return v;
    },
  };
}

/** Whether an evidence input (text, bytes, an array of them) equals a remembered copy. */
function sameInput(kept: unknown, input: unknown): boolean {
  return Array.isArray(kept)
    ? Array.isArray(input) &&
        kept.length === input.length &&
        kept.every((k, i) => sameInput(k, input[i]))
    : kept instanceof Uint8Array
      ? input instanceof Uint8Array && equalBytes(kept, input)
      : kept === input;
}

/** Bytes (or UTF-16 code units) an evidence input holds: what {@link copyInput} would keep. */
function inputSize(input: unknown): number {
  if (Array.isArray(input)) {
    let n = 0;
    for (const x of input) n += inputSize(x);
    return n;
  }
  return input instanceof Uint8Array || typeof input === 'string' ? input.length : 0;
}

/**
 * A copy of an evidence input to compare later calls with (text is immutable). `new Uint8Array`
 * copies even a Node.js buffer, whose `slice` would share the caller's memory.
 */
function copyInput(input: unknown): unknown {
  return Array.isArray(input)
    ? input.map(copyInput)
    : input instanceof Uint8Array
      ? new Uint8Array(input)
      : input;
}
