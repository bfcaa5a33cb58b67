/**
 * `attestkit replay` and the event-log part of `attestkit inspect`, end to end through `runCli`
 * (test/cli/support/run.ts): a `--pcrs` file that matches and one that does not, `--json`, replay
 * without trusted values, bad `--pcrs` entries, truncated logs, one-event logs and the IMA
 * summary. Logs built here with test/eventlog/support/encode.ts are SYNTHETIC.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../cli/support/run.js';
import { tempDir } from '../support/temp-dir.js';
import { seededBytes } from '../support/seeded-bytes.js';
import { describeVectors, readVector, readVectorJson, vectorPath } from '../support/vectors.js';
import { ascii, encodeAgileLog, encodeSha1Log, foldReplay, utf16 } from './support/encode.js';
import type { EventSpec } from './support/encode.js';
import { parseTcgEventLog } from '../../src/eventlog/index.js';
import { eventLogPlugins, replayCommand } from '../../src/cli/plugins/eventlog.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';

const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/evidence');
const BOOT = join(DEMO, 'eventlog-synthetic-boot');

const EV_S_CRTM_VERSION = 0x8;
const EV_IPL = 0xd;

/** A SYNTHETIC crypto-agile log: one PCR 0 event and three PCR 8 events (log indices 1–4). */
const SYNTHETIC_EVENTS: EventSpec[] = [
  { pcr: 0, type: EV_S_CRTM_VERSION, data: utf16('SYNTHETIC firmware 1.0') },
  { pcr: 8, type: EV_IPL, data: ascii('grub_cmd: set root=hd0,gpt2\0') },
  { pcr: 8, type: EV_IPL, data: ascii('grub_cmd: linux /vmlinuz-synthetic\0') },
  { pcr: 8, type: EV_IPL, data: ascii('grub_cmd: boot\0') },
];

/** Writes files into a fresh temporary directory; returns their paths by name. */
function files(entries: Record<string, Uint8Array | string>): Record<string, string> {
  const dir = tempDir('attestkit-replay-');
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(entries)) {
    out[name] = join(dir, name);
    writeFileSync(out[name], content);
  }
  return out;
}

function evidence(path: string): EvidenceFile {
  const bytes = new Uint8Array(readFileSync(path));
  return { path, bytes, text: undefined };
}

function ctx(baseDir: string): CliContext {
  return {
    collateralDir: undefined,
    now: undefined,
    manifest: undefined,
    baseDir,
    readFile: (p) => new Uint8Array(readFileSync(join(baseDir, p))),
    readText: (p) => readFileSync(join(baseDir, p), 'utf8'),
    exists: () => false,
  };
}

interface JsonCheck {
  id: string;
  status: string;
  required: boolean;
  detail?: Record<string, unknown>;
}
interface JsonResult {
  ok: boolean;
  checks: JsonCheck[];
  replayed: Record<string, Record<string, string>>;
  registers: { register: string; bank: string; status: string }[];
  verifiedEvents: number[];
}

describe('attestkit replay --pcrs (synthetic log)', () => {
  const log = encodeAgileLog(['sha1', 'sha256'], SYNTHETIC_EVENTS);
  const good = foldReplay(['sha1', 'sha256'], SYNTHETIC_EVENTS);
  // PCR 8 as if the last event (log index 4) had never been extended.
  const short = foldReplay(['sha1', 'sha256'], SYNTHETIC_EVENTS.slice(0, 3));
  const bad = {
    sha1: { ...good.sha1, 8: short.sha1![8]! },
    sha256: { ...good.sha256, 8: short.sha256![8]! },
  };
  const f = files({
    'log.bin': log,
    'good.json': JSON.stringify(good),
    'bad.json': JSON.stringify(bad),
  });

  it('a matching file: exit 0, every register PASS, VERIFIED', async () => {
    const r = await cli('replay', f['log.bin']!, '--pcrs', f['good.json']!);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[PASS\] eventlog\.replay\.pcr0 /);
    expect(r.out).toMatch(/\[PASS\] eventlog\.replay\.pcr8 /);
    expect(r.out).toMatch(/verified events\s+4 of 5/);
    expect(r.out).toMatch(/^ {2}VERIFIED: \d+ passed, 0 failed/m);
  });

  it('a mismatching file: exit 1, names the register and the first breaking event', async () => {
    const r = await cli('replay', f['log.bin']!, '--pcrs', f['bad.json']!);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[PASS\] eventlog\.replay\.pcr0 /);
    const line = r.out.split('\n').find((l) => l.includes('[FAIL]'));
    expect(line).toMatch(/eventlog\.replay\.pcr8 .*first breaking event: 4/);
    expect(r.out.split('\n').filter((l) => l.includes('[FAIL]'))).toHaveLength(1);
    expect(r.out).toMatch(/^ {2}NOT VERIFIED: \d+ passed, 1 failed/m);
  });

  it('--json: the verifyEventLog result, bytes as hex', async () => {
    const r = await cli('replay', f['log.bin']!, '--pcrs', f['bad.json']!, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as JsonResult;
    expect(Object.keys(j).sort()).toEqual([
      'appliedWorkarounds',
      'checks',
      'comparedBanks',
      'digestMismatchEvents',
      'log',
      'ok',
      'registers',
      'replayed',
      'unboundInComparedBanks',
      'variableDataEvents',
      'verifiedEvents',
    ]);
    expect(j.ok).toBe(false);
    const fail = j.checks.find((c) => c.status === 'fail')!;
    expect(fail.id).toBe('eventlog.replay.pcr8');
    expect(fail.detail).toMatchObject({
      register: 'pcr8',
      expected: short[fail.detail!.bank as string]![8],
      actual: good[fail.detail!.bank as string]![8],
      events: [2, 3, 4],
      firstBreakingEvent: 4,
    });
    expect(j.replayed.sha256!['8']).toBe(good.sha256![8]);
    expect(j.registers.map((x) => `${x.bank} ${x.register} ${x.status}`).sort()).toEqual([
      'sha1 pcr0 match',
      'sha1 pcr8 mismatch',
      'sha256 pcr0 match',
      'sha256 pcr8 mismatch',
    ]);
    expect(j.verifiedEvents).toEqual([1]);

    const ok = JSON.parse(
      (await cli('replay', f['log.bin']!, '--pcrs', f['good.json']!, '--json')).out,
    ) as JsonResult;
    expect(ok.ok).toBe(true);
    expect(ok.verifiedEvents).toEqual([1, 2, 3, 4]);
  });
});

describe('attestkit replay without --pcrs (synthetic demo log)', () => {
  it('prints the registers, says nothing was compared, never VERIFIED; exit 1', async () => {
    const r = await cli('replay', join(BOOT, 'boot_eventlog.bin'));
    expect(r.code).toBe(1);
    const pcrs = JSON.parse(readFileSync(join(BOOT, 'pcrs.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(r.out).toMatch(new RegExp(`sha256 pcr7\\s+${pcrs.sha256!['7']!}`));
    expect(r.out).toMatch(/trusted values\s+none supplied: nothing was compared/);
    expect(r.out).toMatch(/\[skip\] eventlog\.replay .*compared with nothing \(required\)/);
    expect(r.out).not.toMatch(/^\s*VERIFIED/m);
    expect(r.out).not.toMatch(/\[PASS\] eventlog\.replay/);
    expect(r.out).toMatch(/^ {2}NOT VERIFIED: 5 passed, 0 failed/m);
  });

  it('--json: ok false, no register results, the required skip', async () => {
    const r = await cli('replay', join(BOOT, 'boot_eventlog.bin'), '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as JsonResult;
    expect(j.ok).toBe(false);
    expect(j.registers).toEqual([]);
    expect(j.verifiedEvents).toEqual([]);
    expect(j.checks.filter((c) => c.id.startsWith('eventlog.replay'))).toEqual([
      expect.objectContaining({ id: 'eventlog.replay', status: 'skip', required: true }),
    ]);
    expect(Object.keys(j.replayed).sort()).toEqual(['sha1', 'sha256']);
  });

  it('verify (demo plugin) without trusted values: also ok false in --json', async () => {
    const r = await cli('verify', join(BOOT, 'boot_eventlog.bin'), '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as JsonResult).ok).toBe(false);
  });
});

describe('attestkit replay: bad --pcrs entries are ERR_BAD_JSON naming the entry', () => {
  const log = encodeAgileLog(['sha1', 'sha256'], SYNTHETIC_EVENTS);
  const good = foldReplay(['sha1', 'sha256'], SYNTHETIC_EVENTS);
  const cases: [string, unknown, string][] = [
    [
      'a PCR index that is not a number',
      { sha256: { ...good.sha256, x: good.sha256![0] } },
      'sha256.x',
    ],
    ['a PCR index past 23', { sha256: { 24: good.sha256![0] } }, 'sha256.24'],
    ['a digest one byte short', { sha256: { 8: good.sha256![8]!.slice(2) } }, 'sha256.8'],
    ['a SHA-1 digest in the sha256 bank', { sha256: { 0: good.sha1![0] } }, 'sha256.0'],
    [
      'RTMRs for a TCG log',
      { rtmrs: ['00'.repeat(48), '00'.repeat(48), '00'.repeat(48), '00'.repeat(48)] },
      'rtmrs',
    ],
    ['three RTMRs', { rtmrs: ['00'.repeat(48), '00'.repeat(48), '00'.repeat(48)] }, 'rtmrs'],
    [
      'a short RTMR',
      { rtmrs: ['00'.repeat(48), '00'.repeat(32), '00'.repeat(48), '00'.repeat(48)] },
      'rtmrs[1]',
    ],
  ];
  for (const [name, json, field] of cases) {
    it(name, async () => {
      const f = files({ 'log.bin': log, 'pcrs.json': JSON.stringify(json) });
      await expect(
        replayCommand(evidence(f['log.bin']!), f['pcrs.json'], ctx(dirname(f['log.bin']!))),
      ).rejects.toMatchObject({ name: 'AttestError', code: 'ERR_BAD_JSON', field });
      const r = await cli('replay', f['log.bin']!, '--pcrs', f['pcrs.json']!);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^attestkit: ERR_BAD_JSON: /);
    });
  }
});

describeVectors('attestkit replay and inspect: real logs', () => {
  it('swtpm boot log against its tpm2_pcrread values (PCR 10, extended by IMA, left out): exit 0', async () => {
    const all = readVectorJson<Record<string, Record<string, string>>>('tpm', 'swtpm', 'pcrs.json');
    const boot = Object.fromEntries(
      Object.entries(all).map(([bank, regs]) => [
        bank,
        Object.fromEntries(Object.entries(regs).filter(([i]) => i !== '10')),
      ]),
    );
    const f = files({ 'pcrs.json': JSON.stringify(boot) });
    const r = await cli(
      'replay',
      vectorPath('tpm', 'swtpm', 'eventlog', 'boot_eventlog.bin'),
      '--pcrs',
      f['pcrs.json']!,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[PASS\] eventlog\.replay\.pcr15 /);
    expect(r.out).toMatch(/^ {2}VERIFIED: \d+ passed, 0 failed/m);
  });

  it('keylime -bogus: the TCG parser error (ERR_TRUNCATED at the event data), not unknown format', async () => {
    const p = vectorPath('eventlog', 'keylime', 'binary_bios_measurements-bogus');
    // 34 bytes: a 32-byte TCG_PCR_EVENT header whose eventSize ("\nher") overruns the file.
    await expect(replayCommand(evidence(p), undefined, ctx(dirname(p)))).rejects.toMatchObject({
      code: 'ERR_TRUNCATED',
      offset: 32,
    });
    const r = await cli('replay', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_TRUNCATED: /);
    // inspect guesses among all evidence types: junk text stays unrecognised.
    expect((await cli('inspect', p)).err).toMatch(/^attestkit: ERR_UNKNOWN_FORMAT: /);
  });

  it('a SHA-1 log cut inside its third event: replay and inspect report ERR_TRUNCATED there', async () => {
    const full = readVector('eventlog', 'go-tpm-tools', 'debian-10.bin');
    const third = parseTcgEventLog(full).events[2]!;
    const f = files({ 'cut.bin': full.subarray(0, third.offset + 32 + 5) });
    await expect(
      replayCommand(evidence(f['cut.bin']!), undefined, ctx(dirname(f['cut.bin']!))),
    ).rejects.toMatchObject({ code: 'ERR_TRUNCATED', offset: third.offset + 32 });
    for (const command of ['replay', 'inspect']) {
      const r = await cli(command, f['cut.bin']!);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^attestkit: ERR_TRUNCATED: /);
    }
  });

  it('inspect accepts the 49-byte short_no_action_eventlog (one StartupLocality event)', async () => {
    const p = vectorPath('eventlog', 'go-attestation', 'short_no_action_eventlog');
    expect(readVector('eventlog', 'go-attestation', 'short_no_action_eventlog').length).toBe(49);
    const r = await cli('inspect', p, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const i = JSON.parse(r.out) as { title: string; sections: { rows: [string, string][] }[] };
    expect(i.title).toMatch(/^TCG event log: /);
    const head = Object.fromEntries(i.sections[0]!.rows);
    expect(head).toMatchObject({ format: 'sha1', events: '1', StartupLocality: '3' });
  });

  it('inspect accepts a crypto-agile log that is its Spec ID event alone', async () => {
    const r = await cli('inspect', vectorPath('eventlog', 'tpm2-tools', 'specid-vendordata.bin'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^TCG event log: /);
    expect(r.out).toMatch(/events\s+1\n/);
  });
});

describe('attestkit replay on files no detector recognises (synthetic)', () => {
  it('text that starts like an IMA line: the IMA parser error', async () => {
    const f = files({ 'ima.txt': '10 abcd ima-ng sha1:00 /x\n' });
    const file = { ...evidence(f['ima.txt']!), text: '10 abcd ima-ng sha1:00 /x\n' };
    await expect(replayCommand(file, undefined, ctx(dirname(f['ima.txt']!)))).rejects.toMatchObject(
      { code: 'ERR_BAD_VALUE', offset: 0 },
    );
    expect((await cli('replay', f['ima.txt']!)).err).toMatch(/^attestkit: ERR_BAD_VALUE: /);
  });

  it('bytes the TCG parser accepts but that hold no plausible log: ERR_UNKNOWN_FORMAT', async () => {
    const f = files({ 'zeros.bin': new Uint8Array(64) });
    const r = await cli('replay', f['zeros.bin']!);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_UNKNOWN_FORMAT: /);
  });
});

describe('event-log detection: one-event logs yes, look-alikes no', () => {
  const detected = (bytes: Uint8Array, text?: string): string[] =>
    eventLogPlugins.filter((p) => p.detect({ path: 'x.bin', bytes, text })).map((p) => p.id);

  it('a SYNTHETIC one-event SHA-1 log (StartupLocality) is a tcg-log', () => {
    const locality = ascii('StartupLocality\0\x03');
    expect(detected(encodeSha1Log([{ pcr: 0, type: 3, data: locality }]))).toEqual(['tcg-log']);
  });

  it('files that parse as one event but are no log are not claimed', () => {
    const lone = (type: number, data: Uint8Array): Uint8Array =>
      encodeSha1Log([{ pcr: 0, type, data }]);
    const cases: [string, Uint8Array][] = [
      ['32 zero bytes', new Uint8Array(32)],
      ['64 zero bytes', new Uint8Array(64)],
      ['1184 zero bytes', new Uint8Array(1184)],
      ['one EV_S_CRTM_VERSION event alone', lone(EV_S_CRTM_VERSION, utf16('v1'))],
      ['one EV_NO_ACTION event without a known signature', lone(3, ascii('not a signature!'))],
      ['empty', new Uint8Array(0)],
    ];
    for (const [name, bytes] of cases) expect(detected(bytes), name).toEqual([]);
    for (let seed = 1; seed <= 64; seed++)
      expect(detected(seededBytes(16 + seed * 7, seed)), `seed ${seed}`).toEqual([]);
    expect(detected(ascii('{"sha256": {"0": "00"}}'), '{"sha256": {"0": "00"}}')).toEqual([]);
  });
});

describeVectors('attestkit inspect: IMA summary of the swtpm list', () => {
  const manifest = readVectorJson<{
    ima: {
      entries: number;
      violations: number;
      boot_aggregate: { alg: string; value: string };
      expected_pcr10: Record<string, string>;
    };
  }>('tpm', 'swtpm', 'manifest.json').ima;
  const lines = readFileSync(
    vectorPath('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements'),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  // Independent of the parser: count the ascii lines' template names and ima-sig signature fields.
  const violationAt = lines.findIndex((l) => /^0+$/.test(l[1]!));
  const sigLines = lines.filter((l) => l[2] === 'ima-sig');
  const signed = sigLines.filter((l) => (l[5] ?? '') !== '').length;

  for (const [file, bank] of [
    ['ascii_runtime_measurements', 'sha1'],
    ['binary_runtime_measurements_sha256', 'sha256'],
  ] as const) {
    it(`${file}: entries, files, templates, violations, signatures, boot_aggregate, PCR 10`, async () => {
      const r = await cli('inspect', vectorPath('tpm', 'swtpm', 'ima', file), '--json');
      expect(r.code).toBe(0);
      const i = JSON.parse(r.out) as {
        title: string;
        sections: { heading: string; rows: [string, string][] }[];
      };
      expect(i.title).toMatch(/^IMA measurement list: /);
      const rows = Object.fromEntries(
        i.sections.find((s) => s.heading === 'What IMA measured')!.rows,
      );
      expect(manifest.entries).toBe(8);
      expect(lines).toHaveLength(manifest.entries);
      expect(rows.entries).toBe(String(manifest.entries));
      // 8 entries = boot_aggregate + 6 files + 1 violation.
      expect(rows['files measured']).toBe(
        `${manifest.entries - 1 - manifest.violations} (+1 violation)`,
      );
      expect(rows.templates).toBe(
        `ima-ng: ${manifest.entries - sigLines.length}, ima-sig: ${sigLines.length}`,
      );
      expect(rows.templates).toBe('ima-ng: 6, ima-sig: 2');
      expect(rows.violations).toBe(`${manifest.violations} (entry ${violationAt})`);
      expect(rows.violations).toBe('1 (entry 5)');
      expect(rows.signatures).toBe(
        `${signed} signed, ${sigLines.length - signed} unsigned (ima-sig entries)`,
      );
      expect(rows.signatures).toBe('1 signed, 1 unsigned (ima-sig entries)');
      expect(rows.boot_aggregate).toBe(
        `${manifest.boot_aggregate.alg}:${manifest.boot_aggregate.value}`,
      );
      expect(rows['#6']).toMatch(/^\/usr\/bin\/signed-tool sha256:[0-9a-f]{64} \(signed\)$/);
      expect(rows['#7']).not.toContain('(signed)');
      const regs = Object.fromEntries(
        i.sections.find((s) => s.heading === 'Replayed registers')!.rows,
      );
      expect(regs[`${bank} pcr10`]).toBe(manifest.expected_pcr10[bank]);
    });
  }
});
