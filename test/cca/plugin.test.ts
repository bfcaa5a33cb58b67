/** The `cca-token` CLI plugin on the SYNTHETIC demo evidence and on real vectors. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ccaTokenPlugin } from '../../src/cli/plugins/cca.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { describeVectors, readVector, vectorPath } from '../support/vectors.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples/evidence');

function context(
  baseDir: string,
  manifest?: Record<string, unknown>,
  collateralDir?: string,
  nonce?: Uint8Array,
): CliContext {
  const at = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    ...(nonce !== undefined ? { nonce } : {}),
    collateralDir,
    now: undefined,
    manifest,
    baseDir,
    readFile: (p) => new Uint8Array(readFileSync(at(p))),
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
  };
}

/** The realm challenge a verification printed (standing in for the nonce the verifier issued). */
function challengeOf(facts: readonly (readonly [string, string])[] | undefined): Uint8Array {
  const hex = facts?.find(([k]) => k === 'realm challenge')?.[1] ?? '';
  return Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
}

function file(path: string): EvidenceFile {
  return { path, bytes: new Uint8Array(readFileSync(path)), text: undefined };
}

function example(name: string) {
  const dir = join(EXAMPLES, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return { dir, manifest, evidence: file(join(dir, String(manifest.evidence))) };
}

describe('cca-token plugin on the SYNTHETIC demo evidence', () => {
  it('detects, inspects and verifies cca-synthetic as its manifest expects', async () => {
    const { dir, manifest, evidence } = example('cca-synthetic');
    expect(manifest).toMatchObject({ type: 'cca-token', synthetic: true, expectOk: true });
    expect(ccaTokenPlugin.detect(evidence)).toBe(true);
    const i = await ccaTokenPlugin.inspect(evidence, context(dir, manifest));
    expect(i.sections.map((s) => s.heading)).toEqual([
      'Envelope',
      'Platform claims',
      'Software components',
      'Realm claims',
    ]);
    const v = await ccaTokenPlugin.verify(evidence, context(dir, manifest));
    expect(v.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(v.ok).toBe(true);
    const ids = v.checks.map((c) => c.id);
    for (const id of [
      'cca.policy.challenge',
      'cca.policy.rim',
      'cca.policy.implementation-id',
      'cca.realm-log.rem0',
    ]) {
      expect(v.checks.find((c) => c.id === id)?.status, id).toBe('pass');
    }
    expect(ids).toContain('cca.realm-log.rem3');
  });

  it('rejects cca-synthetic-broken-binding on cca.binding', async () => {
    const { dir, manifest, evidence } = example('cca-synthetic-broken-binding');
    expect(manifest.expectOk).toBe(false);
    const v = await ccaTokenPlugin.verify(evidence, context(dir, manifest));
    expect(v.ok).toBe(false);
    expect(v.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['cca.binding']);
  });

  it('without a key the verdict is not verified', async () => {
    const { dir, evidence } = example('cca-synthetic');
    const v = await ccaTokenPlugin.verify(evidence, context(dir, undefined));
    expect(v.ok).toBe(false);
    expect(v.checks.find((c) => c.id === 'cca.platform.signature')?.status).toBe('skip');
  });

  it('does not detect other files', () => {
    for (const bytes of [
      new Uint8Array([0xd9, 0x01, 0x8f, 0xa0]),
      new Uint8Array(100),
      new TextEncoder().encode('{"a":1}'),
    ]) {
      expect(ccaTokenPlugin.detect({ path: 'x', bytes, text: undefined })).toBe(false);
    }
  });
});

describeVectors('cca-token plugin on real vectors with --collateral', () => {
  it('finds the CPAK in a trust-anchor store in the collateral directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attestkit-cca-'));
    try {
      writeFileSync(join(dir, 'ta.json'), readFileSync(vectorPath('cca', 'stores', 'ta-tfa.json')));
      const path = vectorPath('cca', 'tokens', 'rc-cca-token-01.cbor');
      // Without the verifier's nonce the challenge check is a required skip.
      const fresh = await ccaTokenPlugin.verify(file(path), context(dir, undefined, dir));
      expect(fresh.ok).toBe(false);
      const c = fresh.checks.find((x) => x.id === 'cca.policy.challenge')!;
      expect([c.status, c.required]).toEqual(['skip', true]);
      const v = await ccaTokenPlugin.verify(
        file(path),
        context(dir, undefined, dir, challengeOf(fresh.facts)),
      );
      expect(v.ok).toBe(true);
      expect(v.facts?.find(([k]) => k === 'key source')?.[1]).toBe('trust anchors ta.json');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reads a PEM CPAK from the collateral directory and detects every real token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attestkit-cca-'));
    try {
      writeFileSync(
        join(dir, 'cpak.pem'),
        readFileSync(vectorPath('cca', 'keys', 'cpak-tfrmm-p384-pem.pub')),
      );
      const tfm = file(vectorPath('cca', 'tokens', 'tfm-cca-example-token.cbor'));
      const first = await ccaTokenPlugin.verify(tfm, context(dir, undefined, dir));
      const v = await ccaTokenPlugin.verify(
        tfm,
        context(dir, undefined, dir, challengeOf(first.facts)),
      );
      expect(v.ok).toBe(true);
      for (const f of [
        'tokens/rc-cca-token-02.cbor',
        'tokens/tfm-cca-platform-token.cbor',
        'psa/psatoken-psa-iot-1.cbor',
      ]) {
        expect(
          ccaTokenPlugin.detect({ path: f, bytes: readVector('cca', f), text: undefined }),
          f,
        ).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
