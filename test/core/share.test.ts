/** core share.ts: how memoised values are sealed once and copied per result. */
import { describe, expect, it } from 'vitest';
import { copyPlain, FixedDate, sealShared } from '../../src/core/share.js';

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

  it('copies only the viewed bytes of a view into a larger buffer, as a plain Uint8Array', () => {
    const big = new Uint8Array(64).map((_, i) => i);
    const out = copyPlain({ v: big.subarray(10, 14) });
    expect(out.v.buffer).not.toBe(big.buffer);
    expect(out.v.buffer.byteLength).toBe(4);
    expect(Object.getPrototypeOf(out.v)).toBe(Uint8Array.prototype);
    expect([...out.v]).toEqual([10, 11, 12, 13]);
    out.v.fill(0xee);
    expect(big[10]).toBe(10);
  });

  it('copies dates', () => {
    const src = { at: new Date(1_700_000_000_000) };
    const out = copyPlain(src);
    expect(out.at).not.toBe(src.at);
    expect(out.at.getTime()).toBe(src.at.getTime());
    out.at.setTime(0);
    expect(src.at.getTime()).toBe(1_700_000_000_000);
  });

  it('shares what is not plain data (class instances, maps)', () => {
    class Handle {}
    const h = new Handle();
    const m = new Map([[1, 2]]);
    const out = copyPlain({ h, m });
    expect(out.h).toBe(h);
    expect(out.m).toBe(m);
  });

  it('sealShared freezes what holds no bytes and fixes dates; copyPlain shares exactly that', () => {
    const state = {
      flags: { sign: true, names: ['sign'] },
      params: { scheme: { name: 'rsassa' }, bits: 2048 },
      raw: Uint8Array.of(1),
      point: { x: Uint8Array.of(2), label: { s: 'x' } },
      level: { tcbDate: new Date(1_700_000_000_000), svns: [1, 2] },
      key: new Map([[1, 2]]),
    };
    expect(sealShared(state)).toBe(state);
    // A container holding a date stays mutable too: its date is copied per result.
    for (const o of [state, state.point, state.raw, state.level])
      expect(Object.isFrozen(o)).toBe(false);
    for (const o of [
      state.flags,
      state.flags.names,
      state.params,
      state.params.scheme,
      state.point.label,
      state.level.svns,
    ])
      expect(Object.isFrozen(o)).toBe(true);
    const date = state.level.tcbDate;
    expect(date).toBeInstanceOf(FixedDate);
    expect(date).toBeInstanceOf(Date);
    expect(date.getTime()).toBe(1_700_000_000_000);
    for (const set of ['setTime', 'setYear', 'setUTCFullYear', 'setMonth', 'setUTCHours'] as const)
      expect(() => (date as unknown as Record<string, (n: number) => void>)[set]!(0)).toThrow(
        TypeError,
      );
    expect(date.getTime()).toBe(1_700_000_000_000);
    expect(date.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(JSON.stringify(state.level)).toBe('{"tcbDate":"2023-11-14T22:13:20.000Z","svns":[1,2]}');
    expect(() => {
      (state.flags as { sign: boolean }).sign = false;
    }).toThrow(TypeError);

    const out = copyPlain(state);
    expect(out).toEqual(state);
    expect(out).not.toBe(state);
    expect(out.flags).toBe(state.flags);
    expect(out.params).toBe(state.params);
    expect(out.level).not.toBe(state.level);
    expect(out.level.svns).toBe(state.level.svns);
    expect(out.level.tcbDate).not.toBe(state.level.tcbDate);
    expect(out.level.tcbDate.getTime()).toBe(1_700_000_000_000);
    // Setting a result's date through Date.prototype (which no own method can stop) leaves the
    // sealed value as it was.
    Date.prototype.setTime.call(out.level.tcbDate, 0);
    expect(state.level.tcbDate.getTime()).toBe(1_700_000_000_000);
    expect(copyPlain(state).level.tcbDate.getTime()).toBe(1_700_000_000_000);
    expect(out.key).toBe(state.key);
    expect(out.point).not.toBe(state.point);
    expect(out.point.label).toBe(state.point.label);
    expect(out.raw).not.toBe(state.raw);
    out.raw.fill(9);
    expect(state.raw).toEqual(Uint8Array.of(1));
  });

  it('sealShared leaves bytes and the containers holding them mutable (copyPlain copies them)', () => {
    const v = { list: [Uint8Array.of(1), 'a'], deep: { deeper: { b: Uint8Array.of(2) } } };
    sealShared(v);
    expect(Object.isFrozen(v.list)).toBe(false);
    expect(Object.isFrozen(v.deep)).toBe(false);
    expect(Object.isFrozen(v.deep.deeper)).toBe(false);
    const out = copyPlain(v);
    expect(out.list).not.toBe(v.list);
    expect(out.deep.deeper.b).not.toBe(v.deep.deeper.b);
    expect(out).toEqual(v);
  });

  it('puts every copied byte array in one fresh buffer, each view independent of its source', () => {
    const src = {
      a: Uint8Array.of(1, 2),
      b: [Uint8Array.of(3), { c: new Uint8Array(300).fill(4) }],
    };
    const out = copyPlain(src);
    expect(out).toEqual(src);
    const views = [out.a, out.b[0] as Uint8Array, (out.b[1] as { c: Uint8Array }).c];
    expect(new Set(views.map((x) => x.buffer)).size).toBe(1);
    expect(views[0]!.buffer.byteLength).toBe(2 + 1 + 300);
    views[0]!.fill(9);
    views[2]!.fill(9);
    expect(src.a).toEqual(Uint8Array.of(1, 2));
    expect(src.b[1]).toEqual({ c: new Uint8Array(300).fill(4) });
    expect(views[1]).toEqual(Uint8Array.of(3));
    const top = copyPlain(Uint8Array.of(5, 6));
    expect(top).toEqual(Uint8Array.of(5, 6));
  });

  it('keeps an own "__proto__" member an own member, never the prototype', () => {
    const src = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const out = copyPlain(src);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
    const withBytes = { ['__proto__']: Uint8Array.of(1) };
    Object.defineProperty(withBytes, '__proto__', { value: Uint8Array.of(1), enumerable: true });
    const o2 = copyPlain(withBytes);
    expect(Object.getPrototypeOf(o2)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(o2, '__proto__')?.value).toEqual(Uint8Array.of(1));
  });
});
