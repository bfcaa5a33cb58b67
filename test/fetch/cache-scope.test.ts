/**
 * `withCache` keys by the fetcher's `cacheScope` (service URL and settings): two KDS or PCS
 * fetchers configured differently that share one cache under the default prefix each get their
 * own service's answers, and two configured alike still share one request. No network: the fake
 * `fetch` answers with the URL it was asked for.
 */
import { describe, expect, it } from 'vitest';
import { createCache, type AttestCache } from '../../src/core/cache.js';
import { createKdsFetcher } from '../../src/fetch/kds.js';
import { createPcsFetcher, staticTdxCollateral } from '../../src/fetch/pcs.js';
import { withCache } from '../../src/fetch/with-cache.js';
import type { FetchLike } from '../../src/fetch/http.js';
import { derOf, pemOf } from './support/transport.js';
import { decodePem } from '../../src/core/encoding.js';

/**
 * A fake transport: every answer is 200 and holds the requested URL, in the shape the fetchers
 * accept (SYNTHETIC): TCB info JSON, a DER CRL from KDS, a PEM CRL from PCS.
 */
function echo(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(String(url));
    const body: BodyInit = url.includes('/tcb?')
      ? JSON.stringify({ tcbInfo: { url } })
      : url.includes('kds')
        ? new Blob([derOf(url).slice()])
        : pemOf('X509 CRL', url);
    return new Response(body, {
      status: 200,
      headers: { 'TCB-Info-Issuer-Chain': encodeURIComponent(pemOf('CERTIFICATE', url)) },
    });
  };
  return { fetch, urls };
}

/** The answer as text: DER as its bytes, PEM (pemOf) as the bytes of its block. */
const text = (v: Uint8Array | string): string =>
  new TextDecoder().decode(typeof v === 'string' ? decodePem(v)[0]!.der : v);

describe('withCache and fetcher settings', () => {
  it('PCS fetchers with different update or TCB evaluation numbers do not share TCB info', async () => {
    const cache = createCache();
    const t = echo();
    const early = withCache(createPcsFetcher({ fetch: t.fetch, update: 'early' }), cache);
    const standard = withCache(createPcsFetcher({ fetch: t.fetch, update: 'standard' }), cache);
    const pinned = withCache(
      createPcsFetcher({ fetch: t.fetch, tcbEvaluationDataNumber: 17 }),
      cache,
    );
    const fmspc = '00806f050000';
    expect((await early.tcbInfo(fmspc)).tcbInfo).toContain('update=early');
    expect((await standard.tcbInfo(fmspc)).tcbInfo).toContain('update=standard');
    expect((await pinned.tcbInfo(fmspc)).tcbInfo).toContain('tcbEvaluationDataNumber=17');
    expect(t.urls).toHaveLength(3);
  });

  it('PCS fetchers with different base or Root CA CRL URLs do not share CRLs', async () => {
    const cache = createCache();
    const t = echo();
    const a = withCache(
      createPcsFetcher({ fetch: t.fetch, baseUrl: 'https://pccs.a.example' }),
      cache,
    );
    const b = withCache(
      createPcsFetcher({ fetch: t.fetch, baseUrl: 'https://pccs.b.example' }),
      cache,
    );
    const c = withCache(
      createPcsFetcher({
        fetch: t.fetch,
        baseUrl: 'https://pccs.a.example',
        rootCaCrlUrl: 'https://crl.c.example/root.crl',
      }),
      cache,
    );
    expect(text(await a.rootCaCrl())).toContain('pccs.a.example');
    expect(text(await b.rootCaCrl())).toContain('pccs.b.example');
    expect(text(await c.rootCaCrl())).toContain('https://crl.c.example/root.crl');
    expect(t.urls).toHaveLength(3);
  });

  it('KDS fetchers with different base URLs do not share CRLs', async () => {
    const cache = createCache();
    const t = echo();
    const amd = withCache(createKdsFetcher({ fetch: t.fetch }), cache);
    const proxy = withCache(
      createKdsFetcher({ fetch: t.fetch, baseUrl: 'https://kds.proxy.example' }),
      cache,
    );
    expect(text(await amd.crl('Genoa'))).toContain('kdsintf.amd.com');
    expect(text(await proxy.crl('Genoa'))).toContain('kds.proxy.example');
    expect(t.urls).toHaveLength(2);
  });

  it('fetchers configured alike still share one request, and the API key stays out of the key', async () => {
    const cache = createCache();
    const seen: string[] = [];
    const spy: AttestCache = {
      get: (k) => cache.get(k),
      set: (k, v) => {
        seen.push(k);
        cache.set(k, v);
      },
    };
    const t = echo();
    const one = withCache(
      createPcsFetcher({ fetch: t.fetch, headers: { 'Ocp-Apim-Subscription-Key': 'secret-1' } }),
      spy,
    );
    const two = withCache(
      createPcsFetcher({ fetch: t.fetch, headers: { 'Ocp-Apim-Subscription-Key': 'secret-1' } }),
      spy,
    );
    await one.rootCaCrl();
    await two.rootCaCrl();
    expect(t.urls).toHaveLength(1);
    expect(seen.length).toBeGreaterThan(0);
    for (const k of seen) expect(k).not.toContain('secret-1');
  });

  it('the wrapped fetcher keeps its scope, and a custom fetcher may set one', async () => {
    const cache = createCache();
    let calls = 0;
    const make = (scope: string) => ({
      cacheScope: scope,
      crl: async (): Promise<string> => {
        calls++;
        return scope;
      },
    });
    const x = withCache(make('mirror-x'), cache);
    const y = withCache(make('mirror-y'), cache);
    expect(x.cacheScope).toBe('mirror-x');
    expect(await x.crl()).toBe('mirror-x');
    expect(await y.crl()).toBe('mirror-y');
    // Without a scope, the prefix, method and arguments alone key the call (as before).
    const bare1 = withCache({ crl: async () => 'first' }, cache);
    const bare2 = withCache({ crl: async () => 'second' }, cache);
    expect(await bare1.crl()).toBe('first');
    expect(await bare2.crl()).toBe('first');
    expect(calls).toBe(2);
  });

  it('static fetchers holding different collateral do not share answers', async () => {
    const cache = createCache();
    const a = staticTdxCollateral({
      tcbInfo: '{"tcbInfo":{"id":"TDX","fmspc":"00806f050000","tcbEvaluationDataNumber":16}}',
      tcbInfoIssuerChain: 'chain',
      qeIdentity: '{"enclaveIdentity":{"id":"TD_QE"}}',
      qeIdentityIssuerChain: 'chain',
    });
    const b = staticTdxCollateral({
      tcbInfo: '{"tcbInfo":{"id":"TDX","fmspc":"00806f050000","tcbEvaluationDataNumber":17}}',
      tcbInfoIssuerChain: 'chain',
      qeIdentity: '{"enclaveIdentity":{"id":"TD_QE"}}',
      qeIdentityIssuerChain: 'chain',
    });
    expect(a.cacheScope).not.toBe(b.cacheScope);
    const wa = withCache(a, cache);
    const wb = withCache(b, cache);
    expect((await wa.tcbInfo('00806f050000')).tcbInfo).toContain('16');
    expect((await wb.tcbInfo('00806f050000')).tcbInfo).toContain('17');
  });

  it('a scope cannot spell another prefix', async () => {
    const cache = createCache();
    const a = withCache({ cacheScope: 's', m: async () => 'a' }, cache, 'p');
    // Prefix `p@"s"` is quoted in the key (it holds `"`), so it differs from prefix p + scope s.
    const b = withCache({ m: async () => 'b' }, cache, 'p@"s"');
    expect(await a.m()).toBe('a');
    expect(await b.m()).toBe('b');
  });
});
