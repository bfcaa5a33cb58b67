/**
 * @module
 * `parseCcEventLog` and `parseCcelTable`: the confidential-computing event log (UEFI 2.10 §38.4
 * EFI_CC_MEASUREMENT_PROTOCOL; Intel TDX GHCI 1.5 §4.4; ACPI 6.5 §5.2.34 "CCEL"). Same record
 * format as a crypto-agile TCG log, but the first field of each record is a measurement-register
 * index: 0 = MRTD (TDX) / RIM (CCA), never extended from the log; 1–4 = RTMR0–3 (TDX) / REM0–3
 * (CCA). The log area is pre-allocated and filled with 0xFF (or 0x00) after the last event.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, copyBytes } from '../core/bytes.js';
import { EV } from './constants.js';
import { createDigesterSet } from './digest-rules.js';
import { structureBudget } from './budget.js';
import {
  TCG_PCR_EVENT_HEADER_SIZE,
  assertEventRoom,
  assertInputBytes,
  atEndOfLog,
  banksOf,
  finishRecord,
  isSpecIdData,
  maxEventsOption,
  parseSpecIdEvent,
  pushEventWarning,
  algorithmSlots,
  readAgileRecord,
  readSha1Record,
  type FinishedRecord,
} from './records.js';
import { asciiText } from './text.js';
import type { CcEvent, CcEventLog, CcelTable, ParseWarning } from './types.js';

/**
 * Size of the ACPI CCEL table (ACPI 6.5 §5.2.34): the only `Length` {@link parseCcelTable}
 * accepts.
 */
export const CCEL_TABLE_SIZE = 56;

/**
 * Parses the 56-byte ACPI "CCEL" table (`/sys/firmware/acpi/tables/CCEL`) per ACPI 6.5 §5.2.34.
 * The checksum (the whole table sums to 0 mod 256, ACPI 6.5 §5.2.6) is reported in `checksumOk`,
 * not thrown.
 *
 * @param bytes - the table, exactly `Length` bytes.
 * @returns the table.
 * @throws {AttestError} `ERR_BAD_MAGIC` (not "CCEL"), `ERR_BAD_LENGTH` (`Length` below 56),
 *   `ERR_TRUNCATED` (`Length` beyond the input, or fewer than 56 bytes), `ERR_TRAILING_DATA` (input
 *   longer than `Length`), `ERR_RESERVED_NOT_ZERO`. A `Length` above 56 (fields a later revision
 *   appends) is accepted: those bytes count in the checksum but are not decoded.
 * @example
 * ```ts
 * const t = parseCcelTable(tableBytes); // t.ccType === 2 for TDX
 * ```
 */
export function parseCcelTable(bytes: Uint8Array): CcelTable {
  assertInputBytes(bytes, 'bytes');
  const r = new ByteReader(bytes, 'CCEL');
  const sig = asciiText(r.borrow(4, 'Signature'));
  if (sig !== 'CCEL') {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: 0,
      field: 'CCEL.Signature',
      message: `expected "CCEL", got "${sig}"`,
    });
  }
  const length = r.u32le('Length');
  if (length < CCEL_TABLE_SIZE || length > bytes.length) {
    throw new AttestError(length > bytes.length ? 'ERR_TRUNCATED' : 'ERR_BAD_LENGTH', {
      offset: 4,
      field: 'CCEL.Length',
      message: `table length ${length}, input ${bytes.length}, minimum ${CCEL_TABLE_SIZE}`,
    });
  }
  const revision = r.u8('Revision');
  const checksum = r.u8('Checksum');
  const oemId = asciiText(r.borrow(6, 'OEMID'));
  const oemTableId = asciiText(r.borrow(8, 'OEMTableID'));
  const oemRevision = r.u32le('OEMRevision');
  const creatorId = asciiText(r.borrow(4, 'CreatorID'));
  const creatorRevision = r.u32le('CreatorRevision');
  const ccType = r.u8('CCType');
  const ccSubtype = r.u8('CCSubType');
  r.reserved(2, 'Reserved');
  const laml = r.u64le('LAML');
  const lasa = r.u64le('LASA');
  let sum = 0;
  for (let i = 0; i < length; i++) sum = (sum + bytes[i]!) & 0xff;
  // A later table revision may append fields: they are covered by the checksum, not decoded.
  if (length > CCEL_TABLE_SIZE) r.skip(length - CCEL_TABLE_SIZE, 'fields beyond revision 1');
  r.expectEnd();
  return {
    signature: 'CCEL',
    length,
    revision,
    checksum,
    checksumOk: sum === 0,
    oemId,
    oemTableId,
    oemRevision,
    creatorId,
    creatorRevision,
    ccType,
    ccSubtype,
    laml,
    lasa,
    raw: copyBytes(bytes, 0, length),
  };
}

/** Options of {@link parseCcEventLog}. */
export interface CcEventLogParseOptions {
  /** The ACPI CCEL table, parsed and cross-checked against the log (LAML). */
  readonly table?: Uint8Array;
  /**
   * Most events the log may hold (default 20 000, `DEFAULT_MAX_EVENTS`); more is `ERR_LIMIT_EXCEEDED`,
   * so a hostile log cannot make the parse allocate without bound. The decoded sub-structures of
   * the events (device-path nodes, SIPA records, signature lists and entries, certificates) are
   * bounded with it: 100 000, or 5 per event when this is raised above 20 000.
   */
  readonly maxEvents?: number;
}

function toCcEvent(f: FinishedRecord): CcEvent {
  // MR index n → register n−1 (RTMR on TDX, REM on CCA), as firmware logs it (UEFI 2.10 §38.4;
  // edk2 TdTcg2Dxe and ArmCcaTcg2Dxe write CC_EVENT.MrIndex). attestkit/cca reads a realm log the
  // same way (src/cca/rem.ts, which may not import this module); test/cca/review-s10-realm-log
  // holds the two readers together.
  const mr = f.registerField;
  // Fields assigned in the documented order; optional ones only when present (no spreads).
  const e = { index: f.index, offset: f.offset, mrIndex: mr } as {
    -readonly [K in keyof CcEvent]: CcEvent[K];
  };
  if (mr >= 1 && mr <= 4) e.registerIndex = mr - 1;
  e.type = f.type;
  e.typeName = f.typeName;
  e.digests = f.digests;
  e.digestList = f.digestList;
  e.data = f.data;
  if (f.decoded !== undefined) e.decoded = f.decoded;
  if (f.decodeError !== undefined) e.decodeError = f.decodeError;
  // MR index 0 (MRTD) and indices past 4 extend no RTMR/REM: like EV_NO_ACTION, nothing a quote
  // covers vouches for them, so their digest binds nothing.
  const extended = mr >= 1 && mr <= 4;
  e.digestCheck = extended ? f.digestCheck : 'not-extended';
  if (extended && f.digestRule !== undefined) e.digestRule = f.digestRule;
  return e;
}

/**
 * Parses a CC event log: the TDX CCEL log area (`/sys/firmware/acpi/tables/data/CCEL`), or a CCA
 * realm log in the same format (UEFI 2.10 §38.4; Intel TDX GHCI §4.4). Fill after the last event
 * (0xFF or 0x00) is accepted and reported in `warnings`. The result is unverified: replay it
 * against the quote's RTMRs (or the token's REMs) with {@link verifyEventLog}.
 *
 * @param bytes - the log area.
 * @param options - `table`: the ACPI CCEL table; `maxEvents`: the most events accepted (default
 *   20 000, `DEFAULT_MAX_EVENTS`).
 * @returns the parsed log.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_MAGIC` (no Spec ID Event03 header: a CC log is
 *   always crypto-agile), `ERR_BAD_LENGTH`, `ERR_BAD_VALUE`, `ERR_LIMIT_EXCEEDED` (more than
 *   `maxEvents` events, more than 16 Spec ID algorithms, or more decoded sub-structures than
 *   `maxEvents` allows), and the table's errors.
 * @example
 * ```ts
 * import { parseCcEventLog } from 'attestkit/eventlog';
 * const log = parseCcEventLog(ccelData, { table: ccelTable });
 * ```
 */
export function parseCcEventLog(
  bytes: Uint8Array,
  options: CcEventLogParseOptions = {},
): CcEventLog {
  assertInputBytes(bytes, 'bytes');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const table = options.table !== undefined ? parseCcelTable(options.table) : undefined;
  const maxEvents = maxEventsOption(options.maxEvents);
  if (bytes.length < TCG_PCR_EVENT_HEADER_SIZE) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: 0,
      field: 'CC_EVENT_LOG',
      message: `a CC event log needs at least ${TCG_PCR_EVENT_HEADER_SIZE} bytes, got ${bytes.length}`,
    });
  }
  // One private copy of the events (fill excluded below): records are views into it.
  const r = new ByteReader(copyBytes(bytes), 'CC_EVENT');
  const warnings: ParseWarning[] = [];
  const digesters = createDigesterSet();
  const budget = structureBudget(maxEvents);
  const first = readSha1Record(r, 0);
  if (first.type !== EV.NO_ACTION || !isSpecIdData(first.data)) {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: 0,
      field: 'CC_EVENT_LOG.header',
      message: 'a CC event log starts with an EV_NO_ACTION "Spec ID Event03" header',
    });
  }
  const specId = parseSpecIdEvent(first.data, first.dataOffset, warnings);
  const slots = algorithmSlots(specId);
  const uintnBytes: 4 | 8 = specId.uintnSize === 1 ? 4 : 8;
  const records: FinishedRecord[] = [
    {
      ...finishRecord(first, uintnBytes, true, budget, digesters),
      decoded: { kind: 'spec-id', specId },
      digestCheck: 'not-extended',
    },
  ];
  while (r.remaining > 0) {
    if (atEndOfLog(r, 16, 'cc', warnings)) break;
    assertEventRoom(records.length, maxEvents, r.absoluteOffset);
    const rec = readAgileRecord(r, records.length, slots, warnings);
    records.push(finishRecord(rec, uintnBytes, true, budget, digesters));
    if (rec.type !== EV.NO_ACTION && (rec.registerField > 4 || rec.registerField === 0)) {
      pushEventWarning(warnings, {
        code: rec.registerField === 0 ? 'mr-index-0' : 'unknown-mr-index',
        offset: rec.offset,
        message:
          rec.registerField === 0
            ? `event ${rec.index} targets MR index 0 (MRTD/RIM), which a log never extends`
            : `event ${rec.index} targets MR index ${rec.registerField}, beyond RTMR3/REM3`,
      });
    }
  }
  const last = records[records.length - 1]!;
  const length = last.dataOffset + last.data.length;
  if (table !== undefined) {
    if (!table.checksumOk)
      warnings.push({
        code: 'ccel-checksum',
        offset: 0,
        message: 'the CCEL table checksum does not sum to 0',
      });
    if (BigInt(length) > table.laml) {
      warnings.push({
        code: 'ccel-laml',
        offset: length,
        message: `events end at ${length}, beyond LAML ${table.laml}`,
      });
    }
  }
  const { banks, unknown } = banksOf(specId);
  return {
    kind: 'cc',
    format: 'crypto-agile',
    specId,
    events: records.map(toCcEvent),
    banks,
    unknownAlgorithms: unknown,
    ...(table !== undefined ? { table } : {}),
    length,
    warnings,
  };
}
