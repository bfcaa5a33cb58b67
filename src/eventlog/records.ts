/**
 * @module
 * The record layer shared by TCG and CC logs (PFP 1.06 §10.2): the SHA-1 `TCG_PCR_EVENT` header,
 * the `TCG_EfiSpecIdEvent`, `TCG_PCR_EVENT2` records with digest sizes taken from the header (so
 * unknown algorithms are carried by size), end-of-log detection (zero or 0xFF fill), and the
 * per-event decode + digest check. Every length and count is checked against the bytes that remain
 * before anything is allocated.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertBytes, assertCountFits } from '../core/bytes.js';
import { EV, SPEC_ID_EVENT03, TPM_ALG, eventTypeName } from './constants.js';
import { decodeOwnedEventData } from './event-data.js';
import type { StructureBudget } from './budget.js';
import {
  checkDigestAgainst,
  digestCandidates,
  preferredBank,
  type DigesterSet,
} from './digest-rules.js';
import { asciiText } from './text.js';
import type {
  DecodedEventData,
  DigestCheck,
  DigestRule,
  ParseWarning,
  PcrBankName,
  TcgAlgorithmInfo,
  TcgDigest,
  TcgSpecIdEvent,
} from './types.js';

/** Core `assertBytes` (which also rejects views over detached buffers), kept under this name for callers. */
export const assertInputBytes: typeof assertBytes = assertBytes;

/**
 * Default bound on the number of events a TCG or CC log may hold (`maxEvents`). The largest of the
 * 55 real logs in attestkit's vectors holds 159 events; Windows logs with boot-driver SIPA records
 * reach a few thousand. A parsed event costs some hundreds of bytes of heap for as little as 16
 * bytes of input, so without a bound a 16 MiB log of empty events would take close to a gigabyte.
 */
export const DEFAULT_MAX_EVENTS = 20_000;

/**
 * Validates a `maxEvents` option (a positive safe integer).
 *
 * @throws {TypeError} for anything else.
 */
export function maxEventsOption(v: unknown): number {
  if (v === undefined) return DEFAULT_MAX_EVENTS;
  // Number.isSafeInteger is false for anything but a number.
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    throw new TypeError('options.maxEvents must be a positive integer');
  return v as number;
}

/** Throws `ERR_LIMIT_EXCEEDED` when a log at `offset` would hold more than `max` events. */
export function assertEventRoom(count: number, max: number, offset: number): void {
  if (count < max) return;
  throw new AttestError('ERR_LIMIT_EXCEEDED', {
    offset,
    field: 'TCG_PCR_EVENT2',
    message: `more than ${max} events (options.maxEvents)`,
  });
}

/** How many warnings of one code a parse records; one more says the rest were left out. */
const WARNINGS_PER_CODE = 100;

/**
 * Records a warning that can repeat once per event, keeping at most {@link WARNINGS_PER_CODE} of
 * its code and then one that says later ones were left out.
 */
export function pushEventWarning(warnings: ParseWarning[], w: ParseWarning): void {
  let n = 0;
  for (const x of warnings) if (x.code === w.code) n++;
  if (n < WARNINGS_PER_CODE) warnings.push(w);
  else if (n === WARNINGS_PER_CODE)
    warnings.push({
      code: w.code,
      offset: w.offset,
      message: `further ${w.code} warnings left out (the first ${WARNINGS_PER_CODE} are listed)`,
    });
}

/** Size of the SHA-1 `TCG_PCR_EVENT` header before the event data: pcr, type, digest, size. */
export const TCG_PCR_EVENT_HEADER_SIZE = 32;

const KNOWN_BANKS = new Set<string>(['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256']);

/** True when `name` is a {@link PcrBankName}. */
export function isBankName(name: string): name is PcrBankName {
  return KNOWN_BANKS.has(name);
}

/** A record before it becomes a TCG or CC event. */
export interface RawRecord {
  readonly index: number;
  readonly offset: number;
  /** PCR index (TCG) or MR index (CC). */
  readonly registerField: number;
  readonly type: number;
  readonly digestList: readonly TcgDigest[];
  readonly digests: Partial<Record<PcrBankName, Uint8Array>>;
  readonly data: Uint8Array;
  readonly dataOffset: number;
}

/** A record with its decoded data and digest check. */
export interface FinishedRecord extends RawRecord {
  readonly typeName: string;
  readonly decoded?: DecodedEventData;
  readonly decodeError?: string;
  readonly digestCheck: DigestCheck;
  readonly digestRule?: DigestRule;
}

/** True when event data starts with the crypto-agile Spec ID signature. */
export function isSpecIdData(data: Uint8Array): boolean {
  return data.length >= 16 && data[15] === 0 && asciiText(data.subarray(0, 16)) === SPEC_ID_EVENT03;
}

/**
 * A Spec ID event's algorithms by id, each with the offset of the last record that named it
 * ({@link algorithmSlots}, read by {@link readAgileRecord}): a header could declare 65 536 ids
 * before {@link SPEC_ID_MAX_ALGORITHMS}, and searching the list for every digest made one event
 * cost O(A²) (a 1.7 MiB log of 8 events took 35 s). One per parse.
 */
export type AlgorithmSlots = Map<number, [info: TcgAlgorithmInfo, seenAt?: number]>;

/** The {@link AlgorithmSlots} of a parse whose header is `specId`. */
export function algorithmSlots(specId: TcgSpecIdEvent): AlgorithmSlots {
  return new Map(specId.algorithms.map((a) => [a.algorithmId, [a]]));
}

/**
 * Most algorithms a Spec ID header may list. Real logs list at most 4 (the vectors: SHA-1, SHA-256,
 * SHA-384, SM3) and the TCG Algorithm Registry defines 11 hash algorithms; every event carries a
 * digest per listed algorithm, so 65 535 one-byte algorithms would make each event hold 65 535
 * digest objects from 3 bytes of input apiece.
 */
export const SPEC_ID_MAX_ALGORITHMS = 16;

/**
 * Parses `TCG_EfiSpecIdEvent` (PFP §10.4.5.1).
 *
 * @throws {AttestError} `ERR_BAD_MAGIC`, `ERR_BAD_LENGTH` (algorithm count that cannot fit),
 *   `ERR_BAD_VALUE` (no algorithms, duplicates, a size that contradicts a known algorithm),
 *   `ERR_LIMIT_EXCEEDED` (more than {@link SPEC_ID_MAX_ALGORITHMS} algorithms).
 */
export function parseSpecIdEvent(
  data: Uint8Array,
  base: number,
  warnings: ParseWarning[],
): TcgSpecIdEvent {
  const r = new ByteReader(data, 'TCG_EfiSpecIdEvent', base);
  if (!isSpecIdData(data)) {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: base,
      field: 'TCG_EfiSpecIdEvent.signature',
      message: 'expected "Spec ID Event03\\0"',
    });
  }
  r.skip(16, 'signature');
  const platformClass = r.u32le('platformClass');
  const specVersionMinor = r.u8('specVersionMinor');
  const specVersionMajor = r.u8('specVersionMajor');
  const specErrata = r.u8('specErrata');
  const uintnSize = r.u8('uintnSize');
  const countAt = r.absoluteOffset;
  const count = r.u32le('numberOfAlgorithms');
  if (count === 0) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: countAt,
      field: 'TCG_EfiSpecIdEvent.numberOfAlgorithms',
      message: 'a crypto-agile log needs at least one algorithm',
    });
  }
  assertCountFits(count, 4, r.remaining, 'TCG_EfiSpecIdEvent.numberOfAlgorithms', countAt);
  if (count > SPEC_ID_MAX_ALGORITHMS) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: countAt,
      field: 'TCG_EfiSpecIdEvent.numberOfAlgorithms',
      message: `${count} algorithms, more than ${SPEC_ID_MAX_ALGORITHMS}`,
    });
  }
  const algorithms: TcgAlgorithmInfo[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const at = r.absoluteOffset;
    const algorithmId = r.u16le('algorithmId');
    const digestSize = r.u16le('digestSize');
    const known = TPM_ALG[algorithmId];
    if (seen.has(algorithmId)) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at,
        field: 'TCG_EfiSpecIdEvent.algorithmId',
        message: `algorithm 0x${algorithmId.toString(16)} listed twice`,
      });
    }
    if (digestSize === 0 || digestSize > 64 || (known !== undefined && known.size !== digestSize)) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at + 2,
        field: 'TCG_EfiSpecIdEvent.digestSize',
        message: `digest size ${digestSize} is impossible for algorithm 0x${algorithmId.toString(16)}`,
      });
    }
    const info: TcgAlgorithmInfo = {
      algorithmId,
      digestSize,
      name: known?.name ?? `alg_0x${algorithmId.toString(16).padStart(4, '0')}`,
    };
    seen.add(algorithmId);
    algorithms.push(info);
  }
  const vendorAt = r.absoluteOffset;
  const vendorInfoSize = r.u8('vendorInfoSize');
  const available = Math.min(vendorInfoSize, r.remaining);
  if (available < vendorInfoSize) {
    warnings.push({
      code: 'vendor-info-truncated',
      offset: vendorAt,
      message: `vendorInfoSize ${vendorInfoSize} but only ${available} bytes remain in the event`,
    });
  }
  const vendorInfo = r.borrow(available, 'vendorInfo');
  if (r.remaining > 0) {
    warnings.push({
      code: 'spec-id-trailing',
      offset: r.absoluteOffset,
      message: `${r.remaining} bytes after vendorInfo in the Spec ID event`,
    });
  }
  const specId: TcgSpecIdEvent = {
    signature: SPEC_ID_EVENT03,
    platformClass,
    specVersionMinor,
    specVersionMajor,
    specErrata,
    uintnSize,
    algorithms,
    vendorInfoSize,
    vendorInfo,
  };
  return specId;
}

/** Reads one SHA-1 format `TCG_PCR_EVENT` record. */
export function readSha1Record(r: ByteReader, index: number): RawRecord {
  const offset = r.absoluteOffset;
  const registerField = r.u32le('pcrIndex');
  const type = r.u32le('eventType');
  const digest = r.borrow(20, 'digest');
  const dataOffset = r.absoluteOffset + 4;
  const data = r.sizedView(4, 'le', 'event');
  return {
    index,
    offset,
    registerField,
    type,
    digestList: [{ algorithmId: 0x0004, name: 'sha1', digest }],
    digests: { sha1: digest },
    data,
    dataOffset,
  };
}

/** Reads one crypto-agile `TCG_PCR_EVENT2` record, sizes from the Spec ID header (`slots`). */
export function readAgileRecord(
  r: ByteReader,
  index: number,
  slots: AlgorithmSlots,
  warnings: ParseWarning[],
): RawRecord {
  const offset = r.absoluteOffset;
  const registerField = r.u32le('pcrIndex');
  const type = r.u32le('eventType');
  const countAt = r.absoluteOffset;
  const count = r.u32le('digests.count');
  const listed = slots.size;
  if (count > listed) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: countAt,
      field: 'TCG_PCR_EVENT2.digests.count',
      message: `${count} digests but the Spec ID header lists ${listed} algorithms`,
    });
  }
  assertCountFits(count, 3, r.remaining, 'TCG_PCR_EVENT2.digests.count', countAt);
  const digestList: TcgDigest[] = [];
  const digests: Partial<Record<PcrBankName, Uint8Array>> = {};
  for (let i = 0; i < count; i++) {
    const at = r.absoluteOffset;
    const algorithmId = r.u16le('digests.hashAlg');
    const slot = slots.get(algorithmId);
    // Records have distinct offsets, so a slot already stamped with this one is a repeat.
    if (slot === undefined || slot[1] === offset) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at,
        field: 'TCG_PCR_EVENT2.digests.hashAlg',
        message: `algorithm 0x${algorithmId.toString(16)} ${slot ? 'appears twice' : 'is not in the Spec ID header'}`,
      });
    }
    slot[1] = offset;
    const alg = slot[0];
    const d = r.borrow(alg.digestSize, 'digests.digest');
    digestList.push({ algorithmId, name: alg.name, digest: d });
    if (isBankName(alg.name)) digests[alg.name] = d;
  }
  if (count < listed) {
    pushEventWarning(warnings, {
      code: 'missing-digest',
      offset,
      message: `event ${index} carries ${count} of ${listed} digests`,
    });
  }
  const dataOffset = r.absoluteOffset + 4;
  const data = r.sizedView(4, 'le', 'event');
  return { index, offset, registerField, type, digestList, digests, data, dataOffset };
}

/**
 * Looks at the bytes at the cursor and decides whether the log has ended (fill, a terminator, or
 * fewer bytes than a header). Records a warning describing what follows. Returns true to stop.
 */
export function atEndOfLog(
  r: ByteReader,
  minHeader: number,
  mode: 'tcg-sha1' | 'tcg-agile' | 'cc',
  warnings: ParseWarning[],
): boolean {
  const rest = r.bytes.subarray(r.offset);
  const at = r.absoluteOffset;
  const u32 = (i: number): number =>
    rest.length >= i + 4
      ? (rest[i]! | (rest[i + 1]! << 8) | (rest[i + 2]! << 16) | (rest[i + 3]! << 24)) >>> 0
      : -1;
  const a = u32(0);
  const b = u32(4);
  let stop = false;
  if (rest.length < minHeader) stop = true;
  else if (a === 0 && b === 0) {
    // A zero header is padding: digest count 0 (agile) or an all-zero SHA-1 digest.
    stop =
      mode === 'tcg-sha1' ? everyByteIs(rest.subarray(8, 28), 0) : u32(8) === 0 || mode === 'cc';
  } else if (a === 0xffffffff) {
    // No PCR/MR has index 0xFFFFFFFF: it is 0xFF fill, or (Windows WBCL) a non-measured trust
    // point appended after the log. Either way nothing after it is extended.
    stop = true;
  } else if (mode === 'cc' && b === 0xffffffff) stop = true;
  if (!stop) return false;
  // One early-exit scan of the rest (fill areas run to hundreds of KB).
  const allZero = everyByteIs(rest, 0);
  const allFf = !allZero && everyByteIs(rest, 0xff);
  if (allZero || allFf) {
    warnings.push({
      code: 'padding',
      offset: at,
      message: `stopped at ${rest.length} bytes of 0x${allZero ? '00' : 'ff'} padding at offset ${at}`,
    });
  } else if (a === 0xffffffff && rest.length >= minHeader) {
    warnings.push({
      code: 'terminator',
      offset: at,
      message: `stopped at a record with index 0xFFFFFFFF at offset ${at} (a terminator or a non-measured trust point); ${rest.length} bytes not parsed`,
    });
  } else {
    warnings.push({
      code: 'trailing-bytes',
      offset: at,
      message: `trailing ${rest.length} bytes at ${at} that are neither an event nor padding`,
    });
  }
  return true;
}

/** True when every byte of `b` equals `v` (false at the first that does not). */
function everyByteIs(b: Uint8Array, v: number): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== v) return false;
  return true;
}

/**
 * Decodes a record's data and checks its digest in the preferred bank (with the parse's reusable
 * hashers). Never throws for content; throws the budget's `ERR_LIMIT_EXCEEDED` once the parse has
 * decoded more sub-structures than `budget` allows (budget.ts), whichever decoder caught it.
 */
export function finishRecord(
  rec: RawRecord,
  uintnBytes: 4 | 8,
  isCc: boolean,
  budget: StructureBudget,
  digesters?: DigesterSet,
): FinishedRecord {
  let decoded: DecodedEventData | undefined;
  let decodeError: string | undefined;
  try {
    decoded = decodeOwnedEventData(
      rec.type,
      rec.data,
      {
        pcrIndex: rec.registerField,
        uintnBytes,
        base: rec.dataOffset,
        isCc,
      },
      budget,
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    decodeError = e.message;
  }
  if (budget.error) throw budget.error;
  const cands = digestCandidates(rec.type, rec.data, decoded);
  const bank = preferredBank(rec.digests);
  let digestCheck: DigestCheck = 'unchecked';
  let digestRule: DigestRule | undefined;
  if (cands === undefined) digestCheck = 'not-extended';
  else if (bank !== undefined) {
    const res = checkDigestAgainst(cands, bank, rec.digests[bank]!, digesters);
    digestCheck = res.check;
    digestRule = res.rule;
  }
  // Filled in place: a parse creates one object per record, not one per step.
  const f = rec as { -readonly [K in keyof FinishedRecord]: FinishedRecord[K] };
  f.typeName = eventTypeName(rec.type);
  if (decoded !== undefined) f.decoded = decoded;
  if (decodeError !== undefined) f.decodeError = decodeError;
  f.digestCheck = digestCheck;
  if (digestRule !== undefined) f.digestRule = digestRule;
  return f;
}

/** Splits the header's algorithms into bank names attestkit knows and the rest. */
export function banksOf(specId: TcgSpecIdEvent): {
  banks: PcrBankName[];
  unknown: TcgAlgorithmInfo[];
} {
  const banks: PcrBankName[] = [];
  const unknown: TcgAlgorithmInfo[] = [];
  for (const a of specId.algorithms) {
    if (isBankName(a.name)) banks.push(a.name);
    else unknown.push(a);
  }
  return { banks, unknown };
}

/** The EV_NO_ACTION type value, re-exported for the parsers. */
export const EV_NO_ACTION: number = EV.NO_ACTION;
