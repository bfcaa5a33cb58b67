/**
 * @module
 * `verifyEventLog`: replays a parsed log and compares it, register by register, with values the
 * caller trusts — PCRs from a verified TPM quote, RTMRs from a verified TDX quote, REMs from a
 * verified CCA realm token. A mismatch names the register, both values, the events that feed it
 * and, when it can be located, the first event that breaks the match. Named workarounds are tried
 * only after the strict replay failed. Spoofing defences (go-attestation's 2022 event-log
 * disclosure): separators are checked for type and data, events whose type does not bind their
 * content are flagged, events after the separator of PCRs 0–7 are checked against the PFP.
 */
import { createLedger, type CheckSpec, type Ledger } from '../core/checks.js';
import { createDigester, digest, type HashAlg } from '../core/crypto.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { EV } from './constants.js';
import {
  checkDigestAgainst,
  createDigesterSet,
  digestCandidates,
  isComputableBank,
  preferredBank,
} from './digest-rules.js';
import {
  BANK_SIZES,
  defaultBanks,
  eventCount,
  initialValue,
  makeExtender,
  measurementOf,
  registerOf,
  replayBank,
  traceRegister,
  type BankReplay,
} from './replay.js';
import { WORKAROUNDS } from './workarounds.js';
import { imaHiddenSignatureFields, isImaSignatureHeader } from './parse-ima.js';
import { isDisguisedSeparator, separatorDigests } from './separators.js';
import { policyRegisterOf, policyWindow, type PolicyWindow } from './policy.js';
import type {
  CcEvent,
  EventLog,
  EventLogCheckId,
  EventLogExpectation,
  EventLogVerification,
  EventLogVerifyOptions,
  PcrBankName,
  PcrBanks,
  RegisterResult,
  TcgEvent,
  WorkaroundId,
} from './types.js';

const BANK_BY_SIZE: Readonly<Record<number, HashAlg>> = {
  20: 'sha1',
  32: 'sha256',
  48: 'sha384',
  64: 'sha512',
};
const KNOWN_WORKAROUNDS = new Set<string>(WORKAROUNDS.map((w) => w.id));

/** Event types the PFP allows after the separator of each of PCRs 0–7 (PFP 1.06 §3.3.4, §10.4.4). */
const ALLOWED_AFTER_SEPARATOR: Readonly<Record<number, ReadonlySet<number>>> = {
  0: new Set(),
  1: new Set([
    EV.EFI_VARIABLE_BOOT,
    EV.EFI_VARIABLE_BOOT2,
    EV.EFI_VARIABLE_DRIVER_CONFIG,
    EV.EFI_HANDOFF_TABLES,
    EV.EFI_HANDOFF_TABLES2,
    EV.PLATFORM_CONFIG_FLAGS,
  ]),
  2: new Set([EV.EFI_BOOT_SERVICES_DRIVER, EV.EFI_RUNTIME_SERVICES_DRIVER]),
  3: new Set(),
  4: new Set([EV.EFI_BOOT_SERVICES_APPLICATION, EV.EFI_BOOT_SERVICES_DRIVER, EV.EFI_ACTION]),
  5: new Set([
    EV.EFI_ACTION,
    EV.EFI_GPT_EVENT,
    EV.EFI_GPT_EVENT2,
    EV.EFI_VARIABLE_BOOT,
    EV.EFI_VARIABLE_BOOT2,
  ]),
  6: new Set(),
  7: new Set([EV.EFI_VARIABLE_AUTHORITY]),
};

/** Types a Secure Boot policy register (PCR 7) may hold: all of them bind their content. */
const PCR7_TYPES = new Set<number>([
  EV.EFI_VARIABLE_DRIVER_CONFIG,
  EV.EFI_VARIABLE_AUTHORITY,
  EV.SEPARATOR,
  EV.EFI_ACTION,
  EV.NO_ACTION,
]);

interface Target {
  readonly prefix: 'pcr' | 'rtmr' | 'rem';
  /** bank → register → expected value. */
  readonly expected: Map<HashAlg, Map<number, Uint8Array>>;
  /** Banks the caller supplied that attestkit cannot compute. */
  /** Registers supplied only in banks attestkit cannot compute (SM3), with those banks. */
  readonly uncomputable: Map<number, string[]>;
}

function assertLog(log: unknown): asserts log is EventLog {
  if (typeof log !== 'object' || log === null)
    throw new TypeError('log must be a parsed event log');
  const k = (log as { kind?: unknown }).kind;
  if (k !== 'tcg' && k !== 'cc' && k !== 'ima') {
    throw new TypeError('log must come from parseTcgEventLog, parseCcEventLog or parseImaLog');
  }
}

function targetOf(log: EventLog, expected: EventLogExpectation): Target {
  if (typeof expected !== 'object' || expected === null)
    throw new TypeError('expected must be { pcrs } | { rtmrs } | { rems }');
  const map = new Map<HashAlg, Map<number, Uint8Array>>();
  if ('pcrs' in expected) {
    if (log.kind === 'cc')
      throw new TypeError('a CC event log is compared with { rtmrs } or { rems }, not { pcrs }');
    const pcrs = expected.pcrs;
    if (typeof pcrs !== 'object' || pcrs === null)
      throw new TypeError('expected.pcrs must be a PcrBanks object');
    const uncomputable = new Map<number, string[]>();
    for (const [bank, regs] of Object.entries(pcrs)) {
      if (regs === undefined) continue;
      if (!['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'].includes(bank))
        throw new TypeError(`unknown bank ${bank}`);
      if (typeof regs !== 'object' || regs === null)
        throw new TypeError(`expected.pcrs.${bank} must map PCR index → bytes`);
      if (!isComputableBank(bank)) {
        for (const k of Object.keys(regs)) {
          const idx = Number(k);
          if (!Number.isSafeInteger(idx) || idx < 0)
            throw new TypeError(`PCR index ${k} is not an integer`);
          uncomputable.set(idx, [...(uncomputable.get(idx) ?? []), bank]);
        }
        continue;
      }
      const m = new Map<number, Uint8Array>();
      for (const [k, v] of Object.entries(regs as Record<string, unknown>)) {
        const idx = Number(k);
        if (!Number.isSafeInteger(idx) || idx < 0)
          throw new TypeError(`PCR index ${k} is not an integer`);
        if (!(v instanceof Uint8Array) || v.length !== BANK_SIZES[bank]) {
          throw new TypeError(
            `expected.pcrs.${bank}[${k}] must be a ${BANK_SIZES[bank]}-byte Uint8Array`,
          );
        }
        m.set(idx, v);
      }
      map.set(bank, m);
    }
    // Registers, not banks: `{ sha256: {} }` names none and would verify nothing.
    let count = uncomputable.size;
    for (const m of map.values()) count += m.size;
    if (count === 0) {
      throw new TypeError('expected.pcrs holds no register: supply the quoted PCR values');
    }
    return { prefix: 'pcr', expected: map, uncomputable };
  }
  const isRtmr = 'rtmrs' in expected;
  const list: unknown = isRtmr ? expected.rtmrs : (expected as { rems?: unknown }).rems;
  if (!isRtmr && !('rems' in expected))
    throw new TypeError('expected must be { pcrs } | { rtmrs } | { rems }');
  if (log.kind !== 'cc')
    throw new TypeError(`{ ${isRtmr ? 'rtmrs' : 'rems'} } needs a CC event log (parseCcEventLog)`);
  if (!Array.isArray(list) || list.length !== 4)
    throw new TypeError(`${isRtmr ? 'rtmrs' : 'rems'} must be an array of 4 registers`);
  let bank: HashAlg | undefined;
  const m = new Map<number, Uint8Array>();
  // An index loop, not forEach, which skips the holes of a sparse array (`new Array(4)`): every
  // slot must hold a register, or registers would silently go uncompared.
  for (let i = 0; i < 4; i++) {
    const v: unknown = list[i];
    if (!(v instanceof Uint8Array)) throw new TypeError(`register ${i} must be a Uint8Array`);
    const b = BANK_BY_SIZE[v.length];
    if (b === undefined || (bank !== undefined && b !== bank))
      throw new TypeError(`register ${i} has ${v.length} bytes`);
    bank = b;
    m.set(i, v);
  }
  map.set(bank!, m);
  return { prefix: isRtmr ? 'rtmr' : 'rem', expected: map, uncomputable: new Map() };
}

function eventsOf(log: EventLog): readonly (TcgEvent | CcEvent)[] {
  return log.kind === 'ima' ? [] : log.events;
}

/**
 * Extends one verification may spend searching for the one extra event that breaks a register
 * (the search costs n² extends for n events): 24 failing registers of 256 events each would
 * otherwise cost 1.5 million.
 */
const LOCATE_BUDGET = 1 << 16;

/**
 * Locates the event that breaks a register: the quoted value is a prefix of the replay, or one
 * event is extra (searched while `budget.extends` lasts).
 */
function locateBreak(
  log: EventLog,
  bank: HashAlg,
  register: number,
  expected: Uint8Array,
  budget: { extends: number },
): { firstBreakingEvent?: number; reason?: string } {
  const trace = traceRegister(log, bank, register, (i) => measurementOf(log, i, bank));
  if (equalBytes(trace.initial, expected) && trace.steps.length > 0) {
    return {
      firstBreakingEvent: trace.steps[0]!.event,
      reason: 'the quoted value is the initial value: no logged event was extended',
    };
  }
  for (let k = 0; k + 1 < trace.steps.length; k++) {
    if (equalBytes(trace.steps[k]!.value, expected)) {
      return {
        firstBreakingEvent: trace.steps[k + 1]!.event,
        reason: `the quoted value matches the replay up to event ${trace.steps[k]!.event}; later events were not extended`,
      };
    }
  }
  // One logged event that was not extended (or is forged) in the middle of the sequence.
  const cost = trace.steps.length * trace.steps.length;
  if (trace.steps.length <= 256 && cost <= budget.extends) {
    budget.extends -= cost;
    const ext = makeExtender(bank);
    for (let skip = 0; skip < trace.steps.length; skip++) {
      let v = trace.initial;
      for (let j = 0; j < trace.steps.length; j++) {
        if (j === skip) continue;
        v = ext(v, measurementOf(log, trace.steps[j]!.event, bank)!);
      }
      if (equalBytes(v, expected)) {
        return {
          firstBreakingEvent: trace.steps[skip]!.event,
          reason: `the quoted value matches the replay without event ${trace.steps[skip]!.event}`,
        };
      }
    }
  }
  return {};
}

/**
 * Replays a parsed event log and compares it with trusted register values (TCG PC Client PFP 1.06
 * §3.3.4 and §10.2; TDX GHCI §4.4 for RTMRs; Arm RMM 1.0 §A7.1 for REMs, `REM = H(REM ‖ digest)`).
 * One check per register — `eventlog.replay.pcrN`, `eventlog.replay.rtmrN` or
 * `eventlog.replay.remN` — plus the parse, digest-binding, separator and IMA checks. Registers
 * quoted but never extended must hold their initial value; registers extended but not supplied are
 * reported as `skip` (their events stay unverified). IMA: an entry of a template attestkit does
 * not read fails `eventlog.ima.template-hashes` (the template name is not covered by the template
 * hash), and violations are never in `verifiedEvents`. Never throws for bad evidence.
 *
 * The values in `expected` must come from a verified quote or token: this function proves only that
 * the log is consistent with them. Exported from `attestkit/eventlog`.
 *
 * @param log - from `parseTcgEventLog`, `parseCcEventLog` or `parseImaLog`.
 * @param expected - `{ pcrs }` (TCG, IMA), `{ rtmrs }` (TDX CCEL: RTMR0–3) or `{ rems }` (CCA: REM0–3).
 * @param options - `allowWorkarounds`, `requireAllExtended`.
 * @returns the ledger, the strict replay, per-register results and applied workarounds.
 * @throws {TypeError} for a log that is not parsed, a malformed `expected` (an `rtmrs`/`rems`
 *   slot without a register, sparse arrays included), or an unknown workaround.
 * @example
 * ```ts
 * const v = await verifyEventLog(parseTcgEventLog(logBytes), { pcrs: quote.pcrs });
 * if (!v.ok) for (const c of v.checks) if (c.status === 'fail') console.log(c.id, c.message, c.detail);
 * ```
 */
export async function verifyEventLog(
  log: EventLog,
  expected: EventLogExpectation,
  options: EventLogVerifyOptions = {},
): Promise<EventLogVerification> {
  await Promise.resolve();
  return verifyEventLogSync(log, expected, options);
}

/** Synchronous core of {@link verifyEventLog} (same contract). */
export function verifyEventLogSync(
  log: EventLog,
  expected: EventLogExpectation,
  options: EventLogVerifyOptions = {},
): EventLogVerification {
  assertLog(log);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const allowed = new Set<WorkaroundId>(options.allowWorkarounds ?? []);
  for (const w of allowed)
    if (!KNOWN_WORKAROUNDS.has(w)) throw new TypeError(`unknown workaround ${String(w)}`);
  const target = targetOf(log, expected);

  // Strict replay of every bank the caller supplied and every bank the log can be replayed in.
  const replays = new Map<HashAlg, BankReplay>();
  const banks = new Set<HashAlg>([...target.expected.keys()]);
  for (const b of defaultBanks(log)) if (isComputableBank(b)) banks.add(b);
  for (const b of banks) {
    const r = replayBank(log, b);
    if (r !== undefined) replays.set(b, r);
  }

  // Registers: quoted ∪ extended.
  const regSet = new Set<number>();
  for (const m of target.expected.values()) for (const k of m.keys()) regSet.add(k);
  for (const k of target.uncomputable.keys()) regSet.add(k);
  for (const r of replays.values()) {
    for (const [k, st] of r.registers) if (st.events.length > 0 || log.kind === 'cc') regSet.add(k);
    for (const k of r.missing.keys()) regSet.add(k);
  }
  const registers = [...regSet].sort((a, b) => a - b);
  const regId = (i: number): EventLogCheckId =>
    `eventlog.replay.${target.prefix}${i}` as EventLogCheckId;

  const specs: CheckSpec<EventLogCheckId>[] = [{ id: 'eventlog.parse' }];
  for (const i of registers) {
    const quoted =
      [...target.expected.values()].some((m) => m.has(i)) || target.uncomputable.has(i);
    specs.push({ id: regId(i), required: quoted });
  }
  specs.push(
    { id: 'eventlog.event-digests' },
    { id: 'eventlog.separators' },
    { id: 'eventlog.after-separator' },
    { id: 'eventlog.digest-binding' },
    { id: 'eventlog.ima.template-hashes' },
    { id: 'eventlog.ima.violations' },
  );
  const ledger = createLedger(specs);

  // eventlog.parse
  const notable = log.warnings.filter((w) => w.code !== 'padding');
  if (notable.length === 0) {
    ledger.pass(
      'eventlog.parse',
      log.warnings.length > 0 ? `parsed; ${log.warnings[0]!.message}` : 'parsed without warnings',
    );
  } else {
    ledger.warn('eventlog.parse', `${notable.length} parse warning(s): ${notable[0]!.message}`, {
      warnings: log.warnings,
    });
  }

  const results: RegisterResult[] = [];
  const applied: { id: WorkaroundId; register: string }[] = [];
  const verifiedRegisters = new Set<number>();
  const budget = { extends: LOCATE_BUDGET };
  for (const i of registers) {
    checkRegister(
      log,
      target,
      i,
      replays,
      allowed,
      options.requireAllExtended === true,
      ledger,
      regId(i),
      results,
      applied,
      verifiedRegisters,
      budget,
    );
  }

  // An IMA violation extends all 0xFF whatever its listed file and digest: the register vouches
  // for the violation, never for its content, so it is never a verified event.
  const verifiedEvents: number[] = [];
  const n = eventCount(log);
  for (let i = 0; i < n; i++) {
    const reg = registerOf(log, i);
    if (reg === undefined || !verifiedRegisters.has(reg)) continue;
    if (log.kind === 'ima' && log.entries[i]!.isViolation) continue;
    verifiedEvents.push(i);
  }

  // The Secure Boot policy window as summarizeBoot reads it with this verification: ended by a
  // separator digest in a compared bank (policy.ts).
  const comparedBanks = [...target.expected.keys()].filter(
    (b) => log.kind === 'ima' || log.banks.includes(b),
  );
  const window = log.kind === 'ima' ? undefined : policyWindow(log, comparedBanks);
  const digests = checkEventDigests(log, target, window, ledger);
  checkSeparators(log, ledger);
  checkAfterSeparator(log, ledger);
  checkDigestBinding(log, window, ledger);
  checkIma(log, ledger);

  const replayed: PcrBanks = {};
  for (const [b, r] of replays) {
    const regs: Record<number, Uint8Array> = {};
    for (const [k, st] of [...r.registers.entries()].sort((x, y) => x[0] - y[0]))
      regs[k] = st.value;
    replayed[b] = regs;
  }
  const v = ledger.finish();
  return {
    ...v,
    log,
    replayed,
    registers: results,
    appliedWorkarounds: applied,
    verifiedEvents,
    digestMismatchEvents: digests.mismatches,
    unboundInComparedBanks: digests.unbound,
    variableDataEvents: digests.variableData,
    comparedBanks,
  };
}

function checkRegister(
  log: EventLog,
  target: Target,
  index: number,
  replays: Map<HashAlg, BankReplay>,
  allowed: Set<WorkaroundId>,
  requireAllExtended: boolean,
  ledger: Ledger<EventLogCheckId>,
  id: EventLogCheckId,
  results: RegisterResult[],
  applied: { id: WorkaroundId; register: string }[],
  verifiedRegisters: Set<number>,
  budget: { extends: number },
): void {
  const name = `${target.prefix}${index}`;
  const quotedBanks = [...target.expected.entries()]
    .filter(([, m]) => m.has(index))
    .map(([b]) => b);
  const anyReplay = [...replays.values()].find((r) => r.registers.has(index));
  const events = anyReplay?.registers.get(index)?.events ?? [];

  if (quotedBanks.length === 0 && target.uncomputable.has(index)) {
    ledger.skip(
      id,
      `${name} was supplied only in ${target.uncomputable.get(index)!.join(', ')}, which attestkit cannot compute`,
      {
        register: name,
        banks: target.uncomputable.get(index),
      },
    );
    return;
  }
  if (quotedBanks.length === 0) {
    for (const [b, r] of replays) {
      const st = r.registers.get(index);
      if (st !== undefined)
        results.push({
          register: name,
          bank: b,
          index,
          status: 'not-quoted',
          replayed: st.value,
          events: st.events,
        });
    }
    const msg = `${name} is extended by ${events.length} event(s) but no value was supplied: those events are unverified`;
    if (requireAllExtended) ledger.fail(id, msg, { register: name, events });
    else ledger.skip(id, msg, { register: name, events });
    return;
  }

  // Every event extending the register must carry a digest in each compared bank: one without
  // would be left out of that bank's replay, and its content (its digest in another bank) would
  // pass as verified (go-attestation refuses such an event the same way).
  for (const b of quotedBanks) {
    const r = replays.get(b);
    const missing = r?.missing.get(index);
    if (r === undefined || missing === undefined) continue;
    const st = r.registers.get(index);
    results.push({
      register: name,
      bank: b,
      index,
      status: 'mismatch',
      expected: target.expected.get(b)!.get(index)!,
      replayed: st?.value ?? initialValue(log, b, index),
      events: st?.events ?? [],
    });
    ledger.fail(
      id,
      `${name}: ${missing.length} event(s) extending it carry no ${b} digest (first: event ${missing[0]}), so the ${b} replay cannot account for them`,
      { register: name, bank: b, missingDigestEvents: missing, events },
    );
    return;
  }

  const banksDetail: Record<string, { expected: string; actual: string; match: boolean }> = {};
  const mismatching: HashAlg[] = [];
  const uncompared: PcrBankName[] = [];
  let compared = 0;
  for (const b of quotedBanks) {
    const exp = target.expected.get(b)!.get(index)!;
    const r = replays.get(b);
    if (r === undefined) {
      uncompared.push(b);
      continue;
    }
    const st = r.registers.get(index);
    const actual = st?.value ?? initialValue(log, b, index);
    const match = equalBytes(actual, exp);
    compared++;
    banksDetail[b] = { expected: toHex(exp), actual: toHex(actual), match };
    results.push({
      register: name,
      bank: b,
      index,
      status: match ? 'match' : 'mismatch',
      expected: exp,
      replayed: actual,
      events: st?.events ?? [],
    });
    if (!match) mismatching.push(b);
  }
  if (compared === 0) {
    ledger.skip(
      id,
      `${name}: the log has no digests in the supplied bank(s) ${quotedBanks.join(', ')}`,
      { register: name, banks: quotedBanks },
    );
    return;
  }
  // The register is verified in the strongest bank supplied for it, or not at all: a log that
  // carries only SHA-1 digests must not turn a supplied SHA-256 (or SM3) value into a SHA-1
  // check — neither by a strict match nor through a workaround.
  uncompared.push(...((target.uncomputable.get(index) ?? []) as PcrBankName[]));
  const size = (b: string): number => (b === 'sm3_256' ? 32 : BANK_SIZES[b as HashAlg]);
  const strongest = Math.max(...quotedBanks.map(size), ...uncompared.map(size));
  const weakOnly = !Object.keys(banksDetail).some((b) => size(b) === strongest);
  if (weakOnly && mismatching.length === 0) {
    ledger.skip(
      id,
      `${name} matches in ${Object.keys(banksDetail).join(', ')}, but the log has no ${uncompared.join(', ')} digests: the supplied ${uncompared.join(', ')} value was not checked (supply only the banks to compare)`,
      { register: name, banks: banksDetail, uncomparedBanks: uncompared, events },
    );
    return;
  }
  if (mismatching.length === 0) {
    verifiedRegisters.add(index);
    const weaker =
      uncompared.length > 0
        ? `; the log has no ${uncompared.join(', ')} digests (a weaker bank: not compared)`
        : '';
    ledger.pass(
      id,
      (events.length === 0
        ? `${name} is not extended by the log and holds its initial value`
        : `${name} matches the replay of ${events.length} event(s) (${Object.keys(banksDetail).join(', ')})`) +
        weaker,
      {
        register: name,
        banks: banksDetail,
        events,
        ...(uncompared.length > 0 ? { uncomparedBanks: uncompared } : {}),
      },
    );
    return;
  }

  // Strict replay failed: try the workarounds (never to verify a register in a weaker bank
  // alone), then describe the failure.
  for (const w of weakOnly ? [] : WORKAROUNDS) {
    const fixed = mismatching.map((b) => ({ b, v: w.replay(log, b, index) }));
    if (fixed.some((f) => f.v === undefined)) continue;
    if (!fixed.every((f) => equalBytes(f.v!, target.expected.get(f.b)!.get(index)!))) continue;
    if (allowed.has(w.id)) {
      for (const f of fixed) {
        const rr = results.findIndex((x) => x.register === name && x.bank === f.b);
        if (rr >= 0) results[rr] = { ...results[rr]!, status: 'workaround', workaround: w.id };
      }
      applied.push({ id: w.id, register: name });
      verifiedRegisters.add(index);
      ledger.warn(id, `${name} matches only with workaround "${w.id}" (${w.description})`, {
        register: name,
        workaround: w.id,
        banks: banksDetail,
        events,
      });
      return;
    }
    const b0 = mismatching[0]!;
    ledger.fail(
      id,
      `${name} does not match the replay; it would match with workaround "${w.id}" (${w.description}), which is not allowed`,
      {
        register: name,
        bank: b0,
        expected: banksDetail[b0]!.expected,
        actual: banksDetail[b0]!.actual,
        banks: banksDetail,
        events,
        workaround: w.id,
      },
    );
    return;
  }
  const b0 = mismatching[0]!;
  const where =
    events.length === 0
      ? {}
      : locateBreak(log, b0, index, target.expected.get(b0)!.get(index)!, budget);
  const logged = eventsOf(log);
  const suspects = events.filter((i) => logged[i]?.digestCheck === 'mismatch');
  ledger.fail(
    id,
    events.length === 0
      ? `${name} (${b0}) is quoted as ${banksDetail[b0]!.expected} but the log never extends it (initial value ${banksDetail[b0]!.actual})`
      : `${name} (${b0}) is quoted as ${banksDetail[b0]!.expected}, the log replays to ${banksDetail[b0]!.actual} from ${events.length} event(s)` +
          (where.firstBreakingEvent !== undefined
            ? `; first breaking event: ${where.firstBreakingEvent}`
            : ''),
    {
      register: name,
      bank: b0,
      expected: banksDetail[b0]!.expected,
      actual: banksDetail[b0]!.actual,
      banks: banksDetail,
      events,
      ...(where.firstBreakingEvent !== undefined
        ? { firstBreakingEvent: where.firstBreakingEvent, reason: where.reason }
        : {}),
      ...(suspects.length > 0 ? { suspectEvents: suspects } : {}),
    },
  );
}

/** What {@link checkEventDigests} found, for the verification result. */
interface EventDigestFindings {
  /** Digest-bound events whose digest in a compared bank is not the hash of their data. */
  readonly mismatches: number[];
  /** Other events the parse verified whose digest in a compared bank is not (the same). */
  readonly unbound: number[];
  /** Events matched under `variable-data` in a compared bank (name and GUID not bound). */
  readonly variableData: number[];
}

/**
 * Checks event digests against their data in each compared bank (each bank the caller supplied
 * values for; every computable bank when none). The parse checked one bank only: a log can carry
 * the true digest in the bank a quote covers and a forger's digest of other data in another.
 * Digest-bound events are checked in every compared bank; an event of another type only when the
 * parse found its digest to be the hash of its data, since only then does anything (a summary)
 * believe its content. Per event the weakest rule that matched across the compared banks is what
 * the quote binds: `variable-data` in any of them leaves the variable name unbound.
 *
 * A compared bank that is the parse's bank reuses the parse's answer (no hashing in the common
 * case of one compared bank).
 */
function checkEventDigests(
  log: EventLog,
  target: Target,
  window: PolicyWindow | undefined,
  ledger: Ledger<EventLogCheckId>,
): EventDigestFindings {
  const id = 'eventlog.event-digests';
  const none: EventDigestFindings = { mismatches: [], unbound: [], variableData: [] };
  if (log.kind === 'ima') {
    ledger.skip(id, 'IMA entries are checked by eventlog.ima.template-hashes');
    return none;
  }
  const banks: HashAlg[] = [...target.expected.keys()].filter((b) => log.banks.includes(b));
  if (banks.length === 0) for (const b of log.banks) if (isComputableBank(b)) banks.push(b);
  const mismatches: { event: number; type: string; bank: string }[] = [];
  // Events of a type that does not bind its data, whose parse bank said H(data) and a compared
  // bank says otherwise: one bank or the other is not what was measured.
  const unbound: { event: number; type: string; bank: string; parsedBank: string }[] = [];
  const variableData: number[] = [];
  const digesters = createDigesterSet();
  let checked = 0;
  for (const e of log.events) {
    const parseVerified = e.digestCheck === 'verified';
    // Not bound by its type and not believed by the parse: nothing reads its content as measured.
    if (e.digestCheck === 'not-data-derived') continue;
    const c = digestCandidates(e.type, e.data, e.decoded);
    if (c === undefined || (!c.bound && !parseVerified)) continue;
    // The parse already checked the preferred bank with these same candidates: reuse its answer.
    const parsedBank = preferredBank(e.digests);
    const parsed =
      e.digestCheck === 'verified' || e.digestCheck === 'mismatch' ? e.digestCheck : undefined;
    // With no digest in a compared bank, the parse's rule is all there is to go by.
    let byValueOnly = e.digestRule === 'variable-data';
    let compared = false;
    for (const b of banks) {
      const d = e.digests[b];
      if (d === undefined) continue;
      if (c.bound) checked++;
      if (!compared) byValueOnly = false;
      compared = true;
      const res =
        b === parsedBank && parsed !== undefined
          ? { check: parsed, rule: e.digestRule }
          : checkDigestAgainst(c, b, d, digesters);
      if (res.check === 'verified') {
        if (res.rule === 'variable-data') byValueOnly = true;
        continue;
      }
      if (c.bound) mismatches.push({ event: e.index, type: e.typeName, bank: b });
      else unbound.push({ event: e.index, type: e.typeName, bank: b, parsedBank: parsedBank! });
      byValueOnly = false;
      break;
    }
    if (byValueOnly) variableData.push(e.index);
  }
  // In the Secure Boot policy window (policy register, before its end).
  const policyRegister = policyRegisterOf(log);
  const inWindow = (event: number): boolean => {
    const e = log.events[event]!;
    const register = 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
    return window !== undefined && register === policyRegister && event < window.end;
  };
  const inPolicy = [...mismatches, ...unbound].filter((m) => inWindow(m.event));
  const list = (xs: readonly { event: number; type: string }[]): string =>
    xs
      .slice(0, 8)
      .map((m) => `${m.event} ${m.type}`)
      .join(', ');
  const detail = { mismatches, ...(unbound.length > 0 ? { unbound } : {}) };
  if (checked === 0 && unbound.length === 0) {
    ledger.skip(id, 'no digest-bound event has a digest in a bank attestkit computes');
  } else if (mismatches.length === 0 && unbound.length === 0) {
    ledger.pass(id, `${checked} digest-bound event digest(s) equal the hash of their data`);
  } else if (inPolicy.length > 0) {
    // In the Secure Boot policy window a mismatch is not a firmware quirk to live with: it would
    // let a log show another variable (another name, no PK) where the measured one was.
    ledger.fail(
      id,
      `${inPolicy.length} event(s) of the Secure Boot policy window have a digest that is not the hash of their data: ${list(inPolicy)}`,
      detail,
    );
  } else {
    // A warning, not a failure: digest-bound types that hash something else are firmware quirks
    // real logs have (spec-notes §9), and for other types a digest that is not H(data) is the
    // rule. What no honest log has is one bank = H(data) and another not for the same event: the
    // same measured bytes hash to H(data) in every bank or in none. Such an event (`unbound`) is
    // shown, and its content never counts as bound, but the registers it extends still verify.
    ledger.warn(
      id,
      [
        mismatches.length > 0
          ? `${mismatches.length} digest-bound event(s) have a digest that is not the hash of their data (their content cannot be trusted): ${list(mismatches)}`
          : '',
        unbound.length > 0
          ? `${unbound.length} event(s) whose digest is the hash of their data in ${unbound[0]!.parsedBank} but not in the compared bank ${unbound[0]!.bank} (their content is not what the quoted registers hold): ${list(unbound)}`
          : '',
      ]
        .filter((x) => x !== '')
        .join('; '),
      detail,
    );
  }
  return {
    mismatches: mismatches.map((m) => m.event),
    unbound: unbound.map((m) => m.event),
    variableData,
  };
}

function checkSeparators(log: EventLog, ledger: Ledger<EventLogCheckId>): void {
  const id = 'eventlog.separators';
  if (log.kind === 'ima') {
    ledger.skip(id, 'IMA lists have no separators');
    return;
  }
  const problems: { event: number; problem: string }[] = [];
  const warnings: { event?: number; problem: string }[] = [];
  const banks = log.banks.filter(isComputableBank);
  const sep = separatorDigests(banks);
  // The Secure Boot policy register (TCG PCR 7; CC MR 1, RTMR0, where PCRs 1 and 7 merge): its
  // separator ends the policy that summarizeBoot reports.
  const policyRegister = policyRegisterOf(log);
  let policyEnded = false;
  const counts = new Map<number, number>();
  const low = (e: TcgEvent | CcEvent): number => ('pcrIndex' in e ? e.pcrIndex : e.mrIndex);
  let separators = 0;
  for (const e of log.events) {
    if (e.type === EV.SEPARATOR) {
      const before = problems.length;
      separators++;
      counts.set(low(e), (counts.get(low(e)) ?? 0) + 1);
      if (e.decoded?.kind !== 'separator') {
        problems.push({
          event: e.index,
          problem: `separator data is ${e.data.length} bytes, not 4`,
        });
        continue;
      }
      if (e.decoded.isError)
        problems.push({
          event: e.index,
          problem: 'separator value 0xFFFFFFFF: the firmware reported an error',
        });
      else if (e.decoded.value !== 0 && !(log.kind === 'tcg' && low(e) >= 8)) {
        problems.push({
          event: e.index,
          problem: `separator value 0x${e.decoded.value.toString(16)} is neither 0 nor 0xFFFFFFFF`,
        });
      }
      for (const b of banks) {
        const d = e.digests[b];
        if (d !== undefined && !equalBytes(d, digest(b, e.data))) {
          problems.push({
            event: e.index,
            problem: `${b} digest is not the hash of the separator data`,
          });
          break;
        }
      }
      // Only a well-formed separator ends the policy (policy.ts reads its end from the digests):
      // a malformed one is a failure of its own, and a disguised separator after it is still one.
      if (low(e) === policyRegister && problems.length === before) policyEnded = true;
      continue;
    }
    if (log.kind === 'tcg' && low(e) > 7) continue;
    if (!isDisguisedSeparator(e, sep)) continue;
    if (low(e) === policyRegister && !policyEnded) {
      // Where it would end the Secure Boot policy: logged under another type, it would let later
      // events pass for policy (summarizeBoot ends the policy at it all the same). After the
      // policy register's separator it moves nothing: a warning, as elsewhere.
      policyEnded = true;
      problems.push({
        event: e.index,
        problem: `${e.typeName} in the Secure Boot policy register carries a separator digest (a separator disguised as another type)`,
      });
    } else {
      // A real firmware (go-tpm-tools glinux-alex.bin, a Boot Guard FIT entry) measures four zero
      // bytes as EV_S_CRTM_CONTENTS into PCR 0, so elsewhere this is a warning, not a failure.
      warnings.push({
        event: e.index,
        problem: `${e.typeName} carries a separator digest (a separator disguised as another type?)`,
      });
    }
  }
  if (log.kind === 'tcg') {
    for (let p = 0; p <= 7; p++) {
      const c = counts.get(p) ?? 0;
      if (c > 1) warnings.push({ problem: `PCR ${p} has ${c} separators` });
    }
  }
  if (problems.length > 0) {
    ledger.fail(
      id,
      `${problems.length} separator problem(s): ${problems
        .slice(0, 4)
        .map((p) => `event ${p.event}: ${p.problem}`)
        .join('; ')}`,
      { problems, warnings },
    );
  } else if (warnings.length > 0) {
    ledger.warn(
      id,
      warnings
        .map((w) => (w.event !== undefined ? `event ${w.event}: ${w.problem}` : w.problem))
        .join('; '),
      { warnings },
    );
  } else if (separators === 0) {
    ledger.skip(id, 'the log has no separators');
  } else {
    ledger.pass(id, `${separators} separator(s) with type, data and digest as the PFP requires`);
  }
}

function checkAfterSeparator(log: EventLog, ledger: Ledger<EventLogCheckId>): void {
  const id = 'eventlog.after-separator';
  if (log.kind !== 'tcg') {
    ledger.skip(
      id,
      log.kind === 'ima'
        ? 'not applicable to IMA lists'
        : 'a CC log merges PCRs into MRs; the PCR 0–7 rule does not apply',
    );
    return;
  }
  const sep = new Set<number>();
  const flagged: { event: number; pcr: number; type: string }[] = [];
  let after = 0;
  for (const e of log.events) {
    if (e.pcrIndex > 7 || e.type === EV.NO_ACTION) continue;
    if (e.type === EV.SEPARATOR) {
      sep.add(e.pcrIndex);
      continue;
    }
    if (!sep.has(e.pcrIndex)) continue;
    after++;
    if (!ALLOWED_AFTER_SEPARATOR[e.pcrIndex]!.has(e.type))
      flagged.push({ event: e.index, pcr: e.pcrIndex, type: e.typeName });
  }
  if (sep.size === 0) {
    ledger.skip(id, 'the log has no separators in PCRs 0–7');
  } else if (flagged.length > 0) {
    ledger.warn(
      id,
      `${flagged.length} event(s) after the separator of PCRs 0–7 of a type the PFP does not place there: ${flagged
        .slice(0, 6)
        .map((f) => `${f.event} (PCR ${f.pcr} ${f.type})`)
        .join(', ')}`,
      { flagged },
    );
  } else {
    ledger.pass(
      id,
      `${after} event(s) after the separators of PCRs 0–7, all of types the PFP allows there`,
    );
  }
}

function checkDigestBinding(
  log: EventLog,
  window: PolicyWindow | undefined,
  ledger: Ledger<EventLogCheckId>,
): void {
  const id = 'eventlog.digest-binding';
  if (log.kind === 'ima') {
    ledger.skip(
      id,
      'IMA entries are bound by their template hashes (eventlog.ima.template-hashes)',
    );
    return;
  }
  const unbound = log.events
    .filter((e) => e.digestCheck === 'not-data-derived')
    .map((e) => e.index);
  const risky: { event: number; reason: string }[] = [];
  // Findings that let a log hide what was measured behind a type, which no digest covers.
  const misread: { event: number; reason: string }[] = [];
  for (const e of log.events) {
    if (e.type === EV.NO_ACTION) continue;
    const low = 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
    if (e.typeName.startsWith('EV_UNKNOWN'))
      risky.push({ event: e.index, reason: `unknown event type ${e.typeName}` });
    else if (log.kind === 'tcg' && low === 7 && !PCR7_TYPES.has(e.type)) {
      // A Secure Boot string (UEFI Debug Mode, DMA Protection Disabled) or variable logged as
      // EV_POST_CODE would vanish from the policy.
      misread.push({
        event: e.index,
        reason: `${e.typeName} in PCR 7, where only Secure Boot policy types belong`,
      });
    }
    // Data whose digest binds it (a digest-bound type of PCRs 0–7 or a CC log, or any event whose
    // digest is the hash of its data) but that does not decode as its type: a measured string or
    // structure logged under another type (an EFI action as a variable, a systemd command line as
    // an event tag) so that it reads as nothing. None of the real logs has an undecodable event.
    if (
      e.decodeError !== undefined &&
      (e.digestCheck === 'verified' ||
        ((log.kind === 'cc' || low <= 7) &&
          digestCandidates(e.type, e.data, e.decoded)?.bound === true))
    ) {
      misread.push({
        event: e.index,
        reason: `${e.typeName} data does not decode as that type (${e.decodeError})`,
      });
    }
  }
  // A Secure Boot policy variable logged under another type (policy.ts): the type is not covered
  // by the digest, and read by its type the variable would vanish from the policy.
  const variables = window?.variables ?? [];
  const retyped = [...variables, ...(window?.modeVariables ?? [])]
    .filter((p) => p.retyped)
    .map((p) => ({
      event: p.event.index,
      variable: p.variable.name,
      type: p.event.typeName,
    }));
  // Firmware measures each policy variable once before the separator (go-attestation refuses a
  // log that lists one twice): two values leave the policy ambiguous. AuditMode and DeployedMode
  // count wherever they are read from (the policy window or PCR 1): one in each is two values.
  const seen = new Map<string, number>();
  const duplicated: { event: number; variable: string; first: number }[] = [];
  for (const p of [...variables, ...(window?.modeVariables ?? [])]) {
    const key = `${p.variable.vendorGuid}/${p.variable.name}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, p.event.index);
    else duplicated.push({ event: p.event.index, variable: p.variable.name, first });
  }
  if (retyped.length > 0 || duplicated.length > 0 || misread.length > 0) {
    const parts = [
      misread.length > 0
        ? `${misread.length} event(s) whose type hides what they measure: ${misread
            .slice(0, 4)
            .map((m) => `${m.event}: ${m.reason}`)
            .join('; ')}`
        : '',
      retyped.length > 0
        ? `${retyped.length} Secure Boot policy variable(s) logged under another type than EV_EFI_VARIABLE_DRIVER_CONFIG: ${retyped
            .slice(0, 4)
            .map((r) => `${r.event} (${r.variable} as ${r.type})`)
            .join(', ')}`
        : '',
      duplicated.length > 0
        ? `policy variable(s) measured twice before the separator: ${duplicated
            .slice(0, 4)
            .map((d) => `${d.variable} (events ${d.first} and ${d.event})`)
            .join(', ')}`
        : '',
    ].filter((x) => x !== '');
    ledger.fail(id, parts.join('; '), {
      retyped,
      duplicated,
      misread,
      risky,
      notDataDerived: unbound,
    });
  } else if (risky.length > 0) {
    ledger.warn(
      id,
      `${risky.length} event(s) whose content is not bound where it matters: ${risky
        .slice(0, 4)
        .map((r) => `${r.event}: ${r.reason}`)
        .join('; ')}`,
      {
        risky,
        notDataDerived: unbound,
      },
    );
  } else {
    ledger.pass(
      id,
      `${unbound.length} event(s) hash data the log does not carry (only their digests are attested); none in a Secure Boot policy register`,
      {
        notDataDerived: unbound,
      },
    );
  }
}

function checkIma(log: EventLog, ledger: Ledger<EventLogCheckId>): void {
  if (log.kind !== 'ima') {
    ledger.skip('eventlog.ima.template-hashes', 'not an IMA list');
    ledger.skip('eventlog.ima.violations', 'not an IMA list');
    return;
  }
  const id = 'eventlog.ima.template-hashes';
  const alg = log.templateHashAlgorithm;
  const computable = isComputableBank(alg);
  const mismatches: number[] = [];
  // Entries with no template data (an ascii template attestkit cannot rebuild).
  const unchecked: number[] = [];
  // Entries whose template attestkit does not interpret: no file, no digest to show. The template
  // name is not covered by the template hash, so renaming one byte of it (ima-ng → ima-nx) would
  // otherwise make a measured file vanish from every summary while the hashes still match.
  const uninterpreted: number[] = [];
  const unknownTemplates = new Set<string>();
  // Entries whose template name labels a field holding an IMA signature as something other than
  // `sig` (ima-sig data relabelled ima-buf or d-ng|n-ng|buf): the name only labels fields after
  // the path, so the file and digest stay, but `signature` would lose it without a word.
  const hiddenSignatures: { entry: number; template: string; fields: readonly string[] }[] = [];
  // The opposite relabel: a `sig` field that holds no IMA signature header (an ima-buf buffer
  // relabelled ima-sig would show as the entry's `signature`, and its `buffer` would vanish).
  const notSignatures: { entry: number; template: string }[] = [];
  // Template hashes compared with their data: violations and entries without data are not.
  let checked = 0;
  const hasher = computable ? createDigester(alg) : undefined;
  for (const e of log.entries) {
    if (e.isViolation) continue;
    if (e.fileDigest === undefined || e.path === undefined) {
      uninterpreted.push(e.index);
      unknownTemplates.add(e.templateName);
    }
    if (e.templateData === undefined) {
      unchecked.push(e.index);
      continue;
    }
    if (e.templateName !== 'ima-ng' && e.templateName !== 'ima-sig') {
      const fields = imaHiddenSignatureFields(e.templateName, e.templateData);
      if (fields.length > 0)
        hiddenSignatures.push({ entry: e.index, template: e.templateName, fields });
    }
    if (e.signature !== undefined && e.signature.length > 0 && !isImaSignatureHeader(e.signature))
      notSignatures.push({ entry: e.index, template: e.templateName });
    if (hasher !== undefined) {
      checked++;
      if (!equalBytes(hasher.digest(e.templateData), e.templateHash)) mismatches.push(e.index);
    }
  }
  const entries = (xs: readonly number[]): string =>
    `${xs.length} entr${xs.length === 1 ? 'y' : 'ies'}`;
  const parts: string[] = [];
  if (mismatches.length > 0) {
    parts.push(
      `${entries(mismatches)} whose template hash is not the ${alg} of the template data (the listed file and digest are not what was extended): ${mismatches.slice(0, 8).join(', ')}`,
    );
  }
  if (uninterpreted.length > 0) {
    const names = [...unknownTemplates].slice(0, 4).map((t) => JSON.stringify(t));
    parts.push(
      `${entries(uninterpreted)} of template ${names.join(', ')}, whose fields attestkit does not read${log.format === 'ascii' && unknownTemplates.has('evm-sig') ? ' (it reads evm-sig from binary lists only)' : ''}: their file and digest cannot be shown, and the template name is not covered by the template hash: ${uninterpreted.slice(0, 8).join(', ')}`,
    );
  }
  if (parts.length > 0) {
    ledger.fail(id, parts.join('; '), {
      mismatches,
      unchecked,
      uninterpreted,
      unknownTemplates: [...unknownTemplates],
      ...(hiddenSignatures.length > 0 ? { hiddenSignatures } : {}),
      ...(notSignatures.length > 0 ? { notSignatures } : {}),
    });
  } else if (hiddenSignatures.length > 0 || notSignatures.length > 0) {
    const hs = hiddenSignatures.map((h) => h.entry);
    const ns = notSignatures.map((h) => h.entry);
    const said = [
      hs.length > 0 &&
        `${entries(hs)} hold an IMA signature in a field their template name (not covered by the template hash) does not call \`sig\`, so it is not shown as their signature: ${hs.slice(0, 8).join(', ')}`,
      ns.length > 0 &&
        `${entries(ns)} show as their signature a \`sig\` field with no IMA signature header (type 3 or 6; a relabelled template name?): ${ns.slice(0, 8).join(', ')}`,
    ];
    ledger.warn(
      id,
      `${said.filter((x) => x !== false).join('; ')}${computable ? '' : ` (template hashes use ${alg}, which attestkit does not compute)`}`,
      { hiddenSignatures, notSignatures },
    );
  } else if (!computable) {
    ledger.skip(id, `template hashes use ${alg}, which attestkit does not compute`);
  } else if (checked === 0) {
    // Skip is never pass: nothing was compared (every entry a violation, or without data).
    ledger.skip(id, 'no template hash compared (violations or no template data)');
  } else {
    const rest = log.entries.length - checked;
    ledger.pass(
      id,
      `${checked} template hash(es) match their template data${rest > 0 ? `; ${rest} not checked (violations, no template data)` : ''}`,
      { checked },
    );
  }
  const violations = log.entries.filter((e) => e.isViolation).map((e) => e.index);
  if (violations.length > 0) {
    ledger.warn(
      'eventlog.ima.violations',
      `${violations.length} violation(s) (file measured while open for write, or ToMToU): ${violations.slice(0, 8).join(', ')}`,
      { violations },
    );
  } else {
    ledger.pass('eventlog.ima.violations', 'no violations');
  }
}
