import { describe, expect, it } from 'vitest';
import { createCache, memo } from '../../src/core/cache.js';

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
