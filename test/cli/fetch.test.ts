/**
 * `attestkit verify --fetch`: collateral from AMD KDS / Intel PCS through `attestkit/fetch`, the
 * on-disk cache, failures (exit 3), and — without `--fetch` — no network at all. The services are
 * a loopback server over the real vectors (support/vector-routes.ts); nothing reaches the internet.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { USAGE } from '../../src/cli/run.js';
import { describeVectors, readVector, readVectorJson, vectorPath } from '../support/vectors.js';
import { startCollateralServer, type CollateralServer } from './support/collateral-server.js';
import { cli } from './support/run.js';
import { kdsAndPcsRoute, TDX_CASE, tdxNow } from './support/vector-routes.js';
import { tempDir } from '../support/temp-dir.js';

const SNP_NOW = '2025-08-01T00:00:00Z';

function tmp(prefix: string): string {
  return tempDir(`attestkit-cli-${prefix}-`);
}

/** The Genoa report alone in a fresh directory: no VCEK or chain beside it. */
/** `attestkit verify <lone Genoa report> --fetch --kds-url <kds> --product Genoa --now …` + `extra`. */
function fetchGenoa(kds: string, ...extra: string[]): ReturnType<typeof cli> {
  return cli(
    'verify',
    loneGenoaReport(),
    '--fetch',
    '--kds-url',
    kds,
    '--product',
    'Genoa',
    '--now',
    SNP_NOW,
    ...extra,
  );
}

function loneGenoaReport(): string {
  const dir = tmp('snp');
  copyFileSync(vectorPath('snp', 'genoa-v2-oak', 'report.bin'), join(dir, 'report.bin'));
  return join(dir, 'report.bin');
}

const tdxQuote = (): string => vectorPath('tdx', TDX_CASE, 'quote.bin');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function status(result: Json, id: string): string | undefined {
  return (result.checks as Json[]).find((c) => c.id === id)?.status;
}

describe('--help', () => {
  it('documents --fetch as making network requests, its options and exit code 3', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const s of ['--fetch', 'MAKES NETWORK REQUESTS', '--kds-url', '--pcs-url', '--cache'])
      expect(r.out).toContain(s);
    expect(USAGE).toMatch(/3 collateral could not be fetched/);
  });

  it('network options never take effect silently', async () => {
    for (const argv of [
      ['verify', 'x', '--kds-url', 'http://127.0.0.1:9'],
      ['verify', 'x', '--pcs-url', 'http://127.0.0.1:9'],
      ['verify', 'x', '--cache', '/tmp/x'],
      ['verify', 'x', '--fetch', '--cache-ttl', '5'],
      ['inspect', 'x', '--fetch'],
      ['replay', 'x', '--fetch'],
      ['verify', 'x', '--fetch', '--kds-url', 'ftp://example'],
      ['verify', 'x', '--fetch', '--cache-ttl', '-1', '--cache', '/tmp/x'],
      ['verify', 'x', '--fetch', '--cache'],
      ['verify', 'x', '--fetch-retries', '1'],
      ['verify', 'x', '--fetch', '--fetch-retries', '99'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^attestkit: /);
    }
  });
});

describeVectors('verify --fetch against a loopback KDS/PCS', () => {
  let server: CollateralServer;
  beforeAll(async () => {
    server = await startCollateralServer(kdsAndPcsRoute());
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.requests.length = 0;
    server.failWith.clear();
    vi.restoreAllMocks();
  });

  describe('without --fetch nothing touches the network', () => {
    it('SEV-SNP: no request, the global fetch is never called, and the verdict names what is missing', async () => {
      const spy = vi.spyOn(globalThis, 'fetch');
      const r = await cli('verify', loneGenoaReport(), '--now', SNP_NOW, '--json');
      expect(r.code).toBe(1);
      const result = JSON.parse(r.out) as Json;
      expect(status(result, 'snp.collateral')).toBe('fail');
      expect(server.requests).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
    });

    it('TDX: no request; collateral checks are required skips (exit 1)', async () => {
      const spy = vi.spyOn(globalThis, 'fetch');
      const r = await cli('verify', tdxQuote(), '--now', tdxNow(), '--json');
      expect(r.code).toBe(1);
      const result = JSON.parse(r.out) as Json;
      expect(result.tcbStatus).toBeUndefined();
      expect(server.requests).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
    });

    it('kds-url / pcs-url only print URLs (with the given base), they fetch nothing', async () => {
      const spy = vi.spyOn(globalThis, 'fetch');
      const k = await cli(
        'kds-url',
        loneGenoaReport(),
        '--product',
        'Genoa',
        '--kds-url',
        server.url,
        '--json',
      );
      expect(k.code).toBe(0);
      expect((JSON.parse(k.out) as Json).vcekCrl).toBe(`${server.url}/vcek/v1/Genoa/crl`);
      const p = await cli('pcs-url', tdxQuote(), '--pcs-url', `${server.url}/`, '--json');
      expect(p.code).toBe(0);
      expect((JSON.parse(p.out) as Json).rootCaCrl).toBe(
        `${server.url}/sgx/certification/v4/rootcacrl`,
      );
      expect(server.requests).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
    });
  });

  describe('SEV-SNP from AMD KDS', () => {
    it('a lone v2 report verifies with the VCEK, ASK/ARK chain and CRL fetched', async () => {
      const r = await fetchGenoa(server.url, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as Json;
      expect(result.ok).toBe(true);
      expect(result.certificates.sources).toEqual({
        leaf: 'fetcher',
        intermediate: 'fetcher',
        ark: 'fetcher',
        crl: 'fetcher',
      });
      // --fetch makes the CRL required, and the real Genoa CRL does not revoke the ASK.
      expect((result.checks as Json[]).find((c) => c.id === 'snp.crl')).toMatchObject({
        status: 'pass',
        required: true,
      });
      expect(server.requests.map((u) => u.split('?')[0])).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^\/vcek\/v1\/Genoa\/[0-9a-f]{128}$/),
          '/vcek/v1/Genoa/cert_chain',
          '/vcek/v1/Genoa/crl',
        ]),
      );
      expect(server.requests).toHaveLength(3);
    });

    it('fetches only what the evidence lacks (the VCEK beside the report is used)', async () => {
      const r = await cli(
        'verify',
        vectorPath('snp', 'milan-v2-gsg', 'report.bin'),
        '--fetch',
        '--kds-url',
        server.url,
        '--product',
        'Milan',
        '--now',
        SNP_NOW,
        '--json',
      );
      const result = JSON.parse(r.out) as Json;
      expect(result.certificates.sources.leaf).toBe('evidence');
      expect(server.requests.sort()).toEqual(['/vcek/v1/Milan/cert_chain', '/vcek/v1/Milan/crl']);
      // (milan-v2-gsg has a debug policy, which the default policy rejects.)
      expect(status(result, 'snp.chain.vcek')).toBe('pass');
      expect(status(result, 'snp.crl')).toBe('pass');
    });

    it('a 404 from KDS is exit 3 with the URL and status on stderr; stdout keeps the result', async () => {
      server.failWith.set('/vcek/v1/Genoa/cert_chain', 404);
      const r = await fetchGenoa(server.url, '--json');
      expect(r.code).toBe(3);
      expect(r.err).toContain('could not fetch certChain from AMD KDS');
      expect(r.err).toContain('HTTP 404');
      expect(r.err).toContain(`${server.url}/vcek/v1/Genoa/cert_chain`);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      const result = JSON.parse(r.out) as Json;
      expect(result.ok).toBe(false);
      expect(status(result, 'snp.collateral')).toBe('fail');
      // A 4xx is final: asked once.
      expect(server.requests.filter((u) => u.endsWith('/cert_chain'))).toHaveLength(1);
    });

    it('a 500 from KDS is retried (Retry-After honoured), then exit 3', async () => {
      server.failWith.set('/vcek/v1/Genoa/crl', 500);
      const r = await fetchGenoa(server.url);
      expect(r.code).toBe(3);
      expect(r.err).toContain('could not fetch crl from AMD KDS');
      expect(r.err).toContain('HTTP 500');
      expect(r.out).toContain('NOT VERIFIED');
      expect(server.requests.filter((u) => u.endsWith('/crl'))).toHaveLength(4);
    });

    it('a closed port (network error) is exit 3 too', async () => {
      const dead = await startCollateralServer(() => undefined);
      const url = dead.url;
      await dead.close();
      const r = await fetchGenoa(url, '--fetch-retries', '0');
      expect(r.code).toBe(3);
      expect(r.err).toContain('could not fetch vcek from AMD KDS');
      expect(r.err).not.toMatch(/\n\s+at /);
    });

    it('--fetch-retries 0: a 500 is asked once', async () => {
      server.failWith.set('/vcek/v1/Genoa/crl', 500);
      const r = await fetchGenoa(server.url, '--fetch-retries', '0');
      expect(r.code).toBe(3);
      expect(server.requests.filter((u) => u.endsWith('/crl'))).toHaveLength(1);
    });
  });

  it('Azure HCL report: the SEV-SNP report inside verifies with the VCEK, chain and CRL from KDS', async () => {
    const azure = (readVectorJson('azure', 'expected.json').vectors as Json[]).find(
      (v) => v.id === 'azure-snp-genoa-openpcc',
    )!;
    const vcekUrl = new URL(azure.expected.kds_vcek_url as string);
    const vcek = readVector('azure', 'snp-genoa-openpcc', 'vcek.der');
    const kds = kdsAndPcsRoute();
    const azureKds = await startCollateralServer((path, query) =>
      path === vcekUrl.pathname && `?${query.toString()}` === vcekUrl.search
        ? { body: vcek }
        : kds(path, query),
    );
    try {
      const dir = tmp('azure');
      copyFileSync(
        vectorPath('azure', 'snp-genoa-openpcc', 'hcl-report.bin'),
        join(dir, 'hcl.bin'),
      );
      const r = await cli(
        'verify',
        join(dir, 'hcl.bin'),
        '--fetch',
        '--kds-url',
        azureKds.url,
        '--now',
        SNP_NOW,
        '--json',
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as Json;
      expect(result.hardware.certificates.sources).toEqual({
        leaf: 'fetcher',
        intermediate: 'fetcher',
        ark: 'fetcher',
        crl: 'fetcher',
      });
      expect(azureKds.requests).toHaveLength(3);
    } finally {
      await azureKds.close();
    }
  });

  describe('TDX from Intel PCS (or a PCCS)', () => {
    it('a real quote verifies with TCB info, QE identity and both CRLs fetched', async () => {
      const r = await cli(
        'verify',
        tdxQuote(),
        '--fetch',
        '--pcs-url',
        server.url,
        '--now',
        tdxNow(),
        '--json',
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as Json;
      expect(result.ok).toBe(true);
      expect(result.tcbStatus).toBe('UpToDate');
      expect(server.requests.map((u) => u.split('?')[0]).sort()).toEqual([
        '/sgx/certification/v4/pckcrl',
        '/sgx/certification/v4/rootcacrl',
        '/tdx/certification/v4/qe/identity',
        '/tdx/certification/v4/tcb',
      ]);
      expect(server.requests).toContain('/tdx/certification/v4/tcb?fmspc=00806f050000');
      expect(server.requests).toContain('/sgx/certification/v4/pckcrl?ca=platform&encoding=der');
    });

    it('the readable report says the collateral was fetched', async () => {
      const r = await cli(
        'verify',
        tdxQuote(),
        '--fetch',
        '--pcs-url',
        server.url,
        '--now',
        tdxNow(),
      );
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/collateral\s+missing items fetched \(--fetch\)/);
      expect(r.out).toMatch(/TCB status\s+UpToDate/);
      expect(r.out).toContain('VERIFIED');
    });

    it('a 500 from PCS is retried, then exit 3 naming the URL', async () => {
      server.failWith.set('/tdx/certification/v4/tcb', 500);
      const r = await cli(
        'verify',
        tdxQuote(),
        '--fetch',
        '--pcs-url',
        server.url,
        '--now',
        tdxNow(),
        '--json',
      );
      expect(r.code).toBe(3);
      expect(r.err).toContain('could not fetch tcbInfo from Intel PCS');
      expect(r.err).toContain(`${server.url}/tdx/certification/v4/tcb?fmspc=00806f050000`);
      expect(r.err).toContain('HTTP 500');
      expect(JSON.parse(r.out).ok).toBe(false);
      expect(server.requests.filter((u) => u.startsWith('/tdx/certification/v4/tcb'))).toHaveLength(
        4,
      );
    });

    it('a 404 from PCS is exit 3', async () => {
      server.failWith.set('/tdx/certification/v4/qe/identity', 404);
      const r = await cli(
        'verify',
        tdxQuote(),
        '--fetch',
        '--pcs-url',
        server.url,
        '--now',
        tdxNow(),
      );
      expect(r.code).toBe(3);
      expect(r.err).toContain('could not fetch qeIdentity from Intel PCS');
      expect(r.err).toContain('HTTP 404');
    });

    it('a response without the issuer-chain header is exit 3, not a crash', async () => {
      const bare = await startCollateralServer((path, query) => {
        const s = kdsAndPcsRoute()(path, query);
        if (s === undefined || path !== '/tdx/certification/v4/tcb') return s;
        return { body: s.body ?? '' }; // headers dropped
      });
      try {
        const r = await cli(
          'verify',
          tdxQuote(),
          '--fetch',
          '--pcs-url',
          bare.url,
          '--now',
          tdxNow(),
        );
        expect(r.code).toBe(3);
        expect(r.err).toContain('TCB-Info-Issuer-Chain');
      } finally {
        await bare.close();
      }
    });
  });

  describe('--cache DIR', () => {
    it('the second SEV-SNP run is served from the cache: no request reaches the server', async () => {
      const cache = tmp('cache');
      const report = loneGenoaReport();
      const args = [
        'verify',
        report,
        '--fetch',
        '--kds-url',
        server.url,
        '--product',
        'Genoa',
        '--now',
        SNP_NOW,
        '--cache',
        cache,
      ];
      const first = await cli(...args);
      expect(first.code).toBe(0);
      expect(server.requests).toHaveLength(3);
      const files = readdirSync(cache);
      expect(files).toHaveLength(3);
      expect(files.every((f) => /^[0-9a-f]{64}\.json$/.test(f))).toBe(true); // no temp files left
      const entry = JSON.parse(readFileSync(join(cache, files[0]!), 'utf8')) as Json;
      expect(entry.url.startsWith(`${server.url}/vcek/v1/Genoa/`)).toBe(true);

      server.requests.length = 0;
      const second = await cli(...args);
      expect(second.code).toBe(0);
      expect(second.out).toBe(first.out);
      expect(server.requests).toEqual([]);

      // --cache-ttl 0: every cached response is stale, so everything is fetched again.
      const third = await cli(...args, '--cache-ttl', '0');
      expect(third.code).toBe(0);
      expect(server.requests).toHaveLength(3);
    });

    it('a response over 1 MiB is not read into the cache: exit 3, the body is not buffered', async () => {
      const route = kdsAndPcsRoute();
      const huge = await startCollateralServer((path, query) =>
        path === '/vcek/v1/Genoa/cert_chain'
          ? { body: new Uint8Array((1 << 20) + 1) } // chunked by node:http, so no Content-Length check
          : route(path, query),
      );
      try {
        const r = await fetchGenoa(huge.url, '--cache', tmp('cache'), '--fetch-retries', '0');
        expect(r.code).toBe(3);
        expect(r.err).toContain('larger than 1048576 bytes');
      } finally {
        await huge.close();
      }
    });

    it('the second TDX run is served from the cache, issuer-chain headers included', async () => {
      const cache = tmp('cache');
      const args = ['verify', tdxQuote(), '--fetch', '--pcs-url', server.url, '--now', tdxNow()];
      const first = await cli(...args, '--cache', cache);
      expect(first.code).toBe(0);
      expect(server.requests).toHaveLength(4);
      server.requests.length = 0;
      const second = await cli(...args, '--cache', cache, '--json');
      expect(second.code).toBe(0);
      expect(JSON.parse(second.out).tcbStatus).toBe('UpToDate');
      expect(server.requests).toEqual([]);
    });

    it('failures are not cached; an unreadable cache file is refetched and replaced', async () => {
      const cache = tmp('cache');
      const args = ['verify', tdxQuote(), '--fetch', '--pcs-url', server.url, '--now', tdxNow()];
      server.failWith.set('/tdx/certification/v4/qe/identity', 404);
      expect((await cli(...args, '--cache', cache)).code).toBe(3);
      expect(readdirSync(cache)).toHaveLength(3); // the three that succeeded
      server.failWith.clear();
      server.requests.length = 0;
      // Corrupt every entry: empty, JSON null, and a valid entry for another URL.
      const corrupt = [
        '',
        'null',
        JSON.stringify({
          url: 'http://elsewhere/',
          fetchedAt: new Date().toISOString(),
          status: 200,
          headers: [],
          body: '',
        }),
      ];
      readdirSync(cache).forEach((f, i) => writeFileSync(join(cache, f), corrupt[i % 3]!));
      expect((await cli(...args, '--cache', cache)).code).toBe(0);
      expect(server.requests).toHaveLength(4);
      expect(readdirSync(cache)).toHaveLength(4);
      expect(existsSync(join(cache, readdirSync(cache)[0]!))).toBe(true);
    });
  });
});
