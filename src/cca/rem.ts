/**
 * @module
 * Realm extensible measurements (REM) replay for Arm CCA, self-contained: the extend rule of
 * `RSI_MEASUREMENT_EXTEND` (RMM DEN0137 B5.3.6: `REM = H(REM ‖ value)`, no padding, no length
 * prefix, the REM starting at zeros), and a small reader for the realm's CC event log (UEFI 2.10
 * §38.4 EFI_CC_MEASUREMENT_PROTOCOL; the TCG2 crypto-agile format with the first field of each
 * record a measurement-register index: 0 = RIM, never extended; 1–4 = REM0–3). That is what edk2's
 * Arm CCA guest firmware writes (ArmVirtPkg/ArmCcaTcg2Dxe logs `CcEvent.MrIndex` and extends the
 * REM of that RSI index) and how attestkit/eventlog's `parseCcEventLog` reads the same bytes, so
 * `verifyCcaRealmEventLog` and `verifyEventLog(parseCcEventLog(log), { rems })` agree; see
 * docs/cca.md. The general event-log module is not imported on purpose, but the Spec ID and
 * digest-list rules are its TCG reader's (each algorithm listed once with its registry size; each
 * event carries at most the listed digests, each algorithm once).
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertCountFits } from '../core/bytes.js';
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
 * Where firmware measures what a caller asks it to measure into a TCG PCR: the UEFI CC-measurement
 * `MapPcrToMrIndex` mapping of edk2's Arm CCA guest firmware (PCR 0 → RIM, 1 and 7 → REM0, 2–6 →
 * REM1, 8–15 → REM2), with PCR ≥ 16 → REM3 as veraison/cca-realm-measurements proposes (edk2
 * refuses those). This is the producer's side: a realm event log records the resulting
 * measurement-register index, not the PCR, and {@link parseCcaRealmEventLog} reads it as such.
 *
 * Exported from `attestkit/cca`.
 *
 * @param pcrIndex - a TCG PCR index.
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

/**
 * The target of a CC event log measurement-register index (UEFI 2.10 §38.4.3; RSI index of
 * `RSI_MEASUREMENT_EXTEND`): 0 → RIM, 1–4 → REM0–3, anything else none.
 */
function ccaTargetOfMrIndex(mrIndex: number): CcaEventTarget | undefined {
  return mrIndex === 0
    ? 'rim'
    : mrIndex <= CCA_REM_COUNT
      ? ((mrIndex - 1) as 0 | 1 | 2 | 3)
      : undefined;
}

/**
 * Default bound on the events of a realm log (`maxEvents`), the event-log module's
 * `DEFAULT_MAX_EVENTS`: a parsed event costs far more heap than its 16 bytes of input.
 */
const CCA_DEFAULT_MAX_EVENTS = 20_000;

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
  /**
   * The record's first u32 (LE; `pcrIndex` in `TCG_PCR_EVENT2`, `MrIndex` in a CC event log): the
   * measurement-register index, 0 = RIM, 1–4 = REM0–3 (UEFI 2.10 §38.4), mapped to
   * {@link CcaRealmEvent.target}. Not a TCG PCR number.
   */
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
  /** Offset where the log ends (the rest, if any, is 0x00 or 0xFF fill). */
  readonly end: number;
}

/**
 * Parses a realm event log: a CC event log (UEFI 2.10 §38.4) in the TCG2 crypto-agile format
 * (TCG PC Client PFP §10.2), i.e. the SHA-1-format Spec ID event, then `TCG_PCR_EVENT2` records
 * whose first field is a measurement-register index (0 = RIM, 1–4 = REM0–3). The log area may end
 * in 0x00 or 0xFF fill (edk2 fills it with 0xFF): a rest of only fill ends the log.
 *
 * Exported from `attestkit/cca`.
 *
 * @param bytes - the log (e.g. `/sys/firmware/acpi/tables/data/CCEL`).
 * @param options - `maxEvents`: the most events accepted (default 20 000, as the event-log
 *   parsers); a larger bound lets a hostile log cost more heap.
 * @returns the events, each with its target (RIM or REM).
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_MAGIC` (no Spec ID event), `ERR_BAD_LENGTH`
 *   (a count that cannot fit; an event with more digests than the Spec ID event lists),
 *   `ERR_BAD_VALUE` (a Spec ID algorithm listed twice or with a size impossible for it — 0, over
 *   64, or not its registry size; an event digest of an undeclared algorithm, or two of one; a
 *   measurement-register index above 4, which names no REM: a log numbered by TCG PCR is not a
 *   CC event log), `ERR_LIMIT_EXCEEDED` (more than `maxEvents` events).
 * @throws {TypeError} when `bytes` is not a Uint8Array, or for a bad `maxEvents`.
 * @example
 * ```ts
 * const log = parseCcaRealmEventLog(bytes);
 * const { rems } = replayCcaRealmEventLog(log, 'sha-256');
 * ```
 */
export function parseCcaRealmEventLog(
  bytes: Uint8Array,
  options: { readonly maxEvents?: number } = {},
): CcaRealmEventLog {
  assertInputBytes(bytes, 'log');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const maxEvents: unknown =
    options.maxEvents === undefined ? CCA_DEFAULT_MAX_EVENTS : options.maxEvents;
  if (typeof maxEvents !== 'number' || !Number.isSafeInteger(maxEvents) || maxEvents < 1)
    throw new TypeError('options.maxEvents must be a positive integer');
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

  // Where the 0x00 and the 0xFF fill start, found once: the log ends at an event boundary whose
  // rest is all fill (scanning the rest before every event was quadratic: 242 s for 1.25 MiB).
  const zeroFrom = fillStart(bytes, 0x00);
  const ffFrom = fillStart(bytes, 0xff);
  const events: CcaRealmEvent[] = [];
  while (r.offset < zeroFrom && r.offset < ffFrom) {
    const offset = r.offset;
    if (events.length >= maxEvents) {
      throw new AttestError('ERR_LIMIT_EXCEEDED', {
        offset,
        field: 'TCG_PCR_EVENT2',
        message: `more than ${maxEvents} events (options.maxEvents)`,
      });
    }
    const er = new ByteReader(bytes.subarray(offset), `TCG_PCR_EVENT2[${events.length}]`, offset);
    const pcrIndex = er.u32le('pcrIndex');
    const target = ccaTargetOfMrIndex(pcrIndex);
    if (target === undefined) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset,
        field: `${er.structure}.pcrIndex`,
        message: `measurement-register index ${pcrIndex} names no REM (0 = RIM, 1–4 = REM0–3); a log numbered by TCG PCR is not a CC event log`,
      });
    }
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
      target,
    });
  }
  return { algorithms, events, end: r.offset };
}

/** The offset after the last byte of `bytes` that is not `fill` (0 when every byte is). */
function fillStart(bytes: Uint8Array, fill: number): number {
  let i = bytes.length;
  while (i > 0 && bytes[i - 1] === fill) i--;
  return i;
}

/** The outcome of replaying a realm event log. */
export interface CcaRemReplay {
  /** REM0–REM3 after replay, starting from zeros. */
  readonly rems: readonly Uint8Array[];
  /** Indexes of the events extended into each REM. */
  readonly extendedEvents: readonly (readonly number[])[];
  /** Indexes of the events that describe RIM inputs (MR index 0; not replayable). */
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
 * CCA counterpart of `verifyEventLog(parseCcEventLog(log), { rems })`, with the same mapping (MR
 * index n → REM n−1). One required check per REM, each with the expected and replayed values and
 * the indexes of the events extended into it; RIM-side events (MR index 0) are listed but not
 * replayed; a log with an MR index above 4 fails `cca.realm-log.decode`. Verify the token first:
 * the REMs are only as good as its signature and binding. To change the event bound, parse with
 * {@link parseCcaRealmEventLog} and pass the parsed log.
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
