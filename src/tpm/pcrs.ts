/**
 * @module
 * PCR values against a signed selection: the supplied {@link PcrBanks} must be exactly the set
 * a TPML_PCR_SELECTION selects, and `pcrDigest = H(values in selection order)` where H is the
 * signing scheme's hash (TPM 2.0 Library Part 3 rev 1.59 §18.4 TPM2_Quote, Part 1 §17.6.2).
 */
import { assertInputBytes } from './structures.js';
import { TPM_HASH_SIZES } from './constants.js';
import type { PcrBankName, PcrBanks, TpmsPcrSelection } from './types.js';

const BANKS: readonly PcrBankName[] = ['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'];

/**
 * True for the bank names {@link PcrBanks} allows.
 *
 * @internal
 */
export function isPcrBankName(v: unknown): v is PcrBankName {
  return typeof v === 'string' && (BANKS as readonly string[]).includes(v);
}

/**
 * Validates the shape of caller-supplied PCR banks (a programming contract) and returns them as
 * maps. Digest lengths are not checked here: a wrong length is evidence, reported by the verifier.
 *
 * @throws {TypeError} for an unknown bank, a non-integer index or a non-Uint8Array value.
 *
 * @internal
 */
export function normalizePcrBanks(pcrs: PcrBanks): Map<PcrBankName, Map<number, Uint8Array>> {
  if (typeof pcrs !== 'object' || pcrs === null || Array.isArray(pcrs)) {
    throw new TypeError('pcrs must be an object: bank → index → digest');
  }
  const out = new Map<PcrBankName, Map<number, Uint8Array>>();
  const banks = pcrs as Record<string, unknown>;
  for (const bank of Object.keys(banks)) {
    const values = banks[bank];
    if (values === undefined) continue;
    if (!isPcrBankName(bank)) throw new TypeError(`unknown PCR bank "${bank}"`);
    if (typeof values !== 'object' || values === null) {
      throw new TypeError(`pcrs.${bank} must be an object: index → digest`);
    }
    const m = new Map<number, Uint8Array>();
    const byIndex = values as Record<string, unknown>;
    for (const k of Object.keys(byIndex)) {
      const v = byIndex[k];
      const index = canonicalIndex(k);
      if (index < 0) throw new TypeError(`pcrs.${bank} has a non-integer index "${k}"`);
      // The name is built only on failure (a warm verify calls this for every PCR).
      if (!(v instanceof Uint8Array) || v.length === 0) assertInputBytes(v, `pcrs.${bank}[${k}]`);
      m.set(index, v);
    }
    out.set(bank, m);
  }
  return out;
}

/**
 * The value of `k` when it is the canonical decimal text of a safe non-negative integer ("7",
 * not "07", "7.0", " 7" or "1e1"), else −1.
 */
function canonicalIndex(k: string): number {
  const n = k.length;
  if (n === 0 || n > 16 || (n > 1 && k.charCodeAt(0) === 48)) return -1;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  const v = Number(k);
  return Number.isSafeInteger(v) ? v : -1;
}

/** Outcome of comparing supplied PCRs with a signed selection. */
export interface SelectionComparison {
  /** Supplied PCRs the selection does not cover (`bank:index`). */
  readonly extra: readonly string[];
  /** Selected PCRs without a supplied value. */
  readonly missing: readonly string[];
  /** Supplied values of the wrong size for their bank. */
  readonly wrongSize: readonly string[];
  /** Selections over banks that cannot be checked (unknown or SHA-3). */
  readonly unsupportedBanks: readonly string[];
}

/**
 * Compares supplied PCRs with the selection; all lists empty means they match exactly.
 *
 * @internal
 */
export function compareSelection(
  selection: readonly TpmsPcrSelection[],
  supplied: Map<PcrBankName, Map<number, Uint8Array>>,
): SelectionComparison {
  // Selected PCRs per bank, and their first-selection order (for `missing`).
  const selected = new Map<PcrBankName, Set<number>>();
  const orderBank: PcrBankName[] = [];
  const orderPcr: number[] = [];
  const unsupportedBanks: string[] = [];
  for (const s of selection) {
    const bank = s.hash;
    if (!isPcrBankName(bank)) {
      unsupportedBanks.push(bank ?? `0x${s.hashAlg.toString(16)}`);
      continue;
    }
    let set = selected.get(bank);
    if (set === undefined) {
      set = new Set<number>();
      selected.set(bank, set);
    }
    for (const p of s.pcrs) {
      if (set.has(p)) continue;
      set.add(p);
      orderBank.push(bank);
      orderPcr.push(p);
    }
  }
  const extra: string[] = [];
  const wrongSize: string[] = [];
  for (const [bank, values] of supplied) {
    const set = selected.get(bank);
    const size = TPM_HASH_SIZES[bank];
    for (const [index, value] of values) {
      if (set === undefined || !set.has(index)) extra.push(`${bank}:${index}`);
      else if (value.length !== size) wrongSize.push(`${bank}:${index}`);
    }
  }
  const missing: string[] = [];
  for (let i = 0; i < orderBank.length; i++) {
    const bank = orderBank[i]!;
    const p = orderPcr[i]!;
    if (supplied.get(bank)?.has(p) !== true) missing.push(`${bank}:${p}`);
  }
  return { extra, missing, wrongSize, unsupportedBanks };
}

/** Outcome of {@link matchPcrSelection}. */
export interface PcrSelectionMatch {
  /** The comparison; all lists empty means the supplied PCRs are exactly the selection. */
  readonly comparison: SelectionComparison;
  /**
   * Only on an exact match: the values in TPM order (selection by selection, ascending PCR
   * index; a bank listed twice contributes twice), concatenated into one fresh buffer — the
   * input of `pcrDigest = H(values)`.
   */
  readonly concatenated?: Uint8Array;
  /** Only on an exact match: the selected values, as views into `concatenated`. */
  readonly selected?: PcrBanks;
}

const NO_PROBLEMS: SelectionComparison = Object.freeze({
  extra: Object.freeze([]),
  missing: Object.freeze([]),
  wrongSize: Object.freeze([]),
  unsupportedBanks: Object.freeze([]),
});

/**
 * Compares supplied PCRs with a signed selection and, when they match exactly, copies the values
 * once, in TPM order, for the digest and the result. One walk of the selection in the usual case;
 * any difference falls back to {@link compareSelection} for the full lists.
 *
 * @internal
 */
export function matchPcrSelection(
  selection: readonly TpmsPcrSelection[],
  supplied: Map<PcrBankName, Map<number, Uint8Array>>,
): PcrSelectionMatch {
  let total = 0;
  let distinct = 0;
  let repeated = false;
  for (const s of selection) {
    const bank = s.hash;
    if (!isPcrBankName(bank)) return { comparison: compareSelection(selection, supplied) };
    const values = supplied.get(bank);
    const size = TPM_HASH_SIZES[bank];
    const pcrs = s.pcrs;
    for (let i = 0; i < pcrs.length; i++) {
      const v = values?.get(pcrs[i]!);
      if (v === undefined || v.length !== size)
        return { comparison: compareSelection(selection, supplied) };
      total += size;
      distinct++;
    }
    // A bank selected twice: the distinct count below must not count its PCRs twice.
    if (!repeated) for (const t of selection) if (t !== s && t.hash === bank) repeated = true;
  }
  let count = 0;
  for (const values of supplied.values()) count += values.size;
  if (repeated || count !== distinct) {
    const c = compareSelection(selection, supplied);
    if (c.extra.length + c.missing.length + c.wrongSize.length + c.unsupportedBanks.length > 0)
      return { comparison: c };
  }
  const concatenated = new Uint8Array(total);
  const buffer = concatenated.buffer;
  const selected: PcrBanks = {};
  let at = 0;
  for (const s of selection) {
    if (s.pcrs.length === 0) continue;
    const bank = s.hash as PcrBankName;
    const values = supplied.get(bank)!;
    const out = (selected[bank] ??= {});
    for (const p of s.pcrs) {
      const v = values.get(p)!;
      concatenated.set(v, at);
      // A view by constructor: `subarray` looks up a species constructor per call.
      out[p] = new Uint8Array(buffer, at, v.length);
      at += v.length;
    }
  }
  return { comparison: NO_PROBLEMS, concatenated, selected };
}
