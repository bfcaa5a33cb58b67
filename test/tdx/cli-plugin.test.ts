/** The `tdx-quote` CLI plugin over the SYNTHETIC demo evidence and real vectors. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { tdxQuotePlugin } from '../../src/cli/plugins/tdx.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { describeVectors } from '../support/vectors.js';
import { evaluationCollateral, quoteBytes, quoteCases } from './support/vector-cases.js';
import { tempDir } from '../support/temp-dir.js';

const examples = resolve(__dirname, '../../examples/evidence');

function file(path: string): EvidenceFile {
  const b = readFileSync(path);
  return {
    path,
    bytes: new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
    text: undefined,
  };
}

function ctx(baseDir: string, extra: Partial<CliContext> = {}): CliContext {
  const at = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    collateralDir: undefined,
    now: undefined,
    manifest: undefined,
    baseDir,
    readFile: (p) => new Uint8Array(readFileSync(at(p))),
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
    ...extra,
  };
}

describe('tdx-quote plugin: SYNTHETIC demo evidence', () => {
  const dirs = existsSync(examples)
    ? readdirSync(examples).filter((d) => d.startsWith('tdx-'))
    : [];
  it('the generator has produced the demo cases', () => {
    expect(dirs).toEqual(expect.arrayContaining(['tdx-synthetic', 'tdx-synthetic-debug-td']));
  });
  for (const d of dirs) {
    it(`${d}: detect, inspect, verify as the manifest expects`, async () => {
      const base = join(examples, d);
      const manifest = JSON.parse(readFileSync(join(base, 'manifest.json'), 'utf8'));
      expect(manifest.synthetic).toBe(true);
      expect(manifest.type).toBe('tdx-quote');
      const f = file(join(base, manifest.evidence));
      expect(tdxQuotePlugin.detect(f)).toBe(true);
      const i = await tdxQuotePlugin.inspect(f, ctx(base));
      expect(i.sections.map((s) => s.heading)).toContain('TD report (TDX 1.0)');
      const v = await tdxQuotePlugin.verify(f, ctx(base, { manifest }));
      expect(v.ok).toBe(manifest.expectOk !== false);
      expect(v.facts).toContainEqual(['TCB status', 'UpToDate']);
      // Without the manifest's pin the synthetic root is not trusted.
      const unpinned = await tdxQuotePlugin.verify(
        f,
        ctx(base, { manifest: { ...manifest, rootPins: undefined } }),
      );
      expect(unpinned.ok).toBe(false);
      expect(unpinned.checks.find((c) => c.id === 'tdx.chain.pck')?.status).toBe('fail');
    });
  }
});

describeVectors('tdx-quote plugin: real quotes', () => {
  it('detects every real quote and nothing else', () => {
    for (const { dir } of quoteCases()) {
      expect(
        tdxQuotePlugin.detect({ path: dir, bytes: quoteBytes(dir), text: undefined }),
        dir,
      ).toBe(true);
    }
    expect(tdxQuotePlugin.detect({ path: 'x', bytes: new Uint8Array(5000), text: undefined })).toBe(
      false,
    );
    expect(
      tdxQuotePlugin.detect({
        path: 'x',
        bytes: new TextEncoder().encode('{"tcbInfo":{}}'),
        text: '{}',
      }),
    ).toBe(false);
  });

  it('verifies with --collateral DIR (one file per item) and --now', async () => {
    const { dir, expected } = quoteCases().find((c) => c.dir === 'zkdcap-v4')!;
    const ev = expected.tcb_evaluations[0];
    const col = evaluationCollateral(dir, ev);
    const tmp = tempDir('attestkit-tdx-col-');
    writeFileSync(join(tmp, 'tcb-info.json'), col.tcbInfo);
    writeFileSync(join(tmp, 'tcb-info-issuer-chain.pem'), col.tcbInfoIssuerChain);
    writeFileSync(join(tmp, 'qe-identity.json'), col.qeIdentity);
    writeFileSync(join(tmp, 'qe-identity-issuer-chain.pem'), col.qeIdentityIssuerChain);
    writeFileSync(join(tmp, 'pck-crl.der'), col.pckCrl as Uint8Array);
    writeFileSync(join(tmp, 'root-ca-crl.der'), col.rootCaCrl as Uint8Array);
    const f = { path: dir, bytes: quoteBytes(dir), text: undefined };
    const v = await tdxQuotePlugin.verify(
      f,
      ctx(tmp, {
        collateralDir: tmp,
        now: new Date(ev.suggested_verification_time),
        manifest: { policy: { requireSeptVeDisable: false } },
      }),
    );
    expect(v.facts).toContainEqual(['TCB status', 'UpToDate']);
    expect(v.ok).toBe(true);
  });
});
