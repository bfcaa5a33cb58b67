/**
 * RSA public keys: the modulus must be odd and the exponent odd and at least 3 (RFC 8017 §3.1),
 * whether the key comes from a JWK or a SubjectPublicKeyInfo. Exponent 1 makes a "signature"
 * the padded message itself.
 */
import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { expectAttestError } from '../support/errors.js';
import { rsaSpki } from '../support/der.js';
import { parseSpki } from '../../src/core/x509.js';
import { publicKeyFromJwk } from '../../src/core/crypto.js';
import { fromBase64 } from '../../src/core/encoding.js';

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
    const good = rsaSpki(fromBase64(jwk.n!), new Uint8Array([1, 0, 1]));
    expect(parseSpki(good).kind).toBe('rsa');
    expectAttestError(
      () => parseSpki(rsaSpki(fromBase64(jwk.n!), new Uint8Array([1]))),
      'ERR_BAD_KEY',
    );
    expectAttestError(() => parseSpki(rsaSpki(n, new Uint8Array([1, 0, 1]))), 'ERR_BAD_KEY');
  });
});
