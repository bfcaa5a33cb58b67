/** The CLI plugins `azure-hcl-report` and `cvm-bundle`, driven like `attestkit demo` drives them. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  azureHclReportPlugin,
  bindingPlugins,
  cvmBundlePlugin,
} from '../../src/cli/plugins/binding.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { describeVectors, vectorPath } from '../support/vectors.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fileAt(path: string): EvidenceFile {
  const b = readFileSync(path);
  const bytes = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if ([...text.slice(0, 4096)].some((c) => c.charCodeAt(0) < 9)) text = undefined;
  } catch {
    text = undefined;
  }
  return { path, bytes, text };
}

function contextFor(
  baseDir: string,
  manifest?: Record<string, unknown>,
  nonce?: Uint8Array,
): CliContext {
  const at = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    ...(nonce !== undefined ? { nonce } : {}),
    collateralDir: undefined,
    now: undefined,
    manifest,
    baseDir,
    readFile: (p) => {
      const b = readFileSync(at(p));
      return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    },
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
  };
}

describe('cvm-bundle plugin on the generated SYNTHETIC demo evidence', () => {
  for (const name of ['cvm-synthetic', 'cvm-synthetic-report-not-measured']) {
    const dir = join(root, 'examples', 'evidence', name);
    it(`${name}: detected, inspected, verified as the manifest expects`, async () => {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest.synthetic).toBe(true);
      const file = fileAt(join(dir, String(manifest.evidence)));
      expect(bindingPlugins.find((p) => p.detect(file))?.id).toBe('cvm-bundle');
      expect(azureHclReportPlugin.detect(file)).toBe(false);
      const ctx = contextFor(dir, manifest);
      const ins = await cvmBundlePlugin.inspect(file, ctx);
      expect(ins.sections[0]!.rows.find(([k]) => k === 'binding')?.[1]).toBe('svsm, pcr');
      const v = await cvmBundlePlugin.verify(file, ctx);
      expect(v.ok).toBe(manifest.expectOk !== false);
      if (v.ok) expect(v.checks.every((c) => c.status !== 'fail')).toBe(true);
      else expect(v.checks.find((c) => c.id === 'binding.pcr.event')?.status).toBe('fail');
    });
  }
});

describe("cvm-bundle plugin: the verifier options are never the bundle's", () => {
  const dir = join(root, 'examples', 'evidence', 'cvm-synthetic');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = fileAt(join(dir, 'cvm.json'));
  const demoNonce = Uint8Array.from(String(manifest.nonce).match(/../g)!, (x) => parseInt(x, 16));

  it('outside the demo (no manifest) the synthetic bundle does not verify: its roots are not pinned', async () => {
    // The verifier's nonce (--nonce) is the one the demo manifest names: only the pins are missing.
    const v = await cvmBundlePlugin.verify(file, contextFor(dir, undefined, demoNonce));
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'snp.chain.ark')?.status).toBe('fail');
  });

  it('options written into the bundle itself (root pins, time, policy) are ignored, and said to be', async () => {
    // SYNTHETIC: the review's attack, a bundle that pins its own test root.
    const json = JSON.parse(file.text!) as Record<string, unknown>;
    json.options = manifest.options;
    const text = JSON.stringify(json);
    const forged: EvidenceFile = {
      path: file.path,
      bytes: new TextEncoder().encode(text),
      text,
    };
    const v = await cvmBundlePlugin.verify(forged, contextFor(dir, undefined, demoNonce));
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'snp.chain.ark')?.status).toBe('fail');
    expect(v.facts?.find(([k]) => k === 'bundle options')?.[1]).toMatch(/ignored/);
    // The same options from the verifier's side (the demo manifest) verify it.
    expect((await cvmBundlePlugin.verify(forged, contextFor(dir, manifest))).ok).toBe(true);
  });
});

describeVectors('azure-hcl-report plugin on the real Azure HCL reports', () => {
  it('SNP flavour with the VCEK bundle: verified; without it: not', async () => {
    const dir = vectorPath('azure', 'snp-milan-trustee');
    const file = fileAt(join(dir, 'hcl-report.bin'));
    expect(azureHclReportPlugin.detect(file)).toBe(true);
    expect(cvmBundlePlugin.detect(file)).toBe(false);
    const ins = await azureHclReportPlugin.inspect(file, contextFor(dir));
    expect(ins.title).toMatch(/SNP/);
    expect(ins.sections.flatMap((s) => s.rows).some(([k]) => k === 'HCLAkPub')).toBe(true);
    const withCerts = await azureHclReportPlugin.verify(
      file,
      contextFor(dir, { vcek: 'vcek.pem', chain: 'vcek.pem', now: '2025-07-01T00:00:00Z' }),
    );
    expect(withCerts.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(withCerts.ok).toBe(true);
    const bare = await azureHclReportPlugin.verify(
      file,
      contextFor(dir, { now: '2025-07-01T00:00:00Z' }),
    );
    expect(bare.ok).toBe(false);
    expect(bare.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('pass');
  });

  it('TDX flavour: the binding needs the TD quote, so the HCL report alone does not verify', async () => {
    const dir = vectorPath('azure', 'tdx-trustee');
    const file = fileAt(join(dir, 'hcl-report.bin'));
    expect(azureHclReportPlugin.detect(file)).toBe(true);
    const v = await azureHclReportPlugin.verify(file, contextFor(dir));
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'binding.hcl.td-report')?.status).toBe('skip');
  });
});
