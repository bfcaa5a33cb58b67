/**
 * Generated negatives on SYNTHETIC Intel-like evidence (test keys, labelled O=SYNTHETIC): one
 * change each, and every other check still reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import { findCheck } from '../../src/core/checks.js';
import { createCache } from '../../src/core/cache.js';
import type { TdxCheckId, TdxVerification, TdxVerifyOptions } from '../../src/tdx/types.js';
import {
  SYNTH_NOW,
  buildCollateral,
  buildQuote,
  mintCrl,
  signJson,
  syntheticCase,
  tcbLevel,
  type IntelLikePki,
  type SyntheticCase,
} from './support/intel-like.js';
import { testKey, x509 } from '../support/forge.js';
import { staticTdxCollateral } from '../../src/fetch/pcs.js';

const DAY = 86_400_000;
const st = (r: TdxVerification, id: TdxCheckId) => findCheck(r, id)?.status;
const failed = (r: TdxVerification) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

let base: SyntheticCase;
let pki: IntelLikePki;
const opts = (o: TdxVerifyOptions = {}): TdxVerifyOptions => ({
  now: SYNTH_NOW,
  rootPins: [pki.rootPin],
  ...o,
});
const verify = (
  quote: Uint8Array,
  collateral: object = base.collateral,
  o: TdxVerifyOptions = {},
) => verifyTdxQuote({ quote, collateral: collateral as never }, opts(o));

beforeAll(async () => {
  base = await syntheticCase();
  pki = base.pki;
});

describe('verifyTdxQuote: synthetic baseline', () => {
  it('a well-formed synthetic quote verifies with the test root pinned', async () => {
    const r = await verify(base.quote);
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.advisoryIds).toEqual([]);
    expect(r.tcbDate?.toISOString()).toBe('2024-03-13T00:00:00.000Z');
    expect(r.collateralExpiry?.getTime()).toBe(SYNTH_NOW.getTime() + 29 * DAY);
  });

  it('every known check appears once, in a fixed order', async () => {
    const r = await verify(base.quote);
    const ids = r.checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const again = await verify(base.quote, {}, { requireCollateral: false });
    expect(again.checks.map((c) => c.id)).toEqual(ids);
  });

  it('v5 (TDX 1.5 body) and SGX v3 synthetic quotes verify', async () => {
    const v5 = await buildQuote(pki, { version: 5 });
    const r5 = await verify(v5);
    expect(failed(r5)).toEqual([]);
    expect(r5.quote?.bodyType).toBe(3);
    const sgxCol = await buildCollateral(pki, {
      tcbId: 'SGX',
      tcbLevels: [
        tcbLevel(
          [7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
          11,
          undefined,
          'SWHardeningNeeded',
          '2024-03-13T00:00:00Z',
          ['INTEL-SA-00615'],
        ),
      ],
      qeLevels: [{ tcb: { isvsvn: 8 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' }],
    });
    const r3 = await verify(await buildQuote(pki, { version: 3 }), sgxCol, {
      acceptedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'],
      tee: 'sgx',
    });
    expect(failed(r3)).toEqual([]);
    expect(r3.tcbStatus).toBe('SWHardeningNeeded');
    expect(r3.advisoryIds).toEqual(['INTEL-SA-00615']);
    expect(st(r3, 'tdx.tcb.status')).toBe('warn');
    expect(st(r3, 'tdx.tcb.module')).toBe('skip');
    expect(r3.ok).toBe(true);
  });
});

describe('verifyTdxQuote: each signed byte region flipped', () => {
  const others: TdxCheckId[] = [
    'tdx.chain.pck',
    'tdx.crl.root',
    'tdx.crl.pck',
    'tdx.tcb-info.signature',
    'tdx.qe-identity.signature',
  ];

  it('header and body bytes break only the quote signature', async () => {
    const q = parseTdxQuote(base.quote);
    for (const at of [12, 30, 47, 48, 48 + 136, q.signedRegion.length - 1]) {
      const bad = base.quote.slice();
      bad[at]! ^= 0x01;
      const r = await verify(bad);
      expect(st(r, 'tdx.quote.signature'), `byte ${at}`).toBe('fail');
      for (const id of [...others, 'tdx.qe.report-signature', 'tdx.qe.report-data'] as const)
        expect(st(r, id), `${id} after byte ${at}`).toBe('pass');
      expect(r.ok).toBe(false);
    }
  });

  it('the attestation key breaks the quote signature and the QE report-data binding', async () => {
    const bad = base.quote.slice();
    bad[632 + 4 + 64 + 5]! ^= 0x01;
    const r = await verify(bad);
    expect(st(r, 'tdx.quote.signature')).toBe('fail');
    expect(st(r, 'tdx.qe.report-data')).toBe('fail');
    expect(st(r, 'tdx.qe.report-signature')).toBe('pass');
  });

  it('QE report bytes break the QE report signature', async () => {
    const qe = 636 + 134;
    for (const at of [qe + 64, qe + 256, qe + 383]) {
      const bad = base.quote.slice();
      bad[at]! ^= 0x01;
      const r = await verify(bad);
      expect(st(r, 'tdx.qe.report-signature'), `byte ${at}`).toBe('fail');
      expect(st(r, 'tdx.quote.signature')).toBe('pass');
      expect(st(r, 'tdx.qe.identity')).toBe('skip');
    }
  });

  it('QE authentication data breaks the binding', async () => {
    const bad = base.quote.slice();
    bad[636 + 134 + 384 + 64 + 2 + 3]! ^= 0x01;
    const r = await verify(bad);
    expect(st(r, 'tdx.qe.report-data')).toBe('fail');
    expect(findCheck(r, 'tdx.qe.report-data')?.detail).toHaveProperty('expected');
    expect(st(r, 'tdx.quote.signature')).toBe('pass');
  });

  it('the QE report signature and the quote signature bytes', async () => {
    for (const [at, id] of [
      [636 + 10, 'tdx.quote.signature'],
      [636 + 134 + 384 + 10, 'tdx.qe.report-signature'],
    ] as const) {
      const bad = base.quote.slice();
      bad[at]! ^= 0x01;
      expect(st(await verify(bad), id)).toBe('fail');
    }
  });

  it('the PCK leaf certificate signature', async () => {
    const c = await syntheticCase({ pki: { corruptLeafSignature: true } });
    const r = await verifyTdxQuote(
      { quote: c.quote, collateral: c.collateral },
      { now: SYNTH_NOW, rootPins: [c.pki.rootPin] },
    );
    expect(st(r, 'tdx.chain.pck')).toBe('fail');
    expect(st(r, 'tdx.qe.report-signature')).toBe('pass');
    expect(st(r, 'tdx.crl.pck')).toBe('skip');
    expect(st(r, 'tdx.tcb.status')).toBe('skip');
  });

  it('signed collateral bytes: TCB info and QE identity', async () => {
    const tcbInfo = base.collateral.tcbInfo.replace(
      '"tcbEvaluationDataNumber":17',
      '"tcbEvaluationDataNumber":18',
    );
    expect(tcbInfo).not.toBe(base.collateral.tcbInfo);
    const r = await verify(base.quote, { ...base.collateral, tcbInfo });
    expect(st(r, 'tdx.tcb-info.signature')).toBe('fail');
    expect(st(r, 'tdx.tcb-info.validity')).toBe('skip');
    expect(st(r, 'tdx.tcb.status')).toBe('skip');
    expect(r.tcbStatus).toBeUndefined();
    expect(st(r, 'tdx.qe-identity.signature')).toBe('pass');
    const qeIdentity = base.collateral.qeIdentity.replace('"isvprodid":2', '"isvprodid":3');
    const q = await verify(base.quote, { ...base.collateral, qeIdentity });
    expect(st(q, 'tdx.qe-identity.signature')).toBe('fail');
    expect(st(q, 'tdx.qe.identity')).toBe('skip');
    // Reformatting (same data) fails too.
    const pretty = JSON.stringify(JSON.parse(base.collateral.tcbInfo), null, 1);
    expect(
      st(
        await verify(base.quote, { ...base.collateral, tcbInfo: pretty }),
        'tdx.tcb-info.signature',
      ),
    ).toBe('fail');
  });

  it('CRL signatures (forged CRLs signed by another key)', async () => {
    const other = await testKey('p256');
    const pckCrl = await mintCrl({ issuerName: pki.ca.cert.subject, signer: other });
    const rootCaCrl = await mintCrl({ issuerName: pki.root.cert.subject, signer: other });
    const r = await verify(base.quote, { ...base.collateral, pckCrl, rootCaCrl });
    expect(st(r, 'tdx.crl.pck')).toBe('fail');
    expect(st(r, 'tdx.crl.root')).toBe('fail');
    expect(st(r, 'tdx.tcb.status')).toBe('pass');
    expect(r.ok).toBe(false);
  });
});

describe('verifyTdxQuote: generated negatives', () => {
  it('QE report data mismatch', async () => {
    const r = await verify(await buildQuote(pki, { breakQeReportData: true }));
    expect(st(r, 'tdx.qe.report-data')).toBe('fail');
    expect(st(r, 'tdx.quote.signature')).toBe('pass');
    expect(r.ok).toBe(false);
  });

  it('wrong root: the Intel pin rejects a test root with the very same name', async () => {
    const impostor = await syntheticCase({ pki: { intelNames: true } });
    expect(impostor.pki.root.cert.subject).toContain('CN=Intel SGX Root CA');
    expect(impostor.pki.root.cert.subject).toContain('O=Intel Corporation');
    const r = await verifyTdxQuote(
      { quote: impostor.quote, collateral: impostor.collateral },
      { now: SYNTH_NOW },
    );
    const chain = findCheck(r, 'tdx.chain.pck')!;
    expect(chain.status).toBe('fail');
    expect(chain.message).toMatch(/not pinned/);
    expect(st(r, 'tdx.tcb-info.signature')).toBe('fail');
    expect(st(r, 'tdx.qe-identity.signature')).toBe('fail');
    expect(r.ok).toBe(false);
    // Pinned explicitly it passes: the pin, not the name, is the trust anchor.
    const pinned = await verifyTdxQuote(
      { quote: impostor.quote, collateral: impostor.collateral },
      { now: SYNTH_NOW, rootPins: [impostor.pki.rootPin] },
    );
    expect(pinned.ok).toBe(true);
    // A chain from another synthetic root fails against this test's pin.
    const other = await verifyTdxQuote(
      { quote: impostor.quote, collateral: impostor.collateral },
      opts(),
    );
    expect(st(other, 'tdx.chain.pck')).toBe('fail');
  });

  it('revoked PCK leaf via a CRL listing it', async () => {
    const col = await buildCollateral(pki, { revokedPckSerials: ['0a0b0c', pki.leaf.serial] });
    const r = await verify(base.quote, col);
    const c = findCheck(r, 'tdx.crl.pck')!;
    expect(c.status).toBe('fail');
    expect((c.detail as { revokedSerials: string[] }).revokedSerials).toEqual([pki.leaf.serial]);
    expect(r.ok).toBe(false);
  });

  it('revoked PCK CA or TCB Signing certificate via the Root CA CRL', async () => {
    for (const serial of [pki.ca.serial, pki.tcbSigning.serial]) {
      const col = await buildCollateral(pki, { revokedCaSerials: [serial] });
      const r = await verify(base.quote, col);
      const c = findCheck(r, 'tdx.crl.root')!;
      expect(c.status).toBe('fail');
      expect((c.detail as { revokedSerials: string[] }).revokedSerials).toEqual([serial]);
    }
  });

  it('expired and not-yet-valid collateral', async () => {
    const later = new Date(SYNTH_NOW.getTime() + 40 * DAY);
    const r = await verify(base.quote, base.collateral, { now: later });
    for (const id of ['tdx.tcb-info.validity', 'tdx.qe-identity.validity', 'tdx.crl.pck'] as const)
      expect(st(r, id), id).toBe('fail');
    expect(st(r, 'tdx.crl.root')).toBe('pass');
    expect(st(r, 'tdx.tcb-info.signature')).toBe('pass');
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.ok).toBe(false);
    const earlier = new Date(SYNTH_NOW.getTime() - 2 * DAY);
    const e = await verify(base.quote, base.collateral, { now: earlier });
    expect(st(e, 'tdx.tcb-info.validity')).toBe('fail');
    expect(st(e, 'tdx.crl.pck')).toBe('fail');
    const aged = await verify(base.quote, base.collateral, { maxCollateralAgeMs: 3600_000 });
    expect(st(aged, 'tdx.tcb-info.validity')).toBe('fail');
    expect(st(aged, 'tdx.crl.root')).toBe('fail');
  });

  it('expired PCK leaf and TCB Signing certificates', async () => {
    const c = await syntheticCase({
      pki: {
        leaf: { notAfter: new Date(SYNTH_NOW.getTime() - DAY) },
        tcbSigning: { notAfter: new Date(SYNTH_NOW.getTime() - DAY) },
      },
    });
    const r = await verifyTdxQuote(
      { quote: c.quote, collateral: c.collateral },
      { now: SYNTH_NOW, rootPins: [c.pki.rootPin] },
    );
    expect(findCheck(r, 'tdx.chain.pck')?.message).toMatch(/expired/);
    expect(findCheck(r, 'tdx.tcb-info.signature')?.message).toMatch(/expired/);
  });

  it('a TCB Signing certificate with the wrong name, or collateral signed by another key', async () => {
    const c = await syntheticCase({ pki: { tcbSigningCn: 'Intel SGX PCK Certificate' } });
    const r = await verifyTdxQuote(
      { quote: c.quote, collateral: c.collateral },
      { now: SYNTH_NOW, rootPins: [c.pki.rootPin] },
    );
    expect(findCheck(r, 'tdx.tcb-info.signature')?.message).toMatch(/signer CN/);
    const col = await buildCollateral(pki, { tcbSigner: pki.leafKey });
    const s = await verify(base.quote, col);
    expect(st(s, 'tdx.tcb-info.signature')).toBe('fail');
    expect(st(s, 'tdx.qe-identity.signature')).toBe('fail');
  });

  it('a TCB Signing certificate with an unknown critical extension fails its chain (RFC 5280 §4.2)', async () => {
    // SYNTHETIC extension OID under the documentation arc, marked critical.
    const ext = (critical: boolean) =>
      new x509.Extension('1.3.6.1.4.1.99999.2', critical, new Uint8Array([0x05, 0x00]));
    const bad = await syntheticCase({ pki: { tcbSigning: { extensions: [ext(true)] } } });
    const r = await verifyTdxQuote(
      { quote: bad.quote, collateral: bad.collateral },
      { now: SYNTH_NOW, rootPins: [bad.pki.rootPin] },
    );
    for (const id of ['tdx.tcb-info.signature', 'tdx.qe-identity.signature'] as const) {
      expect(st(r, id)).toBe('fail');
      expect(findCheck(r, id)?.message).toMatch(
        /TCB Signing certificate: unprocessed critical extension 1\.3\.6\.1\.4\.1\.99999\.2/,
      );
    }
    const fine = await syntheticCase({ pki: { tcbSigning: { extensions: [ext(false)] } } });
    const ok = await verifyTdxQuote(
      { quote: fine.quote, collateral: fine.collateral },
      { now: SYNTH_NOW, rootPins: [fine.pki.rootPin] },
    );
    expect(st(ok, 'tdx.tcb-info.signature')).toBe('pass');
    expect(st(ok, 'tdx.qe-identity.signature')).toBe('pass');
  });

  it("editing a result's details changes no later verdict (review findings: shared arrays)", async () => {
    // 1. tdx.tcb.status's `accepted` was the module's default list: pushing into it made every
    //    later call (no cache needed) accept OutOfDate platforms.
    const ood = await buildCollateral(pki, {
      tcbLevels: [
        tcbLevel(
          [9, 9, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
          11,
          [5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          'UpToDate',
        ),
        tcbLevel(
          [7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
          11,
          [5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
          'OutOfDate',
          '2023-08-09T00:00:00Z',
          ['INTEL-SA-00960'],
        ),
      ],
    });
    const r1 = await verify(base.quote, ood);
    expect(r1.tcbStatus).toBe('OutOfDate');
    expect(st(r1, 'tdx.tcb.status')).toBe('fail');
    (findCheck(r1, 'tdx.tcb.status')!.detail as { accepted: string[] }).accepted.push('OutOfDate');
    expect(st(await verify(base.quote, ood), 'tdx.tcb.status')).toBe('fail');

    // 2. With a cache, tdx.crl.pck's `revokedSerials` was the cached CRL verdict's own array:
    //    emptying it hid the revocation from later calls.
    const revoked = await buildCollateral(pki, { revokedPckSerials: [pki.leaf.serial] });
    const cache = createCache();
    const r2 = await verify(base.quote, revoked, { cache });
    expect(st(r2, 'tdx.crl.pck')).toBe('fail');
    (findCheck(r2, 'tdx.crl.pck')!.detail as { revokedSerials: string[] }).revokedSerials.length =
      0;
    const again = await verify(base.quote, revoked, { cache });
    expect(st(again, 'tdx.crl.pck')).toBe('fail');
    expect(again.ok).toBe(false);
  });

  it('a revoked TCB Signing certificate is caught whether its issuer chain comes as text or bytes', async () => {
    // Byte chains reach the verifier through a fetcher (evidence collateral must be text).
    const {
      tcbInfoBody: _t,
      qeIdentityBody: _q,
      ...col
    } = await buildCollateral(pki, {
      revokedCaSerials: [pki.tcbSigning.serial],
    });
    const enc = (t: string) => new TextEncoder().encode(t);
    for (const asBytes of [false, true]) {
      const given = asBytes
        ? {
            ...col,
            tcbInfoIssuerChain: enc(col.tcbInfoIssuerChain),
            qeIdentityIssuerChain: enc(col.qeIdentityIssuerChain),
          }
        : col;
      const r = await verifyTdxQuote(
        base.quote,
        opts({ fetcher: staticTdxCollateral(given as never) }),
      );
      expect(st(r, 'tdx.crl.root')).toBe('fail');
      expect(
        (findCheck(r, 'tdx.crl.root')!.detail as { revokedSerials: string[] }).revokedSerials,
      ).toEqual([pki.tcbSigning.serial]);
      expect(r.ok).toBe(false);
    }
  });

  it('FMSPC mismatch', async () => {
    const col = await buildCollateral(pki, { fmspc: '00806f050000' });
    const r = await verify(base.quote, col);
    const c = findCheck(r, 'tdx.tcb-info.match')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatchObject({
      expected: { fmspc: 'f0f0f0000000' },
      actual: { fmspc: '00806f050000' },
    });
    expect(st(r, 'tdx.tcb.status')).toBe('skip');
    expect(st(r, 'tdx.tcb.module')).toBe('skip');
    // Upper-case FMSPC in the document is the same FMSPC.
    const upper = await buildCollateral(pki, { fmspc: 'F0F0F0000000' });
    expect(st(await verify(base.quote, upper), 'tdx.tcb-info.match')).toBe('pass');
  });

  it('an SGX TCB info or QE identity for a TDX quote', async () => {
    const col = await buildCollateral(pki, { tcbId: 'SGX', tcbLevels: [] });
    expect(st(await verify(base.quote, col), 'tdx.tcb-info.match')).toBe('fail');
    const qe = await buildCollateral(pki, { qeId: 'QE' });
    expect(st(await verify(base.quote, qe), 'tdx.qe.identity')).toBe('fail');
  });

  it('debug TD: rejected by default, a warning with allowDebug', async () => {
    const q = await buildQuote(pki, { td: { tdAttributes: (1n << 28n) | 1n } });
    const r = await verify(q);
    expect(st(r, 'tdx.policy.debug')).toBe('fail');
    expect(failed(r)).toEqual(['tdx.policy.debug']);
    expect(r.ok).toBe(false);
    const allowed = await verify(q, base.collateral, { policy: { allowDebug: true } });
    expect(st(allowed, 'tdx.policy.debug')).toBe('warn');
    expect(allowed.ok).toBe(true);
  });

  it('a malformed quote fails tdx.quote.parse and skips the rest, without throwing', async () => {
    const r = await verify(base.quote.subarray(0, 700));
    expect(st(r, 'tdx.quote.parse')).toBe('fail');
    expect(findCheck(r, 'tdx.quote.parse')?.detail).toMatchObject({
      cause: { code: 'ERR_TRUNCATED' },
    });
    expect(
      r.checks.filter((c) => c.id !== 'tdx.quote.parse').every((c) => c.status === 'skip'),
    ).toBe(true);
    expect(r.ok).toBe(false);
    const bad = await verify(new TextEncoder().encode('hello'));
    expect(bad.ok).toBe(false);
  });

  it('a parsed quote object is re-parsed from raw: editing its fields changes nothing', async () => {
    const q = parseTdxQuote(base.quote);
    const edited = { ...q, body: { ...q.body, mrTd: new Uint8Array(48) } } as never;
    const r = await verifyTdxQuote(
      { quote: edited, collateral: base.collateral },
      opts({ policy: { mrTd: new Uint8Array(48) } }),
    );
    expect(st(r, 'tdx.policy.mr-td')).toBe('fail');
    expect(st(r, 'tdx.quote.signature')).toBe('pass');
  });

  it('missing CRLs skip their (required) checks; requireCollateral: false allows signature-only results', async () => {
    const { pckCrl: _p, rootCaCrl: _r, ...noCrls } = base.collateral;
    const r = await verify(base.quote, noCrls);
    expect(st(r, 'tdx.crl.pck')).toBe('skip');
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.ok).toBe(false);
    const none = await verifyTdxQuote(base.quote, opts({ requireCollateral: false }));
    expect(none.ok).toBe(true);
    expect(none.checks.filter((c) => c.status === 'skip' && c.required)).toEqual([]);
    const required = await verifyTdxQuote(base.quote, opts());
    expect(required.ok).toBe(false);
    expect(findCheck(required, 'tdx.tcb-info.signature')?.message).toMatch(/no TCB info supplied/);
  });

  it('percent-encoded issuer chains (as in PCS headers) are accepted', async () => {
    const col = {
      ...base.collateral,
      tcbInfoIssuerChain: encodeURIComponent(base.collateral.tcbInfoIssuerChain),
    };
    expect(st(await verify(base.quote, col), 'tdx.tcb-info.signature')).toBe('pass');
  });

  it('a PCK CRL issuer chain that does not hold the leaf issuer fails the PCK CRL check', async () => {
    const col = { ...base.collateral, pckCrlIssuerChain: base.collateral.tcbInfoIssuerChain };
    const c = findCheck(await verify(base.quote, col), 'tdx.crl.pck')!;
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/issuer chain/);
  });

  it('a processor-CA platform asks the fetcher for the processor CRL', async () => {
    const c = await syntheticCase({ pki: { ca: { processor: true } } });
    const calls: string[] = [];
    const fetcher = {
      tcbInfo: async () => ({
        tcbInfo: c.collateral.tcbInfo,
        tcbInfoIssuerChain: c.collateral.tcbInfoIssuerChain,
      }),
      qeIdentity: async () => ({
        qeIdentity: c.collateral.qeIdentity,
        qeIdentityIssuerChain: c.collateral.qeIdentityIssuerChain,
      }),
      pckCrl: async (ca: string) => {
        calls.push(ca);
        return { pckCrl: c.collateral.pckCrl, pckCrlIssuerChain: c.collateral.pckCrlIssuerChain };
      },
      rootCaCrl: async () => c.collateral.rootCaCrl,
    };
    const r = await verifyTdxQuote(c.quote, { now: SYNTH_NOW, rootPins: [c.pki.rootPin], fetcher });
    expect(calls).toEqual(['processor']);
    expect(r.ok).toBe(true);
  });
});

describe('verifyTdxQuote: TCB status merging on synthetic collateral', () => {
  const sgx = [7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0];
  const tdx = (a: number, c: number) => [a, 0, c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  it('module OutOfDate turns an UpToDate platform OutOfDate; relaunch advised when TEE_TCB_SVN2 is current', async () => {
    const q = await buildQuote(pki, {
      version: 5,
      td: {
        teeTcbSvn: Uint8Array.from([3, 1, 7, ...new Array(13).fill(0)]),
        teeTcbSvn2: Uint8Array.from([5, 1, 7, ...new Array(13).fill(0)]),
      },
    });
    const r = await verify(q);
    expect(r.tcb?.module).toMatchObject({ identity: 'TDX_01', status: 'OutOfDate' });
    expect(r.tcbStatus).toBe('OutOfDate');
    expect(r.relaunchAdvised).toBe(true);
    expect(findCheck(r, 'tdx.tcb.status')?.message).toMatch(/relaunch/);
    const stale = await buildQuote(pki, {
      version: 5,
      td: {
        teeTcbSvn: Uint8Array.from([3, 1, 7, ...new Array(13).fill(0)]),
        teeTcbSvn2: Uint8Array.from([3, 1, 7, ...new Array(13).fill(0)]),
      },
    });
    expect((await verify(stale)).relaunchAdvised).toBe(false);
  });

  it('configuration statuses, QE OutOfDate and QE Revoked merge as Intel specifies', async () => {
    const levels = [
      tcbLevel(sgx, 11, tdx(5, 7), 'ConfigurationNeeded', '2024-03-13T00:00:00Z', ['INTEL-SA-1']),
    ];
    const conf = await buildCollateral(pki, { tcbLevels: levels });
    const r = await verify(base.quote, conf, { acceptedTcbStatuses: ['ConfigurationNeeded'] });
    expect(r.tcbStatus).toBe('ConfigurationNeeded');
    expect(r.advisoryIds).toEqual(['INTEL-SA-1']);
    expect(st(r, 'tdx.tcb.status')).toBe('warn');
    const qeOld = await buildCollateral(pki, {
      tcbLevels: levels,
      qeLevels: [
        { tcb: { isvsvn: 8 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' },
        {
          tcb: { isvsvn: 6 },
          tcbDate: '2023-02-01T00:00:00Z',
          tcbStatus: 'OutOfDate',
          advisoryIDs: ['INTEL-SA-QE'],
        },
      ],
    });
    const o = await verify(base.quote, qeOld);
    expect(o.tcbStatus).toBe('OutOfDateConfigurationNeeded');
    expect(o.advisoryIds).toEqual(['INTEL-SA-1', 'INTEL-SA-QE']);
    expect(o.tcbDate?.toISOString()).toBe('2023-02-01T00:00:00.000Z');
    expect(st(o, 'tdx.qe.tcb')).toBe('warn');
    const revoked = await buildCollateral(pki, {
      qeLevels: [{ tcb: { isvsvn: 1 }, tcbDate: '2023-02-01T00:00:00Z', tcbStatus: 'Revoked' }],
    });
    expect((await verify(base.quote, revoked)).tcbStatus).toBe('Revoked');
    const none = await buildCollateral(pki, {
      qeLevels: [{ tcb: { isvsvn: 9 }, tcbDate: '2023-02-01T00:00:00Z', tcbStatus: 'UpToDate' }],
    });
    const n = await verify(base.quote, none);
    expect(st(n, 'tdx.qe.tcb')).toBe('fail');
    expect(n.tcbStatus).toBe('NoMatchingTcbLevel');
  });

  it('the first SGX-matching level is not the TDX level when the TDX part is lower', async () => {
    const levels = [
      tcbLevel(sgx, 11, tdx(9, 9), 'UpToDate'),
      tcbLevel(sgx, 11, tdx(5, 7), 'SWHardeningNeeded', '2024-01-01T00:00:00Z', ['INTEL-SA-2']),
    ];
    const r = await verify(base.quote, await buildCollateral(pki, { tcbLevels: levels }));
    expect(r.tcb?.sgxLevelIndex).toBe(0);
    expect(r.tcb?.platformLevelIndex).toBe(1);
    expect(r.tcbStatus).toBe('SWHardeningNeeded');
  });

  it('module identity missing fails tdx.tcb.module; no level at all is NoMatchingTcbLevel', async () => {
    const noModule = await buildCollateral(pki, { tdxModuleIdentities: [] });
    const r = await verify(base.quote, noModule);
    expect(st(r, 'tdx.tcb.module')).toBe('fail');
    expect(findCheck(r, 'tdx.tcb.module')?.message).toMatch(/TDX_01/);
    expect(st(r, 'tdx.tcb.status')).toBe('skip');
    const high = await buildCollateral(pki, {
      tcbLevels: [
        tcbLevel(
          sgx.map((x) => x + 1),
          11,
          tdx(5, 7),
          'UpToDate',
        ),
      ],
    });
    const h = await verify(base.quote, high);
    expect(h.tcbStatus).toBe('NoMatchingTcbLevel');
    expect(h.tcb?.sgxLevelIndex).toBeUndefined();
    expect(h.advisoryIds).toEqual([]);
  });

  it('a warm verification reuses cached chains and collateral', async () => {
    const cache = createCache({ maxEntries: 100 });
    const a = await verify(base.quote, base.collateral, { cache });
    const b = await verify(base.quote, base.collateral, { cache });
    expect(b.checks).toEqual(a.checks);
    expect(cache.size).toBeGreaterThan(0);
    // Same cache, a different platform: no cross-talk.
    const other = await syntheticCase();
    const c = await verifyTdxQuote(
      { quote: other.quote, collateral: other.collateral },
      { now: SYNTH_NOW, rootPins: [other.pki.rootPin], cache },
    );
    expect(c.ok).toBe(true);
    const d = await verifyTdxQuote(
      { quote: other.quote, collateral: base.collateral },
      { now: SYNTH_NOW, rootPins: [other.pki.rootPin], cache },
    );
    expect(d.ok).toBe(false);
  });
});

describe('verifyTdxQuote: collateral signed JSON through signJson', () => {
  it('a document signed over its exact text verifies; the same data with a space does not', async () => {
    const body = base.collateral.tcbInfoBody;
    const good = await signJson('tcbInfo', body, pki.tcbKey);
    expect(
      st(await verify(base.quote, { ...base.collateral, tcbInfo: good }), 'tdx.tcb-info.signature'),
    ).toBe('pass');
    const sig = JSON.parse(good).signature as string;
    const spaced = `{"tcbInfo":${body.replace('{', '{ ')},"signature":"${sig}"}`;
    expect(
      st(
        await verify(base.quote, { ...base.collateral, tcbInfo: spaced }),
        'tdx.tcb-info.signature',
      ),
    ).toBe('fail');
  });
});
