import { describe, expect, it, vi, afterEach } from 'vitest';
import { webcrypto } from 'node:crypto';
import {
  digest,
  digestAsync,
  ecdsaDerToRaw,
  ecKeyFromPoint,
  extend,
  publicKeyBits,
  publicKeyFromJwk,
  publicKeyToJwk,
  samePublicKey,
  verifyEcdsaNoble,
  verifySignature,
  type PublicKeyInfo,
} from '../../src/core/crypto.js';
import { fromHex, toHex } from '../../src/core/encoding.js';
import { createCache } from '../../src/core/cache.js';
import { expectAttestError } from '../support/errors.js';

const subtle = webcrypto.subtle;
const msg = new TextEncoder().encode('attestkit');

async function ecPair(curve: 'P-256' | 'P-384' | 'P-521') {
  const kp = await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ]);
  const jwk = await subtle.exportKey('jwk', kp.publicKey);
  return { kp, key: publicKeyFromJwk(jwk) };
}

/** Encodes raw r‖s as DER (test helper). */
function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = new Uint8Array([0, ...v]);
    return [0x02, v.length, ...v];
  };
  const body = [...int(raw.subarray(0, half)), ...int(raw.subarray(half))];
  return new Uint8Array(
    body.length < 128 ? [0x30, body.length, ...body] : [0x30, 0x81, body.length, ...body],
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('hashing', () => {
  it('known answers', () => {
    expect(toHex(digest('sha256', new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(digest('sha1', new TextEncoder().encode('abc')))).toBe(
      'a9993e364706816aba3e25717850c26c9cd0d89d',
    );
    expect(digest('sha384', msg)).toHaveLength(48);
    expect(digest('sha512', msg)).toHaveLength(64);
  });
  it('extend = H(register ‖ measurement)', () => {
    const reg = new Uint8Array(32);
    const m = digest('sha256', msg);
    expect(extend('sha256', reg, m)).toEqual(digest('sha256', new Uint8Array([...reg, ...m])));
  });
  it('rejects non-bytes', () => {
    expect(() => digest('sha256', 'x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('signature verification', () => {
  for (const [curve, hash, webHash] of [
    ['P-256', 'sha256', 'SHA-256'],
    ['P-256', 'sha384', 'SHA-384'],
    ['P-384', 'sha384', 'SHA-384'],
    ['P-521', 'sha512', 'SHA-512'],
  ] as const) {
    it(`ECDSA ${curve}/${hash}: raw and DER, WebCrypto and noble, and a flipped bit fails`, async () => {
      const { kp, key } = await ecPair(curve);
      const raw = new Uint8Array(
        await subtle.sign({ name: 'ECDSA', hash: webHash }, kp.privateKey, msg),
      );
      expect(await verifySignature({ key, scheme: 'ecdsa', hash, data: msg, signature: raw })).toBe(
        true,
      );
      expect(
        await verifySignature({
          key,
          scheme: 'ecdsa',
          hash,
          data: msg,
          signature: rawToDer(raw),
          signatureFormat: 'der',
        }),
      ).toBe(true);
      expect(await verifyEcdsaNoble(key as PublicKeyInfo & { kind: 'ec' }, hash, msg, raw)).toBe(
        true,
      );
      const bad = raw.slice();
      bad[3]! ^= 1;
      expect(await verifySignature({ key, scheme: 'ecdsa', hash, data: msg, signature: bad })).toBe(
        false,
      );
      expect(await verifyEcdsaNoble(key as PublicKeyInfo & { kind: 'ec' }, hash, msg, bad)).toBe(
        false,
      );
    });
  }

  it('digestAsync equals digest through WebCrypto and through the lazy noble fallback', async () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
    const view = data.subarray(3, 700);
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      expect(toHex(await digestAsync(alg, view))).toBe(toHex(digest(alg, view)));
    }
    vi.stubGlobal('crypto', {});
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      expect(toHex(await digestAsync(alg, view))).toBe(toHex(digest(alg, view)));
    }
    await expect(digestAsync('md5' as 'sha1', view)).rejects.toThrow(TypeError);
    await expect(digestAsync('sha256', [1, 2] as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });

  it('falls back to @noble/curves when crypto.subtle is missing', async () => {
    const { kp, key } = await ecPair('P-384');
    const raw = new Uint8Array(
      await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, kp.privateKey, msg),
    );
    vi.stubGlobal('crypto', {});
    expect(
      await verifySignature({ key, scheme: 'ecdsa', hash: 'sha384', data: msg, signature: raw }),
    ).toBe(true);
    raw[0]! ^= 1;
    expect(
      await verifySignature({ key, scheme: 'ecdsa', hash: 'sha384', data: msg, signature: raw }),
    ).toBe(false);
    const rsa: PublicKeyInfo = {
      kind: 'rsa',
      n: new Uint8Array(256).fill(0xff),
      e: new Uint8Array([1, 0, 1]),
    };
    await expect(
      verifySignature({
        key: rsa,
        scheme: 'rsa-pkcs1',
        hash: 'sha256',
        data: msg,
        signature: new Uint8Array(256),
      }),
    ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('RSA PKCS#1 v1.5 and RSA-PSS with an explicit salt length', async () => {
    const pkcs = await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const key = publicKeyFromJwk(await subtle.exportKey('jwk', pkcs.publicKey));
    expect(publicKeyBits(key)).toBe(2048);
    const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', pkcs.privateKey, msg));
    const cache = createCache();
    expect(
      await verifySignature({
        key,
        scheme: 'rsa-pkcs1',
        hash: 'sha256',
        data: msg,
        signature: sig,
        cache,
      }),
    ).toBe(true);
    expect(
      await verifySignature({
        key,
        scheme: 'rsa-pkcs1',
        hash: 'sha256',
        data: msg.subarray(1),
        signature: sig,
        cache,
      }),
    ).toBe(false);
    expect(cache.size).toBe(1); // the imported key, once

    const pss = await subtle.generateKey(
      {
        name: 'RSA-PSS',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-384',
      },
      true,
      ['sign', 'verify'],
    );
    const pkey = publicKeyFromJwk(await subtle.exportKey('jwk', pss.publicKey));
    const psig = new Uint8Array(
      await subtle.sign({ name: 'RSA-PSS', saltLength: 48 }, pss.privateKey, msg),
    );
    expect(
      await verifySignature({
        key: pkey,
        scheme: 'rsa-pss',
        hash: 'sha384',
        data: msg,
        signature: psig,
        saltLength: 48,
      }),
    ).toBe(true);
    expect(
      await verifySignature({
        key: pkey,
        scheme: 'rsa-pss',
        hash: 'sha384',
        data: msg,
        signature: psig,
        saltLength: 32,
      }),
    ).toBe(false);
    await expect(
      verifySignature({ key: pkey, scheme: 'rsa-pss', hash: 'sha384', data: msg, signature: psig }),
    ).rejects.toThrow(TypeError);
  });

  it('malformed signatures are typed errors, not false', async () => {
    const { key } = await ecPair('P-256');
    await expect(
      verifySignature({
        key,
        scheme: 'ecdsa',
        hash: 'sha256',
        data: msg,
        signature: new Uint8Array(63),
      }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_SIGNATURE_ENCODING' });
    expectAttestError(
      () => ecdsaDerToRaw(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x80]), 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    expectAttestError(
      () =>
        ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]), 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    expectAttestError(
      () =>
        ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]), 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    await expect(
      verifySignature({
        key,
        scheme: 'rsa-pss',
        hash: 'sha256',
        data: msg,
        signature: new Uint8Array(64),
      }),
    ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('keys: JWK round trip, SEC1 points, private JWKs refused, off-curve points refused by WebCrypto', async () => {
    const { key } = await ecPair('P-256');
    expect(samePublicKey(publicKeyFromJwk(publicKeyToJwk(key)), key)).toBe(true);
    if (key.kind !== 'ec') throw new Error('ec');
    const point = new Uint8Array([4, ...key.x, ...key.y]);
    expect(samePublicKey(ecKeyFromPoint('P-256', point), key)).toBe(true);
    expectAttestError(() => ecKeyFromPoint('P-256', point.subarray(1)), 'ERR_BAD_KEY');
    const kp = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    expectAttestError(
      () =>
        publicKeyFromJwk(kp.privateKey && { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' }),
      'ERR_BAD_KEY',
    );
    expectAttestError(
      () => publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AA' }),
      'ERR_UNSUPPORTED',
    );
    const offCurve = ecKeyFromPoint(
      'P-256',
      new Uint8Array([4, ...new Uint8Array(31), 1, ...new Uint8Array(31), 1]),
    );
    await expect(
      verifySignature({
        key: offCurve,
        scheme: 'ecdsa',
        hash: 'sha256',
        data: msg,
        signature: new Uint8Array(64),
      }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_KEY' });
    expect(fromHex('00')).toHaveLength(1);
  });
});
