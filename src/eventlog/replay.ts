/**
 * @module
 * `replayEventLog`: folds extend (`R = H(R ‖ measurement)`) over a log's events, per bank, from
 * the registers' initial values (PFP 1.06 §3.3.4: PCR 0 starts at the startup locality — 0, 3, or
 * 4 after an H-CRTM sequence — PCRs 17–22 at all 0xFF, the rest at zero; RTMRs and REMs at zero).
 * EV_NO_ACTION is never extended. IMA lists extend PCR 10 with the template hash of each entry
 * (all 0xFF for a violation), hashed with the bank's own algorithm on current kernels.
 */
import { createDigester, digest, type Digester, type HashAlg } from '../core/crypto.js';
import { EV } from './constants.js';
import { COMPUTABLE_BANKS, isComputableBank } from './digest-rules.js';
import type {
  EventLog,
  ImaLog,
  PcrBankName,
  PcrBanks,
  ReplayOptions,
  ReplayResult,
} from './types.js';

/** Digest size of each computable bank. */
export const BANK_SIZES: Readonly<Record<HashAlg, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** One extend operation: which register, fed by which event. */
export interface ExtendOp {
  readonly event: number;
  readonly register: number;
}

/** A reusable `H(register ‖ measurement)`: one hasher per bank, reset per extend. */
export function makeExtender(
  alg: HashAlg,
): (register: Uint8Array, measurement: Uint8Array) => Uint8Array {
  const d = createDigester(alg);
  return (register, measurement) => d.extend(register, measurement);
}

/** The value a register holds before the log's first extend. */
export function initialValue(log: EventLog, bank: HashAlg, register: number): Uint8Array {
  const size = BANK_SIZES[bank];
  const v = new Uint8Array(size);
  if (log.kind === 'cc') return v;
  if (register >= 17 && register <= 22) return v.fill(0xff);
  if (register === 0 && log.kind === 'tcg') {
    const locality = log.hcrtmEventIndex !== undefined ? 4 : (log.startupLocality ?? 0);
    v[size - 1] = locality;
  }
  return v;
}

/** The register an event extends, or undefined when it extends none. */
export function registerOf(log: EventLog, index: number): number | undefined {
  if (log.kind === 'ima') return log.entries[index]!.pcrIndex;
  if (log.kind === 'cc') {
    const e = log.events[index]!;
    return e.type === EV.NO_ACTION ? undefined : e.registerIndex;
  }
  const e = log.events[index]!;
  return e.type === EV.NO_ACTION ? undefined : e.pcrIndex;
}

/** Number of events / entries in a log. */
export function eventCount(log: EventLog): number {
  return log.kind === 'ima' ? log.entries.length : log.events.length;
}

const ALL_FF: Readonly<Record<HashAlg, Uint8Array>> = {
  sha1: new Uint8Array(20).fill(0xff),
  sha256: new Uint8Array(32).fill(0xff),
  sha384: new Uint8Array(48).fill(0xff),
  sha512: new Uint8Array(64).fill(0xff),
};

/**
 * The measurement an event extends into `bank`, or undefined when the log has none for that bank
 * (a missing digest, or an IMA entry whose template data could not be rebuilt).
 * `imaPaddedSha1` selects the legacy-kernel rule (every bank extended with the SHA-1 template
 * hash, zero-padded).
 */
export function measurementOf(
  log: EventLog,
  index: number,
  bank: HashAlg,
  imaPaddedSha1 = false,
  hasher?: Digester,
): Uint8Array | undefined {
  if (log.kind !== 'ima') return log.events[index]!.digests[bank];
  const e = log.entries[index]!;
  if (imaPaddedSha1) {
    // Kernels before 5.8 extend every bank with the 20-byte SHA-1 template hash, zero-padded
    // (a violation's 0xFF fills those 20 bytes only).
    if (log.templateHashAlgorithm !== 'sha1') return undefined;
    const out = new Uint8Array(BANK_SIZES[bank]);
    if (e.isViolation) out.fill(0xff, 0, 20);
    else out.set(e.templateHash.subarray(0, Math.min(out.length, e.templateHash.length)));
    return out;
  }
  if (e.isViolation) return ALL_FF[bank];
  if (bank === log.templateHashAlgorithm && e.templateHash.length === BANK_SIZES[bank])
    return e.templateHash;
  if (e.templateData === undefined) return undefined;
  return hasher !== undefined ? hasher.digest(e.templateData) : digest(bank, e.templateData);
}

/** Banks a log can be replayed in by default. */
export function defaultBanks(log: EventLog): PcrBankName[] {
  if (log.kind === 'ima') {
    return isComputableBank(log.templateHashAlgorithm)
      ? [log.templateHashAlgorithm]
      : ['sha1', 'sha256'];
  }
  return log.banks.filter(isComputableBank);
}

function imaBankReplayable(log: ImaLog, bank: HashAlg): boolean {
  if (bank === log.templateHashAlgorithm) return true;
  return log.entries.every((e) => e.isViolation || e.templateData !== undefined);
}

/** Measurements handed to `Digester.extendChain` per call when replaying an IMA list's listed bank. */
const IMA_CHUNK = 1024;

/** One register's replay in one bank, with the events that fed it (when tracked). */
export interface RegisterReplay {
  initial: Uint8Array;
  value: Uint8Array;
  events: number[];
}

/**
 * Per-register replay of one bank. `missing`: per register, the events that extend it but carry
 * no digest in the bank, so the replay could not account for them (always tracked: a
 * TCG_PCR_EVENT2 carries one digest per bank the log declares, PFP 1.06 §10.2.2, and an event
 * without one would otherwise pass unseen when that bank is the one compared).
 */
export interface BankReplay {
  readonly bank: HashAlg;
  readonly registers: Map<number, RegisterReplay>;
  readonly missing: Map<number, number[]>;
}

/**
 * Replays one bank; returns undefined when the log lacks the data to do it. `trackEvents: false`
 * leaves every register's `events` empty, for callers that need only the values (an IMA list
 * would otherwise collect 100 000 indices nobody reads).
 */
export function replayBank(
  log: EventLog,
  bank: HashAlg,
  imaPaddedSha1 = false,
  trackEvents = true,
): BankReplay | undefined {
  if (log.kind === 'ima' && !imaPaddedSha1 && !imaBankReplayable(log, bank)) return undefined;
  if (log.kind === 'ima' && imaPaddedSha1 && log.templateHashAlgorithm !== 'sha1') return undefined;
  if (log.kind !== 'ima' && !log.banks.includes(bank)) return undefined;
  // Registers are extended in place (a copy of the initial value each): no allocation per extend.
  const hasher = createDigester(bank);
  const registers = new Map<number, RegisterReplay>();
  const missing = new Map<number, number[]>();
  if (log.kind === 'cc') {
    for (let i = 0; i < 4; i++) {
      const z = initialValue(log, bank, i);
      registers.set(i, { initial: z, value: z.slice(), events: [] });
    }
  }
  const n = eventCount(log);
  const stateOf = (reg: number): RegisterReplay => {
    let st = registers.get(reg);
    if (st === undefined) {
      const init = initialValue(log, bank, reg);
      st = { initial: init, value: init.slice(), events: [] };
      registers.set(reg, st);
    }
    return st;
  };
  if (log.kind === 'ima' && !imaPaddedSha1 && bank === log.templateHashAlgorithm) {
    // The listed template hashes are the measurements: an IMA list extends one PCR 100 000 times,
    // so runs of entries for one register are extended by one digester call per chunk (a small
    // reused array: one array of 100 000 would be garbage the size of a large object per replay).
    const entries = log.entries;
    const chunk: Uint8Array[] = [];
    for (let i = 0; i < n;) {
      const reg = entries[i]!.pcrIndex;
      const st = stateOf(reg);
      const start = i;
      chunk.length = 0;
      for (; i < n && entries[i]!.pcrIndex === reg; i++) {
        const e = entries[i]!;
        chunk.push(e.isViolation ? ALL_FF[bank] : e.templateHash);
        if (chunk.length === IMA_CHUNK) {
          hasher.extendChain(st.value, chunk);
          chunk.length = 0;
        }
      }
      hasher.extendChain(st.value, chunk);
      if (trackEvents) for (let k = start; k < i; k++) st.events.push(k);
    }
    return { bank, registers, missing };
  }
  // Keep the last register's state at hand (consecutive events often extend the same one).
  let lastReg = -1;
  let st: RegisterReplay | undefined;
  for (let i = 0; i < n; i++) {
    const reg = registerOf(log, i);
    if (reg === undefined) continue;
    const m = measurementOf(log, i, bank, imaPaddedSha1, hasher);
    if (m === undefined) {
      const list = missing.get(reg);
      if (list === undefined) missing.set(reg, [i]);
      else list.push(i);
      continue;
    }
    if (reg !== lastReg || st === undefined) {
      st = stateOf(reg);
      lastReg = reg;
    }
    hasher.extendInPlace(st.value, m);
    if (trackEvents) st.events.push(i);
  }
  return { bank, registers, missing };
}

/**
 * The value of one register after each event that extends it (for locating the event that
 * breaks a match).
 */
export function traceRegister(
  log: EventLog,
  bank: HashAlg,
  register: number,
  measurements: (i: number) => Uint8Array | undefined,
): {
  readonly initial: Uint8Array;
  readonly steps: readonly { readonly event: number; readonly value: Uint8Array }[];
} {
  const ext = makeExtender(bank);
  const initial = initialValue(log, bank, register);
  let value = initial;
  const steps: { event: number; value: Uint8Array }[] = [];
  const n = eventCount(log);
  for (let i = 0; i < n; i++) {
    if (registerOf(log, i) !== register) continue;
    const m = measurements(i);
    if (m === undefined) continue;
    value = ext(value, m);
    steps.push({ event: i, value });
  }
  return { initial, steps };
}

function checkLog(log: unknown): asserts log is EventLog {
  if (typeof log !== 'object' || log === null)
    throw new TypeError('log must be a parsed event log');
  const k = (log as { kind?: unknown }).kind;
  if (k !== 'tcg' && k !== 'cc' && k !== 'ima') {
    throw new TypeError('log must come from parseTcgEventLog, parseCcEventLog or parseImaLog');
  }
}

/**
 * Replays a parsed log into register values (TCG PC Client PFP 1.06 §3.3.4, §10.2; TDX GHCI §4.4;
 * Linux IMA). Pure: no verification happens here — compare the result with quoted values, or use
 * {@link verifyEventLog}, which does that and names the events behind a mismatch.
 *
 * Exported from `attestkit/eventlog`.
 *
 * @param log - a log from `parseTcgEventLog`, `parseCcEventLog` or `parseImaLog`.
 * @param options - `banks` to replay (default: the log's computable banks; IMA: the listed
 *   template-hash bank).
 * @returns `{ registers }`: TCG/IMA registers the log extends; CC: RTMR/REM 0–3 (bank `sha384`
 *   for TDX).
 * @throws {TypeError} when `log` is not a parsed log or a bank name is unknown.
 * @example
 * ```ts
 * const { registers } = replayEventLog(parseTcgEventLog(bytes));
 * console.log(toHex(registers.sha256![7]!));
 * ```
 */
export function replayEventLog(log: EventLog, options: ReplayOptions = {}): ReplayResult {
  checkLog(log);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const requested = options.banks ?? defaultBanks(log);
  for (const b of requested) {
    if (!['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'].includes(b))
      throw new TypeError(`unknown bank ${String(b)}`);
  }
  const registers: PcrBanks = {};
  const initial: PcrBanks = {};
  const unreplayedBanks: string[] = [];
  const incomplete: { bank: PcrBankName; register: number; events: number[] }[] = [];
  for (const b of requested) {
    if (!isComputableBank(b)) {
      unreplayedBanks.push(b);
      continue;
    }
    const rep = replayBank(log, b, false, false);
    if (rep === undefined) {
      unreplayedBanks.push(b);
      continue;
    }
    const regs: Record<number, Uint8Array> = {};
    const init: Record<number, Uint8Array> = {};
    for (const [idx, st] of [...rep.registers.entries()].sort((x, y) => x[0] - y[0])) {
      regs[idx] = st.value;
      init[idx] = st.initial;
    }
    for (const [idx, events] of [...rep.missing.entries()].sort((x, y) => x[0] - y[0]))
      incomplete.push({ bank: b, register: idx, events });
    registers[b] = regs;
    initial[b] = init;
  }
  if (log.kind !== 'ima' && options.banks === undefined) {
    for (const b of log.banks) if (!isComputableBank(b)) unreplayedBanks.push(b);
    for (const a of log.unknownAlgorithms) unreplayedBanks.push(a.name);
  }
  return { registers, initial, unreplayedBanks, incomplete };
}

export { COMPUTABLE_BANKS };
