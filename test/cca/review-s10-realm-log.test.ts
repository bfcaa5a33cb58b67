/**
 * Review s10 (CCA realm event log): the reader is linear in the log size and bounded by
 * `maxEvents` (f1), and `verifyCcaRealmEventLog` reads the first field of each record as the CC
 * measurement-register index, as `verifyEventLog(parseCcEventLog(log), { rems })` does and as
 * edk2's Arm CCA guest firmware writes it (f3): the two APIs give the same verdict on the same
 * bytes. Every log built here is SYNTHETIC (test/eventlog/support/encode.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  parseCcaRealmEventLog,
  replayCcaRems,
  verifyCcaRealmEventLog,
} from '../../src/cca/index.js';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { parseCcEventLog, verifyEventLog } from '../../src/eventlog/index.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVector } from '../support/vectors.js';
import { ascii, encodeAgileLog, type EventSpec } from '../eventlog/support/encode.js';

const EV_IPL = 0x0d;
const ev = (index: number, text: string): EventSpec => ({
  pcr: index,
  type: EV_IPL,
  data: ascii(text),
});

/** REMs as RSI_MEASUREMENT_EXTEND leaves them when `index` n extends REM n−1 with H(data). */
function remsByMrIndex(events: readonly EventSpec[]): Uint8Array[] {
  return replayCcaRems(
    'sha-256',
    events
      .filter((e) => e.pcr >= 1 && e.pcr <= 4)
      .map((e) => ({ rem: e.pcr - 1, measurement: digest('sha256', e.data) })),
  );
}

/** REMs under the other reading (TCG PCR number: 1,7 → REM0, 2–6 → REM1, 8–15 → REM2). */
function remsByPcr(events: readonly EventSpec[]): Uint8Array[] {
  const rem = (p: number): number => (p === 1 || p === 7 ? 0 : p <= 6 ? 1 : p <= 15 ? 2 : 3);
  return replayCcaRems(
    'sha-256',
    events
      .filter((e) => e.pcr !== 0)
      .map((e) => ({ rem: rem(e.pcr), measurement: digest('sha256', e.data) })),
  );
}

async function bothVerdicts(log: Uint8Array, rems: Uint8Array[]) {
  const cca = await verifyCcaRealmEventLog(log, {
    hashAlgorithm: 'sha-256',
    extensibleMeasurements: rems,
  });
  const generic = await verifyEventLog(parseCcEventLog(log), { rems });
  return {
    cca: cca.ok,
    generic: generic.ok,
    ccaRems: cca.checks.slice(1).map((c) => c.status),
    genericRems: generic.checks
      .filter((c) => /^eventlog\.replay\.rem[0-3]$/.test(c.id))
      .map((c) => c.status),
  };
}

/** A realm log of `n` minimal 16-byte records (MR index 1, EV_POST_CODE, no digest, no data). */
function manyEvents(n: number, fill = 0, fillLength = 0): Uint8Array {
  const header = encodeAgileLog(['sha256'], []);
  const out = new Uint8Array(header.length + 16 * n + fillLength).fill(fill);
  out.set(header);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const o = header.length + 16 * i;
    dv.setUint32(o, 1, true);
    dv.setUint32(o + 4, 1, true);
    dv.setUint32(o + 8, 0, true);
    dv.setUint32(o + 12, 0, true);
  }
  return out;
}

describe('f1: parseCcaRealmEventLog is linear and bounded', () => {
  it('80 000 events (1.25 MiB) parse in well under a second (was 242 s: the rest was scanned before every event)', () => {
    const bytes = manyEvents(80_000, 0, 4096);
    const t0 = performance.now();
    const log = parseCcaRealmEventLog(bytes, { maxEvents: 100_000 });
    const ms = performance.now() - t0;
    expect(log.events).toHaveLength(80_000);
    expect(log.end).toBe(bytes.length - 4096);
    expect(ms).toBeLessThan(3000);
  }, 30_000);

  it('more than maxEvents (default 20 000, as the event-log parsers) is ERR_LIMIT_EXCEEDED at the first event too many', () => {
    const header = encodeAgileLog(['sha256'], []).length;
    expect(parseCcaRealmEventLog(manyEvents(20_000)).events).toHaveLength(20_000);
    expectAttestError(
      () => parseCcaRealmEventLog(manyEvents(20_001)),
      'ERR_LIMIT_EXCEEDED',
      header + 16 * 20_000,
    );
    expectAttestError(
      () => parseCcaRealmEventLog(manyEvents(11), { maxEvents: 10 }),
      'ERR_LIMIT_EXCEEDED',
      header + 16 * 10,
    );
    expect(parseCcaRealmEventLog(manyEvents(10), { maxEvents: 10 }).events).toHaveLength(10);
    for (const bad of [0, -1, 1.5, Number.NaN, '10', null]) {
      expect(() => parseCcaRealmEventLog(manyEvents(1), { maxEvents: bad as never })).toThrow(
        TypeError,
      );
    }
    expect(() => parseCcaRealmEventLog(manyEvents(1), null as never)).toThrow(TypeError);
  });

  it('a verify over a log beyond the bound fails cca.realm-log.decode, it does not throw', async () => {
    const r = await verifyCcaRealmEventLog(manyEvents(20_001), {
      hashAlgorithm: 'sha-256',
      extensibleMeasurements: [0, 1, 2, 3].map(() => new Uint8Array(32)),
    });
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toMatchObject({
      id: 'cca.realm-log.decode',
      status: 'fail',
      detail: { code: 'ERR_LIMIT_EXCEEDED' },
    });
  });

  it('0x00 or 0xFF fill ends the log, as in parseCcEventLog (edk2 fills the log area with 0xFF)', () => {
    const events = [ev(1, 'firmware'), ev(2, 'kernel')];
    for (const paddingByte of [0x00, 0xff]) {
      const log = encodeAgileLog(['sha256'], events, { padding: 4096, paddingByte });
      const parsed = parseCcaRealmEventLog(log);
      expect(parsed.events.map((e) => e.target)).toEqual([0, 1]);
      expect(parsed.end).toBe(log.length - 4096);
      expect(parseCcEventLog(log).length).toBe(parsed.end);
    }
  });
});

describe('f3: one mapping — MR index n → REM n−1 in both verifiers', () => {
  const events = [
    ev(0, 'RIM-side blob'),
    ev(1, 'firmware configuration'),
    ev(2, 'kernel image'),
    ev(3, 'kernel command line'),
    ev(4, 'application'),
    ev(1, 'secure boot state'),
  ];
  const log = encodeAgileLog(['sha256'], events, { padding: 256, paddingByte: 0xff });

  it('the realm reader maps each record as parseCcEventLog does', () => {
    const cca = parseCcaRealmEventLog(log).events;
    const generic = parseCcEventLog(log).events.slice(1);
    expect(cca.map((e) => e.target)).toEqual(['rim', 0, 1, 2, 3, 0]);
    expect(generic.map((e) => e.registerIndex ?? 'rim')).toEqual(cca.map((e) => e.target));
  });

  it('REMs extended by MR index pass in both; the PCR reading of the same bytes fails in both', async () => {
    const right = remsByMrIndex(events);
    expect(await bothVerdicts(log, right)).toEqual({
      cca: true,
      generic: true,
      ccaRems: ['pass', 'pass', 'pass', 'pass'],
      genericRems: ['pass', 'pass', 'pass', 'pass'],
    });
    const pcrReading = remsByPcr(events);
    expect(pcrReading).not.toEqual(right);
    const wrong = await bothVerdicts(log, pcrReading);
    expect(wrong.cca).toBe(false);
    expect(wrong.generic).toBe(false);
    expect(wrong.ccaRems).toEqual(wrong.genericRems);
  });

  it("the reviewer's log numbered by TCG PCR (1, 3, 7, 9) is refused, not read with another mapping", async () => {
    const pcrLog = encodeAgileLog(
      ['sha256'],
      [ev(1, 'firmware config'), ev(3, 'grub.cfg'), ev(7, 'SecureBoot policy'), ev(9, 'cmdline')],
    );
    const third = parseCcEventLog(pcrLog).events[3]!;
    expectAttestError(() => parseCcaRealmEventLog(pcrLog), 'ERR_BAD_VALUE', third.offset);
    const asPcrs = await verifyCcaRealmEventLog(pcrLog, {
      hashAlgorithm: 'sha-256',
      extensibleMeasurements: remsByPcr([
        ev(1, 'firmware config'),
        ev(3, 'grub.cfg'),
        ev(7, 'SecureBoot policy'),
        ev(9, 'cmdline'),
      ]),
    });
    expect(asPcrs.ok).toBe(false);
    expect(asPcrs.checks[0]).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_BAD_VALUE', offset: third.offset },
    });
    // The event-log module reads the same indices the same way; it skips MR 7 and 9 with a warning.
    const generic = parseCcEventLog(pcrLog);
    expect(generic.events.slice(1).map((e) => e.registerIndex)).toEqual([
      0,
      2,
      undefined,
      undefined,
    ]);
    expect(generic.warnings.filter((w) => w.code === 'unknown-mr-index')).toHaveLength(2);
  });

  it('an MR index past 4 is refused even when it is the only event', () => {
    const log5 = encodeAgileLog(['sha256'], [ev(5, 'x')]);
    expectAttestError(() => parseCcaRealmEventLog(log5), 'ERR_BAD_VALUE');
  });
});

describeVectors('f3: the only CCA log vector (SYNTHETIC, vectors/cca/eventlog)', () => {
  it('has only MR index 0 (RIM-side) events: both readers agree, and it cannot tell the mappings apart', async () => {
    const bytes = readVector('cca', 'eventlog/cca-realm-bootlog-synthetic.bin');
    const cca = parseCcaRealmEventLog(bytes);
    expect(cca.events.map((e) => [e.pcrIndex, e.target])).toEqual([
      [0, 'rim'],
      [0, 'rim'],
      [0, 'rim'],
    ]);
    const generic = parseCcEventLog(bytes);
    expect(generic.events.slice(1).map((e) => e.registerIndex)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const zeros = [0, 1, 2, 3].map(() => new Uint8Array(32));
    expect(await bothVerdicts(bytes, zeros)).toMatchObject({ cca: true, generic: true });
    const one = concatBytes(new Uint8Array(31), new Uint8Array([1]));
    expect(await bothVerdicts(bytes, [zeros[0]!, zeros[1]!, one, zeros[3]!])).toMatchObject({
      cca: false,
      generic: false,
    });
  });
});
