/**
 * Review S9 of the TDX verifier, one finding per block, on SYNTHETIC Intel-like evidence (test
 * keys, O=SYNTHETIC) and the real SGX vectors: the PCK chain size cap, no oversized inputs in the
 * cache, no memo path keyed by attacker-chosen serials, the `tee` option, tcbType 0 only, CRLs
 * without nextUpdate, and issuer chains that must share the PCK chain's root.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import { contentMemo } from '../../src/tdx/memo.js';
import { MAX_PCK_CERT_CHAIN_SIZE } from '../../src/tdx/layout.js';
import { MAX_REMEMBERED_INPUT, type AttestCache } from '../../src/core/cache.js';
import { checkCrl, parseCertificate, parseCrl } from '../../src/core/x509.js';
import { findCheck } from '../../src/core/checks.js';
import { encodePem, toHex } from '../../src/core/encoding.js';
import { AttestError } from '../../src/core/errors.js';
import { tdxQuotePlugin } from '../../src/cli/plugins/tdx.js';
import type { CliContext } from '../../src/cli/registry.js';
import type {
  TdxCheckId,
  TdxPolicy,
  TdxVerification,
  TdxVerifyOptions,
} from '../../src/tdx/types.js';
import { expectAttestError } from '../support/errors.js';
import { mintCert, testKey } from '../support/forge.js';
import { describeVectors } from '../support/vectors.js';
import { tempDir } from '../support/temp-dir.js';
import { int, oid, seq, tlv } from './support/der-encode.js';
import {
  SYNTH_NOW,
  buildCollateral,
  buildQuote,
  mintIntelLikePki,
  signJson,
  syntheticCase,
  tcbLevel,
  type IntelLikePki,
  type SyntheticCase,
  type SyntheticCollateral,
} from './support/intel-like.js';
import { evaluationCollateral, quoteBytes, quoteCases } from './support/vector-cases.js';

const DAY = 86_400_000;
const st = (r: TdxVerification, id: TdxCheckId) => findCheck(r, id)?.status;
const failed = (r: TdxVerification) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

/** A Map-backed AttestCache whose keys and values a test can walk. */
function openCache(): AttestCache & { readonly map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return { map, get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}

/** Every Map entry and array element reachable from `v` through Maps and arrays. */
function nestedEntries(v: unknown): number {
  if (v instanceof Map) {
    let n = 0;
    for (const x of v.values()) n += 1 + nestedEntries(x);
    return n;
  }
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + 1 + nestedEntries(x), 0);
  return 0;
}

let base: SyntheticCase;
let pki: IntelLikePki;
let sgxCollateral: SyntheticCollateral;
const opts = (o: TdxVerifyOptions = {}): TdxVerifyOptions => ({
  now: SYNTH_NOW,
  rootPins: [pki.rootPin],
  ...o,
});

beforeAll(async () => {
  base = await syntheticCase();
  pki = base.pki;
  sgxCollateral = await buildCollateral(pki, {
    tcbId: 'SGX',
    tcbLevels: [
      tcbLevel([7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0], 11, undefined, 'UpToDate'),
    ],
    qeLevels: [{ tcb: { isvsvn: 8 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' }],
  });
});

describe('S9-1 the PCK certification data is capped at 64 KiB before it is decoded', () => {
  // v4: header 48, TD body 584, length 4, signature 64, key 64, type-6 header 6, QE report 384,
  // its signature 64, auth size 2 + 32 bytes, type 5 (2): the size field follows.
  const V4_SIZE_AT = 48 + 584 + 4 + 128 + 6 + 384 + 64 + 2 + 32 + 2;
  const V3_SIZE_AT = 48 + 384 + 4 + 128 + 384 + 64 + 2 + 32 + 2;

  it('a chain one byte over the cap throws ERR_LIMIT_EXCEEDED at CERTIFICATION_DATA_SIZE', async () => {
    expect(MAX_PCK_CERT_CHAIN_SIZE).toBe(65_536);
    const over = 'A'.repeat(MAX_PCK_CERT_CHAIN_SIZE + 1);
    const v4 = await buildQuote(pki, { pckChainPem: over });
    const e4 = expectAttestError(() => parseTdxQuote(v4), 'ERR_LIMIT_EXCEEDED', V4_SIZE_AT);
    expect(e4.field).toBe('QE_REPORT_CERTIFICATION_DATA.CERTIFICATION_DATA_SIZE');
    const v3 = await buildQuote(pki, { version: 3, pckChainPem: over });
    const e3 = expectAttestError(() => parseTdxQuote(v3), 'ERR_LIMIT_EXCEEDED', V3_SIZE_AT);
    expect(e3.field).toBe('SIGNATURE_DATA.CERTIFICATION_DATA_SIZE');
    // A 1 MiB chain (the largest signature data) is refused the same way.
    const huge = await buildQuote(pki, { pckChainPem: 'A'.repeat(1_000_000) });
    expectAttestError(() => parseTdxQuote(huge), 'ERR_LIMIT_EXCEEDED', V4_SIZE_AT);
  });

  it('a chain of exactly the cap still parses; the verifier reports the limit as a parse failure', async () => {
    const at = await buildQuote(pki, { pckChainPem: 'A'.repeat(MAX_PCK_CERT_CHAIN_SIZE) });
    expect(parseTdxQuote(at).certificationData.pckCertChain.data.length).toBe(65_536);
    const over = await buildQuote(pki, { pckChainPem: 'A'.repeat(MAX_PCK_CERT_CHAIN_SIZE + 1) });
    const r = await verifyTdxQuote(over, opts());
    expect(r.ok).toBe(false);
    const c = findCheck(r, 'tdx.quote.parse')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatchObject({ cause: { code: 'ERR_LIMIT_EXCEEDED', offset: V4_SIZE_AT } });
  });
});

describe('S9-2 contentMemo keeps nothing for inputs over MAX_REMEMBERED_INPUT', () => {
  it('oversized content is computed every time, its value and its error uncached', () => {
    const cache = openCache();
    const big = new Uint8Array(MAX_REMEMBERED_INPUT + 1);
    let calls = 0;
    const value = () => ++calls;
    contentMemo(cache, 't', big, value);
    contentMemo(cache, 't', big, value);
    expect(calls).toBe(2);
    const boom = () => {
      calls++;
      throw new AttestError('ERR_BAD_VALUE', { message: 'junk' });
    };
    expect(() => contentMemo(cache, 't', big, boom)).toThrow(AttestError);
    expect(() => contentMemo(cache, 't', 'x'.repeat(MAX_REMEMBERED_INPUT + 1), boom)).toThrow();
    expect(calls).toBe(4);
    expect(cache.map.size).toBe(0);
    // At the limit the entry (and an error) is remembered as before.
    const fit = new Uint8Array(MAX_REMEMBERED_INPUT);
    contentMemo(cache, 't', fit, value);
    contentMemo(cache, 't', fit, value);
    expect(calls).toBe(5);
    expect(cache.map.size).toBe(1);
  });

  it('junk quotes with 60 KB chains leave no copy of their chains in the cache', async () => {
    const cache = openCache();
    const template = await buildQuote(pki, { pckChainPem: 'A'.repeat(60_000) });
    for (let i = 0; i < 20; i++) {
      const q = template.slice();
      q[q.length - 1] = 0x41 + i;
      const r = await verifyTdxQuote(q, opts({ cache, requireCollateral: false }));
      expect(findCheck(r, 'tdx.chain.pck')?.message).toMatch(/cannot be read/);
    }
    let held = 0;
    for (const v of cache.map.values()) {
      const content = (v as { content?: { length: number } } | undefined)?.content;
      if (content !== undefined) held += content.length;
    }
    expect(held).toBeLessThan(MAX_REMEMBERED_INPUT);
    expect([...cache.map.keys()].filter((k) => k.includes(':pck-chain:'))).toEqual([]);
  });
});

describe('S9-3 the Root CA CRL memo is not keyed by the serials of untrusted certificates', () => {
  /** An issuer chain of one junk certificate (not signed by any root) with a long serial. */
  async function junkChains(n: number): Promise<string[]> {
    const key = await testKey('p256');
    const junk = await mintCert({
      subject: 'CN=junk',
      issuerName: 'CN=not-junk',
      key,
      serialNumber: '01' + 'aa'.repeat(399),
    });
    let at = -1;
    for (let i = 0; i + 8 < junk.der.length && at < 0; i++)
      if (junk.der.subarray(i, i + 8).every((b) => b === 0xaa)) at = i;
    return Array.from({ length: n }, (_, i) => {
      const d = junk.der.slice();
      d[at] = i & 0xff;
      d[at + 1] = (i >> 8) & 0xff;
      return encodePem('CERTIFICATE', d);
    });
  }

  it('verifying with ever new junk issuer chains does not grow the cached CRL entries', async () => {
    const cache = openCache();
    const chains = await junkChains(60);
    const run = (chain: string) =>
      verifyTdxQuote(
        { quote: base.quote, collateral: { ...base.collateral, tcbInfoIssuerChain: chain } },
        opts({ cache }),
      );
    const crlEntries = (): number => {
      let n = 0;
      for (const [k, v] of cache.map)
        if (k.includes(':crl:'))
          n += nestedEntries((v as { derived: Map<string, unknown> }).derived);
      return n;
    };
    const first = await run(chains[0]!);
    expect(st(first, 'tdx.tcb-info.signature')).toBe('fail');
    expect(st(first, 'tdx.crl.root')).toBe('pass');
    // Only the verified signer (of the QE identity) is looked up, not the junk certificate.
    expect(findCheck(first, 'tdx.crl.root')?.detail).toMatchObject({
      checkedSerials: [pki.ca.serial, pki.tcbSigning.serial],
    });
    for (const c of chains.slice(1, 5)) await run(c);
    const after5 = crlEntries();
    for (const c of chains.slice(5)) await run(c);
    expect(crlEntries()).toBe(after5);
    expect(after5).toBeLessThan(40);
  });

  it('the cached CRL verdict is reused while revocations are looked up on every call', async () => {
    const cache = openCache();
    const revoking = await buildCollateral(pki, { revokedCaSerials: [pki.tcbSigning.serial] });
    const [junk] = await junkChains(1);
    // No trusted TCB Signing chain: only the PCK CA's serial is looked up, and it is not revoked.
    const untrusted = await verifyTdxQuote(
      {
        quote: base.quote,
        collateral: { ...revoking, tcbInfoIssuerChain: junk!, qeIdentityIssuerChain: junk! },
      },
      opts({ cache }),
    );
    expect(st(untrusted, 'tdx.crl.root')).toBe('pass');
    for (let i = 0; i < 2; i++) {
      const r = await verifyTdxQuote({ quote: base.quote, collateral: revoking }, opts({ cache }));
      expect(st(r, 'tdx.crl.root')).toBe('fail');
      expect(findCheck(r, 'tdx.crl.root')?.detail).toMatchObject({
        revokedSerials: [pki.tcbSigning.serial],
      });
    }
  });
});

describe('S9-4 options.tee: TD quotes only by default', () => {
  const sgxRun = async (version: 3 | 4 | 5, o: TdxVerifyOptions = {}) =>
    verifyTdxQuote(
      {
        quote: await buildQuote(pki, { version, sgx: { reportData: new Uint8Array(64).fill(7) } }),
        collateral: sgxCollateral,
      },
      opts(o),
    );

  it('an SGX enclave quote fails the required tdx.quote.tee by default and passes with sgx or any', async () => {
    for (const version of [3, 4, 5] as const) {
      const r = await sgxRun(version, { policy: { reportData: new Uint8Array(64).fill(7) } });
      expect(r.quote?.body.kind).toBe('sgx');
      expect(findCheck(r, 'tdx.quote.tee')).toMatchObject({
        status: 'fail',
        required: true,
        detail: { expected: 'tdx', actual: 'sgx' },
      });
      expect(failed(r)).toEqual(['tdx.quote.tee']);
      expect(r.ok).toBe(false);
      for (const tee of ['sgx', 'any'] as const) {
        const ok = await sgxRun(version, { tee });
        expect(failed(ok), `v${version} ${tee}`).toEqual([]);
        expect(ok.ok).toBe(true);
      }
    }
  });

  it('a TD quote passes by default and with any, and fails with sgx', async () => {
    const r = await verifyTdxQuote({ quote: base.quote, collateral: base.collateral }, opts());
    expect(findCheck(r, 'tdx.quote.tee')).toMatchObject({
      status: 'pass',
      detail: { expected: 'tdx', actual: 'tdx' },
    });
    const any = await verifyTdxQuote(
      { quote: base.quote, collateral: base.collateral },
      opts({ tee: 'any' }),
    );
    expect(any.ok).toBe(true);
    const sgx = await verifyTdxQuote(
      { quote: base.quote, collateral: base.collateral },
      opts({ tee: 'sgx' }),
    );
    expect(failed(sgx)).toEqual(['tdx.quote.tee']);
    expect(sgx.ok).toBe(false);
  });

  it('with sgx or any, an explicit TD-only requirement on an SGX body is a required fail', async () => {
    const cases: [TdxPolicy, TdxCheckId][] = [
      [{ requireSeptVeDisable: true }, 'tdx.policy.sept-ve-disable'],
      [{ mrTd: new Uint8Array(48) }, 'tdx.policy.mr-td'],
      [{ rtmrs: [new Uint8Array(48)] }, 'tdx.policy.rtmr0'],
      [{ tdAttributes: 0n }, 'tdx.policy.td-attributes'],
      [{ minimumTeeTcbSvn: new Uint8Array(16) }, 'tdx.policy.tee-tcb-svn'],
      [{ mrServiceTd: new Uint8Array(48) }, 'tdx.policy.mr-service-td'],
    ];
    for (const tee of ['sgx', 'any'] as const) {
      for (const [policy, id] of cases) {
        const r = await sgxRun(3, { tee, policy });
        expect(findCheck(r, id), `${tee} ${id}`).toMatchObject({ status: 'fail', required: true });
        expect(r.ok).toBe(false);
      }
      // Not asked for explicitly: the TD defaults do not apply to an enclave.
      const r = await sgxRun(3, { tee, policy: { requireSeptVeDisable: false } });
      expect(st(r, 'tdx.policy.sept-ve-disable')).toBe('skip');
      expect(r.ok).toBe(true);
    }
  });

  it('tee is validated (TypeError)', async () => {
    await expect(verifyTdxQuote(base.quote, { tee: 'td' as never })).rejects.toThrow(TypeError);
  });

  it('the CLI plugin verifies an SGX quote (tee any by default), names it, and honours manifest tee', async () => {
    const dir = tempDir('attestkit-s9-tdx-');
    const c = sgxCollateral;
    writeFileSync(
      join(dir, 'collateral.json'),
      JSON.stringify({
        tcbInfo: c.tcbInfo,
        tcbInfoIssuerChain: c.tcbInfoIssuerChain,
        qeIdentity: c.qeIdentity,
        qeIdentityIssuerChain: c.qeIdentityIssuerChain,
        pckCrl: toHex(c.pckCrl),
        pckCrlIssuerChain: c.pckCrlIssuerChain,
        rootCaCrl: toHex(c.rootCaCrl),
      }),
    );
    const ctx = (manifest: Record<string, unknown>): CliContext => ({
      collateralDir: undefined,
      now: SYNTH_NOW,
      manifest: { collateral: join(dir, 'collateral.json'), rootPins: [pki.rootPin], ...manifest },
      baseDir: dir,
      readFile: () => new Uint8Array(0),
      readText: (p) => readFileSync(p, 'utf8'),
      exists: () => true,
    });
    const file = { path: 'sgx.bin', bytes: await buildQuote(pki, { version: 3 }), text: undefined };
    const v = await tdxQuotePlugin.verify(file, ctx({}));
    expect(v.ok).toBe(true);
    expect(v.facts).toContainEqual(['TEE', 'SGX enclave (not a TD)']);
    expect(v.checks.find((x) => x.id === 'tdx.quote.tee')).toMatchObject({
      status: 'pass',
      detail: { expected: 'any', actual: 'sgx' },
    });
    const td = await tdxQuotePlugin.verify(file, ctx({ tee: 'tdx' }));
    expect(td.ok).toBe(false);
    expect(td.checks.find((x) => x.id === 'tdx.quote.tee')?.status).toBe('fail');
    // A value the library does not know never widens to 'any' (the CLI maps TypeError to exit 2).
    for (const tee of ['TDX', 'td', ['tdx'], null])
      await expect(tdxQuotePlugin.verify(file, ctx({ tee }))).rejects.toThrow(TypeError);
  });
});

describeVectors('S9-4 the real SGX vectors need tee: sgx', () => {
  it('dcapqvl-sgx-v3 with its collateral fails tdx.quote.tee by default, not with tee sgx', async () => {
    const { dir, expected } = quoteCases().find((x) => x.dir === 'dcapqvl-sgx-v3')!;
    const ev = expected.tcb_evaluations[0];
    const now = new Date(ev.suggested_verification_time);
    const evidence = { quote: quoteBytes(dir), collateral: evaluationCollateral(dir, ev) };
    const byDefault = await verifyTdxQuote(evidence, { now });
    expect(st(byDefault, 'tdx.quote.tee')).toBe('fail');
    expect(byDefault.ok).toBe(false);
    const sgx = await verifyTdxQuote(evidence, { now, tee: 'sgx' });
    expect(st(sgx, 'tdx.quote.tee')).toBe('pass');
    expect(failed(sgx)).not.toContain('tdx.quote.tee');
    expect(sgx.tcbStatus).toBe(byDefault.tcbStatus);
  });

  it('trustee-sgx-occlum-v3 signature-only fails by default, not with tee sgx', async () => {
    const o = {
      now: new Date('2023-06-01T00:00:00Z'),
      requireCollateral: false,
      policy: { allowDebug: true },
    };
    const q = quoteBytes('trustee-sgx-occlum-v3');
    const byDefault = await verifyTdxQuote(q, o);
    expect(failed(byDefault)).toEqual(['tdx.quote.tee']);
    expect(byDefault.ok).toBe(false);
    expect((await verifyTdxQuote(q, { ...o, tee: 'sgx' })).ok).toBe(true);
  });
});

describe('S9-5 TCB info of a tcbType other than 0 fails tdx.tcb-info.match', () => {
  it('tcbType 1, correctly signed, fails the match; tcbType 0 passes', async () => {
    const body = base.collateral.tcbInfoBody.replace('"tcbType":0', '"tcbType":1');
    expect(body).not.toBe(base.collateral.tcbInfoBody);
    const tcbInfo = await signJson('tcbInfo', body, pki.tcbKey);
    const r = await verifyTdxQuote(
      { quote: base.quote, collateral: { ...base.collateral, tcbInfo } },
      opts(),
    );
    expect(st(r, 'tdx.tcb-info.signature')).toBe('pass');
    expect(findCheck(r, 'tdx.tcb-info.match')).toMatchObject({
      status: 'fail',
      detail: { expected: { tcbType: 0 }, actual: { tcbType: 1 } },
    });
    expect(r.ok).toBe(false);
    const good = await verifyTdxQuote({ quote: base.quote, collateral: base.collateral }, opts());
    expect(st(good, 'tdx.tcb-info.match')).toBe('pass');
  });
});

describe('S9-6 a CRL without nextUpdate is refused (core checkCrl, so every platform)', () => {
  let crl: Uint8Array;
  beforeAll(async () => {
    // A v2 CRL by the PCK CA with thisUpdate only (RFC 5280 §5.1.2.5 requires nextUpdate).
    const ca = parseCertificate(pki.ca.der);
    const time = (d: Date) =>
      tlv(0x17, [
        ...new TextEncoder().encode(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'),
      ]);
    const alg = seq(oid('1.2.840.10045.4.3.2'));
    const tbs = seq(int(1), alg, ca.subject.raw, time(new Date(SYNTH_NOW.getTime() - DAY)));
    const raw = new Uint8Array(
      await webcrypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        pki.caKey.keys.privateKey,
        tbs,
      ),
    );
    const derInt = (b: Uint8Array) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      const v = [...b.subarray(i)];
      return tlv(0x02, v[0]! & 0x80 ? [0, ...v] : v);
    };
    const sig = seq(derInt(raw.subarray(0, 32)), derInt(raw.subarray(32)));
    crl = seq(tbs, alg, tlv(0x03, [0, ...sig]));
  });

  it('checkCrl reports the missing nextUpdate, also with allowStale', async () => {
    const parsed = parseCrl(crl);
    expect(parsed.nextUpdate).toBeUndefined();
    const ca = parseCertificate(pki.ca.der);
    for (const allowStale of [false, true]) {
      const r = await checkCrl(parsed, ca, [], { now: SYNTH_NOW, allowStale });
      expect(r.ok).toBe(false);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatch(/nextUpdate/);
    }
  });

  it('tdx.crl.pck fails for it now and ten years on', async () => {
    for (const years of [0, 10]) {
      const now = new Date(SYNTH_NOW.getTime() + years * 365 * DAY);
      const r = await verifyTdxQuote(
        { quote: base.quote, collateral: { ...base.collateral, pckCrl: crl } },
        opts({ now }),
      );
      expect(st(r, 'tdx.crl.pck')).toBe('fail');
      expect(r.ok).toBe(false);
    }
  });
});

describe('S9-7 with several roots pinned, the issuer chains must share the PCK chain root', () => {
  it('TCB info and QE identity signed under another pinned root fail their signature checks', async () => {
    const b = await mintIntelLikePki();
    const colB = await buildCollateral({ ...b, pckExtension: pki.pckExtension });
    const mixed = {
      ...base.collateral,
      tcbInfo: colB.tcbInfo,
      tcbInfoIssuerChain: colB.tcbInfoIssuerChain,
      qeIdentity: colB.qeIdentity,
      qeIdentityIssuerChain: colB.qeIdentityIssuerChain,
    };
    const both = opts({ rootPins: [pki.rootPin, b.rootPin] });
    const r = await verifyTdxQuote({ quote: base.quote, collateral: mixed }, both);
    expect(st(r, 'tdx.chain.pck')).toBe('pass');
    for (const id of ['tdx.tcb-info.signature', 'tdx.qe-identity.signature'] as const) {
      const c = findCheck(r, id)!;
      expect(c.status, id).toBe('fail');
      expect(c.message).toMatch(/not the PCK chain's root/);
    }
    // B's TCB Signing certificate is not looked up in A's Root CA CRL.
    expect(findCheck(r, 'tdx.crl.root')?.detail).toMatchObject({ checkedSerials: [pki.ca.serial] });
    expect(r.ok).toBe(false);
    // The same two pins with collateral under the PCK chain's own root verify.
    const same = await verifyTdxQuote({ quote: base.quote, collateral: base.collateral }, both);
    expect(failed(same)).toEqual([]);
    expect(same.ok).toBe(true);
  });
});
