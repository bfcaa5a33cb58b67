/**
 * The CLI's on-disk collateral cache (`--cache DIR`, src/cli/network.ts): a response is kept only
 * once the fetcher has accepted it, and an oversize body fails at once instead of being retried.
 * Fake transports; nothing reaches the network.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttestError } from '../../src/core/errors.js';
import {
  cachingFetch,
  createCliNetwork,
  MAX_CACHED_RESPONSE_BYTES,
  type CliFetch,
} from '../../src/cli/network.js';
import { KdsFetchError } from '../../src/fetch/kds.js';
import { PcsFetchError } from '../../src/fetch/pcs.js';
import { tempDir } from '../support/temp-dir.js';

const DAY_MS = 86_400_000;
const FMSPC = '00806f050000';
const CHAIN = encodeURIComponent('-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n');

/** A PCS stand-in whose TCB-info answer can be switched between good and broken. */
function pcsFake(): { fetch: CliFetch; urls: string[]; mode: { broken: boolean } } {
  const urls: string[] = [];
  const mode = { broken: true };
  const fetch: CliFetch = async (url) => {
    urls.push(url);
    const body = url.includes('/tcb?') ? '{"tcbInfo":{}}' : '{"enclaveIdentity":{}}';
    // Broken: a 200 without the issuer-chain header (a misconfigured PCCS, a captive portal).
    const headers: Record<string, string> = mode.broken
      ? {}
      : { 'TCB-Info-Issuer-Chain': CHAIN, 'SGX-Enclave-Identity-Issuer-Chain': CHAIN };
    return new Response(body, { status: 200, headers });
  };
  return { fetch, urls, mode };
}

const network = (dir: string, fetch: CliFetch, retries = 0): ReturnType<typeof createCliNetwork> =>
  createCliNetwork({ cacheDir: dir, cacheTtlMs: DAY_MS, retries, fetch });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('--cache keeps only what the fetcher accepted', () => {
  it('a PCS 200 without its issuer-chain header is not cached: the next run asks again', async () => {
    const dir = tempDir('attestkit-network-cache-');
    const pcs = pcsFake();
    for (const run of [1, 2]) {
      const net = network(dir, pcs.fetch);
      await expect(net.fetchers.tdx.tcbInfo(FMSPC)).rejects.toBeInstanceOf(PcsFetchError);
      expect(net.failures).toHaveLength(1);
      expect(pcs.urls).toHaveLength(run);
      expect(readdirSync(dir)).toEqual([]);
    }
    // Once PCS answers properly, the answer is cached and the next run is served from disk.
    pcs.mode.broken = false;
    const good = await network(dir, pcs.fetch).fetchers.tdx.tcbInfo(FMSPC);
    expect(good.tcbInfoIssuerChain).toContain('BEGIN CERTIFICATE');
    expect(readdirSync(dir)).toHaveLength(1);
    pcs.mode.broken = true; // the server breaks again; the cache still has the good answer
    const again = await network(dir, pcs.fetch).fetchers.tdx.tcbInfo(FMSPC);
    expect(again).toEqual(good);
    expect(pcs.urls).toHaveLength(3);
  });

  it('an entry the fetcher rejects is removed (e.g. written before validation by an older version)', async () => {
    const dir = tempDir('attestkit-network-cache-');
    const pcs = pcsFake();
    // What the old code did: write every 200 straight away.
    const unvalidated = cachingFetch({ cacheDir: dir, cacheTtlMs: DAY_MS, fetch: pcs.fetch });
    const url = `https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=${FMSPC}`;
    await (await unvalidated(url)).arrayBuffer();
    expect(readdirSync(dir)).toHaveLength(1);
    const net = network(dir, pcs.fetch);
    await expect(net.fetchers.tdx.tcbInfo(FMSPC)).rejects.toBeInstanceOf(PcsFetchError);
    expect(pcs.urls).toHaveLength(1); // served from the poisoned entry…
    expect(readdirSync(dir)).toEqual([]); // …which is now gone
    pcs.mode.broken = false;
    await network(dir, pcs.fetch).fetchers.tdx.tcbInfo(FMSPC);
    expect(pcs.urls).toHaveLength(2);
  });

  it('concurrent calls keep their own entries: a rejected one does not block an accepted one', async () => {
    const dir = tempDir('attestkit-network-cache-');
    const urls: string[] = [];
    const fetch: CliFetch = async (url) => {
      urls.push(url);
      await new Promise((r) => setTimeout(r, 5));
      // TCB info lacks its header; QE identity is fine.
      return url.includes('/tcb?')
        ? new Response('{"tcbInfo":{}}', { status: 200 })
        : new Response('{"enclaveIdentity":{}}', {
            status: 200,
            headers: { 'SGX-Enclave-Identity-Issuer-Chain': CHAIN },
          });
    };
    const net = network(dir, fetch);
    const [tcb, qe] = await Promise.allSettled([
      net.fetchers.tdx.tcbInfo(FMSPC),
      net.fetchers.tdx.qeIdentity(),
    ]);
    expect(tcb.status).toBe('rejected');
    expect(qe.status).toBe('fulfilled');
    expect(readdirSync(dir)).toHaveLength(1);
    await network(dir, fetch).fetchers.tdx.qeIdentity();
    await expect(network(dir, fetch).fetchers.tdx.tcbInfo(FMSPC)).rejects.toThrow();
    expect(urls.filter((u) => u.includes('/qe/identity'))).toHaveLength(1);
    expect(urls.filter((u) => u.includes('/tcb?'))).toHaveLength(2);
  });

  it('without --cache nothing is written and nothing changes', async () => {
    const pcs = pcsFake();
    pcs.mode.broken = false;
    const net = createCliNetwork({ cacheTtlMs: DAY_MS, retries: 0, fetch: pcs.fetch });
    await net.fetchers.tdx.tcbInfo(FMSPC);
    await net.fetchers.tdx.tcbInfo(FMSPC);
    expect(pcs.urls).toHaveLength(2);
  });
});

describe('--cache and oversize responses', () => {
  it('an oversize body fails at once with ERR_LIMIT_EXCEEDED, not after every retry', async () => {
    const dir = tempDir('attestkit-network-cache-');
    let requests = 0;
    const fetch: CliFetch = async () => {
      requests++;
      return new Response(new Uint8Array(MAX_CACHED_RESPONSE_BYTES + 1), { status: 200 });
    };
    const net = network(dir, fetch, 3);
    const err: unknown = await net.fetchers.snp.crl('Genoa').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KdsFetchError);
    expect(err).toMatchObject({ attempts: 1 });
    expect((err as KdsFetchError).cause).toBeInstanceOf(AttestError);
    expect((err as KdsFetchError).cause).toMatchObject({ code: 'ERR_LIMIT_EXCEEDED' });
    expect(requests).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    // A declared Content-Length over the limit is refused the same way, before reading.
    const declared: CliFetch = async () => {
      requests++;
      return new Response('x', {
        status: 200,
        headers: { 'content-length': String(MAX_CACHED_RESPONSE_BYTES + 1) },
      });
    };
    await expect(network(dir, declared, 3).fetchers.snp.crl('Genoa')).rejects.toMatchObject({
      attempts: 1,
      cause: expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED', field: 'Content-Length' }),
    });
    expect(requests).toBe(2);
  });
});

describe('the default transport', () => {
  it('passes the fetchers’ redirect mode on to the global fetch', async () => {
    const inits: RequestInit[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      inits.push(init);
      return new Response('x', { status: 404 });
    });
    const f = cachingFetch({ cacheTtlMs: 0 });
    await f('https://pccs.example/x', { headers: { k: 'v' }, redirect: 'error' });
    await f('https://pccs.example/y', { headers: {} });
    expect(inits.map((i) => i.redirect)).toEqual(['error', undefined]);
  });
});
