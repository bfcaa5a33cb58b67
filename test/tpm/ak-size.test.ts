/**
 * RSA signing keys under 2048 bits are refused by quote and certify verification (a review found
 * a real swtpm RSA-1024 AK accepted with every check passing). SYNTHETIC keys and statements,
 * signed by test keys made here.
 */
import { describe, expect, it } from 'vitest';
import {
  verifyTpmCertify,
  verifyTpmQuote,
  type TpmCertifyVerification,
  type TpmQuoteVerification,
} from '../../src/tpm/index.js';
import { forgeCertify, forgeKey, forgeQuote } from './support/forge.js';

type Verification = TpmQuoteVerification | TpmCertifyVerification;
const st = (r: Verification, id: string): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;
const failed = (r: Verification): string[] =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('RSA signing keys under 2048 bits', () => {
  const nonce = Uint8Array.of(9, 8, 7, 6);

  it('a quote by an RSA-1024 AK fails tpm.quote.ak, whatever form the key takes', async () => {
    const ak = await forgeKey('rsassa', 'sha256', { rsaBits: 1024 });
    const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce });
    for (const akPublic of [ak.publicArea, ak.pem, ak.jwk]) {
      const r = await verifyTpmQuote({ ...q, akPublic }, { nonce });
      expect(r.ok).toBe(false);
      expect(failed(r)).toEqual(['tpm.quote.ak']);
      expect(r.checks.find((c) => c.id === 'tpm.quote.ak')?.message).toMatch(/RSA-1024.*2048/);
      // Every other problem is still reported: the signature itself is checked.
      expect(st(r, 'tpm.quote.signature')).toBe('pass');
      expect(r.pcrs).toEqual({});
    }
  });

  it('RSA-2048 and RSA-3072 AKs pass tpm.quote.ak', async () => {
    for (const bits of [2048, 3072]) {
      const ak = await forgeKey('rsapss', 'sha256', { rsaBits: bits });
      const q = await forgeQuote({ key: ak, selection: [['sha256', [0]]], nonce });
      const r = await verifyTpmQuote({ ...q, akPublic: ak.publicArea }, { nonce });
      expect(failed(r)).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it('a certify signed by an RSA-1024 key fails tpm.certify.signer', async () => {
    const signer = await forgeKey('rsassa', 'sha256', { rsaBits: 1024 });
    const object = await forgeKey('p256');
    const { attest, signature } = await forgeCertify(signer, object, nonce);
    const r = await verifyTpmCertify(
      {
        attest,
        signature,
        signerPublic: signer.publicArea,
        objectPublic: object.publicArea,
      },
      { nonce },
    );
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual(['tpm.certify.signer']);
    expect(st(r, 'tpm.certify.signature')).toBe('pass');
    expect(st(r, 'tpm.certify.name')).toBe('pass');
  });
});
