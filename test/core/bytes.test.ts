import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  assertCountFits,
  concatBytes,
  copyBytes,
  isAllZero,
  leBytesToBigInt,
  reversed,
} from '../../src/core/bytes.js';
import { expectAttestError } from '../support/errors.js';

describe('ByteReader', () => {
  const bytes = new Uint8Array([1, 2, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0x80, 0xaa, 0xbb]);

  it('reads little- and big-endian integers and advances', () => {
    const r = new ByteReader(bytes, 'T');
    expect(r.u8('a')).toBe(1);
    expect(r.u8('b')).toBe(2);
    expect(r.u16le('c')).toBe(0);
    expect(r.u32le('d')).toBe(3);
    expect(r.u64le('e')).toBe(0x8000000000000004n);
    expect(r.u16be('f')).toBe(0xaabb);
    expect(r.remaining).toBe(0);
    r.expectEnd();
  });

  it('reports the absolute offset and field of a truncated read', () => {
    const r = new ByteReader(bytes.subarray(4), 'T', 4);
    r.skip(12, 'x');
    const e = expectAttestError(() => r.u32le('TAIL'), 'ERR_TRUNCATED', 16);
    expect(e.field).toBe('T.TAIL');
  });

  it('copies fixed fields (mutating the input does not change them)', () => {
    const input = new Uint8Array([9, 9, 9]);
    const out = new ByteReader(input, 'T').bytesCopy(3, 'x');
    input[0] = 0;
    expect(out[0]).toBe(9);
  });

  it('checks a length prefix against what remains before allocating', () => {
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2]);
    expectAttestError(() => new ByteReader(huge, 'T').sized(4, 'le', 'blob'), 'ERR_TRUNCATED', 4);
    expectAttestError(
      () => new ByteReader(new Uint8Array([5, 0, 1, 2, 3, 4, 5]), 'T').sized(2, 'le', 'b', 4),
      'ERR_BAD_LENGTH',
      0,
    );
    expect(new ByteReader(new Uint8Array([0, 2, 7, 8]), 'T').sized(2, 'be', 'b')).toEqual(
      new Uint8Array([7, 8]),
    );
  });

  it('sizedView checks the prefix the same way and returns a view, sized a copy', () => {
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2]);
    expectAttestError(
      () => new ByteReader(huge, 'T').sizedView(4, 'le', 'blob'),
      'ERR_TRUNCATED',
      4,
    );
    expectAttestError(
      () => new ByteReader(new Uint8Array([5, 0, 1, 2, 3, 4, 5]), 'T').sizedView(2, 'le', 'b', 4),
      'ERR_BAD_LENGTH',
      0,
    );
    const input = new Uint8Array([2, 0, 0, 0, 7, 8, 9]);
    const view = new ByteReader(input, 'T').sizedView(4, 'le', 'b');
    const copy = new ByteReader(input, 'T').sized(4, 'le', 'b');
    expect(view).toEqual(new Uint8Array([7, 8]));
    input[4] = 1;
    expect(view[0]).toBe(1);
    expect(copy[0]).toBe(7);
  });

  it('reserved bytes must be zero, and the error points at the first non-zero byte', () => {
    const r = new ByteReader(new Uint8Array([0, 0, 0, 5, 0]), 'T', 0x100);
    expectAttestError(() => r.reserved(5, 'RSVD'), 'ERR_RESERVED_NOT_ZERO', 0x103);
    new ByteReader(new Uint8Array(4), 'T').reserved(4, 'RSVD');
  });

  it('expectOffset, expectEnd, seek and sub report typed errors', () => {
    const r = new ByteReader(new Uint8Array(8), 'T');
    r.skip(2, 'x');
    expectAttestError(() => r.expectOffset(4), 'ERR_OFFSET_MISMATCH', 2);
    expectAttestError(() => r.expectEnd(), 'ERR_TRAILING_DATA', 2);
    expectAttestError(() => r.seek(9, 'x'), 'ERR_TRUNCATED');
    const sub = r.sub(4, 'S');
    expect(sub.base).toBe(2);
    expectAttestError(() => sub.bytesCopy(5, 'y'), 'ERR_TRUNCATED', 2);
  });

  it('rejects non-Uint8Array input with TypeError', () => {
    for (const bad of [
      null,
      undefined,
      'abc',
      42,
      new ArrayBuffer(4),
      new Uint16Array(2),
      [1, 2],
      {},
    ]) {
      expect(() => new ByteReader(bad as Uint8Array, 'T')).toThrow(TypeError);
    }
  });

  it('assertCountFits stops absurd counts before allocation', () => {
    expectAttestError(
      () => assertCountFits(1_000_000_000, 8, 100, 'count', 12),
      'ERR_BAD_LENGTH',
      12,
    );
    assertCountFits(10, 8, 80, 'count', 0);
  });

  it('helpers', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect(isAllZero(new Uint8Array(4))).toBe(true);
    expect(isAllZero(new Uint8Array([0, 1]))).toBe(false);
    expect(leBytesToBigInt(new Uint8Array([1, 2]))).toBe(0x201n);
    expect(reversed(new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([3, 2, 1]));
  });
});

describe('assertBytes', () => {
  it('rejects a view over a detached ArrayBuffer', () => {
    const buf = new ArrayBuffer(8);
    const view = new Uint8Array(buf);
    structuredClone(buf, { transfer: [buf] });
    expect(() => new ByteReader(view, 'T')).toThrow(TypeError);
  });
});

describe('copies are copies, even from a Node Buffer', () => {
  it('bytesCopy and parsed certificate fields do not alias a Buffer input', async () => {
    const { Buffer } = await import('node:buffer');
    const buf = Buffer.from([1, 2, 3, 4]);
    const out = new ByteReader(buf, 'T').bytesCopy(4, 'x');
    buf[0] = 9;
    expect(out[0]).toBe(1);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });
});

describe('copyBytes', () => {
  it('returns a fresh plain Uint8Array for plain arrays, Node.js buffers and views', () => {
    const backing = (): Uint8Array => Uint8Array.from([9, 1, 2, 3, 4, 5, 9]);
    const inputs: Uint8Array[] = [
      backing().subarray(1, 6),
      Buffer.from([1, 2, 3, 4, 5]),
      new Uint8Array(backing().buffer, 1, 5),
    ];
    for (const input of inputs) {
      const out = copyBytes(input, 1, 4);
      expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
      expect([...out]).toEqual([2, 3, 4]);
      input[1] = 77;
      expect(out[0]).toBe(2);
      expect([...copyBytes(input)]).toEqual([...input]);
      expect(copyBytes(input).buffer).not.toBe(input.buffer);
    }
  });

  it('never returns a view of the caller’s memory through a species constructor', () => {
    const a = Uint8Array.from([1, 2, 3, 4]);
    const shared = a;
    // An own constructor whose species hands back the caller's array (the builtin slice would
    // then fill that array and return it).
    Object.defineProperty(a, 'constructor', {
      value: {
        [Symbol.species]: function Species() {
          return shared;
        },
      },
    });
    const out = copyBytes(a, 0, 4);
    expect(out).not.toBe(a);
    expect(out.buffer).not.toBe(a.buffer);
    a[0] = 99;
    expect(out[0]).toBe(1);
  });

  it('ignores an own slice property of the array', () => {
    const a = Uint8Array.from([1, 2, 3]);
    Object.defineProperty(a, 'slice', { value: () => a });
    const out = copyBytes(a, 0, 2);
    expect(out).not.toBe(a);
    expect([...out]).toEqual([1, 2]);
  });
});
