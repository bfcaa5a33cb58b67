/**
 * @module
 * `withCache`: memoises every async method of a fetcher in an {@link AttestCache}, keyed by the
 * method name and a type-tagged encoding of its arguments, so e.g. a VCEK is fetched once per
 * (product, hwid, TCB), for at most `maxAgeMs` (default 12 hours). Failures are not cached. The
 * cache keeps a private copy of each answer and every caller gets its own copy of it, so no
 * caller can change what the next one receives.
 */
import { MAX_CACHE_KEY_LENGTH, type AttestCache } from '../core/cache.js';

type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<R>
    : T[K];
};

const isPlainObject = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * An unambiguous key for one argument, or undefined when it cannot be keyed (a function, a
 * class instance…: such calls are passed through uncached). Every value carries its type, so a
 * `Uint8Array` never spells the same key as its hex text, a bigint as its decimal text, or
 * `undefined` as `null`; strings are JSON-quoted and no other token contains `,` `]` `}` or a
 * quote, so a key has one parse.
 */
function keyPart(v: unknown, depth = 0): string | undefined {
  if (depth > 32) return undefined;
  switch (typeof v) {
    case 'undefined':
      return 'u';
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return `n${Object.is(v, -0) ? '-0' : String(v)}`;
    case 'bigint':
      return `i${v.toString()}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return 'z';
  if (v instanceof Uint8Array) {
    let hex = 'b';
    for (const b of v) hex += b.toString(16).padStart(2, '0');
    return hex;
  }
  const parts: string[] = [];
  if (Array.isArray(v)) {
    for (const x of v) {
      const k = keyPart(x, depth + 1);
      if (k === undefined) return undefined;
      parts.push(k);
    }
    return `[${parts.join(',')}]`;
  }
  if (!isPlainObject(v)) return undefined;
  const o = v as Record<string, unknown>;
  for (const name of Object.keys(o).sort()) {
    const k = keyPart(o[name], depth + 1);
    if (k === undefined) return undefined;
    parts.push(`${JSON.stringify(name)}:${k}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A copy of a fetcher's answer that shares nothing a caller could change: byte arrays (and any
 * other typed array or `ArrayBuffer`), arrays, plain objects and dates are copied, frozen or not;
 * strings and other primitives are immutable. Anything else (a class instance) is shared as it
 * is. Shared references and cycles are preserved.
 *
 * @internal
 */
export function ownCopy<T>(value: T, seen: Map<object, unknown> = new Map()): T {
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done as T;
  let out: unknown;
  if (value instanceof Uint8Array) {
    // A plain Uint8Array even for a Node.js buffer, whose `slice` would share memory.
    out = new Uint8Array(value);
  } else if (value instanceof DataView) {
    out = new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  } else if (ArrayBuffer.isView(value)) {
    out = new (value.constructor as new (src: unknown) => unknown)(value);
  } else if (value instanceof ArrayBuffer) {
    out = value.slice(0);
  } else if (value instanceof Date) {
    out = new Date(value.getTime());
  } else if (Array.isArray(value)) {
    const a: unknown[] = [];
    seen.set(value, a);
    for (const x of value) a.push(ownCopy(x, seen));
    return a as T;
  } else if (isPlainObject(value)) {
    const o: Record<string, unknown> = {};
    seen.set(value, o);
    for (const k of Object.keys(value)) {
      // defineProperty, not `o[k] =`: an own `__proto__` key (JSON.parse makes them) stays a key.
      Object.defineProperty(o, k, {
        value: ownCopy((value as Record<string, unknown>)[k], seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return o as T;
  } else {
    return value;
  }
  seen.set(value, out);
  return out as T;
}

/**
 * A prefix or method name as it appears in a key: as it is, unless it holds `:` or `"`, then
 * JSON-quoted (a bare name holds neither, so cannot begin like a quoted one). Thus a prefix
 * `a` with a method `b:c` and a prefix `a:b` with a method `c` make different keys.
 */
const keyName = (s: string): string => (/[:"]/.test(s) ? JSON.stringify(s) : s);

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') &&
  v !== null &&
  typeof (v as { then?: unknown }).then === 'function';

/** Options of {@link withCache}. */
export interface WithCacheOptions {
  /**
   * Namespaces keys when one cache is shared by several fetchers. Default `'fetch'`. A fetcher's
   * own `cacheScope` (`createKdsFetcher` and `createPcsFetcher`: their URLs and settings; the
   * static fetchers: a random value per instance) is in every key too, so two fetchers
   * configured differently never share answers.
   */
  readonly prefix?: string;
  /**
   * Longest time an answer is served from the cache, in milliseconds (a finite number > 0); the
   * next call after that fetches it again. Default 12 hours: AMD and Intel reissue CRLs and TCB
   * info, and a copy kept past its `nextUpdate` fails every verification (fail-closed) until it
   * is replaced; 12 hours picks up a reissue within half a day (PCCS refreshes daily) while
   * asking the service at most twice a day per item. Raising it saves requests and delays seeing
   * a revocation or TCB recovery; an expired entry whose new fetch fails is not served.
   */
  readonly maxAgeMs?: number;
}

/**
 * Wraps a fetcher (`{ vcek(params), certChain(product), … }` or any object of async methods) so
 * each distinct call is made once and then served from `cache` for up to `maxAgeMs` (default 12
 * hours). The cache holds a private copy of each answer, and every call gets its own copy of that
 * (byte arrays, arrays, plain objects and dates are copied; class instances are shared), so a
 * caller that zeroes or edits what it received changes neither the cache nor what later callers
 * get. Arguments are keyed with their types (`get(Uint8Array.of(0xab))` and `get('ab')` are
 * different calls); a call with an argument that cannot be keyed (a function, a class instance)
 * is passed through uncached.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param fetcher - the fetcher whose methods to memoise.
 * @param cache - where answers are kept; rejected calls are evicted.
 * @param options - {@link WithCacheOptions}, or the key prefix alone (`withCache(f, cache, 'kds')`).
 * @returns an object with the same methods.
 * @throws {TypeError} when `options` is neither a string nor an object, or `maxAgeMs` is not a
 *   number.
 * @throws {RangeError} when `maxAgeMs` is not finite and > 0.
 * @example
 * ```ts
 * import { createCache } from 'attestkit';
 * import { createKdsFetcher, withCache } from 'attestkit/fetch';
 * const cache = createCache({ maxEntries: 200 });
 * const fetcher = withCache(createKdsFetcher({ fetch }), cache, { prefix: 'kds', maxAgeMs: 6 * 3_600_000 });
 * ```
 */
export function withCache<T extends object>(
  fetcher: T,
  cache: AttestCache,
  options: string | WithCacheOptions = {},
): AsyncMethods<T> {
  if (typeof options !== 'string' && (typeof options !== 'object' || options === null))
    throw new TypeError('options must be a string or an object');
  const { prefix = 'fetch', maxAgeMs = 12 * 3_600_000 } =
    typeof options === 'string' ? { prefix: options } : options;
  if (typeof maxAgeMs !== 'number') throw new TypeError('maxAgeMs must be a number');
  if (!(maxAgeMs > 0 && maxAgeMs < Infinity)) throw new RangeError('maxAgeMs must be finite, > 0');
  const out: Record<string, unknown> = {};
  // The fetcher's own scope (service URL and settings, see SnpFetcher.cacheScope), read once: a
  // bare prefix holds no `"`, so `@"…"` after it cannot be part of it, nor of a quoted prefix.
  const scope = (fetcher as { cacheScope?: unknown }).cacheScope;
  const head = `attestkit:fetcher:${keyName(prefix)}${typeof scope === 'string' ? `@${JSON.stringify(scope)}` : ''}`;
  for (const name of Object.keys(fetcher) as (keyof T & string)[]) {
    const m = fetcher[name];
    if (typeof m !== 'function') {
      out[name] = m;
      continue;
    }
    const call = (args: unknown[]): unknown =>
      (m as (...a: unknown[]) => unknown).apply(fetcher, args);
    out[name] = (...args: unknown[]): unknown => {
      const argsKey = keyPart(args);
      // Under `attestkit:fetcher:`, a namespace no verifier uses: a verifier's content key
      // (certificate or CRL bytes verbatim) can never spell a fetcher's key, whatever the
      // prefix.
      const key = `${head}:${keyName(name)}:${argsKey}`;
      if (argsKey === undefined || key.length > MAX_CACHE_KEY_LENGTH) return call(args);
      // An entry is [time it was fetched, answer]; one from the future (the clock went back) is
      // as stale as an old one.
      const now = Date.now();
      const hit = cache.get(key) as readonly [number, unknown] | undefined;
      const age = now - (hit?.[0] ?? NaN);
      let kept: unknown;
      if (age >= 0 && age < maxAgeMs) {
        kept = hit![1];
      } else {
        const v = call(args);
        // The copy is taken as the answer arrives: the inner fetcher may still hold (and later
        // change) the object it returned.
        kept = isThenable(v) ? Promise.resolve(v).then((x) => ownCopy(x)) : ownCopy(v);
        const entry = [now, kept] as const;
        cache.set(key, entry);
        // Failures are not kept: the next call asks again.
        if (kept instanceof Promise) {
          kept.catch(() => {
            if (cache.get(key) === entry) cache.set(key, undefined);
          });
        }
      }
      return kept instanceof Promise ? kept.then((x: unknown) => ownCopy(x)) : ownCopy(kept);
    };
  }
  return out as AsyncMethods<T>;
}
