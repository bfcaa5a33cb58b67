/**
 * Review findings, session 11 (each reproduced by a script first), on SYNTHETIC Intel-like
 * collateral (test/tdx/support/intel-like.ts):
 * - a QE or TDX module TCB level the caller does not accept fails `tdx.tcb.status` even when the
 *   merged status cannot be evaluated (`requireCollateral: false` with partial collateral); it
 *   used to be only the warning of `tdx.qe.tcb` / `tdx.tcb.module`, and `ok` stayed true;
 * - a policy mask without its value, and a `minimumTeeTcbSvn` that is not 16 bytes, are TypeErrors
 *   (they compared nothing, or fewer components, while their check passed or skipped).
 */
import { describe, expect, it } from 'vitest';
import { verifyTdxQuote, type TdxCollateral, type TdxVerifyOptions } from '../../src/tdx/index.js';
import { buildCollateral, SYNTH_NOW, syntheticCase } from './support/intel-like.js';

const statusOf = (r: { checks: readonly { id: string; status: string }[] }, id: string) =>
  r.checks.find((c) => c.id === id)?.status;

// Partial collateral (only what `requireCollateral: false` lets a caller give) is cast: the type
// describes a complete set.
describe('verifyTdxQuote: a rejected QE or module level fails without the merged TCB status', () => {
  it('QE identity says Revoked, no TCB info (requireCollateral: false)', async () => {
    const c = await syntheticCase({
      collateral: {
        qeLevels: [{ tcb: { isvsvn: 4 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'Revoked' }],
      },
    });
    /** The quote with only its QE identity and CRLs (no TCB info). */
    const qeOnly = (extra: Partial<TdxVerifyOptions> = {}) =>
      verifyTdxQuote(
        {
          quote: c.quote,
          collateral: {
            qeIdentity: c.collateral.qeIdentity,
            qeIdentityIssuerChain: c.collateral.qeIdentityIssuerChain,
            pckCrl: c.collateral.pckCrl,
            rootCaCrl: c.collateral.rootCaCrl,
          } as unknown as TdxCollateral,
        },
        {
          now: SYNTH_NOW,
          rootPins: [c.pki.rootPin],
          requireCollateral: false,
          policy: { requireSeptVeDisable: true },
          ...extra,
        },
      );
    const r = await qeOnly();
    expect(statusOf(r, 'tdx.qe.tcb')).toBe('warn');
    expect(r.checks.find((x) => x.id === 'tdx.tcb.status')).toMatchObject({
      status: 'fail',
      required: true,
    });
    expect(r.ok).toBe(false);
    // Accepted by the caller: the warning stands and nothing fails for it.
    const accepted = await qeOnly({ acceptedTcbStatuses: ['UpToDate', 'Revoked'] });
    expect(statusOf(accepted, 'tdx.tcb.status')).toBe('skip');
    expect(accepted.ok).toBe(true);
  });

  it('TDX module identity says Revoked, no QE identity (requireCollateral: false)', async () => {
    const c = await syntheticCase();
    const collateral = await buildCollateral(c.pki, {
      tdxModuleIdentities: [
        {
          id: 'TDX_01',
          mrsigner: '00'.repeat(48),
          attributes: '0000000000000000',
          attributesMask: 'FFFFFFFFFFFFFFFF',
          tcbLevels: [
            { tcb: { isvsvn: 2 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'Revoked' },
          ],
        },
      ],
    });
    const r = await verifyTdxQuote(
      {
        quote: c.quote,
        collateral: {
          tcbInfo: collateral.tcbInfo,
          tcbInfoIssuerChain: collateral.tcbInfoIssuerChain,
          pckCrl: collateral.pckCrl,
          rootCaCrl: collateral.rootCaCrl,
        } as unknown as TdxCollateral,
      },
      {
        now: SYNTH_NOW,
        rootPins: [c.pki.rootPin],
        requireCollateral: false,
        policy: { requireSeptVeDisable: true },
      },
    );
    expect(statusOf(r, 'tdx.tcb.module')).toBe('warn');
    expect(statusOf(r, 'tdx.tcb.status')).toBe('fail');
    expect(r.ok).toBe(false);
  });
});

describe('TDX policy fields that compared nothing are TypeErrors', () => {
  it('a mask without its value, and a minimumTeeTcbSvn that is not 16 bytes', async () => {
    const c = await syntheticCase();
    const run = (policy: Record<string, unknown>) =>
      verifyTdxQuote(
        { quote: c.quote, collateral: c.collateral },
        { now: SYNTH_NOW, rootPins: [c.pki.rootPin], policy },
      );
    await expect(run({ tdAttributesMask: 1n << 30n })).rejects.toThrow(TypeError);
    await expect(run({ xfamMask: 0n })).rejects.toThrow(TypeError);
    await expect(run({ minimumTeeTcbSvn: '' })).rejects.toThrow(TypeError);
    await expect(run({ minimumTeeTcbSvn: new Uint8Array(15) })).rejects.toThrow(TypeError);
    const ok = await run({ minimumTeeTcbSvn: new Uint8Array(16), requireSeptVeDisable: true });
    expect(statusOf(ok, 'tdx.policy.tee-tcb-svn')).toBe('pass');
  });
});
