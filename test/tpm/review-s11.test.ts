/**
 * Review findings, session 11 (each reproduced by a script first):
 * - creation data the caller gives is bound only by a TPM_ST_ATTEST_CREATION statement: with a
 *   plain Certify (which the prover may send instead) `tpm.certify.creation-hash` fails;
 * - the exported tables that steer parsing and verification are frozen.
 * SYNTHETIC keys and statements (test/tpm/support/forge.ts).
 */
import { describe, expect, it } from 'vitest';
import { expectFrozenTables } from '../support/frozen.js';
import { forgeCertify, forgeKey } from './support/forge.js';
import {
  encodeTpmsAttest,
  TCG_OID,
  TPM_ALG,
  TPM_ALG_NAMES,
  TPM_ECC,
  TPM_ECC_NAMES,
  TPM_EK_NV_INDEX,
  TPM_HASH_SIZES,
  TPM_RH,
  TPM_ST,
  TPMA_OBJECT,
  tpmName,
  verifyTpmCertify,
} from '../../src/tpm/index.js';
import { digest } from '../../src/core/crypto.js';

/** SYNTHETIC TPMS_CREATION_DATA-shaped bytes the prover made up (never parsed by the check). */
const madeUp = new TextEncoder().encode('SYNTHETIC creation data nothing signed');

describe('verifyTpmCertify: given creation data must be signed', () => {
  it('a plain Certify with creationData fails tpm.certify.creation-hash (required)', async () => {
    const signer = await forgeKey('rsassa');
    const object = await forgeKey('p256');
    const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const certify = await forgeCertify(signer, object, nonce);
    const evidence = {
      ...certify,
      signerPublic: signer.publicArea,
      objectPublic: object.publicArea,
    };
    const plain = await verifyTpmCertify(evidence, { nonce });
    expect(plain.ok).toBe(true);
    const withData = await verifyTpmCertify({ ...evidence, creationData: madeUp }, { nonce });
    expect(withData.ok).toBe(false);
    const c = withData.checks.find((x) => x.id === 'tpm.certify.creation-hash')!;
    expect(c).toMatchObject({ status: 'fail', required: true });
    expect(c.message).toMatch(/not TPM_ST_ATTEST_CREATION/);
  });

  it('a CertifyCreation whose creationHash covers the data passes; other data fails', async () => {
    const signer = await forgeKey('rsassa');
    const object = await forgeKey('p256');
    const nonce = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
    const attest = encodeTpmsAttest({
      qualifiedSigner: new Uint8Array(34),
      extraData: nonce,
      clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true },
      firmwareVersion: 0n,
      attested: {
        type: 'creation',
        objectName: tpmName(object.publicArea),
        creationHash: digest('sha256', madeUp),
      },
    });
    const evidence = {
      attest,
      signature: await signer.sign(attest),
      signerPublic: signer.publicArea,
      objectPublic: object.publicArea,
    };
    const good = await verifyTpmCertify({ ...evidence, creationData: madeUp }, { nonce });
    expect(good.ok).toBe(true);
    expect(good.checks.find((x) => x.id === 'tpm.certify.creation-hash')?.status).toBe('pass');
    const other = await verifyTpmCertify(
      { ...evidence, creationData: madeUp.subarray(1) },
      { nonce },
    );
    expect(other.ok).toBe(false);
    // Without creation data the statement's creationHash binds nothing the caller reads.
    const none = await verifyTpmCertify(evidence, { nonce });
    expect(none.checks.find((x) => x.id === 'tpm.certify.creation-hash')).toMatchObject({
      status: 'skip',
      required: false,
    });
  });
});

describe('TPM tables are frozen', () => {
  it('every exported table (and the objects it holds) refuses edits', () => {
    expectFrozenTables([
      TPM_ST,
      TPM_ALG,
      TPM_ALG_NAMES,
      TPM_HASH_SIZES,
      TPM_ECC,
      TPM_ECC_NAMES,
      TPMA_OBJECT,
      TPM_RH,
      TPM_EK_NV_INDEX,
      TCG_OID,
    ]);
    expect(() => {
      (TPMA_OBJECT as { restricted: number }).restricted = 0;
    }).toThrow(TypeError);
  });
});
