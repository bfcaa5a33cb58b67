import { expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { createCache } from '../../src/core/cache.js';
import { vandalise } from '../support/vandalise.js';
import { findCheck } from '../../src/core/checks.js';
import type { TdxCheckId, TdxVerification } from '../../src/tdx/types.js';
import {
  apiStatus,
  evaluationCollateral,
  quoteBytes,
  quoteCases,
  type Json,
} from './support/vector-cases.js';

const cases = quoteCases();
const status = (r: TdxVerification, id: TdxCheckId) => findCheck(r, id)?.status;
/** The `tee` an SGX vector needs (verifyTdxQuote accepts TD quotes only by default). */
const teeOf = (e: Json): { tee?: 'sgx' } =>
  String(e.kind).startsWith('sgx') ? { tee: 'sgx' } : {};

describeVectors('verifyTdxQuote: every real quote reaches its expected TCB status', () => {
  for (const { dir, expected: e } of cases) {
    const evaluations: Json[] = e.tcb_evaluations ?? [];
    evaluations.forEach((ev, i) => {
      it(`${dir} #${i} (${ev.label}): ${ev.final_tcb_status}`, async () => {
        const now = new Date(ev.suggested_verification_time);
        const collateral = evaluationCollateral(dir, ev);
        const r = await verifyTdxQuote(
          { quote: quoteBytes(dir), collateral },
          { now, ...teeOf(e) },
        );
        expect(status(r, 'tdx.quote.tee')).toBe('pass');
        expect(r.tcbStatus).toBe(apiStatus(ev.final_tcb_status));
        expect(r.advisoryIds).toEqual(ev.advisory_ids_union_platform_qe_module);
        expect(r.tcb?.advisories.platform ?? []).toEqual(ev.advisory_ids_of_matched_platform_level);
        // Signature, chain and binding checks (expected_checks of the vector).
        for (const id of [
          'tdx.quote.signature',
          'tdx.qe.report-signature',
          'tdx.qe.report-data',
          'tdx.chain.pck',
        ] as const) {
          expect(status(r, id), id).toBe(e.expected_checks[id]);
        }
        for (const id of ['tdx.quote.parse', 'tdx.quote.header', 'tdx.pck.extensions'] as const)
          expect(status(r, id), id).toBe('pass');
        // Collateral checks: all verify at the suggested time.
        for (const id of [
          'tdx.tcb-info.signature',
          'tdx.tcb-info.validity',
          'tdx.tcb-info.match',
          'tdx.qe-identity.signature',
          'tdx.qe-identity.validity',
          'tdx.qe.identity',
        ] as const) {
          expect(status(r, id), `${id}: ${findCheck(r, id)?.message}`).toBe('pass');
        }
        const crlExpected = ev.crl_files.length > 0 ? 'pass' : 'skip';
        expect(status(r, 'tdx.crl.root'), findCheck(r, 'tdx.crl.root')?.message).toBe(crlExpected);
        expect(status(r, 'tdx.crl.pck'), findCheck(r, 'tdx.crl.pck')?.message).toBe(
          ev.pck_leaf_revoked_by_listed_crls ? 'fail' : crlExpected,
        );
        // QE TCB.
        expect(r.tcb?.qe?.status).toBe(ev.qe_identity_status);
        expect(r.tcb?.qe?.level?.isvSvn).toBe(ev.qe_identity_matched_level.isvsvn);
        // TCB level matching, step by step.
        expect(r.tcb?.sgxLevelIndex).toBe(ev.sgx_matched_level?.index_in_tcbLevels);
        if (ev.tdx_matched_level !== undefined || ev.sgx_matched_level?.tdx_components === null) {
          const want = ev.tdx_matched_level ?? ev.sgx_matched_level;
          expect(r.tcb?.platformLevelIndex).toBe(want?.index_in_tcbLevels);
        }
        if (ev.tdx_module !== undefined && ev.tdx_module !== null) {
          const used: string = ev.tdx_module.identity_used;
          expect(r.tcb?.module?.identity).toBe(used.startsWith('tdxModule') ? 'tdxModule' : used);
          expect(r.tcb?.module?.status).toBe(ev.tdx_module.module_status);
          expect(status(r, 'tdx.tcb.module')).toBe(
            ev.tdx_module.module_status === 'UpToDate' ? 'pass' : 'warn',
          );
        }
        if (ev.status_after_td_relaunch_check !== undefined) expect(r.relaunchAdvised).toBe(false);
        // The earliest expiry is the end of the vector's verification window.
        expect(r.collateralExpiry?.toISOString().replace('.000Z', 'Z')).toBe(
          ev.verification_time_window.not_after,
        );
        if (r.tcb?.platformLevelIndex !== undefined) {
          const levelDate = new Date(
            (ev.tdx_matched_level ?? ev.sgx_matched_level).tcbDate,
          ).getTime();
          const qeDate = new Date(ev.qe_identity_matched_level.tcbDate).getTime();
          expect(r.tcbDate?.getTime()).toBe(
            Math.min(
              levelDate,
              qeDate,
              ...(r.tcb.module?.level ? [r.tcb.module.level.tcbDate.getTime()] : []),
            ),
          );
        } else expect(r.tcbDate).toBeUndefined();
        // The default acceptance is UpToDate only; the status is reported either way.
        expect(status(r, 'tdx.tcb.status')).toBe(r.tcbStatus === 'UpToDate' ? 'pass' : 'fail');
      });
    });
  }

  it('acceptedTcbStatuses lets a known status pass as a visible warning', async () => {
    const { dir, expected } = cases.find((c) => c.dir === 'zkdcap-v4-00806f050000')!;
    const ev = expected.tcb_evaluations[0];
    const now = new Date(ev.suggested_verification_time);
    const collateral = evaluationCollateral(dir, ev);
    const r = await verifyTdxQuote(
      { quote: quoteBytes(dir), collateral },
      {
        now,
        acceptedTcbStatuses: ['UpToDate', 'OutOfDate'],
        policy: { requireSeptVeDisable: false },
      },
    );
    expect(r.tcbStatus).toBe('OutOfDate');
    expect(status(r, 'tdx.tcb.status')).toBe('warn');
    expect(r.ok).toBe(true);
    const strict = await verifyTdxQuote(
      { quote: quoteBytes(dir), collateral },
      { now, policy: { requireSeptVeDisable: false } },
    );
    expect(strict.ok).toBe(false);
    expect(strict.tcbStatus).toBe('OutOfDate');
  });

  it('an UpToDate real quote verifies end to end (ok) at its suggested time', async () => {
    const { dir, expected } = cases.find((c) => c.dir === 'dcapqvl-v4')!;
    const ev = expected.tcb_evaluations[0];
    const r = await verifyTdxQuote(
      { quote: quoteBytes(dir), collateral: evaluationCollateral(dir, ev) },
      { now: new Date(ev.suggested_verification_time) },
    );
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.pck?.fmspc).toBeDefined();
  });

  it('SGX v3 quote without collateral: signatures verify, collateral checks skip, ok is false unless requireCollateral is false', async () => {
    const dir = 'trustee-sgx-occlum-v3';
    const now = new Date('2023-06-01T00:00:00Z');
    const r = await verifyTdxQuote(quoteBytes(dir), { now, tee: 'sgx' });
    for (const id of [
      'tdx.quote.signature',
      'tdx.qe.report-signature',
      'tdx.qe.report-data',
      'tdx.chain.pck',
    ] as const)
      expect(status(r, id), id).toBe('pass');
    for (const id of [
      'tdx.crl.root',
      'tdx.crl.pck',
      'tdx.tcb-info.signature',
      'tdx.qe-identity.signature',
      'tdx.tcb.status',
    ] as const) {
      const c = findCheck(r, id)!;
      expect(c.status, id).toBe('skip');
      expect(c.required).toBe(true);
    }
    expect(status(r, 'tdx.tcb.module')).toBe('skip');
    expect(r.tcbStatus).toBeUndefined();
    expect(r.ok).toBe(false);
    // The occlum enclave is a debug enclave: policy rejects it unless allowed.
    expect(status(r, 'tdx.policy.debug')).toBe('fail');
    const sigOnly = await verifyTdxQuote(quoteBytes(dir), {
      now,
      requireCollateral: false,
      policy: { allowDebug: true },
      tee: 'sgx',
    });
    expect(status(sigOnly, 'tdx.policy.debug')).toBe('warn');
    expect(sigOnly.ok).toBe(true);
  });

  it('a fetcher supplies missing collateral, is not called when the evidence carries it, and a cache hit skips the fetch', async () => {
    const { dir, expected } = cases.find((c) => c.dir === 'zkdcap-v4')!;
    const ev = expected.tcb_evaluations[0];
    const now = new Date(ev.suggested_verification_time);
    const col = evaluationCollateral(dir, ev);
    const calls: string[] = [];
    const fetcher = {
      async tcbInfo(fmspc: string, tee?: string) {
        calls.push(`tcbInfo:${fmspc}:${tee}`);
        return { tcbInfo: col.tcbInfo, tcbInfoIssuerChain: col.tcbInfoIssuerChain };
      },
      async qeIdentity(tee?: string) {
        calls.push(`qeIdentity:${tee}`);
        return { qeIdentity: col.qeIdentity, qeIdentityIssuerChain: col.qeIdentityIssuerChain };
      },
      async pckCrl(ca: string) {
        calls.push(`pckCrl:${ca}`);
        return { pckCrl: col.pckCrl!, pckCrlIssuerChain: '' };
      },
      async rootCaCrl() {
        calls.push('rootCaCrl');
        return col.rootCaCrl!;
      },
    };
    const r = await verifyTdxQuote(quoteBytes(dir), { now, fetcher });
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.checks.filter((c) => c.status === 'fail' && !c.id.startsWith('tdx.policy'))).toEqual(
      [],
    );
    expect(calls.sort()).toEqual([
      'pckCrl:platform',
      'qeIdentity:tdx',
      'rootCaCrl',
      'tcbInfo:00806f050000:tdx',
    ]);
    calls.length = 0;
    await verifyTdxQuote({ quote: quoteBytes(dir), collateral: col }, { now, fetcher });
    expect(calls).toEqual([]);
    // A failing fetcher becomes a failed check that keeps the cause.
    const broken = {
      ...fetcher,
      async tcbInfo(): Promise<never> {
        throw new Error('PCS unreachable');
      },
    };
    const f = await verifyTdxQuote(quoteBytes(dir), { now, fetcher: broken });
    const c = findCheck(f, 'tdx.tcb-info.signature')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toEqual({ cause: 'PCS unreachable' });
    expect(f.ok).toBe(false);
    // A fetcher returning the wrong shape is a failed check too.
    const weird = { ...fetcher, qeIdentity: async () => 'not an object' as never };
    const w = await verifyTdxQuote(quoteBytes(dir), { now, fetcher: weird });
    expect(findCheck(w, 'tdx.qe-identity.signature')?.message).toMatch(/returned no qeIdentity/);
    // withCache-style memo: a cached fetcher answers the second call without fetching.
    const { withCache } = await import('../../src/fetch/with-cache.js');
    const cache = createCache({ maxEntries: 50 });
    const cached = withCache(fetcher, cache, 'tdx');
    calls.length = 0;
    await verifyTdxQuote(quoteBytes(dir), { now, fetcher: cached, cache });
    const first = calls.length;
    await verifyTdxQuote(quoteBytes(dir), { now, fetcher: cached, cache });
    expect(first).toBe(4);
    expect(calls.length).toBe(4);
  });

  it('a cached (warm) verification gives the same ledger as a cold one', async () => {
    const cache = createCache({ maxEntries: 200 });
    for (const { dir, expected } of cases.filter((c) => c.expected.tcb_evaluations?.length)) {
      const ev = expected.tcb_evaluations[0];
      const now = new Date(ev.suggested_verification_time);
      const collateral = evaluationCollateral(dir, ev);
      const tee = teeOf(expected);
      const cold = await verifyTdxQuote({ quote: quoteBytes(dir), collateral }, { now, ...tee });
      const warm1 = await verifyTdxQuote(
        { quote: quoteBytes(dir), collateral },
        { now, cache, ...tee },
      );
      const warm2 = await verifyTdxQuote(
        { quote: quoteBytes(dir), collateral },
        { now, cache, ...tee },
      );
      expect(warm1.checks).toEqual(cold.checks);
      expect(warm2.checks).toEqual(cold.checks);
      expect(warm2.tcbStatus).toBe(cold.tcbStatus);
      // Overwriting everything warm results show (TCB info, QE identity, PCK extensions, matched
      // levels) changes no later verdict: the checks read the cache's own objects.
      expect(warm1.tcbInfo).toEqual(cold.tcbInfo);
      for (const w of [warm1, warm2]) {
        expect(vandalise(w)).toBeGreaterThan(10);
        expect(w.qeIdentity!.mrSigner.every((x) => x === 0)).toBe(true);
      }
      const warm3 = await verifyTdxQuote(
        { quote: quoteBytes(dir), collateral },
        { now, cache, ...tee },
      );
      expect(warm3.checks).toEqual(cold.checks);
      expect(warm3.tcbStatus).toBe(cold.tcbStatus);
      expect(warm3.advisoryIds).toEqual(cold.advisoryIds);
      // Outside the collateral window the warm path re-checks dates instead of reusing them.
      const late = new Date(new Date(ev.verification_time_window.not_after).getTime() + 1000);
      const expired = await verifyTdxQuote(
        { quote: quoteBytes(dir), collateral },
        { now: late, cache, ...tee },
      );
      expect(
        expired.checks.some((c) => c.status === 'fail' && /validity|crl|chain/.test(c.id)),
      ).toBe(true);
    }
  });
});
