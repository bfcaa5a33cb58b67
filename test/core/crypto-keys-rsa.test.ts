/**
 * RSA public keys: the modulus must be odd and the exponent odd and at least 3 (RFC 8017 §3.1),
 * whether the key comes from a JWK or a SubjectPublicKeyInfo. Exponent 1 makes a "signature"
 * the padded message itself.
 */
import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { expectAttestError } from '../support/errors.js';
import { parseSpki } from '../../src/core/x509.js';
import { publicKeyFromJwk } from '../../src/core/crypto.js';
import { fromBase64 } from '../../src/core/encoding.js';

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Uint8Array.from([tag, ...len, ...content]);
}

/** SubjectPublicKeyInfo of rsaEncryption with the given modulus and exponent (DER). */
function spkiOf(n: Uint8Array, e: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): Uint8Array =>
    tlv(2, (b[0]! & 0x80) !== 0 ? Uint8Array.from([0, ...b]) : b);
  const alg = tlv(
    0x30,
    Uint8Array.from([
      ...tlv(6, Uint8Array.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1])),
      5,
      0,
    ]),
  );
  const key = tlv(0x30, Uint8Array.from([...int(n), ...int(e)]));
  return tlv(0x30, Uint8Array.from([...alg, ...tlv(3, Uint8Array.from([0, ...key]))]));
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

describe('core: RSA public key sanity', () => {
  it('a real RSA-2048 key passes; exponent 1, an even exponent or an even modulus is ERR_BAD_KEY', async () => {
    const kp = await webcrypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const jwk = await webcrypto.subtle.exportKey('jwk', kp.publicKey);
    expect(publicKeyFromJwk(jwk).kind).toBe('rsa');
    const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', kp.publicKey));
    expect(parseSpki(spki).kind).toBe('rsa');

    for (const e of [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([1, 0, 0])])
      expectAttestError(() => publicKeyFromJwk({ ...jwk, e: b64url(e) }), 'ERR_BAD_KEY');
    const n = fromBase64(jwk.n!);
    n[n.length - 1]! &= 0xfe;
    expectAttestError(() => publicKeyFromJwk({ ...jwk, n: b64url(n) }), 'ERR_BAD_KEY');

    // The same rules through DER.
    const good = spkiOf(fromBase64(jwk.n!), new Uint8Array([1, 0, 1]));
    expect(parseSpki(good).kind).toBe('rsa');
    expectAttestError(
      () => parseSpki(spkiOf(fromBase64(jwk.n!), new Uint8Array([1]))),
      'ERR_BAD_KEY',
    );
    expectAttestError(() => parseSpki(spkiOf(n, new Uint8Array([1, 0, 1]))), 'ERR_BAD_KEY');
  });
});
