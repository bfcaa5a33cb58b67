/**
 * @module
 * PCR values against a signed selection: the supplied {@link PcrBanks} must be exactly the set
 * a TPML_PCR_SELECTION selects, and `pcrDigest = H(values in selection order)` where H is the
 * signing scheme's hash (TPM 2.0 Library Part 3 rev 1.59 §18.4 TPM2_Quote, Part 1 §17.6.2).
 */
import { assertInputBytes } from './structures.js';
import { digest } from '../core/crypto.js';
import { TPM_HASH_SIZES, type TpmComputableHash } from './constants.js';
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

/**
 * `H(values)` over the selection in TPM order (selection by selection, ascending PCR index;
 * a bank listed twice contributes twice). Call only after {@link compareSelection} found an exact
 * match. The values are concatenated first: one hash over one buffer costs less than an update
 * per 20–64-byte value.
 *
 * @internal
 */
export function computePcrDigest(
  selection: readonly TpmsPcrSelection[],
  supplied: Map<PcrBankName, Map<number, Uint8Array>>,
  hash: TpmComputableHash,
): Uint8Array {
  let total = 0;
  for (const s of selection) {
    const bank = supplied.get(s.hash as PcrBankName);
    for (const p of s.pcrs) total += bank?.get(p)?.length ?? 0;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const s of selection) {
    const bank = supplied.get(s.hash as PcrBankName);
    for (const p of s.pcrs) {
      const v = bank?.get(p);
      if (v !== undefined) {
        data.set(v, at);
        at += v.length;
      }
    }
  }
  return digest(hash, data);
}

/**
 * The selected PCR values only, as fresh {@link PcrBanks}.
 *
 * @internal
 */
export function selectedPcrs(
  selection: readonly TpmsPcrSelection[],
  supplied: Map<PcrBankName, Map<number, Uint8Array>>,
): PcrBanks {
  const out: PcrBanks = {};
  for (const s of selection) {
    if (!isPcrBankName(s.hash)) continue;
    const from = supplied.get(s.hash);
    for (const p of s.pcrs) {
      const v = from?.get(p);
      if (v === undefined) continue;
      (out[s.hash] ??= {})[p] = new Uint8Array(v);
    }
  }
  return out;
}
