/**
 * Exit 3 ("collateral could not be fetched, no verdict") only when the failed downloads explain
 * every failed or required-but-skipped check (each plugin's `fetchDependentChecks`); a check that
 * failed for another reason — a bad signature, an unpinned root — is a verdict: exit 1.
 * The services are a loopback server over the real vectors; tampered evidence is made here.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SNP_FETCH_DEPENDENT_CHECKS } from '../../src/cli/plugins/snp.js';
import { TDX_FETCH_DEPENDENT_CHECKS } from '../../src/cli/plugins/tdx.js';
import { checksNotExplainedByFetch } from '../../src/cli/run.js';
import type { Check } from '../../src/index.js';
import { describeVectors, vectorPath } from '../support/vectors.js';
import { tempDir } from '../support/temp-dir.js';
import { startCollateralServer, type CollateralServer } from './support/collateral-server.js';
import { cli } from './support/run.js';
import { kdsAndPcsRoute, TDX_CASE, tdxNow } from './support/vector-routes.js';

const SNP_NOW = '2025-08-01T00:00:00Z';

const check = (id: string, status: Check['status'], required = true): Check => ({
  id,
  status,
  required,
  message: '',
});

/** snp.collateral as verifySnpReport reports it: missing certificates and problems by source. */
const FETCHED: Record<string, string> = {
  'fetching the VCEK': 'vcek',
  'fetching the ASK/ARK chain': 'certChain',
  'fetching the CRL': 'crl',
};
const collateral = (missing: string[], what: string[]): Check => ({
  ...check('snp.collateral', 'fail'),
  detail: {
    missing,
    problems: what.map((w) => ({
      what: w,
      ...(FETCHED[w] !== undefined ? { fetched: FETCHED[w] } : {}),
      message: '',
    })),
    sources: {},
  },
});

describe('checksNotExplainedByFetch (the exit-3 rule)', () => {
  const ids = (c: Check[]): string[] => c.map((x) => x.id);

  it('a download failure explains the checks that report it and the skips that need it', () => {
    const checks = [
      collateral(
        ['VCEK', 'ASK', 'ARK'],
        ['fetching the VCEK', 'fetching the ASK/ARK chain', 'fetching the CRL'],
      ),
      check('snp.chain.ark', 'skip'),
      check('snp.signature', 'skip'),
      check('snp.crl', 'fail'),
      check('snp.policy.debug', 'skip', false), // not required: irrelevant
      check('snp.report.format', 'pass'),
    ];
    const all = ['vcek', 'certChain', 'crl'].map((item) => ({ item }));
    expect(checksNotExplainedByFetch(checks, SNP_FETCH_DEPENDENT_CHECKS, all)).toEqual([]);
  });

  it('a failed signature, chain or policy check is never explained', () => {
    const checks = [
      collateral([], ['fetching the CRL']),
      check('snp.chain.ark', 'fail'),
      check('snp.signature', 'fail'),
      check('snp.policy.measurement', 'fail'),
    ];
    expect(
      ids(checksNotExplainedByFetch(checks, SNP_FETCH_DEPENDENT_CHECKS, [{ item: 'crl' }])),
    ).toEqual(['snp.chain.ark', 'snp.signature', 'snp.policy.measurement']);
  });

  it('snp.collateral is explained only when every problem and missing certificate is a failed download', () => {
    const rule = (c: Check, items: string[]) =>
      ids(
        checksNotExplainedByFetch(
          [c],
          SNP_FETCH_DEPENDENT_CHECKS,
          items.map((item) => ({ item })),
        ),
      );
    // A malformed certificate table beside a failed CRL download: a verdict.
    expect(rule(collateral([], ['certificate table', 'fetching the CRL']), ['crl'])).toEqual([
      'snp.collateral',
    ]);
    // A masked CHIP_ID (the VCEK was never requested: no `fetched`) beside a CRL 404: a verdict,
    // even if some other VCEK download failed.
    const masked: Check = {
      ...check('snp.collateral', 'fail'),
      detail: {
        missing: ['VCEK'],
        problems: [
          { what: 'fetching the VCEK', message: 'CHIP_ID is masked' },
          { what: 'fetching the CRL', fetched: 'crl', message: '' },
        ],
      },
    };
    expect(rule(masked, ['vcek', 'crl'])).toEqual(['snp.collateral']);
    // A VCEK answer that came but did not parse (no failed download recorded) beside a CRL 404.
    expect(rule(collateral(['VCEK'], ['fetching the VCEK', 'fetching the CRL']), ['crl'])).toEqual([
      'snp.collateral',
    ]);
    // The same with the VCEK download failing too: no verdict.
    expect(
      rule(collateral(['VCEK'], ['fetching the VCEK', 'fetching the CRL']), ['vcek', 'crl']),
    ).toEqual([]);
    // No detail at all: nothing shows a download caused it.
    expect(rule(check('snp.collateral', 'fail'), ['vcek', 'certChain', 'crl'])).toEqual([
      'snp.collateral',
    ]);
  });

  it('a check is explained only by a failed download of an item it needs', () => {
    // snp.crl failing while the CRL itself was fetched is a verdict (e.g. a revoked ASK).
    expect(
      ids(
        checksNotExplainedByFetch([check('snp.crl', 'fail')], SNP_FETCH_DEPENDENT_CHECKS, [
          { item: 'vcek' },
        ]),
      ),
    ).toEqual(['snp.crl']);
    const tdx = [check('tdx.tcb-info.signature', 'fail'), check('tdx.tcb.status', 'skip')];
    expect(
      checksNotExplainedByFetch(tdx, TDX_FETCH_DEPENDENT_CHECKS, [{ item: 'tcbInfo' }]),
    ).toEqual([]);
    expect(
      ids(checksNotExplainedByFetch(tdx, TDX_FETCH_DEPENDENT_CHECKS, [{ item: 'pckCrl' }])),
    ).toEqual(['tdx.tcb-info.signature', 'tdx.tcb.status']);
  });

  it('a plugin without a declaration explains nothing; an unknown id is not explained', () => {
    expect(
      ids(checksNotExplainedByFetch([check('x.y', 'fail')], undefined, [{ item: 'vcek' }])),
    ).toEqual(['x.y']);
    expect(
      ids(
        checksNotExplainedByFetch([check('toString', 'fail')], SNP_FETCH_DEPENDENT_CHECKS, [
          { item: 'vcek' },
        ]),
      ),
    ).toEqual(['toString']);
  });
});

describe('the review case: the SYNTHETIC tampered report with KDS down', () => {
  afterEach(() => vi.restoreAllMocks());

  it('snp.signature failed: exit 1 (a verdict), stderr says why, the failed request is still named', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(() =>
      Promise.resolve(new Response('busy', { status: 503 })),
    );
    const r = await cli(
      'verify',
      'examples/evidence/snp-synthetic-tampered/report.bin',
      '--fetch',
      '--fetch-retries',
      '0',
      '--now',
      '2025-06-01T00:00:00Z',
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[FAIL\] snp\.signature/);
    expect(r.err).toContain('could not fetch crl from AMD KDS');
    expect(r.err).toMatch(
      /not verified whatever the missing collateral would show: .*snp\.signature failed/,
    );
    expect(r.err).not.toContain('no verdict');
  });
});

describeVectors('exit 3 or 1 with --fetch against a loopback KDS/PCS', () => {
  let server: CollateralServer;
  beforeAll(async () => {
    server = await startCollateralServer(kdsAndPcsRoute());
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    server.failWith.clear();
  });

  /** The real Genoa report alone in a directory, optionally with one byte of MEASUREMENT flipped. */
  function genoa(tamper: boolean): string {
    const dir = tempDir('attestkit-cli-exit-');
    const path = join(dir, 'report.bin');
    copyFileSync(vectorPath('snp', 'genoa-v2-oak', 'report.bin'), path);
    if (tamper) {
      const b = readFileSync(path);
      b[0x90] = b[0x90]! ^ 0x01; // MEASUREMENT, inside the signed region
      writeFileSync(path, b);
    }
    return path;
  }

  const verifyGenoa = (path: string): ReturnType<typeof cli> =>
    cli(
      'verify',
      path,
      '--fetch',
      '--kds-url',
      server.url,
      '--product',
      'Genoa',
      '--now',
      SNP_NOW,
      '--fetch-retries',
      '0',
    );

  it('CRL unavailable, report intact: exit 3 (only the CRL is missing)', async () => {
    server.failWith.set('/vcek/v1/Genoa/crl', 404);
    const r = await verifyGenoa(genoa(false));
    expect(r.code).toBe(3);
    expect(r.err).toContain('no verdict');
  });

  it('CRL unavailable, report tampered: exit 1 (snp.signature failed whatever the CRL says)', async () => {
    server.failWith.set('/vcek/v1/Genoa/crl', 404);
    const r = await verifyGenoa(genoa(true));
    expect(r.out).toMatch(/\[FAIL\] snp\.signature/);
    expect(r.code).toBe(1);
    expect(r.err).toContain('could not fetch crl from AMD KDS');
  });

  it('chain unavailable, report intact: exit 3', async () => {
    server.failWith.set('/vcek/v1/Genoa/cert_chain', 404);
    const r = await verifyGenoa(genoa(false));
    expect(r.code).toBe(3);
  });

  it('TDX: TCB info unavailable is exit 3', async () => {
    server.failWith.set('/tdx/certification/v4/tcb', 404);
    const r = await cli(
      'verify',
      vectorPath('tdx', TDX_CASE, 'quote.bin'),
      '--fetch',
      '--pcs-url',
      server.url,
      '--now',
      tdxNow(),
      '--fetch-retries',
      '0',
    );
    expect(r.code).toBe(3);
  });
});
