/**
 * `staticSnpCollateral(...).crl(product, signer)` against SYNTHETIC AMD chains (test keys, test
 * root pin): AMD's VCEK-path and VLEK-path CRLs share their issuer (ARK-<product>), so only the
 * caller's label can say which is which, and serving the wrong one hides a revoked ASK or ASVK.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/core/checks.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import type { SnpVerifyOptions } from '../../src/snp/types.js';
import { staticSnpCollateral } from '../../src/fetch/kds.js';
import { filled } from '../snp/support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from '../snp/support/synthetic.js';

const DAY = 864e5;
const TCB = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const CHIP = filled(64, 'count').map((b) => b ^ 0x5a);
const VLEK_KEYINFO = 1 << 2;
const daysAgo = (n: number): Date => new Date(SYNTHETIC_NOW.getTime() - n * DAY);

let genoa: SyntheticAmd;
let milan: SyntheticAmd;
let vcek: Minted;
let vlek: Minted;
let vcekReport: Uint8Array;
let vlekReport: Uint8Array;
/** KDS /vcek/v1/Genoa/crl: revokes the ASK (030001). */
let vcekCrl: Uint8Array;
/** KDS /vlek/v1/Genoa/crl, reissued a day later: revokes the ASVK (030101), not the ASK. */
let vlekCrl: Uint8Array;
/** The same two paths with nothing revoked, newer than either. */
let vcekCrlClean: Uint8Array;
let vlekCrlClean: Uint8Array;

beforeAll(async () => {
  [genoa, milan] = await Promise.all([mintSyntheticAmd('Genoa'), mintSyntheticAmd('Milan')]);
  vcek = await genoa.mintLeaf({ tcb: TCB, hwid: CHIP });
  vlek = await genoa.mintLeaf({ kind: 'VLEK', tcb: TCB });
  const base = {
    version: 3,
    cpuid: { fam: 0x19, mod: 0x11, step: 1 },
    currentTcb: encodeSnpTcb(TCB, 'Genoa'),
    platformInfo: 0x25n,
  };
  vcekReport = await signedReport({ ...base, chipId: CHIP }, vcek.keys);
  vlekReport = await signedReport(
    { ...base, chipId: new Uint8Array(64), keyInfo: VLEK_KEYINFO },
    vlek.keys,
  );
  vcekCrl = await genoa.mintCrl({ revoked: ['030001'], thisUpdate: daysAgo(3) });
  vlekCrl = await genoa.mintCrl({ revoked: ['030101'], thisUpdate: daysAgo(2) });
  vcekCrlClean = await genoa.mintCrl({ revoked: [], thisUpdate: daysAgo(1) });
  vlekCrlClean = await genoa.mintCrl({ revoked: [], thisUpdate: daysAgo(1) });
}, 120_000);

const certificates = (): Uint8Array[] => [
  vcek.der,
  vlek.der,
  genoa.ask.der,
  genoa.asvk.der,
  genoa.ark.der,
];

function verify(
  report: Uint8Array,
  fetcher: ReturnType<typeof staticSnpCollateral>,
  extra: SnpVerifyOptions = {},
): ReturnType<typeof verifySnpReport> {
  return verifySnpReport(
    { report },
    { fetcher, requireCrl: true, rootPins: genoa.rootPins, now: SYNTHETIC_NOW, ...extra },
  );
}

describe('staticSnpCollateral: CRLs labelled by signer path', () => {
  it('serves the VCEK-path CRL for a VCEK chain even when the VLEK-path one is newer', async () => {
    const fetcher = staticSnpCollateral({
      certificates: certificates(),
      crls: { vcek: [vcekCrl], vlek: [vlekCrlClean] },
    });
    expect(await fetcher.crl('Genoa', 'VCEK')).toEqual(vcekCrl);
    expect(await fetcher.crl('Genoa')).toEqual(vcekCrl); // VCEK is the default path
    expect(await fetcher.crl('Genoa', 'VLEK')).toEqual(vlekCrlClean);
    const r = await verify(vcekReport, fetcher);
    expect(findCheck(r, 'snp.crl')).toMatchObject({
      status: 'fail',
      detail: { checkedSerial: '030001', revokedSerials: ['030001'] },
    });
    expect(r.ok).toBe(false);
  });

  it('serves the VLEK-path CRL for a VLEK chain even when the VCEK-path one is newer', async () => {
    const fetcher = staticSnpCollateral({
      certificates: certificates(),
      crls: { vcek: [vcekCrlClean], vlek: [vlekCrl] },
    });
    const r = await verify(vlekReport, fetcher);
    expect(r.signer).toBe('VLEK');
    expect(findCheck(r, 'snp.crl')).toMatchObject({
      status: 'fail',
      detail: { checkedSerial: '030101', revokedSerials: ['030101'] },
    });
    expect(r.ok).toBe(false);
  });

  it('picks the newest CRL of the product under the label, and no other product', async () => {
    const older = await genoa.mintCrl({ thisUpdate: daysAgo(9) });
    const milanCrl = await milan.mintCrl({ thisUpdate: daysAgo(0) });
    const fetcher = staticSnpCollateral({
      crls: { vcek: [older, vcekCrlClean, milanCrl] },
    });
    expect(await fetcher.crl('Genoa', 'VCEK')).toEqual(vcekCrlClean);
    expect(await fetcher.crl('Milan', 'VCEK')).toEqual(milanCrl);
    // Nothing labelled for the VLEK path: rejected, never answered with a VCEK-path CRL.
    await expect(fetcher.crl('Genoa', 'VLEK')).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
    });
  });

  it('rejects a crls object with other keys than vcek and vlek', () => {
    expect(() => staticSnpCollateral({ crls: { VCEK: [vcekCrl] } as never })).toThrow(TypeError);
    expect(() => staticSnpCollateral({ crls: { vcek: vcekCrl } as never })).toThrow(TypeError);
    expect(() => staticSnpCollateral({ crls: 'pem' as never })).toThrow(TypeError);
  });
});

describe('staticSnpCollateral: unlabelled CRLs', () => {
  it('refuses when two ARK-signed CRLs of the product fit (the review scenario)', async () => {
    // Before the fix: the newest (the VLEK-path CRL, listing no ASK) was served and the revoked
    // ASK passed snp.crl with requireCrl.
    const fetcher = staticSnpCollateral({
      certificates: certificates(),
      crls: [vcekCrl, vlekCrlClean],
    });
    await expect(fetcher.crl('Genoa', 'VCEK')).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
    });
    const r = await verify(vcekReport, fetcher);
    expect(findCheck(r, 'snp.crl')!.status).toBe('fail');
    expect(findCheck(r, 'snp.collateral')!.status).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('serves a single unlabelled CRL of the product for the VCEK path only', async () => {
    const fetcher = staticSnpCollateral({
      certificates: certificates(),
      crls: [vcekCrl, await milan.mintCrl({})],
    });
    expect(await fetcher.crl('Genoa')).toEqual(vcekCrl);
    expect(findCheck(await verify(vcekReport, fetcher), 'snp.crl')!.status).toBe('fail');
    // A VLEK-path query is never answered from an unlabelled list: it may be the VCEK-path CRL,
    // which lists no ASVK.
    const vlekOnly = staticSnpCollateral({ certificates: certificates(), crls: [vcekCrlClean] });
    await expect(vlekOnly.crl('Genoa', 'VLEK')).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
    });
    const r = await verify(vlekReport, vlekOnly);
    expect(findCheck(r, 'snp.crl')!.status).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('hands out copies: editing an answer changes no later answer', async () => {
    const fetcher = staticSnpCollateral({ certificates: certificates(), crls: [vcekCrl] });
    const crl = (await fetcher.crl('Genoa')) as Uint8Array;
    crl.fill(0);
    expect(await fetcher.crl('Genoa')).toEqual(vcekCrl);
    const chain = (await fetcher.certChain('Genoa')) as Uint8Array[];
    chain[0]!.fill(0);
    expect(await fetcher.certChain('Genoa')).toEqual([genoa.ask.der, genoa.ark.der]);
  });
});
