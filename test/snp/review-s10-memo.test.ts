/**
 * Review S10 (SEV-SNP): the input memo kept in the caller's cache is split by role. One
 * Uint8Array object passed as `certTable` in one call and as `vcek`, `chain` or a fetcher's answer
 * in another (same cache) must be judged as that call's role, exactly as without a cache: a
 * malformed table must not pass on the certificates remembered for the same object, and a table
 * remembered for the object must not reach the certificate path (where it threw a TypeError).
 * Reports and chains are SYNTHETIC (support/synthetic.ts; test keys, not AMD's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySnpReport } from '../../src/snp/verify.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { findCheck, ledgerOk } from '../../src/core/checks.js';
import { createCache, type AttestCache } from '../../src/core/cache.js';
import type {
  SnpCertInput,
  SnpEvidence,
  SnpFetcher,
  SnpTcbParts,
  SnpVerification,
} from '../../src/snp/types.js';
import { encodeCertTable, filled, SNP_CERT_TABLE_GUID } from './support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from './support/synthetic.js';

const TCB: SnpTcbParts = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const CHIP = filled(64, 'count').map((b) => b ^ 0x3c);

let genoa: SyntheticAmd;
let vcek: Minted;
let report: Uint8Array;

beforeAll(async () => {
  genoa = await mintSyntheticAmd('Genoa');
  vcek = await genoa.mintLeaf({ tcb: TCB, hwid: CHIP });
  report = await signedReport(
    {
      version: 3,
      cpuid: { fam: 0x19, mod: 0x11, step: 1 },
      currentTcb: encodeSnpTcb(TCB, 'Genoa'),
      chipId: CHIP,
      reportData: filled(64, 0x11),
      measurement: filled(48, 0x22),
      platformInfo: 0x25n,
    },
    vcek.keys,
  );
}, 120_000);

const verify = async (
  evidence: SnpEvidence,
  cache?: AttestCache,
  fetcher?: SnpFetcher,
): Promise<SnpVerification> => {
  const r = await verifySnpReport(evidence, {
    now: SYNTHETIC_NOW,
    rootPins: genoa.rootPins,
    ...(cache !== undefined ? { cache } : {}),
    ...(fetcher !== undefined ? { fetcher } : {}),
  });
  expect(r.ok).toBe(ledgerOk(r.checks));
  return r;
};

/** A fetcher that answers the VCEK with `vcekAnswer` and the chain with the synthetic ASK and ARK. */
const fetcherOf = (vcekAnswer: SnpCertInput): SnpFetcher => ({
  vcek: () => Promise.resolve(vcekAnswer),
  certChain: () => Promise.resolve([genoa.ask.der, genoa.ark.der]),
  crl: () => Promise.reject(new Error('no CRL in this test')),
});

describe('S10 verifySnpReport: one bytes object in two roles, one cache', () => {
  it('(A) certificate bytes remembered as `vcek` do not make a malformed `certTable` pass', async () => {
    const chain = [genoa.ask.der, genoa.ark.der];
    const leaf = vcek.der.slice();
    const cold = await verify({ report, vcek: leaf, chain, certTable: leaf });
    expect(cold.ok).toBe(false);
    expect(findCheck(cold, 'snp.collateral')!.status).toBe('fail');

    const cache = createCache({ maxEntries: 100 });
    expect((await verify({ report, vcek: leaf, chain }, cache)).ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      const warm = await verify({ report, vcek: leaf, chain, certTable: leaf }, cache);
      expect(warm.ok).toBe(false);
      expect(warm.checks).toEqual(cold.checks);
    }
    // And the certificates are still remembered for their own role.
    expect((await verify({ report, vcek: leaf, chain }, cache)).ok).toBe(true);
  });

  it('(A) the same with the bytes first remembered as `chain` (the ASK alone)', async () => {
    const ask = genoa.ask.der.slice();
    const askArk = [genoa.ask.der, genoa.ark.der];
    const cold = await verify({ report, vcek: vcek.der, chain: askArk, certTable: ask });
    expect(cold.ok).toBe(false);
    expect(findCheck(cold, 'snp.collateral')!.status).toBe('fail');

    const cache = createCache({ maxEntries: 100 });
    // The ASK parses cleanly, so it is remembered (the ARK is missing: that call fails).
    expect((await verify({ report, vcek: vcek.der, chain: ask }, cache)).ok).toBe(false);
    const warm = await verify({ report, vcek: vcek.der, chain: askArk, certTable: ask }, cache);
    expect(warm.ok).toBe(false);
    expect(warm.checks).toEqual(cold.checks);
  });

  describe('(B) a certificate table remembered as `certTable` never reaches the certificate path', () => {
    const table = (): Uint8Array =>
      encodeCertTable([
        { guid: SNP_CERT_TABLE_GUID.ark, data: genoa.ark.der },
        { guid: SNP_CERT_TABLE_GUID.ask, data: genoa.ask.der },
        { guid: SNP_CERT_TABLE_GUID.vcek, data: vcek.der },
      ]);
    const roles: readonly [string, (t: Uint8Array) => [SnpEvidence, SnpFetcher | undefined]][] = [
      ['chain', (t) => [{ report, vcek: vcek.der, chain: t }, undefined]],
      ['vcek', (t) => [{ report, vcek: t, chain: [genoa.ask.der, genoa.ark.der] }, undefined]],
      ["the fetcher's VCEK answer", (t) => [{ report }, fetcherOf(t)]],
    ];
    for (const [role, use] of roles) {
      it(`as ${role}: resolves with the verdict a call without a cache gets`, async () => {
        const t = table();
        const [evidence, fetcher] = use(t);
        const cold = await verify(evidence, undefined, fetcher);
        expect(cold.ok).toBe(false);
        expect(findCheck(cold, 'snp.collateral')!.status).toBe('fail');

        const cache = createCache({ maxEntries: 100 });
        expect((await verify({ report, certTable: t }, cache)).ok).toBe(true);
        for (let i = 0; i < 2; i++) {
          const warm = await verify(evidence, cache, fetcher);
          expect(warm.checks).toEqual(cold.checks);
        }
        // The table is still remembered, and still judged, as a table.
        expect((await verify({ report, certTable: t }, cache)).ok).toBe(true);
      });
    }
  });
});
