import { describe, expect, it } from 'vitest';
import { describeVectors, readVector, readVectorText } from '../support/vectors.js';

const pckCaChain = () =>
  readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_pck_platform_ca.pem') +
  readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_root_ca.pem');
import { pcsUrls, PCS_ROOT_CA_CRL_URL } from '../../src/tdx/pcs.js';
import { createPcsFetcher, staticTdxCollateral, type FetchLike } from '../../src/fetch/pcs.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { withCache } from '../../src/fetch/with-cache.js';
import { createCache } from '../../src/core/cache.js';
import { evaluationCollateral, quoteBytes, quoteCases } from './support/vector-cases.js';

describe('pcsUrls', () => {
  it('builds PCS v4 URLs for TDX and SGX', () => {
    const u = pcsUrls({ fmspc: '00806F050000' });
    expect(u).toEqual({
      tcbInfo: 'https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=00806f050000',
      qeIdentity: 'https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity',
      pckCrl:
        'https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=platform&encoding=der',
      rootCaCrl: PCS_ROOT_CA_CRL_URL,
    });
    const s = pcsUrls(
      { fmspc: Uint8Array.from([0, 0xa0, 0x67, 0x11, 0, 0]), tee: 'sgx', ca: 'processor' },
      { update: 'early', tcbEvaluationDataNumber: 17, derCrl: false },
    );
    expect(s.tcbInfo).toBe(
      'https://api.trustedservices.intel.com/sgx/certification/v4/tcb?fmspc=00a067110000&update=early&tcbEvaluationDataNumber=17',
    );
    expect(s.qeIdentity).toBe(
      'https://api.trustedservices.intel.com/sgx/certification/v4/qe/identity?update=early&tcbEvaluationDataNumber=17',
    );
    expect(s.pckCrl).toBe(
      'https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=processor',
    );
  });

  it('uses the PCCS paths under another base URL', () => {
    const u = pcsUrls({ fmspc: '00806f050000' }, { baseUrl: 'https://pccs.local:8081/' });
    expect(u.tcbInfo).toBe('https://pccs.local:8081/tdx/certification/v4/tcb?fmspc=00806f050000');
    expect(u.rootCaCrl).toBe('https://pccs.local:8081/sgx/certification/v4/rootcacrl');
  });

  it('rejects malformed parameters with TypeError', () => {
    expect(() => pcsUrls({ fmspc: '00806f05' })).toThrow(TypeError);
    expect(() => pcsUrls({ fmspc: new Uint8Array(5) })).toThrow(TypeError);
    expect(() => pcsUrls({ fmspc: '00806f050000', ca: 'x' as never })).toThrow(TypeError);
    expect(() => pcsUrls(null as never)).toThrow(TypeError);
  });
});

/** A fake fetch that serves fixtures by URL and records calls. */
function fakeFetch(
  routes: Record<
    string,
    | { status?: number; body?: Uint8Array | string; headers?: Record<string, string> }[]
    | { status?: number; body?: Uint8Array | string; headers?: Record<string, string> }
  >,
) {
  const calls: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push(url);
    if (init?.signal === undefined) throw new Error('no signal');
    const r = routes[url];
    const route = Array.isArray(r) ? r.shift() : r;
    if (route === undefined)
      return {
        ok: false,
        status: 404,
        headers: new Headers(),
        arrayBuffer: async () => new ArrayBuffer(0),
      };
    const body =
      typeof route.body === 'string'
        ? new TextEncoder().encode(route.body)
        : (route.body ?? new Uint8Array());
    const status = route.status ?? 200;
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: new Headers(route.headers ?? {}),
      arrayBuffer: async () => body.slice().buffer,
    };
  };
  return { fetch, calls };
}

describeVectors('createPcsFetcher / staticTdxCollateral with real collateral', () => {
  const dir = 'zkdcap-v4';
  const ev = () => quoteCases().find((c) => c.dir === dir)!.expected.tcb_evaluations[0];
  const base = 'https://api.trustedservices.intel.com';

  function routes() {
    const col = evaluationCollateral(dir, ev());
    return {
      col,
      routes: {
        [`${base}/tdx/certification/v4/tcb?fmspc=00806f050000`]: {
          body: col.tcbInfo as string,
          headers: { 'TCB-Info-Issuer-Chain': encodeURIComponent(col.tcbInfoIssuerChain) },
        },
        [`${base}/tdx/certification/v4/qe/identity`]: {
          body: col.qeIdentity as string,
          headers: {
            'SGX-Enclave-Identity-Issuer-Chain': encodeURIComponent(col.qeIdentityIssuerChain),
          },
        },
        [`${base}/sgx/certification/v4/pckcrl?ca=platform&encoding=der`]: {
          body: col.pckCrl as Uint8Array,
          headers: { 'SGX-PCK-CRL-Issuer-Chain': encodeURIComponent(pckCaChain()) },
        },
        [PCS_ROOT_CA_CRL_URL]: { body: col.rootCaCrl as Uint8Array },
      },
    };
  }

  it('fetches every item with its issuer chain header and verifies the quote', async () => {
    const { routes: r } = routes();
    const { fetch, calls } = fakeFetch(r);
    const fetcher = createPcsFetcher({ fetch });
    const res = await verifyTdxQuote(quoteBytes(dir), {
      now: new Date(ev().suggested_verification_time),
      fetcher,
    });
    expect(res.tcbStatus).toBe('UpToDate');
    expect(
      res.checks
        .filter((c) => c.status === 'fail' && !c.id.startsWith('tdx.policy'))
        .map((c) => c.id),
    ).toEqual([]);
    expect(res.checks.find((c) => c.id === 'tdx.crl.pck')?.status).toBe('pass');
    expect(calls.sort()).toEqual(Object.keys(r).sort());
  });

  it('withCache: a second verification fetches nothing', async () => {
    const { routes: r } = routes();
    const { fetch, calls } = fakeFetch(r);
    const cache = createCache({ maxEntries: 100 });
    const fetcher = withCache(createPcsFetcher({ fetch }), cache, 'pcs');
    const now = new Date(ev().suggested_verification_time);
    await verifyTdxQuote(quoteBytes(dir), { now, fetcher, cache });
    const n = calls.length;
    await verifyTdxQuote(quoteBytes(dir), { now, fetcher, cache });
    expect(calls.length).toBe(n);
  });

  it('retries 429 and 5xx (honouring Retry-After), not 404; times out slow responses', async () => {
    const { routes: r, col } = routes();
    const url = `${base}/tdx/certification/v4/tcb?fmspc=00806f050000`;
    const ok = r[url];
    const { fetch, calls } = fakeFetch({
      [url]: [{ status: 503 }, { status: 429, headers: { 'Retry-After': '0' } }, ok],
    });
    const fetcher = createPcsFetcher({ fetch, retryDelayMs: 1 });
    const t = await fetcher.tcbInfo('00806f050000');
    expect(t.tcbInfo).toBe(col.tcbInfo);
    expect(t.tcbInfoIssuerChain).toBe(col.tcbInfoIssuerChain);
    expect(calls.length).toBe(3);
    const gone = fakeFetch({});
    await expect(
      createPcsFetcher({ fetch: gone.fetch, retryDelayMs: 1 }).qeIdentity(),
    ).rejects.toThrow(/HTTP 404/);
    expect(gone.calls.length).toBe(1);
    const down = fakeFetch({ [url]: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    await expect(
      createPcsFetcher({ fetch: down.fetch, retries: 2, retryDelayMs: 1 }).tcbInfo('00806f050000'),
    ).rejects.toThrow(/HTTP 500/);
    expect(down.calls.length).toBe(3);
    const slow: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    await expect(
      createPcsFetcher({ fetch: slow, timeoutMs: 5, retries: 1, retryDelayMs: 1 }).rootCaCrl(),
    ).rejects.toThrow(/timed out/);
    const noHeader = fakeFetch({ [url]: { body: col.tcbInfo as string } });
    await expect(
      createPcsFetcher({ fetch: noHeader.fetch }).tcbInfo('00806f050000'),
    ).rejects.toThrow(/TCB-Info-Issuer-Chain/);
  });

  it('a PCCS base URL, and CRLs served as hex text', async () => {
    const { col } = routes();
    const pccs = 'https://pccs.example:8081';
    const hexCrl = Array.from(col.rootCaCrl as Uint8Array, (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    const { fetch, calls } = fakeFetch({
      [`${pccs}/sgx/certification/v4/rootcacrl`]: { body: hexCrl },
    });
    const crl = await createPcsFetcher({ fetch, baseUrl: pccs }).rootCaCrl();
    expect(crl).toBe(hexCrl);
    expect(calls).toEqual([`${pccs}/sgx/certification/v4/rootcacrl`]);
    const r = await verifyTdxQuote(
      { quote: quoteBytes(dir), collateral: { ...col, rootCaCrl: crl } },
      { now: new Date(ev().suggested_verification_time) },
    );
    expect(r.checks.find((c) => c.id === 'tdx.crl.root')?.status).toBe('pass');
  });

  it('staticTdxCollateral serves what it holds, by FMSPC and TEE, and rejects the rest', async () => {
    const { col } = routes();
    const fetcher = staticTdxCollateral(col);
    const r = await verifyTdxQuote(quoteBytes(dir), {
      now: new Date(ev().suggested_verification_time),
      fetcher,
    });
    expect(r.tcbStatus).toBe('UpToDate');
    await expect(fetcher.tcbInfo('00906ed50000')).rejects.toThrow(/FMSPC/);
    await expect(fetcher.tcbInfo('00806f050000', 'sgx')).rejects.toThrow(/SGX TCB info/);
    await expect(fetcher.qeIdentity('sgx')).rejects.toThrow(/QE identity/);
    // Answers are copies (the fetcher's own bytes stay unchanged): equal, not the same object.
    expect((await fetcher.pckCrl('platform')).pckCrl).toEqual(col.pckCrl);
    const processor = readVector('tdx', 'collateral', 'zkdcap', 'pck_processor_crl.der');
    const two = staticTdxCollateral([col, { ...col, pckCrl: processor }]);
    expect((await two.pckCrl('processor')).pckCrl).toEqual(processor);
    expect((await two.pckCrl('platform')).pckCrl).toEqual(col.pckCrl);
    expect(() => staticTdxCollateral()).toThrow(TypeError);
    expect(() => createPcsFetcher({} as never)).toThrow(TypeError);
  });
});
