/**
 * @module
 * PCR values against a signed selection: the supplied {@link PcrBanks} must be exactly the set
 * a TPML_PCR_SELECTION selects, and `pcrDigest = H(values in selection order)` where H is the
 * signing scheme's hash (TPM 2.0 Library Part 3 rev 1.59 §18.4 TPM2_Quote, Part 1 §17.6.2).
 */
import { assertInputBytes } from './structures.js';
import { TPM_HASH_SIZES, TPM_MAX_PCR_SELECT } from './constants.js';
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

/** The highest PCR index a TPMS_PCR_SELECTION can select (32-byte bitmaps, see structures.ts). */
const MAX_SELECTABLE = 8 * TPM_MAX_PCR_SELECT - 1;

/**
 * One bank of caller-supplied PCRs, read once: `values[i]` is PCR i (holes for PCRs not
 * supplied); indices above {@link MAX_SELECTABLE}, which no selection can cover, are kept apart.
 *
 * @internal
 */
export interface SuppliedBank {
  readonly bank: PcrBankName;
  readonly values: (Uint8Array | undefined)[];
  readonly beyond: readonly { readonly index: number; readonly value: Uint8Array }[];
  /** How many PCRs were supplied in this bank. */
  readonly count: number;
}

/** Caller-supplied PCRs, bank by bank in the caller's order: {@link normalizePcrBanks}. */
export type SuppliedPcrs = readonly SuppliedBank[];

/**
 * Validates the shape of caller-supplied PCR banks (a programming contract) and reads every value
 * once (a getter cannot answer differently later). Digest lengths are not checked here: a wrong
 * length is evidence, reported by the verifier.
 *
 * @throws {TypeError} for an unknown bank, a non-integer index or a non-Uint8Array value.
 *
 * @internal
 */
export function normalizePcrBanks(pcrs: PcrBanks): SuppliedPcrs {
  if (typeof pcrs !== 'object' || pcrs === null || Array.isArray(pcrs)) {
    throw new TypeError('pcrs must be an object: bank → index → digest');
  }
  const out: SuppliedBank[] = [];
  const banks = pcrs as Record<string, unknown>;
  for (const bank of Object.keys(banks)) {
    const byIndex = banks[bank];
    if (byIndex === undefined) continue;
    if (!isPcrBankName(bank)) throw new TypeError(`unknown PCR bank "${bank}"`);
    if (typeof byIndex !== 'object' || byIndex === null) {
      throw new TypeError(`pcrs.${bank} must be an object: index → digest`);
    }
    const values: (Uint8Array | undefined)[] = [];
    const beyond: { index: number; value: Uint8Array }[] = [];
    const keys = Object.keys(byIndex);
    for (const k of keys) {
      const v = (byIndex as Record<string, unknown>)[k];
      const index = canonicalIndex(k);
      if (index < 0) throw new TypeError(`pcrs.${bank} has a non-integer index "${k}"`);
      // The name is built only on failure (a warm verify calls this for every PCR).
      if (!(v instanceof Uint8Array) || v.length === 0) assertInputBytes(v, `pcrs.${bank}[${k}]`);
      if (index <= MAX_SELECTABLE) values[index] = v;
      else beyond.push({ index, value: v });
    }
    out.push({ bank, values, beyond, count: keys.length });
  }
  return out;
}

function suppliedBank(supplied: SuppliedPcrs, bank: PcrBankName): SuppliedBank | undefined {
  for (const b of supplied) if (b.bank === bank) return b;
  return undefined;
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
  supplied: SuppliedPcrs,
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
  for (const { bank, values, beyond } of supplied) {
    const set = selected.get(bank);
    const size = TPM_HASH_SIZES[bank];
    values.forEach((value, index) => {
      if (value === undefined) return;
      if (set === undefined || !set.has(index)) extra.push(`${bank}:${index}`);
      else if (value.length !== size) wrongSize.push(`${bank}:${index}`);
    });
    for (const { index } of beyond) extra.push(`${bank}:${index}`);
  }
  const missing: string[] = [];
  for (let i = 0; i < orderBank.length; i++) {
    const bank = orderBank[i]!;
    const p = orderPcr[i]!;
    if (suppliedBank(supplied, bank)?.values[p] === undefined) missing.push(`${bank}:${p}`);
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
  supplied: SuppliedPcrs,
): PcrSelectionMatch {
  let total = 0;
  let distinct = 0;
  let repeated = false;
  for (const s of selection) {
    const bank = s.hash;
    if (!isPcrBankName(bank)) return { comparison: compareSelection(selection, supplied) };
    const values = suppliedBank(supplied, bank)?.values;
    const size = TPM_HASH_SIZES[bank];
    const pcrs = s.pcrs;
    for (let i = 0; i < pcrs.length; i++) {
      const v = values?.[pcrs[i]!];
      if (v === undefined || v.length !== size)
        return { comparison: compareSelection(selection, supplied) };
      total += size;
      distinct++;
    }
    // A bank selected twice: the distinct count below must not count its PCRs twice.
    if (!repeated) for (const t of selection) if (t !== s && t.hash === bank) repeated = true;
  }
  let count = 0;
  for (const b of supplied) count += b.count;
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
    const values = suppliedBank(supplied, bank)!.values;
    const out = (selected[bank] ??= {});
    for (const p of s.pcrs) {
      const v = values[p]!;
      concatenated.set(v, at);
      // A view by constructor: `subarray` looks up a species constructor per call.
      out[p] = new Uint8Array(buffer, at, v.length);
      at += v.length;
    }
  }
  return { comparison: NO_PROBLEMS, concatenated, selected };
}
