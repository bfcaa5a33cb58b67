/**
 * CC event logs: the seven TDX CCEL vectors replay to their RTMRs (and the COS log to the RTMRs
 * of its own TD quote), the ACPI CCEL table decodes, fill after the last event is accepted, MR
 * index 0 and EV_NO_ACTION are never extended; the synthetic CCA realm log parses and verifies
 * against REMs.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { toHex } from '../../src/core/encoding.js';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  parseCcEventLog,
  parseCcelTable,
  parseTcgEventLog,
  replayEventLog,
  verifyEventLog,
  summarizeBoot,
} from '../../src/eventlog/index.js';
import {
  CCEL_CASES,
  hasVectors,
  hex,
  readVector,
  readVectorJson,
  vectorExists,
} from './support/vectors.js';
import { encodeAgileLog, ascii } from './support/encode.js';

describeVectors('eventlog: CCEL vectors (vectors/tdx/ccel-*)', () => {
  for (const c of CCEL_CASES) {
    describe(c, () => {
      const ex = readVectorJson('tdx', c, 'expected.json');
      const table = vectorExists('tdx', c, 'ccel_table.bin')
        ? readVector('tdx', c, 'ccel_table.bin')
        : undefined;
      const log = parseCcEventLog(
        readVector('tdx', c, 'ccel_data.bin'),
        table !== undefined ? { table } : {},
      );

      it('header, events and end of events', () => {
        expect(log.specId.algorithms).toEqual([
          { algorithmId: 0x000c, name: 'sha384', digestSize: 48 },
        ]);
        expect(log.specId.vendorInfoSize).toBe(ex.spec_id_event.vendor_info_size);
        expect(log.events[0]!.mrIndex).toBe(ex.spec_id_event.pcr_or_mr_index);
        expect(log.events.length - 1).toBe(ex.events_after_spec_id);
        expect(log.length).toBe(ex.end_of_events_offset);
        const perMr: Record<string, number> = {};
        for (const e of log.events.slice(1)) perMr[e.mrIndex] = (perMr[e.mrIndex] ?? 0) + 1;
        expect(perMr).toEqual(ex.events_per_mr_index);
        expect(log.events.slice(1).filter((e) => e.typeName === 'EV_NO_ACTION').length).toBe(
          ex.ev_no_action_events_after_header,
        );
        const pad = ex.padding_after_last_event;
        const w = log.warnings.find((x) => x.code === 'padding');
        expect(w?.offset).toBe(ex.end_of_events_offset);
        expect(w?.message).toContain(`${pad.length} bytes of 0x${pad.all_0xff ? 'ff' : '00'}`);
      });

      it('replays to the expected RTMR0–3 (SHA-384)', () => {
        const { registers } = replayEventLog(log);
        for (let i = 0; i < 4; i++)
          expect(toHex(registers.sha384![i]!)).toBe(ex.replayed[`rtmr${i}`]);
      });

      it('verifies against the RTMRs with one check per register', async () => {
        const rtmrs = [0, 1, 2, 3].map((i) => hex(ex.replayed[`rtmr${i}`] as string));
        const v = await verifyEventLog(log, { rtmrs });
        expect(v.ok).toBe(true);
        expect(
          v.checks.filter((x) => x.id.startsWith('eventlog.replay.')).map((x) => [x.id, x.status]),
        ).toEqual([
          ['eventlog.replay.rtmr0', 'pass'],
          ['eventlog.replay.rtmr1', 'pass'],
          ['eventlog.replay.rtmr2', 'pass'],
          ['eventlog.replay.rtmr3', 'pass'],
        ]);
        const bad = rtmrs.map((r) => r.slice());
        bad[1]![0]! ^= 1;
        const f = await verifyEventLog(log, { rtmrs: bad });
        expect(f.ok).toBe(false);
        const c = f.checks.find((x) => x.id === 'eventlog.replay.rtmr1')!;
        expect(c.status).toBe('fail');
        expect((c.detail as { expected: string }).expected).toBe(toHex(bad[1]!));
        expect((c.detail as { actual: string }).actual).toBe(ex.replayed.rtmr1);
        expect((c.detail as { events: number[] }).events.length).toBe(
          ex.events_per_mr_index['2'] ?? 0,
        );
      });

      if (table !== undefined) {
        it('decodes the ACPI CCEL table', () => {
          const t = log.table!;
          const at = ex.acpi_table;
          expect([
            t.length,
            t.revision,
            t.checksum,
            t.checksumOk,
            t.oemId,
            t.oemTableId,
            t.oemRevision,
            t.creatorId,
            t.creatorRevision,
            t.ccType,
            t.ccSubtype,
          ]).toEqual([
            at.length,
            at.revision,
            at.checksum,
            at.checksum_ok,
            at.oem_id.replace(/\0+$/, ''),
            at.oem_table_id,
            at.oem_revision,
            at.creator_id,
            at.creator_revision,
            at.cc_type,
            at.cc_subtype,
          ]);
          expect(t.laml).toBe(BigInt(at.laml));
          expect(t.lasa).toBe(BigInt(at.lasa));
        });
      }
    });
  }

  it('the COS CCEL replays to the RTMRs of its own TD quote (tdx/gotdx-v4-cos113-gcp)', async () => {
    const q = readVectorJson('tdx', 'gotdx-v4-cos113-gcp', 'expected.json');
    const log = parseCcEventLog(readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'), {
      table: readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin'),
    });
    const rtmrs = [0, 1, 2, 3].map((i) => hex(q.body[`rtmr${i}`] as string));
    const v = await verifyEventLog(log, { rtmrs });
    expect(v.ok).toBe(true);
    expect(v.verifiedEvents.length).toBe(43);
  });

  it('per-event digests agree with events.json of the COS log', () => {
    const events = readVectorJson('tdx', 'ccel-gotdx-cos113', 'events.json').events as {
      n: number;
      offset: number;
      mr_index: number;
      event_type_name: string;
      sha384_digest: string;
      digest_equals_sha384_of_event_data: boolean;
    }[];
    const log = parseCcEventLog(readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'));
    for (const e of events) {
      const ours = log.events[e.n]!;
      expect([ours.offset, ours.mrIndex, ours.typeName, toHex(ours.digests.sha384!)]).toEqual([
        e.offset,
        e.mr_index,
        e.event_type_name,
        e.sha384_digest,
      ]);
      expect(toHex(digest('sha384', ours.data)) === e.sha384_digest).toBe(
        e.digest_equals_sha384_of_event_data,
      );
    }
  });

  it('summarizes the COS CCEL (Secure Boot variables in RTMR0, GRUB in RTMR2)', () => {
    const log = parseCcEventLog(readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'), {
      table: readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin'),
    });
    const s = summarizeBoot(log);
    expect(s.logKind).toBe('cc');
    expect(s.secureBoot).toBeDefined();
    expect(Object.keys(s.databases).sort()).toEqual(expect.arrayContaining(['KEK', 'PK', 'db']));
    expect(s.platform?.value.hints).toContain('Intel TDX (CCEL table)');
  });
});

describeVectors('eventlog: CCA synthetic realm log (vectors/cca/eventlog)', () => {
  const ex = hasVectors ? readVectorJson('cca', 'expected.json').event_logs[0].expected : undefined;
  const bytes = hasVectors
    ? readVector('cca', 'eventlog', 'cca-realm-bootlog-synthetic.bin')
    : new Uint8Array(0);

  it('parses the header and the three EV_POST_CODE2 blobs, stops at the zero header', () => {
    const log = parseCcEventLog(bytes);
    expect(log.specId.algorithms).toEqual([{ algorithmId: 11, name: 'sha256', digestSize: 32 }]);
    expect(log.specId.specErrata).toBe(ex.spec_id_event.spec_revision);
    expect(log.events.length).toBe(4);
    for (let i = 0; i < 3; i++) {
      const e = log.events[i + 1]!;
      const x = ex.events[i];
      expect(e.offset).toBe(x.offset);
      expect(e.typeName).toBe(x.event_type_name);
      expect(toHex(e.digests.sha256!)).toBe(x.digests.sha256);
      expect(e.data.length).toBe(x.event_size);
      expect(e.decoded).toEqual({
        kind: 'firmware-blob',
        description: x.blob.description,
        blobBase: BigInt(x.blob.base),
        blobLength: BigInt(x.blob.size),
      });
      expect(e.registerIndex).toBeUndefined();
    }
    expect(log.length).toBe(284);
    expect(log.warnings.find((w) => w.code === 'padding')?.offset).toBe(284);
  });

  it('index 0 (RIM side) is never extended: REMs stay at zero', async () => {
    const log = parseCcEventLog(bytes);
    const zeros = [0, 1, 2, 3].map(() => new Uint8Array(32));
    const v = await verifyEventLog(log, { rems: zeros });
    expect(v.ok).toBe(true);
    expect(v.checks.filter((c) => c.id.startsWith('eventlog.replay.')).map((c) => c.id)).toEqual([
      'eventlog.replay.rem0',
      'eventlog.replay.rem1',
      'eventlog.replay.rem2',
      'eventlog.replay.rem3',
    ]);
    const nonZero = zeros.map((z) => z.slice());
    nonZero[2]![31] = 1;
    const f = await verifyEventLog(log, { rems: nonZero });
    expect(f.checks.find((c) => c.id === 'eventlog.replay.rem2')!.status).toBe('fail');
    expect(f.checks.find((c) => c.id === 'eventlog.replay.rem2')!.message).toContain(
      'never extends',
    );
  });
});

describe('eventlog: CC logs (synthetic)', () => {
  it('REM = H(REM ‖ digest) for MR index 1–4 (synthetic CCA-style log, SHA-256)', async () => {
    const events = [
      { pcr: 1, type: 0x80000007, data: ascii('first') },
      { pcr: 3, type: 0x80000007, data: ascii('third') },
      { pcr: 1, type: 3, data: ascii('never extended') },
      { pcr: 0, type: 0x80000008, data: new Uint8Array(16) },
    ];
    const log = parseCcEventLog(encodeAgileLog(['sha256'], events, { headerPcr: 0 }));
    const z = new Uint8Array(32);
    const rem0 = digest('sha256', concatBytes(z, digest('sha256', ascii('first'))));
    const rem2 = digest('sha256', concatBytes(z, digest('sha256', ascii('third'))));
    const v = await verifyEventLog(log, { rems: [rem0, z, rem2, z] });
    expect(v.ok).toBe(true);
    expect(log.warnings.map((w) => w.code)).toContain('mr-index-0');
  });

  it('rejects a CC log without a Spec ID header', () => {
    const bytes = concatBytes(
      new Uint8Array(4),
      new Uint8Array([1, 0, 0, 0]),
      new Uint8Array(20),
      new Uint8Array([4, 0, 0, 0]),
      new Uint8Array(4),
    );
    expectAttestError(() => parseCcEventLog(bytes), 'ERR_BAD_MAGIC', 0);
  });

  it('CCEL table: magic, length, reserved bytes, checksum', () => {
    const t = new Uint8Array(56);
    t.set(ascii('CCEL'));
    new DataView(t.buffer).setUint32(4, 56, true);
    t[36] = 2;
    let sum = 0;
    for (const b of t) sum = (sum + b) & 0xff;
    t[9] = (256 - sum) & 0xff;
    expect(parseCcelTable(t).checksumOk).toBe(true);
    const badSum = t.slice();
    badSum[9] = (badSum[9]! + 1) & 0xff;
    expect(parseCcelTable(badSum).checksumOk).toBe(false);
    const badMagic = t.slice();
    badMagic[0] = 0x41;
    expectAttestError(() => parseCcelTable(badMagic), 'ERR_BAD_MAGIC', 0);
    const reserved = t.slice();
    reserved[39] = 1;
    expectAttestError(() => parseCcelTable(reserved), 'ERR_RESERVED_NOT_ZERO', 39);
    expectAttestError(() => parseCcelTable(t.subarray(0, 40)), 'ERR_TRUNCATED', 4);
    // A later revision's table (Length 64): the extra bytes are checksummed, not decoded.
    const longer = new Uint8Array(64);
    longer.set(t);
    new DataView(longer.buffer).setUint32(4, 64, true);
    longer[60] = 7;
    longer[9] = 0;
    let s2 = 0;
    for (const b of longer) s2 = (s2 + b) & 0xff;
    longer[9] = (256 - s2) & 0xff;
    const lt = parseCcelTable(longer);
    expect([lt.length, lt.checksumOk, lt.raw.length]).toEqual([64, true, 64]);
    // Input beyond Length is trailing data.
    expectAttestError(
      () => parseCcelTable(concatBytes(t, new Uint8Array(4))),
      'ERR_TRAILING_DATA',
      56,
    );
  });

  it("parsed logs and tables never alias the caller's buffer (Node.js Buffer input)", () => {
    const bytes = encodeAgileLog(
      ['sha384'],
      [{ pcr: 1, type: 4, data: new Uint8Array([1, 2, 3, 4]) }],
      {
        headerPcr: 1,
      },
    );
    const buf = Buffer.from(bytes);
    const log = parseCcEventLog(buf);
    const tcg = parseTcgEventLog(
      Buffer.from(encodeAgileLog(['sha256'], [{ pcr: 0, type: 4, data: new Uint8Array([9, 9]) }])),
    );
    const before = toHex(log.events.at(-1)!.data);
    buf.fill(0xee);
    expect(toHex(log.events.at(-1)!.data)).toBe(before);
    expect(toHex(tcg.events.at(-1)!.data)).toBe('0909');
    const t = new Uint8Array(56);
    t.set(ascii('CCEL'));
    new DataView(t.buffer).setUint32(4, 56, true);
    const tb = Buffer.from(t);
    const table = parseCcelTable(tb);
    tb.fill(0);
    expect(table.raw[0]).toBe(0x43);
  });

  it('parse warnings: unknown-mr-index (MR index beyond RTMR3/REM3), never replayed', async () => {
    const events = [
      { pcr: 1, type: 0x80000007, data: ascii('rtmr0') },
      { pcr: 5, type: 0x80000007, data: ascii('beyond') },
      { pcr: 7, type: 3, data: ascii('EV_NO_ACTION is never extended: no warning') },
    ];
    const log = parseCcEventLog(encodeAgileLog(['sha384'], events, { headerPcr: 0 }));
    expect(log.warnings.map((w) => [w.code, w.offset])).toEqual([
      ['unknown-mr-index', log.events[2]!.offset],
    ]);
    const z = new Uint8Array(48);
    const rtmr0 = digest('sha384', concatBytes(z, digest('sha384', ascii('rtmr0'))));
    const v = await verifyEventLog(log, { rtmrs: [rtmr0, z, z, z] });
    expect(
      v.checks.filter((c) => c.id.startsWith('eventlog.replay.')).map((c) => c.status),
    ).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('parse warnings: ccel-checksum and ccel-laml from the caller-supplied ACPI CCEL table', () => {
    const bytes = encodeAgileLog(['sha384'], [{ pcr: 1, type: 4, data: new Uint8Array(4) }], {
      headerPcr: 0,
    });
    /** A SYNTHETIC 56-byte CCEL table with the given LAML, checksummed unless told not to. */
    const table = (laml: number, goodSum = true): Uint8Array => {
      const t = new Uint8Array(56);
      t.set(ascii('CCEL'));
      const dv = new DataView(t.buffer);
      dv.setUint32(4, 56, true);
      t[8] = 1;
      t[36] = 2;
      dv.setBigUint64(40, BigInt(laml), true);
      dv.setBigUint64(48, 0x7f000000n, true);
      let sum = 0;
      for (const b of t) sum = (sum + b) & 0xff;
      t[9] = (256 - sum + (goodSum ? 0 : 1)) & 0xff;
      return t;
    };
    const codes = (t: Uint8Array): [string, number][] =>
      parseCcEventLog(bytes, { table: t }).warnings.map((w) => [w.code, w.offset]);
    expect(codes(table(bytes.length))).toEqual([]);
    expect(codes(table(bytes.length, false))).toEqual([['ccel-checksum', 0]]);
    expect(parseCcEventLog(bytes, { table: table(bytes.length, false) }).table!.checksumOk).toBe(
      false,
    );
    // The events end past the log area the table declares (LAML).
    expect(codes(table(bytes.length - 1))).toEqual([['ccel-laml', bytes.length]]);
    expect(codes(table(16, false))).toEqual([
      ['ccel-checksum', 0],
      ['ccel-laml', bytes.length],
    ]);
  });

  it('{ rtmrs } needs a CC log and four registers', async () => {
    const log = parseCcEventLog(
      encodeAgileLog(['sha384'], [{ pcr: 1, type: 4, data: new Uint8Array(4) }], { headerPcr: 1 }),
    );
    await expect(verifyEventLog(log, { rtmrs: [new Uint8Array(48)] })).rejects.toThrow(TypeError);
    await expect(verifyEventLog(log, { pcrs: {} })).rejects.toThrow(TypeError);
  });
});
