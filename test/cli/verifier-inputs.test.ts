/**
 * `verify` takes freshness and trust anchors from the verifier, never from the evidence:
 * `--nonce`, `--ak` and `--allow-sha1` (demo: the manifest's `nonce`, `ak`, `allowSha1`). A
 * bundle's own `nonce` / `allowSha1` are ignored, and a tpm-quote without a trusted AK is NOT
 * VERIFIED (`cli.ak-anchor`, a required skip). Forged quotes are SYNTHETIC (test keys).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cvmBundlePlugin } from '../../src/cli/plugins/binding.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { forgeKey, forgeQuote } from '../tpm/support/forge.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support/run.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EX = 'examples/evidence';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const json = (p: string): Json => JSON.parse(readFileSync(p, 'utf8')) as Json;
const status = (r: Json, id: string): string | undefined =>
  (r.checks as Json[]).find((c) => c.id === id)?.status;

/** A SYNTHETIC quote bundle signed by a key of the attacker's own, with its own nonce and SHA-1. */
async function forgedBundle(): Promise<{
  path: string;
  nonce: Uint8Array;
  akPem: string;
  akTpmt: string;
}> {
  const key = await forgeKey('p256');
  const nonce = new Uint8Array(32).fill(0x42);
  const pcrs = { sha1: { 0: new Uint8Array(20).fill(0xaa) } };
  const q = await forgeQuote({ key, selection: [['sha1', [0]]], pcrs, nonce });
  const dir = tempDir('attestkit-cli-forged-');
  const path = join(dir, 'quote.json');
  writeFileSync(
    path,
    JSON.stringify({
      format: 'attestkit-tpm-quote/1',
      attest: hex(q.attest),
      signature: hex(q.signature),
      akPublic: hex(key.publicArea),
      nonce: hex(nonce),
      allowSha1: true,
      pcrs: { sha1: { 0: hex(pcrs.sha1[0]) } },
    }),
  );
  writeFileSync(join(dir, 'ak.pem'), key.pem);
  writeFileSync(join(dir, 'ak.tpmt'), key.publicArea);
  return { path, nonce, akPem: join(dir, 'ak.pem'), akTpmt: join(dir, 'ak.tpmt') };
}

describe('tpm-quote: the nonce, SHA-1 acceptance and the AK are the verifier’s', () => {
  it('a quote forged with its own key, nonce and allowSha1 is NOT VERIFIED (exit 1)', async () => {
    const { path } = await forgedBundle();
    const r = await cli('verify', path, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect(result.ok).toBe(false);
    expect(result.pcrs).toEqual({});
    const anchor = (result.checks as Json[]).find((c) => c.id === 'cli.ak-anchor');
    expect(anchor).toMatchObject({ status: 'skip', required: true });
    expect(anchor?.message).toMatch(/--ak FILE/);
    expect(status(result, 'tpm.quote.nonce')).toBe('skip'); // the bundle's nonce is not used
    expect(status(result, 'tpm.quote.sha1')).toBe('fail'); // nor its allowSha1
  });

  it('the readable report says where the AK and the nonce came from, and that the bundle’s are ignored', async () => {
    const { path } = await forgedBundle();
    const r = await cli('verify', path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/AK source\s+the bundle \(untrusted: pass --ak FILE\)/);
    expect(r.out).toMatch(/nonce\s+none given \(pass --nonce HEX\)/);
    expect(r.out).toMatch(/bundle nonce \/ allowSha1\s+ignored/);
    expect(r.out).toMatch(/\[skip\] cli\.ak-anchor .*\(required\)/);
    expect(r.out).toContain('NOT VERIFIED');
  });

  it('with --nonce, --ak (TPMT_PUBLIC) and --allow-sha1 the same forged quote verifies: they are the inputs', async () => {
    const { path, nonce, akTpmt } = await forgedBundle();
    const r = await cli('verify', path, '--nonce', hex(nonce), '--ak', akTpmt, '--allow-sha1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[PASS\] cli\.ak-anchor .*--ak /);
    expect(r.out).toMatch(/\[PASS\] tpm\.quote\.ak-attributes /);
  });

  it('with --ak as a PEM key the AK’s attributes cannot be checked: a required skip, NOT VERIFIED (exit 1)', async () => {
    const { path, nonce, akPem } = await forgedBundle();
    const r = await cli(
      'verify',
      path,
      '--nonce',
      hex(nonce),
      '--ak',
      akPem,
      '--allow-sha1',
      '--json',
    );
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect(result.ok).toBe(false);
    expect((result.checks as Json[]).find((c) => c.id === 'tpm.quote.ak-attributes')).toMatchObject(
      { status: 'skip', required: true },
    );
    expect(status(result, 'tpm.quote.signature')).toBe('pass');
    expect(status(result, 'cli.ak-anchor')).toBe('pass');
    expect(result.pcrs).toEqual({});
  });

  it('--ak with another key fails the signature', async () => {
    const a = await forgedBundle();
    const b = await forgedBundle();
    const r = await cli(
      'verify',
      a.path,
      '--nonce',
      hex(a.nonce),
      '--ak',
      b.akPem,
      '--allow-sha1',
      '--json',
    );
    expect(r.code).toBe(1);
    expect(status(JSON.parse(r.out) as Json, 'tpm.quote.signature')).toBe('fail');
  });

  it('the demo’s replayed (wrong-nonce) quote does not verify outside the demo', async () => {
    const r = await cli('verify', join(EX, 'tpm-swtpm-quote-wrong-nonce', 'quote.json'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('NOT VERIFIED');
  });

  it('the swtpm quote verifies with the verifier’s nonce and AK (TPM2B_PUBLIC file), and fails on another nonce', async () => {
    const m = json(join(EX, 'tpm-swtpm-quote', 'manifest.json'));
    const other = json(join(EX, 'tpm-swtpm-quote-wrong-nonce', 'manifest.json'));
    const quote = join(EX, 'tpm-swtpm-quote', 'quote.json');
    const ak = join(EX, 'tpm-swtpm-quote', String(m.ak));
    const ok = await cli('verify', quote, '--nonce', String(m.nonce), '--ak', ak);
    expect(ok.code).toBe(0);
    const bad = await cli('verify', quote, '--nonce', String(other.nonce), '--ak', ak, '--json');
    expect(bad.code).toBe(1);
    const failed = (JSON.parse(bad.out) as Json).checks.filter((c: Json) => c.status === 'fail');
    expect(failed.map((c: Json) => c.id)).toEqual(['tpm.quote.nonce']);
  });
});

describe('cvm-bundle: the verifier’s nonce, never the bundle’s', () => {
  const dir = join(EX, 'cvm-synthetic');
  const manifest = json(join(dir, 'manifest.json'));
  const bytes = new Uint8Array(readFileSync(join(dir, 'cvm.json')));
  const file: EvidenceFile = {
    path: join(dir, 'cvm.json'),
    bytes,
    text: new TextDecoder().decode(bytes),
  };
  const ctx = (m: Json, extra: Partial<CliContext> = {}): CliContext => ({
    collateralDir: undefined,
    now: undefined,
    manifest: m,
    baseDir: dir,
    readFile: (p) => new Uint8Array(readFileSync(join(dir, p))),
    readText: (p) => readFileSync(join(dir, p), 'utf8'),
    exists: () => false,
    ...extra,
  });
  const without = (k: string): Json =>
    Object.fromEntries(Object.entries(manifest).filter(([x]) => x !== k));

  it('the SYNTHETIC demo bundle verifies with the manifest nonce', async () => {
    expect((await cvmBundlePlugin.verify(file, ctx(manifest))).ok).toBe(true);
  });

  it('without a verifier nonce the bundle’s own is never used: its svsm binding cannot be checked (exit 2)', async () => {
    await expect(cvmBundlePlugin.verify(file, ctx(without('nonce')))).rejects.toMatchObject({
      code: 'ERR_MISSING_FIELD',
      message: expect.stringContaining('--nonce') as unknown as string,
    });
  });

  it("an akProof nonce in the bundle is ignored: the certify is compared with the verifier's", async () => {
    const json = JSON.parse(file.text!) as Json;
    (json.tpm as Json).akProof = {
      ...((json.tpm as Json).akProof as Json),
      nonce: '11'.repeat(32),
    };
    const text = JSON.stringify(json);
    const forged = { path: file.path, bytes: new TextEncoder().encode(text), text };
    const v = await cvmBundlePlugin.verify(forged, ctx(manifest));
    expect(v.ok).toBe(true);
    expect(v.facts?.find(([k]) => k === 'bundle nonce / allowSha1')?.[1]).toMatch(/ignored/);
  });

  it('another verifier nonce (manifest, or --nonce) fails freshness', async () => {
    const other = 'ff'.repeat(64);
    for (const c of [
      ctx({ ...manifest, nonce: other }),
      ctx({ ...without('nonce'), options: { ...(manifest.options as Json), nonce: other } }),
      ctx(without('nonce'), { nonce: Uint8Array.from(Buffer.from(other, 'hex')) }),
    ]) {
      const v = await cvmBundlePlugin.verify(file, c);
      expect(v.ok).toBe(false);
      expect(v.checks.find((x) => x.id === 'binding.cvm.nonce')?.status).toBe('fail');
    }
  });

  it('a manifest giving the nonce twice (nonce and options.nonce) is refused', async () => {
    const twice = ctx({
      ...manifest,
      options: { ...(manifest.options as Json), nonce: 'ff'.repeat(64) },
    });
    await expect(cvmBundlePlugin.verify(file, twice)).rejects.toMatchObject({
      code: 'ERR_BAD_JSON',
    });
  });

  it('verify --nonce reaches the bundle (its roots are not pinned outside the demo: exit 1)', async () => {
    const r = await cli('verify', file.path, '--nonce', String(manifest.nonce), '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect(status(result, 'binding.cvm.nonce')).toBe('pass');
    const r2 = await cli('verify', file.path, '--nonce', 'ff'.repeat(64), '--json');
    expect(status(JSON.parse(r2.out) as Json, 'binding.cvm.nonce')).toBe('fail');
  });
});

describe('cca-token: --nonce is the expected challenge', () => {
  it('sets policy.challenge (cca.policy.challenge passes with the right one, fails otherwise)', async () => {
    const m = json(join(EX, 'cca-synthetic', 'manifest.json'));
    const token = join(EX, 'cca-synthetic', 'token.cbor');
    const right = await cli('verify', token, '--nonce', String(m.challenge), '--json');
    expect(status(JSON.parse(right.out) as Json, 'cca.policy.challenge')).toBe('pass');
    const wrong = await cli('verify', token, '--nonce', '00'.repeat(64), '--json');
    expect(wrong.code).toBe(1);
    expect(status(JSON.parse(wrong.out) as Json, 'cca.policy.challenge')).toBe('fail');
  });

  it('without --nonce the challenge check is a required skip: NOT VERIFIED, exit 1', async () => {
    const token = join(EX, 'cca-synthetic', 'token.cbor');
    const r = await cli('verify', token, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as Json;
    expect(out.ok).toBe(false);
    const c = (out.checks as Json[]).find((x) => x.id === 'cca.policy.challenge')!;
    expect(c.status).toBe('skip');
    expect(c.required).toBe(true);
  });
});

describe('--nonce, --ak and --allow-sha1 are decoded strictly and never take no effect', () => {
  it('bad values and wrong commands are usage errors (exit 2)', async () => {
    const quote = join(EX, 'tpm-swtpm-quote', 'quote.json');
    const junk = join(tempDir('attestkit-cli-ak-'), 'junk.bin');
    writeFileSync(junk, 'not a key at all');
    for (const argv of [
      ['verify', quote, '--nonce', 'xyz'],
      ['verify', quote, '--nonce', '0x0011'],
      ['verify', quote, '--nonce', 'abc'],
      ['verify', quote, '--nonce', ''],
      ['verify', quote, '--nonce', '00'.repeat(65)],
      ['verify', quote, '--nonce'],
      ['verify', quote, '--ak', '/nonexistent/attestkit/ak.pub'],
      ['verify', quote, '--ak', junk],
      ['inspect', quote, '--nonce', '00'],
      ['demo', EX, '--ak', junk],
      ['replay', quote, '--allow-sha1'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^attestkit: /);
    }
  });

  it('a flag the evidence type does not use is refused, naming the types that use it', async () => {
    const ak = join(EX, 'tpm-swtpm-quote', 'ak.pub');
    const cases: [string[], RegExp][] = [
      [
        ['verify', join(EX, 'snp-synthetic', 'report.bin'), '--nonce', '00'],
        /--nonce has no effect on snp-report/,
      ],
      [
        ['verify', join(EX, 'cvm-synthetic', 'cvm.json'), '--ak', ak],
        /--ak has no effect on cvm-bundle .*tpm-quote/,
      ],
      [
        ['verify', join(EX, 'cca-synthetic', 'token.cbor'), '--allow-sha1'],
        /--allow-sha1 has no effect on cca-token/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('the usage text documents the three flags', async () => {
    const r = await cli('--help');
    for (const s of ['--nonce HEX', '--ak FILE', '--allow-sha1']) expect(r.out).toContain(s);
  });

  it('a copied AK next to a copied bundle is just as untrusted: only --ak (or a manifest) anchors', async () => {
    const d = tempDir('attestkit-cli-copy-');
    copyFileSync(join(EX, 'tpm-swtpm-quote', 'quote.json'), join(d, 'quote.json'));
    copyFileSync(join(EX, 'tpm-swtpm-quote', 'ak.pub'), join(d, 'ak.pub'));
    const m = json(join(EX, 'tpm-swtpm-quote', 'manifest.json'));
    const r = await cli('verify', join(d, 'quote.json'), '--nonce', String(m.nonce));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[skip\] cli\.ak-anchor/);
  });
});
