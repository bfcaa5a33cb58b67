/**
 * Property tests (fast-check): encoding then parsing gives back the events; replaying equals
 * folding extend over the events; verifying against the fold passes and against any one changed
 * register fails exactly that register's check.
 */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { toHex } from '../../src/core/encoding.js';
import {
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  verifyEventLog,
} from '../../src/eventlog/index.js';
import { banksFromHex } from './support/vectors.js';
import {
  encodeAgileLog,
  encodeImaAscii,
  encodeImaBinary,
  encodeSha1Log,
  foldReplay,
  imaFold,
  type EventSpec,
  type ImaSpec,
} from './support/encode.js';

const eventArb: fc.Arbitrary<EventSpec> = fc.record({
  pcr: fc.integer({ min: 0, max: 23 }),
  type: fc.constantFrom(1, 4, 5, 0xd, 0x80000003, 0x80000007, 0x80000008, 0x1234),
  data: fc.uint8Array({ maxLength: 64 }),
});
const bankSets = fc.constantFrom(
  ['sha1'] as const,
  ['sha256'] as const,
  ['sha1', 'sha256'] as const,
  ['sha1', 'sha256', 'sha384', 'sha512'] as const,
);

describe('eventlog properties', () => {
  test.prop([bankSets, fc.array(eventArb, { maxLength: 24 })], { numRuns: 150 })(
    'crypto-agile: parse(encode(x)) = x and replay = fold',
    (banks, events) => {
      const log = parseTcgEventLog(encodeAgileLog(banks, events));
      expect(log.events.length).toBe(events.length + 1);
      events.forEach((e, i) => {
        const p = log.events[i + 1]!;
        expect([p.pcrIndex, p.type, toHex(p.data)]).toEqual([e.pcr, e.type, toHex(e.data)]);
      });
      const { registers } = replayEventLog(log);
      const fold = foldReplay(banks, events);
      for (const b of banks) {
        const got = Object.fromEntries(
          Object.entries(registers[b] ?? {}).map(([k, v]) => [k, toHex(v)]),
        );
        expect(got).toEqual(fold[b]);
      }
    },
  );

  test.prop([fc.array(eventArb, { maxLength: 24 })], { numRuns: 100 })(
    'SHA-1 format: replay = fold',
    (events) => {
      const nonZero = events.filter((e) => !(e.pcr === 0 && e.type === 0));
      const log = parseTcgEventLog(
        encodeSha1Log(
          nonZero.length > 0 ? nonZero : [{ pcr: 1, type: 5, data: new Uint8Array(1) }],
        ),
      );
      const { registers } = replayEventLog(log);
      const fold = foldReplay(
        ['sha1'],
        nonZero.length > 0 ? nonZero : [{ pcr: 1, type: 5, data: new Uint8Array(1) }],
      );
      expect(
        Object.fromEntries(Object.entries(registers.sha1 ?? {}).map(([k, v]) => [k, toHex(v)])),
      ).toEqual(fold.sha1);
    },
  );

  test.prop([fc.array(eventArb, { minLength: 1, maxLength: 16 }), fc.nat()], { numRuns: 100 })(
    'verify passes against the fold and fails exactly the changed register',
    async (events, pick) => {
      const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
      const fold = foldReplay(['sha256'], events);
      const ok = await verifyEventLog(log, { pcrs: banksFromHex(fold) });
      expect(
        ok.checks
          .filter((c) => c.id.startsWith('eventlog.replay.'))
          .every((c) => c.status === 'pass'),
      ).toBe(true);
      const regs = Object.keys(fold.sha256!);
      if (regs.length === 0) return;
      const target = regs[pick % regs.length]!;
      const changed = banksFromHex(fold);
      changed.sha256![Number(target)]![0]! ^= 0x80;
      const bad = await verifyEventLog(log, { pcrs: changed });
      expect(bad.ok).toBe(false);
      for (const c of bad.checks.filter((x) => x.id.startsWith('eventlog.replay.'))) {
        expect(c.status).toBe(c.id === `eventlog.replay.pcr${target}` ? 'fail' : 'pass');
      }
    },
  );

  const imaArb: fc.Arbitrary<ImaSpec> = fc.record({
    template: fc.constantFrom('ima-ng' as const, 'ima-sig' as const, 'ima-buf' as const),
    alg: fc.constantFrom('sha1' as const, 'sha256' as const),
    fileDigest: fc.uint8Array({ minLength: 20, maxLength: 20 }),
    path: fc.stringMatching(/^\/[a-z0-9 ._-]{0,30}$/),
    // An ascii list cannot tell a trailing path word from a signature; real IMA signatures start
    // with the xattr type 0x03 and version 0x02, which is what the parser relies on.
    sig: fc.oneof(
      fc.constant(new Uint8Array(0)),
      fc.uint8Array({ minLength: 8, maxLength: 40 }).map((b) => Uint8Array.from([3, 2, ...b])),
    ),
    buf: fc.uint8Array({ maxLength: 40 }),
    violation: fc.boolean(),
  });
  test.prop([fc.array(imaArb, { minLength: 1, maxLength: 20 })], { numRuns: 100 })(
    'IMA binary: replay = fold in every bank',
    (entries) => {
      const log = parseImaLog(encodeImaBinary(entries));
      expect(log.entries.length).toBe(entries.length);
      const { registers } = replayEventLog(log, { banks: ['sha1', 'sha256', 'sha384'] });
      for (const b of ['sha1', 'sha256', 'sha384'] as const)
        expect(toHex(registers[b]![10]!)).toBe(imaFold(entries, b));
      // The ascii list rebuilds exactly the binary list's template data. The kernel prints " "
      // before every field, so an unsigned ima-sig line ends in a space (the encoder leaves it
      // out; without it a path that ends in a space cannot be told from the empty field).
      const kernelAscii = encodeImaAscii(entries)
        .split('\n')
        .map((l, i) =>
          entries[i]?.template === 'ima-sig' && (entries[i]?.sig?.length ?? 0) === 0 ? `${l} ` : l,
        )
        .join('\n');
      const ascii = parseImaLog(new TextEncoder().encode(kernelAscii));
      ascii.entries.forEach((e, i) => {
        expect(toHex(e.templateHash)).toBe(toHex(log.entries[i]!.templateHash));
        if (!e.isViolation)
          expect(toHex(e.templateData!)).toBe(toHex(log.entries[i]!.templateData!));
      });
    },
  );

  test.prop(
    [fc.array(fc.tuple(imaArb, fc.constantFrom(10, 11, 14)), { minLength: 1, maxLength: 30 })],
    { numRuns: 100 },
  )('IMA binary: entries for several PCRs, in runs, replay per PCR in every bank', (pairs) => {
    const entries = pairs.map(([e, pcr]) => ({ ...e, pcr }));
    // The listed bank (the template hashes as extended) and two banks rebuilt from template data.
    for (const listed of ['sha1', 'sha256'] as const) {
      const log = parseImaLog(encodeImaBinary(entries, listed));
      const banks = ['sha1', 'sha256', 'sha384'] as const;
      const { registers } = replayEventLog(log, { banks: [...banks] });
      for (const b of banks) {
        const pcrs = [...new Set(entries.map((e) => e.pcr))].sort((x, y) => x - y);
        expect(Object.keys(registers[b]!).map(Number)).toEqual(pcrs);
        for (const pcr of pcrs)
          expect(toHex(registers[b]![pcr]!), `${b} pcr ${pcr}`).toBe(
            imaFold(
              entries.filter((e) => e.pcr === pcr),
              b,
            ),
          );
      }
    }
  });
});
