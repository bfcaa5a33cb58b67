import { describe, expect, it } from 'vitest';
import {
  convergeStatus,
  isRelaunchAdvised,
  matchIsvSvn,
  matchPlatformTcb,
  matchTdxModule,
} from '../../src/tdx/tcb.js';
import { parseTcbInfo } from '../../src/tdx/collateral.js';
import type { TdxTcbStatus } from '../../src/tdx/types.js';

const S: TdxTcbStatus[] = [
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
  'NoMatchingTcbLevel',
];

describe('convergeStatus (Intel QVL status convergence)', () => {
  it('UpToDate QE/module keeps the platform status', () => {
    for (const p of S) expect(convergeStatus(p, 'UpToDate')).toBe(p);
  });
  it('OutOfDate QE/module', () => {
    expect(S.map((p) => convergeStatus(p, 'OutOfDate'))).toEqual([
      'OutOfDate',
      'OutOfDate',
      'OutOfDateConfigurationNeeded',
      'OutOfDateConfigurationNeeded',
      'OutOfDate',
      'OutOfDateConfigurationNeeded',
      'Revoked',
      'NoMatchingTcbLevel',
    ]);
  });
  it('Revoked and unmatched QE/module', () => {
    for (const p of S.slice(0, 7)) expect(convergeStatus(p, 'Revoked')).toBe('Revoked');
    for (const p of S) expect(convergeStatus(p, 'NoMatchingTcbLevel')).toBe('NoMatchingTcbLevel');
  });
});

const level = (isvSvn: number, tcbStatus: TdxTcbStatus) => ({
  isvSvn,
  tcbStatus: tcbStatus as never,
  tcbDate: new Date(0),
  advisoryIds: [],
});

describe('matchIsvSvn', () => {
  it('takes the first level with isvsvn ≤ the given SVN', () => {
    const levels = [level(8, 'UpToDate'), level(6, 'OutOfDate'), level(2, 'Revoked')];
    expect(matchIsvSvn(levels, 9).status).toBe('UpToDate');
    expect(matchIsvSvn(levels, 7).status).toBe('OutOfDate');
    expect(matchIsvSvn(levels, 2).status).toBe('Revoked');
    expect(matchIsvSvn(levels, 1)).toEqual({ status: 'NoMatchingTcbLevel' });
  });
});

describe('TDX module and platform matching on a hand-written TCB info', () => {
  const comps = (v: number[]) =>
    JSON.stringify(Array.from({ length: 16 }, (_, i) => ({ svn: v[i] ?? 0 })));
  const doc = `{"tcbInfo":{"id":"TDX","version":3,"issueDate":"2025-01-01T00:00:00Z","nextUpdate":"2025-02-01T00:00:00Z","fmspc":"00806f050000","pceId":"0000","tcbType":0,"tcbEvaluationDataNumber":17,
    "tdxModule":{"mrsigner":"${'00'.repeat(48)}","attributes":"0000000000000000","attributesMask":"FFFFFFFFFFFFFFFF"},
    "tdxModuleIdentities":[{"id":"TDX_03","mrsigner":"${'00'.repeat(48)}","attributes":"0000000000000000","attributesMask":"FFFFFFFFFFFFFFFF","tcbLevels":[{"tcb":{"isvsvn":3},"tcbDate":"2024-03-13T00:00:00Z","tcbStatus":"UpToDate"},{"tcb":{"isvsvn":1},"tcbDate":"2023-03-13T00:00:00Z","tcbStatus":"OutOfDate"}]}],
    "tcbLevels":[{"tcb":{"sgxtcbcomponents":${comps([7, 7])},"pcesvn":11,"tdxtcbcomponents":${comps([5, 0, 7])}},"tcbDate":"2024-03-13T00:00:00Z","tcbStatus":"UpToDate"},
                 {"tcb":{"sgxtcbcomponents":${comps([6, 6])},"pcesvn":11,"tdxtcbcomponents":${comps([3, 0, 6])}},"tcbDate":"2023-08-09T00:00:00Z","tcbStatus":"OutOfDate","advisoryIDs":["INTEL-SA-1"]}]},"signature":"${'00'.repeat(64)}"}`;
  const info = parseTcbInfo(doc);
  const svn = (v: number[]) => Uint8Array.from({ length: 16 }, (_, i) => v[i] ?? 0);

  it('TEE_TCB_SVN[1] = 0 uses tdxModule and compares TDX bytes from 0', () => {
    expect(matchTdxModule(info, svn([5, 0, 7]), new Uint8Array(48), 0n)).toEqual({
      ok: true,
      identity: 'tdxModule',
      status: 'UpToDate',
    });
    expect(
      matchPlatformTcb(info, { sgxComponents: [7, 7], pceSvn: 11, teeTcbSvn: svn([4, 0, 7]) }),
    ).toMatchObject({ sgxLevelIndex: 0, platformLevelIndex: 1, status: 'OutOfDate' });
  });
  it('TEE_TCB_SVN[1] > 0 uses TDX_%02X and skips bytes 0 and 1', () => {
    const m = matchTdxModule(info, svn([1, 3, 7]), new Uint8Array(48), 0n);
    expect(m).toMatchObject({ ok: true, identity: 'TDX_03', status: 'OutOfDate' });
    expect(
      matchPlatformTcb(info, { sgxComponents: [7, 7], pceSvn: 11, teeTcbSvn: svn([1, 3, 7]) }),
    ).toMatchObject({ platformLevelIndex: 0, status: 'UpToDate' });
    expect(matchTdxModule(info, svn([1, 1, 7]), new Uint8Array(48), 0n)).toMatchObject({
      ok: false,
      identity: 'TDX_01',
    });
    expect(matchTdxModule(info, svn([5, 3, 7]), new Uint8Array(48).fill(1), 0n)).toMatchObject({
      ok: false,
    });
    expect(matchTdxModule(info, svn([5, 3, 7]), new Uint8Array(48), 1n)).toMatchObject({
      ok: false,
    });
  });
  it('PCESVN and every SGX component gate a level', () => {
    expect(
      matchPlatformTcb(info, { sgxComponents: [7, 7], pceSvn: 10, teeTcbSvn: svn([5, 0, 7]) })
        .status,
    ).toBe('NoMatchingTcbLevel');
    expect(
      matchPlatformTcb(info, { sgxComponents: [7, 5], pceSvn: 11, teeTcbSvn: svn([5, 0, 7]) })
        .status,
    ).toBe('NoMatchingTcbLevel');
    expect(matchPlatformTcb(info, { sgxComponents: [6, 6], pceSvn: 11 })).toMatchObject({
      platformLevelIndex: 1,
    });
  });
  it('relaunch advice needs an OutOfDate module, a current SGX level and a current TEE_TCB_SVN2', () => {
    const base = {
      info,
      qeStatus: 'UpToDate' as const,
      sgxLevelStatus: 'UpToDate' as const,
      status: 'OutOfDate' as const,
      moduleStatus: 'OutOfDate' as const,
    };
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([3, 3, 7]) })).toBe(true);
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([2, 3, 7]) })).toBe(false);
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([5, 0, 7]) })).toBe(true);
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([5, 0, 6]) })).toBe(false);
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([3, 3, 7]), qeStatus: 'OutOfDate' })).toBe(
      false,
    );
    expect(
      isRelaunchAdvised({ ...base, teeTcbSvn2: svn([3, 3, 7]), moduleStatus: 'UpToDate' }),
    ).toBe(false);
    expect(isRelaunchAdvised({ ...base, teeTcbSvn2: svn([3, 3, 7]), status: 'UpToDate' })).toBe(
      false,
    );
  });
});
