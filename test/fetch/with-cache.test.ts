/**
 * `withCache`: every caller gets its own copy of a cached answer (bytes and parsed objects), and
 * arguments are keyed with their types, so distinct calls never share an entry. No network.
 */
import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/core/cache.js';
import { withCache } from '../../src/fetch/with-cache.js';

describe('withCache: callers do not share mutable answers', () => {
  it('a caller zeroing the bytes it got changes neither the cache nor the next caller', async () => {
    let calls = 0;
    const inner = {
      crl: async (): Promise<Uint8Array> => {
        calls++;
        return Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x07);
      },
    };
    const f = withCache(inner, createCache());
    const a = await f.crl();
    a.fill(0);
    const b = await f.crl();
    expect(b).toEqual(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x07));
    expect(b).not.toBe(a);
    expect(calls).toBe(1);
  });

  it('concurrent callers sharing one request still get separate objects', async () => {
    let calls = 0;
    const inner = {
      tcbInfo: async (fmspc: string) => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return {
          tcbInfo: `{"fmspc":"${fmspc}"}`,
          tcbInfoIssuerChain: 'chain',
          raw: [Uint8Array.of(1)],
        };
      },
    };
    const f = withCache(inner, createCache());
    const [x, y] = await Promise.all([f.tcbInfo('00806f050000'), f.tcbInfo('00806f050000')]);
    expect(calls).toBe(1);
    expect(x).not.toBe(y);
    x.tcbInfoIssuerChain = 'attacker-or-bug';
    x.raw[0]![0] = 9;
    x.raw.push(Uint8Array.of(2));
    const z = await f.tcbInfo('00806f050000');
    expect(z).toEqual({
      tcbInfo: '{"fmspc":"00806f050000"}',
      tcbInfoIssuerChain: 'chain',
      raw: [Uint8Array.of(1)],
    });
    expect(y).toEqual(z);
  });

  it('the inner fetcher editing the object it returned does not reach the cache', async () => {
    const kept = Uint8Array.of(1, 2, 3);
    const f = withCache({ vcek: async () => kept }, createCache());
    expect(await f.vcek()).toEqual(Uint8Array.of(1, 2, 3));
    kept.fill(0xff);
    expect(await f.vcek()).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('copies bytes inside frozen objects too', async () => {
    const f = withCache({ chain: async () => Object.freeze([Uint8Array.of(5, 5)]) }, createCache());
    const a = await f.chain();
    a[0]!.fill(0);
    expect(await f.chain()).toEqual([Uint8Array.of(5, 5)]);
  });
});

describe('withCache: keys carry argument types', () => {
  it('a Uint8Array and its hex spelling are different calls', async () => {
    const f = withCache(
      { get: async (x: string | Uint8Array) => (typeof x === 'string' ? 'text' : 'bytes') },
      createCache(),
    );
    expect(await f.get(Uint8Array.of(0xab))).toBe('bytes');
    expect(await f.get('ab')).toBe('text');
    expect(await f.get(Uint8Array.of(0xab))).toBe('bytes');
  });

  it('bigint and its decimal text, undefined and null, are different calls', async () => {
    let calls = 0;
    const f = withCache(
      {
        get: async (x: unknown) => {
          calls++;
          return typeof x;
        },
      },
      createCache(),
    );
    expect(await f.get(5n)).toBe('bigint');
    expect(await f.get('5')).toBe('string');
    expect(await f.get(5)).toBe('number');
    expect(await f.get(null)).toBe('object');
    expect(await f.get(undefined)).toBe('undefined');
    expect(await f.get({ a: 1, b: 2 })).toBe('object');
    expect(await f.get({ b: 2, a: 1 })).toBe('object'); // same call: key order does not matter
    expect(calls).toBe(6);
  });

  it('prefix and method name cannot run into each other', async () => {
    const cache = createCache();
    const a = withCache({ 'b:c': async () => 'first' }, cache, 'a');
    const b = withCache({ c: async () => 'second' }, cache, 'a:b');
    expect(await a['b:c']()).toBe('first');
    expect(await b.c()).toBe('second');
  });

  it('passes calls with arguments it cannot key through, uncached', async () => {
    let calls = 0;
    const f = withCache(
      {
        get: async (_x: unknown) => {
          calls++;
          return calls;
        },
      },
      createCache(),
    );
    const signal = new AbortController().signal;
    expect(await f.get(signal)).toBe(1);
    expect(await f.get(signal)).toBe(2);
  });
});

describe('withCache: copies are faithful', () => {
  it('keeps an own __proto__ key as a key, and shares class instances', async () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<
      string,
      unknown
    >;
    const signal = new AbortController().signal;
    const f = withCache({ get: async () => ({ parsed, signal }) }, createCache());
    const got = await f.get();
    expect(Object.getPrototypeOf(got.parsed)).toBe(Object.prototype);
    expect(Object.keys(got.parsed)).toEqual(['__proto__', 'a']);
    expect(got.signal).toBe(signal);
  });
});
