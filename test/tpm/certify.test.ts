/** verifyTpmCertify: swtpm certify vectors, the Windows CertifyCreation, and synthetic negatives. */
import { describe, expect, it } from 'vitest';
import { describeVectors, hex } from '../support/vectors.js';
import { verifyTpmCertify, type TpmCertifyVerification } from '../../src/tpm/index.js';
import { toHex } from '../../src/core/encoding.js';
import { forgeCertify, forgeKey } from './support/forge.js';
import { realExpected, realFile, swtpmFile, swtpmManifest } from './support/tpm-vectors.js';

const st = (r: TpmCertifyVerification, id: string): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;
const failed = (r: TpmCertifyVerification): string[] =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describeVectors('verifyTpmCertify: swtpm', () => {
  const m = swtpmManifest();
  for (const name of ['certify_rsassa_ak_by_ecdsa_p256_ak', 'certify_ecdsa_p384_ak_by_rsapss_ak']) {
    const c = m.cases[name];
    const ev = {
      attest: swtpmFile(c.files.attest_TPMS_ATTEST),
      signature: swtpmFile(c.files.signature_TPMT_SIGNATURE),
      signerPublic: swtpmFile(c.signer_files.tpm2b_public),
      objectPublic: swtpmFile(c.object_files.tpmt_public),
    };
    it(`${name}: verifies; certified Name = Name(object)`, async () => {
      // tpm2_certify 5.4 cannot pass qualifying data and always sends 00ff55aa.
      const r = await verifyTpmCertify(ev, { nonce: hex('00ff55aa') });
      expect(failed(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(toHex(r.objectName!)).toBe(c.attest.attested.name);
      expect(st(r, 'tpm.certify.creation-hash')).toBe('skip');
      // tpm2_createak AKs (0x00050072) are TPM-resident.
      expect(st(r, 'tpm.certify.object-attributes')).toBe('pass');
    });
    it(`${name}: another object, another signer, a wrong nonce all fail`, async () => {
      const other = swtpmFile(m.keys.ek_rsa2048.files.tpmt_public);
      const r1 = await verifyTpmCertify({ ...ev, objectPublic: other }, { nonce: hex('00ff55aa') });
      expect(failed(r1)).toEqual(['tpm.certify.name']);
      const r2 = await verifyTpmCertify(
        { ...ev, signerPublic: swtpmFile(m.keys.ak_rsa2048_rsassa_sha256.files.tpm2b_public) },
        { nonce: hex('00ff55aa') },
      );
      expect(r2.ok).toBe(false);
      expect(failed(r2).length).toBeGreaterThan(0);
      expect(
        failed(r2).every((id) => id === 'tpm.certify.scheme' || id === 'tpm.certify.signature'),
      ).toBe(true);
      const r3 = await verifyTpmCertify(ev, { nonce: hex('00ff55ab') });
      expect(failed(r3)).toEqual(['tpm.certify.nonce']);
      const r4 = await verifyTpmCertify(ev);
      expect(st(r4, 'tpm.certify.nonce')).toBe('skip');
      expect(r4.ok).toBe(false);
    });
  }

  it('a quote is not a certify statement', async () => {
    const q = m.cases.quote_rsassa_multibank;
    const r = await verifyTpmCertify(
      {
        attest: swtpmFile(q.files.quote_msg_TPMS_ATTEST),
        signature: swtpmFile(q.files.signature_TPMT_SIGNATURE),
        signerPublic: swtpmFile(q.ak_files.tpm2b_public),
        objectPublic: swtpmFile(q.ak_files.tpmt_public),
      },
      { requireNonce: false },
    );
    expect(failed(r)).toEqual(['tpm.certify.type']);
    expect(st(r, 'tpm.certify.name')).toBe('skip');
  });
});

describeVectors('verifyTpmCertify: Windows TPM2_CertifyCreation of the AK', () => {
  const w = realExpected()['go-attestation/windows_gcp_shielded_vm'];
  const ev = {
    attest: realFile(w.files.creation_attest),
    signature: realFile(w.files.creation_sig),
    signerPublic: realFile(w.files.ak_tpmt_public),
    objectPublic: realFile(w.files.ak_tpmt_public),
    creationData: realFile(w.files.creation_data),
  };
  it('objectName = AK Name, creationHash = SHA-256(CreateData)', async () => {
    const r = await verifyTpmCertify(ev, { requireNonce: false, allowSha1: true });
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(st(r, 'tpm.certify.creation-hash')).toBe('pass');
    expect(st(r, 'tpm.certify.sha1')).toBe('warn');
    expect(toHex(r.objectName!)).toBe(w.ak_name);
  });
  it('altered creation data fails creation-hash; SHA-1 needs allowSha1', async () => {
    const cd = ev.creationData.slice();
    cd[cd.length - 1]! ^= 1;
    const r = await verifyTpmCertify(
      { ...ev, creationData: cd },
      { requireNonce: false, allowSha1: true },
    );
    expect(failed(r)).toEqual(['tpm.certify.creation-hash']);
    const r2 = await verifyTpmCertify(ev, { requireNonce: false });
    expect(failed(r2)).toEqual(['tpm.certify.sha1']);
  });
});

describe('verifyTpmCertify: signer attributes (synthetic keys)', () => {
  it('a non-restricted signer fails unless requireRestrictedSigner is false', async () => {
    const signer = await forgeKey('p256', 'sha256', { attributes: 0x00040072 });
    const object = await forgeKey('rsassa');
    const nonce = Uint8Array.of(1, 2, 3);
    const ev = {
      ...(await forgeCertify(signer, object, nonce)),
      signerPublic: signer.publicArea,
      objectPublic: object.publicArea,
    };
    const r = await verifyTpmCertify(ev, { nonce });
    expect(failed(r)).toEqual(['tpm.certify.signer-attributes']);
    const r2 = await verifyTpmCertify(ev, { nonce, requireRestrictedSigner: false });
    expect(st(r2, 'tpm.certify.signer-attributes')).toBe('warn');
    expect(r2.ok).toBe(true);
    await expect(verifyTpmCertify({ ...ev, objectPublic: 'x' as never })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('verifyTpmCertify: the certified object must be TPM-resident (synthetic keys)', () => {
  // AK_ATTRIBUTES 0x00050072 with one of fixedTPM (bit 1), fixedParent (bit 4),
  // sensitiveDataOrigin (bit 5) cleared, and what tpm2_loadexternal gives a software key
  // (userWithAuth | decrypt | sign: all three clear).
  for (const [label, attributes, missing] of [
    ['fixedTPM clear', 0x00050070, ['fixedTPM']],
    ['fixedParent clear', 0x00050062, ['fixedParent']],
    ['sensitiveDataOrigin clear', 0x00050052, ['sensitiveDataOrigin']],
    [
      'a TPM2_LoadExternal key (0x00060040)',
      0x00060040,
      ['fixedTPM', 'fixedParent', 'sensitiveDataOrigin'],
    ],
  ] as const) {
    it(`${label}: object-attributes fails unless allowNonResidentObject`, async () => {
      const signer = await forgeKey('p256');
      const object = await forgeKey('rsassa', 'sha256', { attributes });
      const nonce = Uint8Array.of(9, 8, 7);
      const ev = {
        ...(await forgeCertify(signer, object, nonce)),
        signerPublic: signer.publicArea,
        objectPublic: object.publicArea,
      };
      const r = await verifyTpmCertify(ev, { nonce });
      expect(failed(r)).toEqual(['tpm.certify.object-attributes']);
      expect(r.ok).toBe(false);
      const c = r.checks.find((x) => x.id === 'tpm.certify.object-attributes')!;
      expect(c.required).toBe(true);
      expect((c.detail as { missing: string[] }).missing).toEqual(missing);
      const relaxed = await verifyTpmCertify(ev, { nonce, allowNonResidentObject: true });
      expect(st(relaxed, 'tpm.certify.object-attributes')).toBe('warn');
      expect(relaxed.ok).toBe(true);
    });
  }

  it("another object's public area: object-attributes and the Name half of sha1 judge nothing", async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa', 'sha256');
    // A software key (LoadExternal attributes, SHA-1 Name) the certify does not name.
    const other = await forgeKey('rsassa', 'sha1', { attributes: 0x00060040 });
    const nonce = Uint8Array.of(4);
    const c = await forgeCertify(signer, object, nonce);
    const r = await verifyTpmCertify(
      { ...c, signerPublic: signer.publicArea, objectPublic: other.publicArea },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.certify.name']);
    expect(st(r, 'tpm.certify.object-attributes')).toBe('skip');
    const sha1 = r.checks.find((x) => x.id === 'tpm.certify.sha1')!;
    expect(sha1.status).toBe('pass');
    expect(sha1.message).toContain('binds no public area');
  });

  it('an object public area that does not parse makes object-attributes a skip', async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa');
    const nonce = Uint8Array.of(1);
    const c = await forgeCertify(signer, object, nonce);
    const r = await verifyTpmCertify(
      { ...c, signerPublic: signer.publicArea, objectPublic: object.publicArea.subarray(0, 10) },
      { nonce },
    );
    expect(st(r, 'tpm.certify.name')).toBe('fail');
    expect(st(r, 'tpm.certify.object-attributes')).toBe('skip');
    expect(r.ok).toBe(false);
    await expect(
      verifyTpmCertify(
        { ...c, signerPublic: signer.publicArea, objectPublic: object.publicArea },
        { nonce, allowNonResidentObject: 'yes' as never },
      ),
    ).rejects.toThrow(TypeError);
  });
});

describe('verifyTpmCertify: requireRestrictedSigner with an SPKI / JWK signer (synthetic keys)', () => {
  it('explicitly true: a signer whose attributes cannot be seen fails signer-attributes', async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa');
    const nonce = Uint8Array.of(4, 5, 6);
    const c = await forgeCertify(signer, object, nonce);
    for (const signerPublic of [signer.pem, signer.jwk]) {
      const ev = { ...c, signerPublic, objectPublic: object.publicArea };
      const strict = await verifyTpmCertify(ev, { nonce, requireRestrictedSigner: true });
      expect(failed(strict)).toEqual(['tpm.certify.signer-attributes']);
      expect(strict.checks.find((x) => x.id === 'tpm.certify.signer-attributes')!.required).toBe(
        true,
      );
      expect(strict.ok).toBe(false);
      // Not given (default): attributes unknown is a skip that does not fail `ok`.
      const dflt = await verifyTpmCertify(ev, { nonce });
      expect(st(dflt, 'tpm.certify.signer-attributes')).toBe('skip');
      expect(dflt.checks.find((x) => x.id === 'tpm.certify.signer-attributes')!.required).toBe(
        false,
      );
      expect(dflt.ok).toBe(true);
    }
    // As TPMT_PUBLIC the restricted signer passes under the explicit option.
    const tpmt = await verifyTpmCertify(
      { ...c, signerPublic: signer.publicArea, objectPublic: object.publicArea },
      { nonce, requireRestrictedSigner: true },
    );
    expect(st(tpmt, 'tpm.certify.signer-attributes')).toBe('pass');
    expect(tpmt.ok).toBe(true);
  });

  it('the magic check does not claim TPM origin on its own', async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa');
    const nonce = Uint8Array.of(4);
    const c = await forgeCertify(signer, object, nonce);
    const r = await verifyTpmCertify(
      { ...c, signerPublic: signer.pem, objectPublic: object.publicArea },
      { nonce },
    );
    const magic = r.checks.find((x) => x.id === 'tpm.certify.magic')!;
    expect(magic.status).toBe('pass');
    // A non-restricted key signs TPM_GENERATED-prefixed bytes on request: the message says
    // the magic proves TPM origin only with a restricted signer.
    expect(magic.message).toMatch(/only with .*restricted signing key/);
  });
});

describe('verifyTpmCertify: a SHA-1 Name (synthetic keys)', () => {
  it('a certified object with nameAlg SHA-1 fails sha1 unless allowSha1', async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa', 'sha256', { nameAlg: 'sha1' });
    const nonce = Uint8Array.of(2, 2);
    const ev = {
      ...(await forgeCertify(signer, object, nonce)),
      signerPublic: signer.publicArea,
      objectPublic: object.publicArea,
    };
    const r = await verifyTpmCertify(ev, { nonce });
    expect(failed(r)).toEqual(['tpm.certify.sha1']);
    expect(r.ok).toBe(false);
    const allowed = await verifyTpmCertify(ev, { nonce, allowSha1: true });
    expect(st(allowed, 'tpm.certify.sha1')).toBe('warn');
    expect(allowed.ok).toBe(true);
  });
});

/** A SYNTHETIC TPM2_Certify of `object` by `signer` with qualifying data `extraData`. */

describe('verifyTpmCertify: nonce and SHA-1 rules shared with quotes (synthetic keys)', () => {
  it('an empty nonce fails under requireNonce (the default) and only warns without it', async () => {
    const signer = await forgeKey('p256');
    const object = await forgeKey('rsassa');
    const c = await forgeCertify(signer, object, new Uint8Array(0));
    const ev = { ...c, signerPublic: signer.publicArea, objectPublic: object.publicArea };
    const r = await verifyTpmCertify(ev, { nonce: new Uint8Array(0) });
    expect(failed(r)).toEqual(['tpm.certify.nonce']);
    expect(r.ok).toBe(false);
    const relaxed = await verifyTpmCertify(ev, { nonce: new Uint8Array(0), requireNonce: false });
    expect(st(relaxed, 'tpm.certify.nonce')).toBe('warn');
    expect(relaxed.ok).toBe(true);
  });

  it('a SHA-1 signature by a signer that does not decode is never a sha1 pass', async () => {
    const signer = await forgeKey('rsassa', 'sha1');
    const object = await forgeKey('p256');
    const nonce = Uint8Array.of(7, 7, 7);
    const c = await forgeCertify(signer, object, nonce);
    const broken = signer.publicArea.slice();
    broken[1] = 0x99; // TPMT_PUBLIC.type 0x0099: not an object type
    const r = await verifyTpmCertify(
      { ...c, signerPublic: broken, objectPublic: object.publicArea },
      { nonce },
    );
    expect(st(r, 'tpm.certify.signer')).toBe('fail');
    // Certify decides SHA-1 after the scheme check, so an unknown signer makes it a skip.
    expect(st(r, 'tpm.certify.sha1')).toBe('skip');
    expect(r.ok).toBe(false);
    const good = await verifyTpmCertify(
      { ...c, signerPublic: signer.publicArea, objectPublic: object.publicArea },
      { nonce },
    );
    expect(failed(good)).toEqual(['tpm.certify.sha1']);
  });
});
