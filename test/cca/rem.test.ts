/** REM extension and the realm event-log replay (src/cca/rem.ts). */
import { describe, expect, it } from 'vitest';
import {
  ccaRemForPcr,
  extendCcaRem,
  parseCcaRealmEventLog,
  parseCcaToken,
  replayCcaRealmEventLog,
  verifyCcaRealmEventLog,
  replayCcaRems,
  verifyCcaToken,
} from '../../src/cca/index.js';
import { AttestError } from '../../src/core/errors.js';
import { digest } from '../../src/core/crypto.js';
import { toHex, utf8Decode, utf8Encode } from '../../src/core/encoding.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, hex, readVector } from '../support/vectors.js';
import { expectedJson, publicJwkOf, type Json } from './support/expected.js';
import { generateTestKey, mintCcaToken } from './support/mint.js';

const EXPECTED = expectedJson();

interface LogEvent {
  pcr: number;
  type: number;
  digests: [number, Uint8Array][];
  data: Uint8Array;
}

/** A TCG2 crypto-agile log (SYNTHETIC), little-endian. */
function buildLog(algs: [number, number][], events: LogEvent[], padding = 0): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  const u16 = (v: number) => out.push(v & 0xff, v >>> 8);
  const spec: number[] = [...utf8Encode('Spec ID Event03\0'), 0, 0, 0, 0, 0, 2, 0, 2];
  spec.push(algs.length, 0, 0, 0);
  for (const [id, size] of algs) spec.push(id & 0xff, id >> 8, size & 0xff, size >> 8);
  spec.push(0);
  u32(0);
  u32(3);
  out.push(...new Uint8Array(20));
  u32(spec.length);
  out.push(...spec);
  for (const e of events) {
    u32(e.pcr);
    u32(e.type);
    u32(e.digests.length);
    for (const [id, d] of e.digests) {
      u16(id);
      out.push(...d);
    }
    u32(e.data.length);
    out.push(...e.data);
  }
  out.push(...new Uint8Array(padding));
  return Uint8Array.from(out);
}

const ev = (pcr: number, text: string, type = 13): LogEvent => ({
  pcr,
  type,
  digests: [[0x000b, digest('sha256', utf8Encode(text))]],
  data: utf8Encode(text),
});

describe('REM extension (RSI_MEASUREMENT_EXTEND)', () => {
  it('reproduces the worked examples of expected.json', () => {
    const examples = EXPECTED.rem_extend_examples.examples;
    for (const ex of examples) {
      let rem = hex(ex.initial as string);
      for (const step of ex.steps as Json[]) {
        rem = extendCcaRem(ex.realm_hash_algo as string, rem, hex(step.data as string));
        expect(toHex(rem)).toBe(step.result);
      }
    }
  });

  it('replays a list of extends from zeros', () => {
    const rems = replayCcaRems('sha-256', [
      { rem: 0, measurement: new Uint8Array(32).fill(0x11) },
      { rem: 0, measurement: utf8Encode('hello') },
      { rem: 3, measurement: Uint8Array.of(1) },
    ]);
    expect(toHex(rems[0]!)).toBe(
      '31ddf3b5bd5162ecaf9fb653830756ba5162052501d5236bf1cc30be41cb917f',
    );
    expect(rems[1]).toEqual(new Uint8Array(32));
    expect(rems[3]).toEqual(digest('sha256', Uint8Array.of(...new Uint8Array(32), 1)));
  });

  it('rejects what the RSI call rejects', () => {
    expect(() => extendCcaRem('sha-256', new Uint8Array(32), new Uint8Array(0))).toThrow(
      RangeError,
    );
    expect(() => extendCcaRem('sha-256', new Uint8Array(32), new Uint8Array(65))).toThrow(
      RangeError,
    );
    expect(() => extendCcaRem('sha-512', new Uint8Array(32), new Uint8Array(1))).toThrow(
      RangeError,
    );
    expect(() => replayCcaRems('sha-256', [{ rem: 4, measurement: new Uint8Array(1) }])).toThrow(
      RangeError,
    );
    expect(() => extendCcaRem('sha-1', new Uint8Array(20), new Uint8Array(1))).toThrow(AttestError);
  });

  it('maps PCRs to REMs as MapPcrToMrIndex does (the producer side)', () => {
    expect([0, 1, 2, 6, 7, 8, 15, 16, 23].map(ccaRemForPcr)).toEqual([
      'rim',
      0,
      1,
      1,
      0,
      2,
      2,
      3,
      3,
    ]);
  });
});

describeVectors('the synthetic realm event log (vectors/cca/eventlog)', () => {
  const log = EXPECTED.event_logs[0]!;
  const e = log.expected as { events: Json[]; end_of_log: string };
  const bytes = readVector('cca', log.file as string);

  it('parses to the expected events, stopping at the zero padding', () => {
    const parsed = parseCcaRealmEventLog(bytes);
    expect(parsed.algorithms).toEqual([{ algorithm: 'sha256', size: 32 }]);
    expect(parsed.end).toBe(284);
    expect(parsed.events).toHaveLength(e.events.length);
    parsed.events.forEach((p, i) => {
      const x = e.events[i]!;
      const blob = x.blob as { description: string; description_size: number };
      expect(p.offset).toBe(x.offset);
      expect(p.pcrIndex).toBe(x.pcr_index);
      expect(p.eventType).toBe(x.event_type);
      expect(toHex(p.digests.sha256!)).toBe((x.digests as Json).sha256);
      expect(p.data.length).toBe(x.event_size);
      expect(p.data[0]).toBe(blob.description_size);
      expect(utf8Decode(p.data.subarray(1, blob.description_size))).toBe(
        `${blob.description}\0`.slice(0, -1),
      );
      expect(p.target).toBe('rim');
    });
  });

  it('replays: RIM-side events only, so REM0–REM3 stay zero', () => {
    const replay = replayCcaRealmEventLog(parseCcaRealmEventLog(bytes), 'sha-256');
    expect(replay.rimEvents).toEqual([0, 1, 2]);
    expect(replay.extendedEvents).toEqual([[], [], [], []]);
    expect(replay.rems).toEqual([0, 1, 2, 3].map(() => new Uint8Array(32)));
  });

  it('matches the zero REMs of rc-cca-token-01 and not those of tfm-cca-example-token', async () => {
    const token = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-01.cbor'), {
      platformKey: publicJwkOf('cpak-tfrmm-p384'),
    });
    expect(token.ok).toBe(true);
    const ok = await verifyCcaRealmEventLog(bytes, token.realmClaims!);
    expect(ok.ok).toBe(true);
    expect(ok.checks.map((c) => [c.id, c.status, c.required])).toEqual([
      ['cca.realm-log.decode', 'pass', true],
      ['cca.realm-log.rem0', 'pass', true],
      ['cca.realm-log.rem1', 'pass', true],
      ['cca.realm-log.rem2', 'pass', true],
      ['cca.realm-log.rem3', 'pass', true],
    ]);
    expect(ok.checks[0]!.detail).toEqual({ rimEvents: [0, 1, 2] });
    const other = parseCcaToken(readVector('cca', 'tokens/tfm-cca-example-token.cbor'));
    const bad = await verifyCcaRealmEventLog(bytes, other.realm!.claims);
    expect(bad.ok).toBe(false);
    expect(bad.checks.slice(1).map((c) => c.status)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(bad.checks[1]!.detail).toMatchObject({
      expected: '24d5b0a296cc05cbd8068c5067c5bd473b770dda6ae082fe3ba30abe3f9a6ab1',
      actual: '00'.repeat(32),
      events: [],
    });
  });

  it('replayed REMs are an ordinary policy for verifyCcaToken', async () => {
    const replay = replayCcaRealmEventLog(parseCcaRealmEventLog(bytes), 'sha-256');
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-01.cbor'), {
      platformKey: publicJwkOf('cpak-tfrmm-p384'),
      policy: { realmExtensibleMeasurements: [replay.rems] },
    });
    expect(r.checks.find((c) => c.id === 'cca.policy.rems')?.status).toBe('pass');
  });

  it('every truncation is an AttestError', () => {
    for (let n = 0; n < 284; n++) {
      try {
        parseCcaRealmEventLog(bytes.subarray(0, n));
      } catch (err) {
        expect(err).toBeInstanceOf(AttestError);
      }
    }
    expectAttestError(() => parseCcaRealmEventLog(bytes.subarray(0, 100)), 'ERR_TRUNCATED');
  });
});

describe('replaying a SYNTHETIC realm log against a SYNTHETIC token', () => {
  // The first field is the CC measurement-register index (1–4 = REM0–3), as edk2 logs it.
  const events = [
    ev(1, 'grub'),
    ev(2, 'kernel'),
    ev(3, 'cmdline'),
    ev(4, 'app'),
    ev(1, 'sb'),
    ev(0, 'rim-blob'),
  ];
  const noAction: LogEvent = {
    pcr: 1,
    type: 3,
    digests: [[0x000b, new Uint8Array(32)]],
    data: new Uint8Array(4),
  };
  const log = buildLog(
    [
      [0x000b, 32],
      [0x000c, 48],
    ],
    [...events, noAction],
    64,
  );

  async function withLog(rems: Uint8Array[], log: Uint8Array) {
    const cpak = await generateTestKey('P-384');
    const m = await mintCcaToken({ cpak, rems });
    const token = await verifyCcaToken(m.token, { platformKey: cpak.publicJwk });
    expect(token.ok).toBe(true);
    return verifyCcaRealmEventLog(log, token.realmClaims!);
  }

  it('replays to the REMs the realm extended', async () => {
    const replay = replayCcaRealmEventLog(parseCcaRealmEventLog(log), 'sha-256');
    expect(replay.extendedEvents).toEqual([[0, 4], [1], [2], [3]]);
    expect(replay.rimEvents).toEqual([5]);
    const expectedRem0 = replayCcaRems('sha-256', [
      { rem: 0, measurement: digest('sha256', utf8Encode('grub')) },
      { rem: 0, measurement: digest('sha256', utf8Encode('sb')) },
    ])[0];
    expect(replay.rems[0]).toEqual(expectedRem0);
    const r = await withLog([...replay.rems], log);
    expect(r.ok).toBe(true);
    expect(r.replay?.rems).toEqual(replay.rems);
  });

  it('names the REM a changed event breaks', async () => {
    const replay = replayCcaRealmEventLog(parseCcaRealmEventLog(log), 'sha-256');
    const changed = buildLog(
      [[0x000b, 32]],
      [ev(1, 'grub'), ev(2, 'kernel2'), ev(3, 'cmdline'), ev(4, 'app'), ev(1, 'sb')],
    );
    const r = await withLog([...replay.rems], changed);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'cca.realm-log.rem1',
    ]);
    expect(r.checks.find((c) => c.id === 'cca.realm-log.rem1')?.detail).toMatchObject({
      events: [1],
    });
  });

  it('fails the check when the log lacks the realm hash', async () => {
    const sha384only = buildLog(
      [[0x000c, 48]],
      [{ pcr: 1, type: 13, digests: [[0x000c, new Uint8Array(48)]], data: new Uint8Array(0) }],
    );
    const r = await withLog(
      [0, 1, 2, 3].map(() => new Uint8Array(32)),
      sha384only,
    );
    expect(r.checks.find((c) => c.id === 'cca.realm-log.decode')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_MISSING_FIELD' },
    });
    expect(r.checks.slice(1).every((c) => c.status === 'skip' && c.required)).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('rejects malformed logs', () => {
    expectAttestError(() => parseCcaRealmEventLog(new Uint8Array(64)), 'ERR_BAD_MAGIC', 0);
    const undeclared = buildLog(
      [[0x000b, 32]],
      [{ pcr: 1, type: 13, digests: [[0x000d, new Uint8Array(64)]], data: new Uint8Array(0) }],
    );
    expectAttestError(() => parseCcaRealmEventLog(undeclared), 'ERR_BAD_VALUE', 77);
    const huge = buildLog([[0x000b, 32]], []);
    const withCount = Uint8Array.from([
      ...huge,
      1,
      0,
      0,
      0,
      13,
      0,
      0,
      0,
      0xff,
      0xff,
      0xff,
      0xff,
      1,
    ]);
    const t0 = performance.now();
    expectAttestError(() => parseCcaRealmEventLog(withCount), 'ERR_BAD_LENGTH', 73);
    expect(performance.now() - t0).toBeLessThan(20);
  });
});

describe('verifyCcaRealmEventLog: arguments', () => {
  it('rejects wrong argument types with TypeError', async () => {
    const realm = { hashAlgorithm: 'sha-256', extensibleMeasurements: [new Uint8Array(32)] };
    await expect(verifyCcaRealmEventLog('log' as never, realm)).rejects.toThrow(TypeError);
    await expect(verifyCcaRealmEventLog(new Uint8Array(8), null as never)).rejects.toThrow(
      TypeError,
    );
    await expect(
      verifyCcaRealmEventLog(new Uint8Array(8), {
        hashAlgorithm: 'sha-256',
        extensibleMeasurements: ['00'],
      } as never),
    ).rejects.toThrow(TypeError);
  });
  it('a malformed log is a failed check, not an exception', async () => {
    const r = await verifyCcaRealmEventLog(new Uint8Array(8), {
      hashAlgorithm: 'sha-256',
      extensibleMeasurements: [],
    });
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toMatchObject({ status: 'fail', detail: { code: 'ERR_TRUNCATED' } });
  });
});
