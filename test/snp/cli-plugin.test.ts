/** The `snp-report` CLI plugin on the SYNTHETIC demo evidence and on real vectors via --collateral. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snpReportPlugin } from '../../src/cli/plugins/snp.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { describeVectors, readVector, readVectorText, vectorPath } from '../support/vectors.js';
import { tempDir } from '../support/temp-dir.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples/evidence');

function ctxFor(
  baseDir: string,
  manifest?: Record<string, unknown>,
  extra: Partial<CliContext> = {},
): CliContext {
  const at = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    collateralDir: undefined,
    now: undefined,
    manifest,
    baseDir,
    readFile: (p) => new Uint8Array(readFileSync(at(p))),
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
    ...extra,
  };
}

function fileAt(path: string): EvidenceFile {
  return { path, bytes: new Uint8Array(readFileSync(path)), text: undefined };
}

describe('snp-report plugin on the synthetic demo evidence', () => {
  for (const name of ['snp-synthetic', 'snp-synthetic-tampered']) {
    it(`${name} behaves as its manifest says`, async () => {
      const dir = join(EXAMPLES, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest.synthetic).toBe(true);
      expect(manifest.type).toBe('snp-report');
      const file = fileAt(join(dir, String(manifest.evidence)));
      expect(snpReportPlugin.detect(file)).toBe(true);
      const v = await snpReportPlugin.verify(file, ctxFor(dir, manifest));
      expect(v.ok).toBe(manifest.expectOk !== false);
      if (manifest.expectOk === false) {
        expect(v.checks.find((c) => c.id === 'snp.signature')!.status).toBe('fail');
      } else {
        expect(v.checks.find((c) => c.id === 'snp.crl')).toMatchObject({
          status: 'pass',
          required: true,
        });
        expect(v.checks.find((c) => c.id === 'snp.policy.measurement')!.status).toBe('pass');
      }
      expect(v.facts!.some(([k, val]) => k === 'root pins' && /REPLACED/.test(val))).toBe(true);
      const i = await snpReportPlugin.inspect(file, ctxFor(dir, manifest));
      expect(i.sections.length).toBeGreaterThan(2);
    });
  }

  it('does not detect other files', () => {
    expect(
      snpReportPlugin.detect({ path: 'x', bytes: new Uint8Array(1184), text: undefined }),
    ).toBe(false);
    expect(snpReportPlugin.detect({ path: 'x', bytes: new Uint8Array(10), text: undefined })).toBe(
      false,
    );
  });
});

describeVectors('snp-report plugin with --collateral', () => {
  it('verifies a real report with collateral files in a directory', async () => {
    const dir = tempDir('attestkit-snp-');
    writeFileSync(join(dir, 'vcek.der'), readVector('snp', 'genoa-v2-oak', 'vcek.der'));
    writeFileSync(join(dir, 'ask_ark.pem'), readVectorText('snp', 'roots', 'ask_ark_genoa.pem'));
    writeFileSync(join(dir, 'crl.der'), readVector('snp', 'crl', 'genoa_ark.crl.der'));
    const report = vectorPath('snp', 'genoa-v2-oak', 'report.bin');
    const v = await snpReportPlugin.verify(
      fileAt(report),
      ctxFor(resolve(report, '..'), undefined, {
        collateralDir: dir,
        now: new Date('2025-08-01T00:00:00Z'),
      }),
    );
    expect(v.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.checks.find((c) => c.id === 'snp.crl')!.status).toBe('pass');
  });

  it('finds AMD-named bundles (ask_ark_<product>.pem) in the collateral directory', async () => {
    const report = vectorPath('snp', 'turin-v5-oak', 'report.bin');
    const v = await snpReportPlugin.verify(
      fileAt(report),
      ctxFor(resolve(report, '..'), undefined, {
        collateralDir: vectorPath('snp', 'roots'),
        now: new Date('2025-08-01T00:00:00Z'),
      }),
    );
    // vcek.der sits next to the report; the Turin bundle is picked from the roots directory.
    expect(v.ok).toBe(true);
  });
});
