/**
 * Review s12 of attestkit/fetch: answers of the wrong shape are refused before `withCache` can
 * keep them (F1); `withCache` entries expire (F2); Node.js stream bodies are read under the size
 * limit, other bodies only under a Content-Length (F3); timing options and Retry-After are checked
 * (F4); issuer-chain headers are decoded once and an empty one does not hide its fallback (F5);
 * `staticTdxCollateral` copies, and serves a CA's PCK CRL only (F6); fetchers reject with their
 * own error type (F7); `snpKdsUrls` checks caller-supplied parameters (F8). Fake transports,
 * SYNTHETIC answers and PKI, and the real vectors where named; no network.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCache } from '../../src/core/cache.js';
import { AttestError } from '../../src/core/errors.js';
import { parseCrl } from '../../src/core/x509.js';
import { createKdsFetcher, KdsFetchError } from '../../src/fetch/kds.js';
import { createPcsFetcher, PcsFetchError, staticTdxCollateral } from '../../src/fetch/pcs.js';
import { withCache } from '../../src/fetch/with-cache.js';
import type { FetchLike, FetchResponseLike } from '../../src/fetch/http.js';
import { snpKdsUrls } from '../../src/snp/kds.js';
import type { SnpKdsParams } from '../../src/snp/types.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { tdxCollateralFromDcapQvl } from '../../src/tdx/collateral.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import type { TdxCollateral } from '../../src/tdx/types.js';
import { mintCrl, testKey } from '../support/forge.js';
import { describeVectors, readVector, readVectorText } from '../support/vectors.js';
import { derFiller, derOf, pemOf } from './support/transport.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const noSleep = async (): Promise<void> => undefined;

/** A 200 answer with no stream (arrayBuffer only). */
const ok = (body: Uint8Array | string, headers: Record<string, string> = {}): FetchResponseLike => {
  const bytes = typeof body === 'string' ? enc(body) : body;
  return {
    status: 200,
    headers: new Headers(headers),
    arrayBuffer: async () => bytes.slice().buffer,
  };
};

/** A transport answering from `route(url)` and counting requests per URL. */
function serve(route: (url: string) => FetchResponseLike): { fetch: FetchLike; hits: string[] } {
  const hits: string[] = [];
  return {
    hits,
    fetch: async (url) => {
      hits.push(url);
      return route(url);
    },
  };
}

const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

const PARAMS: SnpKdsParams = {
  product: 'Milan',
  signer: 'VCEK',
  hwid: new Uint8Array(64).fill(0xab),
  tcb: { bootloader: 2, tee: 0, snp: 5, microcode: 68 },
};
const FMSPC = '00806f050000';
const CHAIN = encodeURIComponent(pemOf('CERTIFICATE'));
const HTML = '<html><body>Service temporarily unavailable</body></html>';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('F1: an answer of the wrong shape is refused, at once, and never cached', () => {
  it('KDS: a VCEK or CRL that is not exactly one DER SEQUENCE, a chain without a PEM certificate', async () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
    const cases: [string, (f: ReturnType<typeof createKdsFetcher>) => Promise<unknown>][] = [
      ['vcek', (f) => f.vcek(PARAMS)],
      ['crl', (f) => f.crl('Milan')],
      ['certChain', (f) => f.certChain('Milan')],
    ];
    const junk: Record<string, (Uint8Array | string)[]> = {
      vcek: [
        HTML,
        Uint8Array.of(0x30, 0x05, 0x02),
        Uint8Array.of(...der, 0x00),
        derOf('x').slice(1),
      ],
      crl: [HTML, Uint8Array.of(0x30, 0x80, 0x00, 0x00), Uint8Array.of(0x31, 0x00)],
      certChain: [HTML, '-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n'],
    };
    for (const [name, call] of cases) {
      for (const body of junk[name]!) {
        const t = serve(() => ok(body));
        const err = await rejection(
          call(createKdsFetcher({ fetch: t.fetch, retries: 3, sleep: noSleep })),
        );
        expect(err, `${name} ${String(body).slice(0, 20)}`).toBeInstanceOf(KdsFetchError);
        expect(err).toMatchObject({ status: 200, attempts: 1 });
        expect((err as KdsFetchError).cause).toBeInstanceOf(AttestError);
        expect(t.hits).toHaveLength(1); // not retried
      }
    }
    const good = serve((u) => ok(u.includes('cert_chain') ? pemOf('CERTIFICATE') : der));
    const f = createKdsFetcher({ fetch: good.fetch });
    expect(await f.vcek(PARAMS)).toEqual(der);
    expect(await f.crl('Milan')).toEqual(der);
    expect(await f.certChain('Milan')).toContain('BEGIN CERTIFICATE');
  });

  it('KDS behind withCache: after a junk 200 the next call asks again and gets the good answer', async () => {
    let broken = true;
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
    const t = serve(() => ok(broken ? HTML : der));
    const f = withCache(createKdsFetcher({ fetch: t.fetch, sleep: noSleep }), createCache());
    await expect(f.vcek(PARAMS)).rejects.toBeInstanceOf(KdsFetchError);
    broken = false;
    expect(await f.vcek(PARAMS)).toEqual(der);
    expect(await f.vcek(PARAMS)).toEqual(der);
    expect(t.hits).toHaveLength(2);
  });

  it('PCS: TCB info / QE identity without their member, empty or non-PEM chains, junk CRLs', async () => {
    const tcb = '{"tcbInfo":{"id":"TDX"},"signature":"00"}';
    const qe = '{"enclaveIdentity":{"id":"TD_QE"},"signature":"00"}';
    const bad: [
      string,
      (f: ReturnType<typeof createPcsFetcher>) => Promise<unknown>,
      FetchResponseLike,
    ][] = [
      ['tcbInfo, HTML', (f) => f.tcbInfo(FMSPC), ok(HTML, { 'TCB-Info-Issuer-Chain': CHAIN })],
      ['tcbInfo, {}', (f) => f.tcbInfo(FMSPC), ok('{}', { 'TCB-Info-Issuer-Chain': CHAIN })],
      [
        'tcbInfo, error JSON',
        (f) => f.tcbInfo(FMSPC),
        ok('{"error":"x"}', { 'TCB-Info-Issuer-Chain': CHAIN }),
      ],
      [
        'tcbInfo, a QE identity',
        (f) => f.tcbInfo(FMSPC),
        ok(qe, { 'TCB-Info-Issuer-Chain': CHAIN }),
      ],
      ['tcbInfo, empty chain', (f) => f.tcbInfo(FMSPC), ok(tcb, { 'TCB-Info-Issuer-Chain': '' })],
      ['tcbInfo, blank chain', (f) => f.tcbInfo(FMSPC), ok(tcb, { 'TCB-Info-Issuer-Chain': '  ' })],
      [
        'tcbInfo, text chain',
        (f) => f.tcbInfo(FMSPC),
        ok(tcb, { 'TCB-Info-Issuer-Chain': 'hello' }),
      ],
      [
        'qeIdentity, a TCB info',
        (f) => f.qeIdentity(),
        ok(tcb, { 'SGX-Enclave-Identity-Issuer-Chain': CHAIN }),
      ],
      ['qeIdentity, no chain', (f) => f.qeIdentity(), ok(qe)],
      [
        'pckCrl, HTML',
        (f) => f.pckCrl('platform'),
        ok(HTML, { 'SGX-PCK-CRL-Issuer-Chain': CHAIN }),
      ],
      [
        'pckCrl, bad DER',
        (f) => f.pckCrl('platform'),
        ok(Uint8Array.of(0x30, 9), { 'SGX-PCK-CRL-Issuer-Chain': CHAIN }),
      ],
      [
        'pckCrl, empty chain',
        (f) => f.pckCrl('platform'),
        ok(derOf('crl'), { 'SGX-PCK-CRL-Issuer-Chain': '' }),
      ],
      ['rootCaCrl, HTML', (f) => f.rootCaCrl(), ok(HTML)],
      ['rootCaCrl, odd hex', (f) => f.rootCaCrl(), ok('30030201')],
      ['rootCaCrl, hex of junk', (f) => f.rootCaCrl(), ok('3005020100')],
      ['rootCaCrl, PEM certificate', (f) => f.rootCaCrl(), ok(pemOf('CERTIFICATE'))],
    ];
    for (const [name, call, res] of bad) {
      const t = serve(() => res);
      const err = await rejection(
        call(createPcsFetcher({ fetch: t.fetch, retries: 3, sleep: noSleep })),
      );
      expect(err, name).toBeInstanceOf(PcsFetchError);
      expect(err, name).toMatchObject({ status: 200, attempts: 1 });
      expect(t.hits, name).toHaveLength(1);
    }
    const crl = derOf('crl');
    const hex = Array.from(crl, (b) => b.toString(16).padStart(2, '0')).join('');
    const good = serve((u) =>
      u.includes('/tcb?')
        ? ok(tcb, { 'TCB-Info-Issuer-Chain': CHAIN })
        : u.includes('/qe/')
          ? ok(qe, { 'SGX-Enclave-Identity-Issuer-Chain': CHAIN })
          : u.includes('pckcrl')
            ? ok(crl, { 'SGX-PCK-CRL-Issuer-Chain': CHAIN })
            : ok(` ${hex.toUpperCase()}\n`),
    );
    const f = createPcsFetcher({ fetch: good.fetch });
    expect(await f.tcbInfo(FMSPC)).toEqual({
      tcbInfo: tcb,
      tcbInfoIssuerChain: pemOf('CERTIFICATE'),
    });
    expect((await f.qeIdentity()).qeIdentity).toBe(qe);
    expect((await f.pckCrl('platform')).pckCrl).toEqual(crl);
    expect(await f.rootCaCrl()).toBe(hex.toUpperCase());
    const pem = serve(() => ok(pemOf('X509 CRL')));
    expect(await createPcsFetcher({ fetch: pem.fetch }).rootCaCrl()).toBe(pemOf('X509 CRL').trim());
  });

  it('PCS behind withCache: a blanked issuer chain is not kept', async () => {
    let broken = true;
    const tcb = '{"tcbInfo":{}}';
    const t = serve(() => ok(tcb, { 'TCB-Info-Issuer-Chain': broken ? '' : CHAIN }));
    const f = withCache(createPcsFetcher({ fetch: t.fetch, retries: 0 }), createCache(), 'pcs');
    await expect(f.tcbInfo(FMSPC)).rejects.toBeInstanceOf(PcsFetchError);
    broken = false;
    expect((await f.tcbInfo(FMSPC)).tcbInfoIssuerChain).toBe(pemOf('CERTIFICATE'));
    await f.tcbInfo(FMSPC);
    expect(t.hits).toHaveLength(2);
  });
});

describeVectors(
  'F1 end to end (real vectors): a junk 200 does not poison later verifications',
  () => {
    it('SEV-SNP: an HTML VCEK answer, then KDS recovers (r1)', async () => {
      const report = readVector('snp', 'milan-v2-gsg', 'report.bin');
      const vcek = readVector('snp', 'milan-v2-gsg', 'vcek.der');
      const chain = readVectorText('snp', 'roots', 'ask_ark_milan.pem');
      const crl = readVector('snp', 'crl', 'milan_ark.crl.der');
      let broken = true;
      const t = serve((u) =>
        ok(u.includes('cert_chain') ? chain : u.endsWith('/crl') ? crl : broken ? HTML : vcek),
      );
      const fetcher = withCache(
        createKdsFetcher({ fetch: t.fetch, sleep: noSleep }),
        createCache(),
      );
      const run = () =>
        verifySnpReport(
          { report },
          {
            fetcher,
            now: new Date('2025-08-01T00:00:00Z'),
            policy: { allowDebug: true },
            requireCrl: true,
            product: 'Milan',
          },
        );
      expect((await run()).ok).toBe(false);
      broken = false;
      expect((await run()).ok).toBe(true);
      expect(t.hits.filter((u) => u.includes('?blSPL'))).toHaveLength(2);
    });

    it('TDX: a blanked TCB-Info-Issuer-Chain, then the proxy recovers (r1b)', async () => {
      const quote = readVector('tdx', 'dcapqvl-v4', 'quote.bin');
      const col = tdxCollateralFromDcapQvl(
        readVectorText('tdx', 'collateral', 'dcapqvl', 'tdx_quote_collateral.json'),
      );
      let broken = true;
      const t = serve((u) =>
        pcsAnswer(col, u, (h) => broken && h.set('TCB-Info-Issuer-Chain', '')),
      );
      const fetcher = withCache(createPcsFetcher({ fetch: t.fetch }), createCache(), 'pcs');
      const now = new Date('2025-07-04T10:16:31Z');
      expect((await verifyTdxQuote(quote, { fetcher, now })).ok).toBe(false);
      broken = false;
      expect((await verifyTdxQuote(quote, { fetcher, now })).ok).toBe(true);
      expect(t.hits.filter((u) => u.includes('/tcb?'))).toHaveLength(2);
    });
  },
);

/** What Intel PCS would answer for `url` from a collateral set; `tweak` may change headers. */
function pcsAnswer(
  col: TdxCollateral,
  url: string,
  tweak: (h: Headers) => unknown = () => undefined,
): FetchResponseLike {
  const h = new Headers();
  let body: Uint8Array | string;
  if (url.includes('/tcb?')) {
    body = col.tcbInfo;
    h.set('TCB-Info-Issuer-Chain', encodeURIComponent(col.tcbInfoIssuerChain));
  } else if (url.includes('/qe/identity')) {
    body = col.qeIdentity;
    h.set('SGX-Enclave-Identity-Issuer-Chain', encodeURIComponent(col.qeIdentityIssuerChain));
  } else if (url.includes('/pckcrl')) {
    body = col.pckCrl!;
    h.set('SGX-PCK-CRL-Issuer-Chain', encodeURIComponent(col.pckCrlIssuerChain ?? ''));
  } else {
    body = col.rootCaCrl!;
  }
  tweak(h);
  const bytes = typeof body === 'string' ? enc(body) : body;
  return { status: 200, headers: h, arrayBuffer: async () => bytes.slice().buffer };
}

describe('F2: withCache entries expire', () => {
  const counting = () => {
    let calls = 0;
    return {
      calls: () => calls,
      fetcher: {
        crl: async (): Promise<Uint8Array> => Uint8Array.of(0x30, 0x00, ++calls),
      },
    };
  };
  const at = (ms: number) => vi.spyOn(Date, 'now').mockReturnValue(ms);
  const T0 = Date.UTC(2025, 0, 1);
  const HOUR = 3_600_000;

  it('by default after 12 hours', async () => {
    const c = counting();
    const f = withCache(c.fetcher, createCache());
    at(T0);
    await f.crl();
    at(T0 + 12 * HOUR - 1);
    await f.crl();
    expect(c.calls()).toBe(1);
    at(T0 + 12 * HOUR);
    expect(await f.crl()).toEqual(Uint8Array.of(0x30, 0x00, 2));
    expect(c.calls()).toBe(2);
    at(T0 + 13 * HOUR);
    await f.crl();
    expect(c.calls()).toBe(2);
  });

  it('after maxAgeMs, with the prefix given alongside or alone', async () => {
    const cache = createCache();
    const c = counting();
    const f = withCache(c.fetcher, cache, { prefix: 'kds', maxAgeMs: 1000 });
    at(T0);
    await f.crl();
    at(T0 + 999);
    await f.crl();
    at(T0 + 1000);
    await f.crl();
    expect(c.calls()).toBe(2);
    // The same prefix as a plain string shares those entries (12-hour default age).
    const g = withCache(c.fetcher, cache, 'kds');
    expect(await g.crl()).toEqual(Uint8Array.of(0x30, 0x00, 2));
    expect(c.calls()).toBe(2);
  });

  it('an entry stamped in the future (the clock went back) is fetched again', async () => {
    const c = counting();
    const f = withCache(c.fetcher, createCache());
    at(T0);
    await f.crl();
    at(T0 - 1);
    await f.crl();
    expect(c.calls()).toBe(2);
  });

  it('a rejected call is still not kept', async () => {
    let calls = 0;
    const f = withCache(
      {
        crl: async (): Promise<string> => {
          if (++calls === 1) throw new Error('down');
          return 'crl';
        },
      },
      createCache(),
    );
    await expect(f.crl()).rejects.toThrow('down');
    expect(await f.crl()).toBe('crl');
    expect(calls).toBe(2);
  });

  it('maxAgeMs must be a finite number > 0', () => {
    const c = counting();
    for (const maxAgeMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => withCache(c.fetcher, createCache(), { maxAgeMs }), String(maxAgeMs)).toThrow(
        RangeError,
      );
    }
    expect(() => withCache(c.fetcher, createCache(), { maxAgeMs: '5' as never })).toThrow(
      TypeError,
    );
  });
});

describe('F3: bodies that are not WHATWG streams', () => {
  /** A Node.js Readable of `chunks` chunks of `size` bytes, counting what it produced. */
  function nodeBody(size: number, chunks: number): { body: Readable; produced: () => number } {
    const all = derFiller(size * chunks);
    let produced = 0;
    const body = Readable.from(
      (function* () {
        while (produced < chunks)
          yield Buffer.from(all.subarray(produced * size, ++produced * size));
      })(),
    );
    return { body, produced: () => produced };
  }
  const withBody = (
    body: unknown,
    headers: Record<string, string> = {},
  ): FetchResponseLike & { arrayBufferCalls: number } => {
    const res = {
      status: 200,
      headers: new Headers(headers),
      body,
      arrayBufferCalls: 0,
      arrayBuffer: async (): Promise<ArrayBuffer> => {
        res.arrayBufferCalls++;
        return new ArrayBuffer(0);
      },
    };
    return res;
  };

  it.each([
    [
      'createKdsFetcher',
      (fetch: FetchLike) =>
        createKdsFetcher({ fetch, retries: 2, maxBytes: 1 << 20, sleep: noSleep }).crl('Milan'),
    ],
    [
      'createPcsFetcher',
      (fetch: FetchLike) =>
        createPcsFetcher({ fetch, retries: 2, maxBytes: 1 << 20, sleep: noSleep }).rootCaCrl(),
    ],
  ] as const)(
    '%s reads a Node.js Readable chunk by chunk and destroys it past the limit',
    async (_n, request) => {
      const big = nodeBody(64 * 1024, 256); // 16 MiB, no Content-Length
      const res = withBody(big.body);
      const err = await rejection(request(async () => res));
      expect((err as Error & { cause?: unknown }).cause).toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
      });
      expect(err).toMatchObject({ attempts: 1 });
      expect(big.produced()).toBeLessThanOrEqual(18);
      expect(big.body.destroyed).toBe(true);
      expect(res.arrayBufferCalls).toBe(0);
      const small = nodeBody(1000, 3);
      expect(await request(async () => withBody(small.body))).toEqual(derFiller(3000));
    },
  );

  it('a stalled Node.js Readable times out and is destroyed', async () => {
    const body = new Readable({ read: () => undefined });
    const err = await rejection(
      createKdsFetcher({ fetch: async () => withBody(body), retries: 0, timeoutMs: 20 }).crl(
        'Milan',
      ),
    );
    expect((err as Error).message).toMatch(/timed out/);
    expect(body.destroyed).toBe(true);
  });

  it('any other body is read only under an identity Content-Length within the limit', async () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
    const other = (headers: Record<string, string>) => ({
      ...ok(der, headers),
      body: { pipe: () => undefined },
      arrayBufferCalls: 0,
    });
    for (const headers of [{}, { 'content-length': '5', 'content-encoding': 'gzip' }]) {
      const res = other(headers);
      let calls = 0;
      const err = await rejection(
        createKdsFetcher({
          fetch: async () => {
            calls++;
            return res;
          },
          retries: 2,
        }).crl('Milan'),
      );
      expect(err).toBeInstanceOf(KdsFetchError);
      expect((err as KdsFetchError).cause).toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
        field: 'Content-Length',
      });
      expect(calls).toBe(1);
    }
    const sized = other({ 'content-length': '5' });
    expect(await createKdsFetcher({ fetch: async () => sized }).crl('Milan')).toEqual(der);
  });
});

describe('F4: timing options and Retry-After', () => {
  const fetch: FetchLike = async () => ok(Uint8Array.of(0x30, 0));
  const kds = (o: Record<string, unknown>) => createKdsFetcher({ fetch, ...o });
  const pcs = (o: Record<string, unknown>) => createPcsFetcher({ fetch, ...o });

  it.each([
    ['createKdsFetcher', kds, 'backoffMs', 'maxBackoffMs'],
    ['createPcsFetcher', pcs, 'retryDelayMs', 'maxRetryDelayMs'],
  ] as const)(
    '%s checks timeoutMs, retries and its back-off settings',
    (_n, make, backoff, max) => {
      for (const timeoutMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 1e12]) {
        expect(() => make({ timeoutMs }), `timeoutMs ${timeoutMs}`).toThrow(RangeError);
      }
      for (const retries of [-1, 1.5, 11, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => make({ retries }), `retries ${retries}`).toThrow(RangeError);
      }
      for (const v of [-5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
        expect(() => make({ [backoff]: v }), `${backoff} ${v}`).toThrow(RangeError);
        expect(() => make({ [max]: v }), `${max} ${v}`).toThrow(RangeError);
      }
      for (const k of ['timeoutMs', 'retries', backoff, max]) {
        expect(() => make({ [k]: '10' }), k).toThrow(TypeError);
      }
      expect(() => make({ sleep: 5 })).toThrow(TypeError);
      expect(() =>
        make({ timeoutMs: 1, retries: 10, [backoff]: 0, [max]: 2 ** 31 - 1 }),
      ).not.toThrow();
      expect(() => make({ timeoutMs: 2 ** 31 - 1, [backoff]: 0.5 })).not.toThrow();
    },
  );

  it('Retry-After counts only as digits or an IMF-fixdate, and never shortens the back-off', async () => {
    const delays = async (retryAfter: string): Promise<number[]> => {
      const slept: number[] = [];
      const f = createKdsFetcher({
        fetch: async () => ({
          ...ok(''),
          status: 503,
          headers: new Headers({ 'retry-after': retryAfter }),
        }),
        retries: 2,
        backoffMs: 500,
        maxBackoffMs: 10_000,
        sleep: async (ms) => {
          slept.push(ms);
        },
      });
      await expect(f.crl('Milan')).rejects.toBeInstanceOf(KdsFetchError);
      return slept;
    };
    const past = 'Thu, 01 Jan 1970 00:00:00 GMT';
    for (const ra of [
      '0',
      '-1',
      '',
      ' ',
      'soon',
      '1.5',
      '0x10',
      '1e3',
      past,
      'Thursday, 01-Jan-70 00:00:00 GMT',
    ]) {
      expect(await delays(ra), JSON.stringify(ra)).toEqual([500, 1000]);
    }
    expect(await delays('2')).toEqual([2000, 2000]);
    expect(await delays('3600')).toEqual([10_000, 10_000]);
    const soon = new Date(Date.now() + 5000).toUTCString(); // an IMF-fixdate
    const [first] = await delays(soon);
    expect(first).toBeGreaterThan(3000);
    expect(first).toBeLessThanOrEqual(5000);
  });
});

describe('F5: issuer-chain headers', () => {
  const tcb = '{"tcbInfo":{}}';

  it('are percent-decoded exactly once: a doubly encoded chain is refused', async () => {
    const once = encodeURIComponent(pemOf('CERTIFICATE'));
    const t = serve(() => ok(tcb, { 'TCB-Info-Issuer-Chain': encodeURIComponent(once) }));
    const err = await rejection(createPcsFetcher({ fetch: t.fetch, retries: 0 }).tcbInfo(FMSPC));
    expect(err).toBeInstanceOf(PcsFetchError);
    expect((err as PcsFetchError).cause).toMatchObject({ code: 'ERR_BAD_ENCODING' });
    const good = serve(() => ok(tcb, { 'TCB-Info-Issuer-Chain': once }));
    const r = await createPcsFetcher({ fetch: good.fetch }).tcbInfo(FMSPC);
    expect(r.tcbInfoIssuerChain).toBe(pemOf('CERTIFICATE'));
  });

  it('an empty TCB-Info-Issuer-Chain does not hide SGX-TCB-Info-Issuer-Chain', async () => {
    for (const empty of ['', ' ']) {
      const t = serve(() =>
        ok(tcb, {
          'TCB-Info-Issuer-Chain': empty,
          'SGX-TCB-Info-Issuer-Chain': encodeURIComponent(pemOf('CERTIFICATE', 'OLD=')),
        }),
      );
      const r = await createPcsFetcher({ fetch: t.fetch }).tcbInfo(FMSPC);
      expect(r.tcbInfoIssuerChain).toBe(pemOf('CERTIFICATE', 'OLD='));
    }
  });
});

describeVectors('F5 end to end (real vectors)', () => {
  const quote = (): Uint8Array => readVector('tdx', 'dcapqvl-v4', 'quote.bin');
  const col = (): TdxCollateral =>
    tdxCollateralFromDcapQvl(
      readVectorText('tdx', 'collateral', 'dcapqvl', 'tdx_quote_collateral.json'),
    );
  const now = new Date('2025-07-04T10:16:31Z');
  const verify = async (tweak: (url: string, h: Headers) => void) => {
    const c = col();
    const fetch: FetchLike = async (url) => pcsAnswer(c, url, (h) => tweak(url, h));
    return verifyTdxQuote(quote(), { fetcher: createPcsFetcher({ fetch, retries: 0 }), now });
  };

  it('the fallback header verifies when the newer one is empty; a doubly encoded chain does not', async () => {
    const fallback = await verify((u, h) => {
      if (!u.includes('/tcb?')) return;
      h.set('SGX-TCB-Info-Issuer-Chain', h.get('TCB-Info-Issuer-Chain')!);
      h.set('TCB-Info-Issuer-Chain', '');
    });
    expect(fallback.ok).toBe(true);
    const twice = await verify((u, h) => {
      if (u.includes('/tcb?'))
        h.set('TCB-Info-Issuer-Chain', encodeURIComponent(h.get('TCB-Info-Issuer-Chain')!));
    });
    expect(twice.ok).toBe(false);
  });
});

describe('F6: staticTdxCollateral', () => {
  const doc = (id: string) => `{"tcbInfo":{"id":"${id}","fmspc":"${FMSPC}"}}`;
  const crls = async () => {
    const signer = await testKey('p256');
    const platform = await mintCrl({ issuerName: 'CN=Intel SGX PCK Platform CA', signer });
    const processor = await mintCrl({ issuerName: 'CN=Intel SGX PCK Processor CA', signer });
    return { platform, processor };
  };
  const set = (over: Partial<TdxCollateral>): TdxCollateral => ({
    tcbInfo: doc('TDX'),
    tcbInfoIssuerChain: 'chain',
    qeIdentity: '{"enclaveIdentity":{"id":"TD_QE"}}',
    qeIdentityIssuerChain: 'chain',
    ...over,
  });

  it('serves copies: a caller zeroing its answer changes no later answer', async () => {
    const { platform } = await crls();
    const held = platform.slice();
    const root = Uint8Array.of(0x30, 0x00);
    const f = staticTdxCollateral(set({ pckCrl: held, rootCaCrl: root, tcbInfo: enc(doc('TDX')) }));
    const a = await f.pckCrl('platform');
    expect(a.pckCrl).not.toBe(held);
    (a.pckCrl as Uint8Array).fill(0);
    expect((await f.pckCrl('platform')).pckCrl).toEqual(platform);
    const r = (await f.rootCaCrl()) as Uint8Array;
    r.fill(9);
    expect(await f.rootCaCrl()).toEqual(Uint8Array.of(0x30, 0x00));
    const t = (await f.tcbInfo(FMSPC)).tcbInfo as Uint8Array;
    t.fill(0);
    expect((await f.tcbInfo(FMSPC)).tcbInfo).toEqual(enc(doc('TDX')));
    expect(held).toEqual(platform);
  });

  it("pckCrl(ca) serves only that CA's CRL, in any form; a miss is ERR_MISSING_FIELD", async () => {
    const { platform, processor } = await crls();
    const onlyPlatform = staticTdxCollateral(set({ pckCrl: platform }));
    expect((await onlyPlatform.pckCrl('platform')).pckCrl).toEqual(platform);
    await expect(onlyPlatform.pckCrl('processor')).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
    });
    const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(processor).toString('base64')}\n-----END X509 CRL-----\n`;
    const hex = Buffer.from(platform).toString('hex');
    const both = staticTdxCollateral([set({ pckCrl: hex }), set({ pckCrl: pem })]);
    expect((await both.pckCrl('processor')).pckCrl).toBe(pem);
    expect((await both.pckCrl('platform')).pckCrl).toBe(hex);
    expect(parseCrl(pem).issuer.attributes.find((a) => a.type === 'CN')?.value).toBe(
      'Intel SGX PCK Processor CA',
    );
  });

  it('every miss rejects with AttestError ERR_MISSING_FIELD', async () => {
    const f = staticTdxCollateral(set({}));
    for (const p of [
      f.tcbInfo('ffffffffffff'),
      f.tcbInfo(FMSPC, 'sgx'),
      f.qeIdentity('sgx'),
      f.pckCrl('platform'),
      f.rootCaCrl(),
    ]) {
      const err = await rejection(p);
      expect(err).toBeInstanceOf(AttestError);
      expect(err).toMatchObject({ code: 'ERR_MISSING_FIELD' });
    }
  });
});

describe('F7: what the fetchers reject with', () => {
  it('KDS: a non-UTF-8 chain, a short body, a failing sleep: KdsFetchError with the cause', async () => {
    const utf = await rejection(
      createKdsFetcher({ fetch: async () => ok(Uint8Array.of(0xff, 0xfe)) }).certChain('Milan'),
    );
    expect(utf).toBeInstanceOf(KdsFetchError);
    expect((utf as KdsFetchError).cause).toMatchObject({ code: 'ERR_BAD_ENCODING' });
    const short = await rejection(
      createKdsFetcher({
        fetch: async () => ok(Uint8Array.of(0x30, 0), { 'content-length': '5' }),
        retries: 1,
        sleep: noSleep,
      }).crl('Milan'),
    );
    expect(short).toBeInstanceOf(KdsFetchError);
    // A cut-off body is retried like a network error (a peer that closed early).
    expect(short).toMatchObject({ attempts: 2 });
    expect((short as KdsFetchError).cause).toBeInstanceOf(Error);
    const sleepy = await rejection(
      createKdsFetcher({
        fetch: async () => ({ ...ok(''), status: 503 }),
        sleep: () => Promise.reject(new Error('no timers here')),
      }).crl('Milan'),
    );
    expect(sleepy).toBeInstanceOf(KdsFetchError);
    expect((sleepy as KdsFetchError).cause).toMatchObject({ message: 'no timers here' });
  });

  it('programming errors are TypeError or RangeError, and nothing is requested', async () => {
    const t = serve(() => ok(Uint8Array.of(0x30, 0)));
    const kds = createKdsFetcher({ fetch: t.fetch });
    const pcs = createPcsFetcher({ fetch: t.fetch });
    await expect(kds.vcek({ ...PARAMS, product: 'Rome' as never })).rejects.toThrow(RangeError);
    await expect(kds.crl('../x' as never)).rejects.toThrow(RangeError);
    await expect(pcs.tcbInfo('zz')).rejects.toThrow(TypeError);
    await expect(pcs.pckCrl('platform&x=1' as never)).rejects.toThrow(TypeError);
    expect(t.hits).toEqual([]);
  });
});

describe('F8: snpKdsUrls checks parameters a caller passes directly', () => {
  it('TCB components are integers 0–255, the hwID fits the product', async () => {
    const tcb = PARAMS.tcb;
    for (const bad of [
      { ...tcb, bootloader: '1&ucodeSPL=999#' as never },
      { ...tcb, snp: Number.NaN },
      { ...tcb, microcode: -1.5 },
      { ...tcb, tee: 256 },
    ]) {
      expect(() => snpKdsUrls({ ...PARAMS, tcb: bad }), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect(() => snpKdsUrls({ ...PARAMS, product: 'Turin', tcb: { ...tcb, fmc: 300 } })).toThrow(
      RangeError,
    );
    expect(() => snpKdsUrls({ ...PARAMS, product: 'Turin' })).toThrow(RangeError); // 64-byte hwID
    expect(() => snpKdsUrls({ ...PARAMS, hwid: new Uint8Array(8) })).toThrow(RangeError);
    expect(() => snpKdsUrls({ ...PARAMS, hwid: 'ab'.repeat(64) as never })).toThrow(TypeError);
    expect(
      snpKdsUrls({ ...PARAMS, product: 'Turin', hwid: new Uint8Array(8).fill(1) }).vcek,
    ).toMatch(/\/Turin\/0101010101010101\?fmcSPL=0&blSPL=2/);
    expect(
      snpKdsUrls({ ...PARAMS, signer: 'VLEK' as const, hwid: new Uint8Array(0) }).vcek,
    ).toBeUndefined();
    const t = serve(() => ok(Uint8Array.of(0x30, 0)));
    await expect(
      createKdsFetcher({ fetch: t.fetch }).vcek({ ...PARAMS, tcb: { ...tcb, snp: 1.5 } }),
    ).rejects.toThrow(RangeError);
    expect(t.hits).toEqual([]);
  });
});

describe('final review: whole PEM blocks, withCache options, PCS URL options', () => {
  it('a BEGIN line alone, or inside an HTML page, or a block without DER is no PEM answer', async () => {
    for (const body of [
      '-----BEGIN CERTIFICATE-----',
      '<html>-----BEGIN CERTIFICATE-----</html>',
      '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', // 00 00 00: no SEQUENCE
    ]) {
      const t = serve(() => ok(body));
      const err = await rejection(
        createKdsFetcher({ fetch: t.fetch, sleep: noSleep }).certChain('Milan'),
      );
      expect(err, body).toBeInstanceOf(KdsFetchError);
      expect(t.hits).toHaveLength(1);
    }
    const crl = serve(() => ok('-----BEGIN X509 CRL-----'));
    const err = await rejection(createPcsFetcher({ fetch: crl.fetch, sleep: noSleep }).rootCaCrl());
    expect(err).toBeInstanceOf(PcsFetchError);
    const good = serve(() => ok(pemOf('CERTIFICATE')));
    expect(await createKdsFetcher({ fetch: good.fetch }).certChain('Milan')).toContain('BEGIN');
  });

  it('withCache refuses options that are neither a prefix string nor an object', () => {
    const f = createKdsFetcher({ fetch: serve(() => ok(HTML)).fetch });
    for (const bad of [5, null, true] as unknown[])
      expect(() => withCache(f, createCache(), bad as never), String(bad)).toThrow(TypeError);
    expect(() => withCache(f, createCache(), 'kds')).not.toThrow();
  });

  it('a PCS fetcher always asks for DER CRLs, whatever an untyped options object says', async () => {
    const t = serve(() => ok(derOf('x')));
    const f = createPcsFetcher({ fetch: t.fetch, sleep: noSleep, derCrl: false } as never);
    await f.pckCrl('platform').catch(() => undefined);
    expect(t.hits[0]).toContain('encoding=der');
  });
});
