/**
 * The `attestkit` entry point as a real process (`src/cli/main.ts` through tsx — the same code
 * tsup bundles into `dist/cli/main.js`): exit codes reach the shell, and a `--fetch` run exits
 * on its own once done (no socket keeps it alive).
 */
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeVectors, vectorPath } from '../support/vectors.js';
import { startCollateralServer, type CollateralServer } from './support/collateral-server.js';
import { kdsRoute } from './support/vector-routes.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Async on purpose: the loopback server lives in this process and must keep answering. */
function attestkit(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 30_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('attestkit process: exit codes', () => {
  it('--help is 0; no command is usage and 2; an unknown option is 2', async () => {
    const [help, none, bad] = await Promise.all([
      attestkit('--help'),
      attestkit(),
      attestkit('verify', 'x', '--frobnicate'),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('MAKES NETWORK REQUESTS');
    expect(none.code).toBe(2);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown option --frobnicate');
  });

  it('a missing file is 2 with one line, not a stack trace', async () => {
    const r = await attestkit('verify', '/nonexistent/attestkit/report.bin');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^attestkit: ENOENT/);
  });
});

describeVectors('attestkit process: --fetch', () => {
  let server: CollateralServer;
  let report: string;
  beforeAll(async () => {
    server = await startCollateralServer(kdsRoute());
    const dir = tempDir('attestkit-cli-proc-');
    report = join(dir, 'report.bin');
    copyFileSync(vectorPath('snp', 'genoa-v2-oak', 'report.bin'), report);
  });
  afterAll(async () => {
    await server.close();
  });

  const args = (): string[] => [
    'verify',
    report,
    '--fetch',
    '--kds-url',
    server.url,
    '--product',
    'Genoa',
    '--now',
    '2025-08-01T00:00:00Z',
  ];

  it('verified with fetched collateral: exit 0', async () => {
    const r = await attestkit(...args());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VERIFIED: ');
  });

  it('KDS answers 404: exit 3', async () => {
    server.failWith.set('/vcek/v1/Genoa/crl', 404);
    try {
      const r = await attestkit(...args());
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('could not fetch crl from AMD KDS: KDS answered HTTP 404');
      expect(r.stdout).toContain('NOT VERIFIED');
    } finally {
      server.failWith.clear();
    }
  });

  it('no --fetch: exit 1 and the server sees nothing', async () => {
    server.requests.length = 0;
    const r = await attestkit('verify', report, '--now', '2025-08-01T00:00:00Z');
    expect(r.code).toBe(1);
    expect(server.requests).toEqual([]);
  });
});
