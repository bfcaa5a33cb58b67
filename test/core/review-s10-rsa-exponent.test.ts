/**
 * Review s10: an RSA public exponent above 2^32 − 1 is ERR_BAD_KEY wherever an RSA key enters
 * (JWK, SubjectPublicKeyInfo, a certificate). Verification costs one modular multiplication per
 * exponent bit, so a ~3070-bit exponent made each signature check ~60 times slower than 65537.
 * Keys here are SYNTHETIC (fresh WebCrypto keys with the exponent replaced).
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { expectAttestError } from '../support/errors.js';
import { rsaSpki } from '../support/der.js';
import { parseCertificate, parseSpki } from '../../src/core/x509.js';
import { publicKeyFromJwk } from '../../src/core/crypto.js';
import { fromBase64 } from '../../src/core/encoding.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** A ~(modulus − 4)-bit odd exponent below n: the reviewer's hostile key. */
function hugeExponent(n: Uint8Array): Uint8Array {
  const e = n.slice();
  e[0] = e[0]! >> 4;
  e[e.length - 1]! |= 1;
  return e;
}

let jwk: JsonWebKey;
let n: Uint8Array;

beforeAll(async () => {
  const kp = await subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
  jwk = await subtle.exportKey('jwk', kp.publicKey);
  n = fromBase64(jwk.n!);
});

describe('core: RSA public exponent bound (review s10)', () => {
  it('accepts exponents up to 2^32 − 1', () => {
    for (const e of [[3], [1, 0, 1], [0x7f, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff]]) {
      const bytes = Uint8Array.from(e);
      expect(publicKeyFromJwk({ ...jwk, e: b64url(bytes) }).kind).toBe('rsa');
      expect(parseSpki(rsaSpki(n, bytes)).kind).toBe('rsa');
    }
    // Leading zero bytes do not count (a JWK may carry them; DER INTEGERs are minimal).
    for (const e of [
      [0, 0, 1, 0, 1],
      [0, 0xff, 0xff, 0xff, 0xff],
    ])
      expect(publicKeyFromJwk({ ...jwk, e: b64url(Uint8Array.from(e)) }).kind).toBe('rsa');
  });

  it('refuses 2^32 + 1 and a ~2044-bit exponent: ERR_BAD_KEY from JWK and SPKI', () => {
    for (const e of [Uint8Array.from([1, 0, 0, 0, 1]), hugeExponent(n)]) {
      expectAttestError(() => publicKeyFromJwk({ ...jwk, e: b64url(e) }), 'ERR_BAD_KEY');
      // Same error and offset as the exponent rules that already held (exponent 1).
      const tooSmall = expectAttestError(
        () => parseSpki(rsaSpki(n, Uint8Array.of(1))),
        'ERR_BAD_KEY',
      );
      expectAttestError(() => parseSpki(rsaSpki(n, e)), 'ERR_BAD_KEY', tooSmall.offset);
    }
  });

  it('a certificate certifying a key with a huge exponent does not parse', async () => {
    const issuer = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const hostile = await subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n!, e: b64url(hugeExponent(n)), ext: true },
      RSA,
      true,
      ['verify'],
    );
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '01',
      subject: 'CN=Synthetic huge-exponent CA',
      issuer: 'CN=Synthetic issuer',
      publicKey: hostile,
      signingKey: issuer.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      notBefore: new Date('2021-01-01T00:00:00Z'),
      notAfter: new Date('2040-01-01T00:00:00Z'),
    });
    expectAttestError(() => parseCertificate(new Uint8Array(cert.rawData)), 'ERR_BAD_KEY');
  });
});
