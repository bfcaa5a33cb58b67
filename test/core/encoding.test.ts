import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodePem,
  derFromInput,
  dersFromInput,
  encodePem,
  equalBytes,
  fromBase64,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
  utf8Decode,
} from '../../src/core/encoding.js';
import { expectAttestError } from '../support/errors.js';

describe('encodings', () => {
  it('hex round-trips and rejects bad input with the offending offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(Array.from(fromHex(toHex(b)))).toEqual(Array.from(b));
      }),
    );
    expect(fromHex('00FFaB')).toEqual(new Uint8Array([0, 255, 0xab]));
    expectAttestError(() => fromHex('abc'), 'ERR_BAD_ENCODING');
    expectAttestError(() => fromHex('00zz'), 'ERR_BAD_ENCODING', 2);
  });

  it('base64 and base64url, padded and unpadded, round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (b) => {
        const want = Array.from(b);
        expect(Array.from(fromBase64(toBase64(b)))).toEqual(want);
        expect(Array.from(fromBase64(toBase64Url(b)))).toEqual(want);
        expect(Array.from(fromBase64(toBase64(b).replace(/=+$/, '')))).toEqual(want);
      }),
    );
  });

  it('base64 rejects bad characters, bad padding, mixed alphabets and non-zero pad bits', () => {
    expectAttestError(() => fromBase64('AA*A'), 'ERR_BAD_ENCODING', 2);
    expectAttestError(() => fromBase64('AAA=='), 'ERR_BAD_ENCODING');
    expectAttestError(() => fromBase64('A'), 'ERR_BAD_ENCODING');
    expectAttestError(() => fromBase64('+A-A'), 'ERR_BAD_ENCODING', 2);
    expectAttestError(() => fromBase64('AB=='), 'ERR_BAD_ENCODING');
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]));
  });

  it('PEM bundles decode in order, ignore text between blocks and reject mismatched labels', () => {
    const a = new Uint8Array([0x30, 1, 2]);
    const b = new Uint8Array([0x30, 3]);
    const text = `junk\n${encodePem('CERTIFICATE', a)}comment\n${encodePem('X509 CRL', b)}\u0000`;
    expect(decodePem(text)).toEqual([
      { label: 'CERTIFICATE', der: a },
      { label: 'X509 CRL', der: b },
    ]);
    expect(dersFromInput(text, 'X509 CRL')).toEqual([b]);
    expect(derFromInput(new TextEncoder().encode(text))).toEqual(a);
    expect(derFromInput(a)).toBe(a);
    expect(dersFromInput([a, text])).toEqual([a, a, b]);
    expectAttestError(
      () => decodePem('-----BEGIN A-----\nAA==\n-----END B-----'),
      'ERR_BAD_ENCODING',
    );
    expectAttestError(
      () => decodePem('-----BEGIN A-----\nA*==\n-----END A-----'),
      'ERR_BAD_ENCODING',
    );
    expectAttestError(() => derFromInput('no pem here'), 'ERR_BAD_ENCODING');
  });

  it('equalBytes compares by value and length', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
    expect(() => equalBytes('a' as unknown as Uint8Array, new Uint8Array())).toThrow(TypeError);
  });

  it('utf8Decode is strict', () => {
    expectAttestError(() => utf8Decode(new Uint8Array([0xc3])), 'ERR_BAD_ENCODING');
    expect(utf8Decode(new Uint8Array([0xc3, 0xa9]))).toBe('é');
  });

  it('type confusion: text decoders want strings', () => {
    for (const bad of [null, 1, new Uint8Array(), {}]) {
      expect(() => fromHex(bad as unknown as string)).toThrow(TypeError);
      expect(() => fromBase64(bad as unknown as string)).toThrow(TypeError);
      expect(() => decodePem(bad as unknown as string)).toThrow(TypeError);
    }
  });
});
