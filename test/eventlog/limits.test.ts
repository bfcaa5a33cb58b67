/**
 * Resource bounds of the TCG and CC parsers on hostile input (all logs here are SYNTHETIC, built by
 * the test encoders): the event count is bounded (`maxEvents`), and warnings that can repeat once
 * per event are kept to a bounded number.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_EVENTS,
  isAttestError,
  parseCcEventLog,
  parseTcgEventLog,
} from '../../src/eventlog/index.js';
import { encodeAgileLog, specIdEvent, u32 } from './support/encode.js';

/** A SYNTHETIC log: a Spec ID header, then `n` 16-byte records with no digest and no data. */
function emptyRecords(n: number, banks: ('sha256' | 'sha384')[], pcr: number): Uint8Array {
  const head = encodeAgileLog(banks, []);
  const rec = new Uint8Array(16);
  rec.set(u32(pcr), 0);
  rec.set(u32(0x80000007), 4); // EV_EFI_ACTION
  const out = new Uint8Array(head.length + n * rec.length);
  out.set(head);
  for (let i = 0; i < n; i++) out.set(rec, head.length + i * rec.length);
  return out;
}

function limitError(f: () => unknown): { code: string; offset?: number; message: string } {
  try {
    f();
  } catch (e) {
    if (isAttestError(e)) return e;
    throw e;
  }
  throw new Error('expected an AttestError');
}

describe('eventlog: resource bounds (synthetic hostile logs)', () => {
  it('a TCG log with more events than maxEvents is ERR_LIMIT_EXCEEDED at the first event too many', () => {
    const log = emptyRecords(50, ['sha256'], 2);
    const head = encodeAgileLog(['sha256'], []).length;
    // The header counts as event 0: 10 events are the header and 9 records.
    const e = limitError(() => parseTcgEventLog(log, { maxEvents: 10 }));
    expect(e.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(e.offset).toBe(head + 9 * 16);
    expect(e.message).toContain('more than 10 events');
    expect(parseTcgEventLog(log, { maxEvents: 51 }).events).toHaveLength(51);
  });

  it('a CC log is bounded the same way', () => {
    const log = emptyRecords(50, ['sha384'], 2);
    expect(limitError(() => parseCcEventLog(log, { maxEvents: 10 })).code).toBe(
      'ERR_LIMIT_EXCEEDED',
    );
    expect(parseCcEventLog(log, { maxEvents: 51 }).events).toHaveLength(51);
  });

  it(`the default bound (${DEFAULT_MAX_EVENTS}) stops a 16 MiB log of empty events early`, () => {
    // 1 048 576 records of 16 bytes: before the bound, parsing took 4–5 s and about 820 MB of heap.
    const log = emptyRecords(1 << 20, ['sha256'], 2);
    const t0 = performance.now();
    const e = limitError(() => parseTcgEventLog(log));
    expect(e.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(e.message).toContain(`more than ${DEFAULT_MAX_EVENTS} events`);
    // Generous for a slow CI machine; the parse stops after DEFAULT_MAX_EVENTS records.
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(limitError(() => parseCcEventLog(emptyRecords(1 << 20, ['sha384'], 2))).code).toBe(
      'ERR_LIMIT_EXCEEDED',
    );
  });

  it('maxEvents must be a positive integer', () => {
    const log = emptyRecords(1, ['sha256'], 2);
    for (const maxEvents of [0, -1, 1.5, Number.NaN, '10', 2 ** 53]) {
      expect(() => parseTcgEventLog(log, { maxEvents: maxEvents as number })).toThrow(TypeError);
      expect(() => parseCcEventLog(log, { maxEvents: maxEvents as number })).toThrow(TypeError);
    }
    expect(() => parseTcgEventLog(log, null as never)).toThrow(TypeError);
  });

  it('a warning repeated per event is kept 100 times, then one says the rest were left out', () => {
    // Every record carries 0 of 1 digests: one missing-digest warning each.
    const tcg = parseTcgEventLog(emptyRecords(500, ['sha256'], 2));
    const missing = tcg.warnings.filter((w) => w.code === 'missing-digest');
    expect(missing).toHaveLength(101);
    expect(missing[0]!.message).toBe('event 1 carries 0 of 1 digests');
    expect(missing[99]!.message).toBe('event 100 carries 0 of 1 digests');
    expect(missing[100]!.message).toBe(
      'further missing-digest warnings left out (the first 100 are listed)',
    );
    // CC: MR index 9 does not exist: one unknown-mr-index warning per record, bounded the same way.
    const cc = parseCcEventLog(emptyRecords(300, ['sha384'], 9));
    const unknown = cc.warnings.filter((w) => w.code === 'unknown-mr-index');
    expect(unknown).toHaveLength(101);
    expect(unknown[0]!.message).toBe('event 1 targets MR index 9, beyond RTMR3/REM3');
    expect(unknown[100]!.message).toContain('further unknown-mr-index warnings left out');
    // A second Spec ID event repeated: the same bound.
    const spec = { pcr: 0, type: 3, data: specIdEvent(['sha256']) };
    const dup = parseTcgEventLog(
      encodeAgileLog(
        ['sha256'],
        Array.from({ length: 300 }, () => spec),
      ),
    );
    expect(dup.warnings.filter((w) => w.code === 'duplicate-spec-id')).toHaveLength(101);
  });
});
