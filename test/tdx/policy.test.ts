import { expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import { findCheck } from '../../src/core/checks.js';
import { toHex } from '../../src/core/encoding.js';
import type { TdReportBody, TdxCheckId, TdxPolicy, SgxReportBody } from '../../src/tdx/types.js';
import { quoteBytes } from './support/vector-cases.js';

describeVectors('verifyTdxQuote: policy on real quotes', () => {
  // A TDX 1.5 quote with SEPT_VE_DISABLE and a zero MRSERVICETD; signature-only mode.
  const dir = 'gotdx-v5-sample';
  const now = new Date('2026-02-25T00:45:50Z');
  const run = (policy: TdxPolicy, d = dir, tee: 'tdx' | 'sgx' = 'tdx') =>
    verifyTdxQuote(quoteBytes(d), { now, requireCollateral: false, policy, tee });
  const body = () => parseTdxQuote(quoteBytes(dir)).body as TdReportBody;
  const flip = (b: Uint8Array) => {
    const c = b.slice();
    c[c.length - 1]! ^= 1;
    return c;
  };

  it('with no policy only the default checks run, and they pass', async () => {
    const r = await run({});
    const ran = r.checks
      .filter((c) => c.id.startsWith('tdx.policy.') && c.status !== 'skip')
      .map((c) => c.id);
    expect(ran).toEqual([
      'tdx.policy.debug',
      'tdx.policy.sept-ve-disable',
      'tdx.policy.migratable',
      'tdx.policy.mr-service-td',
    ]);
    expect(r.ok).toBe(true);
    expect(findCheck(r, 'tdx.policy.mr-td')?.message).toMatch(/not given/);
  });

  it('every "not given" skip names a real policy option', async () => {
    // Every key of TdxPolicy, once: the compiler rejects a missing or unknown key here.
    const options: Record<keyof TdxPolicy, true> = {
      mrTd: true,
      rtmrs: true,
      mrSeam: true,
      mrSignerSeam: true,
      seamAttributes: true,
      allowDebug: true,
      requireSeptVeDisable: true,
      allowMigratable: true,
      tdAttributes: true,
      tdAttributesMask: true,
      xfam: true,
      xfamMask: true,
      mrConfigId: true,
      mrOwner: true,
      mrOwnerConfig: true,
      reportData: true,
      minimumTeeTcbSvn: true,
      minimumQeSvn: true,
      minimumPceSvn: true,
      mrServiceTd: true,
      allowServiceTd: true,
      minimumTcbEvaluationDataNumber: true,
      mrEnclave: true,
      mrSigner: true,
      isvProdId: true,
      minimumIsvSvn: true,
    };
    const named = (await run({})).checks
      .map((c) => /^policy\.(\w+)(?:\[\d\])? not given$/.exec(c.message ?? '')?.[1])
      .filter((n) => n !== undefined);
    expect(named).toContain('minimumQeSvn');
    expect(named).toContain('minimumPceSvn');
    for (const n of named) expect(Object.hasOwn(options, n), n).toBe(true);
  });

  const fields: [TdxCheckId, (b: TdReportBody) => [TdxPolicy, TdxPolicy]][] = [
    [
      'tdx.policy.mr-td',
      (b) => [{ mrTd: [flip(b.mrTd), toHex(b.mrTd)] }, { mrTd: [flip(b.mrTd)] }],
    ],
    ['tdx.policy.rtmr0', (b) => [{ rtmrs: [b.rtmrs[0]] }, { rtmrs: [flip(b.rtmrs[0])] }]],
    [
      'tdx.policy.rtmr1',
      (b) => [{ rtmrs: [null, b.rtmrs[1]] }, { rtmrs: [null, flip(b.rtmrs[1])] }],
    ],
    [
      'tdx.policy.rtmr2',
      (b) => [
        { rtmrs: [null, null, toHex(b.rtmrs[2])] },
        { rtmrs: [null, null, flip(b.rtmrs[2])] },
      ],
    ],
    [
      'tdx.policy.rtmr3',
      (b) => [
        { rtmrs: [null, null, null, b.rtmrs[3]] },
        { rtmrs: [null, null, null, flip(b.rtmrs[3])] },
      ],
    ],
    ['tdx.policy.mr-seam', (b) => [{ mrSeam: b.mrSeam }, { mrSeam: flip(b.mrSeam) }]],
    [
      'tdx.policy.mr-signer-seam',
      (b) => [{ mrSignerSeam: b.mrSignerSeam }, { mrSignerSeam: flip(b.mrSignerSeam) }],
    ],
    [
      'tdx.policy.seam-attributes',
      (b) => [{ seamAttributes: b.seamAttributes }, { seamAttributes: b.seamAttributes ^ 1n }],
    ],
    [
      'tdx.policy.td-attributes',
      (b) => [{ tdAttributes: b.tdAttributes }, { tdAttributes: b.tdAttributes ^ (1n << 30n) }],
    ],
    [
      'tdx.policy.xfam',
      (b) => [
        { xfam: b.xfam ^ 0x8000n, xfamMask: ~0x8000n & 0xffffffffffffffffn },
        { xfam: b.xfam ^ 0x8000n },
      ],
    ],
    [
      'tdx.policy.mr-config-id',
      (b) => [{ mrConfigId: b.mrConfigId }, { mrConfigId: flip(b.mrConfigId) }],
    ],
    ['tdx.policy.mr-owner', (b) => [{ mrOwner: b.mrOwner }, { mrOwner: flip(b.mrOwner) }]],
    [
      'tdx.policy.mr-owner-config',
      (b) => [{ mrOwnerConfig: b.mrOwnerConfig }, { mrOwnerConfig: flip(b.mrOwnerConfig) }],
    ],
    [
      'tdx.policy.report-data',
      (b) => [{ reportData: b.reportData }, { reportData: b.reportData.subarray(0, 32) }],
    ],
    [
      'tdx.policy.tee-tcb-svn',
      (b) => [
        { minimumTeeTcbSvn: b.teeTcbSvn },
        // All 16 bytes (a shorter minimum is a TypeError): the first component one higher.
        { minimumTeeTcbSvn: Uint8Array.from(b.teeTcbSvn, (v, i) => (i === 0 ? v + 1 : v)) },
      ],
    ],
    ['tdx.policy.qe-svn', () => [{ minimumQeSvn: 1 }, { minimumQeSvn: 99 }]],
    ['tdx.policy.pce-svn', () => [{ minimumPceSvn: 13 }, { minimumPceSvn: 14 }]],
    [
      'tdx.policy.mr-service-td',
      (b) => [{ mrServiceTd: b.mrServiceTd! }, { mrServiceTd: flip(b.mrServiceTd!) }],
    ],
  ];
  for (const [id, make] of fields) {
    it(`${id}: passes with the quote's value and fails with expected/actual when moved`, async () => {
      const [good, bad] = make(body());
      const g = await run(good);
      expect(findCheck(g, id)?.status, findCheck(g, id)?.message).toBe('pass');
      expect(findCheck(g, id)?.required).toBe(true);
      const b = await run(bad);
      const c = findCheck(b, id)!;
      expect(c.status).toBe('fail');
      expect(c.detail).toHaveProperty('expected');
      expect(c.detail).toHaveProperty('actual');
      expect(b.ok).toBe(false);
      // Nothing else changed.
      expect(b.checks.filter((x) => x.status === 'fail').map((x) => x.id)).toEqual([id]);
    });
  }

  it('REPORTDATA given as a 32-byte prefix needs the rest to be zero', async () => {
    const rd = Uint8Array.from({ length: 32 }, (_, i) => i);
    const q = 'dcapqvl-v4';
    const quoteRd = (parseTdxQuote(quoteBytes(q)).body as TdReportBody).reportData;
    const r = await verifyTdxQuote(quoteBytes(q), {
      now,
      requireCollateral: false,
      policy: { reportData: quoteRd.subarray(0, 32), requireSeptVeDisable: false },
    });
    expect(findCheck(r, 'tdx.policy.report-data')?.status).toBe(
      quoteRd.subarray(32).every((x) => x === 0) ? 'pass' : 'fail',
    );
    expect(findCheck(await run({ reportData: rd }), 'tdx.policy.report-data')?.status).toBe('fail');
  });

  it('SEPT_VE_DISABLE is required by default and can be waived', async () => {
    const d = 'zkdcap-v4'; // TDATTRIBUTES = 0
    const r = await run({}, d);
    expect(findCheck(r, 'tdx.policy.sept-ve-disable')?.status).toBe('fail');
    const w = await run({ requireSeptVeDisable: false }, d);
    expect(findCheck(w, 'tdx.policy.sept-ve-disable')?.status).toBe('skip');
    expect(w.ok).toBe(true);
  });

  it('a real debug TD is rejected unless allowDebug', async () => {
    const d = 'trustee-v4'; // TDATTRIBUTES has DEBUG set
    expect((parseTdxQuote(quoteBytes(d)).body as TdReportBody).tdAttributesView.debug).toBe(true);
    const r = await run({ requireSeptVeDisable: false }, d);
    expect(findCheck(r, 'tdx.policy.debug')?.status).toBe('fail');
    expect(
      findCheck(await run({ allowDebug: true, requireSeptVeDisable: false }, d), 'tdx.policy.debug')
        ?.status,
    ).toBe('warn');
  });

  it('MRSERVICETD must be zero unless allowed', async () => {
    const d = 'trustee-v5';
    const ms = (parseTdxQuote(quoteBytes(d)).body as TdReportBody).mrServiceTd!;
    const r = await run({}, d);
    expect(findCheck(r, 'tdx.policy.mr-service-td')?.status).toBe(
      ms.every((x) => x === 0) ? 'pass' : 'fail',
    );
    expect(
      findCheck(await run({ allowServiceTd: true }, d), 'tdx.policy.mr-service-td')?.status,
    ).toBe('skip');
    expect(findCheck(await run({ mrServiceTd: ms }, d), 'tdx.policy.mr-service-td')?.status).toBe(
      'pass',
    );
    // A TDX 1.0 body has no MRSERVICETD: asking for one fails.
    expect(
      findCheck(
        await run({ mrServiceTd: ms, requireSeptVeDisable: false }, 'zkdcap-v4'),
        'tdx.policy.mr-service-td',
      )?.status,
    ).toBe('fail');
  });

  it('SGX fields apply to SGX quotes; TD fields fail on SGX quotes', async () => {
    const d = 'dcapqvl-sgx-v3';
    const b = parseTdxQuote(quoteBytes(d)).body as SgxReportBody;
    const r = await run(
      {
        mrEnclave: [b.mrEnclave],
        mrSigner: b.mrSigner,
        isvProdId: b.isvProdId,
        minimumIsvSvn: b.isvSvn,
      },
      d,
      'sgx',
    );
    for (const id of [
      'tdx.policy.mr-enclave',
      'tdx.policy.mr-signer',
      'tdx.policy.isv-prod-id',
      'tdx.policy.isv-svn',
    ] as const)
      expect(findCheck(r, id)?.status).toBe('pass');
    expect(findCheck(r, 'tdx.policy.sept-ve-disable')?.status).toBe('skip');
    const bad = await run(
      {
        mrEnclave: flip(b.mrEnclave),
        isvProdId: b.isvProdId + 1,
        minimumIsvSvn: b.isvSvn + 1,
        mrTd: new Uint8Array(48),
      },
      d,
      'sgx',
    );
    for (const id of [
      'tdx.policy.mr-enclave',
      'tdx.policy.isv-prod-id',
      'tdx.policy.isv-svn',
      'tdx.policy.mr-td',
    ] as const)
      expect(findCheck(bad, id)?.status, id).toBe('fail');
    const td = await run({ mrEnclave: b.mrEnclave });
    expect(findCheck(td, 'tdx.policy.mr-enclave')?.status).toBe('fail');
  });

  it('minimumTcbEvaluationDataNumber needs verified collateral', async () => {
    const r = await run({ minimumTcbEvaluationDataNumber: 17 });
    expect(findCheck(r, 'tdx.policy.tcb-evaluation-number')?.status).toBe('fail');
  });

  it('malformed policy values are programming errors (TypeError)', async () => {
    await expect(run({ mrTd: 'xyz' })).rejects.toThrow(TypeError);
    await expect(run({ tdAttributes: 5 as never })).rejects.toThrow(TypeError);
    await expect(run({ minimumQeSvn: 1.5 })).rejects.toThrow(TypeError);
    await expect(run({ rtmrs: [null, null, null, null, null] })).rejects.toThrow(TypeError);
    await expect(run({ allowDebug: 'yes' as never })).rejects.toThrow(TypeError);
  });
});
