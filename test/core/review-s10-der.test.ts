/**
 * Review s10 (core DER): GeneralizedTime years 0000-0099 keep their year (Date.UTC read them as
 * 1900-1999); BIT STRINGs are DER (unused-bits count 0-7, 0 when empty, unused bits zero);
 * `parseDerContent` decodes an inner value in place, with offsets of the outer input; and the
 * nodes, whose views are now made when read, still give the same views. All inputs are SYNTHETIC bytes.
 */
import { describe, expect, it } from 'vitest';
import { expectAttestError } from '../support/errors.js';
import {
  bitStringBits,
  parseDer,
  parseDerAt,
  parseDerContent,
  timeValue,
} from '../../src/core/der.js';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const text = (tag: number, s: string): Uint8Array => {
  const c = new TextEncoder().encode(s);
  return Uint8Array.from([tag, c.length, ...c]);
};

describe('review s10: GeneralizedTime years below 100', () => {
  it.each([
    ['00000101000000Z', '0000-01-01T00:00:00.000Z'],
    ['00010101000000Z', '0001-01-01T00:00:00.000Z'],
    ['00500101000000Z', '0050-01-01T00:00:00.000Z'],
    ['00991231235959Z', '0099-12-31T23:59:59.000Z'],
    ['01000101000000Z', '0100-01-01T00:00:00.000Z'],
    ['19991231235959Z', '1999-12-31T23:59:59.000Z'],
    ['20500101000000Z', '2050-01-01T00:00:00.000Z'],
  ])('%s is %s', (t, iso) => {
    expect(timeValue(parseDer(text(0x18, t))).toISOString()).toBe(iso);
  });

  it('UTCTime keeps the RFC 5280 window, and impossible dates are still refused', () => {
    expect(timeValue(parseDer(text(0x17, '491231235959Z'))).toISOString()).toBe(
      '2049-12-31T23:59:59.000Z',
    );
    expect(timeValue(parseDer(text(0x17, '500101000000Z'))).getUTCFullYear()).toBe(1950);
    for (const t of ['00500229000000Z', '00501301000000Z', '00500101240000Z', '00500100000000Z'])
      expectAttestError(() => timeValue(parseDer(text(0x18, t))), 'ERR_BAD_DER', 0);
    // 0048 is a leap year in the proleptic Gregorian calendar.
    expect(timeValue(parseDer(text(0x18, '00480229000000Z'))).toISOString()).toBe(
      '0048-02-29T00:00:00.000Z',
    );
  });
});

describe('review s10: BIT STRINGs are DER (X.690 §8.6.2, §11.2.1)', () => {
  it('accepts 0-7 unused bits that are zero, and the empty string as 03 01 00', () => {
    expect(bitStringBits(parseDer(b(0x03, 0x02, 0x05, 0xa0)))).toEqual([true, false, true]);
    expect(bitStringBits(parseDer(b(0x03, 0x01, 0x00)))).toEqual([]);
    expect(bitStringBits(parseDer(b(0x03, 0x02, 0x07, 0x80)))).toEqual([true]);
  });

  it.each([
    ['unused bits set', b(0x30, 0x04, 0x03, 0x02, 0x01, 0x07)],
    ['more than 7 unused bits', b(0x30, 0x04, 0x03, 0x02, 0x08, 0x00)],
    ['an empty string claiming unused bits', b(0x30, 0x03, 0x03, 0x01, 0x03)],
    ['no initial octet', b(0x30, 0x02, 0x03, 0x00)],
    ['no initial octet, before another TLV', b(0x30, 0x04, 0x03, 0x00, 0x05, 0x00)],
  ])('refuses %s, at the BIT STRING', (_, der) => {
    expectAttestError(() => parseDer(der), 'ERR_BAD_DER', 2);
  });

  it('leaves non-universal tags with BIT STRING numbers alone ([3] IMPLICIT)', () => {
    expect(parseDer(b(0x83, 0x02, 0x01, 0x07)).tag).toBe(3);
  });
});

describe('review s10: parseDerContent decodes in place', () => {
  // SEQUENCE { OCTET STRING { SEQUENCE { INTEGER 5 } }, BIT STRING { 00, SEQUENCE { INTEGER 7 } } }
  const fixed = b(
    ...[0x30, 0x0f, 0x04, 0x05, 0x30, 0x03, 0x02, 0x01, 0x05],
    ...[0x03, 0x06, 0x00, 0x30, 0x03, 0x02, 0x01, 0x07],
  );

  it('gives nodes whose offsets are those of the outer input', () => {
    const outer = parseDer(fixed);
    const inner = parseDerContent(outer.children[0]!);
    expect([inner.offset, inner.children[0]!.offset]).toEqual([4, 6]);
    expect(Array.from(inner.raw)).toEqual([0x30, 0x03, 0x02, 0x01, 0x05]);
    const key = parseDerContent(outer.children[1]!, 'ERR_BAD_KEY', 1);
    expect([key.offset, Array.from(key.children[0]!.content)]).toEqual([12, [7]]);
  });

  it('reports errors and trailing bytes at offsets of the outer input', () => {
    // OCTET STRING { 02 02 00 05 } — a non-minimal INTEGER at outer offset 4.
    const bad = b(0x30, 0x06, 0x04, 0x04, 0x02, 0x02, 0x00, 0x05);
    expectAttestError(() => parseDerContent(parseDer(bad).children[0]!), 'ERR_BAD_DER', 4);
    // OCTET STRING { 05 00 05 00 } — a second object at outer offset 6.
    const two = b(0x30, 0x06, 0x04, 0x04, 0x05, 0x00, 0x05, 0x00);
    expectAttestError(() => parseDerContent(parseDer(two).children[0]!), 'ERR_TRAILING_DATA', 6);
    // An empty OCTET STRING holds no object: the error names the OCTET STRING.
    const empty = b(0x30, 0x02, 0x04, 0x00);
    expectAttestError(
      () => parseDerContent(parseDer(empty).children[0]!, 'ERR_BAD_KEY'),
      'ERR_BAD_KEY',
      2,
    );
  });
});

describe('review s10: lazy nodes', () => {
  it('raw and content are views of the input at the node', () => {
    const input = b(0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa, 0x05, 0x00);
    const [n, end] = parseDerAt(input, 0);
    expect(end).toBe(8);
    const [i, o] = n.children as [(typeof n.children)[0], (typeof n.children)[0]];
    expect(Array.from(n.raw)).toEqual(Array.from(input.subarray(0, 8)));
    expect([Array.from(i.content), Array.from(o.raw), o.offset]).toEqual([[5], [4, 1, 0xaa], 5]);
    expect(i.content.buffer).toBe(input.buffer);
    expect(i.children).toEqual([]);
  });
});
