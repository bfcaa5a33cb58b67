/** Strict CBOR decoding (src/cca/cbor.ts): the profile rules, offsets, DoS limits, round trips. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CBOR_MAX_DEPTH, decodeCbor, type CborNode } from '../../src/cca/cbor.js';
import { AttestError } from '../../src/core/errors.js';
import { expectAttestError } from '../support/errors.js';
import { hex } from '../support/vectors.js';
import { cbor, map, Tagged, type CborValue } from './support/cbor-encode.js';

describe('decodeCbor: strict profile', () => {
  it('decodes every major type with offsets and lengths', () => {
    const bytes = cbor(
      map([
        [1, -7],
        ['t', 'héllo'],
        [-2, new Uint8Array([1, 2, 3])],
        [4, [true, false, null]],
        [5, new Tagged(18, 0)],
        [6, 2n ** 64n - 1n],
      ]),
    );
    const n = decodeCbor(bytes, { tags: [18], base: 100 });
    expect(n).toMatchObject({ kind: 'map', offset: 100, length: bytes.length });
    if (n.kind !== 'map') throw new Error('map expected');
    expect(n.entries.map((e) => e.key.value)).toEqual([1, 't', -2, 4, 5, 6]);
    expect(n.entries[0]!.value).toMatchObject({ kind: 'int', value: -7 });
    expect(n.entries[1]!.value).toMatchObject({ kind: 'text', value: 'héllo' });
    const b = n.entries[2]!.value;
    expect(b).toMatchObject({ kind: 'bytes', value: new Uint8Array([1, 2, 3]) });
    if (b.kind !== 'bytes') throw new Error('bytes expected');
    expect(bytes.subarray(b.contentOffset - 100, b.contentOffset - 100 + 3)).toEqual(b.value);
    expect(n.entries[4]!.value).toMatchObject({
      kind: 'tag',
      tag: 18,
      item: { kind: 'int', value: 0 },
    });
    expect(n.entries[5]!.value).toMatchObject({ kind: 'int', value: 2n ** 64n - 1n });
  });

  it('decodes floats', () => {
    expect(decodeCbor(hex('f93c00'))).toMatchObject({ kind: 'float', value: 1 });
  });

  const rejects: [string, string, string, number][] = [
    ['duplicate integer keys', 'a2010101 02', 'ERR_BAD_CBOR', 3],
    ['duplicate text keys', 'a2616101616102', 'ERR_BAD_CBOR', 4],
    ['a byte-string map key', 'a1410101', 'ERR_BAD_CBOR', 1],
    ['an array map key', 'a1818001', 'ERR_BAD_CBOR', 1],
    ['an indefinite array', '9f01ff', 'ERR_BAD_CBOR', 0],
    ['an indefinite map', 'bf0101ff', 'ERR_BAD_CBOR', 0],
    ['an indefinite byte string', '5f4101ff', 'ERR_BAD_CBOR', 0],
    ['an indefinite text string', '7f6161ff', 'ERR_BAD_CBOR', 0],
    ['a nested indefinite array', '82019f01ff', 'ERR_BAD_CBOR', 2],
    ['a stray break', 'ff', 'ERR_BAD_CBOR', 0],
    ['trailing bytes', '0100', 'ERR_TRAILING_DATA', 1],
    ['a non-minimal integer', '1801', 'ERR_BAD_CBOR', 0],
    ['a non-minimal length', '5801ff', 'ERR_BAD_CBOR', 0],
    ['a non-minimal 64-bit integer', '1b0000000000000001', 'ERR_BAD_CBOR', 0],
    ['undefined', 'f7', 'ERR_BAD_CBOR', 0],
    ['a simple value', 'f0', 'ERR_BAD_CBOR', 0],
    ['invalid UTF-8', '62c328', 'ERR_BAD_CBOR', 0],
    ['a tag not allowed', 'd904d201', 'ERR_BAD_CBOR', 0],
    ['an array count larger than the input', '8301', 'ERR_BAD_CBOR', 0],
    ['truncation inside an array', '824101', 'ERR_BAD_CBOR', 3],
    ['a truncated byte string', '4401', 'ERR_BAD_CBOR', 0],
    ['empty input', '', 'ERR_BAD_CBOR', 0],
    ['a reserved additional-information value', '1c', 'ERR_BAD_CBOR', 0],
  ];
  for (const [what, h, code, offset] of rejects) {
    it(`rejects ${what}`, () => {
      expectAttestError(() => decodeCbor(hex(h.replace(/ /g, ''))), code as 'ERR_BAD_CBOR', offset);
    });
  }

  it('reports absolute offsets with a base', () => {
    expectAttestError(
      () => decodeCbor(hex('a2010101 02'.replace(' ', '')), { base: 0x40 }),
      'ERR_BAD_CBOR',
      0x43,
    );
  });

  it('accepts any tag with tags: any, and none by default', () => {
    expect(decodeCbor(hex('d904d201'), { tags: 'any' })).toMatchObject({ kind: 'tag', tag: 1234 });
    expectAttestError(() => decodeCbor(hex('d201')), 'ERR_BAD_CBOR', 0);
  });

  it('keys 1 and "1" are different keys', () => {
    const n = decodeCbor(
      cbor(
        map([
          [1, 0],
          ['1', 0],
        ]),
      ),
    );
    expect(n.kind === 'map' && n.entries.length).toBe(2);
  });
});

describe('decodeCbor: resource limits fail fast', () => {
  it(`rejects nesting deeper than ${CBOR_MAX_DEPTH} before recursing`, () => {
    const ok = new Uint8Array(CBOR_MAX_DEPTH + 1).fill(0x81);
    ok[CBOR_MAX_DEPTH] = 0x00;
    expect(() => decodeCbor(ok)).not.toThrow();
    const deep = new Uint8Array(1_000_000).fill(0x81);
    const t0 = performance.now();
    expectAttestError(() => decodeCbor(deep), 'ERR_LIMIT_EXCEEDED', CBOR_MAX_DEPTH);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('rejects deep maps and tags too', () => {
    expectAttestError(
      () => decodeCbor(new Uint8Array(64).fill(0xa1).map((b, i) => (i % 2 ? 0x01 : b))),
      'ERR_LIMIT_EXCEEDED',
    );
    expectAttestError(
      () => decodeCbor(new Uint8Array(64).fill(0xc6), { tags: 'any' }),
      'ERR_LIMIT_EXCEEDED',
    );
  });

  it('honours a custom maxDepth', () => {
    expectAttestError(() => decodeCbor(hex('818100'), { maxDepth: 1 }), 'ERR_LIMIT_EXCEEDED', 1);
  });

  const huge: [string, string][] = [
    ['byte string of 2^32', '5b0000000100000000'],
    ['byte string of 2^64-1', '5bffffffffffffffff'],
    ['text string of 2^31', '7a80000000'],
    ['array of 2^32 items', '9b000000010000000001'],
    ['array of 2^64-1 items', '9bffffffffffffffff01'],
    ['map of 2^32-1 entries', 'ba ffffffff 0101'],
  ];
  for (const [what, h] of huge) {
    it(`rejects a declared ${what} at once`, () => {
      const t0 = performance.now();
      expectAttestError(() => decodeCbor(hex(h.replace(/ /g, ''))), 'ERR_BAD_CBOR', 0);
      expect(performance.now() - t0).toBeLessThan(20);
    });
  }
});

const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom(true, false, null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .uniqueArray(
        fc.tuple(
          fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 6 })),
          tie('v'),
        ),
        {
          maxLength: 4,
          selector: ([k]) => (typeof k === 'string' ? `s${k}` : `i${k}`),
        },
      )
      .map((entries) => map(entries)),
  ),
})).v;

function plain(n: CborNode): unknown {
  switch (n.kind) {
    case 'array':
      return n.items.map(plain);
    case 'map':
      return n.entries.map((e) => [e.key.value, plain(e.value)]);
    case 'tag':
      return { tag: n.tag, item: plain(n.item) };
    default:
      return typeof n.value === 'bigint' &&
        n.value <= BigInt(Number.MAX_SAFE_INTEGER) &&
        n.value >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(n.value)
        : n.value;
  }
}

function model(v: CborValue): unknown {
  if (v instanceof Map) return [...v].map(([k, x]) => [k, model(x)]);
  if (Array.isArray(v)) return v.map(model);
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  }
  return v;
}

describe('decodeCbor: properties', () => {
  it('decoding an encoding gives back the value, with consistent spans', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = cbor(v);
        const n = decodeCbor(bytes);
        expect(plain(n)).toEqual(model(v));
        expect(n.offset).toBe(0);
        expect(n.length).toBe(bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes decode or throw AttestError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (b) => {
        try {
          decodeCbor(b, { tags: 'any' });
        } catch (e) {
          expect(e).toBeInstanceOf(AttestError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('appending a byte to any valid item is rejected as trailing data', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 255 }), (v, extra) => {
        const bytes = cbor(v);
        const withExtra = new Uint8Array([...bytes, extra]);
        expectAttestError(() => decodeCbor(withExtra), 'ERR_TRAILING_DATA', bytes.length);
      }),
      { numRuns: 300 },
    );
  });
});
