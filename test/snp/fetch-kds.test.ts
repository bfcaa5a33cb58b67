/** createKdsFetcher / staticSnpCollateral against fake transports: no network in tests. */
import { describe, expect, it } from 'vitest';
import { describeVectors, readVector, readVectorText } from '../support/vectors.js';
import {
  createKdsFetcher,
  KdsFetchError,
  staticSnpCollateral,
  type KdsFetchFunction,
  type KdsResponseLike,
} from '../../src/fetch/kds.js';
import { withCache } from '../../src/fetch/with-cache.js';
import { AttestError } from '../../src/core/errors.js';
import { createCache } from '../../src/core/cache.js';
import { utf8Encode } from '../../src/core/encoding.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { findCheck } from '../../src/core/checks.js';
import type { SnpKdsParams } from '../../src/snp/types.js';
import { VECTOR_NOW, snpVectorCases } from './support/vectors.js';
import { filled } from './support/encode.js';

interface Call {
  url: string;
  accept: string;
}

function response(
  status: number,
  body: Uint8Array | string = '',
  headers: Record<string, string> = {},
): KdsResponseLike {
  const bytes = typeof body === 'string' ? utf8Encode(body) : body;
  return {
    status,
    headers: { get: (n) => headers[n.toLowerCase()] ?? null },
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

/** A fake fetch answering from a script of responses (or thrown errors / hangs), recording calls. */
function fakeFetch(script: (KdsResponseLike | Error | 'hang')[]): {
  fetch: KdsFetchFunction;
  calls: Call[];
} {
  const calls: Call[] = [];
  const fetch: KdsFetchFunction = async (url, init) => {
    calls.push({ url, accept: init.headers.accept! });
    const next = script.shift() ?? response(500);
    if (next === 'hang') {
      return new Promise((_, reject) =>
        init.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const sleeps: number[] = [];
const sleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};

const PARAMS: SnpKdsParams = {
  product: 'Milan',
  signer: 'VCEK',
  hwid: filled(64, 0xab),
  tcb: { bootloader: 2, tee: 0, snp: 5, microcode: 68 },
};
/** SYNTHETIC answers in the shapes the fetcher accepts: one DER SEQUENCE, PEM with a certificate. */
const DER = Uint8Array.of(0x30, 0x02, 0x05, 0x00);
const DER2 = Uint8Array.of(0x30, 0x02, 0x04, 0x00);
const PEM = '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n';
const VCEK_URL = `https://kdsintf.amd.com/vcek/v1/Milan/${'ab'.repeat(64)}?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68`;

describe('createKdsFetcher', () => {
  it('requests the KDS URL shapes and returns DER / PEM text', async () => {
    const der = Uint8Array.of(0x30, 0x08, 0x04, 0x06, ...filled(6, 0x30));
    const { fetch, calls } = fakeFetch([
      response(200, der),
      response(200, PEM),
      response(200, der),
      response(200, PEM),
      response(200, der),
    ]);
    const f = createKdsFetcher({ fetch, sleep });
    expect(await f.vcek(PARAMS)).toEqual(der);
    expect(await f.certChain('Genoa')).toBe(PEM);
    expect(await f.crl('Turin')).toEqual(der);
    await f.certChain('Milan', 'VLEK');
    await f.crl('Milan', 'VLEK');
    expect(calls.map((c) => c.url)).toEqual([
      VCEK_URL,
      'https://kdsintf.amd.com/vcek/v1/Genoa/cert_chain',
      'https://kdsintf.amd.com/vcek/v1/Turin/crl',
      'https://kdsintf.amd.com/vlek/v1/Milan/cert_chain',
      'https://kdsintf.amd.com/vlek/v1/Milan/crl',
    ]);
    expect(calls[0]!.accept).toMatch(/x509/);
  });

  it('retries 429 and 5xx with exponential back-off, honouring Retry-After', async () => {
    sleeps.length = 0;
    const { fetch, calls } = fakeFetch([
      response(429, '', { 'retry-after': '2' }),
      response(503),
      response(502),
      response(200, DER),
    ]);
    const f = createKdsFetcher({ fetch, sleep, backoffMs: 100 });
    expect(await f.vcek(PARAMS)).toEqual(DER);
    expect(calls.length).toBe(4);
    expect(sleeps).toEqual([2000, 200, 400]);
  });

  it('caps back-off and gives up after the retries with the last status', async () => {
    sleeps.length = 0;
    const { fetch, calls } = fakeFetch([
      response(500),
      response(500),
      response(429, '', { 'retry-after': '3600' }),
    ]);
    const f = createKdsFetcher({ fetch, sleep, retries: 2, backoffMs: 100, maxBackoffMs: 1000 });
    const err = await f.vcek(PARAMS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KdsFetchError);
    expect(err).toMatchObject({ status: 429, attempts: 3, url: VCEK_URL });
    expect(calls.length).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('does not retry other 4xx', async () => {
    const { fetch, calls } = fakeFetch([response(404), response(200, filled(4, 1))]);
    const f = createKdsFetcher({ fetch, sleep });
    await expect(f.vcek(PARAMS)).rejects.toMatchObject({
      name: 'KdsFetchError',
      status: 404,
      attempts: 1,
    });
    expect(calls.length).toBe(1);
  });

  it('retries network errors and timeouts (the request is aborted)', async () => {
    const { fetch, calls } = fakeFetch([new Error('ECONNRESET'), 'hang', response(200, DER2)]);
    const f = createKdsFetcher({ fetch, sleep, timeoutMs: 20 });
    expect(await f.crl('Genoa')).toEqual(DER2);
    expect(calls.length).toBe(3);
    const { fetch: never } = fakeFetch(['hang', 'hang']);
    const g = createKdsFetcher({ fetch: never, sleep, timeoutMs: 10, retries: 1 });
    await expect(g.crl('Genoa')).rejects.toThrow(/timed out/);
  });

  it('rejects empty and oversized bodies, and VCEK queries without a hwid', async () => {
    const { fetch } = fakeFetch([response(200, new Uint8Array(0)), response(200, filled(100, 1))]);
    const f = createKdsFetcher({ fetch, sleep, maxBytes: 50 });
    await expect(f.vcek(PARAMS)).rejects.toThrow(/empty/);
    await expect(f.vcek(PARAMS)).rejects.toThrow(/exceeds/);
    await expect(f.vcek({ ...PARAMS, hwid: new Uint8Array(64) })).rejects.toThrow(KdsFetchError);
    await expect(f.vcek({ ...PARAMS, signer: 'VLEK' })).rejects.toThrow(KdsFetchError);
  });

  it('programming errors', () => {
    expect(() => createKdsFetcher({} as never)).toThrow(TypeError);
    expect(() => createKdsFetcher(null as never)).toThrow(TypeError);
    expect(() => createKdsFetcher({ fetch: fakeFetch([]).fetch, retries: -1 })).toThrow(RangeError);
  });
});

describeVectors('KDS fetcher end to end (fake transport serving the vector files)', () => {
  const v = snpVectorCases().find((c) => c.id === 'snp-genoa-v2-oak')!;

  function kdsServer(): { fetch: KdsFetchFunction; calls: string[] } {
    const calls: string[] = [];
    const fetch: KdsFetchFunction = async (url) => {
      calls.push(url);
      if (url === v.expected.kds_vcek_url)
        return response(200, readVector('snp', 'genoa-v2-oak', 'vcek.der'));
      if (url.endsWith('/vcek/v1/Genoa/cert_chain'))
        return response(200, readVectorText('snp', 'roots', 'ask_ark_genoa.pem'));
      if (url.endsWith('/vcek/v1/Genoa/crl'))
        return response(200, readVector('snp', 'crl', 'genoa_ark.crl.der'));
      return response(404);
    };
    return { fetch, calls };
  }

  it('a v2 report: the product comes from options.product, everything else from KDS, fetched once', async () => {
    const { fetch, calls } = kdsServer();
    const cache = createCache({ maxEntries: 100 });
    const fetcher = withCache(createKdsFetcher({ fetch, sleep }), cache);
    for (let i = 0; i < 3; i++) {
      const r = await verifySnpReport(v.report, {
        now: VECTOR_NOW,
        product: 'Genoa',
        fetcher,
        cache,
        requireCrl: true,
      });
      expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.certificates.sources).toEqual({
        leaf: 'fetcher',
        intermediate: 'fetcher',
        ark: 'fetcher',
        crl: 'fetcher',
      });
    }
    expect(calls).toEqual([
      v.expected.kds_vcek_url,
      'https://kdsintf.amd.com/vcek/v1/Genoa/cert_chain',
      'https://kdsintf.amd.com/vcek/v1/Genoa/crl',
    ]);
  });

  it('without the product a v2 report cannot be looked up: nothing is fetched', async () => {
    const { fetch, calls } = kdsServer();
    const r = await verifySnpReport(v.report, {
      now: VECTOR_NOW,
      fetcher: createKdsFetcher({ fetch, sleep }),
    });
    expect(findCheck(r, 'snp.product')!.status).toBe('fail');
    expect(calls).toEqual([]);
  });

  it('staticSnpCollateral serves files offline and finds the VCEK by hwID and TCB', async () => {
    const fetcher = staticSnpCollateral({
      certificates: [
        readVector('snp', 'milan-v2-gsg', 'vcek.der'),
        readVector('snp', 'genoa-v2-oak', 'vcek.der'),
        readVectorText('snp', 'roots', 'ask_ark_milan.pem'),
        readVectorText('snp', 'roots', 'ask_ark_genoa.pem'),
        readVectorText('snp', 'roots', 'asvk_ark_milan.pem'),
        readVector('snp', 'milan-v3-vlek-aws-trustee', 'vlek.der'),
      ],
      // Both vector CRLs are labelled VCEK-path; there is no VLEK-path CRL among the vectors.
      crls: {
        vcek: [
          readVector('snp', 'crl', 'genoa_ark.crl.der'),
          readVector('snp', 'crl', 'milan_ark.crl.der'),
        ],
      },
    });
    for (const c of snpVectorCases().filter(
      (x) => x.signerCert !== undefined && x.product !== 'Turin',
    )) {
      const r = await verifySnpReport(c.report, {
        now: VECTOR_NOW,
        fetcher,
        requireCrl: true,
        product: c.product,
        policy: { allowDebug: true },
      });
      expect(
        r.checks.filter((x) => x.status === 'fail'),
        c.id,
      ).toEqual(
        c.id === 'snp-milan-v2-idblock-trustee'
          ? [expect.objectContaining({ id: 'snp.collateral' })]
          : c.signerKind === 'VLEK'
            ? // No VLEK-path CRL is held: the fetcher refuses rather than serve a VCEK-path one.
              [
                expect.objectContaining({ id: 'snp.collateral' }),
                expect.objectContaining({ id: 'snp.crl' }),
              ]
            : [],
      );
    }
    // Queries it cannot answer reject (and verify turns that into a failed snp.collateral).
    await expect(fetcher.vcek({ ...PARAMS, product: 'Turin' })).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
    });
    await expect(fetcher.certChain('Turin')).rejects.toMatchObject({ code: 'ERR_MISSING_FIELD' });
    await expect(fetcher.crl('Turin')).rejects.toMatchObject({ code: 'ERR_MISSING_FIELD' });
    expect(() => staticSnpCollateral({ certificates: [filled(5, 1)] })).toThrow(AttestError);
    expect(() =>
      staticSnpCollateral({ certificates: [Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00])] }),
    ).toThrow(expect.objectContaining({ code: 'ERR_BAD_CERTIFICATE' }));
  });
});
