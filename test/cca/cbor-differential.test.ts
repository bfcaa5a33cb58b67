/**
 * The own CBOR head reader (src/cca/cbor.ts) against the decoder it replaced, which read heads with
 * `cborg`'s Tokenizer (test/cca/support/cbor-cborg-oracle.ts): on every input both must reject
 * with the same error code at the same offset, or both decode to the same tree.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCbor, type CborDecodeOptions } from '../../src/cca/cbor.js';
import { AttestError } from '../../src/core/errors.js';
import { hex } from '../support/vectors.js';
import { decodeCborWithCborg } from './support/cbor-cborg-oracle.js';
import { cbor, map, Tagged, type CborValue } from './support/cbor-encode.js';

type Outcome =
  | { readonly ok: true; readonly node: unknown }
  | { readonly ok: false; readonly code: string; readonly offset: number | undefined };

function run(f: () => unknown): Outcome {
  try {
    return { ok: true, node: f() };
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return { ok: false, code: e.code, offset: e.offset };
  }
}

function same(bytes: Uint8Array, options: CborDecodeOptions = { tags: 'any' }): Outcome {
  const own = run(() => decodeCbor(bytes, options));
  const oracle = run(() => decodeCborWithCborg(bytes, options));
  expect(own, Buffer.from(bytes).toString('hex')).toEqual(oracle);
  return own;
}

const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.string({ unit: 'grapheme' }),
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom(true, false, null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.tuple(fc.integer({ min: 0, max: 70000 }), tie('v')).map(([t, v]) => new Tagged(t, v)),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), tie('v')), {
        maxLength: 4,
        selector: ([k]) => (typeof k === 'string' ? `s${k}` : `i${k}`),
      })
      .map((entries) => map(entries)),
  ),
})).v;

describe('decodeCbor agrees with the cborg-based decoder it replaced', () => {
  it('on every initial byte followed by each of a set of tails', () => {
    const tails = [
      '',
      '00',
      '17',
      '18',
      '1f',
      'ff',
      '0000',
      '00ff',
      '0100',
      'ffff',
      '00000000',
      '0000ffff',
      '00010000',
      'ffffffff',
      '0000000000000000',
      '00000000ffffffff',
      '0000000100000000',
      '001fffffffffffff',
      '0020000000000000',
      'ffffffffffffffff',
      '3c00',
      '7c00',
      '7e00',
      '8000',
      '7f800000',
      '7ff8000000000000',
    ];
    let decoded = 0;
    for (let b = 0; b < 256; b++) {
      for (const t of tails) {
        const input = hex(b.toString(16).padStart(2, '0') + t);
        if (same(input).ok) decoded++;
        if (same(input, {}).ok) decoded++;
      }
    }
    // Not vacuous: many of these heads are whole items (integers, floats, simple values).
    expect(decoded).toBeGreaterThan(300);
  });

  it('on encodings of random values', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(same(cbor(v)).ok).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('on random mutations of valid encodings', () => {
    fc.assert(
      fc.property(
        value,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(2)), {
          minLength: 1,
          maxLength: 3,
        }),
        (v, edits) => {
          const b = [...cbor(v)];
          for (const [at, byte, op] of edits) {
            const i = b.length === 0 ? 0 : at % (b.length + (op === 1 ? 1 : 0));
            if (op === 0 && b.length > 0) b[i % b.length] = byte;
            else if (op === 1) b.splice(i, 0, byte);
            else if (b.length > 0) b.splice(i % b.length, 1);
          }
          same(new Uint8Array(b));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        same(b);
        same(b, { tags: [18], maxDepth: 3, base: 7 });
      }),
      { numRuns: 5000 },
    );
  });

  it('on bad UTF-8 and surrogates in text strings', () => {
    for (const h of ['62c328', '63eda080', '64f0908080', '62c0af', '64f4908080', '6141']) {
      same(hex(h));
    }
  });

  it('keeps a leading byte order mark as text (the cborg-based decoder dropped it)', () => {
    for (const [h, text] of [
      ['63efbbbf', '\ufeff'],
      ['64efbbbf41', '\ufeffA'],
      ['7818efbbbf' + '41'.repeat(21), '\ufeff' + 'A'.repeat(21)],
    ] as const) {
      expect(decodeCbor(hex(h))).toMatchObject({ kind: 'text', value: text });
      expect(decodeCborWithCborg(hex(h))).toMatchObject({ kind: 'text', value: text.slice(1) });
    }
  });
});

describe('decodeCbor reads the bytes it was given', () => {
  it('a Uint8Array subclass whose subarray lies does not change the text read', () => {
    class Lying extends Uint8Array {
      override subarray(): Uint8Array<ArrayBuffer> {
        return new TextEncoder().encode('evil');
      }
    }
    const bytes = new Lying(cbor('sha-256'));
    expect(decodeCbor(bytes)).toMatchObject({ kind: 'text', value: 'sha-256' });
  });
});
