/**
 * @module
 * `parseTcgEventLog`: TCG PC Client event logs (PFP 1.06 §10) in both formats — SHA-1
 * (`TCG_PCR_EVENT` only) and crypto-agile (a SHA-1-format Spec ID header, then `TCG_PCR_EVENT2`
 * with digest sizes from the header) — with the quirks of real firmware: several EV_NO_ACTION
 * events, StartupLocality and H-CRTM starts, trailing zero/0xFF padding, logs far above 64 KB,
 * 9-byte EV_POST_CODE labels, Spec ID headers whose vendor info overruns the event.
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
import type { ParseWarning, TcgEvent, TcgEventLog, TcgSpecIdEvent } from './types.js';

/** Options of {@link parseTcgEventLog}. */
export interface TcgEventLogParseOptions {
  /**
   * Most events the log may hold (default 20 000, `DEFAULT_MAX_EVENTS`); more is `ERR_LIMIT_EXCEEDED`,
   * so a hostile log cannot make the parse allocate without bound. The decoded sub-structures of
   * the events (device-path nodes, SIPA records, signature lists and entries, certificates) are
   * bounded with it: 100 000, or 5 per event when this is raised above 20 000.
   */
  readonly maxEvents?: number;
}

/** Smallest `TCG_PCR_EVENT2` header (pcr, type, count, size) used to tell records from fill. */
const AGILE_MIN_HEADER = 16;

function toTcgEvent(f: FinishedRecord): TcgEvent {
  // Fields assigned in the documented order; optional ones only when present (no spreads).
  const e = {
    index: f.index,
    offset: f.offset,
    pcrIndex: f.registerField,
    type: f.type,
    typeName: f.typeName,
    digests: f.digests,
    digestList: f.digestList,
    data: f.data,
  } as { -readonly [K in keyof TcgEvent]: TcgEvent[K] };
  if (f.decoded !== undefined) e.decoded = f.decoded;
  if (f.decodeError !== undefined) e.decodeError = f.decodeError;
  e.digestCheck = f.digestCheck;
  if (f.digestRule !== undefined) e.digestRule = f.digestRule;
  return e;
}

/**
 * Parses a TCG PC Client event log (`binary_bios_measurements`, `GetEventLog`, a Windows WBCL)
 * per TCG PC Client Platform Firmware Profile 1.06 §10.2. The result is the platform's claim:
 * replay it against quoted PCRs with {@link verifyEventLog} before trusting anything in it.
 *
 * Each event is decoded (UEFI variables, images with device paths, GPT, strings…) and its digest is
 * checked against its data in one bank (SHA-256 when present) — see `TcgEvent.digestCheck`.
 * Exported from `attestkit/eventlog`.
 *
 * @param bytes - the whole log; trailing zero or 0xFF padding is accepted and reported in
 *   `warnings`.
 * @param options - `maxEvents`: the most events accepted (default 20 000, `DEFAULT_MAX_EVENTS`).
 * @returns the parsed log.
 * @throws {AttestError} `ERR_TRUNCATED` (empty input, or a declared size that runs past the end),
 *   `ERR_BAD_LENGTH` (a digest count or algorithm count that cannot fit), `ERR_BAD_VALUE` (an
 *   algorithm missing from the header or listed twice), `ERR_BAD_MAGIC`, `ERR_LIMIT_EXCEEDED`
 *   (more than `maxEvents` events, more than 16 algorithms in the Spec ID header, or more decoded
 *   sub-structures than `maxEvents` allows, at the first one too many).
 * @example
 * ```ts
 * import { parseTcgEventLog } from 'attestkit/eventlog';
 * const log = parseTcgEventLog(bytes);
 * console.log(log.format, log.banks, log.events.length);
 * ```
 */
export function parseTcgEventLog(
  bytes: Uint8Array,
  options: TcgEventLogParseOptions = {},
): TcgEventLog {
  assertInputBytes(bytes, 'bytes');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const maxEvents = maxEventsOption(options.maxEvents);
  // One private copy: events, digests and data are views into it (never into the caller's buffer).
  const r = new ByteReader(copyBytes(bytes), 'TCG_PCR_EVENT');
  if (bytes.length < TCG_PCR_EVENT_HEADER_SIZE) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: 0,
      field: 'TCG_PCR_EVENT',
      message: `an event log needs at least ${TCG_PCR_EVENT_HEADER_SIZE} bytes, got ${bytes.length}`,
    });
  }
  const warnings: ParseWarning[] = [];
  const digesters = createDigesterSet();
  const budget = structureBudget(maxEvents);
  const first = readSha1Record(r, 0);
  const agile = first.type === EV.NO_ACTION && isSpecIdData(first.data);
  let specId: TcgSpecIdEvent | undefined;
  if (agile) {
    if (first.registerField !== 0) {
      warnings.push({
        code: 'spec-id-pcr',
        offset: 0,
        message: `Spec ID header in PCR ${first.registerField}, not 0`,
      });
    }
    specId = parseSpecIdEvent(first.data, first.dataOffset, warnings);
  }
  const uintnBytes: 4 | 8 = specId?.uintnSize === 1 ? 4 : 8;
  const records: FinishedRecord[] = [];
  const firstFinished = finishRecord(first, uintnBytes, false, budget, digesters);
  records.push(
    specId !== undefined
      ? { ...firstFinished, decoded: { kind: 'spec-id', specId }, digestCheck: 'not-extended' }
      : firstFinished,
  );
  const mode = agile ? 'tcg-agile' : 'tcg-sha1';
  const slots = specId && algorithmSlots(specId);
  const minHeader = agile ? AGILE_MIN_HEADER : TCG_PCR_EVENT_HEADER_SIZE;
  while (r.remaining > 0) {
    if (atEndOfLog(r, minHeader, mode, warnings)) break;
    assertEventRoom(records.length, maxEvents, r.absoluteOffset);
    const rec =
      slots !== undefined
        ? readAgileRecord(r, records.length, slots, warnings)
        : readSha1Record(r, records.length);
    records.push(finishRecord(rec, uintnBytes, false, budget, digesters));
  }
  const end = records.length > 0 ? records[records.length - 1]! : undefined;
  const length = end !== undefined ? end.dataOffset + end.data.length : 0;

  let startupLocality: number | undefined;
  let hcrtmEventIndex: number | undefined;
  let pcr0Extended = false;
  for (const e of records) {
    if (e.index === 0 && specId !== undefined) continue;
    if (e.type === EV.NO_ACTION && isSpecIdData(e.data)) {
      pushEventWarning(warnings, {
        code: 'duplicate-spec-id',
        offset: e.offset,
        message: `a second Spec ID event at index ${e.index}`,
      });
    }
    if (e.registerField !== 0) continue;
    if (e.type === EV.NO_ACTION) {
      if (e.decoded?.kind === 'startup-locality') {
        if (pcr0Extended || startupLocality !== undefined) {
          pushEventWarning(warnings, {
            code: 'startup-locality-ignored',
            offset: e.offset,
            message: `StartupLocality event ${e.index} comes after PCR 0 was extended or after another one; ignored`,
          });
        } else startupLocality = e.decoded.locality;
      }
      continue;
    }
    if (e.type === EV.EFI_HCRTM_EVENT && hcrtmEventIndex === undefined) {
      if (pcr0Extended) {
        pushEventWarning(warnings, {
          code: 'hcrtm-late',
          offset: e.offset,
          message: `H-CRTM event ${e.index} is not the first PCR 0 extend`,
        });
      }
      hcrtmEventIndex = e.index;
    }
    pcr0Extended = true;
  }
  if (hcrtmEventIndex !== undefined && startupLocality !== undefined && startupLocality !== 4) {
    warnings.push({
      code: 'locality-conflict',
      offset: 0,
      message: `StartupLocality ${startupLocality} and an H-CRTM event (locality 4); PCR 0 starts at 00…04`,
    });
  }
  const { banks, unknown } =
    specId !== undefined ? banksOf(specId) : { banks: ['sha1' as const], unknown: [] };
  return {
    kind: 'tcg',
    format: agile ? 'crypto-agile' : 'sha1',
    ...(specId !== undefined ? { specId } : {}),
    events: records.map(toTcgEvent),
    banks,
    unknownAlgorithms: unknown,
    ...(startupLocality !== undefined ? { startupLocality } : {}),
    ...(hcrtmEventIndex !== undefined ? { hcrtmEventIndex } : {}),
    length,
    warnings,
  };
}
