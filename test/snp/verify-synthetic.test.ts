/**
 * End-to-end tests against a SYNTHETIC AMD-style chain (test keys, see support/synthetic.ts):
 * what real vectors cannot show — expiry, revocation, wrong roots, VLEK/ASK mix-ups, masked chip
 * ids, hwID encodings, SPL mismatches, Turin FMC — and the fetcher/cache contract.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySnpReport } from '../../src/snp/verify.js';
import { parseSnpReport } from '../../src/snp/parse.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { SNP_VCEK_OID } from '../../src/snp/kds.js';
import { findCheck, ledgerOk } from '../../src/core/checks.js';
import { createCache, MAX_CACHE_KEY_LENGTH } from '../../src/core/cache.js';
import { encodePem } from '../../src/core/encoding.js';
import { withCache } from '../../src/fetch/with-cache.js';
import type {
  SnpCheckId,
  SnpEvidence,
  SnpFetcher,
  SnpProduct,
  SnpTcbParts,
  SnpVerification,
  SnpVerifyOptions,
} from '../../src/snp/types.js';
import {
  encodeCertTable,
  filled,
  SNP_CERT_TABLE_GUID,
  type ReportFields,
} from './support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  x509,
  type LeafOptions,
  type Minted,
  type SyntheticAmd,
} from './support/synthetic.js';

const DAY = 24 * 3600 * 1000;
const st = (r: SnpVerification, id: SnpCheckId): string | undefined => findCheck(r, id)?.status;
const failed = (r: SnpVerification): string[] =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

const GENOA_TCB: SnpTcbParts = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const TURIN_TCB: SnpTcbParts = { fmc: 3, bootloader: 1, tee: 0, snp: 2, microcode: 71 };
const CHIP = filled(64, 'count').map((b) => b ^ 0x5a);
const TURIN_CHIP = new Uint8Array(64);
TURIN_CHIP.set([0x3b, 0x42, 0x09, 0x2f, 0x69, 0xc6, 0x56, 0xd3]);

let genoa: SyntheticAmd;
let turin: SyntheticAmd;
let vcek: Minted;

function fields(product: SnpProduct, over: ReportFields = {}): ReportFields {
  const tcb = encodeSnpTcb(product === 'Turin' ? TURIN_TCB : GENOA_TCB, product);
  return {
    version: product === 'Turin' ? 5 : 3,
    cpuid:
      product === 'Turin' ? { fam: 0x1a, mod: 0x02, step: 1 } : { fam: 0x19, mod: 0x11, step: 1 },
    currentTcb: tcb,
    chipId: product === 'Turin' ? TURIN_CHIP : CHIP,
    reportData: filled(64, 0x11),
    measurement: filled(48, 0x22),
    platformInfo: 0x25n,
    ...over,
  };
}

async function run(
  amd: SyntheticAmd,
  leaf: Minted,
  report: Uint8Array,
  options: SnpVerifyOptions = {},
  ev: Partial<SnpEvidence> = {},
  kind: 'VCEK' | 'VLEK' = 'VCEK',
): Promise<SnpVerification> {
  const evidence: SnpEvidence = {
    report,
    ...(kind === 'VCEK' ? { vcek: leaf.der } : { vlek: leaf.der }),
    chain: [kind === 'VCEK' ? amd.ask.der : amd.asvk.der, amd.ark.der],
    ...ev,
  };
  const r = await verifySnpReport(evidence, {
    now: SYNTHETIC_NOW,
    rootPins: amd.rootPins,
    ...options,
  });
  expect(r.ok).toBe(ledgerOk(r.checks));
  return r;
}

async function leafFor(amd: SyntheticAmd, o: Partial<LeafOptions> = {}): Promise<Minted> {
  const turinish = amd.product === 'Turin';
  return amd.mintLeaf({
    tcb: turinish ? TURIN_TCB : GENOA_TCB,
    hwid: turinish ? TURIN_CHIP.slice(0, 8) : CHIP,
    ...o,
  });
}

beforeAll(async () => {
  [genoa, turin] = await Promise.all([mintSyntheticAmd('Genoa'), mintSyntheticAmd('Turin')]);
  vcek = await leafFor(genoa);
}, 120_000);

describe('synthetic chain: the happy path', () => {
  it('a Genoa v3 report signed by the synthetic VCEK verifies with the synthetic root pinned', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const r = await run(genoa, vcek, report);
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.product).toBe('Genoa');
    expect(r.tcb!.reported).toMatchObject(GENOA_TCB);
    expect(findCheck(r, 'snp.cert.hwid')!.message).toMatch(/64 bytes, raw/);
  });

  it('a Turin v5 report: FMC layout, fmcSPL, 8-byte hwID', async () => {
    const leaf = await leafFor(turin);
    const report = await signedReport(fields('Turin'), leaf.keys);
    const r = await run(turin, leaf, report);
    expect(failed(r)).toEqual([]);
    expect(r.tcb!.reported).toMatchObject(TURIN_TCB);
    expect(findCheck(r, 'snp.tcb.vcek-extensions')!.detail).toMatchObject({
      expected: { fmcSPL: 3 },
      actual: { fmcSPL: 3 },
    });
    expect(findCheck(r, 'snp.cert.hwid')!.message).toMatch(/8 bytes/);
    // fmcSPL that does not match REPORTED_TCB.
    const wrongFmc = await turin.mintLeaf({
      tcb: { ...TURIN_TCB, fmc: 2 },
      hwid: TURIN_CHIP.slice(0, 8),
      keys: leaf.keys,
    });
    const r2 = await run(turin, wrongFmc, report);
    expect(failed(r2)).toEqual(['snp.tcb.vcek-extensions']);
    expect(findCheck(r2, 'snp.tcb.vcek-extensions')!.message).toMatch(/fmcSPL/);
    // A Turin CHIP_ID with bytes after the first 8 does not match the 8-byte hwID.
    const chip = TURIN_CHIP.slice();
    chip[20] = 1;
    const r3 = await run(
      turin,
      leaf,
      await signedReport(fields('Turin', { chipId: chip }), leaf.keys),
    );
    expect(failed(r3)).toEqual(['snp.cert.hwid']);
  });
});

describe('synthetic chain: roots, validity, revocation', () => {
  it('without the synthetic pin the ARK is not trusted (built-in AMD pins)', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const r = await verifySnpReport(
      { report, vcek: vcek.der, chain: [genoa.ask.der, genoa.ark.der] },
      { now: SYNTHETIC_NOW },
    );
    expect(failed(r)).toEqual(['snp.chain.ark']);
    expect(findCheck(r, 'snp.chain.ark')!.message).toMatch(/not pinned/);
    // Pins for another product only: still not pinned for Genoa.
    const r2 = await verifySnpReport(
      { report, vcek: vcek.der, chain: [genoa.ask.der, genoa.ark.der] },
      { now: SYNTHETIC_NOW, rootPins: { Milan: [genoa.pin] } },
    );
    expect(failed(r2)).toEqual(['snp.chain.ark']);
  });

  it('a root from another synthetic product (wrong product root) fails', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const r = await run(
      genoa,
      vcek,
      report,
      { rootPins: { Genoa: [genoa.pin], Turin: [turin.pin] } },
      { chain: [genoa.ask.der, turin.ark.der] },
    );
    expect(st(r, 'snp.product')).toBe('fail');
    expect(st(r, 'snp.chain.ark')).toBe('fail');
    expect(st(r, 'snp.chain.ask')).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('expired and not-yet-valid VCEK, expired ASK', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const expired = await leafFor(genoa, {
      keys: vcek.keys,
      notBefore: new Date(SYNTHETIC_NOW.getTime() - 400 * DAY),
      notAfter: new Date(SYNTHETIC_NOW.getTime() - DAY),
    });
    const r1 = await run(genoa, expired, report);
    expect(failed(r1)).toEqual(['snp.chain.vcek']);
    expect(findCheck(r1, 'snp.chain.vcek')!.message).toMatch(/expired/);
    const future = await leafFor(genoa, {
      keys: vcek.keys,
      notBefore: new Date(SYNTHETIC_NOW.getTime() + DAY),
    });
    const r2 = await run(genoa, future, report);
    expect(failed(r2)).toEqual(['snp.chain.vcek']);
    expect(findCheck(r2, 'snp.chain.vcek')!.message).toMatch(/not-yet-valid/);
    const oldAsk = await genoa.mintIntermediate({
      notBefore: new Date(SYNTHETIC_NOW.getTime() - 900 * DAY),
      notAfter: new Date(SYNTHETIC_NOW.getTime() - DAY),
    });
    const r3 = await run(genoa, vcek, report, {}, { chain: [oldAsk.der, genoa.ark.der] });
    expect(failed(r3)).toEqual(['snp.chain.ask']);
  });

  it('CRL: revoked ASK, clean CRL, wrong signer, stale, maxCrlAge, requireCrl via the fetcher', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const revoked = await genoa.mintCrl({ revoked: ['030001'] });
    const r1 = await run(genoa, vcek, report, {}, { crl: revoked });
    expect(failed(r1)).toEqual(['snp.crl']);
    expect(findCheck(r1, 'snp.crl')!.message).toMatch(/revoked/);
    expect(findCheck(r1, 'snp.crl')!.detail).toMatchObject({ revokedSerials: ['030001'] });
    const clean = await genoa.mintCrl({ revoked: ['030002'] });
    const r2 = await run(genoa, vcek, report, {}, { crl: encodePem('X509 CRL', clean) });
    expect(findCheck(r2, 'snp.crl')).toMatchObject({ status: 'pass', required: false });
    expect(r2.ok).toBe(true);
    const forged = await genoa.mintCrl({ signer: genoa.ask.keys });
    expect(failed(await run(genoa, vcek, report, {}, { crl: forged }))).toEqual(['snp.crl']);
    const stale = await genoa.mintCrl({
      thisUpdate: new Date(SYNTHETIC_NOW.getTime() - 60 * DAY),
      nextUpdate: new Date(SYNTHETIC_NOW.getTime() - DAY),
    });
    const r4 = await run(genoa, vcek, report, {}, { crl: stale });
    expect(findCheck(r4, 'snp.crl')!.message).toMatch(/stale/);
    const r5 = await run(genoa, vcek, report, { maxCrlAge: 3600 * 1000 }, { crl: clean });
    expect(failed(r5)).toEqual(['snp.crl']);
    const garbage = await run(
      genoa,
      vcek,
      report,
      {},
      { crl: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) },
    );
    expect(findCheck(garbage, 'snp.crl')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_BAD_CRL' },
    });
    // requireCrl: fetched from the fetcher when the evidence has none.
    const calls: string[] = [];
    const fetcher: SnpFetcher = {
      vcek: async () => {
        calls.push('vcek');
        return vcek.der;
      },
      certChain: async () => {
        calls.push('certChain');
        return [genoa.ask.der, genoa.ark.der];
      },
      crl: async (product, signer) => {
        calls.push(`crl:${product}:${signer}`);
        return clean;
      },
    };
    const r6 = await run(genoa, vcek, report, { requireCrl: true, fetcher });
    expect(findCheck(r6, 'snp.crl')).toMatchObject({ status: 'pass', required: true });
    expect(calls).toEqual(['crl:Genoa:VCEK']);
    expect(r6.certificates.sources.crl).toBe('fetcher');
  });

  it("with requireCrl the fetcher's CRL wins over one the evidence or the host's certificate table carries, and a failed fetch fails", async () => {
    // Review finding: any ARK-signed CRL before its nextUpdate passes snp.crl, so a host could
    // hand over an older CRL (or the other signer path's) to hide a revoked ASK.
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const revoking = await genoa.mintCrl({ revoked: ['030001'] });
    const benign = await genoa.mintCrl({ revoked: [] });
    const fetcher: SnpFetcher = {
      vcek: async () => vcek.der,
      certChain: async () => [genoa.ask.der, genoa.ark.der],
      crl: async () => revoking,
    };
    const table = encodeCertTable([{ guid: SNP_CERT_TABLE_GUID.crl, data: benign }]);
    for (const ev of [{ crl: benign }, { certTable: table }]) {
      const r = await run(genoa, vcek, report, { requireCrl: true, fetcher }, ev);
      expect(findCheck(r, 'snp.crl')!.message).toMatch(/revoked/);
      expect(r.certificates.sources.crl).toBe('fetcher');
      expect(r.ok).toBe(false);
    }
    // When the fetch fails, a supplied CRL does not stand in for it (a host able to block the
    // fetch would choose it): snp.crl fails, and snp.collateral says why.
    const down: SnpFetcher = {
      ...fetcher,
      crl: async () => {
        throw new Error('KDS unreachable');
      },
    };
    const r = await run(genoa, vcek, report, { requireCrl: true, fetcher: down }, { crl: benign });
    expect(r.certificates.sources.crl).toBeUndefined();
    expect(findCheck(r, 'snp.crl')).toMatchObject({ status: 'fail', required: true });
    expect(findCheck(r, 'snp.crl')!.message).toMatch(/could not be fetched/);
    expect(r.ok).toBe(false);
    // Without a fetcher, the supplied CRL is the one checked.
    const offline = await run(genoa, vcek, report, { requireCrl: true }, { crl: benign });
    expect(offline.certificates.sources.crl).toBe('evidence');
    expect(findCheck(offline, 'snp.crl')!.status).toBe('pass');
  });
});

describe('synthetic chain: signer kinds', () => {
  const VLEK_KEYINFO = 1 << 2;

  it('a VLEK-signed report verifies through the ASVK, and fails against the ASK', async () => {
    const vlek = await genoa.mintLeaf({
      kind: 'VLEK',
      tcb: GENOA_TCB,
      cspId: 'CN=synthetic-csp.example',
    });
    const report = await signedReport(
      fields('Genoa', { keyInfo: VLEK_KEYINFO, chipId: new Uint8Array(64) }),
      vlek.keys,
    );
    const r = await run(genoa, vlek, report, {}, {}, 'VLEK');
    expect(failed(r)).toEqual([]);
    expect(r.signer).toBe('VLEK');
    expect(findCheck(r, 'snp.cert.csp-id')!.message).toMatch(/synthetic-csp/);
    expect(r.kds).toMatchObject({ signer: 'VLEK', hwid: new Uint8Array(0) });
    // VLEK against the ASK (as in the real negative check).
    const r2 = await run(
      genoa,
      vlek,
      report,
      {},
      { chain: [genoa.ask.der, genoa.ark.der] },
      'VLEK',
    );
    expect(st(r2, 'snp.chain.vlek')).toBe('fail');
    expect(st(r2, 'snp.chain.asvk')).toBe('fail');
    // A VLEK-named certificate issued by the ASK: signatures fine, but the intermediate is an ASK.
    const byAsk = await genoa.mintLeaf({
      kind: 'VLEK',
      tcb: GENOA_TCB,
      issuer: 'ask',
      keys: vlek.keys,
    });
    const r3 = await run(
      genoa,
      byAsk,
      report,
      {},
      { chain: [genoa.ask.der, genoa.ark.der] },
      'VLEK',
    );
    expect(failed(r3)).toEqual(['snp.chain.asvk']);
    expect(findCheck(r3, 'snp.chain.asvk')!.message).toMatch(/is an ASK/);
  });

  it('SIGNING_KEY must match the certificate type', async () => {
    const report = await signedReport(fields('Genoa', { keyInfo: VLEK_KEYINFO }), vcek.keys);
    const r = await run(genoa, vcek, report, {}, { vcek: vcek.der });
    expect(findCheck(r, 'snp.signer.kind')).toMatchObject({
      status: 'fail',
      detail: { expected: 'VLEK', actual: 'VCEK' },
    });
    expect(r.ok).toBe(false);
  });

  it('SIGNING_KEY none and MASK_CHIP_KEY mean "not signed by the VCEK"', async () => {
    const none = await signedReport(fields('Genoa', { keyInfo: 7 << 2 }), vcek.keys);
    const r1 = await run(genoa, vcek, none);
    expect(st(r1, 'snp.signer.kind')).toBe('fail');
    expect(st(r1, 'snp.signature')).toBe('fail');
    const masked = await signedReport(fields('Genoa', { keyInfo: 0b10 }), vcek.keys);
    const r2 = await run(genoa, vcek, masked);
    expect(failed(r2)).toEqual(['snp.signature']);
    expect(findCheck(r2, 'snp.signature')!.message).toMatch(/MASK_CHIP_KEY/);
  });

  it('SIGNATURE_ALGO other than 1 fails the signature; a non-P-384 leaf fails it too', async () => {
    const r = await run(
      genoa,
      vcek,
      await signedReport(fields('Genoa', { signatureAlgo: 2 }), vcek.keys),
    );
    expect(failed(r)).toEqual(['snp.signature']);
  });
});

describe('synthetic chain: VCEK extensions against the report', () => {
  it('a masked (all-zero) CHIP_ID skips the hwID check with the reason', async () => {
    const report = await signedReport(fields('Genoa', { chipId: new Uint8Array(64) }), vcek.keys);
    const r = await run(genoa, vcek, report);
    expect(findCheck(r, 'snp.cert.hwid')).toMatchObject({ status: 'skip', required: false });
    expect(findCheck(r, 'snp.cert.hwid')!.message).toMatch(/masked/);
    expect(r.ok).toBe(true);
  });

  it('hwID as a nested OCTET STRING is accepted; a different hwID fails', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const nested = await leafFor(genoa, { keys: vcek.keys, hwidEncoding: 'octet-string' });
    const r = await run(genoa, nested, report);
    expect(failed(r)).toEqual([]);
    expect(findCheck(r, 'snp.cert.hwid')!.detail).toMatchObject({ encoding: 'octet-string' });
    const other = await leafFor(genoa, { keys: vcek.keys, hwid: filled(64, 1) });
    const r2 = await run(genoa, other, report);
    expect(failed(r2)).toEqual(['snp.cert.hwid']);
    const none = await leafFor(genoa, { keys: vcek.keys, omit: [SNP_VCEK_OID.hwid] });
    expect(failed(await run(genoa, none, report))).toEqual(['snp.cert.hwid']);
  });

  it('SPLs must equal REPORTED_TCB (not CURRENT_TCB)', async () => {
    const current = encodeSnpTcb({ ...GENOA_TCB, microcode: 90 }, 'Genoa');
    const reported = encodeSnpTcb(GENOA_TCB, 'Genoa');
    const report = await signedReport(
      fields('Genoa', {
        currentTcb: current,
        reportedTcb: reported,
        committedTcb: current,
        launchTcb: current,
      }),
      vcek.keys,
    );
    expect(failed(await run(genoa, vcek, report))).toEqual([]);
    const wrong = await leafFor(genoa, { keys: vcek.keys, tcb: { ...GENOA_TCB, microcode: 90 } });
    const r = await run(genoa, wrong, report);
    expect(failed(r)).toEqual(['snp.tcb.vcek-extensions']);
    expect(findCheck(r, 'snp.tcb.vcek-extensions')!.detail).toEqual({
      expected: { blSPL: 10, teeSPL: 0, snpSPL: 23, ucodeSPL: 84 },
      actual: { blSPL: 10, teeSPL: 0, snpSPL: 23, ucodeSPL: 90 },
    });
    const missing = await leafFor(genoa, { keys: vcek.keys, omit: [SNP_VCEK_OID.snpSpl] });
    expect(
      findCheck(await run(genoa, missing, report), 'snp.tcb.vcek-extensions')!.message,
    ).toMatch(/snpSPL missing/);
  });

  it('productName with or without stepping; another product fails', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const stepped = await leafFor(genoa, { keys: vcek.keys, productName: 'Genoa-B1' });
    expect(failed(await run(genoa, stepped, report))).toEqual([]);
    const milan = await leafFor(genoa, { keys: vcek.keys, productName: 'Milan-B0' });
    expect(failed(await run(genoa, milan, report))).toEqual(['snp.cert.product-name']);
    const none = await leafFor(genoa, { keys: vcek.keys, omit: [SNP_VCEK_OID.productName1] });
    expect(failed(await run(genoa, none, report))).toEqual(['snp.cert.product-name']);
  });

  it('TCB relations: REPORTED > CURRENT and COMMITTED > CURRENT fail', async () => {
    const lower = encodeSnpTcb({ ...GENOA_TCB, snp: 22 }, 'Genoa');
    const reported = encodeSnpTcb(GENOA_TCB, 'Genoa');
    const r = await run(
      genoa,
      vcek,
      await signedReport(
        fields('Genoa', {
          currentTcb: lower,
          reportedTcb: reported,
          committedTcb: lower,
          launchTcb: lower,
        }),
        vcek.keys,
      ),
    );
    expect(failed(r)).toEqual(['snp.tcb.relations']);
    expect(findCheck(r, 'snp.tcb.relations')!.message).toMatch(
      /REPORTED_TCB exceeds CURRENT_TCB in snp/,
    );
    const r2 = await run(
      genoa,
      vcek,
      await signedReport(
        fields('Genoa', {
          currentTcb: lower,
          reportedTcb: lower,
          committedTcb: reported,
          launchTcb: lower,
        }),
        (await leafFor(genoa, { keys: vcek.keys, tcb: { ...GENOA_TCB, snp: 22 } })).keys,
      ),
    );
    expect(st(r2, 'snp.tcb.relations')).toBe('fail');
  });
});

describe('synthetic chain: product line', () => {
  it('a v2 report learns its product from the certificates; with nothing to go on it fails', async () => {
    const report = await signedReport(fields('Genoa', { version: 2 }), vcek.keys);
    const r = await run(genoa, vcek, report);
    expect(failed(r)).toEqual([]);
    expect(findCheck(r, 'snp.product')!.message).toMatch(/signer certificate/);
    const bare = await verifySnpReport(report, { now: SYNTHETIC_NOW });
    expect(findCheck(bare, 'snp.product')!.message).toMatch(/options.product/);
    expect(st(bare, 'snp.tcb.relations')).toBe('skip');
    // options.product contradicting CPUID.
    const v3 = await signedReport(fields('Genoa'), vcek.keys);
    const r3 = await run(genoa, vcek, v3, { product: 'Milan' });
    expect(st(r3, 'snp.product')).toBe('fail');
  });
});

describe('synthetic chain: certificate table, fetcher and cache', () => {
  it('certificates from the extended-report certificate table (both GUID byte orders)', async () => {
    const report = await signedReport(fields('Genoa'), vcek.keys);
    for (const order of ['rfc4122', 'mixed-endian'] as const) {
      const certTable = encodeCertTable(
        [
          { guid: SNP_CERT_TABLE_GUID.ark, data: genoa.ark.der },
          { guid: SNP_CERT_TABLE_GUID.ask, data: genoa.ask.der },
          { guid: SNP_CERT_TABLE_GUID.vcek, data: vcek.der },
        ],
        { order, padTo: 8192 },
      );
      const r = await verifySnpReport(
        { report, certTable },
        { now: SYNTHETIC_NOW, rootPins: genoa.rootPins },
      );
      expect(failed(r)).toEqual([]);
      expect(r.certificates.sources).toEqual({
        leaf: 'cert-table',
        intermediate: 'cert-table',
        ark: 'cert-table',
      });
    }
    const broken = await verifySnpReport(
      { report, certTable: filled(30, 1) },
      { now: SYNTHETIC_NOW, rootPins: genoa.rootPins },
    );
    expect(findCheck(broken, 'snp.collateral')!.message).toMatch(/certificate table/);
  });

  it('nothing is fetched when the evidence carries the certificates', async () => {
    const calls: string[] = [];
    const fetcher: SnpFetcher = {
      vcek: async () => (calls.push('vcek'), vcek.der),
      certChain: async () => (calls.push('certChain'), [genoa.ask.der, genoa.ark.der]),
      crl: async () => (calls.push('crl'), new Uint8Array()),
    };
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const r = await run(genoa, vcek, report, { fetcher });
    expect(r.ok).toBe(true);
    expect(calls).toEqual([]);
    // The VCEK alone: only the chain is fetched.
    const r2 = await verifySnpReport(
      { report, vcek: vcek.der },
      { now: SYNTHETIC_NOW, rootPins: genoa.rootPins, fetcher },
    );
    expect(r2.ok).toBe(true);
    expect(calls).toEqual(['certChain']);
    expect(r2.certificates.sources).toEqual({
      leaf: 'evidence',
      intermediate: 'fetcher',
      ark: 'fetcher',
    });
  });

  it('a cached fetcher fetches a VCEK once per (product, hwid, TCB)', async () => {
    const calls: unknown[] = [];
    const raw: SnpFetcher = {
      vcek: async (p) => (
        calls.push(['vcek', p.product, p.tcb]),
        encodePem('CERTIFICATE', vcek.der)
      ),
      certChain: async (p, s) => (
        calls.push(['certChain', p, s]),
        encodePem('CERTIFICATE', genoa.ask.der) + encodePem('CERTIFICATE', genoa.ark.der)
      ),
      crl: async () => new Uint8Array(),
    };
    const cache = createCache({ maxEntries: 100 });
    const fetcher = withCache(raw, cache);
    const report = await signedReport(fields('Genoa'), vcek.keys);
    for (let i = 0; i < 3; i++) {
      const r = await verifySnpReport(report, {
        now: SYNTHETIC_NOW,
        rootPins: genoa.rootPins,
        fetcher,
        cache,
      });
      expect(failed(r)).toEqual([]);
      expect(r.certificates.sources.leaf).toBe('fetcher');
    }
    expect(calls).toEqual([
      ['vcek', 'Genoa', GENOA_TCB],
      ['certChain', 'Genoa', 'VCEK'],
    ]);
  });

  it('a warm cache never hides a failure: tampered report, later now', async () => {
    const cache = createCache({ maxEntries: 100 });
    const report = await signedReport(fields('Genoa'), vcek.keys);
    expect((await run(genoa, vcek, report, { cache })).ok).toBe(true);
    const t = report.slice();
    t[0x90]! ^= 0xff;
    expect(failed(await run(genoa, vcek, t, { cache }))).toEqual(['snp.signature']);
    const late = await run(genoa, vcek, report, {
      cache,
      now: new Date(SYNTHETIC_NOW.getTime() + 8 * 365 * DAY),
    });
    expect(failed(late)).toContain('snp.chain.vcek');
    expect((await run(genoa, vcek, report, { cache })).ok).toBe(true);
  });

  it('an oversized certificate is verified but never cached: keys stay short, the cache does not grow', async () => {
    // SYNTHETIC: a VCEK carrying 40 KB in a non-critical unknown extension. Content is keyed by
    // its bytes, so caching it would store keys of that length (the review's hash-flooding
    // finding: V8 hashes strings of 16 384 characters or more by length alone).
    const big = await leafFor(genoa, {
      keys: vcek.keys,
      extraExtensions: [
        new x509.Extension('1.3.6.1.4.1.99999.3', false, new Uint8Array(40_000).fill(0x41)),
      ],
    });
    expect(big.der.length).toBeGreaterThan(40_000);
    const inner = createCache();
    let longest = 0;
    const cache = {
      get: (k: string) => inner.get(k),
      set: (k: string, v: unknown) => {
        longest = Math.max(longest, k.length);
        inner.set(k, v);
      },
    };
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const first = await run(genoa, big, report, { cache });
    expect(first.ok).toBe(true); // a large extension is allowed; it is just not cached
    const size = inner.size;
    for (let i = 0; i < 3; i++) {
      const variant = big.der.slice(); // a new input object each time, same bytes
      expect((await run(genoa, big, report, { cache }, { vcek: variant })).ok).toBe(true);
    }
    expect(inner.size).toBe(size);
    expect(longest).toBeLessThanOrEqual(MAX_CACHE_KEY_LENGTH);
    // The ordinary VCEK is still cached (its keys are short).
    expect((await run(genoa, vcek, report, { cache })).ok).toBe(true);
    expect(inner.size).toBeGreaterThan(size);
  });

  it('a fetcher returning garbage is a failed snp.collateral, not a throw', async () => {
    const fetcher: SnpFetcher = {
      vcek: async () => new Uint8Array([1, 2, 3]),
      certChain: async () => 'not pem',
      crl: async () => new Uint8Array(),
    };
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const r = await verifySnpReport(report, {
      now: SYNTHETIC_NOW,
      rootPins: genoa.rootPins,
      fetcher,
    });
    expect(findCheck(r, 'snp.collateral')!.status).toBe('fail');
    expect(r.ok).toBe(false);
  });
});

describe('verifySnpReport: type confusion', () => {
  it('rejects bad evidence and options with TypeError', async () => {
    const bad: unknown[] = [
      null,
      undefined,
      'report',
      7,
      [],
      new ArrayBuffer(1184),
      new Uint16Array(592),
      { report: 'x' },
      { report: new ArrayBuffer(4) },
      { report: new Uint8Array(1184), vcek: 5 },
      { report: new Uint8Array(1184), chain: [1] },
      { report: new Uint8Array(1184), certTable: new Int8Array(3) },
    ];
    for (const b of bad) await expect(verifySnpReport(b as never)).rejects.toThrow(TypeError);
    const r = new Uint8Array(1184);
    await expect(verifySnpReport(r, null as never)).rejects.toThrow(TypeError);
    await expect(verifySnpReport(r, { now: new Date('x') })).rejects.toThrow(TypeError);
    await expect(verifySnpReport(r, { now: '2025' as never })).rejects.toThrow(TypeError);
    await expect(verifySnpReport(r, { product: 'Rome' as never })).rejects.toThrow(TypeError);
    await expect(verifySnpReport(r, { fetcher: {} as never })).rejects.toThrow(TypeError);
    await expect(verifySnpReport(r, { maxCrlAge: -1 })).rejects.toThrow(RangeError);
    // Review findings: a parsed report claiming an unknown product, and a product's pins that
    // are not a list, are TypeErrors naming the argument (they crashed in a map()).
    const report = await signedReport(fields('Genoa'), vcek.keys);
    const parsed = parseSnpReport(report, { product: 'Genoa' });
    for (const product of ['toString', 'Bogus']) {
      await expect(
        verifySnpReport({
          report: { ...parsed, product: product as never, productSource: 'option' },
          vcek: vcek.der,
        }),
      ).rejects.toThrow(/evidence\.report\.product/);
    }
    await expect(
      verifySnpReport(
        { report, vcek: vcek.der, chain: [genoa.ask.der, genoa.ark.der] },
        { now: SYNTHETIC_NOW, rootPins: { Genoa: 'ab' as never } },
      ),
    ).rejects.toThrow(/rootPins\.Genoa must be an array/);
  });
  it('malformed report bytes are a result, not a throw', async () => {
    const r = await verifySnpReport(new Uint8Array(10));
    expect(r.ok).toBe(false);
    expect(findCheck(r, 'snp.report.format')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_BAD_VERSION', offset: 0 },
    });
    expect(r.checks.length).toBe(45);
    const short = await verifySnpReport(
      (await signedReport(fields('Genoa'), vcek.keys)).subarray(0, 0x200),
    );
    expect(findCheck(short, 'snp.report.format')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_TRUNCATED', offset: 0x1f8 },
    });
    expect(short.report).toBeUndefined();
  });
});
