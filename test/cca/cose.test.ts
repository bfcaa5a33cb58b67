/** COSE_Sign1, Sig_structure, COSE_Key (src/cca/cose.ts) and platform key inputs (keys.ts). */
import { describe, expect, it } from 'vitest';
import {
  ccaPublicKey,
  coseSigStructure,
  decodeCoseKey,
  parseCcaToken,
  parseCoseSign1,
} from '../../src/cca/index.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex, utf8Encode } from '../../src/core/encoding.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, hex, readVector, readVectorText } from '../support/vectors.js';
import { cbor, map, Raw, Tagged } from './support/cbor-encode.js';
import { coseKey, generateTestKey, signCose } from './support/mint.js';
import { publicJwkOf } from './support/expected.js';

describe('coseSigStructure', () => {
  it('is ["Signature1", protected, h\'\', payload] with the bytes as given', () => {
    const prot = hex('a1013822');
    const payload = new Uint8Array(300).fill(7);
    expect(coseSigStructure(prot, payload)).toEqual(
      concatBytes(hex('846a5369676e61747572653144a1013822405901 2c'.replace(' ', '')), payload),
    );
  });
  it('puts an empty protected header as the empty byte string (0x40)', () => {
    expect(toHex(coseSigStructure(new Uint8Array(0), hex('a0')))).toBe(
      '846a5369676e617475726531404041a0',
    );
  });
  it('includes external AAD when given', () => {
    expect(toHex(coseSigStructure(hex('a10126'), hex('01'), hex('aabb')))).toBe(
      '846a5369676e61747572653143a1012642aabb4101',
    );
  });
});

describeVectors('parseCoseSign1 on vectors', () => {
  it('keeps offsets absolute and the payload exact', () => {
    const bytes = readVector('cca', 'tokens/tfm-cca-example-token.cbor');
    const t = parseCcaToken(bytes);
    const p = t.platform.cose;
    expect(p.offset).toBe(t.collection!.platformOffset);
    expect(bytes.subarray(p.offset, p.offset + p.raw.length)).toEqual(p.raw);
    expect(bytes.subarray(p.payloadOffset, p.payloadOffset + p.payload.length)).toEqual(p.payload);
    expect(p.toBeSigned).toEqual(coseSigStructure(p.protectedHeader, p.payload));
  });
});

describe('parseCoseSign1', () => {
  const payload = cbor(map([[10, new Uint8Array(32)]]));
  const sig = new Uint8Array(96);
  const prot = cbor(map([[1, -35]]));

  it('parses tagged and untagged forms alike', () => {
    const untagged = parseCoseSign1(cbor([prot, map([]), payload, sig]));
    const tagged = parseCoseSign1(cbor(new Tagged(18, [prot, map([]), payload, sig])));
    expect(untagged.tagged).toBe(false);
    expect(tagged.tagged).toBe(true);
    expect(untagged.algName).toBe('ES384');
    expect(untagged.toBeSigned).toEqual(tagged.toBeSigned);
  });

  it('takes kid from either bucket', () => {
    const a = parseCoseSign1(
      cbor([
        cbor(
          map([
            [1, -7],
            [4, hex('01')],
          ]),
        ),
        map([]),
        payload,
        sig,
      ]),
    );
    const b = parseCoseSign1(cbor([cbor(map([[1, -7]])), map([[4, hex('02')]]), payload, sig]));
    expect(a.kid).toEqual(hex('01'));
    expect(b.kid).toEqual(hex('02'));
    expect(b.unprotectedLabels).toEqual([4]);
  });

  it('leaves alg undefined for an empty protected header (zero-length or empty map)', () => {
    expect(parseCoseSign1(cbor([new Uint8Array(0), map([]), payload, sig])).alg).toBeUndefined();
    expect(parseCoseSign1(cbor([hex('a0'), map([]), payload, sig])).alg).toBeUndefined();
    expect(parseCoseSign1(cbor([prot, map([]), payload, sig])).protectedLabels).toEqual([1]);
  });

  it('reports an unsupported alg by id without a name', () => {
    const s = parseCoseSign1(cbor([cbor(map([[1, -8]])), map([]), payload, sig]));
    expect(s.alg).toBe(-8);
    expect(s.algName).toBeUndefined();
  });

  const bad: [string, Uint8Array, string, number][] = [
    ['a map instead of an array', cbor(map([[1, 2]])), 'ERR_BAD_COSE', 0],
    ['an array of 3', cbor([prot, map([]), payload]), 'ERR_BAD_COSE', 0],
    [
      'a protected header that is not a bstr',
      cbor([map([[1, -7]]), map([]), payload, sig]),
      'ERR_BAD_COSE',
      1,
    ],
    [
      'a protected header that is not a map',
      cbor([cbor([1]), map([]), payload, sig]),
      'ERR_BAD_COSE',
      2,
    ],
    ['an unprotected header that is not a map', cbor([prot, [], payload, sig]), 'ERR_BAD_COSE', 6],
    [
      'alg in the unprotected header',
      cbor([new Uint8Array(0), map([[1, -7]]), payload, sig]),
      'ERR_BAD_COSE',
      2,
    ],
    [
      'a label in both buckets',
      cbor([
        cbor(
          map([
            [1, -7],
            [4, hex('01')],
          ]),
        ),
        map([[4, hex('01')]]),
        payload,
        sig,
      ]),
      'ERR_BAD_COSE',
      8,
    ],
    ['a text alg', cbor([cbor(map([[1, 'ES256']])), map([]), payload, sig]), 'ERR_BAD_COSE', 4],
    [
      'a crit header',
      cbor([
        cbor(
          map([
            [1, -7],
            [2, [4]],
          ]),
        ),
        map([]),
        payload,
        sig,
      ]),
      'ERR_UNSUPPORTED',
      1,
    ],
    ['a detached payload', cbor([prot, map([]), null, sig]), 'ERR_UNSUPPORTED', 7],
    ['a text payload', cbor([prot, map([]), 'x', sig]), 'ERR_BAD_COSE', 7],
    ['a signature that is not a bstr', cbor([prot, map([]), payload, 0]), 'ERR_BAD_COSE', 45],
    ['another tag', cbor(new Tagged(17, [prot, map([]), payload, sig])), 'ERR_BAD_CBOR', 0],
    [
      'trailing bytes',
      concatBytes(cbor([prot, map([]), payload, sig]), hex('00')),
      'ERR_TRAILING_DATA',
      143,
    ],
  ];
  for (const [what, bytes, code, offset] of bad) {
    it(`rejects ${what}`, () => {
      expectAttestError(() => parseCoseSign1(bytes), code as 'ERR_BAD_COSE', offset);
    });
  }
});

describe('decodeCoseKey', () => {
  it('decodes an EC2 key, tolerating extra public labels', async () => {
    const k = await generateTestKey('P-256');
    const d = decodeCoseKey(
      coseKey(k, [
        [3, -7],
        [2, hex('6b6964')],
      ]),
    );
    expect(d.key).toEqual({ kind: 'ec', curve: 'P-256', x: k.x, y: k.y });
    expect(d.alg).toBe(-7);
    expect(d.labels).toEqual([1, -1, -2, -3, 3, 2]);
    expect(d.hasPrivateKey).toBe(false);
  });

  it('reports the private scalar d', async () => {
    const k = await generateTestKey('P-384');
    expect(decodeCoseKey(coseKey(k, [[-4, k.d]])).hasPrivateKey).toBe(true);
  });

  it('decodes P-521', async () => {
    const k = await generateTestKey('P-521');
    expect(decodeCoseKey(coseKey(k)).key.curve).toBe('P-521');
  });

  const x = new Uint8Array(48).fill(1);
  const bad: [string, Uint8Array, string, number][] = [
    ['not a map', cbor([1]), 'ERR_BAD_KEY', 0],
    [
      'no kty',
      cbor(
        map([
          [-1, 2],
          [-2, x],
          [-3, x],
        ]),
      ),
      'ERR_BAD_KEY',
      0,
    ],
    [
      'kty OKP',
      cbor(
        map([
          [1, 1],
          [-1, 6],
          [-2, x],
        ]),
      ),
      'ERR_UNSUPPORTED',
      2,
    ],
    [
      'an unknown curve',
      cbor(
        map([
          [1, 2],
          [-1, 8],
          [-2, x],
          [-3, x],
        ]),
      ),
      'ERR_UNSUPPORTED',
      4,
    ],
    [
      'no crv',
      cbor(
        map([
          [1, 2],
          [-2, x],
          [-3, x],
        ]),
      ),
      'ERR_BAD_KEY',
      0,
    ],
    [
      'no x',
      cbor(
        map([
          [1, 2],
          [-1, 2],
          [-3, x],
        ]),
      ),
      'ERR_BAD_KEY',
      0,
    ],
    [
      'a short y',
      cbor(
        map([
          [1, 2],
          [-1, 2],
          [-2, x],
          [-3, x.subarray(1)],
        ]),
      ),
      'ERR_BAD_KEY',
      57,
    ],
    [
      'a compressed point',
      cbor(
        map([
          [1, 2],
          [-1, 2],
          [-2, x],
          [-3, true],
        ]),
      ),
      'ERR_UNSUPPORTED',
      57,
    ],
    [
      'a text alg',
      cbor(
        map([
          [1, 2],
          [-1, 2],
          [-2, x],
          [-3, x],
          [3, 'ES384'],
        ]),
      ),
      'ERR_BAD_KEY',
      108,
    ],
  ];
  for (const [what, bytes, code, offset] of bad) {
    it(`rejects ${what}`, () => {
      expectAttestError(() => decodeCoseKey(bytes), code as 'ERR_BAD_KEY', offset);
    });
  }
});

describe('ccaPublicKey: every published key shape', () => {
  it('accepts JWK objects, JWK JSON, SEC1 points, SPKI DER/PEM, COSE_Key and hex', async () => {
    for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
      const k = await generateTestKey(curve);
      const expected = { kind: 'ec', curve, x: k.x, y: k.y };
      const spki = new Uint8Array(
        await globalThis.crypto.subtle.exportKey(
          'spki',
          await globalThis.crypto.subtle.importKey(
            'jwk',
            k.publicJwk,
            { name: 'ECDSA', namedCurve: curve },
            true,
            ['verify'],
          ),
        ),
      );
      const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki).toString('base64')}\n-----END PUBLIC KEY-----\n`;
      expect(ccaPublicKey(k.publicJwk)).toEqual(expected);
      expect(ccaPublicKey(JSON.stringify(k.publicJwk))).toEqual(expected);
      expect(ccaPublicKey(k.point)).toEqual(expected);
      expect(ccaPublicKey(toHex(k.point))).toEqual(expected);
      expect(ccaPublicKey(spki)).toEqual(expected);
      expect(ccaPublicKey(pem)).toEqual(expected);
      expect(ccaPublicKey(utf8Encode(pem))).toEqual(expected);
      expect(ccaPublicKey(coseKey(k))).toEqual(expected);
    }
  });

  it('refuses private keys in every shape', async () => {
    const k = await generateTestKey('P-384');
    expectAttestError(() => ccaPublicKey(k.privateJwk), 'ERR_BAD_KEY');
    expectAttestError(() => ccaPublicKey(coseKey(k, [[-4, k.d]])), 'ERR_BAD_KEY');
    expectAttestError(
      () => ccaPublicKey('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----'),
      'ERR_BAD_KEY',
    );
  });

  it('refuses points off the curve and out of range', async () => {
    const k = await generateTestKey('P-256');
    const off = k.point.slice();
    off[64]! ^= 1;
    expectAttestError(() => ccaPublicKey(off), 'ERR_BAD_KEY');
    const range = new Uint8Array(65).fill(0xff);
    range[0] = 4;
    expectAttestError(() => ccaPublicKey(range), 'ERR_BAD_KEY');
  });

  it('refuses other shapes', () => {
    expectAttestError(() => ccaPublicKey(hex('3003020100')), 'ERR_UNSUPPORTED');
    expectAttestError(() => ccaPublicKey(new Uint8Array(97)), 'ERR_BAD_ENCODING');
    expectAttestError(() => ccaPublicKey('{"kty":"RSA","n":"AQAB","e":"AQAB"}'), 'ERR_UNSUPPORTED');
    expectAttestError(() => ccaPublicKey('{not json'), 'ERR_BAD_JSON');
    expectAttestError(() => ccaPublicKey('[1]'), 'ERR_BAD_ENCODING');
    expectAttestError(() => ccaPublicKey(cbor(new Raw(hex('a10101')))), 'ERR_UNSUPPORTED');
    // Empty keys, and hex that decodes to text rather than a binary key, are refused (both
    // recursed between the text and byte readers until the stack overflowed).
    for (const k of ['', '  \n', new Uint8Array(0), utf8Encode(' ')])
      expectAttestError(() => ccaPublicKey(k), 'ERR_BAD_KEY');
    expectAttestError(() => ccaPublicKey(toHex(utf8Encode('abcd'))), 'ERR_BAD_KEY');
  });

  it('throws TypeError for wrong types', () => {
    for (const v of [null, undefined, 1, new ArrayBuffer(4), new Uint16Array(2)]) {
      expect(() => ccaPublicKey(v as never)).toThrow(TypeError);
    }
  });
});

describeVectors('ccaPublicKey on vector keys', () => {
  it('reads the CPAK as JWK and as PEM to the same key', () => {
    const fromJwk = ccaPublicKey(readVectorText('cca', 'keys/cpak-tfrmm-p384.json'));
    const fromPem = ccaPublicKey(readVectorText('cca', 'keys/cpak-tfrmm-p384-pem.pub'));
    expect(fromPem).toEqual(fromJwk);
    expect(ccaPublicKey(publicJwkOf('cpak-tfrmm-p384'))).toEqual(fromJwk);
    expect(ccaPublicKey(readVectorText('cca', 'keys/psa-iak-psatoken-p256.pem')).curve).toBe(
      'P-256',
    );
  });
  it('refuses the private vector keys', () => {
    expectAttestError(
      () => ccaPublicKey(readVectorText('cca', 'keys/cpak-tfrmm-p384-priv.pem')),
      'ERR_BAD_KEY',
    );
    expectAttestError(
      () => ccaPublicKey(readVectorText('cca', 'keys/rak-evcli-p384-priv.json')),
      'ERR_BAD_KEY',
    );
  });
});

describe('signCose test support sanity', () => {
  it('mints a COSE_Sign1 that parses', async () => {
    const k = await generateTestKey('P-384');
    const s = parseCoseSign1(await signCose(hex('a0'), k));
    expect(s.algName).toBe('ES384');
    expect(s.signature.length).toBe(96);
  });
});
