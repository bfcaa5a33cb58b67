/**
 * @module
 * `verifyPcrBinding`: the direction "a hash of the hardware report inside a vTPM PCR". The
 * report is measured into a PCR (TPM2_PCR_Event or an extend of its digest) and logged in the
 * vTPM's TCG event log (TCG PC Client PFP §10; shared spec-notes eventlog.md §3–4 and the swtpm
 * PCR-15 binding vector); a quote then signs that PCR. Only PCRs inside a verified quote's signed
 * selection count.
 */
import { createLedger } from '../core/checks.js';
import { assertBytes } from '../core/bytes.js';
import { digest, type HashAlg } from '../core/crypto.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { AttestError } from '../core/errors.js';
import {
  parseTcgEventLog,
  replayEventLog,
  type TcgEvent,
  type TcgEventLog,
} from '../eventlog/index.js';
import type { PcrBankName, PcrBanks, TpmQuoteVerification } from '../tpm/index.js';
import type {
  PcrBindingCheckId,
  PcrBindingEvent,
  PcrBindingInput,
  PcrBindingOptions,
  PcrBindingVerification,
} from './types.js';

type Id = PcrBindingCheckId;

/** EV_NO_ACTION: logged but never extended (PFP §10.4.1). */
const EV_NO_ACTION = 3;
const HASH_BANKS: readonly PcrBankName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
/**
 * PCRs any software can reset with TPM2_PCR_Reset, from locality 0 on (TCG PC Client Platform TPM
 * Profile, PCR attributes: 16 debug, 23 application support): a report there can have been
 * extended at any time since, so it proves nothing about this boot.
 */
const RESETTABLE_PCRS: readonly number[] = [16, 23];

function isQuoteVerification(v: unknown): v is TpmQuoteVerification {
  const q = v as Partial<TpmQuoteVerification>;
  return (
    typeof q === 'object' &&
    q !== null &&
    typeof q.ok === 'boolean' &&
    Array.isArray(q.checks) &&
    typeof q.pcrs === 'object'
  );
}

function causeOf(e: unknown): { code?: string; message: string } {
  if (e instanceof AttestError) return { code: e.code, message: e.message };
  return { message: e instanceof Error ? e.message : String(e) };
}

/**
 * Verifies that a hardware report was measured into a vTPM PCR: an event whose data is the
 * report (or whose digest is its hash) sits in the event log, its digest in every bank is the
 * report's hash, the PCR is inside the quote's signed selection, and the log replays that PCR to
 * the quoted value. Spec: TCG PC Client PFP §10 (event log, replay), TPM 2.0 Part 3 §22.2
 * (TPM2_PCR_Event), shared spec-notes eventlog.md §3.
 *
 * Checks, in order: `binding.pcr.log`, `binding.pcr.quote`, `binding.pcr.event`,
 * `binding.pcr.digest`, `binding.pcr.selection`, `binding.pcr.replay` (all required).
 *
 * @param input - the report bytes, the event log, the quoted PCRs (a `verifyTpmQuote` result) and
 *   optionally the PCR the report must be in.
 * @param options - `allowUnquotedPcrs` to accept plain PcrBanks (weaker: they are only claimed).
 * @returns the ledger, the PCR and the event(s) that carry the report, and the banks replayed.
 * @throws {TypeError} for a malformed input object (never for bad evidence).
 * @example
 * ```ts
 * import { verifyPcrBinding } from 'attestkit/binding';
 * const quote = await verifyTpmQuote({ attest, signature, akPublic, pcrs }, { nonce });
 * const r = await verifyPcrBinding({ report: snpReportBytes, eventLog, pcrs: quote });
 * r.pcrIndex; // e.g. 15
 * ```
 */
export function verifyPcrBinding(
  input: PcrBindingInput,
  options: PcrBindingOptions = {},
): Promise<PcrBindingVerification> {
  return new Promise((resolve) => resolve(verifyPcrBindingSync(input, options)));
}

function verifyPcrBindingSync(
  input: PcrBindingInput,
  options: PcrBindingOptions,
): PcrBindingVerification {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const report = input.report instanceof Uint8Array ? input.report : input.report?.raw;
  assertBytes(report, 'report');
  if (
    input.pcrIndex !== undefined &&
    (!Number.isInteger(input.pcrIndex) || input.pcrIndex < 0 || input.pcrIndex > 0xffffffff)
  ) {
    throw new RangeError('pcrIndex must be a non-negative integer');
  }
  if (typeof input.pcrs !== 'object' || input.pcrs === null) {
    throw new TypeError('pcrs must be a TpmQuoteVerification or PcrBanks');
  }
  if (input.eventLog instanceof Uint8Array) assertBytes(input.eventLog, 'eventLog');
  else if (typeof input.eventLog !== 'object' || input.eventLog === null) {
    throw new TypeError('eventLog must be bytes or a parsed TcgEventLog');
  }

  const ledger = createLedger<Id>([
    { id: 'binding.pcr.log', required: true },
    { id: 'binding.pcr.quote', required: true },
    { id: 'binding.pcr.event', required: true },
    { id: 'binding.pcr.digest', required: true },
    { id: 'binding.pcr.selection', required: true },
    { id: 'binding.pcr.replay', required: true },
  ]);

  let log: TcgEventLog | undefined;
  try {
    log = input.eventLog instanceof Uint8Array ? parseTcgEventLog(input.eventLog) : input.eventLog;
    if (!Array.isArray(log.events)) throw new TypeError('eventLog is not a TcgEventLog');
    ledger.pass('binding.pcr.log', `${log.format} event log with ${log.events.length} events`);
  } catch (e) {
    if (e instanceof TypeError) throw e;
    log = undefined;
    ledger.fail('binding.pcr.log', 'the event log does not parse', { cause: causeOf(e) });
  }

  let quoted: PcrBanks;
  if (isQuoteVerification(input.pcrs)) {
    quoted = input.pcrs.pcrs;
    const failed = input.pcrs.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    ledger.result(
      'binding.pcr.quote',
      input.pcrs.ok,
      input.pcrs.ok
        ? 'PCR values come from a verified quote (signed selection only)'
        : `the quote did not verify${failed.length > 0 ? ` (${failed.join(', ')})` : ''}`,
      input.pcrs.ok ? undefined : { failedChecks: failed },
    );
  } else {
    quoted = input.pcrs;
    if (options.allowUnquotedPcrs === true) {
      ledger.warn(
        'binding.pcr.quote',
        'PCR values are plain claims, accepted by allowUnquotedPcrs',
      );
    } else {
      ledger.skip(
        'binding.pcr.quote',
        'PCR values given as plain banks, not a verified quote (set allowUnquotedPcrs to accept)',
      );
    }
  }

  // Find the events that carry the report.
  const hashes = new Map<HashAlg, Uint8Array>();
  const reportHash = (bank: HashAlg): Uint8Array => {
    let h = hashes.get(bank);
    if (h === undefined) {
      h = digest(bank, report);
      hashes.set(bank, h);
    }
    return h;
  };
  const matches: { event: TcgEvent; matchedBy: 'data' | 'digest' }[] = [];
  if (log !== undefined) {
    for (const event of log.events) {
      if (event.type === EV_NO_ACTION) continue;
      if (input.pcrIndex !== undefined && event.pcrIndex !== input.pcrIndex) continue;
      if (event.data.length === report.length && equalBytes(event.data, report)) {
        matches.push({ event, matchedBy: 'data' });
        continue;
      }
      for (const bank of HASH_BANKS) {
        const d = event.digests[bank];
        if (d !== undefined && equalBytes(d, reportHash(bank as HashAlg))) {
          matches.push({ event, matchedBy: 'digest' });
          break;
        }
      }
    }
  }

  let pcrIndex: number | undefined;
  let chosen: { event: TcgEvent; matchedBy: 'data' | 'digest' }[] = [];
  const quotedBanksOf = (pcr: number): PcrBankName[] =>
    (Object.keys(quoted) as PcrBankName[]).filter((b) => quoted[b]?.[pcr] !== undefined);
  if (ledger.dependsOn('binding.pcr.event', 'binding.pcr.log')) {
    if (matches.length === 0) {
      ledger.fail(
        'binding.pcr.event',
        `no event${input.pcrIndex !== undefined ? ` in PCR ${input.pcrIndex}` : ''} has the report as its data or its hash as a digest`,
        { reportSha256: toHex(reportHash('sha256')) },
      );
    } else {
      const all = [...new Set(matches.map((m) => m.event.pcrIndex))].sort((a, b) => a - b);
      const candidates =
        input.pcrIndex !== undefined ? all : all.filter((p) => !RESETTABLE_PCRS.includes(p));
      pcrIndex = candidates.find((p) => quotedBanksOf(p).length > 0) ?? candidates[0];
      if (pcrIndex === undefined) {
        ledger.fail(
          'binding.pcr.event',
          `the report is only in resettable PCR ${all.join(', ')} (accepted when pcrIndex names it)`,
          { pcrs: all },
        );
      } else {
        chosen = matches.filter((m) => m.event.pcrIndex === pcrIndex);
        const resettable = RESETTABLE_PCRS.includes(pcrIndex);
        const events = chosen
          .map((m) => `#${m.event.index} (${m.event.typeName}, by ${m.matchedBy})`)
          .join(', ');
        ledger[resettable ? 'warn' : 'pass'](
          'binding.pcr.event',
          `PCR ${pcrIndex}: event${chosen.length > 1 ? 's' : ''} ${events}${resettable ? ' (resettable; named by pcrIndex)' : ''}`,
          {
            pcrIndex,
            events: chosen.map((m) => m.event.index),
            ...(all.length > 1 ? { otherPcrs: all.filter((p) => p !== pcrIndex) } : {}),
          },
        );
      }
    }
  }

  if (ledger.dependsOn('binding.pcr.digest', 'binding.pcr.event')) {
    const problems: { event: number; bank: string; expected: string; actual: string }[] = [];
    let compared = 0;
    // Every bank the quote signs this PCR in must hold the report's hash: an event may carry
    // fewer digests than its log declares, and one whose only digest is in an unquoted bank
    // would bind the report to nothing the quote signs.
    const mustCarry = pcrIndex !== undefined ? quotedBanksOf(pcrIndex) : [];
    for (const { event } of chosen) {
      for (const bank of HASH_BANKS) {
        const d = event.digests[bank];
        if (d === undefined) {
          if ((mustCarry as string[]).includes(bank)) {
            problems.push({
              event: event.index,
              bank,
              expected: toHex(reportHash(bank as HashAlg)),
              actual: 'none',
            });
          }
          continue;
        }
        compared++;
        const want = reportHash(bank as HashAlg);
        if (!equalBytes(d, want)) {
          problems.push({ event: event.index, bank, expected: toHex(want), actual: toHex(d) });
        }
      }
    }
    ledger.result(
      'binding.pcr.digest',
      problems.length === 0 && compared > 0,
      problems.length === 0 && compared > 0
        ? `every digest of the event${chosen.length > 1 ? 's' : ''} is the report's hash (${compared} compared)`
        : compared === 0
          ? 'the event carries no digest in a known bank'
          : `digest${problems.length > 1 ? 's' : ''} not equal to the report's hash`,
      problems.length > 0 ? { problems } : undefined,
    );
  }

  let banks: PcrBankName[] = [];
  if (ledger.dependsOn('binding.pcr.selection', 'binding.pcr.event') && pcrIndex !== undefined) {
    banks = quotedBanksOf(pcrIndex);
    ledger.result(
      'binding.pcr.selection',
      banks.length > 0,
      banks.length > 0
        ? `PCR ${pcrIndex} is signed by the quote in ${banks.join(', ')}`
        : `PCR ${pcrIndex} is outside the quote's signed selection`,
      banks.length > 0 ? undefined : { pcrIndex, quotedBanks: Object.keys(quoted) },
    );
  }

  const replayedBanks: PcrBankName[] = [];
  if (
    ledger.dependsOn('binding.pcr.replay', 'binding.pcr.selection') &&
    log !== undefined &&
    pcrIndex !== undefined
  ) {
    try {
      const { registers, incomplete } = replayEventLog(log);
      const mismatches: { bank: string; expected: string; actual: string }[] = [];
      // Events of this PCR without a digest in a quoted bank are left out of that bank's replay:
      // the quoted value would then vouch for a log that does not say what it measured.
      const unreplayed = incomplete.filter(
        (x) => x.register === pcrIndex && (banks as string[]).includes(x.bank),
      );
      for (const x of unreplayed) {
        mismatches.push({
          bank: x.bank,
          expected: 'every event replayed',
          actual: `events ${x.events.join(', ')} carry no ${x.bank} digest`,
        });
      }
      for (const bank of banks) {
        const replayed = registers[bank]?.[pcrIndex];
        const want = quoted[bank]?.[pcrIndex];
        if (replayed === undefined || want === undefined) continue;
        if (unreplayed.some((x) => x.bank === bank)) continue;
        if (equalBytes(replayed, want)) {
          replayedBanks.push(bank);
        } else {
          mismatches.push({ bank, expected: toHex(want), actual: toHex(replayed) });
        }
      }
      const ok = mismatches.length === 0 && replayedBanks.length > 0;
      ledger.result(
        'binding.pcr.replay',
        ok,
        ok
          ? `the log replays PCR ${pcrIndex} to the quoted value in ${replayedBanks.join(', ')}`
          : unreplayed.length > 0
            ? `events of PCR ${pcrIndex} carry no digest in a quoted bank, so the log cannot account for it`
            : mismatches.length > 0
              ? `the log does not replay PCR ${pcrIndex} to the quoted value`
              : `no quoted bank of PCR ${pcrIndex} is in the event log`,
        ok ? undefined : { pcrIndex, mismatches, logBanks: log.banks },
      );
    } catch (e) {
      ledger.fail('binding.pcr.replay', 'the event log cannot be replayed', { cause: causeOf(e) });
    }
  }

  const events: PcrBindingEvent[] = chosen.map(({ event, matchedBy }) => ({
    index: event.index,
    pcrIndex: event.pcrIndex,
    type: event.type,
    typeName: event.typeName,
    matchedBy,
  }));
  const v = ledger.finish();
  return {
    ...v,
    ...(pcrIndex !== undefined ? { pcrIndex } : {}),
    events,
    banks: replayedBanks,
  };
}
