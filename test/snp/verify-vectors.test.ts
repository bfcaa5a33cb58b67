import { expect, it } from 'vitest';
import { describeVectors, readVector, readVectorJson, readVectorText } from '../support/vectors.js';
import { verifySnpReport, verifySnpReportSignature } from '../../src/snp/verify.js';
import { parseSnpReport } from '../../src/snp/parse.js';
import { snpKdsUrls } from '../../src/snp/kds.js';
import { findCheck } from '../../src/core/checks.js';
import { createCache } from '../../src/core/cache.js';
import { verifySignature } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { parseCertificate, parseCertificates } from '../../src/core/x509.js';
import type { SnpCheckId, SnpFetcher, SnpVerification } from '../../src/snp/types.js';
import {
  VECTOR_NOW,
  azureSnpCases,
  chainFor,
  snpVectorCases,
  type SnpVectorCase,
} from './support/vectors.js';

const status = (r: SnpVerification, id: SnpCheckId): string | undefined => findCheck(r, id)?.status;

function evidenceOf(v: SnpVectorCase): Parameters<typeof verifySnpReport>[0] {
  return {
    report: v.report,
    ...(v.signerKind === 'VCEK' ? { vcek: v.signerCert! } : { vlek: v.signerCert! }),
    chain: v.chain!,
  };
}

const signed = [...snpVectorCases(), ...azureSnpCases()].filter((v) => v.signerCert !== undefined);

describeVectors('verifySnpReport: real vectors give their expected verdict', () => {
  for (const v of signed) {
    it(`${v.id}: verified (${v.product}, ${v.signerKind})`, async () => {
      // snp-milan-v2-gsg is a debug guest: accepted here, rejected by default below.
      const allowDebug = v.expected.policy_bits.debug === true;
      const r = await verifySnpReport(evidenceOf(v), { now: VECTOR_NOW, policy: { allowDebug } });
      const bad = r.checks.filter(
        (c) => c.status === 'fail' || (c.required && c.status === 'skip'),
      );
      expect(bad).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.product).toBe(v.product);
      expect(r.signer).toBe(v.signerKind);
      for (const id of [
        'snp.report.format',
        'snp.product',
        'snp.signer.kind',
        'snp.collateral',
        'snp.chain.ark',
        'snp.signature',
        'snp.cert.product-name',
        'snp.tcb.vcek-extensions',
        'snp.tcb.relations',
        'snp.policy.debug',
        'snp.policy.migrate-ma',
      ] as const) {
        expect(status(r, id), id).toBe('pass');
      }
      if (v.signerKind === 'VCEK') {
        expect(status(r, 'snp.chain.ask')).toBe('pass');
        expect(status(r, 'snp.chain.vcek')).toBe('pass');
        expect(status(r, 'snp.chain.asvk')).toBe('skip');
        expect(status(r, 'snp.cert.hwid')).toBe('pass');
        expect(status(r, 'snp.cert.csp-id')).toBe('skip');
      } else {
        expect(status(r, 'snp.chain.asvk')).toBe('pass');
        expect(status(r, 'snp.chain.vlek')).toBe('pass');
        expect(status(r, 'snp.chain.ask')).toBe('skip');
        expect(status(r, 'snp.cert.hwid')).toBe('skip');
        expect(findCheck(r, 'snp.cert.hwid')!.message).toMatch(/VLEK/);
        expect(status(r, 'snp.cert.csp-id')).toBe('pass');
        expect(findCheck(r, 'snp.cert.csp-id')!.detail).toEqual({
          cspId: v.expected.signer_cert_amd_extensions.cspId.value,
        });
      }
      expect(status(r, 'snp.crl')).toBe('skip');
      // The result carries the facts: decoded TCBs, KDS query, extensions.
      expect(r.tcb!.reported.microcode).toBe(v.expected.reported_tcb.microcode);
      expect(r.kds!.product).toBe(v.product);
      if (v.signerKind === 'VCEK') expect(snpKdsUrls(r.kds!).vcek).toBe(v.expected.kds_vcek_url);
      expect(r.certificates.sources).toEqual({
        leaf: 'evidence',
        intermediate: 'evidence',
        ark: 'evidence',
      });
      expect(r.signerExtensions!.blSpl).toBe(v.expected.reported_tcb.bootloader);
    });
  }

  it('snp-milan-v2-gsg: the debug policy fails snp.policy.debug unless allowDebug', async () => {
    const v = signed.find((c) => c.id === 'snp-milan-v2-gsg')!;
    const r = await verifySnpReport(evidenceOf(v), { now: VECTOR_NOW });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'snp.policy.debug',
    ]);
    expect(findCheck(r, 'snp.policy.debug')!.detail).toEqual({ expected: false, actual: true });
    const ok = await verifySnpReport(evidenceOf(v), {
      now: VECTOR_NOW,
      policy: { allowDebug: true },
    });
    expect(ok.ok).toBe(true);
  });

  it('CRLs: the Milan and Genoa ARK CRLs verify and do not revoke the current ASK', async () => {
    for (const [id, crlFile] of [
      ['snp-milan-v2-idblock-trustee', 'milan_ark.crl.der'],
      ['snp-genoa-v2-oak', 'genoa_ark.crl.der'],
      ['azure-snp-genoa-openpcc', 'genoa_ark.crl.der'],
    ] as const) {
      const v = signed.find((c) => c.id === id)!;
      const crl = readVector('snp', 'crl', crlFile);
      const r = await verifySnpReport({ ...(evidenceOf(v) as object), crl } as never, {
        now: VECTOR_NOW,
        requireCrl: true,
      });
      expect(findCheck(r, 'snp.crl'), id).toMatchObject({ status: 'pass', required: true });
      expect(r.ok).toBe(true);
      // Stale after nextUpdate; too old with maxCrlAge.
      const late = await verifySnpReport({ ...(evidenceOf(v) as object), crl } as never, {
        now: new Date('2026-06-01T00:00:00Z'),
      });
      expect(status(late, 'snp.crl')).toBe('fail');
      const old = await verifySnpReport({ ...(evidenceOf(v) as object), crl } as never, {
        now: VECTOR_NOW,
        maxCrlAge: 24 * 3600 * 1000,
      });
      expect(status(old, 'snp.crl')).toBe('fail');
      expect(findCheck(old, 'snp.crl')!.message).toMatch(/maximum age/);
    }
    // A CRL of another product's ARK fails (signature and issuer).
    const v = signed.find((c) => c.id === 'snp-genoa-v2-oak')!;
    const wrong = await verifySnpReport(
      { ...(evidenceOf(v) as object), crl: readVector('snp', 'crl', 'milan_ark.crl.der') } as never,
      { now: VECTOR_NOW },
    );
    expect(status(wrong, 'snp.crl')).toBe('fail');
    expect(wrong.ok).toBe(false);
  });

  it('requireCrl without a CRL or fetcher fails snp.crl', async () => {
    const v = signed.find((c) => c.id === 'snp-genoa-v2-oak')!;
    const r = await verifySnpReport(evidenceOf(v), { now: VECTOR_NOW, requireCrl: true });
    expect(findCheck(r, 'snp.crl')).toMatchObject({ status: 'fail', required: true });
    expect(r.ok).toBe(false);
  });

  it('certificates expire: the VLEK (one-year validity) fails at a later now', async () => {
    const v = signed.find((c) => c.id === 'snp-milan-v3-vlek-aws-trustee')!;
    const r = await verifySnpReport(evidenceOf(v), { now: new Date('2026-01-01T00:00:00Z') });
    expect(status(r, 'snp.chain.vlek')).toBe('fail');
    expect(findCheck(r, 'snp.chain.vlek')!.message).toMatch(/expired/);
    expect(status(r, 'snp.chain.asvk')).toBe('pass');
    expect(status(r, 'snp.signature')).toBe('pass');
    const early = await verifySnpReport(evidenceOf(v), { now: new Date('2024-01-01T00:00:00Z') });
    expect(findCheck(early, 'snp.chain.vlek')!.message).toMatch(/not-yet-valid/);
  });

  it('the Azure VCEK bundle (VCEK, ASK, ARK in one PEM) is enough on its own', async () => {
    const v = azureSnpCases().find((c) => c.id === 'azure-snp-milan-trustee')!;
    const r = await verifySnpReport({ report: v.report, vcek: v.signerCert! }, { now: VECTOR_NOW });
    expect(r.ok).toBe(true);
  });

  it('a VCEK inside the chain bundle (any order) is found', async () => {
    const v = signed.find((c) => c.id === 'snp-turin-v5-oak')!;
    const r = await verifySnpReport(
      { report: v.report, chain: [v.chain!, v.signerCert!] },
      { now: VECTOR_NOW },
    );
    expect(r.ok).toBe(true);
  });

  it('the Azure framing option reaches the report inside the HCL bytes', async () => {
    const v = azureSnpCases()[0]!;
    const r = await verifySnpReport(
      { report: v.hcl.slice(0x20, 0x20 + 0x4a0 + 20), vcek: v.signerCert!, chain: v.chain! },
      { now: VECTOR_NOW, framing: 'azure-igvm-request' },
    );
    expect(r.ok).toBe(true);
    const strict = await verifySnpReport(
      { report: v.hcl.slice(0x20, 0x20 + 0x4a0 + 20), vcek: v.signerCert!, chain: v.chain! },
      { now: VECTOR_NOW },
    );
    expect(findCheck(strict, 'snp.report.format')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_TRAILING_DATA', offset: 0x4a0 },
    });
    expect(
      strict.checks.filter((c) => c.id !== 'snp.report.format').every((c) => c.status === 'skip'),
    ).toBe(true);
  });

  it('a parsed SnpReport works as evidence (re-read from its raw bytes)', async () => {
    const v = signed.find((c) => c.id === 'snp-genoa-v2-oak')!;
    const report = parseSnpReport(v.report, { product: 'Genoa' });
    const r = await verifySnpReport(
      { report, vcek: v.signerCert!, chain: v.chain! },
      { now: VECTOR_NOW },
    );
    expect(r.ok).toBe(true);
    expect(findCheck(r, 'snp.product')!.message).toMatch(/parse option/);
  });

  it('the two trustee evidence reports with the same signed bytes and different signatures both verify', async () => {
    const [a, b] = [
      'azure-snp-milan-trustee-evidence-v0',
      'azure-snp-milan-trustee-evidence-v1',
    ].map((id) => azureSnpCases().find((c) => c.id === id)!);
    expect(a!.report.subarray(0, 0x2a0)).toEqual(b!.report.subarray(0, 0x2a0));
    expect(a!.report.subarray(0x2a0)).not.toEqual(b!.report.subarray(0x2a0));
    for (const v of [a!, b!])
      expect((await verifySnpReport(evidenceOf(v), { now: VECTOR_NOW })).ok).toBe(true);
  });
});

describeVectors('verifySnpReport: the negative checks listed in expected.json', () => {
  const doc = readVectorJson('snp', 'expected.json');
  const by = (id: string): SnpVectorCase => signed.find((c) => c.id === id)!;

  it('lists exactly the five negative checks handled below', () => {
    expect((doc.negative_checks as unknown[]).length).toBe(5);
  });

  it('VCEK of a different chip → snp.signature fails (and the hwID check names the other chip)', async () => {
    const v = by('snp-milan-v2-gsg');
    const other = readVector('snp', 'milan-v2-idblock-trustee', 'vcek.der');
    const r = await verifySnpReport(
      { report: v.report, vcek: other, chain: v.chain! },
      { now: VECTOR_NOW, policy: { allowDebug: true } },
    );
    expect(status(r, 'snp.signature')).toBe('fail');
    expect(status(r, 'snp.cert.hwid')).toBe('fail');
    expect(status(r, 'snp.chain.vcek')).toBe('pass');
    expect(r.ok).toBe(false);
  });

  it('tampered signed byte 0x50 → snp.signature fails, every other check still reports', async () => {
    const v = by('snp-milan-v2-gsg');
    const t = v.report.slice();
    t[0x50]! ^= 0x01;
    const base = await verifySnpReport(evidenceOf(v), { now: VECTOR_NOW });
    const r = await verifySnpReport(
      { ...(evidenceOf(v) as object), report: t },
      {
        now: VECTOR_NOW,
      },
    );
    expect(status(r, 'snp.signature')).toBe('fail');
    for (const c of r.checks)
      if (c.id !== 'snp.signature') expect(c.status, c.id).toBe(status(base, c.id));
  });

  it('byte 0x400 (unsigned tail) flipped: the signature still verifies, but the strict parser rejects it', async () => {
    const v = by('snp-milan-v2-gsg');
    const t = v.report.slice();
    t[0x400]! ^= 0x01;
    const key = parseCertificate(v.signerCert!).publicKey;
    const sigOk = await verifySignature({
      key,
      scheme: 'ecdsa',
      hash: 'sha384',
      data: t.subarray(0, 0x2a0),
      signature: concatBytes(t.slice(0x2a0, 0x2d0).reverse(), t.slice(0x2e8, 0x318).reverse()),
    });
    expect(sigOk).toBe(true);
    const r = await verifySnpReport(
      { ...(evidenceOf(v) as object), report: t },
      {
        now: VECTOR_NOW,
      },
    );
    expect(findCheck(r, 'snp.report.format')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_RESERVED_NOT_ZERO', offset: 0x400 },
    });
    expect(r.ok).toBe(false);
  });

  it('VLEK checked against the ASK chain → the VLEK link fails', async () => {
    const v = by('snp-milan-v3-vlek-aws-trustee');
    const r = await verifySnpReport(
      {
        report: v.report,
        vlek: v.signerCert!,
        chain: readVectorText('snp', 'roots', 'ask_ark_milan.pem'),
      },
      { now: VECTOR_NOW },
    );
    expect(status(r, 'snp.chain.vlek')).toBe('fail');
    expect(status(r, 'snp.chain.asvk')).toBe('fail');
    expect(findCheck(r, 'snp.chain.asvk')!.message).toMatch(/ASK; a VLEK chains to the ASVK/);
    expect(status(r, 'snp.signature')).toBe('pass');
    expect(r.ok).toBe(false);
  });

  it('Genoa VCEK with the Milan roots → product and chain fail', async () => {
    const v = by('snp-genoa-v2-oak');
    const r = await verifySnpReport(
      { report: v.report, vcek: v.signerCert!, chain: chainFor('Milan', 'VCEK') },
      { now: VECTOR_NOW },
    );
    expect(status(r, 'snp.product')).toBe('fail');
    expect(status(r, 'snp.chain.vcek')).toBe('fail');
    expect(r.ok).toBe(false);
    // Told the product, the Milan ARK is simply not pinned for Genoa.
    const told = await verifySnpReport(
      { report: v.report, vcek: v.signerCert!, chain: chainFor('Milan', 'VCEK') },
      { now: VECTOR_NOW, product: 'Genoa' },
    );
    expect(status(told, 'snp.chain.ark')).toBe('fail');
    expect(findCheck(told, 'snp.chain.ark')!.message).toMatch(/not pinned/);
  });

  it('the trustee hwID-encoding test certificates: both hwID encodings decode; the chain fails (not AMD-signed)', async () => {
    const v = by('snp-milan-v2-idblock-trustee');
    for (const [f, enc] of [
      ['vcek-hwid-legacy-trustee.der', 'raw'],
      ['vcek-hwid-new-trustee.der', 'octet-string'],
    ] as const) {
      const r = await verifySnpReport(
        { report: v.report, vcek: readVector('snp', 'synthetic', f), chain: v.chain! },
        { now: VECTOR_NOW },
      );
      expect(r.signerExtensions!.hwidEncoding).toBe(enc);
      expect(r.signerExtensions!.hwid![1]).toBe(1);
      expect(status(r, 'snp.chain.vcek')).toBe('fail');
      expect(status(r, 'snp.chain.ask')).toBe('pass');
      expect(status(r, 'snp.signature')).toBe('fail');
      expect(r.ok).toBe(false);
    }
  });
});

describeVectors('verifySnpReport: sampled signed-byte flips on real reports', () => {
  const cache = createCache({ maxEntries: 500 });
  for (const id of ['snp-genoa-v2-oak', 'snp-turin-v5-oak', 'snp-milan-v3-vlek-aws-trustee']) {
    it(`${id}: every parseable flip fails snp.signature while the chain checks still pass`, async () => {
      const v = signed.find((c) => c.id === id)!;
      let parsed = 0;
      for (let i = 0; i < 0x2a0; i += 5) {
        const t = v.report.slice();
        t[i]! ^= 0x01;
        const r = await verifySnpReport(
          { ...(evidenceOf(v) as object), report: t },
          {
            now: VECTOR_NOW,
            cache,
          },
        );
        expect(r.ok).toBe(false);
        if (status(r, 'snp.report.format') !== 'pass') {
          expect(status(r, 'snp.report.format')).toBe('fail');
          continue;
        }
        parsed++;
        expect(status(r, 'snp.signature'), `byte 0x${i.toString(16)}`).toBe('fail');
        expect(r.checks.length).toBe(45);
        if (status(r, 'snp.product') === 'pass') expect(status(r, 'snp.chain.ark')).toBe('pass');
      }
      expect(parsed).toBeGreaterThan(80);
    });
  }
});

describeVectors('verifySnpReport: parse-only vectors and fetchers', () => {
  const parseOnly = snpVectorCases().filter((v) => v.signerCert === undefined);

  it('without certificates or a fetcher: not verified, collateral names what is missing, no throw', async () => {
    for (const v of parseOnly) {
      const r = await verifySnpReport(v.report, { now: VECTOR_NOW });
      expect(r.ok).toBe(false);
      expect(status(r, 'snp.report.format')).toBe('pass');
      expect(r.product).toBe(v.product);
      expect(findCheck(r, 'snp.collateral')).toMatchObject({
        status: 'fail',
        detail: { missing: ['VCEK', 'ASK', 'ARK'] },
      });
      expect(status(r, 'snp.signature')).toBe('skip');
      expect(snpKdsUrls(r.kds!).vcek).toBe(v.expected.kds_vcek_url);
    }
  });

  it('a rejecting fetcher becomes a failed snp.collateral with the cause, and is called with the KDS query', async () => {
    const v = parseOnly[0]!;
    const calls: unknown[] = [];
    const fetcher: SnpFetcher = {
      vcek: async (p) => {
        calls.push(['vcek', p]);
        throw new Error('KDS said 404');
      },
      certChain: async (p, s) => {
        calls.push(['certChain', p, s]);
        return chainFor(p, 'VCEK');
      },
      crl: async () => {
        throw new Error('unused');
      },
    };
    const r = await verifySnpReport(v.report, { now: VECTOR_NOW, fetcher });
    expect(r.ok).toBe(false);
    const c = findCheck(r, 'snp.collateral')!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/KDS said 404/);
    expect((c.detail as { problems: { message: string }[] }).problems[0]!.message).toBe(
      'KDS said 404',
    );
    expect(calls[0]).toEqual(['vcek', r.kds]);
    expect(snpKdsUrls((calls[0] as [string, never])[1]).vcek).toBe(v.expected.kds_vcek_url);
    expect(calls[1]).toEqual(['certChain', v.product, 'VCEK']);
    expect(status(r, 'snp.chain.ark')).toBe('skip');
  });
});

describeVectors(
  'vectors/snp/synthetic/svsm-vtpm (SYNTHETIC: throwaway signing key, no AMD chain)',
  () => {
    const dir = ['snp', 'synthetic', 'svsm-vtpm'] as const;
    const exp = readVectorJson('snp', 'synthetic', 'expected.json').vectors.find(
      (v: { id: string }) => v.id === 'synthetic-svsm-vtpm-binding',
    ).expected;
    const key = readVectorText(...dir, 'synthetic_signing_key.pub.pem');

    for (const [file, rd, sigKey] of [
      [
        'report_single_vtpm.bin',
        exp.single_service_report_data,
        'report_single_signature_valid_with_synthetic_key',
      ],
      [
        'report_services.bin',
        exp.services_report_data,
        'report_services_signature_valid_with_synthetic_key',
      ],
    ] as const) {
      it(`${file}: parses (v3, VMPL ${exp.vmpl}), REPORT_DATA as expected, signature valid with the synthetic key`, async () => {
        const bytes = readVector(...dir, file);
        const r = parseSnpReport(bytes);
        expect(r.version).toBe(3);
        expect(r.vmpl).toBe(exp.vmpl);
        expect(Buffer.from(r.reportData).toString('hex')).toBe(rd);
        expect(await verifySnpReportSignature(bytes, key)).toBe(exp[sigKey]);
        const t = bytes.slice();
        t[0x50]! ^= 1;
        expect(await verifySnpReportSignature(t, key)).toBe(false);
        // Without an AMD chain the full verification cannot pass.
        const v = await verifySnpReport(bytes, { now: VECTOR_NOW });
        expect(v.ok).toBe(false);
        expect(findCheck(v, 'snp.collateral')!.status).toBe('fail');
      });
    }
    it('verifySnpReportSignature refuses keys that are not P-384', async () => {
      const rsa = parseCertificates(readVectorText('snp', 'roots', 'ask_ark_milan.pem'))[0]!;
      await expect(
        verifySnpReportSignature(readVector(...dir, 'report_services.bin'), rsa),
      ).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    });
  },
);
