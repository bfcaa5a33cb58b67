/**
 * @module
 * Realm extensible measurements (REM) replay for Arm CCA, self-contained: the extend rule of
 * `RSI_MEASUREMENT_EXTEND` (RMM DEN0137 B5.3.6: `REM = H(REM ‖ value)`, no padding, no length
 * prefix, the REM starting at zeros), and a small reader for the TCG2 crypto-agile realm event log
 * proposed by veraison/cca-realm-measurements (`docs/measurement-log.md`), whose PCR → REM
 * mapping follows the UEFI CC-measurement model used on TDX: PCR 0 → RIM (not extendable),
 * PCR 1 and 7 → REM0, PCR 2–6 → REM1, PCR 8–15 → REM2, PCR ≥ 16 → REM3. No real CCA event log
 * exists yet, so the mapping is an assumption documented in docs/cca.md; the general event-log
 * module of attestkit is not used here on purpose, but the Spec ID and digest-list rules are the
 * same as its TCG reader's (each algorithm listed once with its registry size; each event carries
 * at most the listed digests, each algorithm once), so both readers accept the same logs.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertCountFits, isAllZero } from '../core/bytes.js';
import { HASH_SIZES, extend, type HashAlg } from '../core/crypto.js';
import { createLedger, type Verification } from '../core/checks.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { ccaHashAlgorithm } from './claims.js';
import { assertInputBytes } from './cbor.js';

/** Number of REMs a realm has. */
export const CCA_REM_COUNT = 4;

/** One `RSI_MEASUREMENT_EXTEND` call: REM index 0–3 and the 1–64 measurement bytes. */
export interface CcaRemExtend {
  /** REM index 0–3 (the RSI call numbers them 1–4; 0 there is the RIM and is refused). */
  readonly rem: number;
  /** The 1–64 bytes passed to the call, hashed as given (no padding, no length prefix). */
  readonly measurement: Uint8Array;
}

/**
 * Extends one REM: `H(rem ‖ measurement)` (RMM DEN0137, `RSI_MEASUREMENT_EXTEND`).
 *
 * Exported from `attestkit/cca`.
 *
 * @param hashAlgorithm - the realm hash algorithm claim (`sha-256`, `sha-512`).
 * @param rem - the current REM value (digest-size bytes).
 * @param measurement - 1–64 bytes, used as given.
 * @returns the new REM value.
 * @throws {RangeError} for a measurement outside 1–64 bytes or a REM of the wrong size.
 * @throws {AttestError} `ERR_UNSUPPORTED` for an unknown hash algorithm.
 * @example
 * ```ts
 * const rem0 = extendCcaRem('sha-256', new Uint8Array(32), new Uint8Array(32).fill(0x11));
 * ```
 */
export function extendCcaRem(
  hashAlgorithm: string,
  rem: Uint8Array,
  measurement: Uint8Array,
): Uint8Array {
  assertInputBytes(rem, 'rem');
  assertInputBytes(measurement, 'measurement');
  const alg = realmHash(hashAlgorithm);
  if (rem.length !== HASH_SIZES[alg]) {
    throw new RangeError(`a ${hashAlgorithm} REM is ${HASH_SIZES[alg]} bytes, got ${rem.length}`);
  }
  if (measurement.length < 1 || measurement.length > 64) {
    throw new RangeError(`an REM measurement is 1–64 bytes, got ${measurement.length}`);
  }
  return extend(alg, rem, measurement);
}

/**
 * Replays a list of `RSI_MEASUREMENT_EXTEND` calls from zeroed REMs.
 *
 * Exported from `attestkit/cca`.
 *
 * @param hashAlgorithm - the realm hash algorithm claim.
 * @param extends_ - the calls, in order.
 * @returns REM0–REM3.
 * @throws {RangeError} for a REM index outside 0–3 or a bad measurement size.
 * @throws {AttestError} `ERR_UNSUPPORTED` for an unknown hash algorithm.
 * @example
 * ```ts
 * const rems = replayCcaRems('sha-256', [{ rem: 0, measurement: digestOfKernelCmdline }]);
 * ```
 */
export function replayCcaRems(
  hashAlgorithm: string,
  extends_: readonly CcaRemExtend[],
): Uint8Array[] {
  const alg = realmHash(hashAlgorithm);
  const rems: Uint8Array[] = Array.from(
    { length: CCA_REM_COUNT },
    () => new Uint8Array(HASH_SIZES[alg]),
  );
  for (const e of extends_) {
    if (!Number.isInteger(e.rem) || e.rem < 0 || e.rem >= CCA_REM_COUNT) {
      throw new RangeError(`REM index must be 0–3, got ${e.rem}`);
    }
    rems[e.rem] = extendCcaRem(hashAlgorithm, rems[e.rem]!, e.measurement);
  }
  return rems;
}

function realmHash(name: string): HashAlg {
  const alg = ccaHashAlgorithm(name);
  if (alg === undefined || alg === 'sha1') {
    throw new AttestError('ERR_UNSUPPORTED', { message: `realm hash algorithm "${name}"` });
  }
  return alg;
}

/** Where an event of the realm log lands: the RIM (not replayed) or a REM index. */
export type CcaEventTarget = 'rim' | 0 | 1 | 2 | 3;

/**
 * The target of a TCG PCR index in the proposed CCA realm log (UEFI CC-measurement mapping as on
 * TDX: PCR 0 → RIM, 1 and 7 → REM0, 2–6 → REM1, 8–15 → REM2, ≥ 16 → REM3).
 *
 * Exported from `attestkit/cca`.
 *
 * @param pcrIndex - the event's PCR index.
 * @returns `'rim'` or the REM index.
 * @example
 * ```ts
 * ccaRemForPcr(7) // 0
 * ```
 */
export function ccaRemForPcr(pcrIndex: number): CcaEventTarget {
  if (pcrIndex === 0) return 'rim';
  if (pcrIndex === 1 || pcrIndex === 7) return 0;
  if (pcrIndex <= 6) return 1;
  if (pcrIndex <= 15) return 2;
  return 3;
}

/** TCG algorithm ids (TCG Algorithm Registry) of the digests a realm log may carry. */
const TCG_ALGS: Readonly<Record<number, HashAlg | 'sm3_256'>> = {
  0x0004: 'sha1',
  0x000b: 'sha256',
  0x000c: 'sha384',
  0x000d: 'sha512',
  0x0012: 'sm3_256',
};

/**
 * Digest sizes of the TCG hash algorithm ids (TCG Algorithm Registry, with SHA3 as in the TCG
 * event-log reader): a Spec ID event giving another size for one of them is malformed.
 */
const TCG_DIGEST_SIZES: Readonly<Record<number, number>> = {
  0x0004: 20,
  0x000b: 32,
  0x000c: 48,
  0x000d: 64,
  0x0012: 32,
  0x0027: 32,
  0x0028: 48,
  0x0029: 64,
};

const EV_NO_ACTION = 3;
const SPEC_ID_SIGNATURE = 'Spec ID Event03\0';

/** One event of a realm event log. Byte fields are copies. */
export interface CcaRealmEvent {
  /** Position in the log (0 = the first event after the Spec ID event). */
  readonly index: number;
  /** Absolute offset of the event header. */
  readonly offset: number;
  /** `pcrIndex` (u32 LE): the TCG PCR index, mapped to {@link CcaRealmEvent.target}. */
  readonly pcrIndex: number;
  /** `eventType` (u32 LE), a TCG event type; EV_NO_ACTION (3) is never replayed. */
  readonly eventType: number;
  /**
   * `digests` by algorithm; digests of declared algorithms without a name here (other than
   * SHA-1/256/384/512 and SM3-256) are skipped.
   */
  readonly digests: Partial<Record<HashAlg | 'sm3_256', Uint8Array>>;
  /** `event`: the event data (u32 LE size prefix removed). */
  readonly data: Uint8Array;
  /** Where the event is measured: the RIM, or REM 0–3. */
  readonly target: CcaEventTarget;
}

/** A parsed realm event log (TCG2 crypto-agile). What the log claims; verify it by replay. */
export interface CcaRealmEventLog {
  /** Digest algorithms declared by the Spec ID event, with their sizes. */
  readonly algorithms: readonly {
    /**
     * The algorithm named by its TCG id: 0x0004 SHA-1, 0x000B SHA-256, 0x000C SHA-384,
     * 0x000D SHA-512, 0x0012 SM3-256 (other ids are not listed).
     */
    readonly algorithm: HashAlg | 'sm3_256';
    /** `digestSize` the Spec ID event declares, in bytes. */
    readonly size: number;
  }[];
  /** The `TCG_PCR_EVENT2` records after the Spec ID event, in log order. */
  readonly events: readonly CcaRealmEvent[];
  /** Offset where the log ends (the rest, if any, is zero padding). */
  readonly end: number;
}

/**
 * Parses a TCG2 crypto-agile realm event log (TCG PC Client PFP §10.2): the SHA-1-format Spec ID
 * event, then `TCG_PCR_EVENT2` records. Trailing zero bytes end the log (a zero header is
 * padding, not an event).
 *
 * Exported from `attestkit/cca`.
 *
 * @param bytes - the log.
 * @returns the events, each with its REM target.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_MAGIC` (no Spec ID event), `ERR_BAD_LENGTH`
 *   (a count that cannot fit; an event with more digests than the Spec ID event lists),
 *   `ERR_BAD_VALUE` (a Spec ID algorithm listed twice or with a size impossible for it — 0, over
 *   64, or not its registry size; an event digest of an undeclared algorithm, or two of one).
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * const log = parseCcaRealmEventLog(bytes);
 * const { rems } = replayCcaRealmEventLog(log, 'sha-256');
 * ```
 */
export function parseCcaRealmEventLog(bytes: Uint8Array): CcaRealmEventLog {
  assertInputBytes(bytes, 'log');
  const r = new ByteReader(bytes, 'TCG_PCR_EVENT');
  const firstPcr = r.u32le('pcrIndex');
  const firstType = r.u32le('eventType');
  r.skip(20, 'digest');
  const specSize = r.u32le('eventSize');
  const notAgile = (): never => {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: 0,
      field: 'TCG_EfiSpecIDEvent.signature',
      message: 'not a crypto-agile event log: the first event is not "Spec ID Event03"',
    });
  };
  if (firstPcr !== 0 || firstType !== EV_NO_ACTION || specSize < 16) notAgile();
  const spec = r.sub(specSize, 'TCG_EfiSpecIDEvent');
  const signature = spec.borrow(16, 'signature');
  if (!signature.every((b, i) => b === SPEC_ID_SIGNATURE.charCodeAt(i))) notAgile();
  spec.skip(4 + 4, 'platformClass, specVersion, errata, uintnSize');
  const count = spec.u32le('numberOfAlgorithms');
  assertCountFits(
    count,
    4,
    spec.remaining,
    'TCG_EfiSpecIDEvent.numberOfAlgorithms',
    spec.absoluteOffset,
  );
  const sizes = new Map<number, number>();
  const algorithms: { algorithm: HashAlg | 'sm3_256'; size: number }[] = [];
  for (let i = 0; i < count; i++) {
    const at = spec.absoluteOffset;
    const id = spec.u16le(`digestSizes[${i}].algorithmId`);
    const size = spec.u16le(`digestSizes[${i}].digestSize`);
    // As the TCG reader (eventlog parseSpecIdEvent): a repeated id would let a later size win.
    if (sizes.has(id)) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at,
        field: `${spec.structure}.digestSizes[${i}].algorithmId`,
        message: `algorithm 0x${id.toString(16)} listed twice`,
      });
    }
    const known = TCG_DIGEST_SIZES[id];
    if (size === 0 || size > 64 || (known !== undefined && known !== size)) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at + 2,
        field: `${spec.structure}.digestSizes[${i}].digestSize`,
        message: `digest size ${size} is impossible for algorithm 0x${id.toString(16)}`,
      });
    }
    sizes.set(id, size);
    const algorithm = TCG_ALGS[id];
    if (algorithm !== undefined) algorithms.push({ algorithm, size });
  }
  spec.skip(spec.u8('vendorInfoSize'), 'vendorInfo');
  spec.expectEnd();

  const events: CcaRealmEvent[] = [];
  while (r.remaining > 0) {
    if (isAllZero(bytes.subarray(r.offset))) break;
    const offset = r.offset;
    const er = new ByteReader(bytes.subarray(offset), `TCG_PCR_EVENT2[${events.length}]`, offset);
    const pcrIndex = er.u32le('pcrIndex');
    const eventType = er.u32le('eventType');
    const countAt = er.absoluteOffset;
    const n = er.u32le('digests.count');
    if (n > sizes.size) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: countAt,
        field: `${er.structure}.digests.count`,
        message: `${n} digests but the Spec ID event lists ${sizes.size} algorithms`,
      });
    }
    assertCountFits(n, 2, er.remaining, `${er.structure}.digests.count`, countAt);
    const digests: Partial<Record<HashAlg | 'sm3_256', Uint8Array>> = {};
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const at = er.absoluteOffset;
      const id = er.u16le(`digests[${i}].hashAlg`);
      const size = sizes.get(id);
      if (size === undefined) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: at,
          field: `${er.structure}.digests[${i}].hashAlg`,
          message: `digest algorithm 0x${id.toString(16)} is not declared by the Spec ID event`,
        });
      }
      // Two digests of one algorithm would leave the replay to pick one (the last, here).
      if (seen.has(id)) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: at,
          field: `${er.structure}.digests[${i}].hashAlg`,
          message: `digest algorithm 0x${id.toString(16)} appears twice in one event`,
        });
      }
      seen.add(id);
      const d = er.bytesCopy(size, `digests[${i}].digest`);
      const name = TCG_ALGS[id];
      if (name !== undefined) digests[name] = d;
    }
    const data = er.sized(4, 'le', 'event');
    r.skip(er.offset, 'event');
    events.push({
      index: events.length,
      offset,
      pcrIndex,
      eventType,
      digests,
      data,
      target: ccaRemForPcr(pcrIndex),
    });
  }
  return { algorithms, events, end: r.offset };
}

/** The outcome of replaying a realm event log. */
export interface CcaRemReplay {
  /** REM0–REM3 after replay, starting from zeros. */
  readonly rems: readonly Uint8Array[];
  /** Indexes of the events extended into each REM. */
  readonly extendedEvents: readonly (readonly number[])[];
  /** Indexes of the events that describe RIM inputs (PCR 0; not replayable). */
  readonly rimEvents: readonly number[];
}

/**
 * Replays a realm event log into REM0–REM3: each REM starts at zeros, and every event mapped to
 * it (EV_NO_ACTION excluded) extends it with its digest of the realm hash algorithm.
 *
 * Exported from `attestkit/cca`.
 *
 * @param log - the parsed log.
 * @param hashAlgorithm - the realm hash algorithm claim (44236), e.g. `sha-256`.
 * @returns the replayed REMs and which events went where.
 * @throws {AttestError} `ERR_MISSING_FIELD` (an event lacks a digest of that algorithm),
 *   `ERR_UNSUPPORTED` (unknown algorithm).
 * @example
 * ```ts
 * const { rems } = replayCcaRealmEventLog(parseCcaRealmEventLog(bytes), realm.hashAlgorithm);
 * ```
 */
export function replayCcaRealmEventLog(log: CcaRealmEventLog, hashAlgorithm: string): CcaRemReplay {
  const alg = realmHash(hashAlgorithm);
  const rems: Uint8Array[] = Array.from(
    { length: CCA_REM_COUNT },
    () => new Uint8Array(HASH_SIZES[alg]),
  );
  const extendedEvents: number[][] = [[], [], [], []];
  const rimEvents: number[] = [];
  for (const e of log.events) {
    if (e.eventType === EV_NO_ACTION) continue;
    if (e.target === 'rim') {
      rimEvents.push(e.index);
      continue;
    }
    const d = e.digests[alg];
    if (d === undefined) {
      throw new AttestError('ERR_MISSING_FIELD', {
        offset: e.offset,
        field: `TCG_PCR_EVENT2[${e.index}].digests`,
        message: `event has no ${hashAlgorithm} digest to extend REM${e.target} with`,
      });
    }
    rems[e.target] = extend(alg, rems[e.target]!, d);
    extendedEvents[e.target]!.push(e.index);
  }
  return { rems, extendedEvents, rimEvents };
}

/** Stable ids of the checks `verifyCcaRealmEventLog` reports. */
export type CcaRealmLogCheckId =
  | 'cca.realm-log.decode'
  | 'cca.realm-log.rem0'
  | 'cca.realm-log.rem1'
  | 'cca.realm-log.rem2'
  | 'cca.realm-log.rem3';

/** The result of `verifyCcaRealmEventLog`. */
export interface CcaRealmLogVerification extends Verification<CcaRealmLogCheckId> {
  /** The parsed log, when it decoded. */
  readonly log?: CcaRealmEventLog;
  /** The replay, when the log decoded and replayed. */
  readonly replay?: CcaRemReplay;
}

const REM_CHECKS = [
  'cca.realm-log.rem0',
  'cca.realm-log.rem1',
  'cca.realm-log.rem2',
  'cca.realm-log.rem3',
] as const;

/**
 * Replays a realm event log and compares REM0–REM3 with those of a (verified) realm token — the
 * CCA counterpart of `verifyEventLog(log, { rems })`. One required check per REM, each with the
 * expected and replayed values and the indexes of the events extended into it; RIM-side events
 * (PCR 0) are listed but not replayed. Verify the token first: the REMs are only as good as its
 * signature and binding.
 *
 * Exported from `attestkit/cca`.
 *
 * @param log - the log bytes or a parsed log.
 * @param realm - the realm's hash algorithm claim and REMs (e.g. `result.realmClaims`).
 * @returns the ledger, the parsed log and the replay.
 * @throws {TypeError} for wrong argument types; never for a bad log (that fails
 *   `cca.realm-log.decode`).
 * @example
 * ```ts
 * const token = await verifyCcaToken(bytes, { platformKey });
 * const log = await verifyCcaRealmEventLog(logBytes, token.realmClaims!);
 * if (!(token.ok && log.ok)) reject();
 * ```
 */
export function verifyCcaRealmEventLog(
  log: Uint8Array | CcaRealmEventLog,
  realm: CcaRealmMeasurements,
): Promise<CcaRealmLogVerification> {
  // The executor turns a TypeError into a rejection, as for every async verifier.
  return new Promise((resolve) => resolve(replayAgainst(log, realm)));
}

/** What `verifyCcaRealmEventLog` compares with: a realm's hash algorithm and REMs. */
export interface CcaRealmMeasurements {
  /** Realm hash algorithm claim (44236), e.g. `sha-256` or `sha-512`. */
  readonly hashAlgorithm: string;
  /** REM0–REM3 (claim 44239), each of the algorithm's digest size. */
  readonly extensibleMeasurements: readonly Uint8Array[];
}

function replayAgainst(
  log: Uint8Array | CcaRealmEventLog,
  realm: CcaRealmMeasurements,
): CcaRealmLogVerification {
  if (
    typeof realm !== 'object' ||
    realm === null ||
    typeof realm.hashAlgorithm !== 'string' ||
    !Array.isArray(realm.extensibleMeasurements) ||
    !realm.extensibleMeasurements.every((r) => r instanceof Uint8Array)
  ) {
    throw new TypeError('realm must carry hashAlgorithm and extensibleMeasurements (Uint8Array[])');
  }
  if (
    !(log instanceof Uint8Array) &&
    (typeof log !== 'object' || log === null || !Array.isArray(log.events))
  ) {
    throw new TypeError('log must be a Uint8Array or a parsed CcaRealmEventLog');
  }
  const ledger = createLedger<CcaRealmLogCheckId>([
    { id: 'cca.realm-log.decode', required: true },
    ...REM_CHECKS.map((id) => ({ id, required: true })),
  ]);
  let parsed: CcaRealmEventLog;
  let replay: CcaRemReplay;
  try {
    parsed = log instanceof Uint8Array ? parseCcaRealmEventLog(log) : log;
    replay = replayCcaRealmEventLog(parsed, realm.hashAlgorithm);
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail('cca.realm-log.decode', `the realm event log cannot be replayed: ${e.message}`, {
      code: e.code,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
    });
    for (const id of REM_CHECKS)
      ledger.skip(id, 'depends on cca.realm-log.decode, which is failed');
    return ledger.finish();
  }
  ledger.pass(
    'cca.realm-log.decode',
    `${parsed.events.length} events, ${replay.rimEvents.length} describing RIM inputs`,
    { rimEvents: replay.rimEvents },
  );
  REM_CHECKS.forEach((id, i) => {
    const expected = realm.extensibleMeasurements[i];
    const actual = replay.rems[i]!;
    const ok = expected !== undefined && equalBytes(expected, actual);
    const events = replay.extendedEvents[i]!;
    ledger.result(
      id,
      ok,
      ok
        ? `REM${i} replays (${events.length} events)`
        : `REM${i} does not replay from the ${events.length} events extended into it`,
      {
        expected: expected !== undefined ? toHex(expected) : null,
        actual: toHex(actual),
        events,
      },
    );
  });
  return { ...ledger.finish(), log: parsed, replay };
}
