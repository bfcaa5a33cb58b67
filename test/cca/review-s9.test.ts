/**
 * Review S9 fixes in attestkit/cca (SYNTHETIC tokens and logs):
 * - `verifyCcaToken` given a parsed token re-parses `token.raw` and verifies and returns only that
 *   (an object whose claims were edited after parsing has no say);
 * - the realm event-log reader applies the TCG reader's Spec ID and digest-list rules (each
 *   algorithm once with its registry size, at most the listed digests per event, each algorithm
 *   once), with the same codes and offsets as `parseTcgEventLog`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseCcaRealmEventLog,
  parseCcaToken,
  verifyCcaRealmEventLog,
  verifyCcaToken,
  type CcaToken,
} from '../../src/cca/index.js';
import { verifyConfidentialVm } from '../../src/binding/index.js';
import { encodeSpki } from '../../src/binding/key-encoding.js';
import { AttestError } from '../../src/core/errors.js';
import { digest, extend } from '../../src/core/crypto.js';
import { toHex, utf8Encode } from '../../src/core/encoding.js';
import { parseTcgEventLog } from '../../src/eventlog/index.js';
import { resolveTpmKey } from '../../src/tpm/index.js';
import { expectAttestError } from '../support/errors.js';
import { NOT_BYTES, detachedView } from '../support/not-bytes.js';
import { forgeKey, forgeQuote, type ForgedKey } from '../tpm/support/forge.js';
import { mintCcaToken, type Minted } from './support/mint.js';

// ---- (4) verifyCcaToken re-parses a parsed token from its raw bytes ------------------------------

describe('verifyCcaToken(parsed token) reads only token.raw (SYNTHETIC)', () => {
  let m: Minted;
  let other: Minted;
  let ak: ForgedKey;
  let wanted: Uint8Array;
  const goodRim = new Uint8Array(32).fill(0xee);

  beforeAll(async () => {
    m = await mintCcaToken(); // realm challenge 0xc4 × 64, RIM 0x33 × 32
    other = await mintCcaToken({ challenge: new Uint8Array(64).fill(0x77) });
    ak = await forgeKey('p256');
    wanted = new Uint8Array(64);
    wanted.set(digest('sha256', encodeSpki(resolveTpmKey(ak.publicArea).key)));
  });

  /** The parsed token with the realm challenge and RIM replaced (a caller's edit). */
  const edited = (t: CcaToken): CcaToken => ({
    ...t,
    realm: {
      ...t.realm!,
      claims: { ...t.realm!.claims, challenge: wanted, initialMeasurement: goodRim },
    },
  });

  it('edited realm claims do not satisfy a policy that the signed claims fail', async () => {
    const r = await verifyCcaToken(edited(parseCcaToken(m.token)), {
      platformKey: m.cpak.publicJwk,
      policy: { challenge: wanted, realmInitialMeasurements: [goodRim] },
    });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'cca.policy.challenge')?.status).toBe('fail');
    expect(r.checks.find((c) => c.id === 'cca.policy.rim')?.status).toBe('fail');
    // The signatures and binding still verify: only the policy sees the signed values.
    for (const id of ['cca.platform.signature', 'cca.realm.signature', 'cca.binding'] as const) {
      expect(r.checks.find((c) => c.id === id)?.status).toBe('pass');
    }
  });

  it('the result holds the token re-parsed from raw, never the object given', async () => {
    const given = edited(parseCcaToken(m.token));
    const r = await verifyCcaToken(given, { platformKey: m.cpak.publicJwk });
    expect(r.ok).toBe(true);
    expect(r.token).not.toBe(given);
    expect(r.token).toEqual(parseCcaToken(m.token));
    expect(toHex(r.realmClaims!.challenge)).toBe('c4'.repeat(64));
    expect(toHex(r.token!.realm!.claims.initialMeasurement)).toBe('33'.repeat(32));
    expect(r.realmClaims).toBe(r.token!.realm!.claims);
    expect(r.platformClaims).toBe(r.token!.platform.claims);
  });

  it('an object whose raw is another token is verified as that other token', async () => {
    const mixed: CcaToken = { ...parseCcaToken(m.token), raw: other.token };
    const r = await verifyCcaToken(mixed, { platformKey: other.cpak.publicJwk });
    expect(r.ok).toBe(true);
    expect(toHex(r.realmClaims!.challenge)).toBe('77'.repeat(64));
    // And with the first token's key the other token's signature fails.
    const wrongKey = await verifyCcaToken(mixed, { platformKey: m.cpak.publicJwk });
    expect(wrongKey.checks.find((c) => c.id === 'cca.platform.signature')?.status).toBe('fail');
  });

  it('raw bytes that do not decode fail cca.decode with the parser code and offset', async () => {
    const raw = m.token.slice(0, m.token.length - 1);
    let expected: AttestError | undefined;
    try {
      parseCcaToken(raw);
    } catch (e) {
      expected = e as AttestError;
    }
    expect(expected).toBeInstanceOf(AttestError);
    const r = await verifyCcaToken(
      { ...parseCcaToken(m.token), raw },
      { platformKey: m.cpak.publicJwk },
    );
    expect(r.ok).toBe(false);
    const decode = r.checks.find((c) => c.id === 'cca.decode')!;
    expect(decode.status).toBe('fail');
    expect(decode.detail).toMatchObject({ code: expected!.code, offset: expected!.offset });
    expect(r.token).toBeUndefined();
    for (const c of r.checks) if (c.id !== 'cca.decode') expect(c.status).toBe('skip');
  });

  const badRaw: readonly (readonly [string, () => unknown])[] = [
    ...NOT_BYTES,
    ['a hex string', () => 'd9018fa0'],
    ['a detached view', detachedView],
  ];
  for (const [what, make] of badRaw) {
    it(`raw = ${what} rejects with TypeError`, async () => {
      const t = { ...parseCcaToken(m.token), raw: make() } as unknown as CcaToken;
      await expect(verifyCcaToken(t, { platformKey: m.cpak.publicJwk })).rejects.toThrow(TypeError);
    });
  }

  it('verifyConfidentialVm does not bind an edited CcaToken object', async () => {
    const nonce = new Uint8Array(32).fill(3);
    const q = await forgeQuote({ key: ak, selection: [['sha256', [0]]], nonce });
    const r = await verifyConfidentialVm(
      {
        hardware: { kind: 'cca', token: edited(parseCcaToken(m.token)) },
        binding: { scheme: 'hash', key: 'ak', hash: 'sha256', encoding: 'spki' },
        tpm: { attest: q.attest, signature: q.signature, akPublic: ak.publicArea, pcrs: q.pcrs },
        nonce,
      },
      { cca: { platformKey: m.cpak.publicJwk } },
    );
    expect(r.ok).toBe(false);
    expect(r.claims.measurement).toBe('33'.repeat(32));
  });
});

// ---- (6) realm event log: the TCG reader's Spec ID and digest-list rules --------------------------

interface LogEvent {
  readonly pcr: number;
  readonly type: number;
  readonly digests: readonly (readonly [number, Uint8Array])[];
  readonly data: Uint8Array;
  /** Digest count to write instead of `digests.length`. */
  readonly count?: number;
}

/** A TCG2 crypto-agile log (SYNTHETIC): Spec ID event with `algs`, then `events`. */
function buildLog(algs: readonly (readonly [number, number])[], events: readonly LogEvent[]) {
  const out: number[] = [];
  const u32 = (v: number): void => {
    out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  };
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
    u32(e.count ?? e.digests.length);
    for (const [id, d] of e.digests) out.push(id & 0xff, id >> 8, ...d);
    u32(e.data.length);
    out.push(...e.data);
  }
  return Uint8Array.from(out);
}

const SHA1 = 0x0004;
const SHA256 = 0x000b;
const SHA384 = 0x000c;
const SHA512 = 0x000d;
const SM3 = 0x0012;
const A = new Uint8Array(32).fill(0xaa);
const B = new Uint8Array(32).fill(0xbb);
const DATA = Uint8Array.of(1);
/** Offsets in a log built by buildLog: Spec ID entry i, and the first event's fields. */
const SPEC_ENTRY = (i: number): number => 0x3c + 4 * i;
const firstEvent = (algCount: number): number => 0x3c + 4 * algCount + 1;

/** The code and offset a reader throws, or 'accepted'. */
function outcome(read: () => unknown): string {
  try {
    read();
    return 'accepted';
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return `${e.code}@0x${e.offset?.toString(16)}`;
  }
}

describe('parseCcaRealmEventLog: Spec ID rules of the TCG reader (SYNTHETIC)', () => {
  it('an algorithm listed twice is ERR_BAD_VALUE at the second algorithmId', () => {
    const log = buildLog(
      [
        [SHA256, 32],
        [SHA256, 48],
      ],
      [{ pcr: 1, type: 0xd, digests: [[SHA256, new Uint8Array(48).fill(0xcc)]], data: DATA }],
    );
    const e = expectAttestError(() => parseCcaRealmEventLog(log), 'ERR_BAD_VALUE', SPEC_ENTRY(1));
    expect(e.field).toBe('TCG_EfiSpecIDEvent.digestSizes[1].algorithmId');
  });

  it('an algorithm listed twice with the same size is still refused', () => {
    const log = buildLog(
      [
        [SHA256, 32],
        [SHA384, 48],
        [SHA256, 32],
      ],
      [],
    );
    expectAttestError(() => parseCcaRealmEventLog(log), 'ERR_BAD_VALUE', SPEC_ENTRY(2));
  });

  it('a known algorithm with another size is ERR_BAD_VALUE at its digestSize', () => {
    for (const [id, size] of [
      [SHA256, 20],
      [SHA1, 32],
      [SHA384, 32],
      [SHA512, 48],
      [SM3, 20],
      [0x0027 /* SHA3-256 */, 48],
    ] as const) {
      const log = buildLog([[id, size]], []);
      const e = expectAttestError(
        () => parseCcaRealmEventLog(log),
        'ERR_BAD_VALUE',
        SPEC_ENTRY(0) + 2,
      );
      expect(e.field).toBe('TCG_EfiSpecIDEvent.digestSizes[0].digestSize');
    }
  });

  it('a size no TCG digest has (0, over 64) is refused for an unknown algorithm too', () => {
    for (const size of [0, 65, 0xffff]) {
      expectAttestError(
        () => parseCcaRealmEventLog(buildLog([[0x7777, size]], [])),
        'ERR_BAD_VALUE',
        SPEC_ENTRY(0) + 2,
      );
    }
  });

  it('still accepts each known algorithm at its size, and an unknown one carried by size', () => {
    const log = buildLog(
      [
        [SHA1, 20],
        [SHA256, 32],
        [SHA384, 48],
        [SHA512, 64],
        [SM3, 32],
        [0x7777, 40],
      ],
      [],
    );
    expect(parseCcaRealmEventLog(log).algorithms.map((a) => [a.algorithm, a.size])).toEqual([
      ['sha1', 20],
      ['sha256', 32],
      ['sha384', 48],
      ['sha512', 64],
      ['sm3_256', 32],
    ]);
  });
});

describe('parseCcaRealmEventLog: digest-list rules of the TCG reader (SYNTHETIC)', () => {
  const two: readonly (readonly [number, number])[] = [
    [SHA256, 32],
    [SHA384, 48],
  ];

  it('two digests of one algorithm in an event are ERR_BAD_VALUE at the second hashAlg', () => {
    const log = buildLog(two, [
      {
        pcr: 1,
        type: 0xd,
        digests: [
          [SHA256, A],
          [SHA256, B],
        ],
        data: DATA,
      },
    ]);
    // event header 12 bytes, then the first digest (2 + 32)
    const at = firstEvent(2) + 12 + 2 + 32;
    const e = expectAttestError(() => parseCcaRealmEventLog(log), 'ERR_BAD_VALUE', at);
    expect(e.field).toBe('TCG_PCR_EVENT2[0].digests[1].hashAlg');
  });

  it('more digests than the Spec ID event lists are ERR_BAD_LENGTH at digests.count', () => {
    const log = buildLog(
      [[SHA256, 32]],
      [
        {
          pcr: 1,
          type: 0xd,
          digests: [
            [SHA256, A],
            [SHA256, B],
          ],
          data: DATA,
        },
      ],
    );
    const e = expectAttestError(
      () => parseCcaRealmEventLog(log),
      'ERR_BAD_LENGTH',
      firstEvent(1) + 8,
    );
    expect(e.field).toBe('TCG_PCR_EVENT2[0].digests.count');
    // A count past the header's is refused before the digests are read, even if they would fit.
    const padded = buildLog(
      [[SHA256, 32]],
      [{ pcr: 1, type: 0xd, digests: [[SHA256, A]], data: new Uint8Array(64), count: 2 }],
    );
    expectAttestError(() => parseCcaRealmEventLog(padded), 'ERR_BAD_LENGTH', firstEvent(1) + 8);
  });

  it('an event with fewer digests than listed, each once, still parses', () => {
    const log = buildLog(two, [
      { pcr: 1, type: 0xd, digests: [[SHA384, new Uint8Array(48).fill(1)]], data: DATA },
      {
        pcr: 2,
        type: 0xd,
        digests: [
          [SHA384, new Uint8Array(48).fill(2)],
          [SHA256, A],
        ],
        data: DATA,
      },
    ]);
    const parsed = parseCcaRealmEventLog(log);
    expect(parsed.events.map((e) => Object.keys(e.digests).sort())).toEqual([
      ['sha384'],
      ['sha256', 'sha384'],
    ]);
  });

  it('verifyCcaRealmEventLog fails decode instead of replaying the last of two digests', async () => {
    const log = buildLog(two, [
      {
        pcr: 1,
        type: 0xd,
        digests: [
          [SHA256, A],
          [SHA256, B],
        ],
        data: DATA,
      },
    ]);
    const zero = new Uint8Array(32);
    const r = await verifyCcaRealmEventLog(log, {
      hashAlgorithm: 'sha-256',
      extensibleMeasurements: [extend('sha256', zero, B), zero, zero, zero],
    });
    expect(r.ok).toBe(false);
    const decode = r.checks.find((c) => c.id === 'cca.realm-log.decode')!;
    expect(decode.status).toBe('fail');
    expect(decode.detail).toMatchObject({ code: 'ERR_BAD_VALUE', offset: firstEvent(2) + 46 });
    expect(r.replay).toBeUndefined();
  });
});

describe('parseCcaRealmEventLog and parseTcgEventLog refuse the same headers and digest lists', () => {
  const cases: readonly (readonly [string, Uint8Array])[] = [
    [
      'accepted baseline',
      buildLog([[SHA256, 32]], [{ pcr: 1, type: 0xd, digests: [[SHA256, A]], data: DATA }]),
    ],
    [
      'algorithm listed twice',
      buildLog(
        [
          [SHA256, 32],
          [SHA256, 48],
        ],
        [],
      ),
    ],
    ['SHA-256 of 20 bytes', buildLog([[SHA256, 20]], [])],
    ['SHA-1 of 32 bytes', buildLog([[SHA1, 32]], [])],
    ['unknown algorithm of 0 bytes', buildLog([[0x7777, 0]], [])],
    ['unknown algorithm of 65 bytes', buildLog([[0x7777, 65]], [])],
    [
      'two SHA-256 digests, two listed algorithms',
      buildLog(
        [
          [SHA256, 32],
          [SHA384, 48],
        ],
        [
          {
            pcr: 1,
            type: 0xd,
            digests: [
              [SHA256, A],
              [SHA256, B],
            ],
            data: DATA,
          },
        ],
      ),
    ],
    [
      'two digests, one listed algorithm',
      buildLog(
        [[SHA256, 32]],
        [
          {
            pcr: 1,
            type: 0xd,
            digests: [
              [SHA256, A],
              [SHA256, B],
            ],
            data: DATA,
          },
        ],
      ),
    ],
  ];
  for (const [name, log] of cases) {
    it(name, () => {
      const cca = outcome(() => parseCcaRealmEventLog(log));
      expect(cca).toBe(outcome(() => parseTcgEventLog(log)));
      expect(cca === 'accepted').toBe(name.startsWith('accepted'));
    });
  }
});
