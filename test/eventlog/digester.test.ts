/**
 * The hashing the event-log engine runs in its loops: `createDigester` (one reusable hasher per
 * bank: attestkit's WebAssembly SHA module where it runs, a reused `@noble/hashes` instance
 * elsewhere) and the one-shot `digest`, checked against `@noble/hashes` as the reference and
 * against the FIPS 180-4 example vectors.
 */
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { createDigester, digest, extend, type HashAlg } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import { seededBytes } from '../support/seeded-bytes.js';

const REFERENCE = { sha1, sha256, sha384, sha512 } as const;
const ALGS: readonly HashAlg[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const ref = (alg: HashAlg, data: Uint8Array): string => toHex(REFERENCE[alg](data));

/** Deterministic bytes (no Math.random: failures must reproduce). */
const bytes = seededBytes;

describe('digest and createDigester', () => {
  it('FIPS 180-4 example vectors (abc, the two-block message, empty)', () => {
    const two = ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    const cases: [HashAlg, Uint8Array, string][] = [
      ['sha1', ascii('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d'],
      ['sha1', two, '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
      ['sha1', new Uint8Array(0), 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
      ['sha256', ascii('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['sha256', two, '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
      [
        'sha256',
        new Uint8Array(0),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ],
    ];
    for (const [alg, data, expected] of cases) {
      expect(toHex(digest(alg, data))).toBe(expected);
      expect(toHex(createDigester(alg).digest(data))).toBe(expected);
    }
  });

  it('a million "a" (many blocks through one update)', () => {
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(toHex(digest('sha1', a))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
    expect(toHex(createDigester('sha256').digest(a))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('equals @noble/hashes at every length around the padding boundaries, one digester reused', () => {
    for (const alg of ALGS) {
      const d = createDigester(alg);
      for (let n = 0; n <= 300; n++) {
        const data = bytes(n, n + 1);
        const expected = ref(alg, data);
        expect(toHex(digest(alg, data)), `${alg} ${n}`).toBe(expected);
        expect(toHex(d.digest(data)), `${alg} ${n}`).toBe(expected);
      }
    }
  });

  fcTest.prop([
    fc.constantFrom(...ALGS),
    fc.uint8Array({ maxLength: 700 }),
    fc.nat(700),
    fc.nat(700),
  ])('digestParts, extend and extendInPlace hash the concatenation', (alg, data, i, j) => {
    const a = Math.min(i, j, data.length);
    const b = Math.min(Math.max(i, j), data.length);
    const d = createDigester(alg);
    const expected = ref(alg, data);
    expect(toHex(d.digestParts([data.subarray(0, a), data.subarray(a, b), data.subarray(b)]))).toBe(
      expected,
    );
    expect(toHex(d.extend(data.subarray(0, a), data.subarray(a)))).toBe(expected);
    expect(toHex(extend(alg, data.subarray(0, a), data.subarray(a)))).toBe(expected);
    // A register extended in place holds H(register ‖ measurement); the input is not kept.
    const register = bytes(d.size, a + 7);
    const before = register.slice();
    d.extendInPlace(register, data);
    expect(toHex(register)).toBe(toHex(REFERENCE[alg](Uint8Array.from([...before, ...data]))));
  });

  it('interleaved digesters and one-shot digests do not share state', () => {
    const x = createDigester('sha256');
    const y = createDigester('sha256');
    const m = bytes(100, 3);
    const first = x.extend(new Uint8Array(32), m);
    expect(toHex(y.digest(m))).toBe(ref('sha256', m));
    expect(toHex(digest('sha256', m))).toBe(ref('sha256', m));
    expect(toHex(x.extend(new Uint8Array(32), m))).toBe(toHex(first));
    expect(first).not.toBe(x.extend(new Uint8Array(32), m)); // a fresh array per call
  });

  it('rejects what it cannot hash', () => {
    const d = createDigester('sha256');
    expect(() => d.digest('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => d.extend(new Uint8Array(32), [1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => d.extendInPlace(new Uint8Array(20), new Uint8Array(32))).toThrow(RangeError);
    expect(() =>
      createDigester('sha384').extendInPlace(new Uint8Array(32), new Uint8Array(48)),
    ).toThrow(RangeError);
    expect(() => createDigester('md5' as HashAlg)).toThrow(TypeError);
    expect(() => digest('md5' as HashAlg, new Uint8Array(1))).toThrow(TypeError);
    expect(() => extend('md5' as HashAlg, new Uint8Array(1), new Uint8Array(1))).toThrow(TypeError);
  });
});
