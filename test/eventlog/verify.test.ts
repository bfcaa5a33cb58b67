/**
 * verifyEventLog: the swtpm boot log against the PCRs read from its TPM (H-CRTM start), register
 * checks (quoted-not-extended, extended-not-quoted, first breaking event), named workarounds, and
 * the spoofing defences (separators, digest binding, events after the separator) on synthetic logs.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { digest, type HashAlg } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex } from '../../src/core/encoding.js';
import {
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  verifyEventLog,
  type PcrBanks,
} from '../../src/eventlog/index.js';
import { banksFromHex, hasVectors, hex, readVector, readVectorJson } from './support/vectors.js';
import {
  ascii,
  encodeAgileLog,
  encodeSha1Log,
  foldReplay,
  GUID,
  uefiVariable,
  type EventSpec,
} from './support/encode.js';

const EV_SEPARATOR = 4;
const EV_EFI_ACTION = 0x80000007;
const EV_DRIVER_CONFIG = 0x80000001;
const EV_AUTHORITY = 0x800000e0;
const EV_IPL = 0xd;
const EV_POST_CODE = 1;

function bootEvents(): EventSpec[] {
  const events: EventSpec[] = [
    { pcr: 0, type: 8, data: new Uint8Array([0x41, 0, 0x42, 0, 0, 0]) },
    { pcr: 0, type: EV_POST_CODE, data: ascii('ACPI DATA'), hashOf: ascii('tables') },
    {
      pcr: 7,
      type: EV_DRIVER_CONFIG,
      data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
    },
    { pcr: 4, type: EV_EFI_ACTION, data: ascii('Calling EFI Application from Boot Option') },
  ];
  for (let p = 0; p <= 7; p++) events.push({ pcr: p, type: EV_SEPARATOR, data: new Uint8Array(4) });
  events.push(
    { pcr: 4, type: 0x80000003, data: new Uint8Array(40), hashOf: ascii('shim image') },
    { pcr: 5, type: EV_EFI_ACTION, data: ascii('Exit Boot Services Invocation') },
    { pcr: 5, type: EV_EFI_ACTION, data: ascii('Exit Boot Services Returned with Success') },
    {
      pcr: 8,
      type: EV_IPL,
      data: ascii('grub_cmd: linux /vmlinuz ro\0'),
      hashOf: ascii('linux /vmlinuz ro'),
    },
  );
  return events;
}

function quoteOf(banks: readonly HashAlg[], events: EventSpec[]): PcrBanks {
  const f = foldReplay(banks, events);
  return banksFromHex(f);
}

describeVectors('eventlog: swtpm boot log (vectors/tpm/swtpm/eventlog)', () => {
  const m = hasVectors ? readVectorJson('tpm', 'swtpm', 'manifest.json').eventlog : undefined;
  const log = parseTcgEventLog(
    hasVectors ? readVector('tpm', 'swtpm', 'eventlog', 'boot_eventlog.bin') : new Uint8Array(0),
  );

  it('H-CRTM start, 35 events, per-event digests', () => {
    expect(log.hcrtmEventIndex).toBe(1);
    expect(log.events.length).toBe(m.event_count_including_specid_header);
    for (const e of m.events as {
      index: number;
      pcr: number;
      type: string;
      data_len: number;
      digests: Record<string, string>;
    }[]) {
      const ours = log.events[e.index]!;
      expect([ours.pcrIndex, ours.type, ours.data.length]).toEqual([
        e.pcr,
        Number(e.type),
        e.data_len,
      ]);
      for (const [b, h] of Object.entries(e.digests))
        expect(toHex((ours.digests as Record<string, Uint8Array>)[b]!)).toBe(h);
    }
  });

  it('replays to the PCRs read back from the TPM (sha1, sha256, sha384)', () => {
    const { registers } = replayEventLog(log);
    for (const [b, regs] of Object.entries<Record<string, string>>(m.expected_pcrs_from_replay)) {
      for (const [i, h] of Object.entries(regs))
        expect(
          toHex((registers as Record<string, Record<number, Uint8Array>>)[b]![Number(i)]!),
        ).toBe(h);
    }
  });

  it('verifies against pcrs.json: untouched PCRs at their initial values, PCR 10 belongs to IMA', async () => {
    const all = banksFromHex(readVectorJson('tpm', 'swtpm', 'pcrs.json'));
    const noTen: PcrBanks = {};
    for (const [b, regs] of Object.entries(all)) {
      const r = { ...regs };
      delete r[10];
      (noTen as Record<string, unknown>)[b] = r;
    }
    const v = await verifyEventLog(log, { pcrs: noTen });
    expect(v.ok).toBe(true);
    const ids = v.checks.filter((c) => c.id.startsWith('eventlog.replay.')).map((c) => c.id);
    expect(ids).toContain('eventlog.replay.pcr17');
    expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr17')!.message).toContain(
      'initial value',
    );
    // With PCR 10 included, the boot log alone cannot explain it.
    const withTen = await verifyEventLog(log, { pcrs: all });
    const ten = withTen.checks.find((c) => c.id === 'eventlog.replay.pcr10')!;
    expect(ten.status).toBe('fail');
    expect(ten.message).toContain('never extends');
    // The IMA list explains PCR 10.
    const ima = parseImaLog(readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements'));
    const iv = await verifyEventLog(ima, {
      pcrs: {
        sha1: { 10: all.sha1![10]! },
        sha256: { 10: all.sha256![10]! },
        sha384: { 10: all.sha384![10]! },
      },
    });
    expect(iv.checks.find((c) => c.id === 'eventlog.replay.pcr10')!.status).toBe('pass');
  });

  it('the PCR 15 binding event carries the report digest', () => {
    const e = log.events[34]!;
    expect(e.typeName).toBe('EV_NONHOST_INFO');
    expect(toHex(e.digests.sha256!)).toBe(
      toHex(digest('sha256', readVector('tpm', 'swtpm', 'binding', 'fake_snp_report.bin'))),
    );
    expect(e.digestCheck).toBe('verified');
  });
});

describe('eventlog: verifyEventLog (synthetic logs)', () => {
  const banks = ['sha1', 'sha256'] as const;

  it('passes a consistent log; one check per register, in order', async () => {
    const events = bootEvents();
    const log = parseTcgEventLog(encodeAgileLog(banks, events));
    const v = await verifyEventLog(log, { pcrs: quoteOf(banks, events) });
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => c.id)).toEqual([
      'eventlog.parse',
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `eventlog.replay.pcr${i}`),
      'eventlog.event-digests',
      'eventlog.separators',
      'eventlog.after-separator',
      'eventlog.digest-binding',
      'eventlog.ima.template-hashes',
      'eventlog.ima.violations',
    ]);
    expect(v.checks.find((c) => c.id === 'eventlog.separators')!.status).toBe('pass');
    expect(v.checks.find((c) => c.id === 'eventlog.after-separator')!.status).toBe('pass');
    expect(v.checks.find((c) => c.id === 'eventlog.event-digests')!.status).toBe('pass');
    expect(v.registers.filter((r) => r.status === 'match').length).toBe(18);
  });

  it('a mismatch names the register, both values, the feeding events and the first breaking event', async () => {
    const events = bootEvents();
    const log = parseTcgEventLog(encodeAgileLog(banks, events));
    // The quote saw only the first two PCR 5 events: the third logged one was never extended.
    const extra = [...events, { pcr: 5, type: EV_EFI_ACTION, data: ascii('forged') }];
    const forged = parseTcgEventLog(encodeAgileLog(banks, extra));
    const v = await verifyEventLog(forged, { pcrs: quoteOf(banks, events) });
    expect(v.ok).toBe(false);
    const c = v.checks.find((x) => x.id === 'eventlog.replay.pcr5')!;
    expect(c.status).toBe('fail');
    const d = c.detail as {
      register: string;
      bank: string;
      expected: string;
      actual: string;
      events: number[];
      firstBreakingEvent: number;
    };
    expect(d.register).toBe('pcr5');
    expect(d.expected).toBe(foldReplay(['sha1'], events).sha1![5]);
    expect(d.actual).toBe(foldReplay(['sha1'], extra).sha1![5]);
    expect(d.events).toEqual([10, 14, 15, 17]);
    expect(d.firstBreakingEvent).toBe(17);
    // Other registers still report.
    expect(v.checks.find((x) => x.id === 'eventlog.replay.pcr4')!.status).toBe('pass');
    expect(log.events.length).toBe(events.length + 1);
  });

  it('an event in the middle that was not extended is located', async () => {
    const events = bootEvents();
    const quoted = events.filter((_, i) => i !== 11);
    const v = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, events)), {
      pcrs: quoteOf(banks, quoted),
    });
    const c = v.checks.find((x) => x.id === 'eventlog.replay.pcr7')!;
    expect((c.detail as { firstBreakingEvent: number }).firstBreakingEvent).toBe(12);
  });

  it('registers quoted but never extended must be at their initial value; extended but not quoted are skipped', async () => {
    const events = bootEvents();
    const log = parseTcgEventLog(encodeAgileLog(banks, events));
    const q = quoteOf(['sha256'], events);
    const only: PcrBanks = {
      sha256: {
        0: q.sha256![0]!,
        16: new Uint8Array(32),
        17: new Uint8Array(32).fill(0xff),
        23: new Uint8Array(32).fill(1),
      },
    };
    const v = await verifyEventLog(log, { pcrs: only });
    expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr16')!.status).toBe('pass');
    expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr17')!.status).toBe('pass');
    expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr23')!.status).toBe('fail');
    const seven = v.checks.find((c) => c.id === 'eventlog.replay.pcr7')!;
    expect(seven.status).toBe('skip');
    expect(seven.message).toContain('no value was supplied');
    expect(v.ok).toBe(false);
    const strictAll = await verifyEventLog(
      log,
      { pcrs: { sha256: { 0: q.sha256![0]! } } },
      { requireAllExtended: true },
    );
    expect(strictAll.checks.find((c) => c.id === 'eventlog.replay.pcr7')!.status).toBe('fail');
    expect(strictAll.verifiedEvents).toEqual(
      log.events.filter((e) => e.pcrIndex === 0 && e.type !== 3).map((e) => e.index),
    );
  });

  it('locality 3 (StartupLocality) and the startup-locality-unlogged workaround', async () => {
    const events = bootEvents();
    const init3 = (b: HashAlg, p: number): Uint8Array => {
      const v = new Uint8Array(b === 'sha1' ? 20 : 32);
      if (p === 0) v[v.length - 1] = 3;
      return v;
    };
    const q = banksFromHex(foldReplay(banks, events, init3));
    const withEvent = parseTcgEventLog(
      encodeAgileLog(banks, [
        { pcr: 0, type: 3, data: concatBytes(ascii('StartupLocality\0'), new Uint8Array([3])) },
        ...events,
      ]),
    );
    expect(withEvent.startupLocality).toBe(3);
    expect((await verifyEventLog(withEvent, { pcrs: q })).ok).toBe(true);
    const without = parseTcgEventLog(encodeAgileLog(banks, events));
    const strict = await verifyEventLog(without, { pcrs: q });
    expect(strict.checks.find((c) => c.id === 'eventlog.replay.pcr0')!.message).toContain(
      'startup-locality-unlogged',
    );
    const relaxed = await verifyEventLog(
      without,
      { pcrs: q },
      { allowWorkarounds: ['startup-locality-unlogged'] },
    );
    expect(relaxed.checks.find((c) => c.id === 'eventlog.replay.pcr0')!.status).toBe('warn');
    expect(relaxed.ok).toBe(true);
  });

  it('a StartupLocality event after a PCR 0 extend is ignored and reported', () => {
    const log = parseTcgEventLog(
      encodeAgileLog(banks, [
        ...bootEvents(),
        { pcr: 0, type: 3, data: concatBytes(ascii('StartupLocality\0'), new Uint8Array([3])) },
      ]),
    );
    expect(log.startupLocality).toBeUndefined();
    expect(log.warnings.map((w) => w.code)).toContain('startup-locality-ignored');
  });

  it('separator checks: error value, wrong data, disguised separators', async () => {
    const events = bootEvents();
    const errSep = events.map((e) =>
      e.type === EV_SEPARATOR && e.pcr === 4 ? { ...e, data: new Uint8Array(4).fill(0xff) } : e,
    );
    const v1 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, errSep)), {
      pcrs: quoteOf(banks, errSep),
    });
    expect(v1.checks.find((c) => c.id === 'eventlog.separators')!.status).toBe('fail');
    expect(v1.ok).toBe(false);
    // A separator whose digest is not H(data): the data claims 0 but something else was extended.
    const lying = events.map((e) =>
      e.type === EV_SEPARATOR && e.pcr === 7 ? { ...e, hashOf: ascii('not a separator') } : e,
    );
    const v2 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, lying)), {
      pcrs: quoteOf(banks, lying),
    });
    expect(v2.checks.find((c) => c.id === 'eventlog.separators')!.status).toBe('fail');
    // The PCR 7 separator logged as an EV_EFI_ACTION: a later db change would look pre-separator.
    const disguised = events.map((e) =>
      e.type === EV_SEPARATOR && e.pcr === 7
        ? { pcr: 7, type: EV_EFI_ACTION, data: ascii('x'), hashOf: new Uint8Array(4) }
        : e,
    );
    const v3 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, disguised)), {
      pcrs: quoteOf(banks, disguised),
    });
    // In the policy register it fails: it would move the end of the Secure Boot policy.
    const sep = v3.checks.find((c) => c.id === 'eventlog.separators')!;
    expect(sep.status).toBe('fail');
    expect(sep.message).toContain('Secure Boot policy register carries a separator digest');
    expect(v3.ok).toBe(false);
    expect(v3.checks.find((c) => c.id === 'eventlog.event-digests')!.status).toBe('warn');
    // Elsewhere it is a warning (a real firmware measures four zero bytes into PCR 0 as
    // EV_S_CRTM_CONTENTS), and the ledger says which event.
    const disguised4 = events.map((e) =>
      e.type === EV_SEPARATOR && e.pcr === 4
        ? { pcr: 4, type: EV_EFI_ACTION, data: ascii('x'), hashOf: new Uint8Array(4) }
        : e,
    );
    const v4 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, disguised4)), {
      pcrs: quoteOf(banks, disguised4),
    });
    const sep4 = v4.checks.find((c) => c.id === 'eventlog.separators')!;
    expect(sep4.status).toBe('warn');
    expect(sep4.message).toMatch(/^event \d+: EV_EFI_ACTION carries a separator digest/);
  });

  it('flags non-digest-bound events in PCR 7 and unexpected events after the separator', async () => {
    const events = bootEvents();
    // An EV_POST_CODE in PCR 7 claiming to be Secure Boot data: its digest says nothing about its content.
    const spoof = [
      ...events.slice(0, 2),
      { pcr: 7, type: EV_POST_CODE, data: ascii('SecureBoot=1'), hashOf: ascii('whatever') },
      ...events.slice(2),
    ];
    const v = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, spoof)), {
      pcrs: quoteOf(banks, spoof),
    });
    // Only Secure Boot policy types belong in PCR 7: a string or variable logged there under
    // another type would vanish from the policy, so this fails.
    const b = v.checks.find((c) => c.id === 'eventlog.digest-binding')!;
    expect(b.status).toBe('fail');
    expect((b.detail as { misread: { event: number }[] }).misread.map((r) => r.event)).toEqual([3]);
    // A driver-config variable after the PCR 7 separator (db changed after the policy was sealed).
    const late = [
      ...events,
      {
        pcr: 7,
        type: EV_DRIVER_CONFIG,
        data: uefiVariable(GUID.imageSecurityDatabase, 'db', new Uint8Array(0)),
      },
    ];
    const v2 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, late)), {
      pcrs: quoteOf(banks, late),
    });
    const a = v2.checks.find((c) => c.id === 'eventlog.after-separator')!;
    expect(a.status).toBe('warn');
    expect((a.detail as { flagged: { event: number; pcr: number }[] }).flagged).toEqual([
      { event: 17, pcr: 7, type: 'EV_EFI_VARIABLE_DRIVER_CONFIG' },
    ]);
    // Authorities after the separator are what the PFP expects.
    const auth = [
      ...events,
      {
        pcr: 7,
        type: EV_AUTHORITY,
        data: uefiVariable(
          GUID.imageSecurityDatabase,
          'db',
          concatBytes(new Uint8Array(16), new Uint8Array(32)),
        ),
      },
    ];
    const v3 = await verifyEventLog(parseTcgEventLog(encodeAgileLog(banks, auth)), {
      pcrs: quoteOf(banks, auth),
    });
    expect(v3.checks.find((c) => c.id === 'eventlog.after-separator')!.status).toBe('pass');
  });

  it('a digest-bound event whose digest is not H(data) is reported and makes its facts unbound', async () => {
    const events = bootEvents();
    const lie = events.map((e, i) =>
      i === 2
        ? { ...e, hashOf: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([0])) }
        : e,
    );
    const log = parseTcgEventLog(encodeAgileLog(banks, lie));
    expect(log.events[3]!.digestCheck).toBe('mismatch');
    const v = await verifyEventLog(log, { pcrs: quoteOf(banks, lie) });
    // In the Secure Boot policy window (PCR 7 before its separator) a mismatch fails.
    const c = v.checks.find((x) => x.id === 'eventlog.event-digests')!;
    expect(c.status).toBe('fail');
    expect((c.detail as { mismatches: { event: number }[] }).mismatches[0]!.event).toBe(3);
    // Elsewhere it warns (real firmware has such bugs), and the event's facts are unbound.
    const ebs = events.map((e, i) =>
      i === 13 ? { ...e, hashOf: ascii('Exit Boot Services Returned with Failure') } : e,
    );
    const log2 = parseTcgEventLog(encodeAgileLog(banks, ebs));
    const v2 = await verifyEventLog(log2, { pcrs: quoteOf(banks, ebs) });
    const c2 = v2.checks.find((x) => x.id === 'eventlog.event-digests')!;
    expect(c2.status).toBe('warn');
    expect(v2.digestMismatchEvents).toEqual([14]);
  });

  it('SHA-1 format logs replay only SHA-1; a SHA-256 quote of them is skipped', async () => {
    const events = bootEvents();
    const log = parseTcgEventLog(encodeSha1Log(events));
    expect(log.format).toBe('sha1');
    const v = await verifyEventLog(log, { pcrs: { sha256: { 0: new Uint8Array(32) } } });
    expect(v.checks.find((c) => c.id === 'eventlog.replay.pcr0')!.status).toBe('skip');
  });

  it('DRTM PCRs 17–22 start at all 0xFF', () => {
    const events: EventSpec[] = [{ pcr: 17, type: EV_EFI_ACTION, data: ascii('drtm') }];
    const { registers, initial } = replayEventLog(
      parseTcgEventLog(encodeAgileLog(['sha256'], events)),
    );
    expect(toHex(initial.sha256![17]!)).toBe('ff'.repeat(32));
    expect(toHex(registers.sha256![17]!)).toBe(
      toHex(
        digest(
          'sha256',
          concatBytes(new Uint8Array(32).fill(0xff), digest('sha256', ascii('drtm'))),
        ),
      ),
    );
  });

  it('an expectation that verifies nothing is a programming error; SM3-only values are a required skip', async () => {
    const log = parseTcgEventLog(encodeAgileLog(banks, bootEvents()));
    await expect(verifyEventLog(log, { pcrs: {} })).rejects.toThrow(TypeError);
    const v = await verifyEventLog(log, { pcrs: { sm3_256: { 7: new Uint8Array(32) } } });
    const c = v.checks.find((x) => x.id === 'eventlog.replay.pcr7')!;
    expect([c.status, c.required]).toEqual(['skip', true]);
    expect(v.ok).toBe(false);
  });

  it('rejects programming errors with TypeError', async () => {
    const log = parseTcgEventLog(encodeAgileLog(banks, bootEvents()));
    await expect(verifyEventLog(null as never, { pcrs: {} })).rejects.toThrow(TypeError);
    await expect(verifyEventLog(log, null as never)).rejects.toThrow(TypeError);
    await expect(
      verifyEventLog(log, { pcrs: { sha256: { 0: new Uint8Array(20) } } }),
    ).rejects.toThrow(TypeError);
    await expect(verifyEventLog(log, { pcrs: { md5: {} } } as never)).rejects.toThrow(TypeError);
    await expect(verifyEventLog(log, { rtmrs: [] })).rejects.toThrow(TypeError);
    await expect(
      verifyEventLog(log, { pcrs: {} }, { allowWorkarounds: ['nope' as never] }),
    ).rejects.toThrow(TypeError);
    expect(() => replayEventLog({ kind: 'x' } as never)).toThrow(TypeError);
    expect(() => replayEventLog(log, { banks: ['md5' as never] })).toThrow(TypeError);
    await expect(
      verifyEventLog(log, { pcrs: { sha256: { [-1]: hex('00'.repeat(32)) } } }),
    ).rejects.toThrow(TypeError);
  });
});
