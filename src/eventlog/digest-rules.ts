/**
 * @module
 * Which events are digest-bound — their digest must be a hash of their own data, so their content
 * can be trusted once the replay matches — and under which rule (PFP 1.06 §10.4.4, spec-notes
 * §4/§7): separators, EV_ACTION / EV_EFI_ACTION strings, driver-config variables, boot variables
 * (VariableData only on edk2-derived firmware, the whole structure elsewhere), authorities, GPT,
 * S-CRTM version, GRUB commands and command lines (without prefix, with or without the NUL) and
 * systemd-boot command lines (the whole data; an odd-length one ending in 0x00 also with the zero
 * byte that completes its terminating UTF-16 NUL, rule `event-data`). Everything else hashes something the
 * log does not carry.
 *
 * This is the defence against go-attestation's event-log disclosure (GHSA-… 2022): a verifier must
 * not believe the content of an event whose type does not bind it.
 */
import { createDigester, digest, type Digester, type HashAlg } from '../core/crypto.js';
import { equalBytes } from '../core/encoding.js';
import { EV } from './constants.js';
import { latin1Bytes } from './text.js';
import type { DecodedEventData, DigestCheck, DigestRule, PcrBankName } from './types.js';

/** The byte strings an event's digest may be the hash of, and whether a mismatch is a finding. */
export interface DigestCandidates {
  /** True when the type requires digest == H(one of the candidates). */
  readonly bound: boolean;
  readonly candidates: readonly { readonly rule: DigestRule; readonly bytes: Uint8Array }[];
}

const ALWAYS_BOUND = new Set<number>([
  EV.SEPARATOR,
  EV.ACTION,
  EV.EFI_ACTION,
  EV.EFI_VARIABLE_DRIVER_CONFIG,
  EV.EFI_VARIABLE_BOOT2,
  EV.EFI_GPT_EVENT,
  EV.EFI_GPT_EVENT2,
  EV.S_CRTM_VERSION,
]);

/** `bytes` followed by one zero byte. */
function plusNul(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/** Hash algorithms attestkit computes, by bank name. */
export const COMPUTABLE_BANKS: readonly PcrBankName[] = ['sha1', 'sha256', 'sha384', 'sha512'];

/** True when attestkit can compute the bank's hash. */
export function isComputableBank(bank: string): bank is HashAlg {
  return bank === 'sha1' || bank === 'sha256' || bank === 'sha384' || bank === 'sha512';
}

/**
 * The candidate preimages of an event's digest (PFP 1.06 §10.4.4; spec-notes §4/§7). Each is
 * fixed by the logged bytes: the data, the VariableData of a boot variable, a GRUB string's text
 * after its prefix (with or without a NUL), or an odd-length UTF-16 systemd-boot command line
 * whose last byte is 0x00, followed by one zero byte (systemd-boot logged one byte short and
 * hashed the whole terminating NUL: the Arch logs), reported as `event-data`.
 *
 * @param type - event type.
 * @param data - event data.
 * @param decoded - the decoded data, when it decoded.
 * @returns candidates, or undefined for EV_NO_ACTION (never extended).
 * @example
 * ```ts
 * digestCandidates(EV.EFI_ACTION, data, decoded)?.bound; // true
 * ```
 */
export function digestCandidates(
  type: number,
  data: Uint8Array,
  decoded: DecodedEventData | undefined,
): DigestCandidates | undefined {
  if (type === EV.NO_ACTION) return undefined;
  const whole = { rule: 'event-data' as const, bytes: data };
  if (ALWAYS_BOUND.has(type)) return { bound: true, candidates: [whole] };
  // edk2 hashes only the VariableData of boot variables, so their name and GUID are not bound
  // (summarizeBoot treats such facts as unbound). An authority is bound as a whole: accepting
  // H(VariableData) there would let a log wrap any measured bytes in a new name and GUID (no real
  // log needs it: every authority in attestkit's vectors hashes its whole data).
  if (type === EV.EFI_VARIABLE_BOOT) {
    if (decoded?.kind === 'uefi-variable') {
      const v = { rule: 'variable-data' as const, bytes: decoded.variable.variableData };
      return { bound: true, candidates: [v, whole] };
    }
    return { bound: true, candidates: [whole] };
  }
  if (type === EV.EFI_VARIABLE_AUTHORITY) return { bound: true, candidates: [whole] };
  if (type === EV.IPL && decoded?.kind === 'loader') {
    if (decoded.role === 'grub-command' || decoded.role === 'grub-kernel-cmdline') {
      const value = latin1Bytes(decoded.value);
      return {
        bound: true,
        candidates: [
          { rule: 'grub-text', bytes: value },
          { rule: 'grub-text-nul', bytes: plusNul(value) },
        ],
      };
    }
    // systemd-boot once logged its UTF-16 command line one byte short (Arch: 365 bytes) and
    // hashed the whole last code unit: the data and a zero byte, a preimage the log still fixes.
    // Only when that unit is the terminating NUL (its logged half is 0x00): any other unit would
    // be a character the shown text (which drops an odd trailing byte) does not carry.
    if (decoded.role === 'systemd-cmdline')
      return {
        bound: true,
        candidates:
          data.length & 1 && data[data.length - 1] === 0
            ? [whole, { rule: 'event-data', bytes: plusNul(data) }]
            : [whole],
      };
  }
  if (type === EV.EVENT_TAG && decoded?.kind === 'sipa')
    return { bound: true, candidates: [whole] };
  return { bound: false, candidates: [whole] };
}

/**
 * Checks an event's digest in one bank against its candidates.
 *
 * @returns the status and the rule that matched.
 * @example
 * ```ts
 * checkDigestAgainst(candidates, 'sha256', event.digests.sha256);
 * ```
 */
export function checkDigestAgainst(
  c: DigestCandidates | undefined,
  bank: HashAlg,
  eventDigest: Uint8Array,
  digesters?: DigesterSet,
): { readonly check: DigestCheck; readonly rule?: DigestRule } {
  if (c === undefined) return { check: 'not-extended' };
  // A digest of the wrong size matches no candidate: no need to hash them.
  if (eventDigest.length === BANK_DIGEST_SIZES[bank]) {
    const d = digesters?.get(bank);
    for (const cand of c.candidates) {
      const h = d !== undefined ? d.digest(cand.bytes) : digest(bank, cand.bytes);
      if (equalBytes(h, eventDigest)) return { check: 'verified', rule: cand.rule };
    }
  }
  return { check: c.bound ? 'mismatch' : 'not-data-derived' };
}

const BANK_DIGEST_SIZES: Readonly<Record<HashAlg, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** One reusable {@link Digester} per bank, made on first use (one set per parse or verify). */
export interface DigesterSet {
  get(bank: HashAlg): Digester;
}

/** Creates an empty {@link DigesterSet}. */
export function createDigesterSet(): DigesterSet {
  const made = new Map<HashAlg, Digester>();
  return {
    get(bank) {
      let d = made.get(bank);
      if (d === undefined) {
        d = createDigester(bank);
        made.set(bank, d);
      }
      return d;
    },
  };
}

/** Bank used for the parse-time digest check: the strongest common one attestkit computes fast. */
export function preferredBank(
  digests: Partial<Record<PcrBankName, Uint8Array>>,
): HashAlg | undefined {
  for (const b of ['sha256', 'sha384', 'sha512', 'sha1'] as const)
    if (digests[b] !== undefined) return b;
  return undefined;
}
