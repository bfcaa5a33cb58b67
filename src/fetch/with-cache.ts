/**
 * @module
 * `withCache`: memoises every async method of a fetcher in an {@link AttestCache}, keyed by the
 * method name and its JSON-encoded arguments, so e.g. a VCEK is fetched once per
 * (product, hwid, TCB). Failures are not cached.
 */
import { memo, type AttestCache } from '../core/cache.js';

type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<R>
    : T[K];
};

function keyPart(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array)
      return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

/**
 * Wraps a fetcher (`{ vcek(params), certChain(product), … }` or any object of async methods) so
 * each distinct call is made once and then served from `cache`.
 *
 * @param prefix - namespaces keys when one cache is shared by several fetchers.
 * @example
 * ```ts
 * import { createCache } from 'attestkit';
 * import { createKdsFetcher, withCache } from 'attestkit/fetch';
 * const fetcher = withCache(createKdsFetcher({ fetch }), createCache({ maxEntries: 200 }));
 * ```
 */
export function withCache<T extends object>(
  fetcher: T,
  cache: AttestCache,
  prefix = 'fetch',
): AsyncMethods<T> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(fetcher) as (keyof T & string)[]) {
    const m = fetcher[name];
    out[name] =
      typeof m === 'function'
        ? (...args: unknown[]): unknown =>
            // Under `attestkit:fetcher:`, a namespace no verifier uses: a verifier's content key
            // (certificate or CRL bytes verbatim) can never spell a fetcher's key, whatever the
            // prefix.
            memo(cache, `attestkit:fetcher:${prefix}:${name}:${keyPart(args)}`, () =>
              (m as (...a: unknown[]) => unknown).apply(fetcher, args),
            )
        : m;
  }
  return out as AsyncMethods<T>;
}
