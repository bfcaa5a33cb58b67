/**
 * Every policy field becomes a check: a matching value passes (and the check is required), a moved
 * value fails with detail.expected / detail.actual, an absent field skips. Reports are SYNTHETIC,
 * signed by the synthetic chain of support/synthetic.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { vandalise } from '../support/vandalise.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { findCheck } from '../../src/core/checks.js';
import { createCache } from '../../src/core/cache.js';
import { toHex } from '../../src/core/encoding.js';
import type { SnpCheckId, SnpPolicy, SnpVerification } from '../../src/snp/types.js';
import { filled, type ReportFields } from './support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from './support/synthetic.js';

const TCB = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const LAUNCH = { bootloader: 9, tee: 0, snp: 21, microcode: 80 };
const CHIP = filled(64, 0x42);
const ID_KEY = filled(48, 0x31);
const AUTHOR_KEY = filled(48, 0x32);
// abi 1.55, SMT, bit 17, single socket, AES-256-XTS, RAPL dis, ciphertext hiding, page swap disable.
const RICH_POLICY =
  0x37 |
  (1 << 8) |
  (1 << 16) |
  (1 << 17) |
  (1 << 20) |
  (1 << 22) |
  (1 << 23) |
  (1 << 24) |
  (1 << 25);

let amd: SyntheticAmd;
let leaf: Minted;
const cache = createCache({ maxEntries: 200 });

function base(over: ReportFields = {}): ReportFields {
  return {
    version: 5,
    cpuid: { fam: 0x19, mod: 0x11, step: 1 },
    guestSvn: 5,
    policy: BigInt(RICH_POLICY),
    familyId: filled(16, 0xf1),
    imageId: filled(16, 0xf2),
    vmpl: 1,
    currentTcb: encodeSnpTcb(TCB, 'Genoa'),
    launchTcb: encodeSnpTcb(LAUNCH, 'Genoa'),
    platformInfo: 0x25n,
    keyInfo: 0b1, // AUTHOR_KEY_EN
    reportData: filled(64, 0xaa),
    measurement: filled(48, 0xbb),
    hostData: filled(32, 0xcc),
    idKeyDigest: ID_KEY,
    authorKeyDigest: AUTHOR_KEY,
    reportId: filled(32, 0xdd),
    reportIdMa: filled(32, 0xee),
    chipId: CHIP,
    current: { major: 1, minor: 55, build: 40 },
    launchMitVector: 0b0011n,
    currentMitVector: 0b1011n,
    ...over,
  };
}

async function verify(policy: SnpPolicy, over: ReportFields = {}): Promise<SnpVerification> {
  const report = await signedReport(base(over), leaf.keys);
  return verifySnpReport(
    { report, vcek: leaf.der, chain: [amd.ask.der, amd.ark.der] },
    { now: SYNTHETIC_NOW, rootPins: amd.rootPins, policy, cache },
  );
}

beforeAll(async () => {
  amd = await mintSyntheticAmd('Genoa');
  leaf = await amd.mintLeaf({ tcb: TCB, hwid: CHIP });
}, 120_000);

interface Case {
  readonly id: SnpCheckId;
  readonly pass: SnpPolicy;
  readonly fail: SnpPolicy;
  /** Report changes for the failing case (default none). */
  readonly failReport?: ReportFields;
  readonly passReport?: ReportFields;
  /** Other checks that read the same field and fail with it. */
  readonly alsoFails?: readonly SnpCheckId[];
}

const hex = toHex;
const CASES: readonly Case[] = [
  {
    id: 'snp.policy.debug',
    pass: { allowDebug: true },
    fail: {},
    failReport: { policy: BigInt(RICH_POLICY | (1 << 19)) },
    passReport: { policy: BigInt(RICH_POLICY | (1 << 19)) },
  },
  {
    id: 'snp.policy.migrate-ma',
    pass: { allowMigrationAgent: true },
    fail: { allowMigrationAgent: false },
    failReport: { policy: BigInt(RICH_POLICY | (1 << 18)) },
    passReport: { policy: BigInt(RICH_POLICY | (1 << 18)) },
  },
  { id: 'snp.policy.smt', pass: { allowSmt: true }, fail: { allowSmt: false } },
  {
    id: 'snp.policy.single-socket',
    pass: { requireSingleSocket: true },
    fail: { requireSingleSocket: true },
    failReport: { policy: BigInt(RICH_POLICY & ~(1 << 20)) },
  },
  {
    // Checked like debug: CXL_ALLOW fails with the default policy (go-sev-guest's default too).
    id: 'snp.policy.cxl',
    pass: { allowCxl: true },
    fail: {},
    failReport: { policy: BigInt(RICH_POLICY | (1 << 21)) },
    passReport: { policy: BigInt(RICH_POLICY | (1 << 21)) },
  },
  {
    id: 'snp.policy.mem-aes-256-xts',
    pass: { requireMemAes256Xts: true },
    fail: { requireMemAes256Xts: true },
    failReport: { policy: BigInt(RICH_POLICY & ~(1 << 22)) },
  },
  {
    id: 'snp.policy.rapl-dis',
    pass: { requireRaplDisabled: true },
    fail: { requireRaplDisabled: true },
    failReport: { policy: BigInt(RICH_POLICY & ~(1 << 23)) },
  },
  {
    id: 'snp.policy.ciphertext-hiding',
    pass: { requireCiphertextHiding: true },
    fail: { requireCiphertextHiding: true },
    failReport: { policy: BigInt(RICH_POLICY & ~(1 << 24)) },
  },
  {
    id: 'snp.policy.page-swap-disable',
    pass: { requirePageSwapDisabled: true },
    fail: { requirePageSwapDisabled: true },
    failReport: { policy: BigInt(RICH_POLICY & ~(1 << 25)) },
  },
  {
    id: 'snp.policy.abi',
    pass: { minimumAbi: { major: 1, minor: 55 } },
    fail: { minimumAbi: { major: 1, minor: 56 } },
  },
  { id: 'snp.policy.vmpl', pass: { vmpl: 1 }, fail: { vmpl: 0 } },
  { id: 'snp.policy.vmpl', pass: { vmpl: { max: 1 } }, fail: { vmpl: { max: 0 } } },
  { id: 'snp.policy.guest-svn', pass: { minimumGuestSvn: 5 }, fail: { minimumGuestSvn: 6 } },
  {
    id: 'snp.policy.report-data',
    pass: { reportData: hex(filled(64, 0xaa)) },
    fail: { reportData: filled(64, 0xab) },
  },
  {
    id: 'snp.policy.host-data',
    pass: { hostData: filled(32, 0xcc) },
    fail: { hostData: hex(filled(32, 0xcd)) },
  },
  {
    id: 'snp.policy.measurement',
    pass: { measurement: filled(48, 0xbb) },
    fail: { measurement: filled(48, 0xbc) },
  },
  {
    id: 'snp.policy.measurement',
    pass: { measurement: [filled(48, 1), hex(filled(48, 0xbb))] },
    fail: { measurement: [filled(48, 1), filled(48, 2)] },
  },
  {
    id: 'snp.policy.image-id',
    pass: { imageId: filled(16, 0xf2) },
    fail: { imageId: filled(16, 0xf1) },
  },
  {
    id: 'snp.policy.family-id',
    pass: { familyId: '0x' + hex(filled(16, 0xf1)) },
    fail: { familyId: filled(16, 0xf2) },
  },
  {
    id: 'snp.policy.report-id',
    pass: { reportId: filled(32, 0xdd) },
    fail: { reportId: filled(32, 0xde) },
  },
  {
    id: 'snp.policy.report-id-ma',
    pass: { reportIdMa: filled(32, 0xee) },
    fail: { reportIdMa: filled(32, 0xff) },
  },
  { id: 'snp.policy.chip-id', pass: { chipId: CHIP }, fail: { chipId: filled(64, 0x43) } },
  {
    id: 'snp.policy.minimum-tcb',
    pass: { minimumTcb: TCB },
    fail: { minimumTcb: { ...TCB, microcode: 85 } },
  },
  {
    id: 'snp.policy.minimum-tcb',
    pass: { minimumTcb: { snp: 23 } },
    fail: { minimumTcb: { bootloader: 11 } },
  },
  {
    id: 'snp.policy.minimum-launch-tcb',
    pass: { minimumLaunchTcb: LAUNCH },
    fail: { minimumLaunchTcb: TCB },
  },
  { id: 'snp.policy.minimum-build', pass: { minimumBuild: 40 }, fail: { minimumBuild: 41 } },
  {
    id: 'snp.policy.minimum-version',
    pass: { minimumVersion: { major: 1, minor: 55 } },
    fail: { minimumVersion: { major: 1, minor: 58 } },
  },
  {
    id: 'snp.policy.committed-tcb',
    pass: { requireCommittedTcb: true },
    fail: { requireCommittedTcb: true },
    failReport: { committedTcb: encodeSnpTcb({ ...TCB, snp: 22 }, 'Genoa') },
  },
  {
    id: 'snp.policy.committed-tcb',
    pass: { requireCommittedTcb: true },
    fail: { requireCommittedTcb: true },
    failReport: { committed: { major: 1, minor: 55, build: 39 } },
  },
  {
    id: 'snp.policy.platform-info',
    pass: { platformInfo: { allow: ['smtEn', 'eccEn', 'aliasCheckComplete'] } },
    fail: { platformInfo: { allow: ['smtEn', 'eccEn'] } },
  },
  {
    id: 'snp.policy.platform-info',
    pass: { platformInfo: { require: ['eccEn'] } },
    fail: { platformInfo: { require: ['tsmeEn'] } },
  },
  {
    id: 'snp.policy.platform-info',
    pass: { platformInfo: { allow: ['smtEn', 'eccEn', 'aliasCheckComplete', 'bit6'] } },
    fail: { platformInfo: { allow: ['smtEn', 'eccEn', 'aliasCheckComplete'] } },
    failReport: { platformInfo: 0x65n },
    passReport: { platformInfo: 0x65n },
  },
  {
    // requireIdBlock needs a trust list (review S9): without one any host ID key would pass.
    id: 'snp.policy.id-key',
    pass: { requireIdBlock: true, trustedIdKeyDigests: [ID_KEY] },
    fail: { requireIdBlock: true, trustedIdKeyDigests: [ID_KEY] },
    failReport: { idKeyDigest: new Uint8Array(48) },
  },
  {
    id: 'snp.policy.id-key',
    pass: { trustedIdKeyDigests: [filled(48, 1), ID_KEY] },
    fail: { trustedIdKeyDigests: [filled(48, 1)] },
  },
  {
    id: 'snp.policy.id-key',
    pass: { requireIdBlock: true, trustedAuthorKeyDigests: [hex(AUTHOR_KEY)] },
    fail: { requireIdBlock: true, trustedAuthorKeyDigests: [AUTHOR_KEY] },
    failReport: { keyInfo: 0 },
  },
  {
    // requireAuthorKey needs trustedAuthorKeyDigests (review S9). Without AUTHOR_KEY_EN the ID
    // key is not endorsed either, and no trusted ID key is listed.
    id: 'snp.policy.author-key',
    pass: { requireAuthorKey: true, trustedAuthorKeyDigests: [AUTHOR_KEY] },
    fail: { requireAuthorKey: true, trustedAuthorKeyDigests: [AUTHOR_KEY] },
    failReport: { keyInfo: 0 },
    alsoFails: ['snp.policy.id-key'],
  },
  {
    id: 'snp.policy.author-key',
    pass: { requireAuthorKey: true, trustedAuthorKeyDigests: [AUTHOR_KEY] },
    fail: { requireAuthorKey: true, trustedAuthorKeyDigests: [ID_KEY] },
    // The ID key is then not endorsed either.
    alsoFails: ['snp.policy.id-key'],
  },
  {
    // A trusted ID key keeps snp.policy.id-key passing but does not satisfy requireAuthorKey.
    // (requireAuthorKey: false is a skip, not a pass: test/snp/review-s9.test.ts.)
    id: 'snp.policy.author-key',
    pass: {
      requireAuthorKey: true,
      trustedAuthorKeyDigests: [AUTHOR_KEY],
      trustedIdKeyDigests: [ID_KEY],
    },
    fail: {
      requireAuthorKey: true,
      trustedAuthorKeyDigests: [AUTHOR_KEY],
      trustedIdKeyDigests: [ID_KEY],
    },
    failReport: { keyInfo: 0 },
  },
  {
    id: 'snp.policy.id-key',
    pass: { trustedAuthorKeyDigests: [AUTHOR_KEY] },
    fail: { trustedAuthorKeyDigests: [AUTHOR_KEY] },
    failReport: { authorKeyDigest: filled(48, 0x33) },
  },
  {
    id: 'snp.policy.mitigation-vector',
    pass: { minimumMitigationVector: { current: 0b1001, launch: 0b11n } },
    fail: { minimumMitigationVector: { current: 0b0100 } },
  },
  {
    id: 'snp.policy.mitigation-vector',
    pass: { minimumMitigationVector: { launch: 1 } },
    fail: { minimumMitigationVector: { launch: 1 } },
    failReport: { version: 3 },
  },
];

describe('policy: every field given is a required check that can fail', () => {
  for (const [i, c] of CASES.entries()) {
    it(`${c.id} #${i}: ${JSON.stringify(c.pass, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'bigint' ? `${v}n` : v))}`, async () => {
      const ok = await verify(c.pass, c.passReport);
      expect(findCheck(ok, c.id), 'pass case').toMatchObject({ status: 'pass', required: true });
      expect(ok.ok).toBe(true);
      const bad = await verify(c.fail, c.failReport);
      const check = findCheck(bad, c.id)!;
      expect(check.status, 'moved value').toBe('fail');
      expect(check.required).toBe(true);
      expect(check.detail).toHaveProperty('expected');
      if (!(c.failReport?.version === 3)) expect(check.detail).toHaveProperty('actual');
      expect(bad.ok).toBe(false);
      // Only that check (and, for a report change, the checks that read the changed field) fail.
      const others = bad.checks
        .filter((x) => x.status === 'fail' && x.id !== c.id)
        .map((x) => x.id);
      expect(others).toEqual(c.alsoFails ?? []);
    });
  }

  it('every policy check id is covered by a case', () => {
    const ids = new Set(CASES.map((c) => c.id));
    const all = (
      [
        'snp.policy.debug',
        'snp.policy.migrate-ma',
        'snp.policy.smt',
        'snp.policy.single-socket',
        'snp.policy.cxl',
        'snp.policy.mem-aes-256-xts',
        'snp.policy.rapl-dis',
        'snp.policy.ciphertext-hiding',
        'snp.policy.page-swap-disable',
        'snp.policy.abi',
        'snp.policy.vmpl',
        'snp.policy.guest-svn',
        'snp.policy.report-data',
        'snp.policy.host-data',
        'snp.policy.measurement',
        'snp.policy.image-id',
        'snp.policy.family-id',
        'snp.policy.report-id',
        'snp.policy.report-id-ma',
        'snp.policy.chip-id',
        'snp.policy.minimum-tcb',
        'snp.policy.minimum-launch-tcb',
        'snp.policy.minimum-build',
        'snp.policy.minimum-version',
        'snp.policy.committed-tcb',
        'snp.policy.platform-info',
        'snp.policy.id-key',
        'snp.policy.author-key',
        'snp.policy.mitigation-vector',
      ] as const
    ).filter((id) => !ids.has(id));
    expect(all).toEqual([]);
  });

  it('fields not given skip with their name; debug, migration agent and CXL always run', async () => {
    const r = await verify({});
    for (const c of r.checks.filter((x) => x.id.startsWith('snp.policy.'))) {
      if (['snp.policy.debug', 'snp.policy.migrate-ma', 'snp.policy.cxl'].includes(c.id)) {
        expect(c).toMatchObject({ status: 'pass', required: true });
      } else {
        expect(c.status, c.id).toBe('skip');
        expect(c.required).toBe(false);
        expect(c.message).toMatch(/^policy\.\w+.* not given$/);
      }
    }
  });

  it('detail names what was expected and what arrived', async () => {
    const r = await verify({ reportData: filled(64, 1), minimumTcb: { microcode: 90 }, vmpl: 0 });
    expect(findCheck(r, 'snp.policy.report-data')!.detail).toEqual({
      expected: hex(filled(64, 1)),
      actual: hex(filled(64, 0xaa)),
    });
    expect(findCheck(r, 'snp.policy.minimum-tcb')!.detail).toEqual({
      expected: { minimum: { microcode: 90 } },
      actual: TCB,
    });
    expect(findCheck(r, 'snp.policy.vmpl')!.detail).toEqual({ expected: 0, actual: 1 });
  });

  it("details hold copies of the caller's policy: editing a result leaves the policy as it was", async () => {
    const policy: SnpPolicy = {
      vmpl: { max: 0 },
      minimumAbi: { major: 9, minor: 0 },
      platformInfo: { allow: ['smtEn'], require: ['tsmeEn'] },
    };
    const before = JSON.stringify(policy);
    const r = await verify(policy);
    for (const id of ['snp.policy.vmpl', 'snp.policy.abi', 'snp.policy.platform-info'] as const) {
      const c = findCheck(r, id)!;
      expect(c.status, id).toBe('fail');
      vandalise(c.detail);
    }
    expect(JSON.stringify(policy)).toBe(before);
  });

  it('a policy is plain data: it survives JSON', async () => {
    const policy: SnpPolicy = JSON.parse(
      JSON.stringify({
        reportData: hex(filled(64, 0xaa)),
        measurement: [hex(filled(48, 0xbb))],
        minimumTcb: TCB,
        vmpl: { max: 1 },
        platformInfo: { allow: ['smtEn', 'eccEn', 'aliasCheckComplete'] },
      }),
    );
    expect((await verify(policy)).ok).toBe(true);
  });

  it('malformed policies are programming errors', async () => {
    const report = await signedReport(base(), leaf.keys);
    const bad: [SnpPolicy, ErrorConstructor][] = [
      [{ reportData: filled(63, 0) }, RangeError],
      [{ reportData: 'zz' }, TypeError],
      [{ measurement: [] }, RangeError],
      [{ vmpl: 4 }, RangeError],
      [{ minimumTcb: { microcode: 256 } }, RangeError],
      [{ allowDebug: 'yes' as never }, TypeError],
      [{ platformInfo: { allow: ['turbo' as never] } }, TypeError],
      [{ trustedIdKeyDigests: [filled(32, 0)] }, RangeError],
      [{ minimumMitigationVector: { current: -1 } }, RangeError],
    ];
    for (const [p, E] of bad)
      await expect(verifySnpReport(report, { policy: p })).rejects.toThrow(E);
  });
});
