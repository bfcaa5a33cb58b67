/**
 * One fetch-like type for both fetchers: `FetchLike` (and `FetchResponseLike`), with the old KDS
 * names kept as aliases, and the shapes callers already pass still accepted.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as fetchModule from '../../src/fetch/index.js';
import type {
  FetchInitLike,
  FetchLike,
  FetchResponseLike,
  KdsFetchFunction,
  KdsFetcherOptions,
  KdsResponseLike,
  PcsFetcherOptions,
} from '../../src/fetch/index.js';
import type { FetchLike as PcsFetchLike } from '../../src/fetch/pcs.js';

describe('fetch-like types', () => {
  it('KdsFetchFunction / KdsResponseLike are aliases of FetchLike / FetchResponseLike', () => {
    expectTypeOf<KdsFetchFunction>().toEqualTypeOf<FetchLike>();
    expectTypeOf<KdsResponseLike>().toEqualTypeOf<FetchResponseLike>();
    expectTypeOf<PcsFetchLike>().toEqualTypeOf<FetchLike>();
    expectTypeOf<KdsFetcherOptions['fetch']>().toEqualTypeOf<FetchLike>();
    expectTypeOf<PcsFetcherOptions['fetch']>().toEqualTypeOf<FetchLike>();
    expectTypeOf<KdsFetcherOptions['maxBytes']>().toEqualTypeOf<PcsFetcherOptions['maxBytes']>();
    expectTypeOf<KdsFetcherOptions['timeoutMs']>().toEqualTypeOf<PcsFetcherOptions['timeoutMs']>();
  });

  it('accepts the transports callers already pass', () => {
    // The global fetch.
    expectTypeOf((url: string, init: FetchInitLike) => fetch(url, init)).toExtend<FetchLike>();
    // The former PCS FetchLike shape: optional init, required `ok`.
    type OldPcs = (
      url: string,
      init?: {
        readonly method?: string;
        readonly headers?: Record<string, string>;
        readonly signal?: AbortSignal;
      },
    ) => Promise<{
      readonly ok: boolean;
      readonly status: number;
      readonly headers: { get(name: string): string | null };
      arrayBuffer(): Promise<ArrayBuffer>;
    }>;
    expectTypeOf<OldPcs>().toExtend<FetchLike>();
    // The former KdsFetchFunction shape: no `ok`, no `body`.
    type OldKds = (
      url: string,
      init: { readonly signal: AbortSignal; readonly headers: Record<string, string> },
    ) => Promise<{
      readonly status: number;
      readonly headers: { get(name: string): string | null };
      arrayBuffer(): Promise<ArrayBuffer>;
    }>;
    expectTypeOf<OldKds>().toExtend<FetchLike>();
  });

  it('attestkit/fetch exports the fetchers (types are erased at run time)', () => {
    expect(typeof fetchModule.createKdsFetcher).toBe('function');
    expect(typeof fetchModule.createPcsFetcher).toBe('function');
    expect(Object.keys(fetchModule)).not.toContain('httpAttempt');
  });
});
