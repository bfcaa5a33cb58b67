/** Property tests: encoding then parsing gives the fields back; the result types are what API.md promises. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { parseSnpReport } from '../../src/snp/parse.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { ledgerOk } from '../../src/core/checks.js';
import { AttestError, type AttestErrorCode } from '../../src/core/errors.js';
import type { SnpCheckId, SnpProduct, SnpReport, SnpVerification } from '../../src/snp/types.js';
import { encodeSnpReport } from './support/encode.js';

const CPUID: Record<SnpProduct, { fam: number; mod: number; step: number }> = {
  Milan: { fam: 0x19, mod: 0x01, step: 1 },
  Genoa: { fam: 0x19, mod: 0x11, step: 1 },
  Turin: { fam: 0x1a, mod: 0x02, step: 1 },
};

const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: n, maxLength: n });
const tcbParts = fc.record({
  fmc: fc.integer({ min: 0, max: 255 }),
  bootloader: fc.integer({ min: 0, max: 255 }),
  tee: fc.integer({ min: 0, max: 255 }),
  snp: fc.integer({ min: 0, max: 255 }),
  microcode: fc.integer({ min: 0, max: 255 }),
});

describe('parseSnpReport ∘ encodeSnpReport = identity', () => {
  it('for arbitrary field values, versions and products', () => {
    fc.assert(
      fc.property(
        fc.record({
          product: fc.constantFrom<SnpProduct>('Milan', 'Genoa', 'Turin'),
          version: fc.integer({ min: 2, max: 5 }),
          guestSvn: fc.nat({ max: 0xffffffff }),
          policyBits: fc.bigInt({ min: 0n, max: (1n << 26n) - 1n }),
          vmpl: fc.integer({ min: 0, max: 3 }),
          keyInfo: fc.tuple(fc.boolean(), fc.boolean(), fc.constantFrom(0, 1, 7)),
          platformInfo: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          reportData: bytes(64),
          measurement: bytes(48),
          hostData: bytes(32),
          chipId: bytes(64),
          familyId: bytes(16),
          current: tcbParts,
          reported: tcbParts,
          mit: fc.tuple(
            fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          ),
          fw: fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 })),
        }),
        (f) => {
          const policy = f.policyBits | (1n << 17n);
          const keyInfo = (f.keyInfo[0] ? 1 : 0) | (f.keyInfo[1] ? 2 : 0) | (f.keyInfo[2] << 2);
          const current = encodeSnpTcb(f.current, f.product);
          const reported = encodeSnpTcb(f.reported, f.product);
          const raw = encodeSnpReport({
            version: f.version,
            guestSvn: f.guestSvn,
            policy,
            vmpl: f.vmpl,
            keyInfo,
            platformInfo: f.platformInfo,
            reportData: f.reportData,
            measurement: f.measurement,
            hostData: f.hostData,
            chipId: f.chipId,
            familyId: f.familyId,
            currentTcb: current,
            reportedTcb: reported,
            cpuid: CPUID[f.product],
            launchMitVector: f.mit[0],
            currentMitVector: f.mit[1],
            current: { major: f.fw[0], minor: f.fw[1], build: f.fw[2] },
          });
          const r = parseSnpReport(raw, f.version === 2 ? { product: f.product } : {});
          expect(r.version).toBe(f.version);
          expect(r.guestSvn).toBe(f.guestSvn);
          expect(r.policy.raw).toBe(policy);
          expect(r.vmpl).toBe(f.vmpl);
          expect(r.keyInfo.raw).toBe(keyInfo);
          expect(r.platformInfo.raw).toBe(f.platformInfo);
          expect(r.reportData).toEqual(f.reportData);
          expect(r.measurement).toEqual(f.measurement);
          expect(r.hostData).toEqual(f.hostData);
          expect(r.chipId).toEqual(f.chipId);
          expect(r.familyId).toEqual(f.familyId);
          expect(r.product).toBe(f.product);
          expect(r.currentTcb).toBe(current);
          const { fmc, ...rest } = f.reported;
          expect(r.tcb!.reported).toMatchObject(f.product === 'Turin' ? f.reported : rest);
          if (f.version >= 5) expect([r.launchMitVector, r.currentMitVector]).toEqual(f.mit);
          else expect(r.currentMitVector).toBeUndefined();
          expect(`${r.currentMajor}.${r.currentMinor}.${r.currentBuild}`).toBe(f.fw.join('.'));
          expect(r.raw).toEqual(raw);
          void fmc;
        },
      ),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes either parse or throw AttestError; verify never throws for them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1180, maxLength: 1190 }), async (b) => {
        try {
          parseSnpReport(b);
        } catch (e) {
          expect(e).toBeInstanceOf(AttestError);
        }
        const r = await verifySnpReport(b);
        expect(r.ok).toBe(false);
        expect(r.ok).toBe(ledgerOk(r.checks));
      }),
      { numRuns: 100 },
    );
  });
});

describe('types', () => {
  it('check ids and error codes narrow; results are readonly', () => {
    expectTypeOf<SnpVerification['checks'][number]['id']>().toEqualTypeOf<SnpCheckId>();
    expectTypeOf<AttestError['code']>().toEqualTypeOf<AttestErrorCode>();
    expectTypeOf<SnpReport['reportData']>().toEqualTypeOf<Uint8Array>();
    // @ts-expect-error results are readonly
    const assign = (r: SnpReport): void => void (r.version = 3);
    // @ts-expect-error checks are readonly
    const push = (v: SnpVerification): void => void v.checks.push({});
    expect(typeof assign).toBe('function');
    expect(typeof push).toBe('function');
  });
});
