/**
 * Review S9 (SEV-SNP): the certificate table's allocation bound, fail-open policy shapes, trust
 * lists for requireIdBlock / requireAuthorKey, requireCrl and the host's certificate-table CRL,
 * and `require…: false` recorded as skip rather than pass. Reports and chains are SYNTHETIC
 * (support/synthetic.ts); the certificate-table checks also run over every real vector.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSnpCertTable, SNP_CERT_TABLE_MAX_ENTRIES } from '../../src/snp/cert-table.js';
import { compileSnpPolicy } from '../../src/snp/policy.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { findCheck } from '../../src/core/checks.js';
import { decodePem } from '../../src/core/encoding.js';
import { AttestError } from '../../src/core/errors.js';
import type {
  SnpCheckId,
  SnpEvidence,
  SnpFetcher,
  SnpPolicy,
  SnpVerification,
  SnpVerifyOptions,
} from '../../src/snp/types.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVector, vectorExists } from '../support/vectors.js';
import {
  encodeCertTable,
  encodeSnpReport,
  filled,
  SNP_CERT_TABLE_GUID,
  type ReportFields,
} from './support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from './support/synthetic.js';
import { snpVectorCases, VECTOR_NOW } from './support/vectors.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const G = SNP_CERT_TABLE_GUID;
const UNKNOWN = '11111111-2222-3333-4444-555555555555';

/** A table of `n` entries written by hand: `ranges[i]` is entry i's [offset, length). */
function rawTable(ranges: readonly (readonly [number, number])[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  ranges.forEach(([offset, length], i) => {
    out.fill(0x11, i * 24, i * 24 + 16);
    dv.setUint32(i * 24 + 16, offset, true);
    dv.setUint32(i * 24 + 20, length, true);
  });
  return out;
}

/** The reviewer's shape: `n` unknown entries, each pointing at the whole data region. */
function quadraticTable(n: number): Uint8Array {
  const header = (n + 1) * 24;
  return rawTable(
    Array.from({ length: n }, () => [header, header] as const),
    header * 2,
  );
}

describe('S9-1 parseSnpCertTable: the bytes copied never exceed the input', () => {
  it('caps the entry count at 32 (ERR_LIMIT_EXCEEDED at the 33rd entry)', () => {
    expect(SNP_CERT_TABLE_MAX_ENTRIES).toBe(32);
    const entries = (n: number): { guid: string; data: Uint8Array }[] =>
      Array.from({ length: n }, (_, i) => ({ guid: UNKNOWN, data: filled(3, i) }));
    expect(parseSnpCertTable(encodeCertTable(entries(32))).entries).toHaveLength(32);
    const err = expectAttestError(
      () => parseSnpCertTable(encodeCertTable(entries(33))),
      'ERR_LIMIT_EXCEEDED',
      32 * 24,
    );
    expect(err.field).toBe('CERT_TABLE.ENTRY[32]');
  });

  it('rejects entries whose data overlap (ERR_BAD_LENGTH at the later entry’s OFFSET)', () => {
    const header = 3 * 24;
    // Same range, partial overlap, one range inside another.
    for (const [a, b] of [
      [
        [header, 10],
        [header, 10],
      ],
      [
        [header, 10],
        [header + 9, 5],
      ],
      [
        [header + 2, 3],
        [header, 10],
      ],
    ] as const) {
      const err = expectAttestError(
        () => parseSnpCertTable(rawTable([a, b], header + 20)),
        'ERR_BAD_LENGTH',
        24 + 16,
      );
      expect(err.field).toBe('CERT_TABLE.ENTRY[1].OFFSET');
    }
    // A known GUID overlapping an unknown one is caught too (before the GUID is looked at).
    const t = encodeCertTable([
      { guid: UNKNOWN, data: filled(10, 1) },
      { guid: G.vcek, data: filled(10, 2) },
    ]);
    new DataView(t.buffer).setUint32(24 + 16, 3 * 24 + 5, true);
    expectAttestError(() => parseSnpCertTable(t), 'ERR_BAD_LENGTH', 24 + 16);
    // Overlapping the entry table itself stays ERR_BAD_LENGTH at the entry's OFFSET.
    expectAttestError(() => parseSnpCertTable(rawTable([[24, 10]], 100)), 'ERR_BAD_LENGTH', 16);
  });

  it('adjacent ranges and empty ranges do not overlap', () => {
    const header = 4 * 24;
    const t = parseSnpCertTable(
      rawTable(
        [
          [header, 10],
          [header + 10, 10],
          [header + 5, 0],
        ],
        header + 20,
      ),
    );
    expect(t.entries.map((e) => e.data.length)).toEqual([10, 10, 0]);
  });

  it('the reviewer’s quadratic tables now fail at once', () => {
    for (const n of [33, 1000, 8000, 12000]) {
      const t0 = performance.now();
      expectAttestError(() => parseSnpCertTable(quadraticTable(n)), 'ERR_LIMIT_EXCEEDED', 32 * 24);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
    // Under the cap, the overlap rule stops the same shape.
    expectAttestError(() => parseSnpCertTable(quadraticTable(32)), 'ERR_BAD_LENGTH', 24 + 16);
  });

  it('through verifySnpReport: the reviewer’s 563 KiB table costs milliseconds, and snp.collateral says why', async () => {
    const report = encodeSnpReport({ version: 3, cpuid: { fam: 0x19, mod: 0x11, step: 1 } });
    const table = quadraticTable(12000);
    expect(table.length).toBe(576048); // 562.5 KiB
    const t0 = performance.now();
    const r = await verifySnpReport({ report, certTable: table }, { now: SYNTHETIC_NOW });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.ok).toBe(false);
    const collateral = findCheck(r, 'snp.collateral')!;
    expect(collateral.status).toBe('fail');
    expect((collateral.detail as { problems: unknown[] }).problems).toContainEqual(
      expect.objectContaining({
        what: 'certificate table',
        code: 'ERR_LIMIT_EXCEEDED',
        offset: 768,
      }),
    );
  });

  it('property: a table either parses with copies totalling at most its length, or throws AttestError', () => {
    const entry = fc.record({
      guid: fc.constantFrom(
        G.vcek,
        G.ask,
        G.ark,
        G.crl,
        UNKNOWN,
        '01234567-89ab-cdef-0123-456789abcdef',
      ),
      offset: fc.nat({ max: 600 }),
      length: fc.nat({ max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.nat({ max: 1200 }), (es, pad) => {
        const header = (es.length + 1) * 24;
        const bytes = encodeCertTable(
          es.map((e) => ({ guid: e.guid, data: new Uint8Array(0) })),
          { padTo: header + pad },
        );
        const dv = new DataView(bytes.buffer);
        es.forEach((e, i) => {
          dv.setUint32(i * 24 + 16, header + e.offset, true);
          dv.setUint32(i * 24 + 20, e.length, true);
        });
        try {
          const t = parseSnpCertTable(bytes);
          const copied = t.entries.reduce((n, x) => n + x.data.length, 0);
          expect(copied).toBeLessThanOrEqual(bytes.length - header);
          expect(t.entries.length).toBeLessThanOrEqual(32);
        } catch (e) {
          expect(e).toBeInstanceOf(AttestError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describeVectors('S9-1 real vectors: tables built from real certificates behave as before', () => {
  const cases = snpVectorCases().filter((v) => v.signerCert !== undefined && v.chain !== undefined);

  it('there are signed vectors to cover', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const v of cases) {
    it(`${v.id}: the table parses to the same bytes and verifies like the evidence fields`, async () => {
      const leaf = v.signerCert as Uint8Array;
      const [inter, ark] = decodePem(v.chain!).map((b) => b.der);
      const crlFile = ['crl', `${v.product.toLowerCase()}_ark.crl.der`];
      const crl = vectorExists('snp', ...crlFile) ? readVector('snp', ...crlFile) : undefined;
      const entries = [
        { guid: v.signerKind === 'VCEK' ? G.vcek : G.vlek, data: leaf },
        { guid: G.ask, data: inter! },
        { guid: G.ark, data: ark! },
        ...(crl !== undefined ? [{ guid: G.crl, data: crl }] : []),
      ];
      for (const order of ['rfc4122', 'mixed-endian'] as const) {
        const bytes = encodeCertTable(entries, { order, padTo: 0x4000 });
        const t = parseSnpCertTable(bytes);
        expect(t.entries.map((e) => e.data)).toEqual(entries.map((e) => e.data));
        expect(t.entries.map((e) => e.guidByteOrder)).toEqual(entries.map(() => order));
      }
      const options: SnpVerifyOptions = {
        now: VECTOR_NOW,
        policy: { allowDebug: v.expected.policy_bits.debug === true },
      };
      const viaTable = await verifySnpReport(
        { report: v.report, certTable: encodeCertTable(entries) },
        options,
      );
      const viaFields = await verifySnpReport(
        {
          report: v.report,
          ...(v.signerKind === 'VCEK' ? { vcek: leaf } : { vlek: leaf }),
          chain: v.chain!,
          ...(crl !== undefined ? { crl } : {}),
        },
        options,
      );
      const statuses = (r: SnpVerification): [string, string][] =>
        r.checks.map((c) => [c.id, c.status]);
      expect(statuses(viaTable)).toEqual(statuses(viaFields));
      expect(viaTable.ok).toBe(viaFields.ok);
      expect(findCheck(viaTable, 'snp.signature')!.status).toBe('pass');
    });
  }
});

const TCB = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const CHIP = filled(64, 'count').map((b) => b ^ 0x5a);
const HOST_ID_KEY = filled(48, 0xab);
const HOST_AUTHOR_KEY = filled(48, 0xcd);

let amd: SyntheticAmd;
let vcek: Minted;

function fields(over: ReportFields = {}): ReportFields {
  return {
    version: 3,
    cpuid: { fam: 0x19, mod: 0x11, step: 1 },
    currentTcb: encodeSnpTcb(TCB, 'Genoa'),
    chipId: CHIP,
    reportData: filled(64, 0x11),
    measurement: filled(48, 0x22),
    platformInfo: 0x25n,
    ...over,
  };
}

async function run(
  over: ReportFields,
  options: SnpVerifyOptions = {},
  ev: Partial<SnpEvidence> = {},
): Promise<SnpVerification> {
  const report = await signedReport(fields(over), vcek.keys);
  return verifySnpReport(
    { report, vcek: vcek.der, chain: [amd.ask.der, amd.ark.der], ...ev },
    { now: SYNTHETIC_NOW, rootPins: amd.rootPins, ...options },
  );
}

const check = (r: SnpVerification, id: SnpCheckId): ReturnType<typeof findCheck> =>
  findCheck(r, id);

beforeAll(async () => {
  amd = await mintSyntheticAmd('Genoa');
  vcek = await amd.mintLeaf({ tcb: TCB, hwid: CHIP });
}, 120_000);

describe('S9-3 compileSnpPolicy: unknown keys and empty sub-objects are TypeErrors', () => {
  const typos: [string, unknown][] = [
    ['top-level misspelling', { measurment: '00'.repeat(48) }],
    ['top-level wrong case', { reportdata: '00'.repeat(64) }],
    ['minimumTcb: wrong case', { minimumTcb: { microCode: 250 } }],
    ['minimumTcb: extra key', { minimumTcb: { snp: 1, ucode: 2 } }],
    ['minimumTcb: empty', { minimumTcb: {} }],
    ['minimumTcb: only undefined', { minimumTcb: { snp: undefined } }],
    ['minimumLaunchTcb: unknown', { minimumLaunchTcb: { bl: 1 } }],
    ['minimumLaunchTcb: empty', { minimumLaunchTcb: {} }],
    ['minimumAbi: unknown', { minimumAbi: { major: 1, minor: 0, patch: 0 } }],
    ['minimumAbi: empty', { minimumAbi: {} }],
    ['minimumVersion: unknown', { minimumVersion: { major: 1, minor: 55, build: 3 } }],
    ['minimumVersion: empty', { minimumVersion: {} }],
    ['vmpl: unknown', { vmpl: { max: 1, min: 0 } }],
    ['vmpl: wrong key', { vmpl: { maximum: 1 } }],
    ['vmpl: empty', { vmpl: {} }],
    ['platformInfo: unknown', { platformInfo: { allowed: ['smtEn'] } }],
    ['platformInfo: empty', { platformInfo: {} }],
    ['platformInfo: only an empty require', { platformInfo: { require: [] } }],
    ['minimumMitigationVector: unknown', { minimumMitigationVector: { curent: 1 } }],
    ['minimumMitigationVector: empty', { minimumMitigationVector: {} }],
    ['policy: an array', []],
    ['minimumTcb: an array', { minimumTcb: [] }],
  ];
  for (const [what, policy] of typos) {
    it(what, () => {
      expect(() => compileSnpPolicy(policy as SnpPolicy)).toThrow(TypeError);
    });
  }

  it('the reviewer’s case C: a JSON policy with typos rejects the verification', async () => {
    const typo = JSON.parse(
      `{"measurment":"${'00'.repeat(48)}","reportdata":"${'00'.repeat(64)}","minimumTcb":{"microCode":250}}`,
    ) as SnpPolicy;
    await expect(run({}, { policy: typo })).rejects.toThrow(TypeError);
    await expect(run({}, { policy: { minimumTcb: {} } })).rejects.toThrow(TypeError);
  });

  it('every valid shape still compiles, including an empty allow-list and both fields', () => {
    for (const p of [
      {},
      { minimumTcb: { snp: 1 } },
      { minimumTcb: { fmc: 1, bootloader: 1, tee: 1, snp: 1, microcode: 1 } },
      { minimumAbi: { major: 1, minor: 0 } },
      { vmpl: 0 },
      { vmpl: { max: 2 } },
      { platformInfo: { allow: [] } },
      { platformInfo: { allow: ['smtEn'], require: [] } },
      { minimumMitigationVector: { launch: 1n } },
    ] as SnpPolicy[]) {
      expect(() => compileSnpPolicy(p)).not.toThrow();
    }
  });

  it('the policies in the repository’s examples, manifests and docs still compile', () => {
    const found: unknown[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.json')) {
          const doc = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
          // SNP manifests: `policy` beside `"type": "snp-report"`; service config: `snp.policy`.
          if (doc.type === 'snp-report' && doc.policy !== undefined) found.push(doc.policy);
          const snp = doc.snp as Record<string, unknown> | undefined;
          if (snp?.policy !== undefined) found.push(snp.policy);
        }
      }
    };
    walk(join(import.meta.dirname, '../../examples'));
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const p of found) expect(() => compileSnpPolicy(p as SnpPolicy)).not.toThrow();
  });

  it('minimumTcb with only components the layout lacks is a required skip, not a pass', async () => {
    const r = await run({}, { policy: { minimumTcb: { fmc: 200 } } });
    expect(check(r, 'snp.policy.minimum-tcb')).toMatchObject({ status: 'skip', required: true });
    expect(r.ok).toBe(false);
    // With one component the layout has, it compares as before.
    const r2 = await run({}, { policy: { minimumTcb: { fmc: 200, snp: 23 } } });
    expect(check(r2, 'snp.policy.minimum-tcb')).toMatchObject({ status: 'pass', required: true });
  });
});

describe('S9-4 requireIdBlock / requireAuthorKey need trust lists', () => {
  const withHostKeys = { idKeyDigest: HOST_ID_KEY, authorKeyDigest: HOST_AUTHOR_KEY, keyInfo: 1 };

  it('case A: requireIdBlock without a list is a TypeError', async () => {
    expect(() => compileSnpPolicy({ requireIdBlock: true })).toThrow(TypeError);
    await expect(run(withHostKeys, { policy: { requireIdBlock: true } })).rejects.toThrow(
      TypeError,
    );
  });

  it('case B / B′: requireAuthorKey without trustedAuthorKeyDigests is a TypeError', async () => {
    expect(() => compileSnpPolicy({ requireAuthorKey: true })).toThrow(TypeError);
    expect(() =>
      compileSnpPolicy({ requireAuthorKey: true, trustedIdKeyDigests: [HOST_ID_KEY] }),
    ).toThrow(TypeError);
    expect(() =>
      compileSnpPolicy({
        requireIdBlock: true,
        requireAuthorKey: true,
        trustedIdKeyDigests: [HOST_ID_KEY],
      }),
    ).toThrow(TypeError);
  });

  it('with lists, the host’s own keys fail and trusted ones pass', async () => {
    const mine = filled(48, 0x77);
    const a = await run(withHostKeys, {
      policy: { requireIdBlock: true, trustedIdKeyDigests: [mine] },
    });
    expect(check(a, 'snp.policy.id-key')).toMatchObject({ status: 'fail', required: true });
    const b = await run(withHostKeys, {
      policy: { requireAuthorKey: true, trustedAuthorKeyDigests: [mine] },
    });
    expect(check(b, 'snp.policy.author-key')).toMatchObject({ status: 'fail', required: true });
    const c = await run(withHostKeys, {
      policy: { requireAuthorKey: true, trustedAuthorKeyDigests: [HOST_AUTHOR_KEY] },
    });
    expect(check(c, 'snp.policy.author-key')).toMatchObject({ status: 'pass', required: true });
    expect(check(c, 'snp.policy.id-key')).toMatchObject({ status: 'pass', required: true });
    expect(c.ok).toBe(true);
    const d = await run(withHostKeys, {
      policy: { requireIdBlock: true, trustedIdKeyDigests: [HOST_ID_KEY] },
    });
    expect(check(d, 'snp.policy.id-key')).toMatchObject({ status: 'pass', required: true });
  });
});

describe('S9-5 requireCrl is satisfied only by evidence.crl or a fetched CRL', () => {
  it('case D: without a fetcher, a certificate-table CRL fails requireCrl, like no CRL', async () => {
    const benign = await amd.mintCrl({ revoked: [] });
    const certTable = encodeCertTable([{ guid: G.crl, data: benign }]);
    const r = await run({}, { requireCrl: true }, { certTable });
    expect(check(r, 'snp.crl')).toMatchObject({ status: 'fail', required: true });
    expect(check(r, 'snp.crl')!.message).toMatch(/no CRL was supplied/);
    // It was still checked: the detail carries what the CRL said.
    expect(check(r, 'snp.crl')!.detail).toMatchObject({
      source: 'cert-table',
      revokedSerials: [],
      problems: [],
    });
    expect(r.certificates.sources.crl).toBe('cert-table');
    expect(r.ok).toBe(false);
    // As with no CRL at all.
    const none = await run({}, { requireCrl: true });
    expect(check(none, 'snp.crl')).toMatchObject({ status: 'fail', required: true });
  });

  it('a revocation in the table’s CRL is still reported', async () => {
    const revoking = await amd.mintCrl({ revoked: ['030001'] });
    const certTable = encodeCertTable([{ guid: G.crl, data: revoking }]);
    for (const requireCrl of [true, false]) {
      const r = await run({}, { requireCrl }, { certTable });
      expect(check(r, 'snp.crl')!.status).toBe('fail');
      expect(check(r, 'snp.crl')!.message).toMatch(/revoked/);
    }
  });

  it('evidence.crl and a fetched CRL satisfy it; without requireCrl the table’s CRL passes as before', async () => {
    const benign = await amd.mintCrl({ revoked: [] });
    const certTable = encodeCertTable([{ guid: G.crl, data: benign }]);
    const ev = await run({}, { requireCrl: true }, { crl: benign, certTable });
    expect(check(ev, 'snp.crl')).toMatchObject({ status: 'pass', required: true });
    expect(ev.certificates.sources.crl).toBe('evidence');
    const fetcher: SnpFetcher = {
      vcek: async () => vcek.der,
      certChain: async () => [amd.ask.der, amd.ark.der],
      crl: async () => benign,
    };
    const fetched = await run({}, { requireCrl: true, fetcher }, { certTable });
    expect(check(fetched, 'snp.crl')).toMatchObject({ status: 'pass', required: true });
    expect(fetched.certificates.sources.crl).toBe('fetcher');
    expect(fetched.ok).toBe(true);
    const optional = await run({}, {}, { certTable });
    expect(check(optional, 'snp.crl')).toMatchObject({ status: 'pass', required: false });
    expect(optional.ok).toBe(true);
  });
});

describe('S9-6 a check that did not run is skip, never pass', () => {
  it('case E: require… set to false records skip (not required) with the reason', async () => {
    const policy: SnpPolicy = {
      requireIdBlock: false,
      requireAuthorKey: false,
      requireCommittedTcb: false,
      requireSingleSocket: false,
      requireMemAes256Xts: false,
      requireRaplDisabled: false,
      requireCiphertextHiding: false,
      requirePageSwapDisabled: false,
    };
    const r = await run({}, { policy });
    for (const [id, field] of [
      ['snp.policy.id-key', 'requireIdBlock'],
      ['snp.policy.author-key', 'requireAuthorKey'],
      ['snp.policy.committed-tcb', 'requireCommittedTcb'],
      ['snp.policy.single-socket', 'requireSingleSocket'],
      ['snp.policy.mem-aes-256-xts', 'requireMemAes256Xts'],
      ['snp.policy.rapl-dis', 'requireRaplDisabled'],
      ['snp.policy.ciphertext-hiding', 'requireCiphertextHiding'],
      ['snp.policy.page-swap-disable', 'requirePageSwapDisabled'],
    ] as const) {
      const c = check(r, id)!;
      expect(c.status, id).toBe('skip');
      expect(c.required, id).toBe(false);
      expect(c.message, id).toMatch(new RegExp(`^policy\\.${field} is false`));
    }
    expect(r.ok).toBe(true);
    // Set to false with the bit set in the report: still nothing was required, still a skip.
    const set = await run({ policy: (1n << 17n) | (1n << 20n) }, { policy });
    expect(check(set, 'snp.policy.single-socket')!.status).toBe('skip');
  });

  it('a trust list still runs the ID-key check when requireIdBlock is false', async () => {
    const r = await run(
      { idKeyDigest: HOST_ID_KEY },
      { policy: { requireIdBlock: false, trustedIdKeyDigests: [HOST_ID_KEY] } },
    );
    expect(check(r, 'snp.policy.id-key')).toMatchObject({ status: 'pass', required: true });
  });
});
