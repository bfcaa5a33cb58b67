/**
 * What the hardware evidence of a vTPM binding must be (review of session 9): a TD quote, not an
 * SGX enclave quote; a CCA token with its realm token, not a PSA or platform-only token; an Azure
 * SEV-SNP report requested at VMPL 0 (the paravisor's); and a report object given as evidence is
 * read again from its own bytes. All keys, chains, reports and tokens here are SYNTHETIC (minted
 * by the test helpers with test keys), except the real SGX quote from the vectors.
 */
import { describe, expect, it } from 'vitest';
import { verifyConfidentialVm, verifyReportDataBinding } from '../../src/binding/index.js';
import { encodeSpki } from '../../src/binding/key-encoding.js';
import { digest } from '../../src/core/crypto.js';
import { parseSnpReport } from '../../src/snp/index.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { parseTdxQuote } from '../../src/tdx/index.js';
import { resolveTpmKey } from '../../src/tpm/index.js';
import {
  cbor,
  generateTestKey,
  mintCcaToken,
  mintPsaToken,
  signCose,
} from '../cca/support/mint.js';
import { mintSyntheticAmd, signedReport, SYNTHETIC_NOW } from '../snp/support/synthetic.js';
import {
  buildCollateral,
  buildQuote,
  mintIntelLikePki,
  SYNTH_NOW,
  tcbLevel,
} from '../tdx/support/intel-like.js';
import { forgeKey, forgeQuote } from '../tpm/support/forge.js';
import { describeVectors, readVector } from '../support/vectors.js';
import { CHIP_ID, GENOA_TCB } from './support/cvm.js';

const NONCE = new Uint8Array(32).fill(7);
const failed = (r: { checks: readonly { id: string; status: string; required: boolean }[] }) =>
  r.checks
    .filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'))
    .map((c) => c.id);

/** SYNTHETIC: a vTPM AK made by the test (any key an attacker could hold) and a quote it signed. */
async function attackerAk() {
  const ak = await forgeKey('p256');
  const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce: NONCE });
  const spkiHash = digest('sha256', encodeSpki(resolveTpmKey(ak.publicArea).key));
  return { ak, q, spkiHash };
}

describe('TDX hardware must be a TD quote', () => {
  it('verifyConfidentialVm refuses an SGX enclave quote whose REPORT_DATA binds the AK (SYNTHETIC)', async () => {
    const pki = await mintIntelLikePki();
    const { ak, q, spkiHash } = await attackerAk();
    const rd = new Uint8Array(64);
    rd.set(spkiHash);
    const sgxQuote = await buildQuote(pki, {
      version: 3,
      sgx: {
        reportData: rd,
        mrEnclave: new Uint8Array(32).fill(0xab),
        // INIT | MODE64BIT, no DEBUG: a production enclave.
        attributes: Uint8Array.from([0x05, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0]),
      },
    });
    const collateral = await buildCollateral(pki, {
      tcbId: 'SGX',
      tcbLevels: [
        tcbLevel([7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0], 11, undefined, 'UpToDate'),
      ],
      qeLevels: [{ tcb: { isvsvn: 8 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' }],
    });
    const evidence = {
      hardware: { kind: 'tdx', quote: sgxQuote, collateral },
      binding: { scheme: 'hash', key: 'ak', hash: 'sha256', encoding: 'spki' },
      tpm: { attest: q.attest, signature: q.signature, akPublic: ak.publicArea, pcrs: q.pcrs },
      nonce: NONCE,
    } as const;
    // By default verifyTdxQuote itself refuses an SGX quote (tdx.quote.tee).
    const byDefault = await verifyConfidentialVm(evidence, {
      now: SYNTH_NOW,
      tdx: { rootPins: [pki.rootPin] },
    });
    expect(byDefault.ok).toBe(false);
    expect(byDefault.stages.hardware?.checks.find((c) => c.id === 'tdx.quote.tee')?.status).toBe(
      'fail',
    );
    // A caller who lets verifyTdxQuote accept enclaves still gets no confidential VM from one.
    const r = await verifyConfidentialVm(evidence, {
      now: SYNTH_NOW,
      tdx: { rootPins: [pki.rootPin], tee: 'any' },
    });
    expect(r.stages.hardware?.ok).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.cvm.hardware')).toMatchObject({
      status: 'fail',
      detail: { expected: 'td', actual: 'sgx' },
    });
    expect(r.claims.bindings).toEqual([]);
    expect(failed(r)).toContain('binding.cvm.ak');
  });

  describeVectors('a real SGX quote', () => {
    it('the hash scheme refuses its REPORT_DATA (binding.report fails: it binds no key)', async () => {
      const quote = parseTdxQuote(readVector('tdx', 'dcapqvl-sgx-v3', 'quote.bin'));
      expect(quote.body.kind).toBe('sgx');
      const { ak } = await attackerAk();
      for (const report of [quote, { ...quote, body: { ...quote.body, kind: 'td10' } }]) {
        // The second object claims a TD body: it is read again from its bytes, an SGX quote.
        const r = await verifyReportDataBinding({
          scheme: 'hash',
          report: report as never,
          hash: 'sha256',
          encoding: 'spki',
          key: ak.publicArea,
        });
        expect(r.ok).toBe(false);
        expect(r.checks.find((c) => c.id === 'binding.report')).toMatchObject({
          status: 'fail',
          detail: { cause: { code: 'ERR_UNSUPPORTED' } },
        });
      }
    });
  });
});

describe('CCA hardware must carry a realm token', () => {
  async function run(token: Uint8Array, platformKey: JsonWebKey) {
    const { ak, q } = await attackerAk();
    return verifyConfidentialVm(
      {
        hardware: { kind: 'cca', token },
        binding: { scheme: 'hash', key: 'ak', hash: 'sha256', encoding: 'spki' },
        tpm: { attest: q.attest, signature: q.signature, akPublic: ak.publicArea, pcrs: q.pcrs },
        nonce: NONCE,
      },
      // The CCA options accept every format, so the CVM's own refusal is what is tested.
      { cca: { platformKey, formats: ['cca', 'cca-platform', 'psa'] } },
    );
  }

  it('a PSA token whose challenge is H(AK) binds nothing (SYNTHETIC)', async () => {
    const { spkiHash } = await attackerAk();
    const iak = await generateTestKey('P-256', 'synthetic-test-iak');
    const r = await run(await mintPsaToken(iak, spkiHash), iak.publicJwk);
    expect(r.stages.hardware?.ok).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.cvm.hardware')).toMatchObject({
      status: 'fail',
      detail: { expected: 'cca', actual: 'psa' },
    });
  });

  it('a CCA platform token alone binds nothing (SYNTHETIC)', async () => {
    const cpak = await generateTestKey('P-384', 'synthetic-test-cpak');
    const m = await mintCcaToken({ cpak });
    const claims = new Map(m.platformClaims);
    const { spkiHash } = await attackerAk();
    claims.set(10, spkiHash); // the platform challenge
    const r = await run(await signCose(cbor(claims), cpak), cpak.publicJwk);
    expect(r.stages.hardware?.ok).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.cvm.hardware')).toMatchObject({
      status: 'fail',
      detail: { expected: 'cca', actual: 'cca-platform' },
    });
  });
});

describe('Azure HCL (SEV-SNP flavour): VMPL 0 and the report from its own bytes', () => {
  /** SYNTHETIC: an HCL report (v2 layout, SHA-256 runtime hash) around a signed SNP report. */
  function buildHcl(report: Uint8Array, runtime: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.max(2600, 0x4d4 + runtime.length));
    const dv = new DataView(out.buffer);
    dv.setUint32(0, 0x414c4348, true); // "HCLA"
    dv.setUint32(4, 2, true);
    dv.setUint32(8, 0x4d4 + runtime.length, true);
    dv.setUint32(12, 2, true);
    out.set(report, 0x20);
    dv.setUint32(0x4c0, 20 + runtime.length, true);
    dv.setUint32(0x4c4, 1, true);
    dv.setUint32(0x4c8, 2, true); // SEV-SNP
    dv.setUint32(0x4cc, 1, true); // SHA-256
    dv.setUint32(0x4d0, runtime.length, true);
    out.set(runtime, 0x4d4);
    return out;
  }

  async function setup(vmpl: number) {
    const amd = await mintSyntheticAmd('Genoa');
    const vcek = await amd.mintLeaf({ tcb: GENOA_TCB, hwid: CHIP_ID });
    const ak = await forgeKey('rsassa');
    const runtime = new TextEncoder().encode(
      JSON.stringify({
        keys: [{ kid: 'HCLAkPub', key_ops: ['sign'], kty: 'RSA', e: ak.jwk.e, n: ak.jwk.n }],
      }),
    );
    const rd = new Uint8Array(64);
    rd.set(digest('sha256', runtime));
    const sign = (level: number): Promise<Uint8Array> =>
      signedReport(
        {
          version: 3,
          cpuid: { fam: 0x19, mod: 0x11, step: 1 },
          currentTcb: encodeSnpTcb(GENOA_TCB, 'Genoa'),
          chipId: CHIP_ID,
          vmpl: level,
          reportData: rd,
          measurement: digest('sha384', new TextEncoder().encode('SYNTHETIC Azure-like launch')),
          platformInfo: 0x25n,
        },
        vcek.keys,
      );
    const report = await sign(vmpl);
    return { amd, vcek, ak, runtime, report, sign, hcl: buildHcl(report, runtime) };
  }

  it('the VMPL is the given report’s when one is given, else the HCL’s own', async () => {
    // The HCL carries a VMPL 0 report; the report verified beside it was requested at VMPL 3.
    const { amd, vcek, ak, hcl, sign } = await setup(0);
    const given = await sign(3);
    const b = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: hcl,
      report: parseSnpReport(given),
    });
    expect(b.ok).toBe(false);
    expect(b.checks.find((c) => c.id === 'binding.report.vmpl')?.detail).toEqual({
      expected: 0,
      actual: 3,
    });
    const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce: NONCE });
    const r = await verifyConfidentialVm(
      {
        hardware: { kind: 'snp', report: given, vcek: vcek.der, chain: [amd.ask.der, amd.ark.der] },
        binding: { scheme: 'azure-hcl', hclReport: hcl },
        tpm: { attest: q.attest, signature: q.signature, pcrs: q.pcrs },
        nonce: NONCE,
      },
      { now: SYNTHETIC_NOW, snp: { rootPins: amd.rootPins } },
    );
    expect(r.stages.hardware?.ok).toBe(true);
    expect(r.ok).toBe(false);
    // And the reverse: a VMPL 0 report given beside an HCL whose own report says VMPL 3.
    const low = await setup(3);
    const top = await low.sign(0);
    const c = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: low.hcl,
      report: parseSnpReport(top),
    });
    expect(c.checks.find((x) => x.id === 'binding.report.vmpl')?.status).toBe('pass');
  });

  it('an HCL whose own SEV-SNP report does not parse binds nothing (binding.report.vmpl fails)', async () => {
    const { report, runtime } = await setup(0);
    const bad = report.slice();
    bad[0x1f8] = 1; // reserved bytes after the chip id must be zero
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: buildHcl(bad, runtime),
    });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.report.vmpl')).toMatchObject({
      status: 'fail',
      detail: { cause: { code: expect.stringMatching(/^ERR_/) as unknown } },
    });
    expect(r.boundKeys).toEqual([]);
  });

  it('a given report whose bytes do not parse fails binding.report (no exception)', async () => {
    const { hcl, report } = await setup(0);
    const parsed = parseSnpReport(report);
    const raw = parsed.raw.slice();
    raw[0x1f8] = 1; // reserved bytes after the chip id must be zero
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: hcl,
      report: { ...parsed, raw },
    });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.report')).toMatchObject({
      status: 'fail',
      detail: { cause: { code: expect.stringMatching(/^ERR_/) as unknown } },
    });
    expect(r.boundKeys).toEqual([]);
  });

  it('a report from VMPL 2 or 3 binds no AK; VMPL 0 does', async () => {
    for (const vmpl of [0, 2, 3]) {
      const { amd, vcek, ak, report, hcl } = await setup(vmpl);
      const alone = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: hcl });
      const withReport = await verifyReportDataBinding({
        scheme: 'azure-hcl',
        hclReport: hcl,
        report: parseSnpReport(report),
      });
      for (const b of [alone, withReport]) {
        expect(b.ok, `vmpl ${vmpl}`).toBe(vmpl === 0);
        expect(b.checks.find((c) => c.id === 'binding.report.vmpl')).toMatchObject(
          vmpl === 0
            ? { status: 'pass', required: true }
            : { status: 'fail', required: true, detail: { expected: 0, actual: vmpl } },
        );
        expect(b.boundKeys.length > 0).toBe(vmpl === 0);
      }
      const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce: NONCE });
      const r = await verifyConfidentialVm(
        {
          hardware: { kind: 'snp', vcek: vcek.der, chain: [amd.ask.der, amd.ark.der] },
          binding: { scheme: 'azure-hcl', hclReport: hcl },
          tpm: { attest: q.attest, signature: q.signature, pcrs: q.pcrs },
          nonce: NONCE,
        },
        { now: SYNTHETIC_NOW, snp: { rootPins: amd.rootPins } },
      );
      expect(r.stages.hardware?.ok, `vmpl ${vmpl}`).toBe(true);
      expect(r.ok, `vmpl ${vmpl}`).toBe(vmpl === 0);
    }
  });

  it('a report object whose fields were edited is read from its raw bytes', async () => {
    const { vcek } = await setup(0);
    const runtimeOfOther = new TextEncoder().encode('{"keys":[]}');
    const rdOther = new Uint8Array(64);
    rdOther.set(digest('sha256', runtimeOfOther));
    const real = await signedReport(
      {
        version: 3,
        cpuid: { fam: 0x19, mod: 0x11, step: 1 },
        currentTcb: encodeSnpTcb(GENOA_TCB, 'Genoa'),
        chipId: CHIP_ID,
        reportData: rdOther,
        measurement: new Uint8Array(48),
        platformInfo: 0x25n,
      },
      vcek.keys,
    );
    // The HCL's runtime data names the attacker's AK; the signed report hashes other data.
    const { runtime } = await setup(0);
    const hcl = buildHcl(real, runtime);
    const parsed = parseSnpReport(real);
    const rd = new Uint8Array(64);
    rd.set(digest('sha256', runtime));
    const forged = { ...parsed, reportData: rd };
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: hcl,
      report: forged,
    });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('fail');
    expect(r.boundKeys).toEqual([]);
    // An object without its raw bytes is a programming error.
    await expect(
      verifyReportDataBinding({
        scheme: 'azure-hcl',
        hclReport: hcl,
        report: { ...parsed, raw: undefined } as never,
      }),
    ).rejects.toThrow(TypeError);
  });
});
