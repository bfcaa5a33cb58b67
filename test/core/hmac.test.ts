/**
 * `hmacDigest` (core, used by makeCredential's KDFa and outer HMAC) against RFC 2202 / RFC 4231
 * known answers and against node:crypto for keys shorter than, equal to and longer than a block.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacDigest } from '../../src/core/hash.js';
import { toHex } from '../../src/core/encoding.js';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('hmacDigest', () => {
  it('matches the RFC known answers ("Jefe")', () => {
    const key = te('Jefe');
    const msg = te('what do ya want for nothing?');
    expect(toHex(hmacDigest('sha1', key, msg))).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
    expect(toHex(hmacDigest('sha256', key, msg))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(toHex(hmacDigest('sha512', key, msg))).toBe(
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    );
  });

  it('matches node:crypto for every hash and key length around the block size', () => {
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      for (const keyLength of [0, 1, 20, 63, 64, 65, 127, 128, 129, 300]) {
        const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 7 + 3) & 0xff);
        const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 13) & 0xff);
        const want = createHmac(alg, key).update(data).digest('hex');
        expect(toHex(hmacDigest(alg, key, data))).toBe(want);
      }
    }
  });

  it('refuses unknown hashes and non-bytes', () => {
    expect(() => hmacDigest('md5' as 'sha1', new Uint8Array(1), new Uint8Array(1))).toThrow(
      TypeError,
    );
    expect(() => hmacDigest('sha256', 'k' as unknown as Uint8Array, new Uint8Array(1))).toThrow(
      TypeError,
    );
  });
});
