/**
 * The event-log CLI plugins: detection of each log kind, a readable inspection, the demo evidence
 * (synthetic) verifying as its manifest says, and `replayCommand` with a --pcrs file.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeVectors, vectorPath } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  ccLogPlugin,
  eventLogPlugins,
  expectationFromJson,
  imaLogPlugin,
  replayCommand,
  tcgLogPlugin,
} from '../../src/cli/plugins/eventlog.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { tempDir } from '../support/temp-dir.js';

function file(path: string): EvidenceFile {
  const b = readFileSync(path);
  const bytes = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) text = undefined;
  } catch {
    text = undefined;
  }
  return { path, bytes, text };
}

function ctx(baseDir: string, manifest?: Record<string, unknown>): CliContext {
  const at = (p: string): string => (p.startsWith('/') ? p : join(baseDir, p));
  return {
    collateralDir: undefined,
    now: undefined,
    manifest,
    baseDir,
    readFile: (p) => new Uint8Array(readFileSync(at(p))),
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
  };
}

const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/evidence');

describe('eventlog CLI: demo evidence (synthetic)', () => {
  for (const name of ['eventlog-synthetic-boot', 'eventlog-synthetic-tampered']) {
    it(`${name} verifies as its manifest says`, async () => {
      const dir = join(DEMO, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest.synthetic).toBe(true);
      const f = file(join(dir, String(manifest.evidence)));
      const plugin = eventLogPlugins.find((p) => p.detect(f));
      expect(plugin?.id).toBe(manifest.type);
      const v = await plugin!.verify(f, ctx(dir, manifest));
      expect(v.ok).toBe(manifest.expectOk !== false);
      if (manifest.expectOk === false)
        expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr9')!.status).toBe('fail');
      const i = await plugin!.inspect(f, ctx(dir));
      const summary = i.sections.find((s) => s.heading.startsWith('Boot summary'))!;
      expect(summary.rows.find(([k]) => k === 'kernel')![1]).toContain('/vmlinuz-synthetic');
      expect(summary.rows.find(([k]) => k === 'Secure Boot')![1]).toContain('enabled');
    });
  }

  it('replayCommand: --pcrs verifies; without it, replay only', async () => {
    const dir = join(DEMO, 'eventlog-synthetic-boot');
    const f = file(join(dir, 'boot_eventlog.bin'));
    const ok = await replayCommand(f, join(dir, 'pcrs.json'), ctx(dir));
    expect(ok.ok).toBe(true);
    const bad = await replayCommand(
      f,
      join(DEMO, 'eventlog-synthetic-tampered', 'pcrs.json'),
      ctx(dir),
    );
    expect(bad.ok).toBe(false);
    const only = await replayCommand(f, undefined, ctx(dir));
    expect(only.facts!.some(([k]) => k === 'sha256 pcr7')).toBe(true);
    const tmp = tempDir('attestkit-pcrs-');
    writeFileSync(join(tmp, 'bad.json'), '{ nope');
    await expect(replayCommand(f, join(tmp, 'bad.json'), ctx(dir))).rejects.toMatchObject({
      code: 'ERR_BAD_JSON',
    });
  });

  it('verify without trusted values verifies nothing', async () => {
    const dir = join(DEMO, 'eventlog-synthetic-boot');
    const v = await tcgLogPlugin.verify(file(join(dir, 'boot_eventlog.bin')), ctx(dir));
    expect(v.ok).toBe(false);
    expect(v.facts!.find(([k]) => k === 'trusted values')![1]).toContain('nothing was verified');
  });

  it('--pcrs JSON shapes', () => {
    expect(Object.keys(expectationFromJson({ sha256: { 0: '0x' + '00'.repeat(32) } }))).toEqual([
      'pcrs',
    ]);
    expect(Object.keys(expectationFromJson({ pcrs: { sha1: { 7: '11'.repeat(20) } } }))).toEqual([
      'pcrs',
    ]);
    expect(
      Object.keys(
        expectationFromJson({
          rtmrs: ['00'.repeat(48), '00'.repeat(48), '00'.repeat(48), '00'.repeat(48)],
        }),
      ),
    ).toEqual(['rtmrs']);
    expect(Object.keys(expectationFromJson({ rems: Array(4).fill('00'.repeat(32)) }))).toEqual([
      'rems',
    ]);
    // verifyEventLog compares exactly four REMs of one size: anything else is the file's fault.
    expect(
      expectAttestError(() => expectationFromJson({ rems: ['00'.repeat(32)] }), 'ERR_BAD_JSON')
        .field,
    ).toBe('rems');
    expect(
      expectAttestError(
        () =>
          expectationFromJson({
            rems: ['00'.repeat(32), '00'.repeat(48), '00'.repeat(32), '00'.repeat(32)],
          }),
        'ERR_BAD_JSON',
      ).field,
    ).toBe('rems[1]');
    expectAttestError(() => expectationFromJson({ md5: {} }), 'ERR_BAD_JSON');
    expectAttestError(() => expectationFromJson({ sha256: { 0: 'xyz' } }), 'ERR_BAD_JSON');
    expectAttestError(() => expectationFromJson('x'), 'ERR_BAD_JSON');
  });
});

describeVectors('eventlog CLI: detection and inspection of real logs', () => {
  const cases: [string, string][] = [
    [vectorPath('eventlog', 'go-tpm-tools', 'ubuntu-2404-amd-sevsnp.bin'), 'tcg-log'],
    [vectorPath('eventlog', 'go-attestation', 'ebs_event_missing_eventlog'), 'tcg-log'],
    [vectorPath('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'), 'cc-log'],
    [vectorPath('tdx', 'ccel-trustee-data', 'ccel_data.bin'), 'cc-log'],
    [vectorPath('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements'), 'ima-log'],
    [vectorPath('tpm', 'swtpm', 'ima', 'binary_runtime_measurements_sha256'), 'ima-log'],
  ];
  for (const [p, id] of cases) {
    it(`${p.split('/').slice(-2).join('/')} → ${id}`, async () => {
      const f = file(p);
      expect(eventLogPlugins.filter((x) => x.detect(f)).map((x) => x.id)).toEqual([id]);
      const plugin = [tcgLogPlugin, ccLogPlugin, imaLogPlugin].find((x) => x.id === id)!;
      const i = await plugin.inspect(f, ctx(dirname(p)));
      expect(i.sections.length).toBeGreaterThanOrEqual(3);
      if (id === 'cc-log' && p.includes('cos113')) {
        expect(i.sections[0]!.rows.some(([k]) => k === 'CCEL table')).toBe(true);
      }
    });
  }

  it('does not claim other evidence or random bytes', () => {
    const junk: EvidenceFile = {
      path: 'x.bin',
      bytes: new Uint8Array(1184).fill(7),
      text: undefined,
    };
    expect(eventLogPlugins.some((p) => p.detect(junk))).toBe(false);
    const q = file(vectorPath('tdx', 'gotdx-v4-cos113-gcp', 'quote.bin'));
    expect(eventLogPlugins.some((p) => p.detect(q))).toBe(false);
  });
});
