import { describe, expect, it } from 'vitest';
import {
  parseAzureHclReport,
  verifyConfidentialVm,
  verifyReportDataBinding,
} from '../../src/binding/index.js';
import type {
  AzureHclReport,
  ConfidentialVmEvidence,
  ConfidentialVmVerification,
  ConfidentialVmVerifyOptions,
  ReportDataBindingVerification,
} from '../../src/binding/index.js';
import { createCache } from '../../src/core/cache.js';
import { vandalise } from '../support/vandalise.js';
import type { Check } from '../../src/core/checks.js';
import type { PcrBanks } from '../../src/tpm/index.js';
import { describeVectors, hex, readVectorText } from '../support/vectors.js';
import { azureVectors, runtimeText, withRuntimeData, type AzureVector } from './support/azure.js';

/** Inside every vector's VCEK / ASK / ARK validity window. */
const NOW = new Date('2025-07-01T00:00:00Z');
const RAW = { scheme: 'rsassa', hash: 'sha256' } as const;
const vectors = azureVectors();
const byId = (id: string): AzureVector => vectors.find((x) => x.id === id)!;

function pcrBanks(values: readonly Uint8Array[]): PcrBanks {
  const sha256: Record<number, Uint8Array> = {};
  values.forEach((v, i) => (sha256[i] = v));
  return { sha256 };
}
function chainFor(v: AzureVector): string {
  return readVectorText(
    'snp',
    'roots',
    v.expected.snp_report.product_line === 'Genoa' ? 'ask_ark_genoa.pem' : 'ask_ark_milan.pem',
  );
}
function snpBundle(
  v: AzureVector,
  over: Partial<ConfidentialVmEvidence> = {},
): ConfidentialVmEvidence {
  const q = v.quote!;
  return {
    hardware: { kind: 'snp', vcek: v.vcek!, chain: chainFor(v) },
    binding: { scheme: 'azure-hcl', hclReport: v.hcl },
    tpm: {
      attest: q.attest,
      signature: q.signature,
      signatureScheme: RAW,
      ...(q.pcrValues.length > 0 ? { pcrs: pcrBanks(q.pcrValues) } : {}),
    },
    nonce: hex(v.expected.tpm_quote.attest.extra_data),
    ...over,
  };
}
function allChecks(r: ConfidentialVmVerification): Check[] {
  return [
    ...r.checks,
    ...(r.stages.hardware?.checks ?? []),
    ...r.stages.bindings.flatMap((s): readonly Check[] => s.checks),
    ...(r.stages.akCertify?.checks ?? []),
    ...(r.stages.quote?.checks ?? []),
    ...(r.stages.eventLog?.checks ?? []),
  ];
}
const problems = (r: ConfidentialVmVerification): Check[] =>
  allChecks(r).filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'));
const statusOf = (r: ConfidentialVmVerification, id: string): string | undefined =>
  allChecks(r).find((c) => c.id === id)?.status;

const snpWithPcrs = vectors.filter(
  (x) => x.expected.hcl.igvm_request_data.report_type === 2 && (x.quote?.pcrValues.length ?? 0) > 0,
);

describeVectors('verifyConfidentialVm — Azure SNP CVMs end to end (real vectors)', () => {
  for (const v of snpWithPcrs) {
    it(`${v.id}: VCEK → SNP report → runtime JSON → HCLAkPub → quote → PCRs`, async () => {
      const r = await verifyConfidentialVm(snpBundle(v), { now: NOW });
      expect(problems(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checks.map((c) => [c.id, c.status])).toEqual([
        ['binding.cvm.hardware', 'pass'],
        ['binding.cvm.binding', 'pass'],
        ['binding.cvm.ak', 'pass'],
        ['binding.cvm.quote', 'pass'],
        ['binding.cvm.nonce', 'pass'],
        ['binding.cvm.event-log', 'skip'],
        ['binding.policy.pcrs', 'skip'],
        ['binding.policy.secure-boot', 'skip'],
        ['binding.policy.vm-configuration', 'skip'],
        ['binding.policy.user-data', 'skip'],
      ]);
      const hcl = parseAzureHclReport(v.hcl);
      expect(r.claims.platform).toBe('snp');
      expect(r.claims.measurement).toBe(v.expected.snp_report.measurement);
      expect(r.claims.reportData).toBe(v.expected.snp_report.report_data);
      expect(r.claims.vmpl).toBe(0);
      expect(r.claims.debug).toBe(false);
      expect(r.claims.bindings).toEqual(['azure-hcl']);
      expect(r.claims.ak?.n).toBe(hcl.akPub!.jwk.n);
      expect(r.claims.pcrs.sha256).toEqual(v.expected.tpm_quote.pcrs_sha256);
      expect(r.claims.azureVmConfiguration).toEqual(v.expected.hcl.vm_configuration);
      expect(r.stages.hardware?.ok).toBe(true);
      expect(r.stages.bindings).toHaveLength(1);
      expect(r.stages.quote?.ok).toBe(true);
    });
  }

  it('policy across stages: PCR values, vm-configuration, user-data', async () => {
    const v = byId('azure-snp-milan-trustee-evidence-v2');
    const pcr7 = hex(v.expected.tpm_quote.pcrs_sha256['7']);
    const userData = hex(v.expected.hcl.user_data);
    const good = await verifyConfidentialVm(snpBundle(v), {
      now: NOW,
      policy: {
        pcrs: { sha256: { 7: pcr7 } },
        azureVmConfiguration: { 'secure-boot': true, 'tpm-enabled': true },
        azureUserData: userData,
      },
    });
    expect(problems(good)).toEqual([]);
    expect(good.ok).toBe(true);
    expect(statusOf(good, 'binding.policy.pcrs')).toBe('pass');
    expect(statusOf(good, 'binding.policy.vm-configuration')).toBe('pass');
    expect(statusOf(good, 'binding.policy.user-data')).toBe('pass');

    const bad = await verifyConfidentialVm(snpBundle(v), {
      now: NOW,
      policy: {
        pcrs: { sha256: { 7: new Uint8Array(32) } },
        azureVmConfiguration: { 'console-enabled': false },
        azureUserData: new Uint8Array(64),
      },
    });
    expect(bad.ok).toBe(false);
    expect(statusOf(bad, 'binding.policy.pcrs')).toBe('fail');
    expect(statusOf(bad, 'binding.policy.vm-configuration')).toBe('fail');
    expect(statusOf(bad, 'binding.policy.user-data')).toBe('fail');
  });

  it('a wrong nonce: the quote is stale', async () => {
    const v = byId('azure-snp-genoa-trustee');
    const r = await verifyConfidentialVm(snpBundle(v, { nonce: hex('00') }), { now: NOW });
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'tpm.quote.nonce')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.nonce')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.binding')).toBe('pass');
    expect(r.claims.pcrs).toEqual({});
  });

  it('no nonce: required freshness check skipped, not ok', async () => {
    const v = byId('azure-snp-genoa-trustee');
    const { nonce: _n, ...noNonce } = snpBundle(v);
    const r = await verifyConfidentialVm(noNonce, { now: NOW });
    expect(r.checks.find((c) => c.id === 'binding.cvm.nonce')).toMatchObject({
      status: 'skip',
      required: true,
    });
    expect(r.ok).toBe(false);
  });

  it('an AK other than HCLAkPub (here HCLEkPub) is not bound and does not verify the quote', async () => {
    const v = byId('azure-snp-milan-trustee');
    const hcl = parseAzureHclReport(v.hcl);
    const b = snpBundle(v);
    const r = await verifyConfidentialVm(
      { ...b, tpm: { ...b.tpm, akPublic: hcl.ekPub!.jwk } },
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.key.match')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.ak')).toBe('fail');
    expect(statusOf(r, 'tpm.quote.signature')).toBe('fail');
  });

  it('a tampered SNP report (inside the HCL report) fails the signature; the binding still reports', async () => {
    const v = byId('azure-snp-milan-trustee');
    const tampered = v.hcl.slice();
    tampered[0x20 + 0x90]! ^= 1; // MEASUREMENT[0]
    const r = await verifyConfidentialVm(
      snpBundle(v, { binding: { scheme: 'azure-hcl', hclReport: tampered } }),
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'snp.signature')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.hardware')).toBe('fail');
    expect(statusOf(r, 'binding.report-data')).toBe('pass');
  });

  it('a parsed HCL report is read again from its raw bytes: a swapped akPub binds nothing', async () => {
    // SYNTHETIC forgery of a parsed object (review finding): the real runtime data (which the SNP
    // report binds) with another key as akPub. Before the fix the forged key was "bound".
    const v = byId('azure-snp-milan-trustee');
    const real = parseAzureHclReport(v.hcl);
    const forged: AzureHclReport = { ...real, akPub: real.ekPub!, keys: [] };
    expect(forged.akPub!.jwk).not.toEqual(real.akPub!.jwk);
    const b = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: forged });
    expect(b.ok).toBe(true); // the binding is the real one…
    expect(b.boundKeys.find((k) => k.role === 'ak')?.jwk).toEqual(real.akPub!.jwk); // …of the real AK
    const r = await verifyConfidentialVm(
      snpBundle(v, { binding: { scheme: 'azure-hcl', hclReport: forged } }),
      { now: NOW },
    );
    expect(r.ok).toBe(true);
    expect(r.claims.ak).toEqual(real.akPub!.jwk);
  });

  it('every azure-hcl binding is verified from its own bytes, not only the first', async () => {
    const v = byId('azure-snp-milan-trustee');
    const junk = new Uint8Array(2048).fill(0x41);
    const r = await verifyConfidentialVm(
      snpBundle(v, {
        binding: [
          { scheme: 'azure-hcl', hclReport: v.hcl },
          { scheme: 'azure-hcl', hclReport: junk },
        ],
      }),
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(r.stages.bindings[1]!.checks.find((c) => c.id === 'binding.report')?.status).toBe(
      'fail',
    );
  });

  it('changed runtime data (another AK) breaks the binding', async () => {
    const v = byId('azure-snp-milan-trustee');
    const text = runtimeText(v.hcl).replace('911B0EF8', '00000000');
    const r = await verifyConfidentialVm(
      snpBundle(v, { binding: { scheme: 'azure-hcl', hclReport: withRuntimeData(v.hcl, text) } }),
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.report-data')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.binding')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.ak')).toBe('fail');
  });

  for (const offset of [0, 1]) {
    it(`a shared cache keeps the HCL parse per input; a byte changed in place misses it (view at offset ${offset})`, async () => {
      const v = byId('azure-snp-milan-trustee-evidence-v2');
      // Offset 1: an unaligned view, compared byte by byte rather than word by word.
      const hclReport = new Uint8Array(v.hcl.length + offset).subarray(offset);
      hclReport.set(v.hcl);
      const evidence = snpBundle(v, { binding: { scheme: 'azure-hcl', hclReport } });
      const cache = createCache();
      const hclOf = (r: ConfidentialVmVerification): AzureHclReport | undefined =>
        (r.stages.bindings[0] as ReportDataBindingVerification).hclReport;

      const first = await verifyConfidentialVm(evidence, { now: NOW, cache });
      const warm = await verifyConfidentialVm(evidence, { now: NOW, cache });
      expect(first.ok).toBe(true);
      expect(warm.ok).toBe(true);
      // The same parse, from the cache: each result has its own copy, sharing the sealed parts.
      expect(hclOf(warm)).not.toBe(hclOf(first));
      expect(hclOf(warm)).toEqual(hclOf(first));
      expect(hclOf(warm)!.vmConfiguration).toBe(hclOf(first)!.vmConfiguration);
      expect(Object.isFrozen(hclOf(warm)!.vmConfiguration)).toBe(true);
      expect(warm.claims).toEqual(first.claims);
      const userData = hclOf(first)!.userData!.slice();

      // The first hex digit of "user-data", changed in the caller's own array: the JSON still
      // parses, to the new value, and no longer matches REPORT_DATA.
      const marker = new TextEncoder().encode('"user-data":"');
      const at = hclReport.findIndex((_, i) => marker.every((m, j) => hclReport[i + j] === m));
      expect(at).toBeGreaterThan(0x4d4);
      const digit = at + marker.length;
      const old = hclReport[digit]!;
      hclReport[digit] = old === 0x30 ? 0x31 : 0x30; // '0' or '1'
      const changed = await verifyConfidentialVm(evidence, { now: NOW, cache });
      expect(hclOf(changed)!.vmConfiguration).not.toBe(hclOf(first)!.vmConfiguration);
      expect(hclOf(changed)!.userData![0]).toBe(
        ((hclReport[digit] - 0x30) << 4) | (userData[0]! & 15),
      );
      expect(hclOf(changed)!.userData!.subarray(1)).toEqual(userData.subarray(1));
      expect(statusOf(changed, 'binding.report-data')).toBe('fail');
      expect(changed.ok).toBe(false);

      // Restored: the bytes equal the kept copy again.
      hclReport[digit] = old;
      const restored = await verifyConfidentialVm(evidence, { now: NOW, cache });
      expect(restored.ok).toBe(true);
      expect(hclOf(restored)!.userData).toEqual(userData);

      // A non-zero padding byte: the report no longer parses, and no stale parse is returned.
      expect(hclOf(first)!.paddingSize).toBeGreaterThan(0);
      hclReport[hclReport.length - 1] = 1;
      const broken = await verifyConfidentialVm(evidence, { now: NOW, cache });
      expect(statusOf(broken, 'binding.report')).toBe('fail');
      expect(hclOf(broken)).toBeUndefined();
      expect(broken.ok).toBe(false);
    });
  }

  it("vandalising warm results changes no later verdict or claim: the checks read the cache's own HCL parse", async () => {
    const v = byId('azure-snp-milan-trustee-evidence-v2');
    const evidence = snpBundle(v, { binding: { scheme: 'azure-hcl', hclReport: v.hcl.slice() } });
    const cold = await verifyConfidentialVm(evidence, { now: NOW });
    expect(cold.ok).toBe(true);
    const cache = createCache();
    for (let i = 0; i < 2; i++) {
      const r = await verifyConfidentialVm(evidence, { now: NOW, cache });
      expect(r.checks).toEqual(cold.checks);
      expect(r.claims).toEqual(cold.claims);
      // The HCL report (runtime keys, VM configuration), bound keys, hardware certificates.
      const hcl = (r.stages.bindings[0] as ReportDataBindingVerification).hclReport!;
      expect(vandalise(r)).toBeGreaterThan(100);
      expect(hcl.runtimeData.every((x) => x === 0)).toBe(true);
    }
    const after = await verifyConfidentialVm(evidence, { now: NOW, cache });
    expect(after.checks).toEqual(cold.checks);
    expect(after.claims).toEqual(cold.claims);
    expect(after.ok).toBe(true);
  });

  it('2023 report: the quote selects PCRs 0–7 and 14 only; a policy on PCR 15 fails', async () => {
    const v = byId('azure-snp-milan-trustee-2023');
    const r = await verifyConfidentialVm(snpBundle(v), {
      now: NOW,
      policy: { pcrs: { sha256: { 15: new Uint8Array(32) } } },
    });
    expect(statusOf(r, 'binding.cvm.binding')).toBe('pass');
    expect(statusOf(r, 'tpm.quote.signature')).toBe('pass');
    const c = r.checks.find((x) => x.id === 'binding.policy.pcrs')!;
    expect(c.status).toBe('fail');
    expect(r.claims.pcrs.sha256?.[15]).toBeUndefined();
  });

  it('the Genoa report of openpcc binds its runtime data (no quote shipped): quote fails, binding passes', async () => {
    const v = byId('azure-snp-genoa-openpcc');
    const r = await verifyConfidentialVm(
      {
        hardware: { kind: 'snp', vcek: v.vcek!, chain: chainFor(v) },
        binding: { scheme: 'azure-hcl', hclReport: v.hcl },
        tpm: { attest: new Uint8Array(10), signature: new Uint8Array(256), signatureScheme: RAW },
        nonce: new Uint8Array(8),
      },
      { now: NOW },
    );
    expect(statusOf(r, 'binding.cvm.hardware')).toBe('pass');
    expect(statusOf(r, 'binding.cvm.binding')).toBe('pass');
    expect(statusOf(r, 'binding.cvm.quote')).toBe('fail');
    expect(r.ok).toBe(false);
  });
});

describeVectors(
  'verifyConfidentialVm — Azure TDX CVM end to end (real vector, no Intel collateral)',
  () => {
    const v = byId('azure-tdx-trustee');
    const q = v.quote;
    const bundle = (hcl: Uint8Array = v.hcl): ConfidentialVmEvidence => ({
      hardware: { kind: 'tdx', quote: v.tdQuote! },
      binding: { scheme: 'azure-hcl', hclReport: hcl },
      tpm: {
        attest: q!.attest,
        signature: q!.signature,
        signatureScheme: RAW,
        pcrs: pcrBanks(q!.pcrValues),
      },
      nonce: hex(v.expected.tpm_quote.attest.extra_data),
    });
    // The vector has no TCB info / QE identity / CRLs, and the TD runs without SEPT_VE_DISABLE:
    // both are relaxed explicitly here; the default refuses them.
    const relaxed: ConfidentialVmVerifyOptions = {
      now: NOW,
      tdx: { allowTrailingData: true, requireCollateral: false },
      policy: { tdx: { requireSeptVeDisable: false } },
    };

    it('TD quote → REPORTDATA → runtime JSON → HCLAkPub → quote → PCRs; TD quote repeats the TDREPORT', async () => {
      const r = await verifyConfidentialVm(bundle(), relaxed);
      expect(problems(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(statusOf(r, 'binding.hcl.td-report')).toBe('pass');
      expect(r.claims.platform).toBe('tdx');
      expect(r.claims.measurement).toBe(v.expected.tdreport.mrtd);
      expect(r.claims.runtimeMeasurements).toEqual(
        [0, 1, 2, 3].map((i) => v.expected.tdreport[`rtmr${i}`]),
      );
      expect(r.claims.reportData).toBe(v.expected.tdreport.report_data);
      expect(r.claims.pcrs.sha256).toEqual(v.expected.tpm_quote.pcrs_sha256);
    });

    it('with default TDX options the missing collateral is reported, not passed', async () => {
      const r = await verifyConfidentialVm(bundle(), {
        now: NOW,
        tdx: { allowTrailingData: true },
      });
      expect(r.ok).toBe(false);
      expect(statusOf(r, 'binding.cvm.hardware')).toBe('fail');
      expect(statusOf(r, 'binding.cvm.binding')).toBe('pass');
    });

    it('a TDREPORT that differs from the TD quote (one MRTD byte) fails binding.hcl.td-report', async () => {
      const hcl = v.hcl.slice();
      hcl[0x20 + 512 + 16]! ^= 1;
      const r = await verifyConfidentialVm(bundle(hcl), relaxed);
      expect(r.ok).toBe(false);
      const c = allChecks(r).find((x) => x.id === 'binding.hcl.td-report')!;
      expect(c.status).toBe('fail');
      expect(c.message).toMatch(/MRTD differs/);
      expect(statusOf(r, 'binding.report-data')).toBe('skip');
    });
  },
);

describe('verifyConfidentialVm — type confusion', () => {
  const tpm = { attest: new Uint8Array(4), signature: new Uint8Array(4) };
  const cases: [string, unknown, unknown?][] = [
    ['null evidence', null],
    ['string evidence', 'cvm'],
    [
      'unknown hardware kind',
      { hardware: { kind: 'sev' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
    ],
    [
      'no tpm',
      { hardware: { kind: 'snp' }, binding: { scheme: 'azure-hcl', hclReport: new Uint8Array(1) } },
    ],
    [
      'string attest',
      {
        hardware: { kind: 'snp' },
        binding: { scheme: 'azure-hcl', hclReport: new Uint8Array(1) },
        tpm: { ...tpm, attest: 'x' },
      },
    ],
    ['empty binding list', { hardware: { kind: 'snp' }, binding: [], tpm }],
    ['unknown scheme', { hardware: { kind: 'snp' }, binding: { scheme: 'magic' }, tpm }],
    [
      'azure-hcl with CCA',
      {
        hardware: { kind: 'cca', token: new Uint8Array(1) },
        binding: { scheme: 'azure-hcl', hclReport: new Uint8Array(1) },
        tpm,
      },
    ],
    [
      'svsm without nonce',
      { hardware: { kind: 'snp' }, binding: { scheme: 'svsm', manifest: new Uint8Array(1) }, tpm },
    ],
    [
      'svsm with TDX',
      {
        hardware: { kind: 'tdx', quote: new Uint8Array(1) },
        binding: { scheme: 'svsm', manifest: new Uint8Array(1) },
        tpm,
        nonce: new Uint8Array(64),
      },
    ],
    [
      'hash naming a missing EK',
      {
        hardware: { kind: 'snp' },
        binding: { scheme: 'hash', hash: 'sha256', encoding: 'spki', key: 'ek' },
        tpm,
      },
    ],
    ['pcr without a log', { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm }],
    [
      'an HCL report object without its raw bytes',
      {
        hardware: { kind: 'snp' },
        binding: { scheme: 'azure-hcl', hclReport: { akPub: {} } },
        tpm,
      },
    ],
    [
      'an activation proof without bytes',
      {
        hardware: { kind: 'snp' },
        binding: { scheme: 'pcr' },
        tpm: { ...tpm, akProof: { kind: 'activation', activated: 'secret' } },
        eventLog: new Uint8Array(1),
      },
    ],
    [
      'a PCR policy naming no PCR',
      { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
      { policy: { pcrs: { sha256: {} } } },
    ],
    [
      'an empty vm-configuration policy',
      { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
      { policy: { azureVmConfiguration: {} } },
    ],
    [
      'a credential without its AK Name',
      { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
      { credential: { secret: new Uint8Array(1), ekPublic: new Uint8Array(1) } },
    ],
    [
      'ArrayBuffer nonce',
      {
        hardware: { kind: 'snp' },
        binding: { scheme: 'pcr' },
        tpm,
        eventLog: new Uint8Array(1),
        nonce: new ArrayBuffer(8),
      },
    ],
    [
      'invalid now',
      { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
      { now: new Date('x') },
    ],
    [
      'null options',
      { hardware: { kind: 'snp' }, binding: { scheme: 'pcr' }, tpm, eventLog: new Uint8Array(1) },
      null,
    ],
  ];
  for (const [name, evidence, options] of cases) {
    it(`rejects ${name}`, async () => {
      await expect(verifyConfidentialVm(evidence as never, options as never)).rejects.toThrow(
        TypeError,
      );
    });
  }
});
