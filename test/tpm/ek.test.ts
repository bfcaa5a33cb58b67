/** EK certificates: swtpm EK certs (real swtpm_localca output) and SYNTHETIC chains. */
import { describe, expect, it, beforeAll } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  ekTemplateOf,
  encodeTpmtPublic,
  parseEkCertificate,
  TPM_ALG,
  verifyEkCertificate,
  type EkCertificateVerification,
} from '../../src/tpm/index.js';
import { encodePem } from '../../src/core/encoding.js';
import { importP256, mintCa, mintEkCert, mintV1EkCert, type Minted } from './support/ek-certs.js';
import { realFile, swtpmFile, swtpmManifest, swtpmText } from './support/tpm-vectors.js';

const st = (r: EkCertificateVerification, id: string): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;

describeVectors('EK certificates: swtpm_localca vectors', () => {
  const m = swtpmManifest();
  const roots = swtpmText('keys/ca_root.pem');
  const intermediates = swtpmText('keys/ca_issuer.pem');
  for (const [ek, template] of [
    ['ek_rsa2048', 'L-1'],
    ['ek_eccp384_h3', 'H-3'],
  ] as const) {
    const k = m.keys[ek];
    it(`${ek}: TCG fields, chain to the local CA, EK public matches, template ${template}`, async () => {
      const cert = swtpmFile(k.cert.file);
      const parsed = parseEkCertificate(cert);
      expect(parsed.tpmManufacturer).toBe('id:00001014');
      expect(parsed.tpmModel).toBe('swtpm');
      expect(parsed.tpmVersion).toBe('id:20191023');
      expect(parsed.tpmSpecification).toEqual({ family: '2.0', level: 0, revision: 164 });
      expect(parsed.hasEkCertificateEku).toBe(true);
      expect(parsed.sanCritical).toBe(true);
      const r = await verifyEkCertificate(
        { certificate: cert, intermediates, ekPublic: swtpmFile(k.files.tpm2b_public) },
        { roots },
      );
      expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.template).toBe(template);
      expect(r.path).toEqual(['CN=unknown', 'CN=swtpm-localca', 'CN=swtpm-localca-rootca']);
      // PEM input and an intermediate given as an array work the same.
      const r2 = await verifyEkCertificate(
        { certificate: encodePem('CERTIFICATE', cert), intermediates: [intermediates] },
        { roots: [roots] },
      );
      expect(r2.ok).toBe(true);
      expect(st(r2, 'tpm.ek.public-key')).toBe('skip');
    });
  }

  it('fails without the intermediate, with a foreign root, before notBefore, or with another EK', async () => {
    const cert = swtpmFile(m.keys.ek_rsa2048.cert.file);
    const noInt = await verifyEkCertificate({ certificate: cert }, { roots });
    expect(st(noInt, 'tpm.ek.chain')).toBe('fail');
    expect(noInt.ok).toBe(false);
    const foreign = await mintCa('Foreign Root');
    const r = await verifyEkCertificate(
      { certificate: cert, intermediates },
      { roots: foreign.der },
    );
    expect(st(r, 'tpm.ek.chain')).toBe('fail');
    const early = await verifyEkCertificate(
      { certificate: cert, intermediates },
      { roots, now: new Date('2001-01-01') },
    );
    expect(st(early, 'tpm.ek.chain')).toBe('fail');
    const other = await verifyEkCertificate(
      {
        certificate: cert,
        intermediates,
        ekPublic: swtpmFile(m.keys.ek_eccp384_h3.files.tpm2b_public),
      },
      { roots },
    );
    expect(st(other, 'tpm.ek.public-key')).toBe('fail');
    expect(other.ok).toBe(false);
  });

  it('templates: swtpm P-256 EK and keylime EK are L-2 / L-1; an AK follows none', () => {
    expect(ekTemplateOf(swtpmFile(m.keys.ek_eccp256.files.tpm2b_public))).toBe('L-2');
    expect(ekTemplateOf(realFile('keylime/ek.pub'))).toBe('L-1');
    expect(
      ekTemplateOf(swtpmFile(m.keys.ak_rsa2048_rsassa_sha256.files.tpm2b_public)),
    ).toBeUndefined();
  });

  it('the swtpm platform certificate (EKU tcg-kp-PlatformCertificate) is not an EK certificate', async () => {
    // Note: the spec note calls it an attribute certificate; it is an X.509 v3 public-key
    // certificate over the EK with platform SAN attributes (2.23.133.5.1.x).
    const cert = swtpmFile('keys/platform_cert.der');
    const parsed = parseEkCertificate(cert);
    expect(parsed.hasEkCertificateEku).toBe(false);
    expect(parsed.tpmManufacturer).toBeUndefined();
    const r = await verifyEkCertificate({ certificate: cert, intermediates }, { roots });
    expect(st(r, 'tpm.ek.chain')).toBe('pass');
    expect(st(r, 'tpm.ek.eku')).toBe('fail');
    expect(st(r, 'tpm.ek.san')).toBe('warn');
    expect(r.ok).toBe(false);
  });
});

describe('EK certificates: SYNTHETIC chains', () => {
  let root: Minted & { name: string };
  let inter: Minted & { name: string };
  let ekPub: Uint8Array;
  let ekKey: CryptoKey;
  beforeAll(async () => {
    root = await mintCa('Test TPM Root');
    inter = await mintCa('Test TPM Intermediate', root);
    const priv = p256.utils.randomSecretKey();
    const point = p256.getPublicKey(priv, false);
    ekKey = await importP256(point);
    ekPub = encodeTpmtPublic({
      type: 'ecc',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: 0x000300b2,
      authPolicy: Uint8Array.from(
        Buffer.from('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa', 'hex'),
      ),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.AES, keyBits: 128, modeId: TPM_ALG.CFB },
        scheme: { schemeId: TPM_ALG.NULL },
        curveId: 3,
        kdf: { schemeId: TPM_ALG.NULL },
      },
      unique: { x: point.subarray(1, 33), y: point.subarray(33) },
    });
  });

  it('a complete L-2 EK certificate verifies (one RDN or several in the SAN)', async () => {
    for (const san of ['tcg', 'tcg-one-rdn'] as const) {
      const cert = await mintEkCert(ekKey, inter, { san });
      const r = await verifyEkCertificate(
        { certificate: cert, intermediates: inter.der, ekPublic: ekPub },
        { roots: root.der },
      );
      expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(r.template).toBe('L-2');
      expect(r.ek?.tpmManufacturerAscii).toBe('IFX');
      expect(r.ek?.tpmModel).toBe('SLB9670');
    }
  });

  it('directly under the root (no intermediate)', async () => {
    const cert = await mintEkCert(ekKey, root);
    const r = await verifyEkCertificate({ certificate: cert }, { roots: root.der });
    expect(r.ok).toBe(true);
    expect(r.path).toHaveLength(2);
  });

  it('missing EKU, SAN and keyUsage are warnings; a non-TCG EKU or a keyUsage without keyAgreement fails', async () => {
    const none = await mintEkCert(ekKey, inter, { eku: 'none', san: 'none', keyUsage: 'none' });
    const r = await verifyEkCertificate(
      { certificate: none, intermediates: inter.der },
      { roots: root.der },
    );
    expect(st(r, 'tpm.ek.eku')).toBe('warn');
    expect(st(r, 'tpm.ek.san')).toBe('warn');
    expect(st(r, 'tpm.ek.key-usage')).toBe('warn');
    expect(r.ok).toBe(true);
    const other = await mintEkCert(ekKey, inter, { eku: 'other', keyUsage: 'digitalSignature' });
    const r2 = await verifyEkCertificate(
      { certificate: other, intermediates: inter.der },
      { roots: root.der },
    );
    expect(st(r2, 'tpm.ek.eku')).toBe('fail');
    expect(st(r2, 'tpm.ek.key-usage')).toBe('fail');
    expect(r2.ok).toBe(false);
  });

  it('an intermediate that is not a CA breaks the chain; an expired EK certificate fails', async () => {
    const notCa = await mintCa('Not A CA', root, { ca: false, keyCertSign: false });
    const cert = await mintEkCert(ekKey, notCa);
    const r = await verifyEkCertificate(
      { certificate: cert, intermediates: notCa.der },
      { roots: root.der },
    );
    expect(st(r, 'tpm.ek.chain')).toBe('fail');
    const expired = await mintEkCert(ekKey, inter, { notAfter: new Date('2022-01-01') });
    const r2 = await verifyEkCertificate(
      { certificate: expired, intermediates: inter.der },
      { roots: root.der, now: new Date('2030-01-01') },
    );
    expect(st(r2, 'tpm.ek.chain')).toBe('fail');
  });

  const reasons = (r: EkCertificateVerification): string[] =>
    (
      (r.checks.find((c) => c.id === 'tpm.ek.end-entity')!.detail as
        { problems?: { reason: string }[] } | undefined) ?? {}
    ).problems?.map((p) => p.reason) ?? [];

  it('end-entity: a CA certificate or the trust anchor is not an EK certificate', async () => {
    // The vendor's intermediate CA certificate given as the "EK certificate": its chain to the
    // root is sound, so only end-entity stops it.
    const r = await verifyEkCertificate(
      { certificate: inter.der, intermediates: inter.der },
      { roots: root.der },
    );
    expect(st(r, 'tpm.ek.chain')).toBe('pass');
    expect(st(r, 'tpm.ek.end-entity')).toBe('fail');
    expect(reasons(r)).toEqual(['ca', 'ca-key-usage', 'supplied-ca']);
    expect(r.checks.find((c) => c.id === 'tpm.ek.end-entity')!.required).toBe(true);
    expect(r.ok).toBe(false);
    // Not listed among the intermediates it is still a CA.
    const r1 = await verifyEkCertificate({ certificate: inter.der }, { roots: root.der });
    expect(reasons(r1)).toEqual(['ca', 'ca-key-usage']);
    expect(r1.ok).toBe(false);
    // The root itself.
    const r2 = await verifyEkCertificate({ certificate: root.der }, { roots: root.der });
    expect(reasons(r2)).toEqual(['ca', 'ca-key-usage', 'self-issued', 'supplied-ca']);
    expect(r2.ok).toBe(false);
  });

  it('end-entity: cA TRUE, keyCertSign or cRLSign on the leaf each fail', async () => {
    for (const [o, want] of [
      [{ ca: true }, ['ca']],
      [{ keyUsage: 'keyAgreement+keyCertSign' }, ['ca-key-usage']],
      [{ keyUsage: 'keyAgreement+cRLSign' }, ['ca-key-usage']],
    ] as const) {
      const cert = await mintEkCert(ekKey, inter, o);
      const r = await verifyEkCertificate(
        { certificate: cert, intermediates: inter.der },
        { roots: root.der },
      );
      expect(st(r, 'tpm.ek.chain')).toBe('pass');
      expect(reasons(r)).toEqual(want);
      expect(r.ok).toBe(false);
    }
  });

  it('end-entity: a self-issued leaf and an X.509 v1 certificate fail', async () => {
    const self = await mintEkCert(ekKey, inter, { subject: `CN=${inter.name}` });
    const r = await verifyEkCertificate(
      { certificate: self, intermediates: inter.der },
      { roots: root.der },
    );
    expect(reasons(r)).toEqual(['self-issued']);
    expect(r.ok).toBe(false);
    const v1 = await mintV1EkCert(ekKey, inter);
    expect(parseEkCertificate(v1).certificate.version).toBe(1);
    const r2 = await verifyEkCertificate(
      { certificate: v1, intermediates: inter.der },
      { roots: root.der },
    );
    expect(st(r2, 'tpm.ek.chain')).toBe('pass');
    expect(reasons(r2)).toEqual(['version']);
    expect(r2.ok).toBe(false);
  });

  it('requireDefaultTemplate turns a non-default template into a failure', async () => {
    const cert = await mintEkCert(ekKey, inter);
    const p = Buffer.from(ekPub);
    const changed = new Uint8Array(p);
    changed[7] = 0xf2; // userWithAuth on a low-range policy: no default template
    const r = await verifyEkCertificate(
      { certificate: cert, intermediates: inter.der, ekPublic: changed },
      { roots: root.der },
    );
    expect(st(r, 'tpm.ek.template')).toBe('warn');
    expect(r.ok).toBe(true);
    const strict = await verifyEkCertificate(
      { certificate: cert, intermediates: inter.der, ekPublic: changed },
      { roots: root.der, requireDefaultTemplate: true },
    );
    expect(st(strict, 'tpm.ek.template')).toBe('fail');
    expect(strict.ok).toBe(false);
  });

  it('malformed input is a failed check; wrong argument types are TypeErrors', async () => {
    const r = await verifyEkCertificate(
      { certificate: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]) },
      { roots: root.der },
    );
    expect(st(r, 'tpm.ek.certificate')).toBe('fail');
    expect(st(r, 'tpm.ek.end-entity')).toBe('skip');
    expect(st(r, 'tpm.ek.chain')).toBe('skip');
    await expect(
      verifyEkCertificate({ certificate: 5 as never }, { roots: root.der }),
    ).rejects.toThrow(TypeError);
    await expect(verifyEkCertificate({ certificate: root.der }, {} as never)).rejects.toThrow(
      TypeError,
    );
    expectAttestError(
      () => parseEkCertificate(new Uint8Array([0x30, 0x00])),
      'ERR_BAD_CERTIFICATE',
    );
  });
});
