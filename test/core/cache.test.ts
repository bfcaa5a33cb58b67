import { describe, expect, it } from 'vitest';
import {
  MAX_CACHE_KEY_LENGTH,
  MAX_REMEMBERED_INPUT,
  createCache,
  inputMemo,
  memo,
} from '../../src/core/cache.js';
import { withCache } from '../../src/fetch/with-cache.js';

describe('createCache / memo', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const c = createCache({ maxEntries: 2 });
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.size).toBe(2);
    expect(() => createCache({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('memo shares one promise between concurrent callers and evicts a rejected one', async () => {
    const c = createCache();
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(new Error('boom'));
    };
    const p1 = memo(c, 'k', fail);
    const p2 = memo(c, 'k', fail);
    expect(p1).toBe(p2);
    await expect(p1).rejects.toThrow('boom');
    // The rejection left no entry behind (it does not take a slot of the LRU either).
    expect(c.size).toBe(0);
    expect(c.get('k')).toBeUndefined();
    const ok = await memo(c, 'k', () => Promise.resolve(42));
    expect(ok).toBe(42);
    expect(calls).toBe(1);
    expect(c.size).toBe(1);
  });

  it('set(key, undefined) removes the entry', () => {
    const c = createCache();
    c.set('x', 1);
    c.set('x', undefined);
    expect(c.size).toBe(0);
  });
});

describe('inputMemo', () => {
  it('hits only for the same input object with the same content; changed bytes compute again', () => {
    const cache = createCache();
    let runs = 0;
    const parse = (b: Uint8Array): [number, boolean] => [(runs++, b[0]!), true];
    const bytes = new Uint8Array([1, 2, 3]);
    const m = inputMemo(cache, 'attestkit:test:inputs');
    expect(m.get(bytes, () => parse(bytes))).toBe(1);
    expect(inputMemo(cache, 'attestkit:test:inputs').get(bytes, () => parse(bytes))).toBe(1);
    expect(runs).toBe(1);
    bytes[0] = 9; // changed in place: the private copy no longer matches
    expect(m.get(bytes, () => parse(bytes))).toBe(9);
    expect(runs).toBe(2);
    const same = new Uint8Array([9, 2, 3]); // equal bytes, another object: not the remembered input
    expect(m.get(same, () => parse(same))).toBe(9);
    expect(runs).toBe(3);
  });

  it('arrays compare element by element; unkept results and cacheless calls are never remembered', () => {
    const cache = createCache();
    const m = inputMemo(cache, 'attestkit:test:arrays');
    const input = ['pem text', new Uint8Array([1])];
    let runs = 0;
    m.get(input, () => [runs++, true]);
    m.get(input, () => [runs++, true]);
    expect(runs).toBe(1);
    (input[1] as Uint8Array)[0] = 2;
    m.get(input, () => [runs++, true]);
    expect(runs).toBe(2);
    const failing = new Uint8Array([0]);
    m.get(failing, () => [runs++, false]);
    m.get(failing, () => [runs++, false]);
    expect(runs).toBe(4);
    const none = inputMemo(undefined, 'attestkit:test:none');
    none.get(failing, () => [runs++, true]);
    none.get(failing, () => [runs++, true]);
    expect(runs).toBe(6);
  });

  it('a key longer than MAX_CACHE_KEY_LENGTH is neither looked up nor stored', () => {
    const cache = createCache();
    let runs = 0;
    const long = `attestkit:test:${'x'.repeat(MAX_CACHE_KEY_LENGTH)}`;
    expect(memo(cache, long, () => ++runs)).toBe(1);
    expect(memo(cache, long, () => ++runs)).toBe(2);
    expect(cache.size).toBe(0);
    const fits = 'k'.repeat(MAX_CACHE_KEY_LENGTH);
    expect(memo(cache, fits, () => ++runs)).toBe(3);
    expect(memo(cache, fits, () => ++runs)).toBe(3);
    expect(cache.size).toBe(1);
  });

  it('inputs larger than MAX_REMEMBERED_INPUT are computed every time, never copied', () => {
    const cache = createCache();
    const m = inputMemo(cache, 'attestkit:test:size');
    const big = new Uint8Array(MAX_REMEMBERED_INPUT + 1);
    const text = 'p'.repeat(MAX_REMEMBERED_INPUT + 1);
    const parts = [new Uint8Array(MAX_REMEMBERED_INPUT), 'x']; // the sum counts
    let runs = 0;
    for (const input of [big, text, parts]) {
      m.get(input, () => [runs++, true]);
      m.get(input, () => [runs++, true]);
    }
    expect(runs).toBe(6);
    const small = new Uint8Array(MAX_REMEMBERED_INPUT);
    m.get(small, () => [runs++, true]);
    m.get(small, () => [runs++, true]);
    expect(runs).toBe(7);
  });

  it("withCache keys live under attestkit:fetcher:, apart from every verifier's content keys", async () => {
    const keys: string[] = [];
    const inner = createCache();
    const cache = {
      get: (k: string) => inner.get(k),
      set: (k: string, v: unknown) => {
        keys.push(k);
        inner.set(k, v);
      },
    };
    // Even a prefix named like a verifier namespace ("crl") cannot meet a CRL-bytes key.
    const f = withCache({ certChain: async (p: string) => `chain of ${p}` }, cache, 'crl');
    expect(await f.certChain('Genoa')).toBe('chain of Genoa');
    expect(keys).toEqual(['attestkit:fetcher:crl:certChain:["Genoa"]']);
  });

  it('holds at most `max` inputs', () => {
    const cache = createCache();
    const m = inputMemo(cache, 'attestkit:test:max', 2);
    const inputs = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])];
    let runs = 0;
    for (const i of inputs) m.get(i, () => [runs++, true]);
    m.get(inputs[0]!, () => [runs++, true]); // forgotten when the third arrived
    expect(runs).toBe(4);
  });
});
