/**
 * @module
 * PCR values against a signed selection: the supplied {@link PcrBanks} must be exactly the set
 * a TPML_PCR_SELECTION selects, and `pcrDigest = H(values in selection order)` where H is the
 * signing scheme's hash (TPM 2.0 Library Part 3 rev 1.59 §18.4 TPM2_Quote, Part 1 §17.6.2).
 */
import { concatBytes } from '../core/bytes.js';
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
  for (const [bank, values] of Object.entries(pcrs)) {
    if (values === undefined) continue;
    if (!isPcrBankName(bank)) throw new TypeError(`unknown PCR bank "${bank}"`);
    if (typeof values !== 'object' || values === null) {
      throw new TypeError(`pcrs.${bank} must be an object: index → digest`);
    }
    const m = new Map<number, Uint8Array>();
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
      const index = Number(k);
      if (!Number.isSafeInteger(index) || index < 0 || String(index) !== k) {
        throw new TypeError(`pcrs.${bank} has a non-integer index "${k}"`);
      }
      assertInputBytes(v, `pcrs.${bank}[${k}]`);
      m.set(index, v);
    }
    out.set(bank, m);
  }
  return out;
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
  const selected = new Set<string>();
  const unsupportedBanks: string[] = [];
  for (const s of selection) {
    if (!isPcrBankName(s.hash)) {
      unsupportedBanks.push(s.hash ?? `0x${s.hashAlg.toString(16)}`);
      continue;
    }
    for (const p of s.pcrs) selected.add(`${s.hash}:${p}`);
  }
  const extra: string[] = [];
  const wrongSize: string[] = [];
  const given = new Set<string>();
  for (const [bank, values] of supplied) {
    for (const [index, value] of values) {
      const id = `${bank}:${index}`;
      given.add(id);
      if (!selected.has(id)) extra.push(id);
      else if (value.length !== TPM_HASH_SIZES[bank]) wrongSize.push(id);
    }
  }
  const missing = [...selected].filter((id) => !given.has(id));
  return { extra, missing, wrongSize, unsupportedBanks };
}

/**
 * `H(values)` over the selection in TPM order (selection by selection, ascending PCR index;
 * a bank listed twice contributes twice). Call only after {@link compareSelection} found an exact
 * match.
 *
 * @internal
 */
export function computePcrDigest(
  selection: readonly TpmsPcrSelection[],
  supplied: Map<PcrBankName, Map<number, Uint8Array>>,
  hash: TpmComputableHash,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of selection) {
    const bank = supplied.get(s.hash as PcrBankName);
    for (const p of s.pcrs) {
      const v = bank?.get(p);
      if (v !== undefined) parts.push(v);
    }
  }
  return digest(hash, concatBytes(...parts));
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
      (out[s.hash] ??= {})[p] = concatBytes(v);
    }
  }
  return out;
}
