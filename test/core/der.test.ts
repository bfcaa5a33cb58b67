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

/** A DER TLV with a definite length in its minimal form (test helper). */
const tlv = (tag: number, content: Uint8Array): Uint8Array => {
  const n = content.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return new Uint8Array([tag, ...len, ...content]);
};

describe('DER: OBJECT IDENTIFIER bounds (review H-1)', () => {
  it('an arc below 2^53 decodes exactly; 2^53 and above is ERR_LIMIT_EXCEEDED at the OID', () => {
    // 2^53 - 1 = 0x1FFFFFFFFFFFFF: 53 one-bits, eight base-128 digits.
    const max = b(0x2a, 0x8f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
    expect(oidText(parseDer(tlv(0x06, max)))).toBe(`1.2.${Number.MAX_SAFE_INTEGER}`);
    const twoTo53 = b(0x2a, 0x90, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
    expectAttestError(() => oidText(parseDer(tlv(0x06, twoTo53))), 'ERR_LIMIT_EXCEEDED', 0);
    // …also as the first subidentifier (2.x packs 80 + x), and inside a container at its offset.
    const first = b(0x90, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
    const seq = parseDer(tlv(0x30, new Uint8Array([0x05, 0x00, ...tlv(0x06, first)])));
    expectAttestError(
      () => oidText(seq.children[1]!, 'ERR_BAD_CERTIFICATE'),
      'ERR_LIMIT_EXCEEDED',
      4,
    );
    expect(oidText(parseDer(b(0x06, 0x02, 0x88, 0x37)))).toBe('2.999');
    expect(oidText(parseDer(b(0x06, 0x01, 0x4f)))).toBe('1.39');
    expect(oidText(parseDer(b(0x06, 0x01, 0x50)))).toBe('2.0');
  });

  it(`an OID of 128 content bytes decodes; 129 is ERR_LIMIT_EXCEEDED`, () => {
    const ok = new Uint8Array(128).fill(0x01);
    ok[0] = 0x2a;
    expect(oidText(parseDer(tlv(0x06, ok))).split('.')).toHaveLength(129);
    const long = new Uint8Array(129).fill(0x01);
    long[0] = 0x2a;
    expectAttestError(() => oidText(parseDer(tlv(0x06, long))), 'ERR_LIMIT_EXCEEDED', 0);
  });

  it('one huge arc (100 KB of continuation bytes) is refused at once, not decoded quadratically', () => {
    // The BigInt decoder this replaces took over a second here, growing with the square of the size.
    const body = new Uint8Array(100_001).fill(0xff);
    body[0] = 0x2a;
    body[body.length - 1] = 0x7f;
    const node = parseDer(tlv(0x06, body));
    const t = performance.now();
    expectAttestError(() => oidText(node, 'ERR_BAD_CERTIFICATE'), 'ERR_LIMIT_EXCEEDED', 0);
    expect(performance.now() - t).toBeLessThan(100);
  });

  it('malformed OIDs keep the caller code', () => {
    expectAttestError(
      () => oidText(parseDer(b(0x06, 0x00)), 'ERR_BAD_CERTIFICATE'),
      'ERR_BAD_CERTIFICATE',
      0,
    );
    expectAttestError(() => oidText(parseDer(b(0x06, 0x02, 0x2a, 0x80))), 'ERR_BAD_DER', 0);
    expectAttestError(() => oidText(parseDer(b(0x06, 0x03, 0x2a, 0x80, 0x01))), 'ERR_BAD_DER', 0);
  });
});

describe('DER: strings and times of any size (review H-2)', () => {
  const huge = (tag: number, n: number, byte = 0x41) =>
    parseDer(tlv(tag, new Uint8Array(n).fill(byte)));

  it('PrintableString, IA5String and T61String of 1 MB decode (no RangeError), linearly', () => {
    for (const tag of [0x13, 0x16, 0x14]) {
      const node = huge(tag, 1_000_000);
      const t = performance.now();
      const s = stringValue(node);
      expect(performance.now() - t).toBeLessThan(500);
      expect(s.length).toBe(1_000_000);
      expect(s.startsWith('AAAA') && s.endsWith('AAAA')).toBe(true);
    }
    // T61String bytes above 0x7F read as Latin-1, one character per byte.
    expect(stringValue(parseDer(b(0x14, 0x02, 0xe9, 0xff)))).toBe('\u00e9\u00ff');
  });

  it('UTF8String and BMPString of 1 MB decode; a BMPString of odd length is ERR_BAD_DER', () => {
    expect(stringValue(huge(0x0c, 1_000_000)).length).toBe(1_000_000);
    expect(stringValue(huge(0x1e, 200_000, 0x00)).length).toBe(100_000);
    expect(stringValue(parseDer(b(0x1e, 0x04, 0x00, 0x41, 0x20, 0xac)))).toBe('A\u20ac');
    expectAttestError(
      () => stringValue(parseDer(b(0x1e, 0x03, 0x00, 0x41, 0x00))),
      'ERR_BAD_DER',
      0,
    );
  });

  it('a time of the wrong length, class or tag is rejected before it is read, even at 1 MB', () => {
    for (const tag of [0x17, 0x18]) {
      const node = huge(tag, 1_000_000, 0x30);
      const t = performance.now();
      expectAttestError(() => timeValue(node, 'ERR_BAD_CERTIFICATE'), 'ERR_BAD_CERTIFICATE', 0);
      expect(performance.now() - t).toBeLessThan(50);
    }
    const enc = (s: string) => new TextEncoder().encode(s);
    // GeneralizedTime must be 15 bytes: no fractions, no offsets, no missing seconds.
    expectAttestError(
      () => timeValue(parseDer(tlv(0x18, enc('20500101000000.5Z')))),
      'ERR_BAD_DER',
      0,
    );
    expectAttestError(() => timeValue(parseDer(tlv(0x18, enc('205001010000Z')))), 'ERR_BAD_DER', 0);
    // A UTCTime-shaped value as GeneralizedTime, and the reverse.
    expectAttestError(() => timeValue(parseDer(tlv(0x18, enc('500101000000Z')))), 'ERR_BAD_DER', 0);
    expectAttestError(
      () => timeValue(parseDer(tlv(0x17, enc('20500101000000Z')))),
      'ERR_BAD_DER',
      0,
    );
    // Non-digits of the right length, a context-specific [23], another universal tag.
    expectAttestError(() => timeValue(parseDer(tlv(0x17, enc('49123123595+Z')))), 'ERR_BAD_DER', 0);
    expectAttestError(() => timeValue(parseDer(tlv(0x97, enc('491231235959Z')))), 'ERR_BAD_DER', 0);
    expectAttestError(() => timeValue(parseDer(tlv(0x13, enc('491231235959Z')))), 'ERR_BAD_DER', 0);
    expect(timeValue(parseDer(tlv(0x18, enc('99991231235959Z')))).toISOString()).toBe(
      '9999-12-31T23:59:59.000Z',
    );
    expect(timeValue(parseDer(tlv(0x18, enc('20240229120000Z')))).toISOString()).toBe(
      '2024-02-29T12:00:00.000Z',
    );
    expectAttestError(
      () => timeValue(parseDer(tlv(0x18, enc('20230229120000Z')))),
      'ERR_BAD_DER',
      0,
    );
  });
});
