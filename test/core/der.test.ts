import { describe, expect, it } from 'vitest';
import {
  bitStringBits,
  integerBytes,
  oidText,
  parseDer,
  parseDerAt,
  stringValue,
  timeValue,
} from '../../src/core/der.js';
import { expectAttestError } from '../support/errors.js';

const b = (...x: number[]) => new Uint8Array(x);

describe('strict DER', () => {
  it('decodes a nested structure with absolute offsets', () => {
    const n = parseDer(b(0x30, 0x06, 0x02, 0x01, 0x05, 0x06, 0x01, 0x2a));
    expect(n.children).toHaveLength(2);
    expect(n.children[1]!.offset).toBe(5);
    expect(integerBytes(n.children[0]!)).toEqual(b(5));
    expect(oidText(n.children[1]!)).toBe('1.2');
  });
  it('rejects indefinite lengths, non-minimal lengths and integers, bad booleans, trailing bytes', () => {
    expectAttestError(
      () => parseDer(b(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00)),
      'ERR_BAD_DER',
      0,
    );
    expectAttestError(() => parseDer(b(0x04, 0x81, 0x01, 0x00)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x02, 0x02, 0x00, 0x01)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x02, 0x02, 0xff, 0x80)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x01, 0x01, 0x01)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x05, 0x00, 0x00)), 'ERR_TRAILING_DATA', 2);
    expectAttestError(() => parseDer(b(0x30, 0x05, 0x02)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x24, 0x03, 0x04, 0x01, 0x00)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b()), 'ERR_BAD_DER', 0);
  });
  it('parseDerAt reads objects back to back, strictly, with offsets in the whole input', () => {
    const two = b(0x30, 0x03, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa);
    const [first, end] = parseDerAt(two, 0);
    expect([first.tag, end]).toEqual([0x10, 5]);
    const [second, end2] = parseDerAt(two, end);
    expect([second.offset, Array.from(second.content), end2]).toEqual([5, [0xaa], 8]);
    // A non-minimal length at offset 5 is refused there.
    expectAttestError(
      () => parseDerAt(b(0x05, 0x00, 0, 0, 0, 0x04, 0x81, 0x01, 0xaa), 5),
      'ERR_BAD_DER',
      5,
    );
  });

  it('strings, times and bits', () => {
    expect(stringValue(parseDer(b(0x13, 0x02, 0x55, 0x53)))).toBe('US');
    expect(stringValue(parseDer(b(0x0c, 0x02, 0xc3, 0xa9)))).toBe('é');
    expect(
      timeValue(
        parseDer(new Uint8Array([0x17, 13, ...new TextEncoder().encode('491231235959Z')])),
      ).toISOString(),
    ).toBe('2049-12-31T23:59:59.000Z');
    expect(
      timeValue(
        parseDer(new Uint8Array([0x17, 13, ...new TextEncoder().encode('500101000000Z')])),
      ).getUTCFullYear(),
    ).toBe(1950);
    expect(
      timeValue(
        parseDer(new Uint8Array([0x18, 15, ...new TextEncoder().encode('20500101000000Z')])),
      ).getUTCFullYear(),
    ).toBe(2050);
    expectAttestError(
      () =>
        timeValue(
          parseDer(new Uint8Array([0x17, 13, ...new TextEncoder().encode('491331235959Z')])),
        ),
      'ERR_BAD_DER',
    );
    expectAttestError(
      () =>
        timeValue(parseDer(new Uint8Array([0x17, 11, ...new TextEncoder().encode('4912312359Z')]))),
      'ERR_BAD_DER',
    );
    expect(bitStringBits(parseDer(b(0x03, 0x02, 0x05, 0xa0)))).toEqual([true, false, true]);
  });
});

describe('DER resource limits', () => {
  it('deep nesting fails fast with ERR_LIMIT_EXCEEDED, a length past the input with the code', () => {
    // Definite-length nesting 40 deep: each SEQUENCE wraps the rest.
    const nested: number[] = [0x05, 0x00];
    for (let i = 0; i < 40; i++) {
      const len = nested.length;
      const header =
        len < 0x80
          ? [0x30, len]
          : len < 0x100
            ? [0x30, 0x81, len]
            : [0x30, 0x82, len >> 8, len & 0xff];
      nested.unshift(...header);
    }
    expectAttestError(() => parseDer(new Uint8Array(nested)), 'ERR_LIMIT_EXCEEDED');
    expectAttestError(
      () => parseDer(b(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00)),
      'ERR_BAD_DER',
      0,
    );
    expectAttestError(() => parseDer(b(0x30, 0x85, 1, 1, 1, 1, 1)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x10, 0x00)), 'ERR_BAD_DER', 0);
    expectAttestError(() => parseDer(b(0x05, 0x01, 0x00)), 'ERR_BAD_DER', 0);
  });
});
