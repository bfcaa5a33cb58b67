/**
 * The critical extensions of every real EK / AK certificate in the vectors (swtpm_localca EK and
 * platform certificates and their CAs, the GCE vTPM AK certificates) are ones the EK verification
 * processes, so the RFC 5280 §4.2 critical-extension rule rejects none of them. The GCE issuer is
 * not in the vectors: its AK certificates are checked against a SYNTHETIC root, which leaves only
 * `no-issuer`.
 */
import { expect, it } from 'vitest';
import { verifyEkCertificate, type EkCertificateVerification } from '../../src/tpm/index.js';
import { parseCertificate } from '../../src/core/x509.js';
import { describeVectors } from '../support/vectors.js';
import { mintCa } from './support/ek-certs.js';
import { realFile, swtpmFile, swtpmText } from './support/tpm-vectors.js';

const BC = '2.5.29.19';
const KU = '2.5.29.15';
const SAN = '2.5.29.17';

const criticalOids = (der: Uint8Array): string[] =>
  parseCertificate(der)
    .extensions.filter((e) => e.critical)
    .map((e) => e.oid)
    .sort();

const chain = (r: EkCertificateVerification) => r.checks.find((c) => c.id === 'tpm.ek.chain')!;
const reasonsOf = (r: EkCertificateVerification): string[] =>
  ((chain(r).detail as { issues?: { reason: string }[] } | undefined)?.issues ?? []).map(
    (i) => i.reason,
  );

describeVectors('EK critical extensions: real certificates', () => {
  const roots = swtpmText('keys/ca_root.pem');
  const intermediates = swtpmText('keys/ca_issuer.pem');

  it('swtpm_localca CAs: basicConstraints and keyUsage', () => {
    for (const pem of [roots, intermediates]) {
      const der = parseCertificate(pem).raw;
      expect(criticalOids(der)).toEqual([KU, BC].sort());
    }
  });

  for (const file of ['ek_rsa2048_cert.der', 'ek_eccp384_h3_cert.der', 'platform_cert.der']) {
    it(`swtpm ${file}: subjectAltName, basicConstraints, keyUsage critical; the chain passes`, async () => {
      const cert = swtpmFile(`keys/${file}`);
      expect(criticalOids(cert)).toEqual([SAN, BC, KU].sort());
      const r = await verifyEkCertificate({ certificate: cert, intermediates }, { roots });
      expect(chain(r).status, chain(r).message).toBe('pass');
      // v3, cA FALSE, keyUsage keyEncipherment / keyAgreement: an end-entity certificate.
      expect(r.checks.find((c) => c.id === 'tpm.ek.end-entity')!.status).toBe('pass');
    });
  }

  for (const capture of ['gce-cos-85-no-nonce', 'gce-cos-85-nonce9009']) {
    it(`GCE AK certificate ${capture}: basicConstraints, keyUsage, subjectAltName critical; none rejected`, async () => {
      const cert = realFile(`go-tpm-tools/${capture}/ak_cert.der`);
      expect(criticalOids(cert)).toEqual([BC, KU, SAN].sort());
      const synthetic = await mintCa('Synthetic Unrelated Root');
      const r = await verifyEkCertificate(
        { certificate: cert },
        { roots: synthetic.der, now: new Date('2030-01-01T00:00:00Z') },
      );
      expect(reasonsOf(r)).toEqual(['no-issuer']);
      // Google-issued, tcg-kp-EKCertificate EKU, keyUsage digitalSignature only: an end-entity
      // certificate whose keyUsage lacks keyEncipherment. It certifies GCE's AK (a signing key),
      // so tpm.ek.key-usage fails it as an EK certificate (review s10).
      expect(r.checks.find((c) => c.id === 'tpm.ek.end-entity')!.status).toBe('pass');
      const ku = r.checks.find((c) => c.id === 'tpm.ek.key-usage')!;
      expect(ku.status).toBe('fail');
      expect(ku.required).toBe(true);
      expect(ku.detail).toEqual({ expected: 'keyEncipherment', actual: ['digitalSignature'] });
    });
  }
});
