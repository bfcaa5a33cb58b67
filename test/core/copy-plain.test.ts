/** copyPlain and freezeByteFree: how results built from memoised state get their own copy. */
import { describe, expect, it } from 'vitest';
import { copyPlain, freezeByteFree } from '../../src/core/bytes.js';

describe('copyPlain', () => {
  it('copies objects, arrays and byte arrays at every depth, and keeps the values', () => {
    const src = {
      n: 1,
      s: 'x',
      u: undefined,
      z: null,
      bytes: Uint8Array.of(1, 2, 3),
      nested: { list: [Uint8Array.of(4), { b: true }], inner: { c: Uint8Array.of(5) } },
    };
    const out = copyPlain(src);
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
    expect(out.bytes).not.toBe(src.bytes);
    expect(out.nested.list).not.toBe(src.nested.list);
    expect(out.nested.list[0]).not.toBe(src.nested.list[0]);
    expect(out.nested.inner.c).not.toBe(src.nested.inner.c);
    out.bytes.fill(0);
    (out.nested.list[1] as { b: boolean }).b = false;
    expect(src.bytes).toEqual(Uint8Array.of(1, 2, 3));
    expect(src.nested.list[1]).toEqual({ b: true });
  });

  it('copies only the viewed bytes of a view into a larger buffer, into one new buffer for all', () => {
    const big = new Uint8Array(64).map((_, i) => i);
    const out = copyPlain({ v: big.subarray(10, 14), w: [big.subarray(0, 2)] });
    expect(out.v.buffer).not.toBe(big.buffer);
    expect(out.v.buffer).toBe(out.w[0]!.buffer);
    expect(out.v.buffer.byteLength).toBe(6);
    expect(Object.getPrototypeOf(out.v)).toBe(Uint8Array.prototype);
    expect([...out.v]).toEqual([10, 11, 12, 13]);
    expect([...out.w[0]!]).toEqual([0, 1]);
    out.v.fill(0xee);
    expect([...out.w[0]!]).toEqual([0, 1]);
    expect(big[10]).toBe(10);
  });

  it('freezeByteFree freezes exactly the parts that hold no bytes; copyPlain shares those', () => {
    const state = {
      flags: { sign: true, names: ['sign'] },
      params: { scheme: { name: 'rsassa' }, bits: 2048 },
      raw: Uint8Array.of(1),
      point: { x: Uint8Array.of(2), label: { s: 'x' } },
    };
    expect(freezeByteFree(state)).toBe(false);
    expect(Object.isFrozen(state)).toBe(false);
    expect(Object.isFrozen(state.point)).toBe(false);
    for (const o of [
      state.flags,
      state.flags.names,
      state.params,
      state.params.scheme,
      state.point.label,
    ])
      expect(Object.isFrozen(o)).toBe(true);
    expect(freezeByteFree({ a: [1, { b: 'c' }] })).toBe(true);
    const out = copyPlain(state);
    expect(out).toEqual(state);
    expect(out.flags).toBe(state.flags);
    expect(out.params).toBe(state.params);
    expect(out.point).not.toBe(state.point);
    expect(out.point.label).toBe(state.point.label);
    expect(out.raw).not.toBe(state.raw);
  });

  it('shares what is not plain data (class instances, maps)', () => {
    class Handle {}
    const h = new Handle();
    const m = new Map([[1, 2]]);
    const out = copyPlain({ h, m });
    expect(out.h).toBe(h);
    expect(out.m).toBe(m);
  });
});
