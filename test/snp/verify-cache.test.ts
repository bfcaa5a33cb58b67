/**
 * verifySnpReport's warm path keeps, in the caller's cache, the certificates parsed from each
 * evidence input (PEM text, DER bytes, a certificate table), keyed by the input itself. These
 * tests pin down that a hit needs identical content: bytes changed in place, other text and
 * arrays edited between calls are verified afresh, and concurrent calls sharing one cache each
 * get their own verdict. Synthetic chain (test keys, labelled SYNTHETIC; not AMD's).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySnpReport } from '../../src/snp/verify.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { ledgerOk } from '../../src/core/checks.js';
import { createCache } from '../../src/core/cache.js';
import { vandalise } from '../support/vandalise.js';
import { encodePem } from '../../src/core/encoding.js';
import type { SnpEvidence, SnpTcbParts, SnpVerification } from '../../src/snp/types.js';
import { encodeCertTable, filled, SNP_CERT_TABLE_GUID } from './support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from './support/synthetic.js';

const TCB: SnpTcbParts = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const CHIP = filled(64, 'count').map((b) => b ^ 0x5a);

let genoa: SyntheticAmd;
let vcek: Minted;
/** A second VCEK for the same chip and TCB, with its own key: the report is not signed by it. */
let otherVcek: Minted;
let report: Uint8Array;

const failed = (r: SnpVerification): string[] =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

beforeAll(async () => {
  genoa = await mintSyntheticAmd('Genoa');
  [vcek, otherVcek] = await Promise.all([
    genoa.mintLeaf({ tcb: TCB, hwid: CHIP }),
    genoa.mintLeaf({ tcb: TCB, hwid: CHIP }),
  ]);
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

describe('verifySnpReport with a warm cache: a hit needs identical content', () => {
  const verify = async (
    evidence: SnpEvidence,
    cache: ReturnType<typeof createCache>,
  ): Promise<SnpVerification> => {
    const r = await verifySnpReport(evidence, {
      now: SYNTHETIC_NOW,
      rootPins: genoa.rootPins,
      cache,
    });
    expect(r.ok).toBe(ledgerOk(r.checks));
    return r;
  };

  it('VCEK bytes changed in place are verified afresh (and pass again once restored)', async () => {
    const cache = createCache({ maxEntries: 100 });
    const chain = [genoa.ask.der, genoa.ark.der];
    const leaf = vcek.der.slice();
    expect(failed(await verify({ report, vcek: leaf, chain }, cache))).toEqual([]);
    expect(failed(await verify({ report, vcek: leaf, chain }, cache))).toEqual([]);

    // The last byte belongs to the ASK's signature over the VCEK.
    leaf[leaf.length - 1]! ^= 0x01;
    expect(failed(await verify({ report, vcek: leaf, chain }, cache))).toEqual(['snp.chain.vcek']);

    leaf[leaf.length - 1]! ^= 0x01;

    // A different public key in the same array (the last byte of the point's y): the report
    // signature must be checked against it, not against the key remembered for these bytes.
    const point = new Uint8Array(await crypto.subtle.exportKey('raw', vcek.keys.publicKey));
    const at = indexOf(leaf, point);
    expect(at).toBeGreaterThan(0);
    leaf[at + point.length - 1]! ^= 0x01;
    const rekeyed = failed(await verify({ report, vcek: leaf, chain }, cache));
    expect(rekeyed).toContain('snp.signature');
    expect(rekeyed).toContain('snp.chain.vcek');

    leaf.set(vcek.der);
    const again = await verify({ report, vcek: leaf, chain }, cache);
    expect(again.ok).toBe(true);
    expect(again.certificates.leaf!.raw).toEqual(vcek.der);
  });

  it("vandalising warm results changes no later verdict: the checks read the cache's own objects", async () => {
    const cache = createCache({ maxEntries: 100 });
    const ev = { report, vcek: vcek.der, chain: [genoa.ask.der, genoa.ark.der] };
    const cold = await verify(ev, createCache());
    expect(cold.ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      const r = await verify(ev, cache);
      expect(r.checks).toEqual(cold.checks);
      if (i === 0) expect(r.certificates.leaf).toEqual(cold.certificates.leaf);
      // Certificates (their dates, keys and extensions) and the VCEK extensions, all overwritten.
      expect(vandalise(r)).toBeGreaterThan(100);
      expect(r.certificates.leaf!.raw.every((x) => x === 0)).toBe(true);
      expect(r.certificates.leaf!.notAfter.getTime()).toBe(0);
    }
    const after = await verify(ev, cache);
    expect(after.checks).toEqual(cold.checks);
    expect(after.ok).toBe(true);
  });

  it('a Node Buffer changed in place is verified afresh (its slice() shares memory)', async () => {
    const cache = createCache({ maxEntries: 100 });
    const chain = [genoa.ask.der, genoa.ark.der];
    const leaf = Buffer.from(vcek.der);
    expect((await verify({ report, vcek: leaf, chain }, cache)).ok).toBe(true);
    leaf[leaf.length - 1]! ^= 0x01;
    expect(failed(await verify({ report, vcek: leaf, chain }, cache))).toEqual(['snp.chain.vcek']);
  });

  it('PEM text: equal text built anew passes, other text is parsed and judged', async () => {
    const cache = createCache({ maxEntries: 100 });
    const askPem = encodePem('CERTIFICATE', genoa.ask.der);
    const arkPem = encodePem('CERTIFICATE', genoa.ark.der);
    const r1 = await verify({ report, vcek: vcek.der, chain: askPem + arkPem }, cache);
    expect(r1.ok).toBe(true);
    // The same text in a new string object.
    const rebuilt = [askPem, arkPem].join('');
    expect(rebuilt).toBe(askPem + arkPem);
    expect((await verify({ report, vcek: vcek.der, chain: rebuilt }, cache)).ok).toBe(true);
    // The ARK alone: the ASK is missing.
    const arkOnly = await verify({ report, vcek: vcek.der, chain: arkPem }, cache);
    expect(failed(arkOnly)).toContain('snp.collateral');
    expect(arkOnly.checks.find((c) => c.id === 'snp.collateral')!.message).toMatch(/missing ASK/);
    // Broken text: a problem, not a hit on the earlier bundle.
    const broken = askPem.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!') + arkPem;
    expect(failed(await verify({ report, vcek: vcek.der, chain: broken }, cache))).toContain(
      'snp.collateral',
    );
    expect((await verify({ report, vcek: vcek.der, chain: rebuilt }, cache)).ok).toBe(true);
  });

  it('a certificate table changed in place is parsed again', async () => {
    const cache = createCache({ maxEntries: 100 });
    const certTable = encodeCertTable([
      { guid: SNP_CERT_TABLE_GUID.ark, data: genoa.ark.der },
      { guid: SNP_CERT_TABLE_GUID.ask, data: genoa.ask.der },
      { guid: SNP_CERT_TABLE_GUID.vcek, data: vcek.der },
    ]);
    expect((await verify({ report, certTable }, cache)).ok).toBe(true);
    // Flip the last byte of the VCEK entry (the ASK's signature over it).
    const end = indexOf(certTable, vcek.der) + vcek.der.length;
    expect(end).toBeGreaterThan(vcek.der.length);
    certTable[end - 1]! ^= 0x01;
    expect(failed(await verify({ report, certTable }, cache))).toEqual(['snp.chain.vcek']);
    certTable[end - 1]! ^= 0x01;
    expect((await verify({ report, certTable }, cache)).ok).toBe(true);
  });

  it('an array of certificates edited between calls is read again', async () => {
    const cache = createCache({ maxEntries: 100 });
    const chain = [genoa.ask.der, genoa.ark.der];
    expect((await verify({ report, vcek: vcek.der, chain }, cache)).ok).toBe(true);
    chain.shift();
    const r = await verify({ report, vcek: vcek.der, chain }, cache);
    expect(r.checks.find((c) => c.id === 'snp.collateral')!.message).toMatch(/missing ASK/);
  });

  it('concurrent calls sharing a cache each get their own verdict', async () => {
    const cache = createCache({ maxEntries: 100 });
    const chain = [genoa.ask.der, genoa.ark.der];
    const tampered = report.slice();
    tampered[0x50]! ^= 0xff;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        verify(
          i % 3 === 0
            ? { report: tampered, vcek: vcek.der, chain }
            : i % 3 === 1
              ? { report, vcek: otherVcek.der, chain }
              : { report, vcek: vcek.der.slice(), chain },
          cache,
        ),
      ),
    );
    results.forEach((r, i) => expect(failed(r)).toEqual(i % 3 === 2 ? [] : ['snp.signature']));
  });

  it('a malformed policy is still a programming error, with the report signature under way or not', async () => {
    const cache = createCache({ maxEntries: 100 });
    const ev: SnpEvidence = { report, vcek: vcek.der, chain: [genoa.ask.der, genoa.ark.der] };
    expect((await verify(ev, cache)).ok).toBe(true);
    const options = { now: SYNTHETIC_NOW, rootPins: genoa.rootPins, cache };
    await expect(verifySnpReport(ev, { ...options, policy: { vmpl: 4 } })).rejects.toThrow(
      RangeError,
    );
    await expect(
      verifySnpReport(
        { ...ev, report: report.subarray(0, 100) },
        { ...options, policy: { vmpl: 4 } },
      ),
    ).rejects.toThrow(RangeError);
    expect((await verify(ev, cache)).ok).toBe(true);
  });

  it('many distinct inputs through one cache stay correct', async () => {
    const cache = createCache({ maxEntries: 100 });
    const chain = encodePem('CERTIFICATE', genoa.ask.der) + encodePem('CERTIFICATE', genoa.ark.der);
    for (let i = 0; i < 80; i++) {
      const leaf = (i % 2 === 0 ? vcek : otherVcek).der.slice();
      const r = await verify({ report, vcek: leaf, chain }, cache);
      expect(failed(r)).toEqual(i % 2 === 0 ? [] : ['snp.signature']);
    }
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
